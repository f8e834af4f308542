//! The CPU backend: a plain full-matrix oracle and a fast banded version of each kernel,
//! which must agree exactly; the fast one runs jobs in parallel on the rayon pool.

pub(crate) mod banded;
pub(crate) mod cell;
pub(crate) mod ftz;
pub(crate) mod oracle;
pub(crate) mod pair_hmm;
pub(crate) mod pair_hmm_lanes;

use rayon::prelude::*;

use super::{Backend, ExtendBatch, ExtendResult, ExtendResults, PairHmmBatch, PairHmmResults};
use crate::core::Result;

/// Which implementation of the kernels to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpuKernel {
    /// Plain full-matrix reference implementations, for tests.
    Oracle,
    /// Banded, rolling-row implementations.
    Fast,
}

/// Kernels on the CPU.
pub struct CpuBackend {
    kernel: CpuKernel,
}

impl CpuBackend {
    pub fn new(kernel: CpuKernel) -> Self {
        CpuBackend { kernel }
    }
}

/// One job's outcome before CIGARs are packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aligned {
    pub score: i32,
    pub query_start: u32,
    pub query_end: u32,
    pub target_start: u32,
    pub target_end: u32,
    pub cigar: Vec<u32>,
}

impl Backend for CpuBackend {
    fn name(&self) -> &str {
        match self.kernel {
            CpuKernel::Oracle => "cpu-oracle",
            CpuKernel::Fast => "cpu",
        }
    }

    fn extend(&self, batch: &ExtendBatch) -> Result<ExtendResults> {
        let run = |job| {
            let (q, t) = batch.sequences(job);
            match self.kernel {
                CpuKernel::Oracle => oracle::align(&batch.scoring, q, t, job.band_lo, job.band_hi),
                CpuKernel::Fast => banded::align(&batch.scoring, q, t, job.band_lo, job.band_hi),
            }
        };
        let aligned: Vec<Aligned> = batch.jobs.par_iter().with_min_len(8).map(run).collect();
        Ok(pack(aligned))
    }

    fn pair_hmm(&self, batch: &PairHmmBatch) -> Result<PairHmmResults> {
        let log10 = match self.kernel {
            CpuKernel::Oracle => batch
                .jobs
                .par_iter()
                .with_min_len(4)
                .map(|job| pair_hmm::log10_oracle(batch, job))
                .collect(),
            CpuKernel::Fast => pair_hmm_lanes::log10_all(batch),
        };
        Ok(PairHmmResults { log10 })
    }
}

/// Results in job order, CIGARs packed one after another.
pub(crate) fn pack(aligned: Vec<Aligned>) -> ExtendResults {
    let mut out = ExtendResults::default();
    for a in aligned {
        out.results.push(ExtendResult {
            score: a.score,
            query_start: a.query_start,
            query_end: a.query_end,
            target_start: a.target_start,
            target_end: a.target_end,
            cigar_off: out.cigars.len() as u32,
            cigar_len: a.cigar.len() as u32,
            _pad: 0,
        });
        out.cigars.extend_from_slice(&a.cigar);
    }
    out
}
