//! Seeding: the read's minimizers looked up in the index, as hits on (strand, diagonal).

use crate::index::Index;
use crate::index::minimizer::{Minimizer, minimizers};

/// A seed hit. `diag` is the global reference position minus the query position, both on the
/// strand the read aligns to (`rev`: the read's reverse complement aligns forward).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Hit {
    pub rev: bool,
    pub diag: i64,
    pub qpos: u32,
}

/// Reusable buffers for seeding one read after another.
#[derive(Default)]
pub(crate) struct SeedScratch {
    mins: Vec<Minimizer>,
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
    let mut rarest: Option<(usize, Minimizer)> = None;
    for m in &scratch.mins {
        let occ = index.lookup(m.hash);
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
        hits.push(Hit {
            rev,
            diag: rpos - i64::from(qpos),
            qpos,
        });
    }
}
