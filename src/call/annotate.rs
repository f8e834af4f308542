//! GATK's site annotations from the reads behind a call, as GATK documents them: RMS mapping
//! quality (and its raw sums for gVCF), and the rank-sum tests of alternate against reference
//! reads for mapping quality, base quality and the variant's position in the read (Mann-Whitney
//! U as a z-score, normal approximation with ties corrected; positive when the alternate reads'
//! values are higher). Reads count for an allele when their likelihood clearly favours it (the
//! reads of AD).

use super::reads::AlnRead;

/// The annotations of one call.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Annotations {
    /// Sum of squared mapping qualities and the reads summed (RAW_MQandDP).
    pub mq_sq: u64,
    pub mq_n: u32,
    pub mq_rank: Option<f64>,
    pub base_q_rank: Option<f64>,
    pub read_pos_rank: Option<f64>,
}

impl Annotations {
    /// RMS mapping quality.
    pub(crate) fn mq(&self) -> Option<f64> {
        (self.mq_n > 0).then(|| (self.mq_sq as f64 / f64::from(self.mq_n)).sqrt())
    }
}

/// The annotations of a site at `pos` from the reads overlapping it, each with the allele its
/// likelihoods clearly favour (None: no allele).
pub(crate) fn annotate(pos: i64, reads: &[(Option<&AlnRead>, Option<usize>)]) -> Annotations {
    let mut a = Annotations::default();
    // Values of the reference (0) and alternate (1) reads.
    type Groups = [Vec<f64>; 2];
    let (mut mq, mut bq, mut rp) = (Groups::default(), Groups::default(), Groups::default());
    for (r, allele) in reads {
        let Some(r) = r else { continue };
        a.mq_sq += u64::from(r.mapq) * u64::from(r.mapq);
        a.mq_n += 1;
        let Some(allele) = allele else { continue };
        let g = usize::from(*allele > 0);
        mq[g].push(f64::from(r.mapq));
        if let Some((q, p)) = r.base_at(pos) {
            bq[g].push(f64::from(q));
            rp[g].push(f64::from(p));
        }
    }
    a.mq_rank = rank_sum_z(&mq[1], &mq[0]);
    a.base_q_rank = rank_sum_z(&bq[1], &bq[0]);
    a.read_pos_rank = rank_sum_z(&rp[1], &rp[0]);
    a
}

/// The Mann-Whitney U of `alt` against `reference` as a z-score (ranks averaged over ties, the
/// variance corrected for them); None when either group is empty.
pub(crate) fn rank_sum_z(alt: &[f64], reference: &[f64]) -> Option<f64> {
    let (n1, n2) = (alt.len() as f64, reference.len() as f64);
    if alt.is_empty() || reference.is_empty() {
        return None;
    }
    let mut all: Vec<(f64, bool)> = alt
        .iter()
        .map(|&v| (v, true))
        .chain(reference.iter().map(|&v| (v, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = all.len();
    let (mut rank_alt, mut ties) = (0.0, 0.0);
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j < n && all[j].0 == all[i].0 {
            j += 1;
        }
        let mean_rank = (i + j + 1) as f64 / 2.0;
        let t = (j - i) as f64;
        ties += t * t * t - t;
        rank_alt += mean_rank * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let u = rank_alt - n1 * (n1 + 1.0) / 2.0;
    let total = n1 + n2;
    let var = n1 * n2 / 12.0 * ((total + 1.0) - ties / (total * (total - 1.0)));
    if var <= 0.0 {
        return Some(0.0);
    }
    Some((u - n1 * n2 / 2.0) / var.sqrt())
}

/// GATK's ExcessHet for one sample: the mid-p exact test of Wigginton et al. (2005) has a single
/// possible outcome, so its p-value is 0.5 whatever the genotype: 3.0103.
pub(crate) const EXCESS_HET_ONE_SAMPLE: f64 = 3.010_299_956_639_812;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::cigar::{CigarOp, Kind};

    #[test]
    fn rank_sums_are_zero_for_like_groups_and_signed_by_the_alternate_reads() {
        assert_eq!(rank_sum_z(&[60.0; 5], &[60.0; 7]), Some(0.0));
        assert_eq!(rank_sum_z(&[], &[60.0; 7]), None);
        let low = rank_sum_z(&[10.0, 12.0, 15.0], &[50.0, 55.0, 60.0, 58.0]).unwrap();
        let high = rank_sum_z(&[50.0, 55.0, 60.0, 58.0], &[10.0, 12.0, 15.0]).unwrap();
        assert!(low < -1.5 && high > 1.5, "{low} {high}");
        // No overlap, 3 against 4: U = 0, mean 6, sd sqrt(3*4*8/12) = 2.83.
        assert!((low + 6.0 / 8f64.sqrt()).abs() < 1e-9, "{low}");
    }

    #[test]
    fn a_base_knows_its_quality_and_distance_from_the_read_ends() {
        let r = AlnRead {
            pos: 100,
            end: 118,
            ops: vec![
                CigarOp::new(Kind::SoftClip, 2),
                CigarOp::new(Kind::Match, 8),
                CigarOp::new(Kind::Del, 2),
                CigarOp::new(Kind::Match, 8),
            ],
            seq: vec![0; 18],
            qual: (0..18).collect(),
            rev: false,
            mapq: 37,
        };
        // 18 read bases, the 2 clipped counted: position 100 is read base 2.
        assert_eq!(r.base_at(100), Some((2, 2)));
        assert_eq!(r.base_at(103), Some((5, 5)));
        assert_eq!(r.base_at(108), None);
        // 110 is read base 10 of 18, past the middle (9): 18 - 1 - 10 = 7 from the far end.
        assert_eq!(r.base_at(110), Some((10, 7)));
        assert_eq!(r.base_at(117), Some((17, 0)));
        assert_eq!(r.base_at(118), None);
        let a = annotate(
            103,
            &[(Some(&r), Some(1)), (Some(&r), Some(0)), (None, None)],
        );
        assert_eq!((a.mq_sq, a.mq_n), (2 * 37 * 37, 2));
        assert_eq!(a.mq(), Some(37.0));
        assert_eq!(a.mq_rank, Some(0.0));
    }
}
