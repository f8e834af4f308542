//! Kernel throughput: a batch runs on a backend again and again for at least a set time; the
//! result is jobs and matrix cells per second, and whether the results equal the oracle's.

use std::time::Instant;

use crate::backend::cpu::{CpuBackend, CpuKernel};
use crate::backend::{Backend, ExtendBatch, PairHmmBatch};
use crate::core::Result;

/// One kernel on one backend.
#[derive(Debug, Clone)]
pub(crate) struct KernelFigure {
    pub kernel: &'static str,
    pub backend: String,
    pub jobs: u64,
    pub runs: u64,
    pub seconds: f64,
    /// Dynamic-programming cells computed per second, in millions.
    pub mcells_per_s: f64,
    pub jobs_per_s: f64,
    /// Agreement with the CPU oracle: "identical", or the largest difference for the pair-HMM.
    pub parity: String,
}

/// Runs `f` until `min_seconds` have passed (at least once); returns (runs, seconds).
fn repeat(min_seconds: f64, mut f: impl FnMut() -> Result<()>) -> Result<(u64, f64)> {
    let t = Instant::now();
    let mut runs = 0;
    while runs == 0 || t.elapsed().as_secs_f64() < min_seconds {
        f()?;
        runs += 1;
    }
    Ok((runs, t.elapsed().as_secs_f64()))
}

fn figure(
    kernel: &'static str,
    backend: &dyn Backend,
    jobs: usize,
    cells: u64,
    (runs, seconds): (u64, f64),
    parity: String,
) -> KernelFigure {
    let per_s = runs as f64 / seconds.max(1e-9);
    KernelFigure {
        kernel,
        backend: backend.name().to_string(),
        jobs: jobs as u64,
        runs,
        seconds,
        mcells_per_s: cells as f64 * per_s / 1e6,
        jobs_per_s: jobs as f64 * per_s,
        parity,
    }
}

/// Banded extension: cells are query length times band width.
pub(crate) fn extend(
    backend: &dyn Backend,
    b: &ExtendBatch,
    min_seconds: f64,
) -> Result<KernelFigure> {
    let cells: u64 = b
        .jobs
        .iter()
        .map(|j| u64::from(j.query_len) * (j.band_hi - j.band_lo + 1).max(0) as u64)
        .sum();
    let mine = backend.extend(b)?;
    let oracle = CpuBackend::new(CpuKernel::Oracle).extend(b)?;
    let parity = if mine == oracle {
        "identical".to_string()
    } else {
        let differ = mine
            .results
            .iter()
            .zip(&oracle.results)
            .filter(|(a, o)| a != o)
            .count();
        format!("{differ} of {} results differ", b.len())
    };
    let timing = repeat(min_seconds, || backend.extend(b).map(|_| ()))?;
    Ok(figure("extend", backend, b.len(), cells, timing, parity))
}

/// Pair-HMM: cells are read length times haplotype length. Parity is the largest log10
/// difference from the double-precision oracle (the float path agrees to rounding, not bits).
pub(crate) fn pair_hmm(
    backend: &dyn Backend,
    b: &PairHmmBatch,
    min_seconds: f64,
) -> Result<KernelFigure> {
    let cells: u64 = b
        .jobs
        .iter()
        .map(|j| u64::from(j.read_len) * u64::from(j.hap_len))
        .sum();
    let mine = backend.pair_hmm(b)?;
    let oracle = CpuBackend::new(CpuKernel::Oracle).pair_hmm(b)?;
    let worst = mine
        .log10
        .iter()
        .zip(&oracle.log10)
        .map(|(a, o)| (a - o).abs())
        .fold(0.0, f64::max);
    let parity = if worst == 0.0 {
        "identical".to_string()
    } else {
        format!("max |log10 diff| {worst:.1e}")
    };
    let timing = repeat(min_seconds, || backend.pair_hmm(b).map(|_| ()))?;
    Ok(figure("pair_hmm", backend, b.len(), cells, timing, parity))
}
