//! The pair-HMM on the CPU (GATK's model: match, insertion and deletion states; transitions from
//! per-base insertion/deletion qualities and a gap-continuation penalty; emissions from base
//! qualities). One generic recurrence serves both precisions, so the float and double versions
//! do the same operations in the same order: a device kernel can reproduce the float one bit
//! for bit (no FMA contraction: Rust never contracts, and the CUDA kernel is built with
//! `--fmad=false`).

use std::ops::{Add, Mul};
use std::sync::OnceLock;

use crate::backend::pair_hmm::{PairHmmBatch, PairHmmJob};

/// Float results below this are too close to underflow to trust: they are recomputed in double.
pub(crate) const MIN_ACCEPTED: f32 = 1e-28;

/// Scaling of the initial condition (GATK uses 2^120 for float and 2^1020 for double).
pub(crate) const INITIAL_F32: f32 = 1.329_228e36; // 2^120
const INITIAL_LOG10_F32: f64 = 36.123_599_479_677_74; // 120 * log10(2)
const INITIAL_F64: f64 = 1.123_558_209_288_947_4e307; // 2^1020
const INITIAL_LOG10_F64: f64 = 307.050_595_577_260_5; // 1020 * log10(2)

/// 10^(-q/10) for q in 0..128, computed once in double and shared by every kernel.
pub(crate) fn error_prob(q: u8) -> f64 {
    static TABLE: OnceLock<[f64; 128]> = OnceLock::new();
    TABLE.get_or_init(|| std::array::from_fn(|q| 10f64.powf(-(q as f64) / 10.0)))
        [usize::from(q.min(127))]
}

/// The arithmetic the recurrence needs, for f32 and f64.
pub(crate) trait Real: Copy + Add<Output = Self> + Mul<Output = Self> + PartialOrd {
    const ZERO: Self;
    fn from_f64(x: f64) -> Self;
    fn to_f64(self) -> f64;
    /// A product as the recurrence keeps it: see [`flushed_product`].
    fn times(self, p: Self) -> Self;
}

/// The smallest product the float recurrence keeps: 2^-125. Every smaller product is zero.
pub(crate) const FLUSH_BELOW: f32 = 2.350_988_7e-38;

/// `a * b`, or zero when the product is below [`FLUSH_BELOW`].
///
/// Far from the alignment path the scaled values fall under 2^-126 and become denormal: every
/// operation on denormal floats costs Intel cores a microcode assist (calling ran 14x slower on
/// an Intel Xeon than on an AMD EPYC), and they are far below anything that changes a likelihood.
/// The values are non-negative, so only products can fall that low (sums of values at least
/// 2^-125 stay so). Flushing every product below 2^-125 explicitly makes the result the same
/// whether the processor keeps denormals (IEEE), flushes them after rounding (x86 FTZ) or before
/// (other hardware): no product between 2^-126 and 2^-125 is ever used, and none below is either.
/// So the CPU may run with FTZ and DAZ on (fast) and any GPU build gives the same bits.
#[inline(always)]
pub(crate) fn flushed_product(a: f32, b: f32) -> f32 {
    let x = a * b;
    if x < FLUSH_BELOW { 0.0 } else { x }
}

impl Real for f32 {
    const ZERO: f32 = 0.0;
    fn from_f64(x: f64) -> f32 {
        x as f32
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn times(self, p: f32) -> f32 {
        flushed_product(self, p)
    }
}

impl Real for f64 {
    const ZERO: f64 = 0.0;
    fn from_f64(x: f64) -> f64 {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
    /// Doubles, scaled by 2^1020, do not get near their smallest normal: no flush.
    fn times(self, p: f64) -> f64 {
        self * p
    }
}

/// Per-read-position transition probabilities: M->M, gap->M, M->I, I->I, M->D, D->D.
pub(crate) struct Transitions<T> {
    pub mm: T,
    pub gm: T,
    pub mi: T,
    pub ii: T,
    pub md: T,
    pub dd: T,
}

pub(crate) fn transitions<T: Real>(ins: u8, del: u8, gcp: u8) -> Transitions<T> {
    let (pi, pd, pg) = (error_prob(ins), error_prob(del), error_prob(gcp));
    Transitions {
        mm: T::from_f64(1.0 - (pi + pd)),
        gm: T::from_f64(1.0 - pg),
        mi: T::from_f64(pi),
        ii: T::from_f64(pg),
        md: T::from_f64(pd),
        dd: T::from_f64(pg),
    }
}

/// The forward algorithm over one read and one haplotype, in precision `T`, with rolling rows.
/// Returns the sum over the last row of M and I, still scaled by `initial`.
fn forward<T: Real>(b: &PairHmmBatch, job: &PairHmmJob, initial: T) -> T {
    let r = job.read_off as usize..(job.read_off + job.read_len) as usize;
    let n = job.hap_len as usize;
    let hap = &b.haps[job.hap_off as usize..][..n];
    if n == 0 || r.is_empty() {
        return T::ZERO;
    }
    let d0 = initial.times(T::from_f64(1.0 / n as f64));
    let (mut m_prev, mut i_prev, mut d_prev) =
        (vec![T::ZERO; n + 1], vec![T::ZERO; n + 1], vec![d0; n + 1]);
    let (mut m_cur, mut i_cur, mut d_cur) = (
        vec![T::ZERO; n + 1],
        vec![T::ZERO; n + 1],
        vec![T::ZERO; n + 1],
    );
    for p in r {
        let t = transitions::<T>(b.ins_quals[p], b.del_quals[p], b.gcp[p]);
        let e = error_prob(b.base_quals[p]);
        let (hit, miss) = (T::from_f64(1.0 - e), T::from_f64(e / 3.0));
        let base = b.bases[p];
        // M and I of the row depend only on the previous row: one branch-free pass the compiler
        // can vectorise. D depends on the cell to its left: a second, sequential pass. Each
        // cell's arithmetic is the same as in a single pass.
        let (m_diag, m_up, i_diag, i_up, d_diag) = (
            &m_prev[..n],
            &m_prev[1..=n],
            &i_prev[..n],
            &i_prev[1..=n],
            &d_prev[..n],
        );
        let cells = m_cur[1..=n]
            .iter_mut()
            .zip(&mut i_cur[1..=n])
            .zip(hap)
            .zip(m_diag.iter().zip(m_up))
            .zip(i_diag.iter().zip(i_up))
            .zip(d_diag);
        for (((((mc, ic), &h), (&md, &mu)), (&id, &iu)), &dd) in cells {
            let prior = if (base == h) | (base > 3) | (h > 3) {
                hit
            } else {
                miss
            };
            *mc = prior.times(md.times(t.mm) + id.times(t.gm) + dd.times(t.gm));
            *ic = mu.times(t.mi) + iu.times(t.ii);
        }
        let mut left = T::ZERO;
        for (d, &m) in d_cur[1..=n].iter_mut().zip(&m_cur[..n]) {
            left = m.times(t.md) + left.times(t.dd);
            *d = left;
        }
        std::mem::swap(&mut m_prev, &mut m_cur);
        std::mem::swap(&mut i_prev, &mut i_cur);
        std::mem::swap(&mut d_prev, &mut d_cur);
        d_cur[0] = T::ZERO;
    }
    let mut sum = T::ZERO;
    for j in 1..=n {
        sum = sum + m_prev[j] + i_prev[j];
    }
    sum
}

/// The oracle: everything in double precision.
pub(crate) fn log10_oracle(b: &PairHmmBatch, job: &PairHmmJob) -> f64 {
    forward::<f64>(b, job, INITIAL_F64).log10() - INITIAL_LOG10_F64
}

/// The scalar fast path: float, recomputed in double when the float result is too small to trust
/// (the lanes of `pair_hmm_lanes` are checked against it).
#[cfg(test)]
pub(crate) fn log10_fast(b: &PairHmmBatch, job: &PairHmmJob) -> f64 {
    from_float(b, job, forward::<f32>(b, job, INITIAL_F32))
}

/// log10 of a scaled float forward sum, or the double-precision result when it is too small.
pub(crate) fn from_float(b: &PairHmmBatch, job: &PairHmmJob, x: f32) -> f64 {
    if x < MIN_ACCEPTED {
        return log10_oracle(b, job);
    }
    x.to_f64().log10() - INITIAL_LOG10_F32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::GapModel;

    fn rng(seed: &mut u64) -> u64 {
        let mut r = crate::core::rng::Rng::new(*seed);
        *seed = r.next_u64();
        *seed
    }

    #[test]
    fn float_matches_double_on_random_cases() {
        let mut seed = 77u64;
        for _ in 0..200 {
            let mut b = PairHmmBatch::default();
            let hlen = 20 + (rng(&mut seed) % 200) as usize;
            let hap: Vec<u8> = (0..hlen).map(|_| (rng(&mut seed) % 4) as u8).collect();
            let rlen = 10 + (rng(&mut seed) % 120) as usize;
            let start = (rng(&mut seed) as usize) % hlen;
            let read: Vec<u8> = (0..rlen)
                .map(|i| {
                    if rng(&mut seed).is_multiple_of(20) {
                        (rng(&mut seed) % 4) as u8
                    } else {
                        hap[(start + i) % hlen]
                    }
                })
                .collect();
            let quals: Vec<u8> = (0..rlen).map(|_| 5 + (rng(&mut seed) % 36) as u8).collect();
            let r = b.push_read(&read, &quals, GapModel::default());
            let h = b.push_hap(&hap);
            b.push_job(r, h);
            let (fast, slow) = (log10_fast(&b, &b.jobs[0]), log10_oracle(&b, &b.jobs[0]));
            assert!(
                (fast - slow).abs() < 1e-3 * slow.abs().max(1.0),
                "{fast} vs {slow}"
            );
        }
    }

    #[test]
    fn a_read_prefers_its_own_haplotype_and_underflow_is_rescued() {
        let mut b = PairHmmBatch::default();
        let hap1: Vec<u8> = (0..150).map(|i| ((i * 7 + i / 3) % 4) as u8).collect();
        let mut hap2 = hap1.clone();
        hap2[75] = (hap2[75] + 1) % 4;
        let read = hap1[25..125].to_vec();
        let r = b.push_read(&read, &[30; 100], GapModel::default());
        let (h1, h2) = (b.push_hap(&hap1), b.push_hap(&hap2));
        b.push_job(r, h1);
        b.push_job(r, h2);
        let (l1, l2) = (log10_fast(&b, &b.jobs[0]), log10_fast(&b, &b.jobs[1]));
        assert!(l1 - l2 > 2.5, "{l1} {l2}");
        // A long read of all mismatches underflows float and is rescued in double.
        let mut b = PairHmmBatch::default();
        let r = b.push_read(&[0; 300], &[40; 300], GapModel::default());
        let h = b.push_hap(&[1; 300]);
        b.push_job(r, h);
        let l = log10_fast(&b, &b.jobs[0]);
        assert!(l.is_finite() && l < -200.0, "{l}");
        assert_eq!(l, log10_oracle(&b, &b.jobs[0]));
    }
}
