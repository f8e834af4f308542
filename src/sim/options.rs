//! The simulator's options, with their defaults and their limits.

use std::path::PathBuf;

use crate::core::{Error, Result};
use crate::io::fastq::MAX_READ_LEN;

/// Simulation options.
#[derive(Debug, Clone)]
pub(crate) struct SimOpts {
    pub seed: u64,
    pub genome_size: usize,
    pub depth: f64,
    pub read_len: usize,
    pub insert_mean: f64,
    pub insert_sd: f64,
    pub snp_rate: f64,
    pub indel_rate: f64,
    /// Fraction of fragments sequenced twice (PCR duplicates).
    pub duplicate_rate: f64,
    /// Number of positions where a third of the forward-strand reads carry the same wrong base.
    pub strand_error_hotspots: usize,
    /// Chance that a read crossing a homopolymer of 4 bases gains or loses one of them; each
    /// further base multiplies it by 1.6 (at most 0.3). 0: no indel errors. Forward reads that
    /// slipped carry no strand-error hotspot (their offsets no longer follow the haplotype).
    pub slippage: f64,
    /// Take the sequence from this FASTA region (`chr:from-to`, 1-based) instead of a random one.
    pub from_reference: Option<(PathBuf, String)>,
}

impl Default for SimOpts {
    fn default() -> Self {
        SimOpts {
            seed: 1,
            genome_size: 1_000_000,
            depth: 30.0,
            read_len: 150,
            insert_mean: 350.0,
            insert_sd: 50.0,
            snp_rate: 1e-3,
            indel_rate: 1.5e-4,
            duplicate_rate: 0.0,
            strand_error_hotspots: 0,
            slippage: 0.0,
            from_reference: None,
        }
    }
}

impl SimOpts {
    /// Refuses values that cannot make a simulation (a zero read length never ends), naming
    /// the flag.
    pub(crate) fn validate(&self) -> Result<()> {
        let bad = |flag: &str, value: String, what: &str| {
            Err(Error::Usage(format!("{flag} {value}: {what}")))
        };
        if !(30..=MAX_READ_LEN).contains(&self.read_len) {
            return bad(
                "--read-length",
                self.read_len.to_string(),
                &format!("reads of 30 to {MAX_READ_LEN} bases"),
            );
        }
        if self.from_reference.is_none() && !(1_000..=1_000_000_000).contains(&self.genome_size) {
            return bad(
                "--genome-size",
                self.genome_size.to_string(),
                "1000 to 1,000,000,000 bases",
            );
        }
        if !(self.depth > 0.0 && self.depth <= 1000.0) {
            return bad(
                "--depth",
                self.depth.to_string(),
                "a depth above 0 and at most 1000",
            );
        }
        if !(0.0..=1.0).contains(&self.duplicate_rate) {
            return bad(
                "--duplicates",
                self.duplicate_rate.to_string(),
                "a fraction of 0 to 1",
            );
        }
        if !(self.insert_mean.is_finite() && self.insert_sd >= 0.0 && self.insert_sd.is_finite()) {
            return bad(
                "insert size",
                format!("{} +- {}", self.insert_mean, self.insert_sd),
                "finite, with a non-negative spread",
            );
        }
        if !((0.0..=0.1).contains(&self.snp_rate) && (0.0..=0.1).contains(&self.indel_rate)) {
            return bad(
                "variant rates",
                format!("{} {}", self.snp_rate, self.indel_rate),
                "0 to 0.1 per base",
            );
        }
        if !(0.0..=0.1).contains(&self.slippage) {
            return bad(
                "--slippage",
                self.slippage.to_string(),
                "a chance of 0 to 0.1 at a run of 4",
            );
        }
        if self.strand_error_hotspots > 100_000 {
            return bad(
                "--strand-errors",
                self.strand_error_hotspots.to_string(),
                "at most 100,000 hotspots",
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_simulations_name_their_flag() {
        SimOpts::default().validate().unwrap();
        let zero = SimOpts {
            read_len: 0,
            ..SimOpts::default()
        };
        assert!(
            zero.validate()
                .unwrap_err()
                .to_string()
                .starts_with("--read-length 0:")
        );
        let nan = SimOpts {
            depth: f64::NAN,
            ..SimOpts::default()
        };
        assert!(
            nan.validate()
                .unwrap_err()
                .to_string()
                .starts_with("--depth NaN:")
        );
        let slip = SimOpts {
            slippage: 0.5,
            ..SimOpts::default()
        };
        assert!(
            slip.validate()
                .unwrap_err()
                .to_string()
                .starts_with("--slippage 0.5:")
        );
    }
}
