//! Writing CRAM 3.0 (specification sections 6 to 9): the file definition, the SAM header's
//! container, one slice per container (records of one contig, at most
//! [`RECORDS_PER_SLICE`]), and the end-of-file container. Blocks are compressed in parallel.

use std::io::{self, Write};

use md5::{Digest, Md5};
use rayon::prelude::*;

use super::block::{Codec, ContainerHeader, Content, EOF, block, container_header};
use super::itf8::{itf8, ltf8};
use super::mates;
use super::series::{Input, Series};
use crate::io::sam_record::SamRecord;

/// Records per slice, as htslib writes them...
pub(super) const RECORDS_PER_SLICE: usize = 10_000;
/// ...and bases, so that long reads keep every block's size far below 2^31.
const BASES_PER_SLICE: u64 = 50_000_000;
/// Slices encoded together.
const SLICES_PER_BATCH: usize = 16;

/// The slice being filled.
struct Slice {
    ref_id: i32,
    /// 1-based; 0 for unplaced reads.
    start: i64,
    /// The last reference position any record covers (1-based).
    end: i64,
    bases: u64,
    /// The records and their bases as BAM spells them, encoded when the slice is written
    /// (a record's mate may come later in it).
    records: Vec<(SamRecord, Vec<u8>)>,
}

impl Slice {
    fn is_full(&self) -> bool {
        self.records.len() >= RECORDS_PER_SLICE || self.bases >= BASES_PER_SLICE
    }
}

/// Why a slice could not be written.
pub(super) enum FlushError {
    Io(io::Error),
    /// A record that cannot be encoded, named.
    Record(String),
}

impl From<io::Error> for FlushError {
    fn from(e: io::Error) -> Self {
        FlushError::Io(e)
    }
}

pub(super) struct Writer<W: Write> {
    out: W,
    slice: Option<Slice>,
    /// Full slices of the current slice's contig, encoded together (in parallel) when the
    /// batch is full or the contig changes.
    pending: Vec<Slice>,
    record_counter: u64,
}

impl<W: Write> Writer<W> {
    /// Writes the file definition (named `file_id`, cut to 20 bytes) and the SAM header.
    pub(super) fn new(mut out: W, header_text: &str, file_id: &str) -> io::Result<Self> {
        let mut def = b"CRAM\x03\x00".to_vec();
        let mut id = [0u8; 20];
        let name = file_id.as_bytes();
        let n = name.len().min(20);
        id[..n].copy_from_slice(&name[..n]);
        def.extend_from_slice(&id);
        out.write_all(&def)?;
        let mut text = (header_text.len() as i32).to_le_bytes().to_vec();
        text.extend_from_slice(header_text.as_bytes());
        let mut body = Vec::new();
        block(&mut body, Content::FileHeader, 0, &text, Codec::Raw);
        let mut head = Vec::new();
        container_header(
            &mut head,
            &ContainerHeader {
                len: body.len(),
                blocks: 1,
                ..ContainerHeader::default()
            },
        );
        out.write_all(&head)?;
        out.write_all(&body)?;
        Ok(Writer {
            out,
            slice: None,
            pending: Vec::new(),
            record_counter: 0,
        })
    }

    /// The contig of the slices held, when they must be written before a record on `ref_id`
    /// joins: the record is on another contig, or a batch of slices is full.
    pub(super) fn due(&self, ref_id: i32) -> Option<i32> {
        let s = self.slice.as_ref()?;
        let full = s.is_full();
        (s.ref_id != ref_id || (full && self.pending.len() + 1 >= SLICES_PER_BATCH))
            .then_some(s.ref_id)
    }

    /// Adds a record (its tags in `aux`) with its bases as BAM spells them; the caller writes
    /// a [`due`](Self::due) slice first.
    pub(super) fn push(&mut self, r: SamRecord, letters: Vec<u8>) -> Result<(), String> {
        let ref_id = r.tid.max(-1);
        let ap = if ref_id < 0 { 0 } else { r.pos + 1 };
        if self.slice.as_ref().is_some_and(Slice::is_full) {
            self.pending.extend(self.slice.take());
        }
        let slice = self.slice.get_or_insert_with(|| Slice {
            ref_id,
            start: ap,
            end: ap,
            bases: 0,
            records: Vec::with_capacity(RECORDS_PER_SLICE),
        });
        if ap < slice.start {
            return Err("records are out of coordinate order".into());
        }
        if ref_id >= 0 {
            // The last position covered, 1-based: the 0-based exclusive end.
            slice.end = slice.end.max(r.end());
        }
        slice.bases += letters.len() as u64;
        slice.records.push((r, letters));
        Ok(())
    }

    /// Writes the slices held, each as a container, encoded in parallel; `reference` is their
    /// contig's upper-case bases (empty for unplaced reads).
    pub(super) fn flush(&mut self, reference: &[u8]) -> Result<(), FlushError> {
        let mut slices = std::mem::take(&mut self.pending);
        slices.extend(self.slice.take());
        let mut counters = Vec::with_capacity(slices.len());
        for s in &slices {
            counters.push(self.record_counter);
            self.record_counter += s.records.len() as u64;
        }
        let containers: Vec<Result<Vec<u8>, String>> = slices
            .par_iter()
            .zip(counters)
            .map(|(s, counter)| container(s, counter, reference))
            .collect();
        for c in containers {
            self.out.write_all(&c.map_err(FlushError::Record)?)?;
        }
        Ok(())
    }

    /// Writes the end-of-file container; the slice being filled must have been written.
    pub(super) fn finish(mut self) -> io::Result<W> {
        self.out.write_all(&EOF)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A slice as one container: its records encoded (`counter` the index of its first in the
/// file), `reference` its contig's upper-case bases, whose MD5 over the slice's span goes in
/// the slice header.
fn container(s: &Slice, counter: u64, reference: &[u8]) -> Result<Vec<u8>, String> {
    let mut series = Series::new(s.start);
    for ((r, letters), link) in s.records.iter().zip(mates::links(&s.records)) {
        let input = Input {
            rec: r,
            letters,
            aux: &r.aux,
            reference,
        };
        series
            .push(&input, link)
            .map_err(|m| format!("record '{}': {m}", String::from_utf8_lossy(&r.name)))?;
    }
    let span = if s.ref_id >= 0 {
        s.end - s.start + 1
    } else {
        0
    };
    let md5: [u8; 16] = if s.ref_id >= 0 {
        let a = ((s.start - 1).max(0) as usize).min(reference.len());
        let b = ((s.end) as usize).min(reference.len());
        Md5::digest(&reference[a..b]).into()
    } else {
        [0; 16]
    };
    let mut body = Vec::new();
    block(
        &mut body,
        Content::CompressionHeader,
        0,
        &series.compression_header(),
        Codec::Raw,
    );
    let landmark = body.len();
    let external: Vec<(i32, &[u8], bool)> = series.external().collect();
    let mut sh = Vec::new();
    itf8(&mut sh, s.ref_id);
    itf8(&mut sh, s.start as i32);
    itf8(&mut sh, span as i32);
    itf8(&mut sh, s.records.len() as i32);
    ltf8(&mut sh, counter as i64);
    itf8(&mut sh, 1 + external.len() as i32);
    itf8(&mut sh, 1 + external.len() as i32);
    itf8(&mut sh, 0);
    for (id, _, _) in &external {
        itf8(&mut sh, *id);
    }
    itf8(&mut sh, -1);
    sh.extend_from_slice(&md5);
    block(&mut body, Content::SliceHeader, 0, &sh, Codec::Raw);
    block(&mut body, Content::Core, 0, &[], Codec::Raw);
    let packed: Vec<Vec<u8>> = external
        .par_iter()
        .map(|&(id, data, qual)| {
            let mut b = Vec::new();
            let codec = if qual { Codec::Rans } else { Codec::Best };
            block(&mut b, Content::External, id, data, codec);
            b
        })
        .collect();
    packed.iter().for_each(|b| body.extend_from_slice(b));
    let mut head = Vec::new();
    container_header(
        &mut head,
        &ContainerHeader {
            len: body.len(),
            ref_id: s.ref_id,
            start: s.start,
            span,
            records: s.records.len(),
            record_counter: counter,
            bases: s.bases,
            blocks: 3 + external.len(),
            landmarks: vec![landmark],
        },
    );
    head.extend_from_slice(&body);
    Ok(head)
}
