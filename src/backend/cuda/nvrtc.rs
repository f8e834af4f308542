//! Compiling the kernels with NVRTC: straight to CUBIN for the device's architecture (a newer
//! NVRTC's PTX can be refused by an older driver; CUBIN is what the device runs), with the
//! options that keep the float arithmetic exact: no FMA contraction, no flush-to-zero, IEEE
//! division and square root. `ptxas -v` reports spills in the log, and the PTX shows whether any
//! `fma` instruction was emitted.

use std::ffi::{CStr, CString, c_char, c_int};

use cudarc::nvrtc::{result, sys};

use super::super::kernel::sources::KernelSource;
use super::probe;
use crate::core::{Error, Result};

/// The compiler options every kernel is built with (the architecture is added per device).
pub(crate) const OPTIONS: [&str; 4] = [
    "--fmad=false",
    "--ftz=false",
    "--prec-div=true",
    "--prec-sqrt=true",
];

/// A compiled kernel file.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub cubin: Vec<u8>,
    pub ptx: String,
    /// NVRTC's log, with ptxas' register and spill report.
    pub log: String,
}

impl Compiled {
    /// Whether ptxas reported spill stores or loads.
    pub(crate) fn spills(&self) -> bool {
        self.log.lines().any(|l| {
            l.contains("spill stores")
                && !(l.contains(" 0 bytes spill stores") && l.contains(" 0 bytes spill loads"))
        })
    }

    /// Whether the PTX holds a fused multiply-add.
    pub(crate) fn has_fma(&self) -> bool {
        self.ptx.contains("fma.")
    }
}

fn nvrtc_error(what: &str, e: impl std::fmt::Debug) -> Error {
    Error::Internal(format!("NVRTC {what}: {e:?}"))
}

/// NVRTC's version, after checking the library (an error, not a panic, when it is missing).
pub(crate) fn version() -> Result<(i32, i32)> {
    probe::nvrtc().map_err(Error::Usage)?;
    let (mut major, mut minor): (c_int, c_int) = (0, 0);
    // SAFETY: the library and symbol were checked above; both pointers are to live c_ints.
    unsafe { sys::nvrtcVersion(&mut major, &mut minor) }
        .result()
        .map_err(|e| nvrtc_error("version", e))?;
    Ok((major, minor))
}

/// A program being compiled, destroyed on drop.
struct Program(sys::nvrtcProgram);

impl Drop for Program {
    fn drop(&mut self) {
        // SAFETY: the program was created by nvrtcCreateProgram and is destroyed once, here.
        let _ = unsafe { result::destroy_program(self.0) };
    }
}

fn c_text(v: Vec<c_char>) -> String {
    let bytes: Vec<u8> = v.into_iter().map(|c| c as u8).collect();
    CStr::from_bytes_until_nul(&bytes)
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|_| String::from_utf8_lossy(&bytes).into_owned())
}

/// Compiles `src` for `arch` (`sm_90`).
pub(crate) fn compile(src: &KernelSource, arch: &str) -> Result<Compiled> {
    version()?;
    let text = CString::new(src.program()).map_err(|e| nvrtc_error("source", e))?;
    let name = CString::new(format!("{}.cu", src.family)).map_err(|e| nvrtc_error("name", e))?;
    let prog =
        Program(result::create_program(&text, Some(&name)).map_err(|e| nvrtc_error("create", e))?);
    let mut options: Vec<String> = OPTIONS.iter().map(|o| o.to_string()).collect();
    options.push(format!("--gpu-architecture={arch}"));
    options.push("--ptxas-options=-v".into());
    // SAFETY: the program is live; the options are plain ASCII without NUL bytes.
    let compiled = unsafe { result::compile_program(prog.0, &options) };
    // SAFETY: the program is live.
    let log = unsafe { result::get_program_log(prog.0) }
        .map(c_text)
        .unwrap_or_default();
    if let Err(e) = compiled {
        return Err(Error::Internal(format!(
            "NVRTC could not compile {}.cu for {arch} ({e:?}): {log}",
            src.family
        )));
    }
    // SAFETY: the program compiled.
    let ptx = unsafe { result::get_ptx(prog.0) }
        .map(c_text)
        .map_err(|e| nvrtc_error("PTX", e))?;
    let mut size = 0usize;
    // SAFETY: the program compiled; `size` is a live usize.
    unsafe { sys::nvrtcGetCUBINSize(prog.0, &mut size) }
        .result()
        .map_err(|e| nvrtc_error("CUBIN size", e))?;
    let mut cubin = vec![0u8; size];
    // SAFETY: `cubin` has the size NVRTC just reported.
    unsafe { sys::nvrtcGetCUBIN(prog.0, cubin.as_mut_ptr().cast()) }
        .result()
        .map_err(|e| nvrtc_error("CUBIN", e))?;
    Ok(Compiled { cubin, ptx, log })
}

#[cfg(test)]
mod tests {
    use super::super::super::kernel::sources::{FLOAT_FAMILIES, SOURCES};
    use super::*;

    /// Every kernel compiles for the oldest and newest architectures zenome supports, without
    /// register spills, and the float kernels hold no fused multiply-add. NVRTC needs no GPU;
    /// CI installs it (see `.ci/run`). Without it the test is skipped on a developer's machine
    /// and fails in CI (`CI` set).
    #[test]
    fn every_kernel_compiles_with_nvrtc() {
        if let Err(why) = probe::nvrtc() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set and NVRTC is missing ({why}): .ci/run installs it"
            );
            eprintln!("skipped: no NVRTC here ({why})");
            return;
        }
        for arch in ["sm_70", "sm_80", "sm_90"] {
            for src in &SOURCES {
                let c = compile(src, arch).unwrap_or_else(|e| panic!("{}: {e}", src.family));
                assert!(!c.cubin.is_empty(), "{} {arch}: empty CUBIN", src.family);
                assert!(
                    !c.spills(),
                    "{} {arch} spills registers:\n{}",
                    src.family,
                    c.log
                );
                for l in c.log.lines().filter(|l| l.contains("registers")) {
                    eprintln!("{} {arch}: {}", src.family, l.trim());
                }
                if FLOAT_FAMILIES.contains(&src.family) {
                    assert!(!c.has_fma(), "{} {arch}: fma in the PTX", src.family);
                }
                for e in src.entries {
                    assert!(
                        c.ptx.contains(&format!(".entry {e}(")),
                        "{e} missing for {arch}"
                    );
                }
            }
        }
    }
}
