//! Reads for calling: the filtered, decoded records of a BAM over one stretch of a contig.

use std::path::Path;

use noodles_bam as bam;
use noodles_core::{Position, Region};
use noodles_sam::alignment::record::cigar::op::Kind;

use crate::error::{Error, Result};
use crate::io::fasta::encode_base;

/// Reads under this mapping quality are not used (GATK's default is 20).
pub const MIN_MAPQ: u8 = 20;

/// A CIGAR operation reduced to what calling needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Match(u32),
    Ins(u32),
    Del(u32),
    Soft(u32),
}

/// An aligned read: 0-based start, CIGAR, base codes, qualities, strand.
#[derive(Debug, Clone)]
pub struct AlnRead {
    pub pos: i64,
    pub end: i64,
    pub ops: Vec<Op>,
    pub seq: Vec<u8>,
    pub qual: Vec<u8>,
    pub rev: bool,
}

impl AlnRead {
    /// The reference span the read would cover with its soft clips aligned: reads clipped at
    /// an indel still count as spanning it.
    pub fn unclipped_span(&self) -> (i64, i64) {
        let clip = |op: Option<&Op>| match op {
            Some(Op::Soft(n)) => i64::from(*n),
            _ => 0,
        };
        (
            self.pos - clip(self.ops.first()),
            self.end + clip(self.ops.last()),
        )
    }

    /// Read bases aligned to reference positions `[start, end)`, with their qualities: the read
    /// clipped to a window (insertions inside the window kept). Soft-clipped ends next to an
    /// aligned base in the window are kept too, as far as the window reaches: they often hold
    /// the inserted or rearranged sequence that made the aligner clip.
    pub fn clip_to(&self, start: i64, end: i64) -> (Vec<u8>, Vec<u8>) {
        let (mut r, mut q) = (self.pos, 0usize);
        let (mut first, mut last) = (None, None);
        let (mut first_aligned, mut last_aligned) = (None, 0usize);
        for op in &self.ops {
            match *op {
                Op::Match(n) => {
                    first_aligned.get_or_insert(q);
                    for _ in 0..n {
                        if r >= start && r < end {
                            first.get_or_insert(q);
                            last = Some(q + 1);
                        }
                        r += 1;
                        q += 1;
                    }
                    last_aligned = q;
                }
                Op::Ins(n) | Op::Soft(n) => q += n as usize,
                Op::Del(n) => r += i64::from(n),
            }
        }
        let (Some(mut a), Some(mut b)) = (first, last) else {
            return (Vec::new(), Vec::new());
        };
        if Some(a) == first_aligned {
            a -= a.min((self.pos - start).max(0) as usize);
        }
        if b == last_aligned {
            b += (self.seq.len() - b).min((end - self.end).max(0) as usize);
        }
        (self.seq[a..b].to_vec(), self.qual[a..b].to_vec())
    }
}

/// An open BAM with its index, for region queries from any thread (each call opens a reader).
pub struct BamSource {
    pub path: std::path::PathBuf,
    pub header: noodles_sam::Header,
    index: super::shared_index::SharedIndex,
}

impl BamSource {
    /// Opens and checks a BAM: coordinate-sorted, indexed, readable.
    pub fn open(path: &Path) -> Result<Self> {
        let bad = |msg: String| Error::input(path, msg);
        let mut reader = bam::io::reader::Builder
            .build_from_path(path)
            .map_err(|e| Error::io(path, e))?;
        let header = reader
            .read_header()
            .map_err(|e| bad(format!("not a readable BAM file ({e})")))?;
        let sorted = header
            .header()
            .and_then(|h| {
                h.other_fields()
                    .get(&noodles_sam::header::record::value::map::header::tag::SORT_ORDER)
            })
            .is_some_and(|so| so == "coordinate");
        if !sorted {
            return Err(bad("the BAM is not coordinate-sorted (@HD SO:coordinate); sort it first (samtools sort)".into()));
        }
        let bai = format!("{}.bai", path.display());
        let index = bam::bai::fs::read(&bai)
            .map(|i| super::shared_index::SharedIndex(std::sync::Arc::new(i)))
            .map_err(|_| bad(format!("the BAM has no index ({bai}); run samtools index")))?;
        Ok(BamSource {
            path: path.to_path_buf(),
            header,
            index,
        })
    }

    /// The sample name: the first @RG's SM, or the file name.
    pub fn sample(&self) -> String {
        self.header
            .read_groups()
            .values()
            .find_map(|rg| {
                rg.other_fields()
                    .get(&noodles_sam::header::record::value::map::read_group::tag::SAMPLE)
                    .map(|s| s.to_string())
            })
            .unwrap_or_else(|| {
                self.path
                    .file_stem()
                    .map_or("SAMPLE".into(), |s| s.to_string_lossy().into_owned())
            })
    }

    /// Usable reads overlapping `[start, end)` (0-based) of contig `name`.
    pub fn fetch(&self, name: &str, start: i64, end: i64) -> Result<Vec<AlnRead>> {
        let err = |e: std::io::Error| Error::input(&self.path, e.to_string());
        let file = std::fs::File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let mut reader = bam::io::IndexedReader::new(file, self.index.clone());
        let (Some(a), Some(b)) = (
            Position::new(start.max(0) as usize + 1),
            Position::new(end.max(1) as usize),
        ) else {
            return Ok(Vec::new());
        };
        let region = Region::new(name, a..=b);
        let mut out = Vec::new();
        for rec in reader.query(&self.header, &region).map_err(err)?.records() {
            let rec = rec.map_err(err)?;
            if let Some(r) = decode(&rec, &self.path)? {
                out.push(r);
            }
        }
        Ok(out)
    }
}

fn decode(rec: &bam::Record, path: &Path) -> Result<Option<AlnRead>> {
    let f = rec.flags();
    if f.is_unmapped() || f.is_secondary() || f.is_qc_fail() || f.is_duplicate() {
        return Ok(None);
    }
    if rec.mapping_quality().is_some_and(|q| q.get() < MIN_MAPQ) {
        return Ok(None);
    }
    let err = |e: std::io::Error| Error::input(path, e.to_string());
    let name = || rec.name().map(|n| n.to_string()).unwrap_or_default();
    let qual: Vec<u8> = rec.quality_scores().as_ref().to_vec();
    if qual.first().is_some_and(|&q| q == 0xff) || qual.is_empty() {
        return Err(Error::input(
            path,
            format!(
                "read '{}' has no base qualities ('*'); calling needs them",
                name()
            ),
        ));
    }
    let pos = rec
        .alignment_start()
        .transpose()
        .map_err(err)?
        .map_or(0, |p| p.get() as i64 - 1);
    let mut ops = Vec::new();
    let mut end = pos;
    for op in rec.cigar().iter() {
        let op = op.map_err(err)?;
        let n = op.len() as u32;
        match op.kind() {
            Kind::Match | Kind::SequenceMatch | Kind::SequenceMismatch => {
                ops.push(Op::Match(n));
                end += i64::from(n);
            }
            Kind::Insertion => ops.push(Op::Ins(n)),
            Kind::Deletion | Kind::Skip => {
                ops.push(Op::Del(n));
                end += i64::from(n);
            }
            Kind::SoftClip => ops.push(Op::Soft(n)),
            Kind::HardClip | Kind::Pad => {}
        }
    }
    let seq: Vec<u8> = rec.sequence().iter().map(encode_base).collect();
    Ok(Some(AlnRead {
        pos,
        end,
        ops,
        seq,
        qual,
        rev: f.is_reverse_complemented(),
    }))
}
