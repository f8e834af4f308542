//! FASTQ (Illumina 1.8+, Phred+33): a reader whose errors name the file, line and read, and
//! a record writer.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::core::base;
use crate::core::{Error, Result};
use crate::io::gz::GzWriter;
use crate::io::input;

/// The longest read zenome aligns.
pub const MAX_READ_LEN: usize = 1000;
/// The longest read name SAM and BAM can hold (SAM specification 1.4: QNAME is 1-254 characters).
pub const MAX_NAME_LEN: usize = 254;

/// One sequencing read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Read {
    /// The name up to the first white space, without a trailing `/1` or `/2`.
    pub name: Vec<u8>,
    /// Base codes (0-4, see `core::base`).
    pub seq: Vec<u8>,
    /// Phred base qualities (not offset by 33).
    pub qual: Vec<u8>,
    /// The header's comment after the name (kept only when the reader is asked to: bwa's -C).
    pub comment: Vec<u8>,
    /// BAM-encoded tags carried into the read's records (an unaligned BAM's `BC`, `RX`, ...).
    pub tags: Vec<u8>,
}

/// Streams records from one FASTQ file.
pub struct FastqReader {
    inner: Box<dyn BufRead + Send>,
    path: PathBuf,
    line_no: u64,
    lines: [Vec<u8>; 4],
    keep_comments: bool,
}

impl FastqReader {
    /// Opens a plain, gzip or bgzip FASTQ file (`-` for standard input).
    pub fn open(path: &Path) -> Result<Self> {
        Ok(Self::new(input::open(path)?, path))
    }

    /// As [`FastqReader::open`], adding the file bytes read to `bytes` (for progress).
    pub(crate) fn open_counted(path: &Path, bytes: Arc<AtomicU64>) -> Result<Self> {
        Ok(Self::new(input::open_counted(path, Some(bytes))?, path))
    }

    /// Wraps an already opened reader; `path` is used in messages.
    pub fn new(inner: Box<dyn BufRead + Send>, path: &Path) -> Self {
        FastqReader {
            inner,
            path: path.to_path_buf(),
            line_no: 0,
            lines: Default::default(),
            keep_comments: false,
        }
    }

    /// Keeps each header's comment in [`Read::comment`].
    pub(crate) fn keep_comments(mut self, keep: bool) -> Self {
        self.keep_comments = keep;
        self
    }

    /// The file this reader reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, line: u64, msg: impl std::fmt::Display) -> Error {
        Error::input(&self.path, format!("line {line}: {msg}"))
    }

    fn read_line(&mut self, i: usize) -> Result<bool> {
        let buf = &mut self.lines[i];
        buf.clear();
        let n = self
            .inner
            .read_until(b'\n', buf)
            .map_err(|e| input::read_error(&self.path, self.line_no + 1, e))?;
        if n == 0 {
            return Ok(false);
        }
        self.line_no += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        Ok(true)
    }

    /// Reads the next record into `read`; returns false at the end of the file.
    pub fn next_into(&mut self, read: &mut Read) -> Result<bool> {
        if !self.read_line(0)? {
            return Ok(false);
        }
        if self.lines[0].is_empty() && !self.read_line(0)? {
            return Ok(false);
        }
        let start = self.line_no;
        if self.lines[0].first() != Some(&b'@') {
            return Err(self.err(start, "expected a FASTQ header starting with '@'"));
        }
        for i in 1..4 {
            if !self.read_line(i)? {
                let name = display_name(&self.lines[0][1..]);
                return Err(self.err(start, format!("read '{name}': record is truncated")));
            }
        }
        self.check_and_fill(start, read)?;
        Ok(true)
    }

    fn check_and_fill(&self, start: u64, read: &mut Read) -> Result<()> {
        let [header, seq, plus, qual] = &self.lines;
        let name = short_name(&header[1..]);
        let shown = display_name(name);
        if name.is_empty() {
            return Err(self.err(start, "the read has no name (a header of just '@')"));
        }
        if name.len() > MAX_NAME_LEN {
            let msg = format!(
                "read '{}...': the name has {} characters; SAM and BAM allow at most {MAX_NAME_LEN}",
                String::from_utf8_lossy(&name[..40]),
                name.len()
            );
            return Err(self.err(start, msg));
        }
        if plus.first() != Some(&b'+') {
            return Err(self.err(start + 2, format!("read '{shown}': missing '+' line")));
        }
        if seq.len() != qual.len() {
            let msg = format!(
                "read '{shown}': sequence has {} bases but quality has {} values",
                seq.len(),
                qual.len()
            );
            return Err(self.err(start, msg));
        }
        if seq.len() > MAX_READ_LEN {
            let msg = format!(
                "read '{shown}': {} bases is longer than the supported maximum of {MAX_READ_LEN}",
                seq.len()
            );
            return Err(self.err(start, msg));
        }
        if let Some(b) = seq.iter().find(|b| !b.is_ascii_alphabetic() && **b != b'.') {
            let msg = format!(
                "read '{shown}': invalid base '{}'",
                char::from(*b).escape_default()
            );
            return Err(self.err(start + 1, msg));
        }
        if let Some(q) = qual.iter().find(|&&q| !(b'!'..=b'~').contains(&q)) {
            let msg = format!(
                "read '{shown}': invalid quality character '{}'",
                char::from(*q).escape_default()
            );
            return Err(self.err(start + 3, msg));
        }
        read.name.clear();
        read.name.extend_from_slice(name);
        read.comment.clear();
        if self.keep_comments {
            let rest = header[1..]
                .iter()
                .position(|b| b.is_ascii_whitespace())
                .map_or(&[][..], |at| &header[1 + at..]);
            read.comment.extend_from_slice(rest.trim_ascii());
        }
        read.seq.clear();
        read.seq.extend(seq.iter().map(|&b| base::encode(b)));
        read.qual.clear();
        read.qual.extend(qual.iter().map(|&q| q - 33));
        Ok(())
    }
}

/// The read name up to the first white space, without a `/1` or `/2` suffix.
pub(crate) fn short_name(header: &[u8]) -> &[u8] {
    let end = header
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(header.len());
    let name = &header[..end];
    match name {
        [rest @ .., b'/', b'1' | b'2'] => rest,
        _ => name,
    }
}

/// Writes one record (base codes and Phred qualities) to a gzip stream.
pub(crate) fn write_record(out: &mut GzWriter, name: &str, seq: &[u8], qual: &[u8]) -> Result<()> {
    let mut rec = Vec::with_capacity(seq.len() * 2 + name.len() + 8);
    encode_record(name.as_bytes(), seq, qual, &mut rec);
    out.write(&rec)
}

/// Appends one record as FASTQ text (base codes and Phred qualities in, Phred+33 out).
pub(crate) fn encode_record(name: &[u8], seq: &[u8], qual: &[u8], out: &mut Vec<u8>) {
    out.push(b'@');
    out.extend_from_slice(name);
    out.push(b'\n');
    out.extend(seq.iter().map(|&c| base::decode(c)));
    out.extend_from_slice(b"\n+\n");
    out.extend(qual.iter().map(|&q| q + 33));
    out.push(b'\n');
}

fn display_name(name: &[u8]) -> String {
    String::from_utf8_lossy(short_name(name)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(s: &str) -> FastqReader {
        FastqReader::new(
            Box::new(std::io::Cursor::new(s.as_bytes().to_vec())),
            Path::new("r.fq"),
        )
    }

    #[test]
    fn reads_records_and_strips_mate_suffix() {
        let mut r = reader("@a/1 x\nACGN\n+\nII#I\n@b\nT\n+\n5\n");
        let mut read = Read::default();
        assert!(r.next_into(&mut read).unwrap());
        assert_eq!(read.name, b"a");
        assert_eq!(read.seq, vec![0, 1, 2, 4]);
        assert_eq!(read.qual, vec![40, 40, 2, 40]);
        assert!(r.next_into(&mut read).unwrap());
        assert_eq!(read.name, b"b");
        assert!(!r.next_into(&mut read).unwrap());
    }

    #[test]
    fn names_line_and_read_in_errors() {
        let mut read = Read::default();
        let e = reader("@a\nACG\n+\nII\n")
            .next_into(&mut read)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("r.fq: line 1: read 'a': sequence has 3 bases but quality has 2"),
            "{e}"
        );
        let e = reader("@a\nACG\nIII\n@b\n")
            .next_into(&mut read)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3: read 'a': missing '+' line"), "{e}");
        let e = reader("@a\nACG\n")
            .next_into(&mut read)
            .unwrap_err()
            .to_string();
        assert!(e.contains("truncated"), "{e}");
        let e = reader("@\nACG\n+\nIII\n")
            .next_into(&mut read)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1: the read has no name"), "{e}");
        let long = format!("@{}\nACG\n+\nIII\n", "n".repeat(255));
        let e = reader(&long).next_into(&mut read).unwrap_err().to_string();
        assert!(e.contains("at most 254"), "{e}");
        let e = reader("a\nACG\n+\nIII\n")
            .next_into(&mut read)
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected a FASTQ header"), "{e}");
    }
}
