//! Placement accuracy of simulated reads in any BAM (zenome's, bwa's, minimap2's): primary
//! records that overlap the true span recorded in their name (see `origin::is_correct`).

use std::path::Path;

use super::origin;
use crate::core::cigar::{self, Kind};
use crate::core::{Error, Result};
use crate::io::bam_reader;
use crate::io::sam_record::flag;

/// Counts over the primary records of a BAM.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Placement {
    pub reads: u64,
    pub mapped: u64,
    pub proper: u64,
    pub correct: u64,
    pub mapq20: u64,
    pub wrong_mapq20: u64,
}

impl Placement {
    pub fn to_json(&self) -> String {
        let f = |n: u64| {
            if self.reads == 0 {
                0.0
            } else {
                n as f64 / self.reads as f64
            }
        };
        format!(
            "{{\"reads\": {}, \"mapped\": {}, \"proper\": {}, \"correct\": {}, \"mapq20\": {}, \"wrong_mapq20\": {}, \"correct_fraction\": {:.6}, \"mapped_fraction\": {:.6}, \"wrong_per_10k_mapq20\": {:.3}}}",
            self.reads,
            self.mapped,
            self.proper,
            self.correct,
            self.mapq20,
            self.wrong_mapq20,
            f(self.correct),
            f(self.mapped),
            if self.mapq20 == 0 {
                0.0
            } else {
                self.wrong_mapq20 as f64 * 1e4 / self.mapq20 as f64
            }
        )
    }
}

/// Reads `bam` and scores the placement of every primary record; `slack` bases of tolerance.
pub fn evaluate(bam: &Path, slack: i64) -> Result<Placement> {
    let mut p = Placement::default();
    bam_reader::for_each(bam, |dict, rec| {
        if rec.flag & (flag::SECONDARY | flag::SUPPLEMENTARY) != 0 {
            return Ok(());
        }
        p.reads += 1;
        if rec.flag & flag::UNMAPPED != 0 {
            return Ok(());
        }
        p.mapped += 1;
        p.proper += u64::from(rec.flag & flag::PROPER != 0);
        let name = String::from_utf8_lossy(&rec.name);
        let Some(o) = origin::parse(&name) else {
            return Err(Error::input(
                bam,
                format!("record '{name}': not a simulated read name"),
            ));
        };
        // The read's length as the aligner saw it: hard-clipped bases count.
        let len: i64 = rec
            .cigar
            .iter()
            .filter(|op| op.kind.consumes_query() || op.kind == Kind::HardClip)
            .map(|op| i64::from(op.len))
            .sum();
        let start = rec.pos + 1;
        let end = start + cigar::reference_span(&rec.cigar) - 1;
        let mate = usize::from(rec.flag & flag::LAST != 0);
        let contig = usize::try_from(rec.tid)
            .ok()
            .and_then(|t| dict.get(t))
            .map_or("", |c| c.name.as_str());
        let ok = origin::is_correct(&o, mate, contig, start, end, len, slack);
        p.correct += u64::from(ok);
        if rec.mapq >= 20 && rec.mapq != 255 {
            p.mapq20 += 1;
            p.wrong_mapq20 += u64::from(!ok);
        }
        Ok(())
    })?;
    Ok(p)
}
