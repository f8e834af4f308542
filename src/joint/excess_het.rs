//! GATK's ExcessHet: the phred-scaled p-value of an exact test for more heterozygous genotypes
//! than Hardy-Weinberg equilibrium predicts (the exact test of Wigginton, Cutler and Abecasis,
//! 2005), with the mid-p correction (half the observed count's probability), which makes one
//! sample 3.0103.

use crate::call::strand::ln_factorials;

/// ExcessHet of a cohort with `hom_ref`, `het` and `hom_var` called diploid genotypes.
pub(crate) fn excess_het(hom_ref: u64, het: u64, hom_var: u64) -> f64 {
    let n = hom_ref + het + hom_var;
    if n == 0 {
        return 0.0;
    }
    // Copies of the rarer allele, and the heterozygote counts possible with them.
    let rare = (2 * hom_ref + het).min(2 * hom_var + het);
    let ln_fact = ln_factorials(2 * n);
    let ln_p = |h: u64| {
        let hom_rare = (rare - h) / 2;
        let hom_common = n - h - hom_rare;
        ln_fact[n as usize]
            - ln_fact[h as usize]
            - ln_fact[hom_rare as usize]
            - ln_fact[hom_common as usize]
            + h as f64 * std::f64::consts::LN_2
            - (ln_fact[2 * n as usize] - ln_fact[rare as usize] - ln_fact[(2 * n - rare) as usize])
    };
    let possible = (rare % 2..=rare.min(n)).step_by(2);
    let total: f64 = possible.clone().map(|h| ln_p(h).exp()).sum();
    let above: f64 = possible.filter(|&h| h > het).map(|h| ln_p(h).exp()).sum();
    let p = ((above + 0.5 * ln_p(het).exp()) / total).clamp(1e-300, 1.0);
    -10.0 * p.log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sample_is_three_and_excess_hets_score_high() {
        for (r, h, v) in [(0, 1, 0), (1, 0, 0), (0, 0, 1)] {
            assert!((excess_het(r, h, v) - 3.0103).abs() < 1e-4);
        }
        // Hardy-Weinberg proportions score low; every sample heterozygous scores high.
        let hwe = excess_het(25, 50, 25);
        let all_het = excess_het(0, 100, 0);
        assert!(hwe < 4.0, "{hwe}");
        assert!(all_het > 50.0, "{all_het}");
        // Too few heterozygotes is not excess.
        assert!(excess_het(50, 0, 50) < 0.01);
    }
}
