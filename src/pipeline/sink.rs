//! Where finished records go: an unsorted SAM or BAM stream, the coordinate sorter with
//! duplicate marking and a BAI at the end, or an alignment chunk of a scattered run.

use std::path::Path;

use rayon::prelude::*;

use super::chunk_file::{self, ChunkHeader, ChunkWriter};
use super::markdup::{DupMarker, LibraryCounts};
use super::qc::Coverage;
use crate::align::record::DupEnds;
use crate::core::{Error, Result};
use crate::io::bam_writer::BamWriter;
use crate::io::dict::RefSeq;
use crate::io::output::has_extension;
use crate::io::sam_header::{ReadGroup, SortOrder, header_text};
use crate::io::sam_record::{BAM_FLAG_OFFSET, SamRecord, flag};
use crate::io::sam_writer::SamWriter;
use crate::io::sort::{Sorter, sort_key};

/// Output options.
#[derive(Debug, Clone)]
pub(crate) struct SinkOpts {
    /// Coordinate-sort the BAM (and index it); `--unsorted` keeps input order.
    pub sorted: bool,
    /// Mark duplicates while sorting; `--no-markdup` turns it off.
    pub markdup: bool,
    /// BGZF compression threads.
    pub threads: usize,
    /// Bytes of memory for sorting and duplicate marking before spilling (`--sort-mem`, MiB).
    pub sort_mem: usize,
    /// The `@RG` lines (from `-R`, or one per lane of a `--fastq-list`).
    pub read_groups: Vec<ReadGroup>,
    /// The libraries the fragments come from (`DupEnds::library` indexes them).
    pub libraries: Vec<String>,
    /// For the `@PG` line.
    pub command_line: String,
    /// ALT contigs (from `REF.alt`): their `@SQ` lines carry `AH:*`.
    pub alt_contigs: Vec<String>,
}

impl Default for SinkOpts {
    fn default() -> Self {
        SinkOpts {
            sorted: true,
            markdup: true,
            threads: 1,
            sort_mem: 1 << 30,
            read_groups: Vec::new(),
            libraries: vec![super::lanes::UNKNOWN_LIBRARY.to_string()],
            command_line: String::new(),
            alt_contigs: Vec::new(),
        }
    }
}

impl SinkOpts {
    /// Refuses values the sink cannot work with, naming the flag.
    pub(crate) fn validate(&self) -> Result<()> {
        if self.sort_mem < 1 << 20 {
            return Err(Error::Usage(format!(
                "--sort-mem {}: at least 1 MiB",
                self.sort_mem >> 20
            )));
        }
        Ok(())
    }
}

/// What an output path asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `-` (standard output) or `*.sam`: SAM text in input order.
    Sam,
    /// Anything else: BAM.
    Bam,
    /// `*.zchunk`: an alignment chunk of a scattered run, for `concat`.
    Chunk,
    /// `*.cram`: written as a sorted BAM, then turned into CRAM (`align_run`).
    Cram,
}

/// The format an output path names (the extension, in any case).
pub(crate) fn format_of(path: &Path) -> Result<Format> {
    if path == Path::new("-") || has_extension(path, ".sam") {
        return Ok(Format::Sam);
    }
    if has_extension(path, chunk_file::EXTENSION) {
        return Ok(Format::Chunk);
    }
    if has_extension(path, ".cram") {
        return Ok(Format::Cram);
    }
    Ok(Format::Bam)
}

/// An output in progress.
pub(crate) enum Sink {
    Sam(SamWriter),
    Bam(BamWriter),
    Chunk(ChunkWriter),
    Sorted {
        sorter: Sorter,
        /// None with `--no-markdup`.
        dups: Option<Box<DupMarker>>,
        writer: BamWriter,
        /// Records taken so far.
        records: u64,
    },
}

/// What sees each record of a sorted output as it is written.
pub(crate) trait Tap {
    /// The next record (BAM-encoded without the block size, duplicates flagged).
    fn take(&mut self, record: &[u8]) -> Result<()>;
    /// Every record has been taken: called as soon as the last one is written, before the
    /// BAM's index is built.
    fn end(&mut self) -> Result<()>;
}

/// Records of a fragment are ordered by fragment index, then by their place in the fragment.
fn order(fragment: u64, j: usize) -> u64 {
    (fragment << 3) | j as u64
}

impl Sink {
    /// Opens the output named by `path`: `-` or `*.sam` for SAM, otherwise BAM.
    pub(crate) fn create(path: &Path, dict: &[RefSeq], o: &SinkOpts) -> Result<Sink> {
        let format = format_of(path)?;
        if format == Format::Cram {
            return Err(Error::Internal(format!(
                "{}: a CRAM is written from a BAM, not directly",
                path.display()
            )));
        }
        if format == Format::Chunk {
            let header = ChunkHeader {
                dict: dict.to_vec(),
                read_groups: o.read_groups.clone(),
                libraries: o.libraries.clone(),
            };
            return Ok(Sink::Chunk(ChunkWriter::create(path, &header, o.threads)?));
        }
        let is_sam = format == Format::Sam;
        let sorted = o.sorted && !is_sam;
        let order = if sorted {
            SortOrder::Coordinate
        } else {
            SortOrder::Unsorted
        };
        let header = header_text(dict, &o.alt_contigs, order, &o.read_groups, &o.command_line);
        if is_sam {
            return Ok(Sink::Sam(SamWriter::create(path, &header, dict)?));
        }
        if !sorted {
            return Ok(Sink::Bam(BamWriter::create(
                path, &header, dict, o.threads,
            )?));
        }
        let writer = BamWriter::create_indexed(path, &header, dict, o.threads)?;
        let dir = crate::io::output::scratch_dir(path);
        // `--sort-mem` is shared in proportion to what each stream holds per fragment: some
        // 700 bytes of records to some 80 of duplicate keys, so 7/8 for the records and 1/8 for
        // the duplicate marker (all of it for the records with `--no-markdup`). Both then fill
        // and spill alike, and memory stops growing with the input early.
        let (record_mem, dups) = if o.markdup {
            let marker = DupMarker::new(o.sort_mem / 8, &dir, o.libraries.len())?;
            (o.sort_mem - o.sort_mem / 8, Some(Box::new(marker)))
        } else {
            (o.sort_mem, None)
        };
        let sorter = Sorter::new(record_mem, &dir)?;
        Ok(Sink::Sorted {
            sorter,
            dups,
            writer,
            records: 0,
        })
    }

    /// Takes one batch: records per fragment (fragment indices from `first`) and dup ends.
    pub(crate) fn push(
        &mut self,
        first: u64,
        records: &[Vec<SamRecord>],
        dups: Vec<DupEnds>,
    ) -> Result<()> {
        match self {
            Sink::Sam(w) => {
                let names = w.names().to_vec();
                let text: Vec<Vec<u8>> = records
                    .par_iter()
                    .map(|recs| {
                        let mut out = Vec::new();
                        recs.iter().for_each(|r| r.encode_sam(&names, &mut out));
                        out
                    })
                    .collect();
                text.iter().try_for_each(|t| w.write_raw(t))
            }
            Sink::Bam(w) => {
                let mut out = Vec::new();
                records
                    .iter()
                    .flatten()
                    .for_each(|r| r.encode_bam(&mut out));
                w.write(&out)
            }
            Sink::Chunk(w) => w.write(first, records, &dups, SamRecord::encode_bam),
            Sink::Sorted { .. } => self.push_sorted(first, records, &dups, SamRecord::encode_bam),
        }
    }

    /// Takes fragments already encoded as BAM records (from the chunks of a scattered run)
    /// into a sorted output.
    pub(crate) fn push_encoded(
        &mut self,
        first: u64,
        records: &[Vec<Vec<u8>>],
        dups: &[DupEnds],
    ) -> Result<()> {
        self.push_sorted(first, records, dups, |r, out| out.extend_from_slice(r))
    }

    /// Sorts the records of fragments `first`, `first + 1`, ... by coordinate, then fragment,
    /// then place in the fragment, and gives their ends to the duplicate marker.
    fn push_sorted<T>(
        &mut self,
        first: u64,
        records: &[Vec<T>],
        dups: &[DupEnds],
        encode: impl Fn(&T, &mut Vec<u8>),
    ) -> Result<()> {
        let Sink::Sorted {
            sorter,
            dups: marker,
            records: taken,
            ..
        } = self
        else {
            return Err(Error::Internal(
                "encoded records for an unsorted output".into(),
            ));
        };
        *taken += records.iter().map(|r| r.len() as u64).sum::<u64>();
        let mut buf = Vec::new();
        let mut flags = Vec::new();
        for (i, recs) in records.iter().enumerate() {
            flags.clear();
            for (j, r) in recs.iter().enumerate() {
                buf.clear();
                encode(r, &mut buf);
                let word = |at: usize| {
                    i32::from_le_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
                };
                let (tid, pos) = (word(4), word(8));
                flags.push(u16::from_le_bytes([
                    buf[BAM_FLAG_OFFSET],
                    buf[BAM_FLAG_OFFSET + 1],
                ]));
                sorter.push(
                    sort_key(tid, i64::from(pos), order(first + i as u64, j)),
                    &buf,
                )?;
            }
            if let (Some(m), Some(d)) = (marker.as_mut(), dups.get(i)) {
                m.count_records(d.library, &flags)?;
            }
        }
        if let Some(m) = marker {
            m.push(first, dups)?;
        }
        Ok(())
    }

    /// Completes the output; returns the number of fragments marked duplicate and the counts
    /// of each library (none without duplicate marking). A sorted output's records also go
    /// through `coverage` and `tap` (BAM-encoded without the block size, duplicates flagged),
    /// in order, as they are written.
    pub(crate) fn finish(
        self,
        mut coverage: Option<&mut Coverage>,
        mut tap: Option<&mut dyn Tap>,
        quiet: bool,
    ) -> Result<(u64, Vec<LibraryCounts>)> {
        match self {
            Sink::Sam(w) => w.finish().map(|_| (0, Vec::new())),
            Sink::Bam(w) => w.finish(false).map(|_| (0, Vec::new())),
            Sink::Chunk(w) => w.finish().map(|_| (0, Vec::new())),
            Sink::Sorted {
                sorter,
                dups,
                mut writer,
                records,
            } => {
                let bar = if quiet {
                    indicatif::ProgressBar::hidden()
                } else {
                    super::progress::bar("write", records, "records")
                };
                let (dup, counts) = match dups.map(|d| d.finish()).transpose()? {
                    Some((set, counts)) => (Some(set), counts),
                    None => (None, Vec::new()),
                };
                let mut rec = Vec::new();
                sorter.finish(|key, bytes| {
                    let fragment = key.1 >> 3;
                    let is_dup = dup.as_ref().is_some_and(|d| d.contains(fragment));
                    bar.inc(1);
                    if let Some(c) = coverage.as_deref_mut() {
                        c.add_bam(bytes, is_dup);
                    }
                    let out = if is_dup {
                        rec.clear();
                        rec.extend_from_slice(bytes);
                        let f =
                            u16::from_le_bytes([rec[BAM_FLAG_OFFSET], rec[BAM_FLAG_OFFSET + 1]]);
                        if f & flag::UNMAPPED == 0 {
                            rec[BAM_FLAG_OFFSET..BAM_FLAG_OFFSET + 2]
                                .copy_from_slice(&(f | flag::DUPLICATE).to_le_bytes());
                        }
                        &rec[..]
                    } else {
                        bytes
                    };
                    if let Some(t) = tap.as_deref_mut() {
                        t.take(&out[4..])?;
                    }
                    writer.write_record(out)
                })?;
                if let Some(t) = tap {
                    t.end()?;
                }
                writer.finish(true)?;
                bar.finish_and_clear();
                Ok((dup.map_or(0, |d| d.len()), counts))
            }
        }
    }
}
