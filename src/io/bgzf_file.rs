//! A BGZF file (bgzip: valid gzip, blocks compressed on worker threads) written under a
//! temporary name until complete: BAM, and the FASTQ chunks and alignment chunks of a
//! scattered run.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::num::NonZero;
use std::path::{Path, PathBuf};

use noodles_bgzf::io::MultithreadedWriter;
use noodles_bgzf::io::multithreaded_writer::Builder;
use noodles_bgzf::io::writer::CompressionLevel;

use super::bgzf_frames::{Frame, FrameCounter};
use super::output::TempPath;
use crate::core::{Error, Result};

/// A BGZF file being written.
pub(crate) struct BgzfFile {
    inner: MultithreadedWriter<FrameCounter<BufWriter<File>>>,
    tmp: TempPath,
    path: PathBuf,
}

impl BgzfFile {
    /// Creates the file at the default level (6), compressing on `threads` workers.
    pub(crate) fn create(path: &Path, threads: usize) -> Result<Self> {
        Self::with_level(path, threads, CompressionLevel::default(), None)
    }

    /// As [`BgzfFile::create`], reporting each block's sizes to `frames` as it is written
    /// (for an index built alongside).
    pub(crate) fn create_reporting(
        path: &Path,
        threads: usize,
        frames: crossbeam_channel::Sender<Frame>,
    ) -> Result<Self> {
        Self::with_level(path, threads, CompressionLevel::default(), Some(frames))
    }

    /// As [`BgzfFile::create`], at the fastest level (intermediate files).
    pub(crate) fn create_fast(path: &Path, threads: usize) -> Result<Self> {
        Self::with_level(path, threads, CompressionLevel::FAST, None)
    }

    fn with_level(
        path: &Path,
        threads: usize,
        level: CompressionLevel,
        frames: Option<crossbeam_channel::Sender<Frame>>,
    ) -> Result<Self> {
        let tmp = TempPath::new(path);
        let file = File::create(tmp.path()).map_err(|e| Error::io(path, e))?;
        let workers = NonZero::new(threads.max(1)).unwrap_or(NonZero::<usize>::MIN);
        let inner = Builder::default()
            .set_worker_count(workers)
            .set_compression_level(level)
            .build_from_writer(FrameCounter::new(BufWriter::new(file), frames));
        Ok(BgzfFile {
            inner,
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// The final path (for messages).
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Writes bytes (compressed).
    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.inner
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Writes the last block and the end-of-file marker; returns the temporary name, still to
    /// be committed (an index may be built from it first).
    pub(crate) fn close(mut self) -> Result<TempPath> {
        let mut file = self
            .inner
            .finish()
            .map_err(|e| Error::io(&self.path, e))?
            .into_inner();
        file.flush().map_err(|e| Error::io(&self.path, e))?;
        drop(file);
        Ok(self.tmp)
    }

    /// Completes the file and renames it into place.
    pub(crate) fn finish(self) -> Result<()> {
        self.close()?.commit()
    }
}
