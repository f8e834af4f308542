//! The host side of the pair-HMM kernel: jobs grouped into launches by length, reads packed with
//! their per-base parameters (computed here once, in double, then rounded to float: the same
//! numbers the CPU kernels use), and float sums turned into log10 likelihoods, with the
//! double-precision rescue of sums too small to trust.

use std::collections::HashMap;

use super::layout::{DevPairHmmJob, PairHmmLaunch, pair_hmm_scratch_bytes};
use crate::backend::PairHmmBatch;
use crate::backend::cpu::pair_hmm::{INITIAL_F32, error_prob, flushed_product, transitions};

/// The longest haplotype and read the kernel takes; longer ones run on the CPU.
pub(crate) const MAX_HAP: u32 = 4096;
pub(crate) const MAX_READ: u32 = 4096;
/// Scratch one launch may use, and the most jobs it may hold.
pub(crate) const LAUNCH_BYTES: usize = 256 << 20;
pub(crate) const MAX_LAUNCH_JOBS: usize = 1 << 16;

/// Jobs grouped into launches (indices into the batch), and the jobs left to the CPU.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub launches: Vec<Vec<usize>>,
    pub fallback: Vec<usize>,
}

/// Sorts the jobs the kernel takes by (read length, haplotype length) and cuts them into
/// launches whose boundary rows stay within [`LAUNCH_BYTES`].
pub(crate) fn plan(b: &PairHmmBatch) -> Plan {
    let mut p = Plan::default();
    let mut fits = Vec::new();
    for (i, j) in b.jobs.iter().enumerate() {
        if j.hap_len <= MAX_HAP && j.read_len <= MAX_READ {
            fits.push(i);
        } else {
            p.fallback.push(i);
        }
    }
    fits.sort_by_key(|&i| (b.jobs[i].read_len, b.jobs[i].hap_len, i));
    let mut current: Vec<usize> = Vec::new();
    let mut max_hap = 0u32;
    for i in fits {
        let h = max_hap.max(b.jobs[i].hap_len);
        let bytes = pair_hmm_scratch_bytes(h, current.len() + 1);
        if !current.is_empty() && (bytes > LAUNCH_BYTES || current.len() >= MAX_LAUNCH_JOBS) {
            p.launches.push(std::mem::take(&mut current));
            max_hap = 0;
        }
        max_hap = max_hap.max(b.jobs[i].hap_len);
        current.push(i);
    }
    if !current.is_empty() {
        p.launches.push(current);
    }
    p
}

/// The 8 parameters of read base `p`: M->M, gap->M, M->I, I->I, M->D, D->D, match, mismatch.
fn base_params(b: &PairHmmBatch, p: usize) -> [f32; 8] {
    let t = transitions::<f32>(b.ins_quals[p], b.del_quals[p], b.gcp[p]);
    let e = error_prob(b.base_quals[p]);
    [
        t.mm,
        t.gm,
        t.mi,
        t.ii,
        t.md,
        t.dd,
        (1.0 - e) as f32,
        (e / 3.0) as f32,
    ]
}

/// The launch of jobs `idx` of `b`: each read and haplotype copied once.
pub(crate) fn pack(b: &PairHmmBatch, idx: &[usize]) -> PairHmmLaunch {
    let mut l = PairHmmLaunch::default();
    let mut reads: HashMap<(u32, u32), u32> = HashMap::new();
    let mut haps: HashMap<(u32, u32), u32> = HashMap::new();
    for &i in idx {
        let j = &b.jobs[i];
        let read_off = *reads.entry((j.read_off, j.read_len)).or_insert_with(|| {
            let off = l.bases.len() as u32;
            let r = j.read_off as usize..(j.read_off + j.read_len) as usize;
            l.bases.extend_from_slice(&b.bases[r.clone()]);
            for p in r {
                l.params.extend_from_slice(&base_params(b, p));
            }
            off
        });
        let hap_off = *haps.entry((j.hap_off, j.hap_len)).or_insert_with(|| {
            let off = l.haps.len() as u32;
            l.haps
                .extend_from_slice(&b.haps[j.hap_off as usize..(j.hap_off + j.hap_len) as usize]);
            off
        });
        let d0 = if j.hap_len == 0 {
            0.0
        } else {
            flushed_product(INITIAL_F32, (1.0 / f64::from(j.hap_len)) as f32)
        };
        l.jobs.push(DevPairHmmJob {
            read_off,
            read_len: j.read_len,
            hap_off,
            hap_len: j.hap_len,
            d0,
            pad: 0,
        });
        l.max_hap = l.max_hap.max(j.hap_len);
    }
    l
}
