//! Reading BAM: the header's contigs and sample, region queries through the BAI from any
//! thread, and a plain pass over every record. Decompression, the BAI and its chunk queries
//! come from noodles; the records are framed and decoded by `bam_decode`, checked one
//! by one: a CIGAR that disagrees with its sequence or runs past its contig, and records out of
//! coordinate order, are input errors that name the record.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use noodles_bgzf as bgzf;
use noodles_core::Position;
use noodles_core::region::Interval;
use noodles_csi::binning_index::BinningIndex;

use super::bam_decode::{self, Header};
use super::dict::RefSeq;
use super::output::with_suffix;
use super::sam_record::SamRecord;
use super::shared_bai::SharedIndex;
use crate::core::cigar;
use crate::core::{Error, Result};

/// The 28 bytes every complete BGZF file (so every complete BAM) ends with (SAM spec 4.1.2).
const BGZF_EOF: [u8; 28] = [
    0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0, 0x1b, 0, 0x03, 0, 0,
    0, 0, 0, 0, 0, 0, 0,
];

/// Where calling reads its records: an indexed BAM, or the sorted records of a run as they are
/// written (`pipeline::stream_call`).
pub trait RecordSource: Sync {
    /// Records overlapping `[start, end)` (0-based) of contig `tid` that `keep(flags, mapq)`
    /// accepts, in coordinate order.
    fn fetch_records(
        &self,
        tid: usize,
        start: i64,
        end: i64,
        keep: &dyn Fn(u16, u8) -> bool,
    ) -> Result<Vec<SamRecord>>;

    /// The file the records are (or will be) in, for messages.
    fn source_path(&self) -> &Path;
}

/// A coordinate-sorted, indexed BAM open for region queries.
pub struct BamReader {
    pub path: PathBuf,
    header: Header,
    index: SharedIndex,
}

impl BamReader {
    /// Opens and checks a BAM: complete, coordinate-sorted, with an index that is not older
    /// than it and covers its contigs.
    pub fn open(path: &Path) -> Result<Self> {
        let bad = |msg: String| Error::input(path, msg);
        let (header, _) = open_records(path)?;
        if header.sort_order.as_deref() != Some("coordinate") {
            return Err(bad("the BAM is not coordinate-sorted (@HD SO:coordinate); sort it first (samtools sort)".into()));
        }
        let bai = with_suffix(path, ".bai");
        let index = noodles_bam::bai::fs::read(&bai).map_err(|e| {
            if bai.exists() {
                Error::input(
                    &bai,
                    format!("not a readable BAM index ({e}); re-index the BAM (samtools index)"),
                )
            } else {
                bad(format!(
                    "the BAM has no index ({}); run samtools index",
                    bai.display()
                ))
            }
        })?;
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        if let (Some(b), Some(i)) = (modified(path), modified(&bai))
            && i < b
        {
            return Err(Error::input(
                &bai,
                format!(
                    "older than {} (a stale index); re-index the BAM (samtools index)",
                    path.display()
                ),
            ));
        }
        if index.reference_sequences().len() > header.dict.len() {
            return Err(Error::input(
                &bai,
                format!(
                    "covers more contigs than {} names (an index of another BAM?); re-index it",
                    path.display()
                ),
            ));
        }
        Ok(BamReader {
            path: path.to_path_buf(),
            header,
            index: SharedIndex(Arc::new(index)),
        })
    }

    /// The header's contigs.
    pub fn dict(&self) -> &[RefSeq] {
        &self.header.dict
    }

    /// The sample name: the first @RG's SM, or the file name.
    pub fn sample(&self) -> String {
        self.header.samples.first().cloned().unwrap_or_else(|| {
            self.path
                .file_stem()
                .map_or("SAMPLE".into(), |s| s.to_string_lossy().into_owned())
        })
    }
}

impl RecordSource for BamReader {
    /// Records overlapping `[start, end)` (0-based) of contig `tid` that `keep(flags, mapq)`
    /// accepts, in file order, through the index.
    fn fetch_records(
        &self,
        tid: usize,
        start: i64,
        end: i64,
        keep: &dyn Fn(u16, u8) -> bool,
    ) -> Result<Vec<SamRecord>> {
        let dict = self.dict();
        let Some(contig) = dict.get(tid) else {
            return Ok(Vec::new());
        };
        let (Some(a), Some(b)) = (
            Position::new(start.max(0) as usize + 1),
            Position::new(end.max(1) as usize),
        ) else {
            return Ok(Vec::new());
        };
        let interval: Interval = (a..=b).into();
        let chunks = self
            .index
            .query(tid, interval)
            .map_err(|e| Error::input(&self.path, format!("cannot query the index: {e}")))?;
        let file = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let mut bgzf = bgzf::io::Reader::new(BufReader::new(file));
        let mut reader = noodles_csi::io::Query::new(&mut bgzf, chunks);
        let mut out: Vec<SamRecord> = Vec::new();
        let mut buf = Vec::new();
        loop {
            let more = bam_decode::read_record(&mut reader, &mut buf)
                .map_err(|e| read_error(&self.path, e, out.last()))?;
            if !more {
                return Ok(out);
            }
            let r = bam_decode::decode(&buf, dict).map_err(|msg| Error::input(&self.path, msg))?;
            let r_end = r.pos + cigar::reference_span(&r.cigar).max(1);
            if r.tid != tid as i32 || r.pos >= end || r_end <= start || !keep(r.flag, r.mapq) {
                continue;
            }
            if let Some(prev) = out.last()
                && r.pos < prev.pos
            {
                return Err(Error::input(
                    &self.path,
                    format!(
                        "record '{}' at {}:{} comes after one at {}:{}: the BAM is not sorted by coordinate although its header says so",
                        String::from_utf8_lossy(&r.name),
                        contig.name,
                        r.pos + 1,
                        contig.name,
                        prev.pos + 1
                    ),
                ));
            }
            out.push(r);
        }
    }

    fn source_path(&self) -> &Path {
        &self.path
    }
}

/// Calls `f` with each record of a BAM in file order (and the header's contigs).
pub fn for_each(path: &Path, mut f: impl FnMut(&[RefSeq], SamRecord) -> Result<()>) -> Result<()> {
    let (header, mut reader) = open_records(path)?;
    let mut buf = Vec::new();
    let mut last: Option<SamRecord> = None;
    loop {
        let more = bam_decode::read_record(&mut reader, &mut buf)
            .map_err(|e| read_error(path, e, last.as_ref()))?;
        if !more {
            return Ok(());
        }
        let r = bam_decode::decode(&buf, &header.dict).map_err(|msg| Error::input(path, msg))?;
        last = Some(SamRecord {
            name: r.name.clone(),
            ..SamRecord::default()
        });
        f(&header.dict, r)?;
    }
}

/// Every record of a BAM, in file order, with the header's contigs.
pub fn read_all(path: &Path) -> Result<(Vec<RefSeq>, Vec<SamRecord>)> {
    let (header, _) = open_records(path)?;
    let mut out = Vec::new();
    for_each(path, |_, r| {
        out.push(r);
        Ok(())
    })?;
    Ok((header.dict, out))
}

pub(crate) type Decompressed = bgzf::io::Reader<BufReader<File>>;

/// Opens a complete BAM and reads its header; the reader is left at the first record.
pub(crate) fn open_records(path: &Path) -> Result<(Header, Decompressed)> {
    check_complete(path)?;
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = bgzf::io::Reader::new(BufReader::new(file));
    let header = bam_decode::read_header(&mut reader)
        .map_err(|e| Error::input(path, format!("not a readable BAM file ({e})")))?;
    Ok((header, reader))
}

/// A read failure as a message a user can act on.
pub(crate) fn read_error(path: &Path, e: std::io::Error, last: Option<&SamRecord>) -> Error {
    let after = last.map_or(String::new(), |r| {
        format!(" after record '{}'", String::from_utf8_lossy(&r.name))
    });
    let what = match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "the BAM ends inside a record (truncated)".to_string(),
        _ => format!("corrupt BAM data ({e})"),
    };
    Error::input(path, format!("{what}{after}"))
}

/// Refuses a file that lacks BGZF's end-of-file block: it was cut short.
fn check_complete(path: &Path) -> Result<()> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let len = f.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut tail = [0u8; 28];
    let complete = len >= 28
        && f.seek(SeekFrom::End(-28)).is_ok()
        && f.read_exact(&mut tail).is_ok()
        && tail == BGZF_EOF;
    if !complete {
        return Err(Error::input(
            path,
            "not a complete BAM file (no BGZF end-of-file block: truncated, or not BAM)",
        ));
    }
    Ok(())
}
