//! (w,k)-minimizers of a base-code sequence: the k-mer of least hash in every window of w
//! consecutive k-mers, on the canonical strand.

/// A minimizer: `hash` of the canonical k-mer, `pos` of its first base, `rev` when the
/// canonical k-mer is the reverse complement of the one on the given strand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Minimizer {
    pub hash: u64,
    pub pos: u32,
    pub rev: bool,
}

/// Thomas Wang's invertible integer hash, restricted to `mask` bits, so that distinct
/// k-mers keep distinct hashes while their order is scrambled.
pub(crate) fn hash64(key: u64, mask: u64) -> u64 {
    let mut key = (!key).wrapping_add(key << 21) & mask;
    key ^= key >> 24;
    key = key.wrapping_add(key << 3).wrapping_add(key << 8) & mask;
    key ^= key >> 14;
    key = key.wrapping_add(key << 2).wrapping_add(key << 4) & mask;
    key ^= key >> 28;
    key.wrapping_add(key << 31) & mask
}

const INVALID: u64 = u64::MAX;

/// Canonical k-mer hashes at every position of `seq` (`INVALID` where a k-mer holds an N),
/// together with the strand flag. Position i holds the k-mer starting at base i.
fn kmer_hashes(seq: &[u8], k: usize, out: &mut Vec<(u64, bool)>) {
    out.clear();
    if seq.len() < k {
        return;
    }
    let mask = (1u64 << (2 * k)) - 1;
    let shift = 2 * (k as u64 - 1);
    let (mut fwd, mut rev, mut valid) = (0u64, 0u64, 0usize);
    for (i, &c) in seq.iter().enumerate() {
        if c > 3 {
            valid = 0;
        } else {
            fwd = ((fwd << 2) | u64::from(c)) & mask;
            rev = (rev >> 2) | (u64::from(3 - c) << shift);
            valid += 1;
        }
        if i + 1 >= k {
            if valid >= k && fwd != rev {
                let is_rev = rev < fwd;
                out.push((hash64(if is_rev { rev } else { fwd }, mask), is_rev));
            } else {
                out.push((INVALID, false));
            }
        }
    }
}

/// Appends the minimizers of `seq` whose position lies in `keep` (a range of k-mer start
/// positions) to `out`, in increasing position. A minimizer is the leftmost k-mer of least hash
/// in some window of `w` consecutive k-mers; the result depends only on the windows around each
/// position, so a long sequence can be cut into overlapping chunks with identical results.
pub(crate) fn minimizers_in(
    seq: &[u8],
    k: usize,
    w: usize,
    keep: std::ops::Range<usize>,
    scratch: &mut Vec<(u64, bool)>,
    out: &mut Vec<Minimizer>,
) {
    kmer_hashes(seq, k, scratch);
    let n = scratch.len();
    if n == 0 {
        return;
    }
    let w = w.min(n);
    let mut deque = std::collections::VecDeque::with_capacity(w + 1);
    let mut last = usize::MAX;
    for i in 0..n {
        let h = scratch[i].0;
        while deque.back().is_some_and(|&j: &usize| scratch[j].0 > h) {
            deque.pop_back();
        }
        deque.push_back(i);
        if i + 1 < w {
            continue;
        }
        while deque.front().is_some_and(|&j| j + w <= i) {
            deque.pop_front();
        }
        let Some(&m) = deque.front() else { continue };
        if m != last && scratch[m].0 != INVALID {
            last = m;
            if keep.contains(&m) {
                out.push(Minimizer {
                    hash: scratch[m].0,
                    pos: m as u32,
                    rev: scratch[m].1,
                });
            }
        }
    }
}

/// All minimizers of `seq`.
pub(crate) fn minimizers(seq: &[u8], k: usize, w: usize, out: &mut Vec<Minimizer>) {
    let mut scratch = Vec::new();
    out.clear();
    minimizers_in(seq, k, w, 0..seq.len(), &mut scratch, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_seq(n: usize, seed: u64) -> Vec<u8> {
        let mut rng = crate::core::rng::Rng::new(seed);
        (0..n).map(|_| rng.below(4) as u8).collect()
    }

    fn revcomp(s: &[u8]) -> Vec<u8> {
        s.iter()
            .rev()
            .map(|&c| if c > 3 { c } else { 3 - c })
            .collect()
    }

    #[test]
    fn hash_is_injective_on_small_keys() {
        let mask = (1 << 12) - 1;
        let set: std::collections::HashSet<u64> = (0..4096).map(|k| hash64(k, mask)).collect();
        assert_eq!(set.len(), 4096);
    }

    #[test]
    fn reverse_complement_gives_same_hashes_opposite_strand() {
        let s = random_seq(500, 7);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        minimizers(&s, 15, 8, &mut a);
        minimizers(&revcomp(&s), 15, 8, &mut b);
        let mut ha: Vec<u64> = a.iter().map(|m| m.hash).collect();
        let mut hb: Vec<u64> = b.iter().map(|m| m.hash).collect();
        ha.sort();
        hb.sort();
        assert_eq!(ha, hb);
        let first = a[0];
        let twin = b.iter().find(|m| m.hash == first.hash).unwrap();
        assert_eq!(twin.rev, !first.rev);
        assert_eq!(twin.pos as usize, 500 - first.pos as usize - 15);
    }

    #[test]
    fn chunked_computation_matches_whole() {
        let mut s = random_seq(3000, 3);
        s[1000..1010].fill(4);
        let mut whole = Vec::new();
        minimizers(&s, 19, 10, &mut whole);
        let (mut parts, mut scratch) = (Vec::new(), Vec::new());
        let margin = 19 + 10;
        for start in (0usize..3000).step_by(700) {
            let end = (start + 700).min(3000);
            let lo = start.saturating_sub(margin);
            let hi = (end + margin).min(3000);
            let before = parts.len();
            minimizers_in(
                &s[lo..hi],
                19,
                10,
                start - lo..end - lo,
                &mut scratch,
                &mut parts,
            );
            for m in &mut parts[before..] {
                m.pos += lo as u32;
            }
        }
        assert_eq!(whole, parts);
        assert!(
            whole
                .iter()
                .all(|m| !(982..1010).contains(&(m.pos as usize)))
        );
    }
}
