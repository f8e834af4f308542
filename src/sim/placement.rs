//! Placement accuracy of simulated reads in any BAM (zenome's, bwa's, minimap2's): primary
//! records that overlap the true span recorded in their name (see [`origin::is_correct`]).

use std::path::Path;

use noodles_sam::alignment::record::cigar::op::Kind;

use super::origin;
use crate::error::{Error, Result};

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
    let err = |e: std::io::Error| Error::input(bam, e.to_string());
    let mut reader = noodles_bam::io::reader::Builder
        .build_from_path(bam)
        .map_err(err)?;
    let header = reader.read_header().map_err(err)?;
    let names: Vec<String> = header
        .reference_sequences()
        .keys()
        .map(|k| k.to_string())
        .collect();
    let mut p = Placement::default();
    for rec in reader.records() {
        let rec = rec.map_err(err)?;
        let flags = rec.flags();
        if flags.is_secondary() || flags.is_supplementary() {
            continue;
        }
        p.reads += 1;
        if flags.is_unmapped() {
            continue;
        }
        p.mapped += 1;
        p.proper += u64::from(flags.is_properly_segmented());
        let mapq = rec.mapping_quality().map_or(255, |q| q.get());
        let name = rec.name().map(|n| n.to_string()).unwrap_or_default();
        let Some(o) = origin::parse(&name) else {
            return Err(Error::input(
                bam,
                format!("record '{name}': not a simulated read name"),
            ));
        };
        let tid = rec
            .reference_sequence_id()
            .transpose()
            .map_err(err)?
            .unwrap_or(0);
        let start = rec
            .alignment_start()
            .transpose()
            .map_err(err)?
            .map_or(0, |s| s.get() as i64);
        let (mut span, mut len) = (0i64, 0i64);
        for op in rec.cigar().iter() {
            let op = op.map_err(err)?;
            match op.kind() {
                Kind::Match | Kind::SequenceMatch | Kind::SequenceMismatch => {
                    span += op.len() as i64;
                    len += op.len() as i64;
                }
                Kind::Deletion | Kind::Skip => span += op.len() as i64,
                Kind::Insertion | Kind::SoftClip | Kind::HardClip => len += op.len() as i64,
                Kind::Pad => {}
            }
        }
        let mate = usize::from(flags.is_last_segment());
        let contig = names.get(tid).map_or("", String::as_str);
        let ok = origin::is_correct(&o, mate, contig, start, start + span - 1, len, slack);
        p.correct += u64::from(ok);
        if mapq >= 20 && mapq != 255 {
            p.mapq20 += 1;
            p.wrong_mapq20 += u64::from(!ok);
        }
    }
    Ok(p)
}
