//! The host side of the extension kernel: which jobs it takes (the rest run on the CPU), how
//! they are grouped into launches of similar size, packed, and read back.

use super::layout::{DevExtendJob, ExtendLaunch, ExtendLaunchOut, extend_scratch_bytes};
use crate::backend::cpu::Aligned;
use crate::backend::{ExtendBatch, ExtendJob};

/// The widest band the kernel takes, in diagonals; wider ones (mate rescue over a whole insert
/// window) run on the CPU.
pub(crate) const MAX_WIDTH: u32 = 256;
/// The longest query the kernel takes.
pub(crate) const MAX_QUERY: u32 = 2048;
/// Scratch one launch may use, and the most jobs it may hold.
pub(crate) const LAUNCH_BYTES: usize = 256 << 20;
pub(crate) const MAX_LAUNCH_JOBS: usize = 1 << 16;

/// A job's band width in diagonals.
pub(crate) fn width(j: &ExtendJob) -> u32 {
    (i64::from(j.band_hi) - i64::from(j.band_lo) + 1).clamp(0, i64::from(u32::MAX)) as u32
}

/// Dynamic-programming cells of a job (query length times band width).
pub(crate) fn cells(j: &ExtendJob) -> u64 {
    u64::from(j.query_len) * u64::from(width(j))
}

/// Jobs grouped into launches (indices into the batch), and the jobs left to the CPU.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub launches: Vec<Vec<usize>>,
    pub fallback: Vec<usize>,
}

/// Sorts the jobs the kernel takes by (width, query length) and cuts them into launches whose
/// scratch stays within [`LAUNCH_BYTES`].
pub(crate) fn plan(batch: &ExtendBatch) -> Plan {
    let mut p = Plan::default();
    let mut fits = Vec::new();
    for (i, j) in batch.jobs.iter().enumerate() {
        if width(j) <= MAX_WIDTH && j.query_len <= MAX_QUERY {
            fits.push(i);
        } else {
            p.fallback.push(i);
        }
    }
    fits.sort_by_key(|&i| (width(&batch.jobs[i]), batch.jobs[i].query_len, i));
    let mut current: Vec<usize> = Vec::new();
    let mut rows = 0u32;
    for i in fits {
        let j = &batch.jobs[i];
        let r = rows.max(j.query_len);
        let bytes = extend_scratch_bytes(width(j).max(1), r, current.len() + 1);
        if !current.is_empty() && (bytes > LAUNCH_BYTES || current.len() >= MAX_LAUNCH_JOBS) {
            p.launches.push(std::mem::take(&mut current));
            rows = 0;
        }
        rows = rows.max(j.query_len);
        current.push(i);
    }
    if !current.is_empty() {
        p.launches.push(current);
    }
    p
}

/// The launch of jobs `idx` of `batch`.
pub(crate) fn pack(batch: &ExtendBatch, idx: &[usize]) -> ExtendLaunch {
    let mut l = ExtendLaunch {
        scoring: batch.scoring.into(),
        ..ExtendLaunch::default()
    };
    for &i in idx {
        let j = &batch.jobs[i];
        let (q, t) = batch.sequences(j);
        l.jobs.push(DevExtendJob {
            query_off: l.queries.len() as u32,
            query_len: j.query_len,
            target_off: l.targets.len() as u32,
            target_len: j.target_len,
            band_lo: j.band_lo,
            band_hi: j.band_hi,
            cigar_off: l.cigar_slots as u32,
            pad: 0,
        });
        l.queries.extend_from_slice(q);
        l.targets.extend_from_slice(t);
        l.cigar_slots += (j.query_len + j.target_len) as usize;
        l.width = l.width.max(width(j));
        l.rows = l.rows.max(j.query_len);
    }
    l
}

/// Job `k` of a launch's output as the CPU kernels return it (CIGAR first operation first).
pub(crate) fn unpack(l: &ExtendLaunch, out: &ExtendLaunchOut, k: usize) -> Aligned {
    let o = &out.outs[k];
    let start = l.jobs[k].cigar_off as usize;
    let mut cigar: Vec<u32> = out
        .cigars
        .get(start..start + o.cigar_len as usize)
        .unwrap_or(&[])
        .to_vec();
    cigar.reverse();
    Aligned {
        score: o.score,
        query_start: o.query_start,
        query_end: o.query_end,
        target_start: o.target_start,
        target_end: o.target_end,
        cigar,
    }
}
