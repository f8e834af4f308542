//! What `zenome eval` compares, and how.

use std::path::PathBuf;

use crate::core::{Error, Result};

/// The evaluation's inputs and choices.
#[derive(Debug, Clone)]
pub(crate) struct EvalOpts {
    /// Reference FASTA (or a `.fai` alone: alleles are then trimmed but not left-aligned).
    pub reference: PathBuf,
    pub truth: PathBuf,
    pub query: PathBuf,
    /// Count only variants starting inside these regions (`-L`).
    pub bed: Option<PathBuf>,
    /// Count only query records whose FILTER is PASS or `.` (off with `--all-records`).
    pub pass_only: bool,
    /// Ignore query records with QUAL below this (`--min-qual`).
    pub min_qual: f64,
    /// Score this sample of a multi-sample query (`--sample`; the first when None).
    pub sample: Option<String>,
}

impl EvalOpts {
    pub(crate) fn new(reference: PathBuf, truth: PathBuf, query: PathBuf) -> EvalOpts {
        EvalOpts {
            reference,
            truth,
            query,
            bed: None,
            pass_only: true,
            min_qual: 0.0,
            sample: None,
        }
    }

    /// Whether only a FASTA index was given.
    pub(crate) fn reference_is_fai(&self) -> bool {
        self.reference.extension().is_some_and(|e| e == "fai")
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if !(self.min_qual.is_finite() && self.min_qual >= 0.0) {
            return Err(Error::Usage(format!(
                "--min-qual {}: a QUAL of at least 0",
                self.min_qual
            )));
        }
        Ok(())
    }
}
