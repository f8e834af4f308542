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
use crate::io::sam_record::flag;
use crate::io::sort::Sorter;

/// Sort class of an end that belongs to a pair: sorts before the single reads at that end.
const PAIR_END: u64 = 0;
/// Sort class of a single mapped read.
const SINGLE: u64 = 1;

/// Collects the duplicate keys of all fragments, in fragment order, one pair of key streams
/// per library: copies of a molecule are only looked for within its library (as Picard does,
/// across all of the library's lanes).
pub(crate) struct DupMarker {
    libraries: Vec<Library>,
    fragments: u64,
}

/// A library's key streams and counts.
struct Library {
    pairs: Sorter,
    ends: Sorter,
    counts: LibraryCounts,
}

/// The counts of Picard's `DuplicationMetrics` for one library (optical duplicates are not
/// looked for: 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct LibraryCounts {
    /// Mapped primary reads whose mate is unmapped or absent.
    pub unpaired_reads_examined: u64,
    /// Fragments with both reads mapped.
    pub read_pairs_examined: u64,
    pub secondary_or_supplementary: u64,
    pub unmapped_reads: u64,
    pub unpaired_read_duplicates: u64,
    pub read_pair_duplicates: u64,
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

    /// Sets the fragments of `other` too.
    pub(crate) fn union(&mut self, other: &DupSet) {
        if self.bits.len() < other.bits.len() {
            self.bits.resize(other.bits.len(), 0);
        }
        for (w, o) in self.bits.iter_mut().zip(&other.bits) {
            *w |= o;
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
    /// A marker for `libraries` libraries whose key streams keep about `limit` bytes in memory
    /// together, spilling into `dir`.
    pub(crate) fn new(limit: usize, dir: &std::path::Path, libraries: usize) -> Result<Self> {
        let n = libraries.max(1);
        let each = (limit / (2 * n)).max(1 << 16);
        let libraries = (0..n)
            .map(|_| {
                Ok(Library {
                    pairs: Sorter::new(each, dir)?,
                    ends: Sorter::new(each, dir)?,
                    counts: LibraryCounts::default(),
                })
            })
            .collect::<Result<_>>()?;
        Ok(DupMarker {
            libraries,
            fragments: 0,
        })
    }

    fn library(&mut self, i: u16) -> Result<&mut Library> {
        self.libraries
            .get_mut(usize::from(i))
            .ok_or_else(|| Error::Internal(format!("duplicate marking: no library {i}")))
    }

    /// Takes the ends of fragments `first`, `first + 1`, ...
    pub(crate) fn push(&mut self, first: u64, frags: &[DupEnds]) -> Result<()> {
        for (i, f) in frags.iter().enumerate() {
            let fragment = first + i as u64;
            let p = payload(f.score, fragment);
            let lib = self.library(f.library)?;
            match f.ends {
                [Some(a), Some(b)] => {
                    let (a, b) = (end_key(a), end_key(b));
                    lib.pairs.push((a.min(b), a.max(b)), &p)?;
                    lib.ends.push((a, PAIR_END), &[])?;
                    lib.ends.push((b, PAIR_END), &[])?;
                    lib.counts.read_pairs_examined += 1;
                }
                [Some(e), None] | [None, Some(e)] => {
                    lib.ends.push((end_key(e), SINGLE), &p)?;
                    lib.counts.unpaired_reads_examined += 1;
                }
                [None, None] => {}
            }
        }
        self.fragments = self.fragments.max(first + frags.len() as u64);
        Ok(())
    }

    /// Counts a fragment's unmapped, secondary and supplementary records for its library.
    pub(crate) fn count_records(&mut self, library: u16, flags: &[u16]) -> Result<()> {
        let c = &mut self.library(library)?.counts;
        for f in flags {
            if f & flag::UNMAPPED != 0 {
                c.unmapped_reads += 1;
            } else if f & (flag::SECONDARY | flag::SUPPLEMENTARY) != 0 {
                c.secondary_or_supplementary += 1;
            }
        }
        Ok(())
    }

    /// Decides which fragments are duplicates; returns them and each library's counts.
    pub(crate) fn finish(self) -> Result<(DupSet, Vec<LibraryCounts>)> {
        let words = self.fragments.div_ceil(64) as usize;
        let mut all = DupSet {
            bits: vec![0; words],
        };
        let mut counts = Vec::with_capacity(self.libraries.len());
        for lib in self.libraries {
            let mut c = lib.counts;
            let mut dups = DupSet {
                bits: vec![0; words],
            };
            finish_pairs(lib.pairs, &mut dups)?;
            c.read_pair_duplicates = dups.len();
            finish_ends(lib.ends, &mut dups)?;
            c.unpaired_read_duplicates = dups.len() - c.read_pair_duplicates;
            all.union(&dups);
            counts.push(c);
        }
        Ok((all, counts))
    }
}

/// Pairs with the same two ends: the best is kept.
fn finish_pairs(pairs: Sorter, dups: &mut DupSet) -> Result<()> {
    let mut group = None;
    let mut best = Best::default();
    pairs.finish(|key, bytes| {
        let (score, fragment) = parse_payload(bytes)?;
        if group != Some(key) {
            group = Some(key);
            best = Best::default();
        }
        best.offer(score, fragment, dups);
        Ok(())
    })
}

/// Single reads at one end: all duplicates where a pair has that end, else the best is kept.
fn finish_ends(ends: Sorter, dups: &mut DupSet) -> Result<()> {
    let mut end = None;
    let mut at_pair_end = false;
    let mut best = Best::default();
    ends.finish(|(e, class), bytes| {
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
            best.offer(score, fragment, dups);
        }
        Ok(())
    })
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
            library: 0,
        }
    }

    fn single(pos: i64, score: u32) -> DupEnds {
        DupEnds {
            ends: [Some(end(0, pos, false)), None],
            score,
            library: 0,
        }
    }

    fn marked(frags: &[DupEnds], limit: usize, batch: usize) -> Vec<bool> {
        let dir = tempfile::tempdir().unwrap();
        let libraries = frags.iter().map(|f| f.library + 1).max().unwrap_or(1);
        let mut m = DupMarker::new(limit, dir.path(), usize::from(libraries)).unwrap();
        for (i, chunk) in frags.chunks(batch).enumerate() {
            m.push((i * batch) as u64, chunk).unwrap();
        }
        let (set, _) = m.finish().unwrap();
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
                library: 0,
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
                        library: 0,
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
    fn copies_are_looked_for_within_a_library_and_counted_as_picard_does() {
        let in_lib = |mut f: DupEnds, library: u16| {
            f.library = library;
            f
        };
        let frags = vec![
            in_lib(pair(100, 400, 50), 0),
            in_lib(pair(100, 400, 90), 1),
            in_lib(pair(100, 400, 10), 0),
            in_lib(single(100, 99), 1),
            in_lib(single(700, 5), 0),
            in_lib(single(700, 6), 0),
        ];
        assert_eq!(
            marked(&frags, 1 << 20, 2),
            vec![false, false, true, true, true, false]
        );
        let dir = tempfile::tempdir().unwrap();
        let mut m = DupMarker::new(1 << 20, dir.path(), 2).unwrap();
        m.push(0, &frags).unwrap();
        m.count_records(0, &[flag::UNMAPPED, flag::SUPPLEMENTARY, 0])
            .unwrap();
        assert!(m.count_records(2, &[0]).is_err());
        let (set, counts) = m.finish().unwrap();
        assert_eq!(set.len(), 3);
        assert_eq!(
            counts[0],
            LibraryCounts {
                unpaired_reads_examined: 2,
                read_pairs_examined: 2,
                secondary_or_supplementary: 1,
                unmapped_reads: 1,
                unpaired_read_duplicates: 1,
                read_pair_duplicates: 1,
            }
        );
        assert_eq!(
            (
                counts[1].read_pair_duplicates,
                counts[1].unpaired_read_duplicates
            ),
            (0, 1)
        );
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
