//! Batch types for extension alignment: structure-of-arrays, with `#[repr(C)]` job and
//! result records that can be copied to a device as bytes.

use bytemuck::{Pod, Zeroable};

/// Scores, bwa-mem's defaults unless set otherwise. Penalties are positive numbers.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct Scoring {
    pub match_score: i32,
    pub mismatch: i32,
    pub gap_open: i32,
    pub gap_extend: i32,
    /// Cost of leaving the start or the end of the query unaligned (soft clip).
    pub clip: i32,
    /// Cost of aligning an N (in either sequence) to anything.
    pub n_penalty: i32,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            match_score: 1,
            mismatch: 4,
            gap_open: 6,
            gap_extend: 1,
            clip: 5,
            n_penalty: 1,
        }
    }
}

impl Scoring {
    /// Score of aligning query code `q` to target code `t`.
    #[inline]
    pub fn substitution(&self, q: u8, t: u8) -> i32 {
        if q > 3 || t > 3 {
            -self.n_penalty
        } else if q == t {
            self.match_score
        } else {
            -self.mismatch
        }
    }
}

/// One alignment task. The query is aligned locally inside the target, paying
/// [`Scoring::clip`] for each unaligned query end, restricted to the diagonals
/// `band_lo ..= band_hi`, where the diagonal of query base i and target base j is j - i.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct ExtendJob {
    pub query_off: u32,
    pub query_len: u32,
    pub target_off: u32,
    pub target_len: u32,
    pub band_lo: i32,
    pub band_hi: i32,
}

/// A batch: packed base codes of all queries and targets, and one job record each.
#[derive(Debug, Clone, Default)]
pub struct ExtendBatch {
    pub scoring: Scoring,
    pub queries: Vec<u8>,
    pub targets: Vec<u8>,
    pub jobs: Vec<ExtendJob>,
}

impl ExtendBatch {
    pub fn new(scoring: Scoring) -> Self {
        ExtendBatch {
            scoring,
            ..Default::default()
        }
    }

    /// Adds a job; returns its index in the batch.
    pub fn push(&mut self, query: &[u8], target: &[u8], band_lo: i32, band_hi: i32) -> usize {
        self.jobs.push(ExtendJob {
            query_off: self.queries.len() as u32,
            query_len: query.len() as u32,
            target_off: self.targets.len() as u32,
            target_len: target.len() as u32,
            band_lo,
            band_hi,
        });
        self.queries.extend_from_slice(query);
        self.targets.extend_from_slice(target);
        self.jobs.len() - 1
    }

    /// The query and target of job `i`.
    pub fn sequences(&self, job: &ExtendJob) -> (&[u8], &[u8]) {
        let q = &self.queries[job.query_off as usize..][..job.query_len as usize];
        let t = &self.targets[job.target_off as usize..][..job.target_len as usize];
        (q, t)
    }

    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }
}

/// The best local alignment of a job: aligned query `[query_start, query_end)` against target
/// `[target_start, target_end)`, score net of clipping penalties, and its CIGAR (BAM encoding:
/// length << 4 | op, with M=0, I=1, D=2) at `cigar_off .. cigar_off + cigar_len` in
/// [`ExtendResults::cigars`]. A job with no cell in its band has `cigar_len == 0` and
/// `score == i32::MIN`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct ExtendResult {
    pub score: i32,
    pub query_start: u32,
    pub query_end: u32,
    pub target_start: u32,
    pub target_end: u32,
    pub cigar_off: u32,
    pub cigar_len: u32,
    pub _pad: u32,
}

/// Results of a batch, in job order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtendResults {
    pub results: Vec<ExtendResult>,
    pub cigars: Vec<u32>,
}

impl ExtendResults {
    /// The CIGAR of result `r`.
    pub fn cigar(&self, r: &ExtendResult) -> &[u32] {
        &self.cigars[r.cigar_off as usize..][..r.cigar_len as usize]
    }
}
