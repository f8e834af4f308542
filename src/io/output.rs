//! Output files are written under a temporary name and renamed when complete, so that a
//! failed or interrupted run never leaves a truncated file behind (see [`super::cleanup`]).
//! A path that exists and is not a regular file (`/dev/null`, a named pipe) or that links to a
//! file descriptor (`/dev/stdout`) is written in place: renaming over it would replace a device
//! or a link with a file. Any other link is written through: the temporary file goes beside the
//! link's target and is renamed onto the target, and the link stays.

use std::path::{Path, PathBuf};

use super::cleanup;
use crate::core::{Error, Result};

/// Writes a small text file whole (under a temporary name until complete).
pub(crate) fn write_text(path: &Path, text: &str) -> Result<()> {
    let tmp = TempPath::new(path);
    std::fs::write(tmp.path(), text).map_err(|e| Error::io(path, e))?;
    tmp.commit()
}

/// A temporary path beside the final one, removed on drop unless committed.
pub(crate) struct TempPath {
    tmp: PathBuf,
    final_path: PathBuf,
    committed: bool,
}

impl TempPath {
    pub(crate) fn new(final_path: &Path) -> TempPath {
        let in_place = |p: &Path| TempPath {
            tmp: p.to_path_buf(),
            final_path: p.to_path_buf(),
            committed: true,
        };
        if is_special(final_path) {
            return in_place(final_path);
        }
        let Some(target) = link_target(final_path) else {
            return in_place(final_path);
        };
        let mut name = target.as_os_str().to_owned();
        name.push(format!(".tmp.{}", std::process::id()));
        if let (Some(dir), Some(file)) = (target.parent(), target.file_name()) {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            cleanup::sweep(dir, &format!("{}.tmp.", file.to_string_lossy()));
        }
        let tmp = PathBuf::from(name);
        cleanup::register(&tmp);
        TempPath {
            tmp,
            final_path: target,
            committed: false,
        }
    }

    /// Where to write.
    pub(crate) fn path(&self) -> &Path {
        &self.tmp
    }

    /// Whether the output is a device, pipe or descriptor written in place: it cannot be
    /// indexed or read back.
    pub(crate) fn in_place(&self) -> bool {
        self.tmp == self.final_path
    }

    /// Renames the temporary file to its final name.
    pub(crate) fn commit(mut self) -> Result<()> {
        if self.in_place() {
            return Ok(());
        }
        std::fs::rename(&self.tmp, &self.final_path).map_err(|e| Error::io(&self.final_path, e))?;
        self.committed = true;
        cleanup::forget(&self.tmp);
        Ok(())
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
            cleanup::forget(&self.tmp);
        }
    }
}

/// Where temporary files of the output `path` go: beside it, or in the system's temporary
/// folder when it is standard output, a device or a pipe (`-o /dev/null` for timing).
pub(crate) fn scratch_dir(path: &Path) -> PathBuf {
    if path == Path::new("-") || is_special(path) {
        return std::env::temp_dir();
    }
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// Whether `path` exists and is something other than a regular file (a device or a pipe).
pub(crate) fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.file_type().is_file() && !m.is_dir())
}

/// Where writing to `path` lands: links followed to their final target (relative targets
/// taken from the link's folder). None when a link leads into /proc or /dev, as `/dev/stdout`
/// does: a file descriptor, written in place.
fn link_target(path: &Path) -> Option<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let t = std::fs::read_link(&p).ok()?;
                p = match p.parent() {
                    Some(dir) if t.is_relative() => dir.join(t),
                    _ => t,
                };
                if p.starts_with("/proc") || p.starts_with("/dev") {
                    return None;
                }
            }
            _ => return Some(p),
        }
    }
    Some(p)
}

/// Identity of an existing file: device and inode.
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Checks, before any work, that every output can be written and overwrites no input: each
/// output `(flag, path)` must not be the same file as an input (same device and inode, so
/// links and other spellings count), and its folder must exist and take new files.
pub(crate) fn check_outputs(outputs: &[(&str, &Path)], inputs: &[&Path]) -> Result<()> {
    for &(flag, out) in outputs {
        if is_special(out) || link_target(out).is_none() {
            continue;
        }
        if let Some(id) = identity(out)
            && let Some(input) = inputs.iter().find(|i| identity(i) == Some(id))
        {
            return Err(Error::Usage(format!(
                "{flag} {}: that is an input ({}); writing it would destroy the input, choose another name",
                out.display(),
                input.display()
            )));
        }
        let target = link_target(out).unwrap_or_else(|| out.to_path_buf());
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{flag} {}: the folder {} does not exist",
                out.display(),
                dir.display()
            )));
        }
        probe(dir).map_err(|e| {
            Error::Usage(format!(
                "{flag} {}: cannot write in {} ({e})",
                out.display(),
                dir.display()
            ))
        })?;
    }
    Ok(())
}

/// Creates and removes a file in `dir`. The file is registered for cleanup before it exists
/// and named with this process's id, so that neither a signal meanwhile nor a kill leaves it
/// (the next probe in that folder sweeps those of dead processes).
fn probe(dir: &Path) -> std::io::Result<()> {
    const PREFIX: &str = ".zenome-probe.";
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    cleanup::sweep(dir, PREFIX);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("{PREFIX}{}.{n}", std::process::id()));
    cleanup::register(&path);
    let made = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let _ = std::fs::remove_file(&path);
    cleanup::forget(&path);
    made.map(|_| ())
}

/// `path` with `suffix` appended to its name (`x.bam` -> `x.bam.bai`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// Whether the file name ends in `ext` (a dot included, any case: `.VCF.GZ` is `.vcf.gz`).
pub(crate) fn has_extension(path: &Path, ext: &str) -> bool {
    path.to_str()
        .is_some_and(|s| s.len() >= ext.len() && s[s.len() - ext.len()..].eq_ignore_ascii_case(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_written_in_place_and_files_through_a_temporary() {
        let null = TempPath::new(Path::new("/dev/null"));
        assert_eq!(null.path(), Path::new("/dev/null"));
        std::fs::write(null.path(), b"discarded").expect("write /dev/null");
        null.commit().expect("commit /dev/null");
        let meta = std::fs::metadata("/dev/null").expect("stat /dev/null");
        assert!(!meta.file_type().is_file(), "/dev/null must stay a device");

        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("out.txt");
        let tmp = TempPath::new(&target);
        assert_ne!(tmp.path(), target.as_path());
        std::fs::write(tmp.path(), b"kept").expect("write temp");
        tmp.commit().expect("commit");
        assert_eq!(std::fs::read(&target).expect("read"), b"kept");
        let dropped = TempPath::new(&dir.path().join("never.txt"));
        std::fs::write(dropped.path(), b"partial").expect("write temp");
        let leftover = dropped.path().to_path_buf();
        drop(dropped);
        assert!(!leftover.exists() && !dir.path().join("never.txt").exists());
    }

    #[test]
    fn links_are_written_through_and_stay_links() {
        let dir = tempfile::tempdir().expect("temp dir");
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        std::fs::write(&real, b"old").expect("write");
        std::os::unix::fs::symlink("real.txt", &link).expect("symlink");
        let tmp = TempPath::new(&link);
        std::fs::write(tmp.path(), b"new").expect("write temp");
        tmp.commit().expect("commit");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("stat")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).expect("read"), b"new");
        assert!(link_target(Path::new("/dev/stdout")).is_none());
    }

    #[test]
    fn an_output_that_is_an_input_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("in.fq");
        std::fs::write(&input, b"@r\nA\n+\nI\n").expect("write");
        let alias = dir.path().join("alias.fq");
        std::os::unix::fs::symlink(&input, &alias).expect("symlink");
        let e = check_outputs(&[("-o", &alias)], &[&input])
            .unwrap_err()
            .to_string();
        assert!(e.contains("that is an input"), "{e}");
        let e = check_outputs(&[("-o", &dir.path().join("no/x.bam"))], &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not exist"), "{e}");
        check_outputs(&[("-o", &dir.path().join("x.bam"))], &[&input]).expect("fine");
        assert!(has_extension(Path::new("A.VCF.GZ"), ".vcf.gz"));
    }
}
