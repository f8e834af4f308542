//! Duplicate marking as Picard MarkDuplicates does it: fragments whose reads start at the same
//! unclipped 5' positions on the same strands are copies of one molecule; the copy with the
//! highest sum of base qualities (>= 15) is kept, the others are flagged 0x400.

use std::collections::{HashMap, HashSet};

use crate::align::record::DupEnds;

type End = (u32, i64, bool);

/// Which fragments are duplicates, by position in `frags`.
pub fn duplicates(frags: &[DupEnds]) -> Vec<bool> {
    let mut dup = vec![false; frags.len()];
    let mut pairs: HashMap<(End, End), (u32, usize)> = HashMap::new();
    let mut pair_ends: HashSet<End> = HashSet::new();
    for (i, f) in frags.iter().enumerate() {
        if let [Some(a), Some(b)] = f.ends {
            let key = if a <= b { (a, b) } else { (b, a) };
            pair_ends.insert(a);
            pair_ends.insert(b);
            keep_best(&mut pairs, key, f.score, i, &mut dup);
        }
    }
    let mut singles: HashMap<End, (u32, usize)> = HashMap::new();
    for (i, f) in frags.iter().enumerate() {
        let end = match f.ends {
            [Some(e), None] | [None, Some(e)] => e,
            _ => continue,
        };
        if pair_ends.contains(&end) {
            dup[i] = true;
        } else {
            keep_best(&mut singles, end, f.score, i, &mut dup);
        }
    }
    dup
}

/// Keeps the highest score per key (the earlier fragment on ties); flags the loser.
fn keep_best<K: std::hash::Hash + Eq>(
    best: &mut HashMap<K, (u32, usize)>,
    key: K,
    score: u32,
    i: usize,
    dup: &mut [bool],
) {
    match best.get_mut(&key) {
        None => {
            best.insert(key, (score, i));
        }
        Some(slot) => {
            if score > slot.0 {
                dup[slot.1] = true;
                *slot = (score, i);
            } else {
                dup[i] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: i64, b: i64, score: u32) -> DupEnds {
        DupEnds {
            ends: [Some((0, a, false)), Some((0, b, true))],
            score,
        }
    }

    #[test]
    fn keeps_best_copy_of_each_pair_and_drops_fragments_at_pair_ends() {
        let frags = vec![
            pair(100, 400, 50),
            pair(100, 400, 90),
            pair(100, 401, 10),
            DupEnds {
                ends: [Some((0, 100, false)), None],
                score: 99,
            },
            DupEnds {
                ends: [Some((0, 700, false)), None],
                score: 5,
            },
            DupEnds {
                ends: [Some((0, 700, false)), None],
                score: 5,
            },
            DupEnds {
                ends: [None, None],
                score: 5,
            },
        ];
        assert_eq!(
            duplicates(&frags),
            vec![true, false, false, true, false, true, false]
        );
    }
}
