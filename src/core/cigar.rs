//! CIGAR operations (SAM specification section 1.4, field 6; BAM encoding in section 4.2:
//! `length << 4 | code`, codes in the order `MIDNSHP=X`).

use std::io::Write;

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `M`: aligned, match or mismatch.
    Match,
    /// `I`: inserted in the read.
    Ins,
    /// `D`: deleted from the read.
    Del,
    /// `N`: skipped reference (an intron).
    Skip,
    /// `S`: read bases left unaligned, kept in the record.
    SoftClip,
    /// `H`: read bases left unaligned and removed from the record.
    HardClip,
    /// `P`: padding.
    Pad,
    /// `=`: aligned, equal to the reference.
    Equal,
    /// `X`: aligned, differs from the reference.
    Diff,
}

const KINDS: [Kind; 9] = [
    Kind::Match,
    Kind::Ins,
    Kind::Del,
    Kind::Skip,
    Kind::SoftClip,
    Kind::HardClip,
    Kind::Pad,
    Kind::Equal,
    Kind::Diff,
];

impl Kind {
    /// The BAM code (0-8).
    pub fn code(self) -> u32 {
        self as u32
    }

    /// The SAM letter.
    pub fn symbol(self) -> u8 {
        b"MIDNSHP=X"[self as usize]
    }

    /// The kind of a BAM code; None for codes 9-15.
    pub fn from_code(code: u32) -> Option<Kind> {
        KINDS.get(code as usize).copied()
    }

    /// The kind of a SAM letter.
    pub fn from_symbol(b: u8) -> Option<Kind> {
        KINDS.iter().copied().find(|k| k.symbol() == b)
    }

    /// Whether the operation walks along the read (SAM table "consumes query").
    pub fn consumes_query(self) -> bool {
        matches!(
            self,
            Kind::Match | Kind::Ins | Kind::SoftClip | Kind::Equal | Kind::Diff
        )
    }

    /// Whether the operation walks along the reference (SAM table "consumes reference").
    pub fn consumes_reference(self) -> bool {
        matches!(
            self,
            Kind::Match | Kind::Del | Kind::Skip | Kind::Equal | Kind::Diff
        )
    }

    /// `M`, `=` and `X`: a read base placed on a reference base.
    pub fn is_aligned(self) -> bool {
        self.consumes_query() && self.consumes_reference()
    }
}

/// One operation: a kind and a length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CigarOp {
    pub kind: Kind,
    pub len: u32,
}

impl CigarOp {
    pub fn new(kind: Kind, len: u32) -> CigarOp {
        CigarOp { kind, len }
    }

    /// The BAM encoding.
    pub fn to_bam(self) -> u32 {
        (self.len << 4) | self.kind.code()
    }

    /// Decodes BAM's `length << 4 | code`; None for an unknown code.
    pub fn from_bam(op: u32) -> Option<CigarOp> {
        Kind::from_code(op & 0xf).map(|kind| CigarOp { kind, len: op >> 4 })
    }
}

/// Reference bases a CIGAR spans.
pub fn reference_span(ops: &[CigarOp]) -> i64 {
    ops.iter()
        .filter(|op| op.kind.consumes_reference())
        .map(|op| i64::from(op.len))
        .sum()
}

/// Read bases a CIGAR accounts for (the length SEQ must have).
pub fn query_len(ops: &[CigarOp]) -> u64 {
    ops.iter()
        .filter(|op| op.kind.consumes_query())
        .map(|op| u64::from(op.len))
        .sum()
}

/// Appends the SAM text form (`*` for an empty CIGAR).
pub fn write_text(ops: &[CigarOp], out: &mut Vec<u8>) {
    if ops.is_empty() {
        out.push(b'*');
    }
    for op in ops {
        let _ = write!(out, "{}", op.len);
        out.push(op.kind.symbol());
    }
}

/// The SAM text form.
pub fn to_text(ops: &[CigarOp]) -> Vec<u8> {
    let mut out = Vec::new();
    write_text(ops, &mut out);
    out
}

/// Appends an operation, merging it into the last one when they are of one kind.
pub fn push(ops: &mut Vec<CigarOp>, kind: Kind, len: u32) {
    match ops.last_mut() {
        Some(last) if last.kind == kind => last.len += len,
        _ => ops.push(CigarOp::new(kind, len)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_know_what_they_consume_and_round_trip() {
        let ops: Vec<CigarOp> = [0x34u32, 0x21, 0x52, 0x13, 0x16]
            .iter()
            .map(|&x| CigarOp::from_bam(x).unwrap())
            .collect();
        assert_eq!(to_text(&ops), b"3S2I5D1N1P");
        assert_eq!(reference_span(&ops), 6);
        assert_eq!(query_len(&ops), 5);
        assert!(
            ops.iter()
                .zip([0x34u32, 0x21, 0x52, 0x13, 0x16])
                .all(|(o, x)| o.to_bam() == x)
        );
        assert_eq!(CigarOp::from_bam(0x19), None);
        assert_eq!(to_text(&[]), b"*");
        assert_eq!(Kind::from_symbol(b'='), Some(Kind::Equal));
        assert!(Kind::Diff.is_aligned() && !Kind::SoftClip.is_aligned());
    }
}
