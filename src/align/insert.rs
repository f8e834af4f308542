//! Insert-size distribution, estimated once from the first pairs of the input so that the
//! result does not depend on batch size or thread count.

use super::alignment::Alignment;

/// Number of leading pairs the estimate is taken from.
pub(crate) const ESTIMATE_PAIRS: usize = 20_000;

/// Insert sizes of forward-reverse pairs: mean, standard deviation and the proper range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct InsertStats {
    pub mean: f64,
    pub sd: f64,
    pub lo: i64,
    pub hi: i64,
}

impl InsertStats {
    /// Used when too few pairs map uniquely to estimate: a wide window around typical libraries.
    pub(crate) fn fallback() -> Self {
        InsertStats {
            mean: 400.0,
            sd: 150.0,
            lo: 1,
            hi: 1000,
        }
    }

    /// Estimates from observed insert sizes (unique, forward-reverse, same contig).
    pub(crate) fn estimate(mut sizes: Vec<i64>) -> Self {
        if sizes.len() < 25 {
            return Self::fallback();
        }
        sizes.sort_unstable();
        let pct = |p: f64| sizes[((sizes.len() - 1) as f64 * p).round() as usize];
        let (q1, q3) = (pct(0.25), pct(0.75));
        let iqr = q3 - q1;
        let (keep_lo, keep_hi) = (q1 - 2 * iqr, q3 + 2 * iqr);
        let kept: Vec<f64> = sizes
            .iter()
            .filter(|&&s| s >= keep_lo && s <= keep_hi)
            .map(|&s| s as f64)
            .collect();
        let n = kept.len() as f64;
        let mean = kept.iter().sum::<f64>() / n;
        let sd = (kept.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n)
            .sqrt()
            .max(1.0);
        let lo = ((mean - 4.0 * sd).round() as i64)
            .max(1)
            .min(q1 - 3 * iqr)
            .max(1);
        let hi = ((mean + 4.0 * sd).round() as i64).max(q3 + 3 * iqr);
        InsertStats { mean, sd, lo, hi }
    }

    /// The estimate as a line of text, `mean sd lo hi` (tab-separated; the floats exactly,
    /// as Rust prints them: shortest form that reads back to the same number).
    pub(crate) fn to_text(self) -> String {
        format!("{}\t{}\t{}\t{}\n", self.mean, self.sd, self.lo, self.hi)
    }

    /// Reads [`InsertStats::to_text`]'s line back; None when it is not one.
    pub(crate) fn from_text(text: &str) -> Option<InsertStats> {
        let f: Vec<&str> = text.trim().split('\t').collect();
        let [mean, sd, lo, hi] = f.as_slice() else {
            return None;
        };
        let s = InsertStats {
            mean: mean.parse().ok()?,
            sd: sd.parse().ok()?,
            lo: lo.parse().ok()?,
            hi: hi.parse().ok()?,
        };
        let sane = s.mean.is_finite() && s.sd.is_finite() && s.sd > 0.0 && 0 < s.lo && s.lo <= s.hi;
        sane.then_some(s)
    }

    /// Log-likelihood penalty (score units, <= 0) of an insert size, as erfc of its z-score.
    pub(crate) fn penalty(&self, insert: i64) -> i32 {
        let z = ((insert as f64 - self.mean) / self.sd).abs();
        let p = erfc(z / std::f64::consts::SQRT_2).max(1e-300);
        (0.721 * (2.0 * p).min(1.0).ln()).round() as i32
    }
}

/// The insert size of a forward-reverse pair on one contig, or None when the two do not face
/// each other.
pub(crate) fn fr_insert(a: &Alignment, b: &Alignment) -> Option<i64> {
    if a.contig != b.contig || a.rev == b.rev {
        return None;
    }
    let (f, r) = if a.rev { (b, a) } else { (a, b) };
    let insert = r.end - f.pos;
    (insert > 0 && f.pos <= r.pos + 1).then_some(insert)
}

/// Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_mean_and_ignores_outliers() {
        let mut sizes: Vec<i64> = (0..1000).map(|i| 300 + (i % 41) - 20).collect();
        sizes.extend([5000, 9000, 12]);
        let s = InsertStats::estimate(sizes);
        assert!((s.mean - 300.0).abs() < 1.0, "{s:?}");
        assert!(s.lo > 200 && s.hi < 420, "{s:?}");
        assert_eq!(s.penalty(300), 0);
        assert!(s.penalty(400) < -3);
    }

    #[test]
    fn the_estimate_reads_back_exactly_from_its_text() {
        let s = InsertStats::estimate((0..997).map(|i| 250 + (i * 7919) % 113).collect());
        assert_eq!(InsertStats::from_text(&s.to_text()), Some(s));
        assert_eq!(InsertStats::from_text("300\t30\t1"), None);
        assert_eq!(InsertStats::from_text("300\t0\t1\t9"), None, "sd 0");
        assert_eq!(InsertStats::from_text("x\t30\t1\t9"), None);
    }
}
