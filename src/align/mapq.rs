//! Mapping qualities, in the manner of bwa-mem: from the gap between the best and the
//! second-best score, scaled by how much of the read is seeded, less the count of near-ties.

/// Single-end MAPQ of an alignment scoring `best`, when the best competing placement scores
/// `sub` (0 for none), `n_sub` other placements score nearly as well, and `seed_floor` is the
/// score a chance seed alone would reach.
pub(crate) fn single_end(best: i32, sub: i32, n_sub: u32, aligned_len: u32, seed_floor: i32) -> u8 {
    let sub = sub.max(seed_floor);
    if best <= 0 || sub >= best {
        return 0;
    }
    let l = f64::from(aligned_len.max(1));
    let identity = 1.0 - (l - f64::from(best)) / 5.0 / l;
    let mut q = 30.0 * (1.0 - f64::from(sub) / f64::from(best)) * f64::from(best).ln();
    if identity < 0.95 {
        q *= identity * identity;
    }
    q -= 4.343 * f64::from(n_sub + 1).ln();
    q.round().clamp(0.0, 60.0) as u8
}

/// Pair MAPQ from the best pair score and the runner-up (another pair or the best unpaired
/// combination), as 6.02 per score unit, less the count of near-tied pairs.
pub(crate) fn pair(best: i32, second: i32, n_sub: u32) -> u8 {
    let q = 6.02 * f64::from(best - second) - 4.343 * f64::from(n_sub + 1).ln();
    q.round().clamp(0.0, 60.0) as u8
}

/// A read's final MAPQ inside a pair: the pair lends confidence, bounded by 40 above what the
/// read earns alone (nothing alone when the pair moved it off its own best placement).
pub(crate) fn in_pair(single: u8, pair_q: u8, chosen_is_own_best: bool) -> u8 {
    let base = if chosen_is_own_best { single } else { 0 };
    base.max(pair_q.min(base.saturating_add(40))).min(60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_is_high_and_tied_is_zero() {
        assert_eq!(single_end(150, 0, 0, 150, 19), 60);
        assert_eq!(single_end(150, 150, 1, 150, 19), 0);
        let close = single_end(150, 140, 0, 150, 19);
        assert!(close > 0 && close < 30, "{close}");
    }

    #[test]
    fn pair_rescues_a_repetitive_mate() {
        assert_eq!(in_pair(0, 60, true), 40);
        assert_eq!(in_pair(50, 60, true), 60);
        assert_eq!(in_pair(30, 0, true), 30);
    }
}
