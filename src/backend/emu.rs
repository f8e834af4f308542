//! `--device emu`: the CUDA kernels of `kernels/*.cu`, compiled for the host by `build.rs`, run
//! through the same host code as on a GPU (see [`super::kernel`]). Blocks of 128 threads are
//! spread over the worker threads; each block runs its threads one after another.

use rayon::prelude::*;

use super::cpu::ftz::FlushToZero;
use super::kernel::layout::{
    DevExtendJob, DevExtendOut, DevPairHmmJob, DevScoring, ExtendLaunch, ExtendLaunchOut,
    PairHmmLaunch, PairHmmLaunchOut, Timing,
};
use super::kernel::{KernelBackend, Launcher};
use crate::core::Result;

/// Threads per block, as a GPU launch would use.
const BLOCK: u32 = 128;

unsafe extern "C" {
    fn zk_emu_extend_banded(
        begin: u32,
        end: u32,
        block: u32,
        grid: u32,
        queries: *const u8,
        targets: *const u8,
        jobs: *const DevExtendJob,
        n: u32,
        s: DevScoring,
        width: u32,
        rows: *mut i32,
        tb: *mut u64,
        cigars: *mut u32,
        outs: *mut DevExtendOut,
    );
    fn zk_emu_pair_hmm_forward(
        begin: u32,
        end: u32,
        block: u32,
        grid: u32,
        bases: *const u8,
        params: *const f32,
        haps: *const u8,
        jobs: *const DevPairHmmJob,
        n: u32,
        max_hap: u32,
        rows: *mut f32,
        sums: *mut f32,
    );
    fn zk_emu_fma_canary(
        begin: u32,
        end: u32,
        block: u32,
        grid: u32,
        abc: *const f32,
        n: u32,
        out: *mut f32,
    );
}

/// A pointer that may cross to another worker thread: every thread writes only the elements of
/// its own jobs (see the kernels' memory layout), so the writes never overlap.
#[derive(Clone, Copy)]
struct Shared<T>(*mut T);

// SAFETY: used only to hand buffers to the kernel threads of one launch, which write disjoint
// elements and all finish before the buffers are read or dropped (the launch joins them).
unsafe impl<T> Send for Shared<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for Shared<T> {}

impl<T> Shared<T> {
    /// The pointer (a method, so that closures capture the whole `Shared`, not its field).
    fn get(self) -> *mut T {
        self.0
    }
}

/// Runs `launch(begin, end)` over the blocks of a grid covering `n` jobs, in parallel.
fn grid(n: usize, launch: impl Fn(u32, u32) + Sync) {
    let blocks = n.div_ceil(BLOCK as usize) as u32;
    let chunk = (blocks / (4 * rayon::current_num_threads() as u32)).max(1);
    let starts: Vec<u32> = (0..blocks).step_by(chunk as usize).collect();
    starts.par_iter().for_each(|&b| {
        let _ftz = FlushToZero::on();
        launch(b, (b + chunk).min(blocks));
    });
}

/// The emulated launcher.
pub(crate) struct EmuLauncher;

impl Launcher for EmuLauncher {
    fn name(&self) -> String {
        "emu".into()
    }

    fn extend(&self, l: &ExtendLaunch) -> Result<ExtendLaunchOut> {
        let started = std::time::Instant::now();
        let n = l.jobs.len();
        let mut rows = vec![0i32; l.boundary_len()];
        let mut tb = vec![0u64; l.traceback_words()];
        let mut out = ExtendLaunchOut {
            outs: vec![DevExtendOut::default(); n],
            cigars: vec![0u32; l.cigar_slots],
            timing: Timing::default(),
        };
        let (rows_p, tb_p) = (Shared(rows.as_mut_ptr()), Shared(tb.as_mut_ptr()));
        let (cig_p, outs_p) = (
            Shared(out.cigars.as_mut_ptr()),
            Shared(out.outs.as_mut_ptr()),
        );
        let blocks = n.div_ceil(BLOCK as usize) as u32;
        grid(n, |begin, end| {
            // SAFETY: the kernel reads the launch's own buffers within the offsets `pack` wrote
            // and writes, for each job t < n, only its interleaved scratch elements (sized for
            // n jobs of width W and W*rows cells), its CIGAR slots and outs[t]; the buffers live
            // until `grid` returns, after every block has finished.
            unsafe {
                zk_emu_extend_banded(
                    begin,
                    end,
                    BLOCK,
                    blocks,
                    l.queries.as_ptr(),
                    l.targets.as_ptr(),
                    l.jobs.as_ptr(),
                    n as u32,
                    l.scoring,
                    l.width,
                    rows_p.get(),
                    tb_p.get(),
                    cig_p.get(),
                    outs_p.get(),
                )
            }
        });
        out.timing.kernel = started.elapsed().as_secs_f64();
        Ok(out)
    }

    fn pair_hmm(&self, l: &PairHmmLaunch) -> Result<PairHmmLaunchOut> {
        let started = std::time::Instant::now();
        let n = l.jobs.len();
        let mut rows = vec![0f32; l.boundary_len()];
        let mut sums = vec![0f32; n];
        let (rows_p, sums_p) = (Shared(rows.as_mut_ptr()), Shared(sums.as_mut_ptr()));
        let blocks = n.div_ceil(BLOCK as usize) as u32;
        grid(n, |begin, end| {
            // SAFETY: as for the extension: the kernel reads the launch's buffers within the
            // offsets `pack` wrote, and job t writes only its interleaved rows and sums[t].
            unsafe {
                zk_emu_pair_hmm_forward(
                    begin,
                    end,
                    BLOCK,
                    blocks,
                    l.bases.as_ptr(),
                    l.params.as_ptr(),
                    l.haps.as_ptr(),
                    l.jobs.as_ptr(),
                    n as u32,
                    l.max_hap,
                    rows_p.get(),
                    sums_p.get(),
                )
            }
        });
        Ok(PairHmmLaunchOut {
            sums,
            timing: Timing {
                transfer: 0.0,
                kernel: started.elapsed().as_secs_f64(),
            },
        })
    }

    fn fma_canary(&self, abc: &[[f32; 3]]) -> Result<Vec<f32>> {
        let n = abc.len();
        let mut out = vec![0f32; n];
        let blocks = n.div_ceil(BLOCK as usize) as u32;
        // SAFETY: `abc` holds 3 floats per thread and `out` one; thread t < n reads
        // abc[3t..3t+3] and writes out[t] only.
        unsafe {
            zk_emu_fma_canary(
                0,
                blocks,
                BLOCK,
                blocks,
                abc.as_ptr().cast(),
                n as u32,
                out.as_mut_ptr(),
            )
        };
        Ok(out)
    }
}

/// The emulated backend.
pub(crate) fn backend() -> KernelBackend<EmuLauncher> {
    KernelBackend::new(EmuLauncher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_build_of_the_kernels_does_not_contract_into_fma() {
        let a = 1.0 + f32::powi(2.0, -12);
        let c = -(1.0 + f32::powi(2.0, -11));
        assert_eq!(
            EmuLauncher.fma_canary(&[[a, a, c]]).unwrap(),
            vec![0.0],
            "a*b+c was fused"
        );
        assert!(crate::backend::kernel::no_contraction(&EmuLauncher).unwrap());
        assert_eq!(a.mul_add(a, c), f32::powi(2.0, -24), "the canary can tell");
    }
}
