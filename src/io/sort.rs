//! Coordinate sorting of encoded BAM records in bounded memory: records collect in a buffer;
//! a full buffer is sorted and spilled to a temporary file; the end merges all runs in order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};

use rayon::prelude::*;

use super::cleanup;
use crate::core::{Error, Result};

/// Sort key: (reference id or u32::MAX, position) then input order.
pub(crate) type SortKey = (u64, u64);

/// The key of a record placed at `tid:pos` (tid < 0 sorts last), `order` breaking ties.
pub(crate) fn sort_key(tid: i32, pos: i64, order: u64) -> SortKey {
    let t = if tid < 0 {
        u64::from(u32::MAX)
    } else {
        tid as u64
    };
    ((t << 32) | (pos.max(0) as u64 & 0xffff_ffff), order)
}

/// An external merge sorter of (key, bytes) records.
pub(crate) struct Sorter {
    entries: Vec<(SortKey, u32, u32)>,
    buf: Vec<u8>,
    limit: usize,
    runs: Vec<File>,
    dir: cleanup::TempDir,
}

impl Sorter {
    /// A sorter that keeps at most about `limit` bytes in memory, spilling into a temporary
    /// directory created in `dir`.
    pub(crate) fn new(limit: usize, dir: &std::path::Path) -> Result<Self> {
        cleanup::sweep(dir, ".zenome-sort.");
        let tmp = cleanup::TempDir::new_in(dir, &format!(".zenome-sort.{}.", std::process::id()))?;
        Ok(Sorter {
            entries: Vec::new(),
            buf: Vec::new(),
            limit: limit.max(1 << 16),
            runs: Vec::new(),
            dir: tmp,
        })
    }

    /// Adds a record. The buffers are sized once, on the first record, from the limit (a
    /// twelfth for the index entries, the rest for the bytes) and never grow past it: a buffer
    /// that would have to grow is spilled first, so memory is bounded whatever the input.
    pub(crate) fn push(&mut self, key: SortKey, bytes: &[u8]) -> Result<()> {
        if self.buf.capacity() == 0 {
            let entries = self.limit / 12 / std::mem::size_of::<(SortKey, u32, u32)>();
            self.entries.reserve_exact(entries.max(16));
            let bytes_cap = (self.limit - self.limit / 12).min(u32::MAX as usize / 2);
            self.buf.reserve_exact(bytes_cap);
        }
        let full = self.entries.len() == self.entries.capacity()
            || self.buf.len() + bytes.len() > self.buf.capacity();
        if full && !self.entries.is_empty() {
            self.spill()?;
        }
        if bytes.len() > self.buf.capacity() {
            // Larger than the whole buffer: a run of its own, the buffer kept at its size.
            let kept = std::mem::replace(&mut self.buf, bytes.to_vec());
            self.entries.push((key, 0, bytes.len() as u32));
            self.spill()?;
            self.buf = kept;
            return Ok(());
        }
        self.entries
            .push((key, self.buf.len() as u32, bytes.len() as u32));
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    fn spill(&mut self) -> Result<()> {
        self.entries.par_sort_unstable_by_key(|e| e.0);
        let path = self.dir.path().join(format!("run{}", self.runs.len()));
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        for &((a, b), off, len) in &self.entries {
            let rec = &self.buf[off as usize..(off + len) as usize];
            let head = [a.to_le_bytes(), b.to_le_bytes()].concat();
            w.write_all(&head)
                .and_then(|_| w.write_all(&len.to_le_bytes()))
                .and_then(|_| w.write_all(rec))
                .map_err(|e| Error::io(&path, e))?;
        }
        let mut file = w
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        use std::io::Seek;
        file.rewind().map_err(|e| Error::io(&path, e))?;
        self.runs.push(file);
        self.entries.clear();
        self.buf.clear();
        Ok(())
    }

    /// Emits every record in key order.
    pub(crate) fn finish(
        mut self,
        mut emit: impl FnMut(SortKey, &[u8]) -> Result<()>,
    ) -> Result<()> {
        if self.runs.is_empty() {
            self.entries.par_sort_unstable_by_key(|e| e.0);
            for &(k, off, len) in &self.entries {
                emit(k, &self.buf[off as usize..(off + len) as usize])?;
            }
            return Ok(());
        }
        if !self.entries.is_empty() {
            self.spill()?;
        }
        // The merge needs only the runs' readers: give the buffers back.
        self.entries = Vec::new();
        self.buf = Vec::new();
        let mut readers: Vec<BufReader<File>> = self
            .runs
            .drain(..)
            .map(|f| BufReader::with_capacity(1 << 20, f))
            .collect();
        let mut heap = BinaryHeap::new();
        let mut bufs: Vec<Vec<u8>> = vec![Vec::new(); readers.len()];
        for (i, r) in readers.iter_mut().enumerate() {
            if let Some(k) = read_entry(r, &mut bufs[i], self.dir.path())? {
                heap.push(Reverse((k, i)));
            }
        }
        while let Some(Reverse((k, i))) = heap.pop() {
            emit(k, &bufs[i])?;
            if let Some(k) = read_entry(&mut readers[i], &mut bufs[i], self.dir.path())? {
                heap.push(Reverse((k, i)));
            }
        }
        Ok(())
    }
}

fn read_entry(
    r: &mut BufReader<File>,
    buf: &mut Vec<u8>,
    dir: &std::path::Path,
) -> Result<Option<SortKey>> {
    let mut head = [0u8; 20];
    match r.read_exact(&mut head) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(Error::io(dir, e)),
    }
    let a = u64::from_le_bytes(
        head[0..8]
            .try_into()
            .map_err(|_| Error::Internal("sort run header".into()))?,
    );
    let b = u64::from_le_bytes(
        head[8..16]
            .try_into()
            .map_err(|_| Error::Internal("sort run header".into()))?,
    );
    let len = u32::from_le_bytes(
        head[16..20]
            .try_into()
            .map_err(|_| Error::Internal("sort run header".into()))?,
    );
    buf.resize(len as usize, 0);
    r.read_exact(buf).map_err(|e| Error::io(dir, e))?;
    Ok(Some((a, b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(limit: usize) -> Vec<SortKey> {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Sorter::new(limit, dir.path()).unwrap();
        let mut x = 99u64;
        for i in 0..5000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push(
                sort_key((x >> 60) as i32 - 2, ((x >> 20) % 100_000) as i64, i),
                &i.to_le_bytes(),
            )
            .unwrap();
        }
        let mut out = Vec::new();
        s.finish(|k, bytes| {
            assert_eq!(u64::from_le_bytes(bytes.try_into().unwrap()), k.1);
            out.push(k);
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn spilled_and_in_memory_sorts_agree() {
        let a = sorted(1 << 30);
        let b = sorted(1 << 16);
        assert_eq!(a.len(), 5000);
        assert!(a.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(a, b);
    }

    #[test]
    fn a_record_larger_than_the_buffer_is_a_run_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Sorter::new(1 << 16, dir.path()).unwrap();
        let big = vec![7u8; 200_000];
        for i in 0..50u64 {
            let bytes = if i % 10 == 3 {
                &big[..]
            } else {
                &i.to_le_bytes()[..]
            };
            s.push(sort_key(0, (50 - i) as i64, i), bytes).unwrap();
        }
        assert!(s.buf.capacity() < 1 << 16, "{}", s.buf.capacity());
        let mut seen = Vec::new();
        s.finish(|k, bytes| {
            assert_eq!(bytes.len(), if k.1 % 10 == 3 { 200_000 } else { 8 });
            seen.push(k);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 50);
        assert!(seen.windows(2).all(|w| w[0] <= w[1]));
    }
}
