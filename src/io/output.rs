//! Output files are written under a temporary name and renamed when complete, so that a
//! failed run never leaves a truncated file behind. A path that already exists and is not a
//! regular file (`/dev/null`, `/dev/stdout`, a named pipe) is written in place: renaming over it
//! would replace a device with a file, and removing it on failure would delete the device.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A temporary path beside `final_path`, removed on drop unless committed.
pub struct TempPath {
    tmp: PathBuf,
    final_path: PathBuf,
    committed: bool,
}

impl TempPath {
    pub fn new(final_path: &Path) -> TempPath {
        if is_special(final_path) {
            return TempPath {
                tmp: final_path.to_path_buf(),
                final_path: final_path.to_path_buf(),
                committed: true,
            };
        }
        let mut name = final_path.as_os_str().to_owned();
        name.push(format!(".tmp.{}", std::process::id()));
        TempPath {
            tmp: name.into(),
            final_path: final_path.to_path_buf(),
            committed: false,
        }
    }

    /// Where to write.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Whether the output is a device or pipe written in place: it cannot be indexed or read back.
    pub fn in_place(&self) -> bool {
        self.tmp == self.final_path
    }

    /// Renames the temporary file to its final name.
    pub fn commit(mut self) -> Result<()> {
        if self.in_place() {
            return Ok(());
        }
        std::fs::rename(&self.tmp, &self.final_path).map_err(|e| Error::io(&self.final_path, e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Whether `path` exists and is something other than a regular file (a device or a pipe).
pub fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.file_type().is_file() && !m.is_dir())
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

        let dir = std::env::temp_dir().join(format!("zenome-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let target = dir.join("out.txt");
        let tmp = TempPath::new(&target);
        assert_ne!(tmp.path(), target.as_path());
        std::fs::write(tmp.path(), b"kept").expect("write temp");
        tmp.commit().expect("commit");
        assert_eq!(std::fs::read(&target).expect("read"), b"kept");
        let dropped = TempPath::new(&dir.join("never.txt"));
        std::fs::write(dropped.path(), b"partial").expect("write temp");
        let leftover = dropped.path().to_path_buf();
        drop(dropped);
        assert!(!leftover.exists() && !dir.join("never.txt").exists());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
