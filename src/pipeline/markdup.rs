//! Duplicate marking as Picard MarkDuplicates does it: fragments whose reads start at the same
//! unclipped 5' positions on the same strands are copies of one molecule; the copy with the
//! highest sum of base qualities (>= 15) is kept (the earlier fragment on ties), the others are
//! flagged 0x400. A single mapped read at the 5' end of a pair's read is a duplicate of the pair.
//!
//! Memory stays bounded whatever the input size: each fragment's keys go through the external
//! sorter (pairs keyed by both ends; single reads, and markers for the ends of pairs, keyed by one
//! end), the sorted streams are read once, and what remains is one bit per fragment.

use crate::align::record::{DupEnds, FivePrime};
use crate::core::{Error, Result};
use crate::io::sort::Sorter;

/// Sort class of an end that belongs to a pair: sorts before the single reads at that end.
const PAIR_END: u64 = 0;
/// Sort class of a single mapped read.
const SINGLE: u64 = 1;

/// Collects the duplicate keys of all fragments, in fragment order.
pub(crate) struct DupMarker {
    pairs: Sorter,
    ends: Sorter,
    fragments: u64,
}

/// One bit per fragment: set when the fragment is a duplicate.
pub(crate) struct DupSet {
    bits: Vec<u64>,
}

impl DupSet {
    pub(crate) fn contains(&self, fragment: u64) -> bool {
        let word = (fragment / 64) as usize;
        self.bits
            .get(word)
            .is_some_and(|w| w >> (fragment % 64) & 1 == 1)
    }

    fn insert(&mut self, fragment: u64) {
        if let Some(w) = self.bits.get_mut((fragment / 64) as usize) {
            *w |= 1 << (fragment % 64);
        }
    }

    /// How many fragments are duplicates.
    pub(crate) fn len(&self) -> u64 {
        self.bits.iter().map(|w| u64::from(w.count_ones())).sum()
    }
}

/// A 5' end as one sortable number: contig, position (offset so that clipped ends before the
/// contig start stay ordered) and strand.
fn end_key(FivePrime { contig, pos, rev }: FivePrime) -> u64 {
    let offset = (pos.clamp(-(1 << 31), (1 << 31) - 1) + (1 << 31)) as u64;
    (u64::from(contig) << 33) | (offset << 1) | u64::from(rev)
}

fn payload(score: u32, fragment: u64) -> [u8; 12] {
    let mut p = [0u8; 12];
    p[..4].copy_from_slice(&score.to_le_bytes());
    p[4..].copy_from_slice(&fragment.to_le_bytes());
    p
}

fn parse_payload(bytes: &[u8]) -> Result<(u32, u64)> {
    let bad = || Error::Internal("duplicate-marking run record".into());
    let score = bytes
        .get(..4)
        .ok_or_else(bad)?
        .try_into()
        .map_err(|_| bad())?;
    let fragment = bytes
        .get(4..12)
        .ok_or_else(bad)?
        .try_into()
        .map_err(|_| bad())?;
    Ok((u32::from_le_bytes(score), u64::from_le_bytes(fragment)))
}

/// The best copy of a group seen so far; a better one makes the previous best a duplicate.
#[derive(Default)]
struct Best(Option<(u32, u64)>);

impl Best {
    fn offer(&mut self, score: u32, fragment: u64, dups: &mut DupSet) {
        match self.0 {
            None => self.0 = Some((score, fragment)),
            Some((s, f)) if (score, std::cmp::Reverse(fragment)) > (s, std::cmp::Reverse(f)) => {
                dups.insert(f);
                self.0 = Some((score, fragment));
            }
            Some(_) => dups.insert(fragment),
        }
    }
}

impl DupMarker {
    /// A marker whose two sorters each keep about `limit` bytes in memory, spilling into `dir`.
    pub(crate) fn new(limit: usize, dir: &std::path::Path) -> Result<Self> {
        Ok(DupMarker {
            pairs: Sorter::new(limit, dir)?,
            ends: Sorter::new(limit, dir)?,
            fragments: 0,
        })
    }

    /// Takes the ends of fragments `first`, `first + 1`, ...
    pub(crate) fn push(&mut self, first: u64, frags: &[DupEnds]) -> Result<()> {
        for (i, f) in frags.iter().enumerate() {
            let fragment = first + i as u64;
            let p = payload(f.score, fragment);
            match f.ends {
                [Some(a), Some(b)] => {
                    let (a, b) = (end_key(a), end_key(b));
                    self.pairs.push((a.min(b), a.max(b)), &p)?;
                    self.ends.push((a, PAIR_END), &[])?;
                    self.ends.push((b, PAIR_END), &[])?;
                }
                [Some(e), None] | [None, Some(e)] => self.ends.push((end_key(e), SINGLE), &p)?,
                [None, None] => {}
            }
        }
        self.fragments = self.fragments.max(first + frags.len() as u64);
        Ok(())
    }

    /// Decides which fragments are duplicates.
    pub(crate) fn finish(self) -> Result<DupSet> {
        let mut dups = DupSet {
            bits: vec![0; self.fragments.div_ceil(64) as usize],
        };
        let mut group = None;
        let mut best = Best::default();
        self.pairs.finish(|key, bytes| {
            let (score, fragment) = parse_payload(bytes)?;
            if group != Some(key) {
                group = Some(key);
                best = Best::default();
            }
            best.offer(score, fragment, &mut dups);
            Ok(())
        })?;
        let mut end = None;
        let mut at_pair_end = false;
        self.ends.finish(|(e, class), bytes| {
            if end != Some(e) {
                end = Some(e);
                at_pair_end = false;
                best = Best::default();
            }
            if class == PAIR_END {
                at_pair_end = true;
                return Ok(());
            }
            let (score, fragment) = parse_payload(bytes)?;
            if at_pair_end {
                dups.insert(fragment);
            } else {
                best.offer(score, fragment, &mut dups);
            }
            Ok(())
        })?;
        Ok(dups)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(contig: u32, pos: i64, rev: bool) -> FivePrime {
        FivePrime { contig, pos, rev }
    }

    fn pair(a: i64, b: i64, score: u32) -> DupEnds {
        DupEnds {
            ends: [Some(end(0, a, false)), Some(end(0, b, true))],
            score,
        }
    }

    fn single(pos: i64, score: u32) -> DupEnds {
        DupEnds {
            ends: [Some(end(0, pos, false)), None],
            score,
        }
    }

    fn marked(frags: &[DupEnds], limit: usize, batch: usize) -> Vec<bool> {
        let dir = tempfile::tempdir().unwrap();
        let mut m = DupMarker::new(limit, dir.path()).unwrap();
        for (i, chunk) in frags.chunks(batch).enumerate() {
            m.push((i * batch) as u64, chunk).unwrap();
        }
        let set = m.finish().unwrap();
        (0..frags.len() as u64).map(|f| set.contains(f)).collect()
    }

    #[test]
    fn keeps_best_copy_of_each_pair_and_drops_fragments_at_pair_ends() {
        let frags = vec![
            pair(100, 400, 50),
            pair(100, 400, 90),
            pair(100, 401, 10),
            single(100, 99),
            single(700, 5),
            single(700, 5),
            DupEnds {
                ends: [None, None],
                score: 5,
            },
            pair(-3, 250, 7),
            pair(-3, 250, 7),
        ];
        let want = vec![true, false, false, true, false, true, false, false, true];
        assert_eq!(marked(&frags, 1 << 20, 4), want);
    }

    #[test]
    fn spilled_runs_give_the_in_memory_answer() {
        let mut x = 7u64;
        let frags: Vec<DupEnds> = (0..20_000)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let a = ((x >> 33) % 3000) as i64;
                let score = ((x >> 12) % 40) as u32;
                match x % 5 {
                    0 => single(a, score),
                    1 => DupEnds {
                        ends: [None, Some(end(1, a, true))],
                        score,
                    },
                    _ => pair(a, a + ((x >> 20) % 7) as i64 * 50, score),
                }
            })
            .collect();
        let in_memory = marked(&frags, 1 << 30, 20_000);
        let spilled = marked(&frags, 1 << 16, 1_000);
        assert_eq!(in_memory, spilled);
        let n = in_memory.iter().filter(|&&d| d).count();
        assert!(n > 5_000 && n < 19_000, "{n} duplicates");
    }

    #[test]
    fn end_keys_order_like_their_ends() {
        let ends = [
            end(0, -5, false),
            end(0, -5, true),
            end(0, 0, false),
            end(0, 1 << 30, false),
            end(1, -1, false),
        ];
        let keys: Vec<u64> = ends.iter().map(|&e| end_key(e)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
    }
}
