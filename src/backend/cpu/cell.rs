//! The one cell update of the extension DP (Gotoh's affine-gap recurrences with a free start
//! in the target and a clipping penalty for a late start in the query), shared by the oracle
//! and the banded kernel so that both break ties the same way.

use crate::backend::Scoring;

/// Minus infinity, far enough from `i32::MIN` that subtracting penalties cannot overflow.
pub(crate) const NEG: i32 = i32::MIN / 4;

/// Traceback byte: low two bits say where H came from, bit 2 that E extended, bit 3 that F did.
pub(crate) const FROM_DIAG: u8 = 0;
pub(crate) const FROM_START: u8 = 1;
pub(crate) const FROM_E: u8 = 2;
pub(crate) const FROM_F: u8 = 3;
pub(crate) const E_EXTENDED: u8 = 4;
pub(crate) const F_EXTENDED: u8 = 8;

/// Neighbours of cell (i, j): H of (i-1, j-1), H and F of (i-1, j), H and E of (i, j-1).
#[derive(Clone, Copy)]
pub(crate) struct Neighbours {
    pub diag_h: i32,
    pub up_h: i32,
    pub up_f: i32,
    pub left_h: i32,
    pub left_e: i32,
}

/// Computes (H, E, F, traceback byte) for a cell whose substitution score is `sub` and whose
/// fresh-start value (the cost of clipping the query bases before it) is `fresh`.
#[inline(always)]
pub(crate) fn update(s: &Scoring, n: Neighbours, sub: i32, fresh: i32) -> (i32, i32, i32, u8) {
    let open = s.gap_open + s.gap_extend;
    let (e_ext, e_open) = (n.left_e - s.gap_extend, n.left_h - open);
    let (e, mut tb) = if e_ext > e_open {
        (e_ext, E_EXTENDED)
    } else {
        (e_open, 0)
    };
    let (f_ext, f_open) = (n.up_f - s.gap_extend, n.up_h - open);
    let f = if f_ext > f_open {
        tb |= F_EXTENDED;
        f_ext
    } else {
        f_open
    };
    let (mut h, mut from) = if fresh > n.diag_h {
        (fresh + sub, FROM_START)
    } else {
        (n.diag_h + sub, FROM_DIAG)
    };
    if e > h {
        h = e;
        from = FROM_E;
    }
    if f > h {
        h = f;
        from = FROM_F;
    }
    (h, e.max(NEG), f.max(NEG), tb | from)
}

/// Tracks the best end cell: score net of the end clip, preferring end-to-end on ties.
#[derive(Clone, Copy)]
pub(crate) struct Best {
    pub score: i32,
    pub i: usize,
    pub j: usize,
}

impl Best {
    pub(crate) fn new() -> Self {
        Best {
            score: i32::MIN,
            i: 0,
            j: 0,
        }
    }

    #[inline(always)]
    pub(crate) fn offer(&mut self, h: i32, i: usize, j: usize, m: usize, clip: i32) {
        let score = if i == m { h } else { h - clip };
        if score > self.score || (score == self.score && i == m && self.i != m) {
            *self = Best { score, i, j };
        }
    }
}

impl Default for Best {
    fn default() -> Self {
        Self::new()
    }
}

/// Builds the CIGAR by walking traceback bytes from the best cell; `tb(i, j)` returns the
/// byte of cell (i, j). Returns (query start, target start, CIGAR in BAM encoding).
pub(crate) fn traceback(best: Best, tb: impl Fn(usize, usize) -> u8) -> (usize, usize, Vec<u32>) {
    #[derive(PartialEq)]
    enum State {
        H,
        E,
        F,
    }
    let (mut i, mut j, mut state) = (best.i, best.j, State::H);
    let mut ops: Vec<u32> = Vec::new();
    let mut push = |op: u32| match ops.last_mut() {
        Some(last) if *last & 0xf == op => *last += 16,
        _ => ops.push(16 | op),
    };
    while i > 0 && j > 0 {
        let b = tb(i, j);
        match state {
            State::H => match b & 3 {
                FROM_DIAG => {
                    push(0);
                    i -= 1;
                    j -= 1;
                }
                FROM_START => {
                    push(0);
                    i -= 1;
                    j -= 1;
                    break;
                }
                FROM_E => state = State::E,
                _ => state = State::F,
            },
            State::E => {
                push(2);
                state = if b & E_EXTENDED != 0 {
                    State::E
                } else {
                    State::H
                };
                j -= 1;
            }
            State::F => {
                push(1);
                state = if b & F_EXTENDED != 0 {
                    State::F
                } else {
                    State::H
                };
                i -= 1;
            }
        }
    }
    ops.reverse();
    (i, j, ops)
}
