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
}
