//! A BAM's index (BAI, or CSI for contigs past 2^29) built while the sorted BAM is written, so
//! that finishing the BAM does not read it back. Each record's place in the uncompressed stream
//! is known as it is written; the blocks' places in the file come from [`FrameCounter`] as the
//! compressing threads finish them. A record goes to the indexer as soon as the blocks it
//! spans are known, so only the records of the blocks still being compressed wait.
//!
//! [`FrameCounter`]: super::bgzf_frames::FrameCounter

use std::collections::VecDeque;

use crossbeam_channel::Receiver;
use noodles_bam::index::Indexer;
use noodles_bgzf::VirtualPosition;
use noodles_core::Position;
use noodles_csi::binning_index::index::reference_sequence::bin::Chunk;

use super::bgzf_frames::Frame;
use crate::core::{Error, Result};

/// Where a record sits on the reference: contig, 1-based first and last base, mapped.
type Context = Option<(usize, Position, Position, bool)>;

/// A known block: where it starts in the file and in the uncompressed stream, and its size.
struct Known {
    c: u64,
    u: u64,
    len: u64,
}

pub(crate) struct LiveIndex {
    indexer: Indexer,
    contigs: usize,
    frames: Receiver<Frame>,
    known: VecDeque<Known>,
    /// Where the next block will start, in the file and uncompressed.
    next_c: u64,
    next_u: u64,
    /// Uncompressed bytes written so far.
    written: u64,
    /// Records whose blocks are not all known yet: start, end, context.
    pending: VecDeque<(u64, u64, Context)>,
}

impl LiveIndex {
    /// An index of a BAM whose records start after `header_len` uncompressed bytes, over
    /// contigs of the given lengths, with block sizes arriving on `frames`.
    pub(crate) fn new(lengths: &[u64], header_len: u64, frames: Receiver<Frame>) -> Result<Self> {
        let longest = lengths.iter().copied().max().unwrap_or(1).max(1);
        let max = Position::new(longest as usize).unwrap_or(Position::MIN);
        let indexer = Indexer::builder()
            .set_max_position_hint(max)
            .build()
            .map_err(|e| Error::Internal(format!("BAM indexer: {e}")))?;
        Ok(LiveIndex {
            indexer,
            contigs: lengths.len(),
            frames,
            known: VecDeque::new(),
            next_c: 0,
            next_u: 0,
            written: header_len,
            pending: VecDeque::new(),
        })
    }

    /// Takes the next record as written (with its 4-byte length prefix).
    pub(crate) fn record(&mut self, bytes: &[u8]) -> Result<()> {
        let start = self.written;
        self.written += bytes.len() as u64;
        self.pending
            .push_back((start, self.written, context(bytes)?));
        if self.pending.len() >= 4096 {
            self.resolve()?;
        }
        Ok(())
    }

    /// Indexes every record whose blocks are known.
    fn resolve(&mut self) -> Result<()> {
        for f in self.frames.try_iter() {
            self.known.push_back(Known {
                c: self.next_c,
                u: self.next_u,
                len: u64::from(f.uncompressed),
            });
            self.next_c += u64::from(f.compressed);
            self.next_u += u64::from(f.uncompressed);
        }
        while let Some(&(start, end, ctx)) = self.pending.front() {
            if end > self.next_u {
                break;
            }
            let chunk = Chunk::new(self.virtual_position(start)?, self.virtual_position(end)?);
            self.indexer
                .add_record(ctx, chunk)
                .map_err(|e| Error::Internal(format!("BAM index: {e}")))?;
            self.pending.pop_front();
            let keep_from = self.pending.front().map_or(self.next_u, |p| p.0);
            while self.known.front().is_some_and(|k| k.u + k.len <= keep_from) {
                self.known.pop_front();
            }
        }
        Ok(())
    }

    /// The virtual position of uncompressed offset `u`: in the block holding it, else the
    /// start of the block that begins there (the end-of-file marker, say), as a reader that has
    /// just used up a block reports it.
    fn virtual_position(&self, u: u64) -> Result<VirtualPosition> {
        if let Some(k) = self.known.iter().find(|k| k.u <= u && u < k.u + k.len) {
            return Ok(VirtualPosition::from((k.c << 16) | (u - k.u)));
        }
        if let Some(k) = self.known.iter().find(|k| k.u == u) {
            return Ok(VirtualPosition::from(k.c << 16));
        }
        if u == self.next_u {
            return Ok(VirtualPosition::from(self.next_c << 16));
        }
        Err(Error::Internal(
            "BAM index: a record outside the known blocks".into(),
        ))
    }

    /// The index, once the file is closed (every block reported).
    pub(crate) fn finish(mut self) -> Result<noodles_bam::index::Index> {
        self.resolve()?;
        if !self.pending.is_empty() {
            return Err(Error::Internal(
                "BAM index: records beyond the file's blocks".into(),
            ));
        }
        Ok(self.indexer.build(self.contigs))
    }
}

/// A record's place on the reference, read from its BAM encoding (as noodles reads it: the
/// last base is the first plus the CIGAR's reference span, less one; the first when the span
/// is zero).
fn context(rec: &[u8]) -> Result<Context> {
    let bad = || Error::Internal("BAM index: a truncated record".into());
    let word = |at: usize| -> Result<i32> {
        rec.get(at..at + 4)
            .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(bad)
    };
    let half = |at: usize| -> Result<u16> {
        rec.get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .ok_or_else(bad)
    };
    let (tid, pos) = (word(4)?, word(8)?);
    if tid < 0 || pos < 0 {
        return Ok(None);
    }
    let name_len = usize::from(*rec.get(12).ok_or_else(bad)?);
    let n_ops = usize::from(half(16)?);
    let flag = half(18)?;
    let cigar = 36 + name_len;
    let mut span = 0usize;
    for i in 0..n_ops {
        let op = word(cigar + 4 * i)? as u32;
        if matches!(op & 0xf, 0 | 2 | 3 | 7 | 8) {
            span += (op >> 4) as usize;
        }
    }
    let first = pos as usize + 1;
    let last = first + span.max(1) - 1;
    let (Some(first), Some(last)) = (Position::new(first), Position::new(last)) else {
        return Ok(None);
    };
    Ok(Some((tid as usize, first, last, flag & 0x4 == 0)))
}

#[cfg(test)]
mod tests {
    use crate::core::cigar::{CigarOp, Kind};
    use crate::io::bam_writer::BamWriter;
    use crate::io::dict::RefSeq;
    use crate::io::sam_record::SamRecord;

    fn record(name: String, tid: i32, pos: i64, cigar: Vec<CigarOp>) -> SamRecord {
        SamRecord {
            name: name.into_bytes(),
            flag: if cigar.is_empty() { 0x4 } else { 0 },
            tid,
            pos,
            mapq: 60,
            cigar,
            mate_tid: -1,
            mate_pos: -1,
            tlen: 0,
            seq: vec![1; 100],
            qual: vec![30; 100],
            aux: Vec::new(),
        }
    }

    /// Sorted records over two contigs (some long deletions, some unmapped beside their mate,
    /// a few unplaced at the end), enough for many BGZF blocks.
    fn records(unplaced: usize) -> Vec<SamRecord> {
        let mut out = Vec::new();
        let mut x = 7u64;
        for tid in 0..2 {
            let mut pos = 0i64;
            for i in 0..40_000 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                pos += (x >> 59) as i64;
                let cigar = match (i % 97 == 5, i % 13) {
                    (true, _) => vec![],
                    (false, 0) => vec![
                        CigarOp::new(Kind::Match, 50),
                        CigarOp::new(Kind::Del, 20_000),
                        CigarOp::new(Kind::Match, 50),
                    ],
                    _ => vec![CigarOp::new(Kind::Match, 100)],
                };
                out.push(record(format!("r{tid}_{i}"), tid, pos, cigar));
            }
        }
        out.extend((0..unplaced).map(|i| record(format!("u{i}"), -1, -1, vec![])));
        out
    }

    #[test]
    fn the_index_built_while_writing_is_the_one_read_from_the_file() {
        for unplaced in [0, 10] {
            same_index(unplaced);
        }
    }

    fn same_index(unplaced: usize) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bam");
        let dict = [
            RefSeq {
                name: "c1".into(),
                len: 3_000_000,
                m5: [0; 16],
            },
            RefSeq {
                name: "c2".into(),
                len: 3_000_000,
                m5: [0; 16],
            },
        ];
        let header = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:c1\tLN:3000000\n@SQ\tSN:c2\tLN:3000000\n";
        let mut w = BamWriter::create_indexed(&path, header, &dict, 2).unwrap();
        let mut buf = Vec::new();
        for r in records(unplaced) {
            buf.clear();
            r.encode_bam(&mut buf);
            w.write_record(&buf).unwrap();
        }
        w.finish(true).unwrap();
        let live = noodles_bam::bai::fs::read(dir.path().join("a.bam.bai")).unwrap();
        let read_back = match noodles_bam::fs::index(&path).unwrap() {
            noodles_bam::index::Index::Bai(b) => b,
            noodles_bam::index::Index::Csi(_) => panic!("expected a BAI"),
        };
        assert_eq!(live, read_back);
    }
}
