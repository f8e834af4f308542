//! Per-kernel counters: launches, jobs, dynamic-programming cells, and the jobs that went to the
//! CPU instead (bands or lengths past what the kernel takes). Shared by every thread that calls
//! the backend; reported in `--metrics` and by `zenome bench`.

use std::sync::atomic::{AtomicU64, Ordering};

use super::layout::Timing;

/// The counters of one kernel entry point, named as in `kernels/*.cu`.
#[derive(Debug, Default)]
pub(crate) struct KernelCounters {
    launches: AtomicU64,
    jobs: AtomicU64,
    cells: AtomicU64,
    fallback_jobs: AtomicU64,
    transfer_ns: AtomicU64,
    kernel_ns: AtomicU64,
}

/// A snapshot of one kernel's counters.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelStat {
    /// The entry point's name in `kernels/*.cu`.
    pub kernel: &'static str,
    pub launches: u64,
    pub jobs: u64,
    pub cells: u64,
    /// Jobs the CPU ran instead.
    pub fallback_jobs: u64,
    /// Seconds spent copying between host and device, and in the kernel.
    pub transfer_seconds: f64,
    pub kernel_seconds: f64,
}

impl KernelCounters {
    pub(crate) fn launched(&self, jobs: usize, cells: u64, timing: Timing) {
        self.launches.fetch_add(1, Ordering::Relaxed);
        self.jobs.fetch_add(jobs as u64, Ordering::Relaxed);
        self.cells.fetch_add(cells, Ordering::Relaxed);
        let ns = |s: f64| (s * 1e9) as u64;
        self.transfer_ns
            .fetch_add(ns(timing.transfer), Ordering::Relaxed);
        self.kernel_ns
            .fetch_add(ns(timing.kernel), Ordering::Relaxed);
    }

    pub(crate) fn fell_back(&self, jobs: usize) {
        self.fallback_jobs.fetch_add(jobs as u64, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self, kernel: &'static str) -> KernelStat {
        KernelStat {
            kernel,
            launches: self.launches.load(Ordering::Relaxed),
            jobs: self.jobs.load(Ordering::Relaxed),
            cells: self.cells.load(Ordering::Relaxed),
            fallback_jobs: self.fallback_jobs.load(Ordering::Relaxed),
            transfer_seconds: self.transfer_ns.load(Ordering::Relaxed) as f64 / 1e9,
            kernel_seconds: self.kernel_ns.load(Ordering::Relaxed) as f64 / 1e9,
        }
    }
}
