//! BAM output through noodles' multithreaded BGZF writer, under a temporary name until
//! complete; the BAI is built by noodles from the finished file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::num::NonZero;
use std::path::{Path, PathBuf};

use noodles_bgzf::io::MultithreadedWriter;

use super::dict::RefSeq;
use super::output::{TempPath, with_suffix};
use crate::core::{Error, Result};

/// A BAM file being written.
pub struct BamWriter {
    inner: MultithreadedWriter<BufWriter<File>>,
    tmp: TempPath,
    path: PathBuf,
}

impl BamWriter {
    /// Creates the file and writes the header (SAM specification section 4.2).
    pub fn create(path: &Path, header: &str, dict: &[RefSeq], threads: usize) -> Result<Self> {
        let tmp = TempPath::new(path);
        let file = File::create(tmp.path()).map_err(|e| Error::io(path, e))?;
        let workers = NonZero::new(threads.max(1)).unwrap_or(NonZero::<usize>::MIN);
        let inner = MultithreadedWriter::with_worker_count(workers, BufWriter::new(file));
        let mut w = BamWriter {
            inner,
            tmp,
            path: path.to_path_buf(),
        };
        let mut bytes = b"BAM\x01".to_vec();
        bytes.extend_from_slice(&(header.len() as u32).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(&(dict.len() as u32).to_le_bytes());
        for c in dict {
            bytes.extend_from_slice(&(c.name.len() as u32 + 1).to_le_bytes());
            bytes.extend_from_slice(c.name.as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(&(c.len as u32).to_le_bytes());
        }
        w.write(&bytes)?;
        Ok(w)
    }

    /// Writes encoded records.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.inner
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Finishes the file, renames it into place and, when `index` is set, writes `PATH.bai`.
    pub fn finish(mut self, index: bool) -> Result<()> {
        let mut file = self.inner.finish().map_err(|e| Error::io(&self.path, e))?;
        file.flush().map_err(|e| Error::io(&self.path, e))?;
        drop(file);
        if !index || self.tmp.in_place() {
            return self.tmp.commit();
        }
        let bai_path = with_suffix(&self.path, ".bai");
        let bai_tmp = TempPath::new(&bai_path);
        let idx = noodles_bam::fs::index(self.tmp.path())
            .map_err(|e| Error::Internal(format!("indexing {}: {e}", self.path.display())))?;
        let written = match &idx {
            noodles_bam::index::Index::Bai(bai) => noodles_bam::bai::fs::write(bai_tmp.path(), bai),
            noodles_bam::index::Index::Csi(csi) => noodles_csi::fs::write(bai_tmp.path(), csi),
        };
        written.map_err(|e| Error::io(&bai_path, e))?;
        // The BAM first, then its index: an index is never older than its BAM.
        self.tmp.commit()?;
        bai_tmp.commit()
    }
}
