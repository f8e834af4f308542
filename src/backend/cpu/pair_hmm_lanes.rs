//! The float pair-HMM eight or sixteen jobs at a time. Each lane runs exactly the scalar
//! recurrence of `pair_hmm::forward::<f32>` (same operations, same order), so results are
//! bit-identical to it; what changes is that independent jobs share each step. The deletion
//! state's left-to-right dependency chain, which bounds the scalar kernel, then carries a whole
//! register of lanes at once: sixteen where AVX-512 is (one register; 4.3 against 3.1 GCUPS on
//! a Sapphire Rapids Xeon), eight elsewhere (sixteen as two AVX2 registers ran 5% slower).
//!
//! Jobs are grouped by (read length, haplotype length) so that lanes waste few cells. A lane with a
//! shorter haplotype ignores the extra columns (a cell only depends on columns to its left) and a
//! lane with a shorter read takes its sum at its own last row.

use rayon::prelude::*;

use super::ftz::FlushToZero;
use super::pair_hmm::{
    FLUSH_BELOW, INITIAL_F32, error_prob, flushed_product, from_float, transitions,
};
use crate::backend::pair_hmm::PairHmmBatch;

/// Jobs per group.
/// Jobs computed side by side without AVX-512, and with it.
const LANES: usize = 8;
const WIDE_LANES: usize = 16;

/// log10 likelihood of every job in `b`, in job order.
pub(crate) fn log10_all(b: &PairHmmBatch) -> Vec<f64> {
    let all: Vec<usize> = (0..b.jobs.len()).collect();
    log10_of(b, &all)
}

/// log10 likelihood of jobs `jobs` of `b`, in that order (a job's result does not depend on
/// which jobs share its lanes).
pub(crate) fn log10_of(b: &PairHmmBatch, jobs: &[usize]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_unstable_by_key(|&k| {
        let j = &b.jobs[jobs[k]];
        (j.read_len, j.hap_len, k)
    });
    let per_group: Vec<Vec<(usize, f64)>> = order
        .par_chunks(lanes())
        .map(|group| {
            let ids: Vec<usize> = group.iter().map(|&k| jobs[k]).collect();
            let sums = forward(b, &ids);
            group
                .iter()
                .zip(&ids)
                .zip(sums)
                .map(|((&k, &i), x)| (k, from_float(b, &b.jobs[i], x)))
                .collect()
        })
        .collect();
    let mut out = vec![0.0; jobs.len()];
    for (k, x) in per_group.into_iter().flatten() {
        out[k] = x;
    }
    out
}

/// Whether this CPU has AVX-512F.
fn wide() -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        return true;
    }
    false
}

/// Jobs per group on this CPU.
fn lanes() -> usize {
    if wide() { WIDE_LANES } else { LANES }
}

/// The scaled forward sums of up to [`lanes`] jobs (indices into `b.jobs`), in group order.
fn forward(b: &PairHmmBatch, group: &[usize]) -> Vec<f32> {
    let _ftz = FlushToZero::on();
    #[cfg(target_arch = "x86_64")]
    if wide() {
        // SAFETY: the CPU supports AVX-512F (checked by `wide`); the function only enables it
        // for code generation and does nothing else differently (no FMA: results stay
        // identical).
        return unsafe { forward_avx512(b, group) }.to_vec();
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above); as for AVX-512, only code
        // generation changes.
        return unsafe { forward_avx2(b, group) }.to_vec();
    }
    forward_lanes::<LANES>(b, group).to_vec()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn forward_avx2(b: &PairHmmBatch, group: &[usize]) -> [f32; LANES] {
    forward_lanes(b, group)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn forward_avx512(b: &PairHmmBatch, group: &[usize]) -> [f32; WIDE_LANES] {
    forward_lanes(b, group)
}

/// Per-lane parameters of one read row.
struct Row<const N: usize> {
    mm: [f32; N],
    gm: [f32; N],
    mi: [f32; N],
    ii: [f32; N],
    md: [f32; N],
    dd: [f32; N],
    hit: [f32; N],
    miss: [f32; N],
    base: [f32; N],
}

/// [`super::pair_hmm::flushed_product`] with a bitwise select, so that the lane loop stays
/// vectorised: the same product, zero below the same bound.
#[inline(always)]
fn times(a: f32, b: f32) -> f32 {
    let x = a * b;
    let keep = u32::from(x >= FLUSH_BELOW).wrapping_neg();
    f32::from_bits(x.to_bits() & keep)
}

#[inline(always)]
fn forward_lanes<const N: usize>(b: &PairHmmBatch, group: &[usize]) -> [f32; N] {
    let zero = [0.0f32; N];
    // Missing lanes of a short last group repeat the first job; their sums are dropped.
    let jobs: [_; N] = std::array::from_fn(|l| b.jobs[group[l.min(group.len() - 1)]]);
    let rows = jobs.iter().map(|j| j.read_len as usize).max().unwrap_or(0);
    let cols = jobs.iter().map(|j| j.hap_len as usize).max().unwrap_or(0);
    let mut sums = zero;
    if rows == 0 || cols == 0 {
        return sums;
    }
    // Base codes as floats, so that the match test is a vector comparison.
    let haps: Vec<[f32; N]> = (0..cols)
        .map(|c| {
            std::array::from_fn(|l| {
                let j = &jobs[l];
                if c < j.hap_len as usize {
                    f32::from(b.haps[j.hap_off as usize + c])
                } else {
                    4.0
                }
            })
        })
        .collect();
    let d0: [f32; N] = std::array::from_fn(|l| {
        flushed_product(INITIAL_F32, (1.0 / f64::from(jobs[l].hap_len)) as f32)
    });
    let (mut m_prev, mut i_prev, mut d_prev) = (
        vec![zero; cols + 1],
        vec![zero; cols + 1],
        vec![d0; cols + 1],
    );
    let (mut m_cur, mut i_cur, mut d_cur) = (
        vec![zero; cols + 1],
        vec![zero; cols + 1],
        vec![zero; cols + 1],
    );
    for row in 0..rows {
        let r = row_params(b, &jobs, row);
        // One pass per row: M and I of column c from the previous row, D of column c from M of
        // column c - 1 of this row (already computed) and D to its left.
        let mut left = zero;
        for c in 1..=cols {
            let (h, md, mu, id, iu, dd, m_left) = (
                &haps[c - 1],
                &m_prev[c - 1],
                &m_prev[c],
                &i_prev[c - 1],
                &i_prev[c],
                &d_prev[c - 1],
                &m_cur[c - 1],
            );
            let mut m = zero;
            let mut i = zero;
            for l in 0..N {
                // A bitwise select: exact, and vectorised (a branch or `if` makes LLVM pick
                // between the addresses of `hit` and `miss`, one lane at a time).
                let same = (r.base[l] == h[l]) | (r.base[l] > 3.0) | (h[l] > 3.0);
                let mask = u32::from(same).wrapping_neg();
                let prior =
                    f32::from_bits((r.hit[l].to_bits() & mask) | (r.miss[l].to_bits() & !mask));
                let inner = times(md[l], r.mm[l]) + times(id[l], r.gm[l]) + times(dd[l], r.gm[l]);
                m[l] = times(prior, inner);
                i[l] = times(mu[l], r.mi[l]) + times(iu[l], r.ii[l]);
                left[l] = times(m_left[l], r.md[l]) + times(left[l], r.dd[l]);
            }
            m_cur[c] = m;
            i_cur[c] = i;
            d_cur[c] = left;
        }
        std::mem::swap(&mut m_prev, &mut m_cur);
        std::mem::swap(&mut i_prev, &mut i_cur);
        std::mem::swap(&mut d_prev, &mut d_cur);
        d_cur[0] = zero;
        for (l, job) in jobs.iter().enumerate() {
            if job.read_len as usize == row + 1 {
                let mut sum = 0.0f32;
                for c in 1..=job.hap_len as usize {
                    sum = sum + m_prev[c][l] + i_prev[c][l];
                }
                sums[l] = sum;
            }
        }
    }
    sums
}

/// Transition and emission parameters of each lane's read base at `row` (a lane past the end
/// of its read repeats its last base; those rows are never read).
fn row_params<const N: usize>(
    b: &PairHmmBatch,
    jobs: &[crate::backend::PairHmmJob; N],
    row: usize,
) -> Row<N> {
    let zero = [0.0f32; N];
    let mut r = Row {
        mm: zero,
        gm: zero,
        mi: zero,
        ii: zero,
        md: zero,
        dd: zero,
        hit: zero,
        miss: zero,
        base: [4.0; N],
    };
    for (l, job) in jobs.iter().enumerate() {
        if job.read_len == 0 {
            continue;
        }
        let p = job.read_off as usize + row.min(job.read_len as usize - 1);
        let t = transitions::<f32>(b.ins_quals[p], b.del_quals[p], b.gcp[p]);
        let e = error_prob(b.base_quals[p]);
        (r.mm[l], r.gm[l], r.mi[l], r.ii[l], r.md[l], r.dd[l]) =
            (t.mm, t.gm, t.mi, t.ii, t.md, t.dd);
        (r.hit[l], r.miss[l]) = ((1.0 - e) as f32, (e / 3.0) as f32);
        r.base[l] = f32::from(b.bases[p]);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::super::pair_hmm::log10_fast;
    use super::*;
    use crate::backend::GapModel;
    use crate::core::rng::Rng;

    #[test]
    fn lanes_equal_the_scalar_float_kernel_bit_for_bit() {
        let mut rng = Rng::new(5);
        let mut b = PairHmmBatch::default();
        let mut haps = Vec::new();
        for _ in 0..7 {
            let len = 1 + rng.below(260);
            let h: Vec<u8> = (0..len).map(|_| rng.base()).collect();
            haps.push((b.push_hap(&h), h));
        }
        for _ in 0..23 {
            let (_, h) = &haps[rng.below(haps.len())];
            let len = 1 + rng.below(160);
            let start = rng.below(h.len());
            let read: Vec<u8> = (0..len)
                .map(|i| {
                    if rng.chance(0.05) {
                        rng.below(5) as u8
                    } else {
                        h[(start + i) % h.len()]
                    }
                })
                .collect();
            let quals: Vec<u8> = (0..len).map(|_| 2 + rng.below(40) as u8).collect();
            let r = b.push_read(&read, &quals, GapModel::default());
            for (span, _) in &haps {
                b.push_job(r, *span);
            }
        }
        // An empty read and an all-mismatch read that needs the double rescue.
        let empty = b.push_read(&[], &[], GapModel::default());
        b.push_job(empty, haps[0].0);
        let bad = b.push_read(&[0; 300], &[40; 300], GapModel::default());
        let ones = b.push_hap(&[1; 300]);
        b.push_job(bad, ones);
        // The portable builds of the kernel, 8 and 16 lanes, equal the dispatched one.
        for group in (0..b.jobs.len()).collect::<Vec<_>>().chunks(LANES) {
            let narrow = forward_lanes::<LANES>(&b, group).map(f32::to_bits);
            let wide = forward_lanes::<WIDE_LANES>(&b, group).map(f32::to_bits);
            let dispatched: Vec<u32> = forward(&b, group).iter().map(|x| x.to_bits()).collect();
            assert_eq!(&narrow[..], &wide[..LANES]);
            assert_eq!(&dispatched[..LANES], &narrow[..]);
        }
        let lanes = log10_all(&b);
        for (k, job) in b.jobs.iter().enumerate() {
            let scalar = log10_fast(&b, job);
            assert!(
                lanes[k].to_bits() == scalar.to_bits(),
                "job {k}: lanes {} scalar {}",
                lanes[k],
                scalar
            );
        }
    }
}
