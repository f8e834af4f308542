//! The aligner's options, bwa-mem's defaults where bwa has the same knob.

use crate::backend::Scoring;
use crate::core::{Error, Result};

/// Alignment options.
#[derive(Debug, Clone)]
pub(crate) struct AlignOpts {
    /// Match score and penalties (bwa's -A, -B, -O, -E, -L): 1, 4, 6, 1, 5.
    pub scoring: Scoring,
    /// Minimizers with more reference occurrences are skipped (like bwa's -c).
    pub max_occ: usize,
    /// Alignments scoring less are not reported (bwa's -T). `-T`.
    pub min_score: i32,
    /// Most candidates extended per read.
    pub max_extend: usize,
    /// Score given up to keep two mates unpaired (bwa's -U).
    pub unpaired_penalty: i32,
    /// The read group ID put in the RG tag of each lane's records (none: no RG tags).
    pub read_groups: Vec<Vec<u8>>,
    /// Supplementary records keep their clipped bases (soft clips, bwa's -Y); otherwise they
    /// are hard-clipped, as bwa writes them by default. `run` keeps them (the caller reads
    /// them); `align` follows `-Y`.
    pub soft_clip_supplementary: bool,
    /// A read's shorter split hit is flagged secondary (0x100) instead of supplementary
    /// (0x800), for tools that predate the supplementary flag (Picard; bwa's -M).
    pub split_as_secondary: bool,
    /// Other placements scoring at least 80% of the best are listed in `XA` when there are at
    /// most this many (bwa's -h, 5).
    pub max_xa_hits: usize,
    /// Every placement scoring at least half the best is written, the others as secondary
    /// records, instead of `XA` (bwa's -a).
    pub all_alignments: bool,
}

impl Default for AlignOpts {
    fn default() -> Self {
        AlignOpts {
            scoring: Scoring::default(),
            max_occ: 500,
            min_score: 30,
            max_extend: 8,
            unpaired_penalty: 17,
            read_groups: Vec::new(),
            soft_clip_supplementary: true,
            split_as_secondary: false,
            max_xa_hits: 5,
            all_alignments: false,
        }
    }
}

impl AlignOpts {
    /// Refuses values the aligner cannot work with, naming the flag.
    pub(crate) fn validate(&self) -> Result<()> {
        if !(0..=10_000).contains(&self.min_score) {
            return Err(Error::Usage(format!(
                "-T {}: the minimum score must be 0 to 10000",
                self.min_score
            )));
        }
        let s = &self.scoring;
        let penalties = [s.mismatch, s.gap_open, s.gap_extend, s.clip, s.n_penalty];
        if s.match_score < 1 || penalties.iter().any(|&p| !(0..=1000).contains(&p)) {
            return Err(Error::Usage(format!(
                "scoring {s:?}: a positive match score and penalties of 0 to 1000"
            )));
        }
        if self.max_occ < 1 || self.max_extend < 1 || self.unpaired_penalty < 0 {
            return Err(Error::Usage("at least one occurrence and one extension per read, and a non-negative unpaired penalty".into()));
        }
        Ok(())
    }
}
