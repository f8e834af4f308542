//! The `Backend` trait: the hot kernels, called a batch at a time, with a CPU implementation
//! now and a CUDA one to come (see `docs/architecture.md`, "Backends").

pub mod cpu;
pub(crate) mod cuda;
pub(crate) mod emu;
pub(crate) mod extend;
pub(crate) mod kernel;
pub(crate) mod pair_hmm;

pub use extend::{ExtendBatch, ExtendJob, ExtendResult, ExtendResults, Scoring};
pub use pair_hmm::{GapModel, PairHmmBatch, PairHmmJob, PairHmmResults};

use crate::core::{Error, Result};

/// A provider of the compute kernels. Implementations may reorder work inside a batch but
/// return results indexed by the job's position in the batch, and must give identical results.
pub trait Backend: Send + Sync {
    /// A short name for messages and metrics ("cpu", "cuda:0").
    fn name(&self) -> &str;
    /// Banded affine-gap local alignment with clipping penalties and traceback, one result
    /// per job (see [`ExtendJob`] for the contract).
    fn extend(&self, batch: &ExtendBatch) -> Result<ExtendResults>;
    /// log10 likelihood of each read given each haplotype (see [`PairHmmBatch`]).
    fn pair_hmm(&self, batch: &PairHmmBatch) -> Result<PairHmmResults>;
    /// Launches, jobs, cells and CPU fallbacks of each kernel entry point so far (none for the
    /// CPU backend, which runs no kernels).
    fn kernel_stats(&self) -> Vec<kernel::KernelStat> {
        Vec::new()
    }
    /// Whether the kernels run with products and sums rounded apart (the FMA canary); None for
    /// the CPU backend, whose Rust code is never contracted.
    fn no_contraction(&self) -> Result<Option<bool>> {
        Ok(None)
    }
    /// Device memory held at most so far, in bytes (0 where the kernels run on the host).
    fn device_bytes(&self) -> u64 {
        0
    }
    /// How many jobs a call should hand over at once to keep the device busy: callers pool the
    /// work of several regions up to this (0: no pooling, each region's batch on its own).
    fn preferred_jobs(&self) -> usize {
        0
    }
}

/// The backend for a `--device` value: `cpu`; `emu` (the CUDA kernels compiled for the host);
/// `cuda` or `cuda:0,1` (an error saying why when no GPU is usable, never a silent fallback);
/// `auto`, every visible GPU, else the CPU.
pub fn select(device: &str) -> Result<Box<dyn Backend>> {
    select_noting(device).map(|(b, _)| b)
}

/// [`select`], with a note for the user when `auto` found a GPU it could not use.
pub fn select_noting(device: &str) -> Result<(Box<dyn Backend>, Option<String>)> {
    let cpu = || Box::new(cpu::CpuBackend::new(cpu::CpuKernel::Fast)) as Box<dyn Backend>;
    match device {
        "cpu" => Ok((cpu(), None)),
        "emu" => Ok((Box::new(emu::backend()), None)),
        "auto" => match cuda::open("cuda") {
            Ok(b) => Ok((Box::new(b), None)),
            // No driver or no GPU: the CPU, without a word. A GPU that cannot be used: say why.
            Err(e)
                if cuda::probe::driver().is_err()
                    || e.to_string().contains("no GPU is visible") =>
            {
                Ok((cpu(), None))
            }
            Err(e) => Ok((cpu(), Some(format!("{e}; using the CPU")))),
        },
        d if d == "cuda" || d.starts_with("cuda:") => Ok((Box::new(cuda::open(d)?), None)),
        d => Err(Error::Usage(format!(
            "--device {d}: expected auto, cpu, emu, cuda or cuda:N[,N...]"
        ))),
    }
}

/// Compiles every kernel for `arch` into the cache folder `dir` with NVRTC (`zenome kernels`);
/// one line per file written.
pub fn kernels_report(dir: &std::path::Path, arch: &str) -> Result<Vec<String>> {
    let files = cuda::cache::prebuild(dir, arch)?;
    Ok(files
        .iter()
        .map(|(f, c)| {
            format!(
                "wrote {} ({} bytes; register spills: {}; fma instructions: {})",
                f.display(),
                c.cubin.len(),
                if c.spills() { "yes" } else { "none" },
                if c.has_fma() { "yes" } else { "none" }
            )
        })
        .collect())
}
