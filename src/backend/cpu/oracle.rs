//! The plain extension kernel: full (m+1) x (n+1) matrices, cells outside the band left at
//! minus infinity. Slow and obviously faithful to the recurrences; the test oracle.

use super::Aligned;
use super::cell::{Best, NEG, Neighbours, traceback, update};
use crate::backend::Scoring;

/// Aligns `q` in `t` within diagonals `lo..=hi` (see [`crate::backend::ExtendJob`]).
pub(crate) fn align(s: &Scoring, q: &[u8], t: &[u8], lo: i32, hi: i32) -> Aligned {
    let (m, n) = (q.len(), t.len());
    let w = n + 1;
    let mut h = vec![NEG; (m + 1) * w];
    let mut e = vec![NEG; (m + 1) * w];
    let mut f = vec![NEG; (m + 1) * w];
    let mut tb = vec![0u8; (m + 1) * w];
    let mut best = Best::new();
    for i in 1..=m {
        for j in 1..=n {
            let d = j as i64 - i as i64;
            if d < i64::from(lo) || d > i64::from(hi) {
                continue;
            }
            let (up, left, diag) = ((i - 1) * w + j, i * w + j - 1, (i - 1) * w + j - 1);
            let nb = Neighbours {
                diag_h: if i == 1 { 0 } else { h[diag] },
                up_h: if i == 1 { NEG } else { h[up] },
                up_f: if i == 1 { NEG } else { f[up] },
                left_h: h[left],
                left_e: e[left],
            };
            let fresh = if i == 1 { 0 } else { -s.clip };
            let (hh, ee, ff, b) = update(s, nb, s.substitution(q[i - 1], t[j - 1]), fresh);
            let at = i * w + j;
            (h[at], e[at], f[at], tb[at]) = (hh, ee, ff, b);
            best.offer(hh, i, j, m, s.clip);
        }
    }
    finish(best, |i, j| tb[i * w + j])
}

/// Turns the best cell and traceback into a result (shared with the banded kernel).
pub(crate) fn finish(best: Best, tb: impl Fn(usize, usize) -> u8) -> Aligned {
    if best.score == i32::MIN {
        return Aligned {
            score: i32::MIN,
            query_start: 0,
            query_end: 0,
            target_start: 0,
            target_end: 0,
            cigar: Vec::new(),
        };
    }
    let (qs, ts, cigar) = traceback(best, tb);
    Aligned {
        score: best.score,
        query_start: qs as u32,
        query_end: best.i as u32,
        target_start: ts as u32,
        target_end: best.j as u32,
        cigar,
    }
}
