//! A random genome with the repeats that make alignment hard: tandem repeats, an interspersed
//! repeat family (diverged copies of one element) and segmental duplications.

use crate::core::rng::Rng;
use crate::io::fasta::Contig;

/// A random contig of `len` bases with repeats.
pub(crate) fn random_genome(name: &str, len: usize, rng: &mut Rng) -> Contig {
    let mut seq: Vec<u8> = (0..len).map(|_| rng.base()).collect();
    let element: Vec<u8> = (0..300).map(|_| rng.base()).collect();
    let mut at = 0;
    while at + 5000 < len {
        at += 2000 + rng.below(6000);
        match rng.below(3) {
            0 => tandem(&mut seq, at, rng),
            1 => {
                let divergence = 0.05 + 0.1 * rng.unit();
                paste_diverged(&mut seq, &element, at, divergence, rng);
            }
            _ => {
                if rng.chance(0.3) && len > 20_000 {
                    let seg = 300 + rng.below(2000);
                    let from = rng.below(len - seg);
                    let copy = seq[from..from + seg].to_vec();
                    let divergence = 0.005 + 0.05 * rng.unit();
                    paste_diverged(&mut seq, &copy, at, divergence, rng);
                }
            }
        }
    }
    Contig {
        name: name.into(),
        seq,
        m5: [0; 16],
    }
}

fn tandem(seq: &mut [u8], at: usize, rng: &mut Rng) {
    let unit_len = 1 + rng.below(6);
    let unit: Vec<u8> = (0..unit_len).map(|_| rng.base()).collect();
    let copies = 8 + rng.below(30);
    for i in 0..unit_len * copies {
        if at + i < seq.len() {
            seq[at + i] = if rng.chance(0.02) {
                rng.base()
            } else {
                unit[i % unit_len]
            };
        }
    }
}

fn paste_diverged(seq: &mut [u8], src: &[u8], at: usize, divergence: f64, rng: &mut Rng) {
    for (i, &b) in src.iter().enumerate() {
        if at + i < seq.len() {
            seq[at + i] = if rng.chance(divergence) {
                rng.other_base(b)
            } else {
                b
            };
        }
    }
}
