//! Finding the CUDA libraries before cudarc touches them: cudarc panics when a library or one of
//! its symbols is missing, so zenome opens the library cudarc would open (the first of cudarc's
//! candidate names that loads) and checks every symbol it will call. A missing piece is then a
//! one-line error, never a panic.

/// Driver API entry points the CUDA launcher uses through cudarc.
pub(crate) const DRIVER_SYMBOLS: &[&str] = &[
    "cuInit",
    "cuDriverGetVersion",
    "cuDeviceGetCount",
    "cuDeviceGet",
    "cuDeviceGetAttribute",
    "cuDeviceGetName",
    "cuDeviceTotalMem_v2",
    "cuDevicePrimaryCtxRetain",
    "cuDevicePrimaryCtxRelease_v2",
    "cuCtxSetCurrent",
    "cuCtxGetCurrent",
    "cuCtxSynchronize",
    "cuStreamCreate",
    "cuStreamSynchronize",
    "cuStreamDestroy_v2",
    "cuStreamWaitEvent",
    "cuEventCreate",
    "cuEventRecord",
    "cuEventQuery",
    "cuEventSynchronize",
    "cuEventElapsedTime",
    "cuEventDestroy_v2",
    "cuMemAlloc_v2",
    "cuMemAllocAsync",
    "cuMemFree_v2",
    "cuMemFreeAsync",
    "cuMemHostAlloc",
    "cuMemFreeHost",
    "cuMemGetInfo_v2",
    "cuMemcpyHtoDAsync_v2",
    "cuMemcpyDtoHAsync_v2",
    "cuModuleLoadData",
    "cuModuleGetFunction",
    "cuModuleUnload",
    "cuLaunchKernel",
    "cuGetErrorString",
    "cuGetErrorName",
];

/// NVRTC entry points the kernel compiler uses.
pub(crate) const NVRTC_SYMBOLS: &[&str] = &[
    "nvrtcVersion",
    "nvrtcCreateProgram",
    "nvrtcCompileProgram",
    "nvrtcDestroyProgram",
    "nvrtcGetProgramLogSize",
    "nvrtcGetProgramLog",
    "nvrtcGetPTXSize",
    "nvrtcGetPTX",
    "nvrtcGetCUBINSize",
    "nvrtcGetCUBIN",
    "nvrtcGetErrorString",
];

/// The library cudarc would load for `names` (in cudarc's order of candidates), checked for
/// `symbols`; the error says what is missing.
pub(crate) fn find(names: &[&str], symbols: &[&str]) -> Result<String, String> {
    let candidates: Vec<String> = names
        .iter()
        .flat_map(|n| cudarc::get_lib_name_candidates(n))
        .collect();
    for c in &candidates {
        // SAFETY: loading a shared library runs its initialisers; these are the vendor's CUDA
        // libraries, the same file cudarc itself would load next.
        let Ok(lib) = (unsafe { libloading::Library::new(c) }) else {
            continue;
        };
        for s in symbols {
            // SAFETY: only the symbol's presence is checked; the pointer is never called.
            let found = unsafe { lib.get::<*const ()>(s.as_bytes()) };
            if found.is_err() {
                return Err(format!("{c} has no {s} (too old a version?)"));
            }
        }
        return Ok(c.clone());
    }
    Err(format!(
        "no lib{} could be loaded (looked for {}; is LD_LIBRARY_PATH set?)",
        names[0],
        candidates.first().map_or("", String::as_str)
    ))
}

/// The CUDA driver library, checked.
pub(crate) fn driver() -> Result<String, String> {
    find(&["cuda", "nvcuda"], DRIVER_SYMBOLS)
}

/// The NVRTC library, checked.
pub(crate) fn nvrtc() -> Result<String, String> {
    find(&["nvrtc"], NVRTC_SYMBOLS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_library_is_an_error_not_a_panic() {
        let e = find(&["zenome_no_such_library"], &["x"]).unwrap_err();
        assert!(
            e.contains("no libzenome_no_such_library could be loaded"),
            "{e}"
        );
    }
}
