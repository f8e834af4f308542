//! The samples' gVCFs: each file's sample name and contigs, and the records of one region,
//! parsed, in order.

use std::path::{Path, PathBuf};

use super::gvcf_record::SampleRecord;
use crate::core::{Error, Result};
use crate::io::vcf_query::IndexedVcf;
use crate::io::vcf_reader::VcfReader;

/// One sample's gVCF, opened.
pub(crate) struct GvcfInput {
    pub path: PathBuf,
    pub sample: String,
    /// `##contig` lines: names and lengths.
    pub contigs: Vec<(String, Option<u64>)>,
    file: IndexedVcf,
}

impl GvcfInput {
    /// Reads the header (one sample), and the index when the file is bgzipped.
    pub(crate) fn open(path: &Path) -> Result<GvcfInput> {
        let mut reader = VcfReader::open(path)?;
        reader.next_record()?;
        if reader.samples.len() != 1 {
            return Err(Error::input(
                path,
                format!(
                    "{} samples in the header where a gVCF of one sample is needed",
                    reader.samples.len()
                ),
            ));
        }
        let sample = reader.samples[0].clone();
        let contigs = std::mem::take(&mut reader.contigs);
        drop(reader);
        Ok(GvcfInput {
            path: path.to_path_buf(),
            sample,
            contigs,
            file: IndexedVcf::open(path)?,
        })
    }

    /// The records overlapping `[start, end)` (0-based) of `contig`, in file order.
    pub(crate) fn region(&self, contig: &str, start: i64, end: i64) -> Result<RegionStream> {
        Ok(RegionStream {
            reader: self.file.region(contig, start, end)?,
            contig: contig.to_string(),
            start,
            end,
            seen_contig: false,
            last_start: i64::MIN,
        })
    }
}

/// The records of one region, in order; records before it are skipped, and reading stops at
/// the first record past it.
pub(crate) struct RegionStream {
    /// None once done.
    reader: Option<VcfReader>,
    contig: String,
    start: i64,
    end: i64,
    seen_contig: bool,
    last_start: i64,
}

impl RegionStream {
    pub(crate) fn next(&mut self) -> Result<Option<SampleRecord>> {
        while let Some(reader) = &mut self.reader {
            if !reader.next_data_line()? {
                break;
            }
            let line = reader.data_line();
            let chrom = line.split('\t').next().unwrap_or("");
            if chrom != self.contig {
                if self.seen_contig {
                    break;
                }
                continue;
            }
            self.seen_contig = true;
            // Lines before the region (the index's chunks start up to a bin early) are
            // skipped on their position and END alone, not parsed whole.
            if let Some((start, end)) = span_of(line)
                && start >= self.last_start
            {
                if start >= self.end {
                    break;
                }
                if end <= self.start {
                    self.last_start = start;
                    continue;
                }
            }
            let (_, r) = SampleRecord::from_line(line).map_err(|msg| {
                let pos = line.split('\t').nth(1).unwrap_or("?");
                reader.error(format!("{}:{pos}: {msg}", self.contig))
            })?;
            if r.start < self.last_start {
                return Err(reader.error(format!(
                    "{}:{} comes after a record at {}: the gVCF is not sorted",
                    self.contig,
                    r.start + 1,
                    self.last_start + 1
                )));
            }
            // `span_of` read the same start and end, so the record is inside the region.
            self.last_start = r.start;
            return Ok(Some(r));
        }
        self.reader = None;
        Ok(None)
    }
}

/// A data line's 0-based start and end (`END`, or the REF's span), read cheaply; None when the
/// line does not give them (the full parse then says what is wrong).
fn span_of(line: &str) -> Option<(i64, i64)> {
    let mut f = line.split('\t');
    let pos: i64 = f.nth(1)?.parse().ok()?;
    let reference = f.nth(1)?;
    let info = f.nth(3)?;
    let end = match info.split(';').find_map(|kv| kv.strip_prefix("END=")) {
        Some(v) => v.parse().ok()?,
        None => pos - 1 + reference.len() as i64,
    };
    (pos >= 1).then_some((pos - 1, end))
}
