//! The host code every kernel backend shares, whatever runs the kernels: which jobs go to the
//! kernels and which to the CPU, grouping by size, packing, launching through a [`Launcher`],
//! and unpacking into results in job order. `--device emu` and `--device cuda` differ only in
//! their launcher, so the emulated backend checks this code too.

pub(crate) mod extend_host;
pub(crate) mod layout;
pub(crate) mod pair_hmm_host;
pub(crate) mod sources;
pub(crate) mod stats;

use rayon::prelude::*;

use super::cpu::pair_hmm::from_float;
use super::cpu::{Aligned, banded, pack, pair_hmm_lanes};
use super::{Backend, ExtendBatch, ExtendResults, PairHmmBatch, PairHmmResults};
use crate::core::{Error, Result};
use layout::{ExtendLaunch, ExtendLaunchOut, PairHmmLaunch, PairHmmLaunchOut};
use stats::KernelCounters;
pub(crate) use stats::KernelStat;

/// Runs one launch of a kernel somewhere: on the host (emu) or on a GPU.
pub(crate) trait Launcher: Send + Sync {
    /// "emu", "cuda:0 (NVIDIA H100 80GB HBM3)".
    fn name(&self) -> String;
    /// Runs `extend_banded` over the launch's jobs.
    fn extend(&self, launch: &ExtendLaunch) -> Result<ExtendLaunchOut>;
    /// Runs `pair_hmm_forward`; one scaled float sum per job.
    fn pair_hmm(&self, launch: &PairHmmLaunch) -> Result<PairHmmLaunchOut>;
    /// Device memory held at most so far, in bytes (0 for the host).
    fn device_bytes(&self) -> u64 {
        0
    }
    /// Runs `fma_canary`: `a * b + c` of each triple.
    fn fma_canary(&self, abc: &[[f32; 3]]) -> Result<Vec<f32>>;
}

/// Whether the kernels' build keeps a product and a sum apart (no FMA contraction), checked
/// with a = b = 1 + 2^-12, c = -(1 + 2^-11): exactly 0 when rounded apart, 2^-24 when fused.
pub(crate) fn no_contraction(launcher: &dyn Launcher) -> Result<bool> {
    let a = 1.0 + f32::powi(2.0, -12);
    let c = -(1.0 + f32::powi(2.0, -11));
    Ok(launcher.fma_canary(&[[a, a, c]])? == [0.0])
}

/// A backend whose kernels run through a launcher.
pub(crate) struct KernelBackend<L: Launcher> {
    launcher: L,
    name: String,
    extend_counts: KernelCounters,
    pair_hmm_counts: KernelCounters,
}

impl<L: Launcher> KernelBackend<L> {
    pub(crate) fn new(launcher: L) -> Self {
        KernelBackend {
            name: launcher.name(),
            launcher,
            extend_counts: KernelCounters::default(),
            pair_hmm_counts: KernelCounters::default(),
        }
    }
}

impl<L: Launcher> KernelBackend<L> {
    /// One extension launch of jobs `idx`, counted; results in the order of `idx`.
    fn extend_launch(&self, batch: &ExtendBatch, idx: &[usize]) -> Result<Vec<Aligned>> {
        let launch = extend_host::pack(batch, idx);
        let out = self.launcher.extend(&launch)?;
        if out.outs.len() != idx.len() {
            return Err(missing("extension"));
        }
        let cells = idx
            .iter()
            .map(|&i| extend_host::cells(&batch.jobs[i]))
            .sum();
        self.extend_counts.launched(idx.len(), cells, out.timing);
        Ok((0..idx.len())
            .map(|k| extend_host::unpack(&launch, &out, k))
            .collect())
    }

    /// One pair-HMM launch of jobs `idx`, counted; log10 likelihoods in the order of `idx`.
    fn pair_hmm_launch(&self, batch: &PairHmmBatch, idx: &[usize]) -> Result<Vec<f64>> {
        let launch = pair_hmm_host::pack(batch, idx);
        let out = self.launcher.pair_hmm(&launch)?;
        if out.sums.len() != idx.len() {
            return Err(missing("pair-HMM"));
        }
        let cells = idx
            .iter()
            .map(|&i| u64::from(batch.jobs[i].read_len) * u64::from(batch.jobs[i].hap_len))
            .sum();
        self.pair_hmm_counts.launched(idx.len(), cells, out.timing);
        Ok(idx
            .iter()
            .zip(&out.sums)
            .map(|(&i, &x)| from_float(batch, &batch.jobs[i], x))
            .collect())
    }
}

fn missing(what: &str) -> Error {
    Error::Internal(format!("a {what} job got no result"))
}

impl<L: Launcher> Backend for KernelBackend<L> {
    fn name(&self) -> &str {
        &self.name
    }

    fn extend(&self, batch: &ExtendBatch) -> Result<ExtendResults> {
        let plan = extend_host::plan(batch);
        let mut aligned: Vec<Option<Aligned>> = (0..batch.len()).map(|_| None).collect();
        // Launches run side by side: on a GPU, one's copies overlap another's kernel.
        let done = plan
            .launches
            .par_iter()
            .map(|idx| self.extend_launch(batch, idx))
            .collect::<Result<Vec<Vec<Aligned>>>>()?;
        for (idx, results) in plan.launches.iter().zip(done) {
            for (&i, a) in idx.iter().zip(results) {
                aligned[i] = Some(a);
            }
        }
        let cpu: Vec<(usize, Aligned)> = plan
            .fallback
            .par_iter()
            .map(|&i| {
                let j = &batch.jobs[i];
                let (q, t) = batch.sequences(j);
                (i, banded::align(&batch.scoring, q, t, j.band_lo, j.band_hi))
            })
            .collect();
        self.extend_counts.fell_back(cpu.len());
        for (i, a) in cpu {
            aligned[i] = Some(a);
        }
        let all = aligned
            .into_iter()
            .map(|a| a.ok_or_else(|| missing("extension")))
            .collect::<Result<Vec<Aligned>>>()?;
        Ok(pack(all))
    }

    fn pair_hmm(&self, batch: &PairHmmBatch) -> Result<PairHmmResults> {
        let plan = pair_hmm_host::plan(batch);
        let mut log10: Vec<Option<f64>> = vec![None; batch.len()];
        let done = plan
            .launches
            .par_iter()
            .map(|idx| self.pair_hmm_launch(batch, idx))
            .collect::<Result<Vec<Vec<f64>>>>()?;
        for (idx, results) in plan.launches.iter().zip(done) {
            for (&i, x) in idx.iter().zip(results) {
                log10[i] = Some(x);
            }
        }
        if !plan.fallback.is_empty() {
            self.pair_hmm_counts.fell_back(plan.fallback.len());
            let cpu = pair_hmm_lanes::log10_of(batch, &plan.fallback);
            for (&i, x) in plan.fallback.iter().zip(cpu) {
                log10[i] = Some(x);
            }
        }
        let log10 = log10
            .into_iter()
            .map(|x| x.ok_or_else(|| missing("pair-HMM")))
            .collect::<Result<Vec<f64>>>()?;
        Ok(PairHmmResults { log10 })
    }

    fn no_contraction(&self) -> Result<Option<bool>> {
        no_contraction(&self.launcher).map(Some)
    }

    fn device_bytes(&self) -> u64 {
        self.launcher.device_bytes()
    }

    /// A few launches' worth: enough to fill a GPU, and to overlap one launch's copies with
    /// another's kernel.
    fn preferred_jobs(&self) -> usize {
        4 * pair_hmm_host::MAX_LAUNCH_JOBS
    }

    fn kernel_stats(&self) -> Vec<KernelStat> {
        vec![
            self.extend_counts.snapshot("extend_banded"),
            self.pair_hmm_counts.snapshot("pair_hmm_forward"),
        ]
    }
}
