//! `--device cuda`: the kernels on NVIDIA GPUs through cudarc, loaded dynamically so that the
//! binary builds and runs where there is no CUDA at all. Before cudarc is called, the driver and
//! NVRTC libraries are found and checked ([`probe`]): a machine without them, without a GPU or
//! with too old a driver gets a one-line error, never a panic.

pub(crate) mod cache;
pub(crate) mod launcher;
pub(crate) mod nvrtc;
pub(crate) mod probe;

use super::kernel::KernelBackend;
use crate::core::{Error, Result};
use launcher::CudaLauncher;

/// The GPU ordinals a `--device` value names: `cuda` (every GPU) or `cuda:0,2`.
fn ordinals(spec: &str, count: usize) -> Result<Vec<usize>> {
    let Some(list) = spec.strip_prefix("cuda:") else {
        return Ok((0..count).collect());
    };
    let mut out = Vec::new();
    for part in list.split(',') {
        let o: usize = part.trim().parse().map_err(|_| {
            Error::Usage(format!("--device {spec}: expected cuda or cuda:N[,N...]"))
        })?;
        if o >= count {
            return Err(Error::Usage(format!(
                "--device {spec}: there is no GPU {o} ({count} visible)"
            )));
        }
        if !out.contains(&o) {
            out.push(o);
        }
    }
    Ok(out)
}

/// The CUDA backend on the GPUs `spec` names; an error saying why when there is none usable.
pub(crate) fn open(spec: &str) -> Result<KernelBackend<CudaLauncher>> {
    let usage = |why: String| Error::Usage(format!("--device {spec}: {why}"));
    probe::driver().map_err(|e| usage(format!("no usable CUDA driver: {e}")))?;
    cudarc::driver::result::init()
        .map_err(|e| usage(format!("the CUDA driver did not start: {e}")))?;
    let count = cudarc::driver::CudaContext::device_count()
        .map_err(|e| usage(format!("cannot count GPUs: {e}")))? as usize;
    if count == 0 {
        return Err(usage("no GPU is visible".into()));
    }
    let launcher = CudaLauncher::open(&ordinals(spec, count)?)?;
    Ok(KernelBackend::new(launcher))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_lists_are_checked() {
        assert_eq!(ordinals("cuda", 3).unwrap(), vec![0, 1, 2]);
        assert_eq!(ordinals("cuda:2,0,2", 3).unwrap(), vec![2, 0]);
        assert!(
            ordinals("cuda:3", 3)
                .unwrap_err()
                .to_string()
                .contains("no GPU 3")
        );
        assert!(
            ordinals("cuda:x", 3)
                .unwrap_err()
                .to_string()
                .contains("expected")
        );
    }
}
