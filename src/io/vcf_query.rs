//! Reading one region of a VCF: through its index (the `.tbi` or `.csi` beside it, or one built
//! in memory for a bgzipped file without), or from the start of a plain-text file. The reader
//! starts at or before the region; the caller skips what lies before it and stops after it.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use noodles_bgzf as bgzf;
use noodles_core::{Position, region::Interval};
use noodles_csi::binning_index::BinningIndex;

use super::vcf_reader::VcfReader;
use crate::core::{Error, Result};

/// Read buffer of a region's reader: small, as thousands of files may be open at once.
const BUF_SIZE: usize = 64 << 10;

/// A VCF that regions can be read from.
pub(crate) struct IndexedVcf {
    path: PathBuf,
    /// None for a plain-text file.
    index: Option<Arc<dyn BinningIndex + Send + Sync>>,
}

impl IndexedVcf {
    /// Opens `path`, reading its index (or building one) when it is bgzipped.
    pub(crate) fn open(path: &Path) -> Result<IndexedVcf> {
        let index = if is_gzip(path)? {
            Some(read_index(path)?)
        } else {
            None
        };
        Ok(IndexedVcf {
            path: path.to_path_buf(),
            index,
        })
    }

    /// A reader at or before the records overlapping `[start, end)` (0-based) of `contig`;
    /// None when the index knows no record there.
    pub(crate) fn region(&self, contig: &str, start: i64, end: i64) -> Result<Option<VcfReader>> {
        let path = &self.path;
        let origin = format!("{contig}:{}-{}", start + 1, end);
        let Some(index) = &self.index else {
            let f = File::open(path).map_err(|e| Error::io(path, e))?;
            let r = Box::new(BufReader::with_capacity(BUF_SIZE, f));
            return Ok(Some(VcfReader::from_part(r, path, "the file".into())));
        };
        let Some(header) = index.header() else {
            return Err(Error::input(path, "its index names no contigs"));
        };
        let Some(id) = header
            .reference_sequence_names()
            .get_index_of(contig.as_bytes())
        else {
            return Ok(None);
        };
        let (Some(a), Some(b)) = (
            Position::new(start.max(0) as usize + 1),
            Position::new(end.max(1) as usize),
        ) else {
            return Ok(None);
        };
        let interval: Interval = (a..=b).into();
        let chunks = index
            .query(id, interval)
            .map_err(|e| Error::input(path, format!("cannot query its index: {e}")))?;
        let Some(first) = chunks.iter().map(|c| c.start()).min() else {
            return Ok(None);
        };
        let f = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut r = bgzf::io::Reader::new(BufReader::with_capacity(BUF_SIZE, f));
        r.seek(first).map_err(|e| Error::io(path, e))?;
        let r: Box<dyn BufRead + Send> = Box::new(r);
        Ok(Some(VcfReader::from_part(
            r,
            path,
            format!("{origin} (read through the index)"),
        )))
    }
}

/// Whether the file starts as gzip does (bgzip is gzip).
fn is_gzip(path: &Path) -> Result<bool> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut head = [0u8; 2];
    let n = f.read(&mut head).map_err(|e| Error::io(path, e))?;
    Ok(n == 2 && head == [0x1f, 0x8b])
}

/// The index beside `path`, or one built now by reading the file once.
fn read_index(path: &Path) -> Result<Arc<dyn BinningIndex + Send + Sync>> {
    let index = match noodles_vcf::fs::read_associated_index(path) {
        Ok(i) => i,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => noodles_vcf::fs::index(path)
            .map_err(|e| {
                Error::input(
                    path,
                    format!(
                        "no .tbi beside it, and it cannot be indexed ({e}): is it bgzipped (bgzip, not gzip)?"
                    ),
                )
            })?,
        Err(e) => return Err(Error::input(path, format!("cannot read its index: {e}"))),
    };
    Ok(match index {
        noodles_vcf::index::Index::Tabix(t) => Arc::new(t),
        noodles_vcf::index::Index::Csi(c) => Arc::new(c),
    })
}
