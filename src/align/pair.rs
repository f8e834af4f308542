//! Choosing each read's placement: the best-scoring proper pair when it beats the best
//! unpaired placements less a penalty, and MAPQ for both mates.

use super::alignment::Alignment;
use super::insert::{InsertStats, fr_insert};
use super::mapq;

/// How many alignments of each mate are tried against each other.
const PAIR_TOP: usize = 8;

/// A read's alignments (best first) and the count of near-tied placements left unextended.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadHits {
    pub alns: Vec<Alignment>,
    pub extra_ties: u32,
}

impl ReadHits {
    /// Sorts best first (ties by place, for determinism) and drops duplicate placements.
    pub(crate) fn normalise(&mut self, min_score: i32) {
        self.alns.retain(|a| a.score >= min_score);
        self.alns.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then((a.contig, a.pos, a.rev, a.qstart).cmp(&(b.contig, b.pos, b.rev, b.qstart)))
        });
        let mut kept: Vec<Alignment> = Vec::with_capacity(self.alns.len());
        for a in self.alns.drain(..) {
            if !kept.iter().any(|k| k.same_place(&a)) {
                kept.push(a);
            }
        }
        self.alns = kept;
    }

    /// Single-end MAPQ of alignment `i`: against alignments covering mostly the same query bases.
    pub(crate) fn mapq_se(&self, i: usize, len: u32, seed_floor: i32) -> (u8, i32) {
        let a = &self.alns[i];
        let (mut sub, mut n_sub) = (0, self.extra_ties);
        for (j, b) in self.alns.iter().enumerate() {
            if j == i || !a.shares_query(b, len) {
                continue;
            }
            sub = sub.max(b.score);
            if b.score + 5 >= a.score {
                n_sub += 1;
            }
        }
        (
            mapq::single_end(
                a.score,
                sub,
                n_sub.saturating_sub(1),
                a.qend - a.qstart,
                seed_floor,
            ),
            sub,
        )
    }
}

/// The outcome of pairing: which alignment of each mate is primary, MAPQs, proper or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PairChoice {
    pub first: Option<usize>,
    pub second: Option<usize>,
    pub mapq: [u8; 2],
    pub proper: bool,
}

/// Pairing parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PairParams<'a> {
    pub stats: &'a InsertStats,
    pub unpaired_penalty: i32,
    pub seed_floor: i32,
    pub lens: [u32; 2],
}

/// Chooses the placements of two mates.
pub(crate) fn choose(a: &ReadHits, b: &ReadHits, p: &PairParams) -> PairChoice {
    let se = |h: &ReadHits, i: usize, m: usize| h.mapq_se(i, p.lens[m], p.seed_floor).0;
    if a.alns.is_empty() || b.alns.is_empty() {
        let first = (!a.alns.is_empty()).then_some(0);
        let second = (!b.alns.is_empty()).then_some(0);
        let mapq = [
            first.map_or(0, |i| se(a, i, 0)),
            second.map_or(0, |i| se(b, i, 1)),
        ];
        return PairChoice {
            first,
            second,
            mapq,
            proper: false,
        };
    }
    let mut pairs: Vec<(i32, usize, usize)> = Vec::new();
    for (i, x) in a.alns.iter().take(PAIR_TOP).enumerate() {
        for (j, y) in b.alns.iter().take(PAIR_TOP).enumerate() {
            if let Some(ins) = fr_insert(x, y).filter(|&s| s >= p.stats.lo && s <= p.stats.hi) {
                pairs.push((x.score + y.score + p.stats.penalty(ins), i, j));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let unpaired = a.alns[0].score + b.alns[0].score - p.unpaired_penalty;
    match pairs.first() {
        Some(&(best, i, j)) if best >= unpaired => {
            let runner_up = pairs.get(1).map_or(unpaired, |s| s.0.max(unpaired));
            let ties = pairs.iter().skip(1).filter(|s| s.0 >= best).count() as u32;
            // Both mates have placements as good as these that were never extended: the pair
            // cannot tell the copies apart either.
            let unexplored = a.extra_ties > 0 && b.extra_ties > 0;
            let q_pe = if unexplored {
                0
            } else {
                mapq::pair(best, runner_up, ties)
            };
            let mapq = [
                mapq::in_pair(se(a, i, 0), q_pe, i == 0),
                mapq::in_pair(se(b, j, 1), q_pe, j == 0),
            ];
            PairChoice {
                first: Some(i),
                second: Some(j),
                mapq,
                proper: true,
            }
        }
        _ => PairChoice {
            first: Some(0),
            second: Some(0),
            mapq: [se(a, 0, 0), se(b, 0, 1)],
            proper: false,
        },
    }
}

/// The reference range where the mate of `anchor` should lie for a proper pair, and the strand
/// it should align on.
pub(crate) fn rescue_window(anchor: &Alignment, stats: &InsertStats) -> (i64, i64, bool) {
    if anchor.rev {
        (anchor.end - stats.hi, anchor.end, false)
    } else {
        (anchor.pos, anchor.pos + stats.hi, true)
    }
}

/// True when `hits` already holds a placement that pairs properly with `anchor`.
pub(crate) fn has_proper_mate(anchor: &Alignment, hits: &ReadHits, stats: &InsertStats) -> bool {
    hits.alns
        .iter()
        .take(PAIR_TOP)
        .any(|b| fr_insert(anchor, b).is_some_and(|s| s >= stats.lo && s <= stats.hi))
}
