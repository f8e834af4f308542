//! The index file: a fixed header, then 8-byte-aligned sections, checked by an xxh3 checksum
//! over the header and every section. The header also records the FASTA it was built from
//! (size, modification time, content hash: see [`super::source`]). Built indexes keep each
//! section in its own buffer with exactly the file's bytes, so building and loading share one
//! reader.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use bytemuck::{Pod, Zeroable};
use memmap2::Mmap;

use super::IndexParams;
use super::source::FastaIdentity;
use crate::core::{Error, Result};

/// First bytes of every index file.
pub(crate) const MAGIC: [u8; 8] = *b"ZENOMEIX";
/// Bumped whenever the layout changes; older files must be rebuilt.
pub(crate) const VERSION: u32 = 2;

/// The fixed-size file header.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub(crate) struct Header {
    pub magic: [u8; 8],
    pub version: u32,
    pub k: u32,
    pub w: u32,
    pub n_contigs: u32,
    pub seq_len: u64,
    pub names_len: u64,
    pub n_keys: u64,
    pub n_pos: u64,
    pub bucket_bits: u32,
    pub _pad: u32,
    /// The FASTA the index was built from (all zero when built in memory).
    pub source: FastaIdentity,
    /// xxh3-64 of the header (with this field zero) and every byte after it.
    pub checksum: u64,
}

/// One contig's record in the contig table.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub(crate) struct ContigRec {
    /// Start of the contig in the concatenated sequence.
    pub offset: u64,
    pub len: u64,
    pub name_off: u64,
    pub name_len: u64,
    pub m5: [u8; 16],
}

/// Byte ranges of the seven sections, derived from the header's counts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sections {
    ranges: [(usize, usize); 7],
    pub total: usize,
}

/// Section numbers, in file order.
const CONTIGS: usize = 0;
const NAMES: usize = 1;
const SEQ: usize = 2;
const BUCKETS: usize = 3;
const KEYS: usize = 4;
const STARTS: usize = 5;
const POSITIONS: usize = 6;

fn pad8(n: usize) -> usize {
    n.div_ceil(8) * 8
}

impl Sections {
    /// The layout a header describes; None when its counts overflow (a corrupt header).
    pub(crate) fn of(h: &Header) -> Option<Sections> {
        let n = |x: u64| usize::try_from(x).ok();
        let buckets = 1usize.checked_shl(h.bucket_bits)?.checked_add(1)?;
        let lens = [
            n(u64::from(h.n_contigs))?.checked_mul(std::mem::size_of::<ContigRec>())?,
            n(h.names_len)?,
            n(h.seq_len)?,
            buckets.checked_mul(4)?,
            n(h.n_keys)?.checked_mul(8)?,
            n(h.n_keys)?.checked_add(1)?.checked_mul(4)?,
            n(h.n_pos)?.checked_mul(8)?,
        ];
        let mut at = std::mem::size_of::<Header>();
        let mut ranges = [(0, 0); 7];
        for (r, len) in ranges.iter_mut().zip(lens) {
            let end = at.checked_add(len)?;
            *r = (at, end);
            at = at.checked_add(len.checked_next_multiple_of(8)?)?;
        }
        Some(Sections { ranges, total: at })
    }
}

/// The sections of an index built in memory, each in its own allocation (building then needs
/// no second copy of the table), laid out in the file exactly as [`Sections`] says.
pub(crate) struct Built {
    pub recs: Vec<ContigRec>,
    pub names: Vec<u8>,
    pub seq: Vec<u8>,
    pub buckets: Vec<u32>,
    pub keys: Vec<u64>,
    pub starts: Vec<u32>,
    pub positions: Vec<u64>,
}

impl Built {
    /// The bytes of section `i` (see the section numbers above).
    fn section(&self, i: usize) -> &[u8] {
        match i {
            CONTIGS => bytemuck::cast_slice(&self.recs),
            NAMES => &self.names,
            SEQ => &self.seq,
            BUCKETS => bytemuck::cast_slice(&self.buckets),
            KEYS => bytemuck::cast_slice(&self.keys),
            STARTS => bytemuck::cast_slice(&self.starts),
            _ => bytemuck::cast_slice(&self.positions),
        }
    }
}

enum Storage {
    Built(Built),
    Mapped(Mmap),
}

/// A loaded or freshly built index. Cheap to share across threads.
pub struct Index {
    storage: Storage,
    header: Header,
    sections: Sections,
}

/// A contig as the index sees it.
#[derive(Debug, Clone)]
pub struct ContigInfo {
    pub name: String,
    pub offset: u64,
    pub len: u64,
    pub m5: [u8; 16],
}

const ZEROS: [u8; 8] = [0; 8];

/// xxh3-64 of `header` with its checksum field zero, then of what `rest` feeds the hasher.
fn checksum(header: &Header, rest: impl FnOnce(&mut xxhash_rust::xxh3::Xxh3)) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut zeroed = *header;
    zeroed.checksum = 0;
    h.update(bytemuck::bytes_of(&zeroed));
    rest(&mut h);
    h.digest()
}

impl Index {
    /// Wraps sections built in memory; `header` has every count set (its checksum is computed
    /// when the index is saved).
    pub(crate) fn from_built(header: Header, built: Built) -> Result<Index> {
        let sections = Sections::of(&header)
            .ok_or_else(|| Error::Internal("index sections overflow".into()))?;
        Ok(Index {
            sections,
            header,
            storage: Storage::Built(built),
        })
    }

    /// Memory-maps an index file and checks its magic, version, size, checksum and tables.
    pub fn load(path: &Path) -> Result<Index> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        // SAFETY: the file is opened read-only and zenome never writes to an index in place
        // (it writes a temporary file and renames it); a concurrent external truncation is
        // caught by the size check below before any section is read.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        let bad = |msg: &str| Error::input(path, format!("not a usable zenome index: {msg}"));
        let hsize = std::mem::size_of::<Header>();
        if map.len() < 12 || map[..8] != MAGIC {
            return Err(bad("wrong magic number"));
        }
        let version = u32::from_le_bytes([map[8], map[9], map[10], map[11]]);
        if version != VERSION {
            return Err(bad(&format!(
                "format version {version} (this zenome reads {VERSION}); rebuild it with `zenome index`"
            )));
        }
        if map.len() < hsize {
            return Err(bad("file is too short"));
        }
        let header: Header = bytemuck::pod_read_unaligned(&map[..hsize]);
        let sections =
            Sections::of(&header).ok_or_else(|| bad("impossible counts in the header"))?;
        if map.len() != sections.total {
            return Err(bad("file size does not match its header (truncated?)"));
        }
        if checksum(&header, |h| h.update(&map[hsize..])) != header.checksum {
            return Err(bad("checksum mismatch (corrupt file)"));
        }
        let index = Index {
            storage: Storage::Mapped(map),
            header,
            sections,
        };
        index.check_tables().map_err(|msg| bad(&msg))?;
        Ok(index)
    }

    /// Parameters and contig table within bounds (a file with a valid checksum can still have
    /// been written by something else than zenome).
    fn check_tables(&self) -> std::result::Result<(), String> {
        let h = &self.header;
        if !IndexParams::supported(self.params()) || h.bucket_bits > 2 * h.k {
            return Err(format!("unsupported parameters k={} w={}", h.k, h.w));
        }
        let recs: &[ContigRec] = self.section(CONTIGS);
        for r in recs {
            let seq_ok = r.offset.checked_add(r.len).is_some_and(|e| e <= h.seq_len);
            let name_ok = r
                .name_off
                .checked_add(r.name_len)
                .is_some_and(|e| e <= h.names_len);
            if !seq_ok || !name_ok {
                return Err("contig table points outside the file".into());
            }
        }
        Ok(())
    }

    /// The bytes of section `i`.
    fn raw(&self, i: usize) -> &[u8] {
        match &self.storage {
            Storage::Built(b) => b.section(i),
            Storage::Mapped(m) => {
                let (a, b) = self.sections.ranges[i];
                &m[a..b]
            }
        }
    }

    fn section<T: Pod>(&self, i: usize) -> &[T] {
        // Mapped sections start at multiples of 8 from a page; built ones are Vecs of T.
        bytemuck::cast_slice(self.raw(i))
    }

    /// Records the FASTA the index is built from (written with the index by [`Index::save`]).
    pub(crate) fn set_source(&mut self, source: FastaIdentity) {
        self.header.source = source;
    }

    /// The FASTA the index was built from.
    pub(crate) fn source(&self) -> FastaIdentity {
        self.header.source
    }

    /// Writes the index to `path` through a temporary file renamed on success.
    pub(crate) fn save(&self, path: &Path) -> Result<()> {
        let mut header = self.header;
        header.checksum = checksum(&header, |h| {
            for i in 0..7 {
                let s = self.raw(i);
                h.update(s);
                h.update(&ZEROS[..pad8(s.len()) - s.len()]);
            }
        });
        let tmp = crate::io::output::TempPath::new(path);
        let file = File::create(tmp.path()).map_err(|e| Error::io(path, e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 22, file);
        let mut put = |bytes: &[u8]| w.write_all(bytes).map_err(|e| Error::io(path, e));
        put(bytemuck::bytes_of(&header))?;
        for i in 0..7 {
            let s = self.raw(i);
            put(s)?;
            put(&ZEROS[..pad8(s.len()) - s.len()])?;
        }
        let file = w
            .into_inner()
            .map_err(|e| Error::io(path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(path, e))?;
        tmp.commit()
    }

    pub fn params(&self) -> IndexParams {
        IndexParams {
            k: self.header.k,
            w: self.header.w,
        }
    }

    /// The contig table.
    pub fn contigs(&self) -> Vec<ContigInfo> {
        let recs: &[ContigRec] = self.section(CONTIGS);
        let names: &[u8] = self.section(NAMES);
        recs.iter()
            .map(|r| ContigInfo {
                name: String::from_utf8_lossy(
                    &names[r.name_off as usize..(r.name_off + r.name_len) as usize],
                )
                .into_owned(),
                offset: r.offset,
                len: r.len,
                m5: r.m5,
            })
            .collect()
    }

    /// The sequence dictionary (names, lengths, MD5s) for output headers.
    pub fn dict(&self) -> Vec<crate::io::dict::RefSeq> {
        self.contigs()
            .into_iter()
            .map(|c| crate::io::dict::RefSeq {
                name: c.name,
                len: c.len,
                m5: c.m5,
            })
            .collect()
    }

    /// The concatenated reference, as base codes.
    pub fn seq(&self) -> &[u8] {
        self.section(SEQ)
    }

    /// The occurrences of many hashes at once, as ranges of [`Index::occurrences`], phase by
    /// phase (every bucket, then every key search, then every range) so that the memory loads
    /// of different hashes are in flight together rather than one chain after another.
    pub fn lookup_all(&self, hashes: &[u64], out: &mut Vec<(u32, u32)>) {
        let keys: &[u64] = self.section(KEYS);
        let buckets: &[u32] = self.section(BUCKETS);
        let starts: &[u32] = self.section(STARTS);
        let shift = 2 * self.header.k - self.header.bucket_bits;
        out.clear();
        out.extend(hashes.iter().map(|&h| {
            let b = (h >> shift) as usize;
            match (buckets.get(b), buckets.get(b + 1)) {
                (Some(&lo), Some(&hi)) => (lo, hi),
                _ => (0, 0),
            }
        }));
        for (r, &h) in out.iter_mut().zip(hashes) {
            let (lo, hi) = (r.0 as usize, r.1 as usize);
            *r = match keys.get(lo..hi).map(|k| k.binary_search(&h)) {
                Some(Ok(i)) => match (starts.get(lo + i), starts.get(lo + i + 1)) {
                    (Some(&a), Some(&b)) => (a, b),
                    _ => (0, 0),
                },
                _ => (0, 0),
            };
        }
        // Touch the first occurrence of each so that their cache misses overlap too.
        let pos: &[u64] = self.section(POSITIONS);
        let touched = out
            .iter()
            .filter_map(|r| pos.get(r.0 as usize))
            .fold(0u64, |a, &p| a ^ p);
        std::hint::black_box(touched);
    }

    /// The occurrences in `range` (from [`Index::lookup_all`]).
    pub fn occurrences(&self, range: (u32, u32)) -> &[u64] {
        let pos: &[u64] = self.section(POSITIONS);
        pos.get(range.0 as usize..range.1 as usize).unwrap_or(&[])
    }

    /// Reference occurrences of a minimizer hash: `(global position << 1) | strand`.
    pub fn lookup(&self, hash: u64) -> &[u64] {
        let keys: &[u64] = self.section(KEYS);
        let buckets: &[u32] = self.section(BUCKETS);
        let starts: &[u32] = self.section(STARTS);
        let shift = 2 * self.header.k - self.header.bucket_bits;
        let b = (hash >> shift) as usize;
        if b + 1 >= buckets.len() {
            return &[];
        }
        let (lo, hi) = (buckets[b] as usize, buckets[b + 1] as usize);
        let Some(Ok(i)) = keys.get(lo..hi).map(|k| k.binary_search(&hash)) else {
            return &[];
        };
        let pos: &[u64] = self.section(POSITIONS);
        match (starts.get(lo + i), starts.get(lo + i + 1)) {
            (Some(&a), Some(&b)) => pos.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Number of distinct minimizers and of occurrences.
    pub fn counts(&self) -> (u64, u64) {
        (self.header.n_keys, self.header.n_pos)
    }
}
