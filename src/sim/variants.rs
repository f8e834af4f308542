//! The truth set: diploid SNPs and indels of 1-50 bp placed on the reference, and the two
//! haplotypes they make, with a map from haplotype to reference positions.

use crate::core::rng::Rng;

/// A variant: 0-based position, REF and ALT base codes (indels carry the padding base), and
/// which haplotypes carry the ALT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Variant {
    pub pos: usize,
    pub reference: Vec<u8>,
    pub alt: Vec<u8>,
    pub on: [bool; 2],
}

/// Places variants along `seq`, never closer than a few bases, never over an N.
pub(crate) fn place(seq: &[u8], rng: &mut Rng, snp_rate: f64, indel_rate: f64) -> Vec<Variant> {
    let mut out = Vec::new();
    let mut pos = 100;
    let gap = |rng: &mut Rng, rate: f64| (-(rng.unit().max(1e-12)).ln() / rate) as usize;
    let rate = snp_rate + indel_rate;
    if rate <= 0.0 {
        return out;
    }
    loop {
        pos += 12 + gap(rng, rate);
        if pos + 120 >= seq.len() {
            break;
        }
        let on = match rng.below(3) {
            0 => [true, true],
            1 => [true, false],
            _ => [false, true],
        };
        let v = if rng.chance(snp_rate / rate) {
            Variant {
                pos,
                reference: vec![seq[pos]],
                alt: vec![rng.other_base(seq[pos])],
                on,
            }
        } else {
            indel(seq, pos, rng, on)
        };
        if v.reference.iter().chain(&v.alt).any(|&b| b > 3) {
            continue;
        }
        pos += v.reference.len();
        out.push(v);
    }
    out
}

fn indel(seq: &[u8], pos: usize, rng: &mut Rng, on: [bool; 2]) -> Variant {
    let len = match rng.below(10) {
        0..=5 => 1 + rng.below(3),
        6..=8 => 4 + rng.below(12),
        _ => 16 + rng.below(35),
    };
    if rng.chance(0.5) {
        let mut alt = vec![seq[pos]];
        alt.extend((0..len).map(|_| rng.base()));
        Variant {
            pos,
            reference: vec![seq[pos]],
            alt,
            on,
        }
    } else {
        Variant {
            pos,
            reference: seq[pos..=pos + len].to_vec(),
            alt: vec![seq[pos]],
            on,
        }
    }
}

/// One haplotype: its bases and, for each, the reference position it stands at (inserted
/// bases take the position of the base before them).
pub(crate) struct Haplotype {
    pub seq: Vec<u8>,
    pub ref_pos: Vec<u32>,
}

impl Haplotype {
    fn copy_reference(&mut self, seq: &[u8], range: std::ops::Range<usize>) {
        self.ref_pos.extend(range.clone().map(|p| p as u32));
        self.seq.extend_from_slice(&seq[range]);
    }
}

/// The two haplotypes the truth set makes.
pub(crate) fn haplotypes(seq: &[u8], truth: &[Variant]) -> [Haplotype; 2] {
    let make = |h: usize| {
        let mut out = Haplotype {
            seq: Vec::with_capacity(seq.len()),
            ref_pos: Vec::with_capacity(seq.len()),
        };
        let mut at = 0;
        for v in truth.iter().filter(|v| v.on[h]) {
            out.copy_reference(seq, at..v.pos);
            for &b in &v.alt {
                out.seq.push(b);
                out.ref_pos.push(v.pos as u32);
            }
            at = v.pos + v.reference.len();
        }
        out.copy_reference(seq, at..seq.len());
        out
    };
    [make(0), make(1)]
}
