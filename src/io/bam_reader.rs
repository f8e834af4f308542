//! Reading BAM: the header's sequence dictionary and sample, region queries through the BAI
//! from any thread, and a plain pass over every record. Records come back as [`SamRecord`]s
//! (auxiliary fields left out), checked against the header: a CIGAR that disagrees with its
//! sequence or runs past its contig, and records out of coordinate order, are input errors
//! that name the record.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use noodles_bam as bam;
use noodles_core::{Position, Region};
use noodles_sam::alignment::record::cigar::op::Kind as NoodlesKind;
use noodles_sam::header::record::value::map::{header, read_group, reference_sequence};

use super::dict::RefSeq;
use super::sam_record::SamRecord;
use super::shared_bai::SharedIndex;
use crate::core::base;
use crate::core::cigar::{self, CigarOp, Kind};
use crate::core::{Error, Result};

/// The 28 bytes every complete BGZF file (so every complete BAM) ends with (SAM spec 4.1.2).
const BGZF_EOF: [u8; 28] = [
    0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0, 0x1b, 0, 0x03, 0, 0,
    0, 0, 0, 0, 0, 0, 0,
];

/// A coordinate-sorted, indexed BAM open for region queries.
pub struct BamReader {
    pub path: PathBuf,
    header: noodles_sam::Header,
    dict: Vec<RefSeq>,
    index: SharedIndex,
}

impl BamReader {
    /// Opens and checks a BAM: complete, coordinate-sorted, with an index that is not older
    /// than it and covers its contigs.
    pub fn open(path: &Path) -> Result<Self> {
        let bad = |msg: String| Error::input(path, msg);
        check_complete(path)?;
        let (header, dict) = read_header(path)?;
        let sorted = header
            .header()
            .and_then(|h| h.other_fields().get(&header::tag::SORT_ORDER))
            .is_some_and(|so| so == "coordinate");
        if !sorted {
            return Err(bad("the BAM is not coordinate-sorted (@HD SO:coordinate); sort it first (samtools sort)".into()));
        }
        let bai = super::output::with_suffix(path, ".bai");
        let index = bam::bai::fs::read(&bai).map_err(|e| {
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
        if index.reference_sequences().len() > dict.len() {
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
            dict,
            index: SharedIndex(Arc::new(index)),
        })
    }

    /// The header's contigs.
    pub fn dict(&self) -> &[RefSeq] {
        &self.dict
    }

    /// The sample name: the first @RG's SM, or the file name.
    pub fn sample(&self) -> String {
        self.header
            .read_groups()
            .values()
            .find_map(|rg| {
                rg.other_fields()
                    .get(&read_group::tag::SAMPLE)
                    .map(|s| s.to_string())
            })
            .unwrap_or_else(|| {
                self.path
                    .file_stem()
                    .map_or("SAMPLE".into(), |s| s.to_string_lossy().into_owned())
            })
    }

    /// Records overlapping `[start, end)` (0-based) of contig `tid` that `keep(flags, mapq)`
    /// accepts, in file order.
    pub fn fetch(
        &self,
        tid: usize,
        start: i64,
        end: i64,
        keep: impl Fn(u16, u8) -> bool,
    ) -> Result<Vec<SamRecord>> {
        let Some(contig) = self.dict.get(tid) else {
            return Ok(Vec::new());
        };
        let file = std::fs::File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let mut reader = bam::io::IndexedReader::new(file, self.index.clone());
        let (Some(a), Some(b)) = (
            Position::new(start.max(0) as usize + 1),
            Position::new(end.max(1) as usize),
        ) else {
            return Ok(Vec::new());
        };
        let region = Region::new(contig.name.as_str(), a..=b);
        let query = reader
            .query(&self.header, &region)
            .map_err(|e| self.read_error(e, None))?;
        let mut out: Vec<SamRecord> = Vec::new();
        for rec in query.records() {
            let rec = rec.map_err(|e| self.read_error(e, out.last()))?;
            let mapq = rec.mapping_quality().map_or(255, |q| q.get());
            if !keep(rec.flags().bits(), mapq) {
                continue;
            }
            let r = decode(&rec, &self.dict).map_err(|msg| Error::input(&self.path, msg))?;
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
        Ok(out)
    }

    fn read_error(&self, e: std::io::Error, last: Option<&SamRecord>) -> Error {
        read_error(&self.path, e, last)
    }
}

/// Every record of a BAM, in file order, with the header's contigs.
pub fn read_all(path: &Path) -> Result<(Vec<RefSeq>, Vec<SamRecord>)> {
    let mut dict = Vec::new();
    let mut out = Vec::new();
    for_each(path, |d, r| {
        if dict.is_empty() {
            dict = d.to_vec();
        }
        out.push(r);
        Ok(())
    })?;
    if dict.is_empty() {
        dict = read_header(path)?.1;
    }
    Ok((dict, out))
}

/// Calls `f` with each record of a BAM in file order (and the header's contigs).
pub fn for_each(path: &Path, mut f: impl FnMut(&[RefSeq], SamRecord) -> Result<()>) -> Result<()> {
    check_complete(path)?;
    let mut reader = bam::io::reader::Builder
        .build_from_path(path)
        .map_err(|e| Error::io(path, e))?;
    let header = reader
        .read_header()
        .map_err(|e| Error::input(path, format!("not a readable BAM file ({e})")))?;
    let dict = dict_of(&header, path)?;
    let mut last: Option<SamRecord> = None;
    let mut rec = bam::Record::default();
    loop {
        match reader.read_record(&mut rec) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(read_error(path, e, last.as_ref())),
        }
        let r = decode(&rec, &dict).map_err(|msg| Error::input(path, msg))?;
        last = Some(SamRecord {
            name: r.name.clone(),
            ..Default::default()
        });
        f(&dict, r)?;
    }
}

/// A read failure as a message a user can act on.
fn read_error(path: &Path, e: std::io::Error, last: Option<&SamRecord>) -> Error {
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
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
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

fn read_header(path: &Path) -> Result<(noodles_sam::Header, Vec<RefSeq>)> {
    let mut reader = bam::io::reader::Builder
        .build_from_path(path)
        .map_err(|e| Error::io(path, e))?;
    let header = reader
        .read_header()
        .map_err(|e| Error::input(path, format!("not a readable BAM file ({e})")))?;
    let dict = dict_of(&header, path)?;
    Ok((header, dict))
}

fn dict_of(header: &noodles_sam::Header, path: &Path) -> Result<Vec<RefSeq>> {
    let mut dict = Vec::new();
    for (name, rs) in header.reference_sequences() {
        let mut m5 = [0u8; 16];
        if let Some(hex) = rs
            .other_fields()
            .get(&reference_sequence::tag::MD5_CHECKSUM)
        {
            let hex = hex.to_string();
            let parsed = (0..16).map(|i| {
                hex.get(2 * i..2 * i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            });
            for (slot, byte) in m5.iter_mut().zip(parsed) {
                *slot = byte.ok_or_else(|| {
                    Error::input(
                        path,
                        format!("@SQ {name}: M5 '{hex}' is not 32 hexadecimal digits"),
                    )
                })?;
            }
        }
        dict.push(RefSeq {
            name: name.to_string(),
            len: rs.length().get() as u64,
            m5,
        });
    }
    Ok(dict)
}

fn kind_of(k: NoodlesKind) -> Kind {
    match k {
        NoodlesKind::Match => Kind::Match,
        NoodlesKind::Insertion => Kind::Ins,
        NoodlesKind::Deletion => Kind::Del,
        NoodlesKind::Skip => Kind::Skip,
        NoodlesKind::SoftClip => Kind::SoftClip,
        NoodlesKind::HardClip => Kind::HardClip,
        NoodlesKind::Pad => Kind::Pad,
        NoodlesKind::SequenceMatch => Kind::Equal,
        NoodlesKind::SequenceMismatch => Kind::Diff,
    }
}

/// One record, checked: a known contig, a CIGAR as long as the sequence and within the contig.
fn decode(rec: &bam::Record, dict: &[RefSeq]) -> std::result::Result<SamRecord, String> {
    let name = rec.name().map(|n| n.to_vec()).unwrap_or_default();
    let shown = || String::from_utf8_lossy(&name).into_owned();
    let bad = |e: std::io::Error| format!("record '{}': {e}", shown());
    let tid = rec.reference_sequence_id().transpose().map_err(bad)?;
    if tid.is_some_and(|t| t >= dict.len()) {
        return Err(format!(
            "record '{}': reference id {} is not in the header",
            shown(),
            tid.unwrap_or(0)
        ));
    }
    let pos = rec
        .alignment_start()
        .transpose()
        .map_err(bad)?
        .map_or(-1, |p| p.get() as i64 - 1);
    let mut ops = Vec::new();
    for op in rec.cigar().iter() {
        let op = op.map_err(bad)?;
        ops.push(CigarOp::new(kind_of(op.kind()), op.len() as u32));
    }
    let seq: Vec<u8> = rec.sequence().iter().map(base::encode).collect();
    let qual: Vec<u8> = rec.quality_scores().as_ref().to_vec();
    if !ops.is_empty() && !seq.is_empty() && cigar::query_len(&ops) != seq.len() as u64 {
        return Err(format!(
            "record '{}': CIGAR {} covers {} bases but the sequence has {}",
            shown(),
            String::from_utf8_lossy(&cigar::to_text(&ops)),
            cigar::query_len(&ops),
            seq.len()
        ));
    }
    if !qual.is_empty() && qual.len() != seq.len() {
        return Err(format!(
            "record '{}': {} qualities for {} bases",
            shown(),
            qual.len(),
            seq.len()
        ));
    }
    let flag = rec.flags().bits();
    if let Some(t) = tid
        && flag & super::sam_record::flag::UNMAPPED == 0
    {
        let end = pos + cigar::reference_span(&ops);
        if pos < 0 || end > dict[t].len as i64 {
            return Err(format!(
                "record '{}': aligned at {}:{}-{}, outside the contig (length {})",
                shown(),
                dict[t].name,
                pos + 1,
                end,
                dict[t].len
            ));
        }
    }
    let mate_tid = rec.mate_reference_sequence_id().transpose().map_err(bad)?;
    let mate_pos = rec
        .mate_alignment_start()
        .transpose()
        .map_err(bad)?
        .map_or(-1, |p| p.get() as i64 - 1);
    Ok(SamRecord {
        name,
        flag,
        tid: tid.map_or(-1, |t| t as i32),
        pos,
        mapq: rec.mapping_quality().map_or(255, |q| q.get()),
        cigar: ops,
        mate_tid: mate_tid.map_or(-1, |t| t as i32),
        mate_pos,
        tlen: i64::from(rec.template_length()),
        seq,
        qual,
        aux: Vec::new(),
    })
}
