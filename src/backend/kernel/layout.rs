//! The records the kernels read and write, laid out as `kernels/*.cu` declares them
//! (`#[repr(C)]`, plain old data, so that they go to a device as bytes), and what one launch
//! carries: the jobs of one bucket with the sequences they use.

use bytemuck::{Pod, Zeroable};

use crate::backend::Scoring;

/// `ZkExtendJob`: offsets into the launch's buffers.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct DevExtendJob {
    pub query_off: u32,
    pub query_len: u32,
    pub target_off: u32,
    pub target_len: u32,
    pub band_lo: i32,
    pub band_hi: i32,
    /// Where the job's CIGAR goes in the launch's CIGAR buffer (query_len + target_len slots).
    pub cigar_off: u32,
    pub pad: u32,
}

/// `ZkExtendOut`: a job's result; its CIGAR is in traceback order (last operation first).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct DevExtendOut {
    pub score: i32,
    pub query_start: u32,
    pub query_end: u32,
    pub target_start: u32,
    pub target_end: u32,
    pub cigar_len: u32,
}

/// `ZkScoring`, passed to the kernel by value.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct DevScoring {
    pub match_score: i32,
    pub mismatch: i32,
    pub gap_open: i32,
    pub gap_extend: i32,
    pub clip: i32,
    pub n_penalty: i32,
}

impl From<Scoring> for DevScoring {
    fn from(s: Scoring) -> Self {
        DevScoring {
            match_score: s.match_score,
            mismatch: s.mismatch,
            gap_open: s.gap_open,
            gap_extend: s.gap_extend,
            clip: s.clip,
            n_penalty: s.n_penalty,
        }
    }
}

/// `ZkPairHmmJob`: offsets into the launch's read and haplotype buffers, and the initial D row.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Pod, Zeroable)]
pub(crate) struct DevPairHmmJob {
    pub read_off: u32,
    pub read_len: u32,
    pub hap_off: u32,
    pub hap_len: u32,
    pub d0: f32,
    pub pad: u32,
}

/// One extension launch: jobs of similar size with their sequences.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExtendLaunch {
    pub queries: Vec<u8>,
    pub targets: Vec<u8>,
    pub jobs: Vec<DevExtendJob>,
    pub scoring: DevScoring,
    /// The widest band of the launch, in diagonals.
    pub width: u32,
    /// The longest query of the launch.
    pub rows: u32,
    /// CIGAR slots of all jobs together.
    pub cigar_slots: usize,
}

/// Rows of a strip of the extension kernel (`ZK_XSTRIP` in kernels/extend.cu).
pub(crate) const EXTEND_STRIP: usize = 8;

/// 8-byte traceback words one job of an extension launch needs: one per strip of rows and column
/// a strip sweeps (at most the band width plus the strip's rows less one).
fn traceback_words_per_job(width: u32, rows: u32) -> usize {
    (rows as usize).div_ceil(EXTEND_STRIP) * (width as usize + EXTEND_STRIP - 1)
}

/// Scratch bytes an extension launch needs: for each job, the boundary row (H and F, 4 bytes each,
/// per diagonal) and its traceback words.
pub(crate) fn extend_scratch_bytes(width: u32, rows: u32, jobs: usize) -> usize {
    jobs * (8 * width as usize + 8 * traceback_words_per_job(width, rows))
}

/// Scratch bytes a pair-HMM launch needs: for each job, the boundary row (M, I and D, 4 bytes
/// each, per haplotype column and column 0).
pub(crate) fn pair_hmm_scratch_bytes(max_hap: u32, jobs: usize) -> usize {
    jobs * 12 * (max_hap as usize + 1)
}

impl ExtendLaunch {
    /// Ints of the boundary rows (`rows` in kernels/extend.cu).
    pub(crate) fn boundary_len(&self) -> usize {
        2 * self.width as usize * self.jobs.len()
    }

    /// 8-byte words of the traceback matrices (`tb` in kernels/extend.cu).
    pub(crate) fn traceback_words(&self) -> usize {
        traceback_words_per_job(self.width, self.rows) * self.jobs.len()
    }
}

impl PairHmmLaunch {
    /// Floats of the boundary rows (`rows` in kernels/pair_hmm.cu).
    pub(crate) fn boundary_len(&self) -> usize {
        3 * (self.max_hap as usize + 1) * self.jobs.len()
    }
}

/// Where a launch's time went, in seconds: copies between host and device, and the kernel.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Timing {
    pub transfer: f64,
    pub kernel: f64,
}

/// What an extension launch returns.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExtendLaunchOut {
    pub outs: Vec<DevExtendOut>,
    pub cigars: Vec<u32>,
    pub timing: Timing,
}

/// What a pair-HMM launch returns: one scaled float sum per job.
#[derive(Debug, Clone, Default)]
pub(crate) struct PairHmmLaunchOut {
    pub sums: Vec<f32>,
    pub timing: Timing,
}

/// One pair-HMM launch: jobs with the reads (bases and 8 parameters a base) and haplotypes
/// they use.
#[derive(Debug, Clone, Default)]
pub(crate) struct PairHmmLaunch {
    pub bases: Vec<u8>,
    pub params: Vec<f32>,
    pub haps: Vec<u8>,
    pub jobs: Vec<DevPairHmmJob>,
    /// The longest haplotype of the launch.
    pub max_hap: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_have_the_sizes_the_kernels_declare() {
        assert_eq!(std::mem::size_of::<DevExtendJob>(), 32);
        assert_eq!(std::mem::size_of::<DevExtendOut>(), 24);
        assert_eq!(std::mem::size_of::<DevScoring>(), 24);
        assert_eq!(std::mem::size_of::<DevPairHmmJob>(), 24);
    }

    #[test]
    fn scratch_sizes_agree_with_the_buffers() {
        let e = ExtendLaunch {
            jobs: vec![DevExtendJob::default(); 3],
            width: 17,
            rows: 150,
            ..ExtendLaunch::default()
        };
        assert_eq!(
            extend_scratch_bytes(17, 150, 3),
            4 * e.boundary_len() + 8 * e.traceback_words()
        );
        // 150 rows: 19 strips of 8 columns more than the band.
        assert_eq!(e.traceback_words(), 3 * 19 * (17 + 7));
        let p = PairHmmLaunch {
            jobs: vec![DevPairHmmJob::default(); 5],
            max_hap: 300,
            ..PairHmmLaunch::default()
        };
        assert_eq!(pair_hmm_scratch_bytes(300, 5), 4 * p.boundary_len());
    }
}
