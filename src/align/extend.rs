//! From candidates to alignments: an ungapped check on a single diagonal when the seeds allow
//! it, otherwise a banded DP job for the backend.

use super::alignment::Alignment;
use super::chain::Candidate;
use crate::backend::{ExtendBatch, ExtendResult, ExtendResults, Scoring};
use crate::core::cigar::{self, CigarOp, Kind};
use crate::core::{Error, Result};
use crate::index::file::ContigInfo;

/// Diagonals added on each side of the seeds' range: the largest indel found past the last seed.
pub(crate) const BAND_PAD: i64 = 16;

/// Where a DP job's target window lies, to turn its result back into an alignment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub contig: u32,
    /// Window start on the contig.
    pub start: i64,
    pub rev: bool,
}

/// The contig holding global position `pos` (contigs sorted by offset).
pub(crate) fn contig_at(contigs: &[ContigInfo], pos: i64) -> usize {
    contigs
        .partition_point(|c| c.offset as i64 <= pos)
        .saturating_sub(1)
}

/// Tries the seeds' single diagonal without gaps. Accepts when the mismatches are few and
/// scattered (no two within 8 bases), where no gapped or clipped alignment can score higher.
pub(crate) fn ungapped(
    s: &Scoring,
    q: &[u8],
    reference: &[u8],
    contigs: &[ContigInfo],
    c: &Candidate,
) -> Option<Alignment> {
    if c.diag_lo != c.diag_hi {
        return None;
    }
    let ci = contig_at(contigs, c.diag_lo);
    let info = &contigs[ci];
    let (cstart, cend) = (info.offset as i64, (info.offset + info.len) as i64);
    if c.diag_lo < cstart || c.diag_lo + q.len() as i64 > cend {
        return None;
    }
    let t = &reference[c.diag_lo as usize..][..q.len()];
    let (mut score, mut mismatches, mut last_mm) = (0i32, 0u32, i64::MIN / 2);
    for (i, (&a, &b)) in q.iter().zip(t).enumerate() {
        let sub = s.substitution(a, b);
        score += sub;
        if a < 4 && b < 4 && a != b {
            mismatches += 1;
            if mismatches > 4 || i as i64 - last_mm < 8 {
                return None;
            }
            last_mm = i as i64;
        }
    }
    Some(Alignment {
        contig: ci as u32,
        pos: c.diag_lo - cstart,
        end: c.diag_lo - cstart + q.len() as i64,
        rev: c.rev,
        qstart: 0,
        qend: q.len() as u32,
        cigar: vec![CigarOp::new(Kind::Match, q.len() as u32)],
        score,
    })
}

/// Adds the DP job for candidate `c` of query `q` to `batch`; returns its window, or None when
/// the candidate falls outside every contig.
pub(crate) fn push_job(
    batch: &mut ExtendBatch,
    q: &[u8],
    reference: &[u8],
    contigs: &[ContigInfo],
    c: &Candidate,
) -> Option<Window> {
    let mid = (c.diag_lo + c.diag_hi) / 2 + q.len() as i64 / 2;
    let ci = contig_at(contigs, mid);
    let info = &contigs[ci];
    let (cstart, cend) = (info.offset as i64, (info.offset + info.len) as i64);
    let start = (c.diag_lo - BAND_PAD).clamp(cstart, cend);
    let end = (c.diag_hi + q.len() as i64 + BAND_PAD).clamp(cstart, cend);
    if end - start < 1 {
        return None;
    }
    let target = &reference[start as usize..end as usize];
    let lo = (c.diag_lo - BAND_PAD - start) as i32;
    let hi = (c.diag_hi + BAND_PAD - start) as i32;
    batch.push(q, target, lo, hi);
    Some(Window {
        contig: ci as u32,
        start: start - cstart,
        rev: c.rev,
    })
}

/// Adds a job that searches a whole window (mate rescue): every diagonal is allowed.
pub(crate) fn push_window_job(
    batch: &mut ExtendBatch,
    q: &[u8],
    reference: &[u8],
    info: &ContigInfo,
    contig: u32,
    range: (i64, i64),
    rev: bool,
) -> Option<Window> {
    let start = range.0.clamp(0, info.len as i64);
    let end = range.1.clamp(0, info.len as i64);
    if end - start < q.len() as i64 / 2 {
        return None;
    }
    let target =
        &reference[(info.offset as i64 + start) as usize..(info.offset as i64 + end) as usize];
    batch.push(q, target, -(q.len() as i32), (end - start) as i32);
    Some(Window { contig, start, rev })
}

/// The alignment a DP result describes, if it has one; an error when the backend wrote an
/// operation other than M, I or D.
pub(crate) fn from_result(
    w: &Window,
    r: &ExtendResult,
    results: &ExtendResults,
) -> Result<Option<Alignment>> {
    if r.cigar_len == 0 {
        return Ok(None);
    }
    let cigar = results
        .cigar(r)
        .iter()
        .map(|&op| {
            CigarOp::from_bam(op).filter(|o| matches!(o.kind, Kind::Match | Kind::Ins | Kind::Del))
        })
        .collect::<Option<Vec<CigarOp>>>()
        .ok_or_else(|| Error::Internal("the extension backend returned an invalid CIGAR".into()))?;
    let pos = w.start + i64::from(r.target_start);
    Ok(Some(Alignment {
        contig: w.contig,
        pos,
        end: pos + cigar::reference_span(&cigar),
        rev: w.rev,
        qstart: r.query_start,
        qend: r.query_end,
        cigar,
        score: r.score,
    }))
}
