//! Batch types for the pair-HMM: the likelihood of each read given each haplotype, with base,
//! insertion and deletion qualities. Structure-of-arrays, `#[repr(C)]` job records.

use bytemuck::{Pod, Zeroable};

/// One read-haplotype pair: offsets into the batch's packed read and haplotype buffers.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub struct PairHmmJob {
    pub read_off: u32,
    pub read_len: u32,
    pub hap_off: u32,
    pub hap_len: u32,
}

/// Reads (bases and three quality tracks, all of one length per read), haplotypes, and jobs.
#[derive(Debug, Clone, Default)]
pub struct PairHmmBatch {
    pub bases: Vec<u8>,
    pub base_quals: Vec<u8>,
    pub ins_quals: Vec<u8>,
    pub del_quals: Vec<u8>,
    /// Gap-continuation penalty (Phred) for every base.
    pub gcp: Vec<u8>,
    pub haps: Vec<u8>,
    pub jobs: Vec<PairHmmJob>,
}

/// The gap model of a read: Phred-scaled insertion and deletion opening qualities and the gap
/// continuation penalty, the same at every base (GATK's constants: 45, 45 and 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GapModel {
    pub ins_qual: u8,
    pub del_qual: u8,
    pub gcp: u8,
}

impl Default for GapModel {
    fn default() -> Self {
        GapModel {
            ins_qual: 45,
            del_qual: 45,
            gcp: 10,
        }
    }
}

/// Where a read or haplotype lies in the batch's buffers.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub off: u32,
    pub len: u32,
}

impl PairHmmBatch {
    /// Adds a read with its base qualities and the gap model of every base.
    pub fn push_read(&mut self, bases: &[u8], quals: &[u8], gap: GapModel) -> Span {
        let span = Span {
            off: self.bases.len() as u32,
            len: bases.len() as u32,
        };
        self.bases.extend_from_slice(bases);
        self.base_quals.extend_from_slice(quals);
        self.ins_quals
            .extend(std::iter::repeat_n(gap.ins_qual, bases.len()));
        self.del_quals
            .extend(std::iter::repeat_n(gap.del_qual, bases.len()));
        self.gcp.extend(std::iter::repeat_n(gap.gcp, bases.len()));
        span
    }

    /// Adds a read with its own insertion and deletion opening qualities per base (as long as
    /// `bases`) and one gap continuation penalty.
    pub fn push_read_gaps(
        &mut self,
        bases: &[u8],
        quals: &[u8],
        ins: &[u8],
        del: &[u8],
        gcp: u8,
    ) -> Span {
        debug_assert!(
            quals.len() == bases.len() && ins.len() == bases.len() && del.len() == bases.len()
        );
        let span = Span {
            off: self.bases.len() as u32,
            len: bases.len() as u32,
        };
        self.bases.extend_from_slice(bases);
        self.base_quals.extend_from_slice(quals);
        self.ins_quals.extend_from_slice(ins);
        self.del_quals.extend_from_slice(del);
        self.gcp.extend(std::iter::repeat_n(gcp, bases.len()));
        span
    }

    pub fn push_hap(&mut self, bases: &[u8]) -> Span {
        let span = Span {
            off: self.haps.len() as u32,
            len: bases.len() as u32,
        };
        self.haps.extend_from_slice(bases);
        span
    }

    pub fn push_job(&mut self, read: Span, hap: Span) -> usize {
        self.jobs.push(PairHmmJob {
            read_off: read.off,
            read_len: read.len,
            hap_off: hap.off,
            hap_len: hap.len,
        });
        self.jobs.len() - 1
    }

    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// Appends the reads, haplotypes and jobs of `other`; returns the index its first job now
    /// has in this batch.
    pub fn append(&mut self, other: &PairHmmBatch) -> usize {
        let (reads, haps, first) = (
            self.bases.len() as u32,
            self.haps.len() as u32,
            self.jobs.len(),
        );
        self.bases.extend_from_slice(&other.bases);
        self.base_quals.extend_from_slice(&other.base_quals);
        self.ins_quals.extend_from_slice(&other.ins_quals);
        self.del_quals.extend_from_slice(&other.del_quals);
        self.gcp.extend_from_slice(&other.gcp);
        self.haps.extend_from_slice(&other.haps);
        self.jobs.extend(other.jobs.iter().map(|j| PairHmmJob {
            read_off: j.read_off + reads,
            hap_off: j.hap_off + haps,
            ..*j
        }));
        first
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }
}

/// log10 P(read | haplotype) for every job, in job order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairHmmResults {
    pub log10: Vec<f64>,
}
