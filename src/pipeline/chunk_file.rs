//! The alignment chunk of a scattered run (`align -o X.zchunk`): the records of a range of
//! fragments in input order, with each fragment's global index, library and duplicate ends,
//! so that `concat` sorts and marks duplicates across chunks exactly as one `align` would.
//!
//! Layout (BGZF-compressed, integers little-endian): the magic `ZCHUNK1\n`; the reference
//! dictionary (count, then name, length, MD5 each); the read groups (count, then each
//! `@RG` line); the library names (count, then each); then one entry per fragment: its index
//! (u64), library (u16), duplicate score (u32), its two 5' ends (a byte 0 none, 1 forward,
//! 2 reverse, then contig u32 and position i64), its record count (u16) and each record as
//! BAM encodes it (block size first). The index `u64::MAX` ends the file: a chunk without it
//! was cut short.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use crate::align::record::{DupEnds, FivePrime};
use crate::core::{Error, Result};
use crate::io::bgzf_file::BgzfFile;
use crate::io::dict::RefSeq;
use crate::io::input;
use crate::io::sam_header::{ReadGroup, parse_read_group};

const MAGIC: &[u8; 8] = b"ZCHUNK1\n";
const END: u64 = u64::MAX;
/// Files named so are chunks.
pub(crate) const EXTENSION: &str = ".zchunk";

/// What every chunk of a run shares: the reference, the read groups and the libraries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChunkHeader {
    pub dict: Vec<RefSeq>,
    pub read_groups: Vec<ReadGroup>,
    pub libraries: Vec<String>,
}

/// One fragment of a chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChunkFragment {
    pub index: u64,
    pub dups: DupEnds,
    /// BAM-encoded records, block size first.
    pub records: Vec<Vec<u8>>,
}

/// A chunk being written.
pub(crate) struct ChunkWriter {
    out: BgzfFile,
    buf: Vec<u8>,
}

fn put_str(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(&(s.len() as u32).to_le_bytes());
    buf.extend_from_slice(s.as_bytes());
}

impl ChunkWriter {
    pub(crate) fn create(path: &Path, header: &ChunkHeader, threads: usize) -> Result<Self> {
        let mut buf = MAGIC.to_vec();
        buf.extend_from_slice(&(header.dict.len() as u32).to_le_bytes());
        for c in &header.dict {
            put_str(&mut buf, &c.name);
            buf.extend_from_slice(&c.len.to_le_bytes());
            buf.extend_from_slice(&c.m5);
        }
        buf.extend_from_slice(&(header.read_groups.len() as u32).to_le_bytes());
        for rg in &header.read_groups {
            put_str(&mut buf, &rg.line);
        }
        buf.extend_from_slice(&(header.libraries.len() as u32).to_le_bytes());
        for l in &header.libraries {
            put_str(&mut buf, l);
        }
        let mut out = BgzfFile::create_fast(path, threads)?;
        out.write(&buf)?;
        buf.clear();
        Ok(ChunkWriter { out, buf })
    }

    /// Writes the fragments `first`, `first + 1`, ...: their records (encoded by `encode`)
    /// and duplicate ends.
    pub(crate) fn write<T>(
        &mut self,
        first: u64,
        records: &[Vec<T>],
        dups: &[DupEnds],
        encode: impl Fn(&T, &mut Vec<u8>),
    ) -> Result<()> {
        let buf = &mut self.buf;
        buf.clear();
        for (i, (recs, d)) in records.iter().zip(dups).enumerate() {
            buf.extend_from_slice(&(first + i as u64).to_le_bytes());
            buf.extend_from_slice(&d.library.to_le_bytes());
            buf.extend_from_slice(&d.score.to_le_bytes());
            for e in &d.ends {
                match e {
                    None => buf.extend_from_slice(&[0; 13]),
                    Some(e) => {
                        buf.push(1 + u8::from(e.rev));
                        buf.extend_from_slice(&e.contig.to_le_bytes());
                        buf.extend_from_slice(&e.pos.to_le_bytes());
                    }
                }
            }
            buf.extend_from_slice(&(recs.len() as u16).to_le_bytes());
            for r in recs {
                encode(r, buf);
            }
        }
        self.out.write(buf)
    }

    /// Writes the end mark and renames the file into place.
    pub(crate) fn finish(mut self) -> Result<()> {
        self.out.write(&END.to_le_bytes())?;
        self.out.finish()
    }
}

/// A chunk being read.
pub(crate) struct ChunkReader {
    inner: Box<dyn BufRead + Send>,
    pub path: PathBuf,
    pub header: ChunkHeader,
    done: bool,
}

impl ChunkReader {
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let mut inner = input::open(path)?;
        let bad = |what: &str| Error::input(path, what.to_string());
        let mut magic = [0u8; 8];
        inner
            .read_exact(&mut magic)
            .map_err(|_| bad("not an alignment chunk (written by zenome align -o X.zchunk)"))?;
        if &magic != MAGIC {
            return Err(bad(
                "not an alignment chunk (written by zenome align -o X.zchunk)",
            ));
        }
        let mut r = ChunkReader {
            inner,
            path: path.to_path_buf(),
            header: ChunkHeader {
                dict: Vec::new(),
                read_groups: Vec::new(),
                libraries: Vec::new(),
            },
            done: false,
        };
        for _ in 0..r.u32()? {
            let name = r.string()?;
            let len = r.u64()?;
            let mut m5 = [0; 16];
            r.bytes(&mut m5)?;
            r.header.dict.push(RefSeq { name, len, m5 });
        }
        for _ in 0..r.u32()? {
            let line = r.string()?;
            let rg = parse_read_group(&line).map_err(|e| bad(&format!("read group: {e}")))?;
            r.header.read_groups.push(rg);
        }
        for _ in 0..r.u32()? {
            let l = r.string()?;
            r.header.libraries.push(l);
        }
        Ok(r)
    }

    fn bytes(&mut self, out: &mut [u8]) -> Result<()> {
        self.inner.read_exact(out).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                Error::input(
                    &self.path,
                    "cut short (the chunk was not written to its end)",
                )
            } else {
                input::read_error(&self.path, 0, e)
            }
        })
    }

    fn u16(&mut self) -> Result<u16> {
        let mut b = [0; 2];
        self.bytes(&mut b)?;
        Ok(u16::from_le_bytes(b))
    }

    fn u32(&mut self) -> Result<u32> {
        let mut b = [0; 4];
        self.bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> Result<u64> {
        let mut b = [0; 8];
        self.bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn string(&mut self) -> Result<String> {
        let n = self.u32()? as usize;
        if n > 1 << 20 {
            return Err(Error::input(&self.path, format!("a name of {n} bytes")));
        }
        let mut b = vec![0; n];
        self.bytes(&mut b)?;
        String::from_utf8(b).map_err(|_| Error::input(&self.path, "a name that is not UTF-8"))
    }

    /// The next fragment, or None after the end mark.
    pub(crate) fn next_fragment(&mut self) -> Result<Option<ChunkFragment>> {
        if self.done {
            return Ok(None);
        }
        let index = self.u64()?;
        if index == END {
            self.done = true;
            return Ok(None);
        }
        let library = self.u16()?;
        if usize::from(library) >= self.header.libraries.len() {
            return Err(Error::input(
                &self.path,
                format!(
                    "fragment {index}: library {library} of {}",
                    self.header.libraries.len()
                ),
            ));
        }
        let score = self.u32()?;
        let mut ends = [None, None];
        for e in &mut ends {
            let mut kind = [0; 1];
            self.bytes(&mut kind)?;
            let contig = self.u32()?;
            let pos = self.u64()? as i64;
            *e = match kind[0] {
                0 => None,
                1 | 2 => Some(FivePrime {
                    contig,
                    pos,
                    rev: kind[0] == 2,
                }),
                k => {
                    return Err(Error::input(
                        &self.path,
                        format!("fragment {index}: end kind {k}"),
                    ));
                }
            };
        }
        let n = self.u16()?;
        let mut records = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            let mut size = [0; 4];
            self.bytes(&mut size)?;
            let len = u32::from_le_bytes(size) as usize;
            if !(32..=1 << 24).contains(&len) {
                return Err(Error::input(
                    &self.path,
                    format!("fragment {index}: a record of {len} bytes"),
                ));
            }
            let mut rec = vec![0; len + 4];
            rec[..4].copy_from_slice(&size);
            self.bytes(&mut rec[4..])?;
            records.push(rec);
        }
        Ok(Some(ChunkFragment {
            index,
            dups: DupEnds {
                ends,
                score,
                library,
            },
            records,
        }))
    }
}
