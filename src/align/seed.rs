//! Seeding: the read's minimizers looked up in the index, as hits on (strand, diagonal).

use crate::index::Index;
use crate::index::minimizer::{Minimizer, minimizers};

/// A seed hit: the strand the read aligns to (`rev`: the read's reverse complement aligns
/// forward), the diagonal (global reference position minus query position, both on that
/// strand) and the query position. Packed into one word whose order is that of (rev, diag,
/// qpos), so that chaining sorts plain integers: qpos in the low 10 bits, diag + 1024 above
/// it, rev in the top bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Hit(u64);

/// Query positions are below this (reads are at most `MAX_READ_LEN` long).
const QPOS_BITS: u32 = 10;
const _: () = assert!(crate::io::fastq::MAX_READ_LEN <= 1 << QPOS_BITS);
/// Diagonals are at least minus the read length.
const DIAG_BIAS: i64 = 1 << QPOS_BITS;

impl Hit {
    pub(crate) fn new(rev: bool, diag: i64, qpos: u32) -> Hit {
        debug_assert!(diag >= -DIAG_BIAS && (diag + DIAG_BIAS) < 1 << 52 && qpos < 1 << QPOS_BITS);
        Hit((u64::from(rev) << 63) | (((diag + DIAG_BIAS) as u64) << QPOS_BITS) | u64::from(qpos))
    }

    pub(crate) fn rev(self) -> bool {
        self.0 >> 63 == 1
    }

    pub(crate) fn diag(self) -> i64 {
        ((self.0 << 1) >> (QPOS_BITS + 1)) as i64 - DIAG_BIAS
    }

    pub(crate) fn qpos(self) -> u32 {
        (self.0 & ((1 << QPOS_BITS) - 1)) as u32
    }
}

/// Reusable buffers for seeding one read after another.
#[derive(Default)]
pub(crate) struct SeedScratch {
    mins: Vec<Minimizer>,
    hashes: Vec<u64>,
    ranges: Vec<(u32, u32)>,
}

/// Collects the hits of `seq`, skipping minimizers with more than `max_occ` occurrences; when
/// every minimizer is that repetitive, the rarest one is used so that the read still gets a
/// (low-MAPQ) placement.
pub(crate) fn collect_hits(
    index: &Index,
    seq: &[u8],
    max_occ: usize,
    scratch: &mut SeedScratch,
    hits: &mut Vec<Hit>,
) {
    hits.clear();
    let p = index.params();
    let (k, w) = (p.k as usize, p.w as usize);
    minimizers(seq, k, w, &mut scratch.mins);
    scratch.hashes.clear();
    scratch.hashes.extend(scratch.mins.iter().map(|m| m.hash));
    index.lookup_all(&scratch.hashes, &mut scratch.ranges);
    let mut rarest: Option<(usize, Minimizer)> = None;
    for (m, &range) in scratch.mins.iter().zip(&scratch.ranges) {
        let occ = index.occurrences(range);
        if occ.len() > max_occ {
            if rarest.is_none_or(|(n, _)| occ.len() < n) {
                rarest = Some((occ.len(), *m));
            }
            continue;
        }
        push_hits(occ, m, seq.len(), k, hits);
    }
    if hits.is_empty()
        && let Some((n, m)) = rarest
        && n <= max_occ * 20
    {
        push_hits(index.lookup(m.hash), &m, seq.len(), k, hits);
    }
}

fn push_hits(occ: &[u64], m: &Minimizer, len: usize, k: usize, hits: &mut Vec<Hit>) {
    for &o in occ {
        let rpos = (o >> 1) as i64;
        let rev = (o & 1 == 1) != m.rev;
        let qpos = if rev {
            (len - m.pos as usize - k) as u32
        } else {
            m.pos
        };
        hits.push(Hit::new(rev, rpos - i64::from(qpos), qpos));
    }
}
