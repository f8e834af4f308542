//! Reads for calling: the filtered, decoded records of a BAM over one stretch of a contig.

use std::path::Path;

use super::options::ReadFilter;
use crate::core::cigar::{self, CigarOp, Kind};
use crate::core::{Error, Result};
use crate::io::bam_reader::RecordSource;
use crate::io::sam_record::{SamRecord, flag};

/// An aligned read: 0-based start, CIGAR (only `M`, `I`, `D` and `S`), base codes, qualities,
/// strand.
#[derive(Debug, Clone)]
pub(crate) struct AlnRead {
    pub pos: i64,
    pub end: i64,
    pub ops: Vec<CigarOp>,
    pub seq: Vec<u8>,
    pub qual: Vec<u8>,
    pub rev: bool,
    pub mapq: u8,
}

impl AlnRead {
    /// The base aligned to reference position `pos`: its quality, and its place in the read as
    /// GATK's ReadPosRankSum takes it (the index in the read, soft clips counted, folded to the
    /// nearer end when past the middle: `n - 1 - i` for `i > n / 2`). None where the read does
    /// not align a base there (a deletion, or outside).
    pub(crate) fn base_at(&self, pos: i64) -> Option<(u8, u32)> {
        let n = self.seq.len();
        let (mut rp, mut q) = (self.pos, 0usize);
        for op in &self.ops {
            let len = i64::from(op.len);
            match op.kind {
                Kind::Match if pos >= rp && pos < rp + len => {
                    let at = q + (pos - rp) as usize;
                    let folded = if at > n / 2 {
                        n.checked_sub(at + 1)?
                    } else {
                        at
                    };
                    return Some((*self.qual.get(at)?, folded as u32));
                }
                Kind::Match => {
                    rp += len;
                    q += op.len as usize;
                }
                Kind::Del => {
                    if pos >= rp && pos < rp + len {
                        return None;
                    }
                    rp += len;
                }
                Kind::Ins | Kind::SoftClip => q += op.len as usize,
                _ => {}
            }
        }
        None
    }

    /// The reference span the read would cover with its soft clips aligned: reads clipped at
    /// an indel still count as spanning it.
    pub(crate) fn unclipped_span(&self) -> (i64, i64) {
        let clip = |op: Option<&CigarOp>| match op {
            Some(op) if op.kind == Kind::SoftClip => i64::from(op.len),
            _ => 0,
        };
        (
            self.pos - clip(self.ops.first()),
            self.end + clip(self.ops.last()),
        )
    }

    /// The read clipped to a window: the part of the read (as a range of it) aligned to
    /// reference positions `[start, end)`, insertions inside the window kept. Soft-clipped ends
    /// next to an aligned base in the window are kept too, as far as the window reaches: they
    /// often hold the inserted or rearranged sequence that made the aligner clip. Empty when no
    /// base is aligned there.
    pub(crate) fn clip_range(&self, start: i64, end: i64) -> std::ops::Range<usize> {
        let (mut r, mut q) = (self.pos, 0usize);
        let (mut first, mut last) = (None, None);
        let (mut first_aligned, mut last_aligned) = (None, 0usize);
        for op in &self.ops {
            match op.kind {
                Kind::Match => {
                    first_aligned.get_or_insert(q);
                    for _ in 0..op.len {
                        if r >= start && r < end {
                            first.get_or_insert(q);
                            last = Some(q + 1);
                        }
                        r += 1;
                        q += 1;
                    }
                    last_aligned = q;
                }
                Kind::Ins | Kind::SoftClip => q += op.len as usize,
                Kind::Del => r += i64::from(op.len),
                _ => {}
            }
        }
        let (Some(mut a), Some(mut b)) = (first, last) else {
            return 0..0;
        };
        if Some(a) == first_aligned {
            a -= a.min((self.pos - start).max(0) as usize);
        }
        if b == last_aligned {
            b += (self.seq.len() - b).min((end - self.end).max(0) as usize);
        }
        a..b
    }
}

/// Whether a record with these flags and mapping quality is used for calling: mapped, primary,
/// not a duplicate or QC failure, of at least the filter's mapping quality.
pub(crate) fn usable(flags: u16, mapq: u8, filter: &ReadFilter) -> bool {
    let skip = flag::UNMAPPED | flag::SECONDARY | flag::QC_FAIL | flag::DUPLICATE;
    flags & skip == 0 && mapq >= filter.min_mapq
}

/// Usable reads overlapping `[start, end)` (0-based) of contig `tid`: mapped, primary,
/// not duplicates or QC failures, of at least the filter's mapping quality, with qualities.
pub(crate) fn fetch(
    bam: &dyn RecordSource,
    tid: usize,
    start: i64,
    end: i64,
    filter: &ReadFilter,
) -> Result<Vec<AlnRead>> {
    let keep = |flags: u16, mapq: u8| usable(flags, mapq, filter);
    bam.fetch_records(tid, start, end, &keep)?
        .into_iter()
        .map(|r| from_record(r, bam.source_path()))
        .collect()
}

/// A read for calling from a BAM record: hard clips and padding dropped, `=`/`X` as `M`,
/// skips as deletions.
fn from_record(r: SamRecord, path: &Path) -> Result<AlnRead> {
    if r.qual.first().is_some_and(|&q| q == 0xff) || r.qual.is_empty() {
        return Err(Error::input(
            path,
            format!(
                "read '{}' has no base qualities ('*'); calling needs them",
                String::from_utf8_lossy(&r.name)
            ),
        ));
    }
    let mut ops = Vec::with_capacity(r.cigar.len());
    for op in &r.cigar {
        let kind = match op.kind {
            Kind::Match | Kind::Equal | Kind::Diff => Kind::Match,
            Kind::Del | Kind::Skip => Kind::Del,
            Kind::Ins => Kind::Ins,
            Kind::SoftClip => Kind::SoftClip,
            Kind::HardClip | Kind::Pad => continue,
        };
        ops.push(CigarOp::new(kind, op.len));
    }
    Ok(AlnRead {
        pos: r.pos,
        end: r.pos + cigar::reference_span(&ops),
        ops,
        seq: r.seq,
        qual: r.qual,
        rev: r.flag & flag::REVERSE != 0,
        mapq: r.mapq,
    })
}
