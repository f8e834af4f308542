//! The kernel cache: CUBINs on disk, named by kernel family, a hash of the program text, a hash
//! of the compiler options, the architecture and NVRTC's version, under `ZENOME_KERNEL_CACHE`
//! or the user's cache folder (`$XDG_CACHE_HOME/zenome/kernels`, `~/.cache/zenome/kernels`).
//! `zenome kernels --arch sm_90 -o DIR` fills a folder on a machine with NVRTC, so that a GPU
//! machine without it runs from the folder (any NVRTC version's build of the same source and
//! options is then taken).

use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_64;

use super::super::kernel::sources::KernelSource;
use super::nvrtc;
use crate::core::{Error, Result};

/// The cache folder in use.
pub(crate) fn dir() -> PathBuf {
    if let Some(d) = std::env::var_os("ZENOME_KERNEL_CACHE") {
        return PathBuf::from(d);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("zenome").join("kernels")
}

/// The file name without the NVRTC part: family, source hash, options hash, architecture.
fn stem(src: &KernelSource, arch: &str) -> String {
    let options = nvrtc::OPTIONS.join(" ");
    format!(
        "{}-{:016x}-{:08x}-{arch}",
        src.family,
        xxh3_64(src.program().as_bytes()),
        xxh3_64(options.as_bytes()) as u32
    )
}

fn file_name(src: &KernelSource, arch: &str, nvrtc: (i32, i32)) -> String {
    format!("{}-nvrtc{}.{}.cubin", stem(src, arch), nvrtc.0, nvrtc.1)
}

/// The CUBIN of `src` for `arch`: from the cache, or compiled (and stored) when NVRTC is here.
pub(crate) fn cubin(src: &KernelSource, arch: &str) -> Result<Vec<u8>> {
    let folder = dir();
    match nvrtc::version() {
        Ok(v) => {
            let path = folder.join(file_name(src, arch, v));
            if let Ok(bytes) = std::fs::read(&path) {
                return Ok(bytes);
            }
            let compiled = nvrtc::compile(src, arch)?;
            store(&path, &compiled.cubin)?;
            Ok(compiled.cubin)
        }
        Err(why) => prebuilt(&folder, src, arch).ok_or_else(|| {
            Error::Usage(format!(
                "no prebuilt {} kernel for {arch} in {} and no NVRTC to compile one ({why}); run `zenome kernels --arch {arch} -o DIR` where NVRTC is and set ZENOME_KERNEL_CACHE=DIR",
                src.family,
                folder.display()
            ))
        }),
    }
}

/// A cached build of this source and these options for `arch` by any NVRTC version.
fn prebuilt(folder: &Path, src: &KernelSource, arch: &str) -> Option<Vec<u8>> {
    let prefix = format!("{}-nvrtc", stem(src, arch));
    let mut names: Vec<PathBuf> = std::fs::read_dir(folder)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".cubin"))
        })
        .collect();
    names.sort();
    names.last().and_then(|p| std::fs::read(p).ok())
}

/// Writes a cache file whole or not at all (another process may be reading the folder).
fn store(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp.{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// Compiles every kernel for `arch` into `folder` (what `zenome kernels` does); returns each
/// file written with its compilation.
pub(crate) fn prebuild(folder: &Path, arch: &str) -> Result<Vec<(PathBuf, nvrtc::Compiled)>> {
    let v = nvrtc::version()?;
    let mut written = Vec::new();
    for src in &super::super::kernel::sources::SOURCES {
        let compiled = nvrtc::compile(src, arch)?;
        let path = folder.join(file_name(src, arch, v));
        store(&path, &compiled.cubin)?;
        written.push((path, compiled));
    }
    Ok(written)
}
