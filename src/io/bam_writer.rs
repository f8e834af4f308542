//! BAM output through noodles' multithreaded BGZF writer, under a temporary name until
//! complete; the BAI is built by noodles from the finished file.

use std::path::Path;

use super::bgzf_file::BgzfFile;
use super::dict::RefSeq;
use super::output::{TempPath, with_suffix};
use crate::core::{Error, Result};

/// A BAM file being written.
pub struct BamWriter {
    inner: BgzfFile,
}

impl BamWriter {
    /// Creates the file and writes the header (SAM specification section 4.2).
    pub fn create(path: &Path, header: &str, dict: &[RefSeq], threads: usize) -> Result<Self> {
        let mut w = BamWriter {
            inner: BgzfFile::create(path, threads)?,
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
        self.inner.write(bytes)
    }

    /// Finishes the file, renames it into place and, when `index` is set, writes `PATH.bai`.
    pub fn finish(self, index: bool) -> Result<()> {
        let path = self.inner.path().to_path_buf();
        let tmp: TempPath = self.inner.close()?;
        if !index || tmp.in_place() {
            return tmp.commit();
        }
        let bai_path = with_suffix(&path, ".bai");
        let bai_tmp = TempPath::new(&bai_path);
        let idx = noodles_bam::fs::index(tmp.path())
            .map_err(|e| Error::Internal(format!("indexing {}: {e}", path.display())))?;
        let written = match &idx {
            noodles_bam::index::Index::Bai(bai) => noodles_bam::bai::fs::write(bai_tmp.path(), bai),
            noodles_bam::index::Index::Csi(csi) => noodles_csi::fs::write(bai_tmp.path(), csi),
        };
        written.map_err(|e| Error::io(&bai_path, e))?;
        // The BAM first, then its index: an index is never older than its BAM.
        tmp.commit()?;
        bai_tmp.commit()
    }
}
