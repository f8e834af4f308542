//! The index file: a fixed header, then 8-byte-aligned sections, checked by an xxh3 checksum.
//! Built indexes live in an owned buffer with exactly the file's bytes, so building and
//! loading share one reader.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use bytemuck::{Pod, Zeroable};
use memmap2::Mmap;

use super::IndexParams;
use crate::error::{Error, Result};

/// First bytes of every index file.
pub const MAGIC: [u8; 8] = *b"ZENOMEIX";
/// Bumped whenever the layout changes; older files must be rebuilt.
pub const VERSION: u32 = 1;

/// The fixed-size file header.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct Header {
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
    /// xxh3-64 of every byte after the header.
    pub checksum: u64,
}

/// One contig's record in the contig table.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct ContigRec {
    /// Start of the contig in the concatenated sequence.
    pub offset: u64,
    pub len: u64,
    pub name_off: u64,
    pub name_len: u64,
    pub m5: [u8; 16],
}

/// Byte ranges of the sections, derived from the header's counts.
#[derive(Debug, Clone, Copy)]
pub struct Sections {
    contigs: (usize, usize),
    names: (usize, usize),
    seq: (usize, usize),
    buckets: (usize, usize),
    keys: (usize, usize),
    starts: (usize, usize),
    positions: (usize, usize),
    pub total: usize,
}

fn pad8(n: usize) -> usize {
    n.div_ceil(8) * 8
}

impl Sections {
    pub fn of(h: &Header) -> Sections {
        let mut at = std::mem::size_of::<Header>();
        let mut next = |len: usize| {
            let r = (at, at + len);
            at += pad8(len);
            r
        };
        let contigs = next(h.n_contigs as usize * std::mem::size_of::<ContigRec>());
        let names = next(h.names_len as usize);
        let seq = next(h.seq_len as usize);
        let buckets = next(((1usize << h.bucket_bits) + 1) * 4);
        let keys = next(h.n_keys as usize * 8);
        let starts = next((h.n_keys as usize + 1) * 4);
        let positions = next(h.n_pos as usize * 8);
        Sections {
            contigs,
            names,
            seq,
            buckets,
            keys,
            starts,
            positions,
            total: at,
        }
    }

    /// Splits a whole file image into its seven sections (exact lengths, padding dropped).
    pub fn carve<'a>(&self, bytes: &'a mut [u8]) -> [&'a mut [u8]; 7] {
        let ranges = [
            self.contigs,
            self.names,
            self.seq,
            self.buckets,
            self.keys,
            self.starts,
            self.positions,
        ];
        let mut rest = bytes;
        let mut consumed = 0;
        ranges.map(|(a, b)| {
            let (_, tail) = std::mem::take(&mut rest).split_at_mut(a - consumed);
            let (section, tail) = tail.split_at_mut(b - a);
            rest = tail;
            consumed = b;
            section
        })
    }
}

enum Storage {
    Owned(Vec<u64>),
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

impl Index {
    /// Wraps a complete file image (header included) built in memory.
    pub(crate) fn from_owned(words: Vec<u64>) -> Result<Index> {
        Self::wrap(Storage::Owned(words), "(in memory)", false)
    }

    /// Memory-maps an index file and checks its magic, version, size and checksum.
    pub fn load(path: &Path) -> Result<Index> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        // SAFETY: the file is opened read-only and zenome never writes to an index in place
        // (it writes a temporary file and renames it); a concurrent external truncation is
        // caught by the size check below before any section is read.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        Self::wrap(Storage::Mapped(map), &path.display().to_string(), true)
    }

    fn wrap(storage: Storage, name: &str, verify: bool) -> Result<Index> {
        let bytes: &[u8] = match &storage {
            Storage::Owned(w) => bytemuck::cast_slice(w),
            Storage::Mapped(m) => m,
        };
        let bad = |msg: &str| Error::input(name, format!("not a usable zenome index: {msg}"));
        let hsize = std::mem::size_of::<Header>();
        if bytes.len() < hsize {
            return Err(bad("file is too short"));
        }
        let header: Header = bytemuck::pod_read_unaligned(&bytes[..hsize]);
        if header.magic != MAGIC {
            return Err(bad("wrong magic number"));
        }
        if header.version != VERSION {
            return Err(bad(&format!(
                "format version {} (this zenome reads {VERSION}); rebuild it with `zenome index`",
                header.version
            )));
        }
        let sections = Sections::of(&header);
        if bytes.len() != sections.total {
            return Err(bad("file size does not match its header (truncated?)"));
        }
        if verify && xxhash_rust::xxh3::xxh3_64(&bytes[hsize..]) != header.checksum {
            return Err(bad("checksum mismatch (corrupt file)"));
        }
        Ok(Index {
            storage,
            header,
            sections,
        })
    }

    fn bytes(&self) -> &[u8] {
        match &self.storage {
            Storage::Owned(w) => bytemuck::cast_slice(w),
            Storage::Mapped(m) => m,
        }
    }

    fn section<T: Pod>(&self, (a, b): (usize, usize)) -> &[T] {
        // Every section starts at a multiple of 8 from an 8-aligned base (Vec<u64> or a page).
        bytemuck::cast_slice(&self.bytes()[a..b])
    }

    /// Writes the index to `path` through a temporary file renamed on success.
    pub fn save(&self, path: &Path) -> Result<()> {
        let tmp = crate::io::output::TempPath::new(path);
        let mut f = File::create(tmp.path()).map_err(|e| Error::io(path, e))?;
        f.write_all(self.bytes()).map_err(|e| Error::io(path, e))?;
        f.sync_all().map_err(|e| Error::io(path, e))?;
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
        let recs: &[ContigRec] = self.section(self.sections.contigs);
        let names: &[u8] = self.section(self.sections.names);
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

    /// The concatenated reference, as base codes.
    pub fn seq(&self) -> &[u8] {
        self.section(self.sections.seq)
    }

    /// Reference occurrences of a minimizer hash: `(global position << 1) | strand`.
    pub fn lookup(&self, hash: u64) -> &[u64] {
        let keys: &[u64] = self.section(self.sections.keys);
        let buckets: &[u32] = self.section(self.sections.buckets);
        let starts: &[u32] = self.section(self.sections.starts);
        let shift = 2 * self.header.k - self.header.bucket_bits;
        let b = (hash >> shift) as usize;
        if b + 1 >= buckets.len() {
            return &[];
        }
        let (lo, hi) = (buckets[b] as usize, buckets[b + 1] as usize);
        match keys[lo..hi].binary_search(&hash) {
            Ok(i) => {
                let i = lo + i;
                let pos: &[u64] = self.section(self.sections.positions);
                &pos[starts[i] as usize..starts[i + 1] as usize]
            }
            Err(_) => &[],
        }
    }

    /// Number of distinct minimizers and of occurrences.
    pub fn counts(&self) -> (u64, u64) {
        (self.header.n_keys, self.header.n_pos)
    }
}
