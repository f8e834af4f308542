//! The identity of the FASTA an index was built from, so that an index is never used with a
//! reference it does not describe (an edited or replaced FASTA beside an old `.zmi`). Checking
//! is cheap when the file is untouched (size and modification time agree); a copied file (new
//! time, same size) is hashed and accepted when its bytes are the same.

use std::io::Read;
use std::path::Path;
use std::time::UNIX_EPOCH;

use bytemuck::{Pod, Zeroable};

use crate::core::{Error, Result};

/// Size, modification time (ns since 1970) and xxh3-64 of a FASTA file's bytes.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct FastaIdentity {
    pub size: u64,
    pub mtime_ns: u64,
    pub hash: u64,
}

fn stat(path: &Path) -> Result<(u64, u64)> {
    let m = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    Ok((m.len(), mtime))
}

fn hash_file(path: &Path) -> Result<u64> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            return Ok(h.digest());
        }
        h.update(&buf[..n]);
    }
}

impl FastaIdentity {
    /// The identity of the file at `path` now.
    pub(crate) fn of(path: &Path) -> Result<FastaIdentity> {
        let (size, mtime_ns) = stat(path)?;
        Ok(FastaIdentity {
            size,
            mtime_ns,
            hash: hash_file(path)?,
        })
    }

    /// Checks that `fasta` is the file this index was built from; `index` names the index in
    /// the message.
    pub(crate) fn check(&self, fasta: &Path, index: &Path) -> Result<()> {
        let (size, mtime_ns) = stat(fasta)?;
        if size == self.size && (mtime_ns == self.mtime_ns || hash_file(fasta)? == self.hash) {
            return Ok(());
        }
        Err(Error::input(
            index,
            format!(
                "built from another version of {} (its size or contents changed since); rebuild it with `zenome index {}` or remove it",
                fasta.display(),
                fasta.display()
            ),
        ))
    }
}
