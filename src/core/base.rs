//! Base codes used throughout: A=0, C=1, G=2, T=3, anything else (N and the IUPAC ambiguity
//! codes) = 4. Sequences are held as codes, never as letters, from the reader to the writer.

/// The code of N and of every ambiguous base.
pub(crate) const N: u8 = 4;

/// Maps an ASCII base (either case) to its code.
pub(crate) fn encode(b: u8) -> u8 {
    match b {
        b'A' | b'a' => 0,
        b'C' | b'c' => 1,
        b'G' | b'g' => 2,
        b'T' | b't' => 3,
        _ => N,
    }
}

/// Maps a code back to an upper-case ASCII base.
pub(crate) fn decode(c: u8) -> u8 {
    b"ACGTN"[usize::from(c.min(N))]
}

/// Codes as upper-case text.
pub(crate) fn to_text(codes: &[u8]) -> String {
    codes.iter().map(|&c| char::from(decode(c))).collect()
}

/// Whether the text `bases` spells the codes `on_ref` (ambiguity codes and N on either side
/// agree with anything): a REF allele checked against the reference.
pub(crate) fn spells(on_ref: &[u8], bases: &str) -> bool {
    bases
        .bytes()
        .map(encode)
        .zip(on_ref)
        .all(|(a, &b)| a >= N || b >= N || a == b)
}

/// The complement of a code (N stays N).
pub(crate) fn complement(c: u8) -> u8 {
    if c > 3 { c } else { 3 - c }
}

/// Reverse complement of a sequence of codes.
pub(crate) fn revcomp(seq: &[u8]) -> Vec<u8> {
    seq.iter().rev().map(|&c| complement(c)).collect()
}

/// Whether `b` is a FASTA sequence letter: a base, an IUPAC ambiguity code (either case) or `*`.
pub(crate) fn is_iupac(b: u8) -> bool {
    b"ACGTUNRYSWKMBDHVacgtunryswkmbdhv".contains(&b) || b == b'*'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_ambiguity_is_n() {
        assert_eq!(to_text(&b"ACGTacgtRn".map(encode)), "ACGTACGTNN");
        assert_eq!(revcomp(&[0, 1, 2, 3, N]), vec![N, 0, 1, 2, 3]);
        assert!(is_iupac(b'r') && is_iupac(b'*') && !is_iupac(b'E'));
    }
}
