//! Output files are written under a temporary name and renamed when complete, so that a
//! failed run never leaves a truncated file behind.

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

    /// Renames the temporary file to its final name.
    pub fn commit(mut self) -> Result<()> {
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
