//! The intervals a command works on: its `-r` regions, then the lines of its `-L` BED file,
//! resolved against the reference's contigs, sorted; None when neither was given (the whole
//! of whatever the command covers).

use std::path::Path;

use super::bed;
use super::fasta::Contig;
use crate::core::interval::{Interval, Region};
use crate::core::{Error, Result};

/// The `-r` and `-L` intervals over the reference's `contigs`.
pub(crate) fn intervals(
    regions: &[String],
    bed_path: Option<&Path>,
    contigs: &[Contig],
) -> Result<Option<Vec<Interval>>> {
    if regions.is_empty() && bed_path.is_none() {
        return Ok(None);
    }
    let contigs: Vec<(&str, u64)> = contigs
        .iter()
        .map(|c| (c.name.as_str(), c.seq.len() as u64))
        .collect();
    let mut out = Vec::new();
    for r in regions {
        let usage = |e: &dyn std::fmt::Display| Error::Usage(format!("-r {r}: {e}"));
        let region: Region = r.parse().map_err(|e| usage(&e))?;
        out.push(
            region
                .resolve(contigs.iter().copied())
                .map_err(|e| usage(&e))?,
        );
    }
    if let Some(path) = bed_path {
        for rec in bed::read(path)? {
            let bad = |msg: String| Error::input(path, format!("line {}: {msg}", rec.line));
            let ci = contigs
                .iter()
                .position(|c| c.0 == rec.chrom)
                .ok_or_else(|| bad(format!("no contig '{}' in the reference", rec.chrom)))?;
            let len = contigs[ci].1 as i64;
            if rec.end > len {
                return Err(bad(format!(
                    "interval {}-{} reaches past the end of contig '{}' (length {len})",
                    rec.start, rec.end, rec.chrom
                )));
            }
            if rec.end > rec.start {
                out.push(Interval {
                    contig: ci,
                    start: rec.start,
                    end: rec.end,
                });
            }
        }
    }
    out.sort();
    Ok(Some(out))
}
