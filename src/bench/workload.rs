//! Deterministic kernel workloads shaped like the real ones: 150 bp reads against windows a
//! little wider than the read for extension, and reads against the few candidate haplotypes of
//! an active region for the pair-HMM. The same seed always gives the same batch.

use crate::backend::{ExtendBatch, GapModel, PairHmmBatch, Scoring};
use crate::core::rng::Rng;

/// Length of the simulated reads.
pub const READ_LEN: usize = 150;
/// Extension windows are this many bases wider than the read (the band spans them).
const EXTEND_SLACK: usize = 32;

/// `n` extension jobs: each read carries two substitutions and a one-base deletion.
pub fn extend_batch(n: usize, seed: u64) -> ExtendBatch {
    let mut rng = Rng::new(seed);
    let mut b = ExtendBatch::new(Scoring::default());
    for _ in 0..n {
        let target: Vec<u8> = (0..READ_LEN + EXTEND_SLACK)
            .map(|_| code(&mut rng))
            .collect();
        let start = EXTEND_SLACK / 2;
        let mut q = target[start..start + READ_LEN].to_vec();
        for _ in 0..2 {
            let i = rng.below(READ_LEN);
            q[i] = (q[i] + 1) % 4;
        }
        q.remove(rng.below(READ_LEN - 10) + 5);
        b.push(&q, &target, 0, EXTEND_SLACK as i32);
    }
    b
}

/// The shape of a pair-HMM workload.
#[derive(Debug, Clone, Copy)]
pub struct PairHmmShape {
    /// Active regions...
    pub regions: usize,
    /// ...each with this many haplotypes (the first the reference, the others with a SNP or a
    /// small indel) of `hap_len` bases...
    pub haps: usize,
    pub hap_len: usize,
    /// ...and this many reads drawn from them, each scored against every haplotype.
    pub reads: usize,
}

/// A pair-HMM batch of `shape`: reads with about 1% errors and qualities between 10 and 40.
pub fn pair_hmm_batch(shape: &PairHmmShape, seed: u64) -> PairHmmBatch {
    let PairHmmShape {
        regions,
        haps,
        reads,
        hap_len,
    } = *shape;
    let mut rng = Rng::new(seed);
    let mut b = PairHmmBatch::default();
    for _ in 0..regions {
        let reference: Vec<u8> = (0..hap_len).map(|_| rng.base()).collect();
        let mut alleles = vec![reference.clone()];
        for _ in 1..haps {
            let mut h = reference.clone();
            let at = hap_len / 4 + rng.below(hap_len / 2);
            match rng.below(3) {
                0 => h[at] = rng.other_base(h[at]),
                1 => {
                    h.remove(at);
                }
                _ => h.insert(at, rng.base()),
            }
            alleles.push(h);
        }
        let spans: Vec<_> = alleles.iter().map(|h| b.push_hap(h)).collect();
        for _ in 0..reads {
            let source = &alleles[rng.below(alleles.len())];
            let start = rng.below(source.len().saturating_sub(READ_LEN).max(1));
            let end = (start + READ_LEN).min(source.len());
            let mut bases = source[start..end].to_vec();
            let quals: Vec<u8> = (0..bases.len()).map(|_| 10 + rng.below(31) as u8).collect();
            for base in bases.iter_mut() {
                if rng.chance(0.01) {
                    *base = rng.other_base(*base);
                }
            }
            let read = b.push_read(&bases, &quals, GapModel::default());
            for &hap in &spans {
                b.push_job(read, hap);
            }
        }
    }
    b
}

/// A base code 0..=3 (the extension kernels take codes, not letters).
fn code(rng: &mut Rng) -> u8 {
    rng.below(4) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workloads_are_deterministic_and_shaped_as_asked() {
        let a = extend_batch(50, 3);
        let b = extend_batch(50, 3);
        assert_eq!(a.queries, b.queries);
        assert_eq!(a.len(), 50);
        assert!(a.jobs.iter().all(|j| j.query_len as usize == READ_LEN - 1));
        let shape = PairHmmShape {
            regions: 2,
            haps: 3,
            reads: 10,
            hap_len: 300,
        };
        let p = pair_hmm_batch(&shape, 3);
        assert_eq!(p.len(), 2 * 3 * 10);
        assert_eq!(p.bases, pair_hmm_batch(&shape, 3).bases);
    }
}
