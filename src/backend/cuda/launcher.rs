//! The CUDA launcher: the kernels of `kernels/*.cu` on one or more GPUs through cudarc.
//!
//! Each GPU has a context, its modules (CUBINs from the kernel cache or NVRTC), and two slots;
//! a slot is a stream with its own device buffers and pinned host buffers, grown as launches
//! need and kept (allocated once, not per launch). A launch takes a free slot of the next GPU
//! in turn, copies its inputs in, runs the kernel and copies the results out on that stream;
//! the host code runs a batch's launches side by side, so that with two slots one launch's
//! copies overlap another's kernel. Inputs go through write-combined pinned memory, results
//! through ordinary pinned memory (the host reads them).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use cudarc::driver::sys::CUevent_flags;
use cudarc::driver::{
    CudaContext, CudaFunction, CudaSlice, CudaStream, DeviceRepr, DriverError, LaunchConfig,
    PinnedHostSlice, PushKernelArg,
};
use cudarc::nvrtc::Ptx;

use super::super::kernel::Launcher;
use super::super::kernel::layout::{
    DevExtendOut, DevScoring, ExtendLaunch, ExtendLaunchOut, PairHmmLaunch, PairHmmLaunchOut,
    Timing,
};
use super::super::kernel::sources;
use super::cache;
use crate::core::{Error, Result};

// SAFETY: `#[repr(C)]` plain integers, laid out as `ZkScoring` in kernels/extend.cu, which the
// kernel takes by value.
unsafe impl DeviceRepr for DevScoring {}

/// Threads per block.
const BLOCK: u32 = 128;
/// Streams (with their buffers) per GPU.
const SLOTS: usize = 2;
/// Offsets inside a packed buffer are multiples of this.
const ALIGN: usize = 256;

fn runtime(device: &str, e: DriverError) -> Error {
    Error::Internal(format!("CUDA on {device}: {e}"))
}

/// A device buffer that only grows.
#[derive(Default)]
struct DeviceBuf(Option<CudaSlice<u8>>);

impl DeviceBuf {
    fn at_least(&mut self, stream: &Arc<CudaStream>, bytes: usize, peak: &AtomicU64) -> Result<()> {
        if self.0.as_ref().is_some_and(|b| b.len() >= bytes) {
            return Ok(());
        }
        self.0 = None;
        let size = bytes.max(ALIGN).next_power_of_two();
        // SAFETY: the kernels write every element they later read (see their memory notes), and
        // the host reads back only what the kernel wrote.
        let buf = unsafe { stream.alloc::<u8>(size) }
            .map_err(|e| Error::Internal(format!("CUDA allocation of {size} bytes: {e}")))?;
        peak.fetch_add(size as u64, Ordering::Relaxed);
        self.0 = Some(buf);
        Ok(())
    }

    fn get(&mut self) -> Result<&mut CudaSlice<u8>> {
        self.0
            .as_mut()
            .ok_or_else(|| Error::Internal("CUDA buffer missing".into()))
    }
}

/// A pinned host buffer that only grows.
#[derive(Default)]
struct PinnedBuf(Option<PinnedHostSlice<u8>>);

impl PinnedBuf {
    fn at_least(
        &mut self,
        ctx: &Arc<CudaContext>,
        bytes: usize,
        write_combined: bool,
    ) -> Result<&mut PinnedHostSlice<u8>> {
        if self.0.as_ref().is_none_or(|b| b.len() < bytes) {
            self.0 = None;
            let size = bytes.max(ALIGN).next_power_of_two();
            let flags = if write_combined {
                cudarc::driver::sys::CU_MEMHOSTALLOC_WRITECOMBINED
            } else {
                0
            };
            // SAFETY: a fresh pinned allocation; it is written before the device reads it and
            // read only after the stream that wrote it is synchronised.
            let buf = unsafe { ctx.alloc_pinned_with_flags::<u8>(size, flags) }.map_err(|e| {
                Error::Internal(format!("CUDA pinned allocation of {size} bytes: {e}"))
            })?;
            self.0 = Some(buf);
        }
        self.0
            .as_mut()
            .ok_or_else(|| Error::Internal("pinned buffer missing".into()))
    }
}

/// A stream with its buffers.
struct Slot {
    stream: Arc<CudaStream>,
    input: DeviceBuf,
    scratch_a: DeviceBuf,
    scratch_b: DeviceBuf,
    out_a: DeviceBuf,
    out_b: DeviceBuf,
    host_in: PinnedBuf,
    host_out: PinnedBuf,
}

/// The functions of one GPU's modules.
struct Functions {
    extend: CudaFunction,
    pair_hmm: CudaFunction,
    canary: CudaFunction,
}

/// One GPU.
struct Gpu {
    name: String,
    ctx: Arc<CudaContext>,
    functions: Functions,
    slots: Mutex<Vec<Slot>>,
    free: Condvar,
    bytes: AtomicU64,
}

/// The launcher over the chosen GPUs.
pub(crate) struct CudaLauncher {
    gpus: Vec<Gpu>,
    next: AtomicUsize,
}

/// Byte offsets of arrays packed one after another, each aligned.
#[derive(Default)]
struct Packed {
    bytes: Vec<u8>,
}

impl Packed {
    fn put(&mut self, data: &[u8]) -> usize {
        let at = self.bytes.len().next_multiple_of(ALIGN);
        self.bytes.resize(at, 0);
        self.bytes.extend_from_slice(data);
        at
    }
}

fn load(ctx: &Arc<CudaContext>, arch: &str, entry: &str) -> Result<CudaFunction> {
    let src = sources::of_entry(entry)
        .ok_or_else(|| Error::Internal(format!("no kernel source defines {entry}")))?;
    let cubin = cache::cubin(src, arch)?;
    let module = ctx.load_module(Ptx::from_binary(cubin)).map_err(|e| {
        Error::Usage(format!(
            "--device cuda: cannot load the {} kernels for {arch}: {e}",
            src.family
        ))
    })?;
    module.load_function(entry).map_err(|e| {
        Error::Usage(format!(
            "--device cuda: no {entry} in the {arch} module: {e}"
        ))
    })
}

impl CudaLauncher {
    /// Opens GPUs `ordinals` (the driver checked beforehand) and loads the kernels on each.
    pub(crate) fn open(ordinals: &[usize]) -> Result<CudaLauncher> {
        let mut gpus = Vec::new();
        for &o in ordinals {
            let usage = |e: DriverError| Error::Usage(format!("--device cuda:{o}: {e}"));
            let ctx = CudaContext::new(o).map_err(usage)?;
            let (major, minor) = ctx.compute_capability().map_err(usage)?;
            if major < 7 {
                return Err(Error::Usage(format!(
                    "--device cuda:{o}: compute capability {major}.{minor}; zenome needs 7.0 (sm_70) or newer"
                )));
            }
            let arch = format!("sm_{major}{minor}");
            let functions = Functions {
                extend: load(&ctx, &arch, "extend_banded")?,
                pair_hmm: load(&ctx, &arch, "pair_hmm_forward")?,
                canary: load(&ctx, &arch, "fma_canary")?,
            };
            let mut slots = Vec::new();
            for _ in 0..SLOTS {
                slots.push(Slot {
                    stream: ctx.new_stream().map_err(usage)?,
                    input: DeviceBuf::default(),
                    scratch_a: DeviceBuf::default(),
                    scratch_b: DeviceBuf::default(),
                    out_a: DeviceBuf::default(),
                    out_b: DeviceBuf::default(),
                    host_in: PinnedBuf::default(),
                    host_out: PinnedBuf::default(),
                });
            }
            let name = ctx.name().unwrap_or_else(|_| "GPU".into());
            gpus.push(Gpu {
                name: format!("cuda:{o} ({name}, {arch})"),
                ctx,
                functions,
                slots: Mutex::new(slots),
                free: Condvar::new(),
                bytes: AtomicU64::new(0),
            });
        }
        Ok(CudaLauncher {
            gpus,
            next: AtomicUsize::new(0),
        })
    }

    /// Runs `work` on a free slot of the next GPU, returning the slot afterwards.
    fn with_slot<T>(&self, work: impl FnOnce(&Gpu, &mut Slot) -> Result<T>) -> Result<T> {
        let gpu = &self.gpus[self.next.fetch_add(1, Ordering::Relaxed) % self.gpus.len()];
        let mut slot = {
            let mut free = gpu
                .slots
                .lock()
                .map_err(|_| Error::Internal("CUDA slot lock poisoned".into()))?;
            loop {
                if let Some(s) = free.pop() {
                    break s;
                }
                free = gpu
                    .free
                    .wait(free)
                    .map_err(|_| Error::Internal("CUDA slot lock poisoned".into()))?;
            }
        };
        let result = gpu
            .ctx
            .bind_to_thread()
            .map_err(|e| runtime(&gpu.name, e))
            .and_then(|_| work(gpu, &mut slot));
        if let Ok(mut free) = gpu.slots.lock() {
            free.push(slot);
        }
        gpu.free.notify_one();
        result
    }
}

/// Copies `packed` to the slot's input buffer through pinned memory.
fn upload(gpu: &Gpu, slot: &mut Slot, packed: &Packed) -> Result<()> {
    let n = packed.bytes.len();
    let stream = slot.stream.clone();
    slot.input.at_least(&stream, n, &gpu.bytes)?;
    let pinned = slot.host_in.at_least(&gpu.ctx, n, true)?;
    let host = pinned.as_mut_slice().map_err(|e| runtime(&gpu.name, e))?;
    host[..n].copy_from_slice(&packed.bytes);
    let device = slot.input.get()?;
    stream
        .memcpy_htod(&host[..n], &mut device.slice_mut(0..n))
        .map_err(|e| runtime(&gpu.name, e))
}

/// Marks the end of the copy out, waits for the slot's stream, and returns the results in pinned
/// memory with the launch's timing.
fn finish<'s>(
    gpu: &Gpu,
    slot: &'s mut Slot,
    stream: &CudaStream,
    clock: &mut Clock,
) -> Result<(&'s [u8], Timing)> {
    clock.mark(stream, &gpu.name)?;
    stream.synchronize().map_err(|e| runtime(&gpu.name, e))?;
    let timing = clock.timing(&gpu.name)?;
    let host = slot
        .host_out
        .at_least(&gpu.ctx, 0, false)?
        .as_slice()
        .map_err(|e| runtime(&gpu.name, e))?;
    Ok((host, timing))
}

/// Times the three phases of a launch with events.
struct Clock {
    events: Vec<cudarc::driver::CudaEvent>,
}

impl Clock {
    fn mark(&mut self, stream: &CudaStream, name: &str) -> Result<()> {
        let e = stream
            .record_event(Some(CUevent_flags::CU_EVENT_DEFAULT))
            .map_err(|e| runtime(name, e))?;
        self.events.push(e);
        Ok(())
    }

    /// (copy in + copy out, kernel) from marks before and after the copy in, the kernel and the
    /// copy out.
    fn timing(&self, name: &str) -> Result<Timing> {
        let ms = |a: usize, b: usize| -> Result<f64> {
            self.events[a]
                .elapsed_ms(&self.events[b])
                .map(|x| f64::from(x) / 1e3)
                .map_err(|e| runtime(name, e))
        };
        Ok(Timing {
            transfer: ms(0, 1)? + ms(2, 3)?,
            kernel: ms(1, 2)?,
        })
    }
}

fn config(n: usize) -> LaunchConfig {
    LaunchConfig {
        grid_dim: ((n as u32).div_ceil(BLOCK).max(1), 1, 1),
        block_dim: (BLOCK, 1, 1),
        shared_mem_bytes: 0,
    }
}

impl Launcher for CudaLauncher {
    fn name(&self) -> String {
        self.gpus
            .iter()
            .map(|g| g.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn extend(&self, l: &ExtendLaunch) -> Result<ExtendLaunchOut> {
        self.with_slot(|gpu, slot| {
            let n = l.jobs.len();
            let mut packed = Packed::default();
            let q = packed.put(&l.queries);
            let t = packed.put(&l.targets);
            let j = packed.put(bytemuck::cast_slice(&l.jobs));
            let end = packed.bytes.len();
            let stream = slot.stream.clone();
            let mut clock = Clock { events: Vec::new() };
            clock.mark(&stream, &gpu.name)?;
            upload(gpu, slot, &packed)?;
            clock.mark(&stream, &gpu.name)?;
            let outs_bytes = n * std::mem::size_of::<DevExtendOut>();
            slot.scratch_a
                .at_least(&stream, 4 * l.boundary_len(), &gpu.bytes)?;
            slot.scratch_b
                .at_least(&stream, 8 * l.traceback_words(), &gpu.bytes)?;
            slot.out_a.at_least(&stream, outs_bytes, &gpu.bytes)?;
            slot.out_b
                .at_least(&stream, 4 * l.cigar_slots, &gpu.bytes)?;
            let Slot {
                input,
                scratch_a,
                scratch_b,
                out_a,
                out_b,
                ..
            } = &mut *slot;
            let input = input.get()?;
            let (qv, tv, jv) = (
                input.slice(q..t.max(q)),
                input.slice(t..j.max(t)),
                input.slice(j..end),
            );
            let (n32, w32) = (n as u32, l.width);
            let mut launch = stream.launch_builder(&gpu.functions.extend);
            launch
                .arg(&qv)
                .arg(&tv)
                .arg(&jv)
                .arg(&n32)
                .arg(&l.scoring)
                .arg(&w32)
                .arg(scratch_a.get()?)
                .arg(scratch_b.get()?)
                .arg(out_b.get()?)
                .arg(out_a.get()?);
            // SAFETY: the arguments match `extend_banded`'s parameters in order and type; the
            // buffers hold the launch's inputs at the offsets `pack` wrote and have the room the
            // launch's boundary_len and traceback_words give, every CIGAR slot and output record.
            unsafe { launch.launch(config(n)) }.map_err(|e| runtime(&gpu.name, e))?;
            clock.mark(&stream, &gpu.name)?;
            let out_bytes = outs_bytes + 4 * l.cigar_slots;
            let pinned =
                slot.host_out
                    .at_least(&gpu.ctx, out_bytes.next_multiple_of(ALIGN), false)?;
            let host = pinned.as_mut_slice().map_err(|e| runtime(&gpu.name, e))?;
            let (host_outs, host_cigars) = host.split_at_mut(outs_bytes);
            let out_a = slot.out_a.get()?;
            stream
                .memcpy_dtoh(&out_a.slice(0..outs_bytes), host_outs)
                .map_err(|e| runtime(&gpu.name, e))?;
            let out_b = slot.out_b.get()?;
            stream
                .memcpy_dtoh(
                    &out_b.slice(0..4 * l.cigar_slots),
                    &mut host_cigars[..4 * l.cigar_slots],
                )
                .map_err(|e| runtime(&gpu.name, e))?;
            let (host, timing) = finish(gpu, slot, &stream, &mut clock)?;
            Ok(ExtendLaunchOut {
                outs: bytemuck::pod_collect_to_vec(&host[..outs_bytes]),
                cigars: bytemuck::pod_collect_to_vec(&host[outs_bytes..out_bytes]),
                timing,
            })
        })
    }

    fn pair_hmm(&self, l: &PairHmmLaunch) -> Result<PairHmmLaunchOut> {
        self.with_slot(|gpu, slot| {
            let n = l.jobs.len();
            let mut packed = Packed::default();
            let b = packed.put(&l.bases);
            let p = packed.put(bytemuck::cast_slice(&l.params));
            let h = packed.put(&l.haps);
            let j = packed.put(bytemuck::cast_slice(&l.jobs));
            let end = packed.bytes.len();
            let stream = slot.stream.clone();
            let mut clock = Clock { events: Vec::new() };
            clock.mark(&stream, &gpu.name)?;
            upload(gpu, slot, &packed)?;
            clock.mark(&stream, &gpu.name)?;
            let sums_bytes = 4 * n;
            slot.scratch_a
                .at_least(&stream, 4 * l.boundary_len(), &gpu.bytes)?;
            slot.out_a.at_least(&stream, sums_bytes, &gpu.bytes)?;
            let Slot {
                input,
                scratch_a,
                out_a,
                ..
            } = &mut *slot;
            let input = input.get()?;
            let views = (
                input.slice(b..p.max(b)),
                input.slice(p..h.max(p)),
                input.slice(h..j.max(h)),
                input.slice(j..end),
            );
            let (n32, hn) = (n as u32, l.max_hap);
            let mut launch = stream.launch_builder(&gpu.functions.pair_hmm);
            launch
                .arg(&views.0)
                .arg(&views.1)
                .arg(&views.2)
                .arg(&views.3)
                .arg(&n32)
                .arg(&hn)
                .arg(scratch_a.get()?)
                .arg(out_a.get()?);
            // SAFETY: the arguments match `pair_hmm_forward`'s parameters in order and type; the
            // inputs are at the offsets `pack` wrote, the rows have the launch's boundary_len and
            // the sums room for n jobs.
            unsafe { launch.launch(config(n)) }.map_err(|e| runtime(&gpu.name, e))?;
            clock.mark(&stream, &gpu.name)?;
            let pinned = slot.host_out.at_least(&gpu.ctx, sums_bytes, false)?;
            let host = pinned.as_mut_slice().map_err(|e| runtime(&gpu.name, e))?;
            let out_a = slot.out_a.get()?;
            stream
                .memcpy_dtoh(&out_a.slice(0..sums_bytes), &mut host[..sums_bytes])
                .map_err(|e| runtime(&gpu.name, e))?;
            let (host, timing) = finish(gpu, slot, &stream, &mut clock)?;
            Ok(PairHmmLaunchOut {
                sums: bytemuck::pod_collect_to_vec(&host[..sums_bytes]),
                timing,
            })
        })
    }

    fn fma_canary(&self, abc: &[[f32; 3]]) -> Result<Vec<f32>> {
        self.with_slot(|gpu, slot| {
            let n = abc.len();
            let flat: Vec<f32> = abc.iter().flatten().copied().collect();
            let stream = slot.stream.clone();
            let input = stream
                .clone_htod(&flat)
                .map_err(|e| runtime(&gpu.name, e))?;
            let mut out = stream
                .alloc_zeros::<f32>(n.max(1))
                .map_err(|e| runtime(&gpu.name, e))?;
            let n32 = n as u32;
            let mut launch = stream.launch_builder(&gpu.functions.canary);
            launch.arg(&input).arg(&n32).arg(&mut out);
            // SAFETY: `fma_canary(const float* abc, u32 n, float* out)`: 3n floats in, n out.
            unsafe { launch.launch(config(n)) }.map_err(|e| runtime(&gpu.name, e))?;
            let mut result = stream.clone_dtoh(&out).map_err(|e| runtime(&gpu.name, e))?;
            result.truncate(n);
            Ok(result)
        })
    }

    fn device_bytes(&self) -> u64 {
        self.gpus
            .iter()
            .map(|g| g.bytes.load(Ordering::Relaxed))
            .sum()
    }
}
