//! The `Backend` trait: the hot kernels, called a batch at a time, with a CPU implementation
//! now and a CUDA one to come (see `../shared/design.md`, "Backends").

pub mod cpu;
pub mod extend;

pub use extend::{ExtendBatch, ExtendJob, ExtendResult, ExtendResults, Scoring};

use crate::error::Result;

/// A provider of the compute kernels. Implementations may reorder work inside a batch but
/// return results indexed by the job's position in the batch, and must give identical results.
pub trait Backend: Send + Sync {
    /// A short name for messages and metrics ("cpu", "cuda:0").
    fn name(&self) -> &str;
    /// Banded affine-gap local alignment with clipping penalties and traceback, one result
    /// per job (see [`ExtendJob`] for the contract).
    fn extend(&self, batch: &ExtendBatch) -> Result<ExtendResults>;
}
