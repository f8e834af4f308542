//! Kernel throughput: a batch runs on a backend again and again for at least a set time; the
//! result is jobs and matrix cells per second (GCUPS: billions of cell updates a second), the
//! share of a kernel backend's time spent copying to and from the device, and whether the
//! results equal the reference's: the oracle for extension, the CPU's float kernel (to the bit)
//! for the pair-HMM, with its largest difference from the double-precision oracle.

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
    /// Share of the kernel backend's launch time spent on copies (None: no kernels launched).
    pub transfer_share: Option<f64>,
    /// Agreement with the reference (see the module's comment).
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

/// The backend's copy and kernel seconds so far for entry point `entry`.
fn launch_seconds(backend: &dyn Backend, entry: &str) -> (f64, f64) {
    backend
        .kernel_stats()
        .iter()
        .find(|k| k.kernel == entry)
        .map_or((0.0, 0.0), |k| (k.transfer_seconds, k.kernel_seconds))
}

/// Times `run` on `backend` and makes the figure; `entry` is the kernel's entry point.
fn measure(
    kernel: &'static str,
    entry: &str,
    backend: &dyn Backend,
    (jobs, cells): (usize, u64),
    min_seconds: f64,
    parity: String,
    run: impl FnMut() -> Result<()>,
) -> Result<KernelFigure> {
    let before = launch_seconds(backend, entry);
    let (runs, seconds) = repeat(min_seconds, run)?;
    let after = launch_seconds(backend, entry);
    let (transfer, compute) = (after.0 - before.0, after.1 - before.1);
    let per_s = runs as f64 / seconds.max(1e-9);
    Ok(KernelFigure {
        kernel,
        backend: backend.name().to_string(),
        jobs: jobs as u64,
        runs,
        seconds,
        mcells_per_s: cells as f64 * per_s / 1e6,
        jobs_per_s: jobs as f64 * per_s,
        transfer_share: (transfer + compute > 0.0).then(|| transfer / (transfer + compute)),
        parity,
    })
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
    let run = || backend.extend(b).map(|_| ());
    measure(
        "extend",
        "extend_banded",
        backend,
        (b.len(), cells),
        min_seconds,
        parity,
        run,
    )
}

/// Pair-HMM: cells are read length times haplotype length.
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
    let float = CpuBackend::new(CpuKernel::Fast).pair_hmm(b)?;
    let oracle = CpuBackend::new(CpuKernel::Oracle).pair_hmm(b)?;
    let worst = mine
        .log10
        .iter()
        .zip(&oracle.log10)
        .map(|(a, o)| (a - o).abs())
        .fold(0.0, f64::max);
    let differ = mine
        .log10
        .iter()
        .zip(&float.log10)
        .filter(|(a, f)| a.to_bits() != f.to_bits())
        .count();
    let parity = match (worst == 0.0, differ) {
        (true, _) => "identical".to_string(),
        (false, 0) => format!("bits = cpu; max log10 diff {worst:.1e} vs double"),
        (false, d) => format!("{d} of {} differ from cpu", b.len()),
    };
    let run = || backend.pair_hmm(b).map(|_| ());
    measure(
        "pair_hmm",
        "pair_hmm_forward",
        backend,
        (b.len(), cells),
        min_seconds,
        parity,
        run,
    )
}
