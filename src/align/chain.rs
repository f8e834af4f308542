//! Chaining: hits on nearby diagonals of one strand form a candidate placement.

use super::seed::Hit;

/// A candidate placement of a read: seeds on diagonals `diag_lo..=diag_hi` of one strand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub rev: bool,
    pub diag_lo: i64,
    pub diag_hi: i64,
    /// Query bases covered by the seeds' k-mers.
    pub cover: u32,
    /// Query range spanned by the seeds (on the aligned strand).
    pub qlo: u32,
    pub qhi: u32,
}

/// Largest diagonal step between neighbouring seeds of one candidate (an indel of this size).
const MAX_DIAG_STEP: i64 = 24;
/// Largest diagonal span of one candidate, so tandem arrays do not merge into one.
const MAX_DIAG_SPAN: i64 = 64;

/// Groups `hits` (sorted in place) into candidates, best cover first.
pub(crate) fn chain(hits: &mut [Hit], k: u32) -> Vec<Candidate> {
    hits.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=hits.len() {
        let split = i == hits.len()
            || hits[i].rev() != hits[i - 1].rev()
            || hits[i].diag() - hits[i - 1].diag() > MAX_DIAG_STEP
            || hits[i].diag() - hits[start].diag() > MAX_DIAG_SPAN;
        if split {
            if i > start {
                out.push(summarise(&mut hits[start..i], k));
            }
            start = i;
        }
    }
    out.sort_by(|a, b| {
        b.cover
            .cmp(&a.cover)
            .then((a.rev, a.diag_lo).cmp(&(b.rev, b.diag_lo)))
    });
    out
}

fn summarise(group: &mut [Hit], k: u32) -> Candidate {
    let (diag_lo, diag_hi) = (group[0].diag(), group[group.len() - 1].diag());
    let rev = group[0].rev();
    group.sort_unstable_by_key(|h| h.qpos());
    let (mut cover, mut covered_to) = (0u32, 0u32);
    for h in group.iter() {
        let end = h.qpos() + k;
        cover += end - h.qpos().max(covered_to).min(end);
        covered_to = covered_to.max(end);
    }
    Candidate {
        rev,
        diag_lo,
        diag_hi,
        cover,
        qlo: group[0].qpos(),
        qhi: group[group.len() - 1].qpos() + k,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_strand_and_diagonal() {
        let mut hits = vec![
            Hit::new(false, 1000, 0),
            Hit::new(false, 1000, 30),
            Hit::new(false, 1003, 60),
            Hit::new(true, 1000, 5),
            Hit::new(false, 90_000, 10),
        ];
        let c = chain(&mut hits, 19);
        assert_eq!(c.len(), 3);
        assert_eq!(
            (c[0].rev, c[0].diag_lo, c[0].diag_hi, c[0].cover),
            (false, 1000, 1003, 57)
        );
        assert_eq!((c[0].qlo, c[0].qhi), (0, 79));
    }

    #[test]
    fn packed_hits_order_as_strand_diagonal_query_position() {
        let all: Vec<(bool, i64, u32)> = [false, true]
            .into_iter()
            .flat_map(|r| [-1024i64, -3, 0, 7, 1 << 40].map(move |d| (r, d)))
            .flat_map(|(r, d)| [0u32, 5, 1023].map(move |q| (r, d, q)))
            .collect();
        let hits: Vec<Hit> = all.iter().map(|&(r, d, q)| Hit::new(r, d, q)).collect();
        for (h, &(r, d, q)) in hits.iter().zip(&all) {
            assert_eq!((h.rev(), h.diag(), h.qpos()), (r, d, q));
        }
        let mut sorted = hits.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, hits, "built in (rev, diag, qpos) order");
    }
}
