//! Opening input files that may be plain, gzip or bgzip compressed.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

use crate::core::{Error, Result};

const BUF_SIZE: usize = 1 << 20;

/// Opens `path` for buffered reading, decompressing gzip and bgzip (multi-member gzip)
/// transparently. `-` is standard input.
pub(crate) fn open(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    open_counted(path, None)
}

/// Counts the bytes read through it (of the file as stored, before decompression).
struct Counted<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// As [`open`], adding the bytes read from the file to `bytes` when given (for progress).
pub(crate) fn open_counted(
    path: &Path,
    bytes: Option<Arc<AtomicU64>>,
) -> Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| Error::io(path, e))?)
    };
    let raw: Box<dyn Read + Send> = match bytes {
        Some(bytes) => Box::new(Counted { inner: raw, bytes }),
        None => raw,
    };
    let mut buffered = BufReader::with_capacity(BUF_SIZE, raw);
    let head = buffered.fill_buf().map_err(|e| Error::io(path, e))?;
    if head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b {
        let decoder = MultiGzDecoder::new(buffered);
        Ok(Box::new(BufReader::with_capacity(BUF_SIZE, decoder)))
    } else {
        Ok(Box::new(buffered))
    }
}

/// Describes a read error at a line, turning decompression failures into a clear message.
pub(crate) fn read_error(path: &Path, line: u64, err: std::io::Error) -> Error {
    let what = match err.kind() {
        std::io::ErrorKind::UnexpectedEof => "truncated compressed data".to_string(),
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
            format!("corrupt or unreadable data ({err})")
        }
        _ => err.to_string(),
    };
    Error::input(path, format!("line {line}: {what}"))
}
