//! The index stage's options: the minimizer scheme.

use crate::core::{Error, Result};

/// Index parameters: k-mer length and window (in k-mers) of the minimizer scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexParams {
    /// k-mer length: odd (no k-mer is its own reverse complement), 11 to 31.
    pub k: u32,
    /// Window: one minimizer is kept per `w` consecutive k-mers, 1 to 64.
    pub w: u32,
}

impl Default for IndexParams {
    /// k=19, w=10: one minimizer every ~5.5 bases, so a 150 bp read carries ~25 seeds and a
    /// read with a few errors still has several exact ones.
    fn default() -> Self {
        IndexParams { k: 19, w: 10 }
    }
}

impl IndexParams {
    /// Whether the index code supports these parameters.
    pub fn supported(self) -> bool {
        (11..=31).contains(&self.k) && !self.k.is_multiple_of(2) && (1..=64).contains(&self.w)
    }

    /// Refuses unsupported parameters.
    pub fn validate(self) -> Result<()> {
        if self.supported() {
            Ok(())
        } else {
            Err(Error::Usage(format!(
                "index parameters k={} w={}: k must be odd and 11 to 31, w 1 to 64",
                self.k, self.w
            )))
        }
    }
}
