//! Strand-bias statistics of an allele's supporting reads: Fisher's exact test (GATK's FS),
//! the symmetric odds ratio (SOR), and a one-sided check for alt reads confined to one strand.

/// Counts of reads supporting the reference and the alternate allele on each strand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StrandCounts {
    pub ref_fwd: u32,
    pub ref_rev: u32,
    pub alt_fwd: u32,
    pub alt_rev: u32,
}

/// GATK's FS table size: a table of more than twice this many reads is scaled down to about
/// this many (each cell divided by total / 200, truncated), so that the test judges the
/// proportions of deep sites and cohorts, not their depth alone.
const FS_TABLE_SIZE: f64 = 200.0;

/// Phred-scaled two-sided p-value of Fisher's exact test on the 2x2 table.
pub(crate) fn fisher_strand(c: &StrandCounts) -> f64 {
    let mut cells = [c.ref_fwd, c.ref_rev, c.alt_fwd, c.alt_rev];
    let total: u32 = cells.iter().sum();
    if f64::from(total) > 2.0 * FS_TABLE_SIZE {
        let factor = f64::from(total) / FS_TABLE_SIZE;
        cells = cells.map(|x| (f64::from(x) / factor) as u32);
    }
    let [a, b, cc, d] = cells;
    let (r1, r2, c1, n) = (a + b, cc + d, a + cc, a + b + cc + d);
    let ln_fact = ln_factorials(u64::from(n));
    let f = |k: u32| ln_fact[k as usize];
    let ln_p = |x: u32| {
        let (y, z) = (r1 - x, c1 - x);
        let w = r2 - z;
        f(r1) + f(r2) + f(c1) + f(n - c1) - f(n) - f(x) - f(y) - f(z) - f(w)
    };
    let lo = c1.saturating_sub(r2);
    let hi = r1.min(c1);
    let observed = ln_p(a);
    let p: f64 = (lo..=hi)
        .map(ln_p)
        .filter(|&lp| lp <= observed + 1e-7)
        .map(f64::exp)
        .sum();
    (-10.0 * p.clamp(1e-300, 1.0).log10()).max(0.0)
}

/// GATK's StrandOddsRatio.
pub(crate) fn strand_odds_ratio(c: &StrandCounts) -> f64 {
    let (rf, rr, af, ar) = (
        f64::from(c.ref_fwd) + 1.0,
        f64::from(c.ref_rev) + 1.0,
        f64::from(c.alt_fwd) + 1.0,
        f64::from(c.alt_rev) + 1.0,
    );
    let r = rf * ar / (rr * af);
    let symmetric = r + 1.0 / r;
    let ref_ratio = rf.min(rr) / rf.max(rr);
    let alt_ratio = af.min(ar) / af.max(ar);
    symmetric.ln() + ref_ratio.ln() - alt_ratio.ln()
}

/// Probability that a real allele seen at fraction f on one strand leaves no trace among the
/// reads of the other strand: small when alt reads are confined to one strand that also has
/// plenty of reference reads, as with recurrent strand-specific sequencing errors.
pub(crate) fn one_strand_p(c: &StrandCounts) -> f64 {
    let side = |alt: u32, reference: u32, other_alt: u32, other_total: u32| {
        if other_alt > 0 || alt == 0 {
            return 1.0;
        }
        let f = f64::from(alt) / f64::from(alt + reference);
        (1.0 - f).powi(other_total as i32)
    };
    let fwd_only = side(c.alt_fwd, c.ref_fwd, c.alt_rev, c.alt_rev + c.ref_rev);
    let rev_only = side(c.alt_rev, c.ref_rev, c.alt_fwd, c.alt_fwd + c.ref_fwd);
    fwd_only.min(rev_only)
}

/// ln(k!) for k in 0..=n (Fisher's exact test here, the HWE test of `joint`'s ExcessHet).
pub(crate) fn ln_factorials(n: u64) -> Vec<f64> {
    let mut out = Vec::with_capacity(n as usize + 1);
    let mut acc = 0.0;
    out.push(0.0);
    for k in 1..=n {
        acc += (k as f64).ln();
        out.push(acc);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_strands_are_unremarkable_and_one_sided_errors_stand_out() {
        let balanced = StrandCounts {
            ref_fwd: 10,
            ref_rev: 10,
            alt_fwd: 9,
            alt_rev: 11,
        };
        assert!(fisher_strand(&balanced) < 3.0);
        assert!(strand_odds_ratio(&balanced) < 1.0);
        assert!(one_strand_p(&balanced) > 0.5);
        let hotspot = StrandCounts {
            ref_fwd: 10,
            ref_rev: 15,
            alt_fwd: 5,
            alt_rev: 0,
        };
        assert!(
            strand_odds_ratio(&hotspot) > 3.0,
            "{}",
            strand_odds_ratio(&hotspot)
        );
        assert!(one_strand_p(&hotspot) < 0.01);
    }

    #[test]
    fn fisher_matches_a_worked_example() {
        // Table [[3, 1], [1, 3]]: two-sided p = 0.4857.
        let c = StrandCounts {
            ref_fwd: 3,
            ref_rev: 1,
            alt_fwd: 1,
            alt_rev: 3,
        };
        assert!((fisher_strand(&c) - (-10.0 * 0.485_714_f64.log10())).abs() < 1e-3);
    }

    #[test]
    fn deep_tables_are_judged_at_gatk_table_size() {
        // 4,000 reads with the proportions of [[30, 10], [10, 30]] score as 200 would.
        let deep = StrandCounts {
            ref_fwd: 1500,
            ref_rev: 500,
            alt_fwd: 500,
            alt_rev: 1500,
        };
        let scaled = StrandCounts {
            ref_fwd: 75,
            ref_rev: 25,
            alt_fwd: 25,
            alt_rev: 75,
        };
        assert_eq!(fisher_strand(&deep), fisher_strand(&scaled));
        assert!(fisher_strand(&deep) > 60.0);
    }
}
