//! The `Backend` trait: the hot kernels, called a batch at a time, with a CPU implementation
//! now and a CUDA one to come (see `docs/architecture.md`, "Backends").

pub mod cpu;
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
}

/// The backend for a `--device` value: `auto` and `cpu` give the CPU; `cuda[:ids]` is refused
/// until the CUDA backend lands, with a message rather than a silent fallback.
pub fn select(device: &str) -> Result<Box<dyn Backend>> {
    match device {
        "auto" | "cpu" => Ok(Box::new(cpu::CpuBackend::new(cpu::CpuKernel::Fast))),
        "emu" => Ok(Box::new(emu::backend())),
        d if d == "cuda" || d.starts_with("cuda:") => Err(Error::Usage(format!(
            "--device {d}: this build of zenome has no CUDA backend yet; use --device cpu or auto"
        ))),
        d => Err(Error::Usage(format!(
            "--device {d}: expected auto, cpu or cuda[:N,...]"
        ))),
    }
}
