//! BAM output through noodles' multithreaded BGZF writer, under a temporary name until
//! complete. A sorted BAM's index is built as its records are written ([`LiveIndex`]); one
//! written without it is indexed by noodles from the finished file.

use std::path::Path;

use super::bam_index::LiveIndex;
use super::bgzf_file::BgzfFile;
use super::dict::RefSeq;
use super::output::{TempPath, with_suffix};
use crate::core::{Error, Result};

/// A BAM file being written.
pub struct BamWriter {
    inner: BgzfFile,
    index: Option<LiveIndex>,
}

impl BamWriter {
    /// Creates the file and writes the header (SAM specification section 4.2).
    pub fn create(path: &Path, header: &str, dict: &[RefSeq], threads: usize) -> Result<Self> {
        Self::open(path, header, dict, threads, false)
    }

    /// As [`BamWriter::create`], for a coordinate-sorted BAM whose records are written one by
    /// one with [`BamWriter::write_record`]: its index is built alongside.
    pub(crate) fn create_indexed(
        path: &Path,
        header: &str,
        dict: &[RefSeq],
        threads: usize,
    ) -> Result<Self> {
        Self::open(path, header, dict, threads, true)
    }

    fn open(
        path: &Path,
        header: &str,
        dict: &[RefSeq],
        threads: usize,
        indexed: bool,
    ) -> Result<Self> {
        let (inner, frames) = if indexed {
            let (tx, rx) = crossbeam_channel::unbounded();
            (BgzfFile::create_reporting(path, threads, tx)?, Some(rx))
        } else {
            (BgzfFile::create(path, threads)?, None)
        };
        let mut w = BamWriter { inner, index: None };
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
        w.inner.write(&bytes)?;
        if let Some(rx) = frames {
            let lengths: Vec<u64> = dict.iter().map(|c| c.len).collect();
            w.index = Some(LiveIndex::new(&lengths, bytes.len() as u64, rx)?);
        }
        Ok(w)
    }

    /// Writes encoded records (a BAM not indexed as it is written).
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        if self.index.is_some() {
            return Err(Error::Internal(
                "records of an indexed BAM are written one by one".into(),
            ));
        }
        self.inner.write(bytes)
    }

    /// Writes one encoded record (with its length prefix), indexing it when the BAM is.
    pub(crate) fn write_record(&mut self, record: &[u8]) -> Result<()> {
        if let Some(index) = &mut self.index {
            index.record(record)?;
        }
        self.inner.write(record)
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
        let idx = match self.index {
            Some(live) => live.finish()?,
            None => noodles_bam::fs::index(tmp.path())
                .map_err(|e| Error::Internal(format!("indexing {}: {e}", path.display())))?,
        };
        write_index(bai_tmp.path(), &idx).map_err(|e| Error::io(&bai_path, e))?;
        // The BAM first, then its index: an index is never older than its BAM.
        tmp.commit()?;
        bai_tmp.commit()
    }
}

/// Writes a BAM index (BAI, or CSI for contigs too long for BAI) to `path`.
pub(crate) fn write_index(path: &Path, index: &noodles_bam::index::Index) -> std::io::Result<()> {
    match index {
        noodles_bam::index::Index::Bai(bai) => noodles_bam::bai::fs::write(path, bai),
        noodles_bam::index::Index::Csi(csi) => noodles_csi::fs::write(path, csi),
    }
}
