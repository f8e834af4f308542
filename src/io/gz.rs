//! A gzip stream written under a temporary name until complete (simulated FASTQ).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

use super::output::TempPath;
use crate::core::{Error, Result};

/// A gzip file being written.
pub(crate) struct GzWriter {
    enc: GzEncoder<BufWriter<File>>,
    tmp: TempPath,
    path: PathBuf,
}

impl GzWriter {
    pub(crate) fn create(path: &Path) -> Result<GzWriter> {
        let tmp = TempPath::new(path);
        let f = File::create(tmp.path()).map_err(|e| Error::io(path, e))?;
        Ok(GzWriter {
            enc: GzEncoder::new(BufWriter::new(f), Compression::fast()),
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// Writes bytes (compressed).
    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.enc
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    pub(crate) fn finish(self) -> Result<()> {
        let mut w = self.enc.finish().map_err(|e| Error::io(&self.path, e))?;
        w.flush().map_err(|e| Error::io(&self.path, e))?;
        drop(w);
        self.tmp.commit()
    }
}
