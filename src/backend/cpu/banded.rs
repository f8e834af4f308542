//! The fast extension kernel: the same recurrences as the oracle, stored by diagonal
//! (k = j - i - lo) in rolling rows, with one traceback byte per banded cell.

use super::Aligned;
use super::cell::{Best, NEG, Neighbours, update};
use super::oracle::finish;
use crate::backend::Scoring;

/// Aligns `q` in `t` within diagonals `lo..=hi`; identical results to [`super::oracle::align`].
pub(crate) fn align(s: &Scoring, q: &[u8], t: &[u8], lo: i32, hi: i32) -> Aligned {
    let (m, n) = (q.len() as i64, t.len() as i64);
    let (lo, hi) = (i64::from(lo), i64::from(hi));
    let width = (hi - lo + 1).max(0) as usize;
    let mut best = Best::new();
    if width == 0 || m == 0 || n == 0 {
        return finish(best, |_, _| 0);
    }
    // Rows one longer than the band, the last always minus infinity, so that the row above
    // can be read at k + 1 without a check.
    let (mut prev_h, mut prev_f) = (vec![NEG; width + 1], vec![NEG; width + 1]);
    let (mut cur_h, mut cur_f) = (vec![NEG; width + 1], vec![NEG; width + 1]);
    let mut tb = vec![0u8; m as usize * width];
    let mut above_first = vec![0; width];
    above_first.resize(2 * width, NEG);
    for i in 1..=m {
        // Diagonals whose column j = i + lo + k lies in 1..=n.
        let k_first = (1 - i - lo).clamp(0, width as i64) as usize;
        let k_end = ((n - i - lo + 1).clamp(0, width as i64) as usize).max(k_first);
        let len = k_end - k_first;
        cur_h[..k_first].fill(NEG);
        cur_f[..k_first].fill(NEG);
        let qi = q[i as usize - 1];
        let first_row = i == 1;
        let fresh = if first_row { 0 } else { -s.clip };
        let row = &mut tb[(i as usize - 1) * width + k_first..][..len];
        // Column j - 1 of the row's first diagonal: the row's target bases.
        let j_first = (i + lo + k_first as i64) as usize;
        let t_row = if len > 0 {
            &t[j_first - 1..][..len]
        } else {
            &[][..]
        };
        let (diag, up_h, up_f) = (
            &prev_h[k_first..k_end],
            &prev_h[k_first + 1..k_end + 1],
            &prev_f[k_first + 1..k_end + 1],
        );
        let (out_h, out_f) = (&mut cur_h[k_first..k_end], &mut cur_f[k_first..k_end]);
        // H and E of the cell to the left stay in registers: reading them back from the row
        // just written would put a store-to-load delay on the one serial chain of the row.
        let (mut left_h, mut left_e) = (NEG, NEG);
        // The row above the first: a free start everywhere, no gap to come down from.
        let (zeros, negs) = (&above_first[..len], &above_first[width..width + len]);
        let (diag, up_h, up_f) = if first_row {
            (zeros, negs, negs)
        } else {
            (diag, up_h, up_f)
        };
        for x in 0..len {
            let nb = Neighbours {
                diag_h: diag[x],
                up_h: up_h[x],
                up_f: up_f[x],
                left_h,
                left_e,
            };
            let (hh, ee, ff, b) = update(s, nb, s.substitution(qi, t_row[x]), fresh);
            (out_h[x], out_f[x], row[x]) = (hh, ff, b);
            (left_h, left_e) = (hh, ee);
            best.offer(hh, i as usize, j_first + x, m as usize, s.clip);
        }
        cur_h[k_end..width].fill(NEG);
        cur_f[k_end..width].fill(NEG);
        std::mem::swap(&mut prev_h, &mut cur_h);
        std::mem::swap(&mut prev_f, &mut cur_f);
    }
    finish(best, |i, j| {
        let k = (j as i64 - i as i64 - lo) as usize;
        tb[(i - 1) * width + k]
    })
}

#[cfg(test)]
mod tests {
    use super::super::oracle;
    use super::*;

    fn rng(seed: &mut u64) -> u64 {
        let mut r = crate::core::rng::Rng::new(*seed);
        *seed = r.next_u64();
        *seed
    }

    fn mutate(src: &[u8], seed: &mut u64) -> Vec<u8> {
        let mut out = Vec::new();
        for &b in src {
            match rng(seed) % 40 {
                0 => out.push((rng(seed) % 4) as u8),
                1 => {}
                2 => out.extend([b, (rng(seed) % 4) as u8]),
                3 => out.push(4),
                _ => out.push(b),
            }
        }
        out
    }

    #[test]
    fn banded_matches_oracle_on_random_cases() {
        let s = Scoring::default();
        let mut seed = 0x1234_5678_u64;
        for case in 0..400 {
            let tlen = (rng(&mut seed) % 300) as usize;
            let t: Vec<u8> = (0..tlen).map(|_| (rng(&mut seed) % 4) as u8).collect();
            let start = if tlen > 0 {
                (rng(&mut seed) as usize) % tlen
            } else {
                0
            };
            let end = (start + (rng(&mut seed) % 200) as usize).min(tlen);
            let q = mutate(&t[start..end], &mut seed);
            let lo = start as i32 - (rng(&mut seed) % 30) as i32;
            let hi = start as i32 + (rng(&mut seed) % 30) as i32;
            let a = oracle::align(&s, &q, &t, lo, hi);
            let b = align(&s, &q, &t, lo, hi);
            let key = |x: &Aligned| {
                (
                    x.score,
                    x.query_start,
                    x.query_end,
                    x.target_start,
                    x.target_end,
                    x.cigar.clone(),
                )
            };
            assert_eq!(
                key(&a),
                key(&b),
                "case {case}: q={q:?} t={t:?} band {lo}..={hi}"
            );
        }
    }

    #[test]
    fn edge_cases_agree_and_are_sane() {
        let s = Scoring::default();
        let t = vec![0u8, 1, 2, 3, 0, 1, 2, 3];
        let cases: Vec<(Vec<u8>, i32, i32)> = vec![
            (vec![], 0, 5),
            (vec![4; 6], -3, 3),
            (t.clone(), 0, 0),
            (t.clone(), 5, 2),
            (vec![0; 1000], -10, 10),
            (t[2..6].to_vec(), -50, 50),
        ];
        for (q, lo, hi) in cases {
            let a = oracle::align(&s, &q, &t, lo, hi);
            let b = align(&s, &q, &t, lo, hi);
            assert_eq!(
                (a.score, a.cigar.clone()),
                (b.score, b.cigar.clone()),
                "q={q:?}"
            );
        }
        let exact = align(&s, &t, &t, 0, 0);
        assert_eq!((exact.score, exact.cigar), (8, vec![8 << 4]));
        let inner = align(&s, &t[2..6], &t, -50, 50);
        assert_eq!(
            (inner.score, inner.target_start, inner.cigar),
            (4, 2, vec![4 << 4])
        );
    }

    #[test]
    fn finds_a_deletion() {
        let s = Scoring::default();
        let t: Vec<u8> = (0..60).map(|i| ((i * 7 + i / 5) % 4) as u8).collect();
        let mut q = t[..30].to_vec();
        q.extend_from_slice(&t[33..]);
        let r = align(&s, &q, &t, -5, 5);
        assert_eq!(r.cigar, vec![30 << 4, (3 << 4) | 2, 27 << 4]);
        assert_eq!(r.score, 57 - 6 - 3);
    }
}
