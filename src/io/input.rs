//! Opening input files that may be plain, gzip or bgzip compressed.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use crate::core::{Error, Result};

const BUF_SIZE: usize = 1 << 20;

/// Opens `path` for buffered reading, decompressing gzip and bgzip (multi-member gzip)
/// transparently. `-` is standard input.
pub(crate) fn open(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| Error::io(path, e))?)
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
