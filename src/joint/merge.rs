//! One site across the cohort: what each sample's gVCF says at a position (its own record,
//! a deletion from upstream spanning it, a reference block, or nothing), the alleles merged
//! over the samples, and each sample's likelihoods and depths carried onto those alleles.

use super::gvcf_record::{SampleRecord, is_symbolic};
use crate::call::genotype::{genotype_count, genotypes};

/// What a sample's gVCF holds at a site's position.
#[derive(Debug, Clone, Copy)]
pub(crate) enum View<'a> {
    /// A record starting here.
    Own(&'a SampleRecord),
    /// A record starting upstream whose REF spans here (a deletion, say).
    Spanning(&'a SampleRecord),
    /// A reference-confidence block covering here.
    Block(&'a SampleRecord),
    /// No record covers here: no data.
    Missing,
}

impl<'a> View<'a> {
    /// The view of `pos` among a sample's records that may cover it.
    pub(crate) fn at(pos: i64, records: &'a [SampleRecord]) -> View<'a> {
        let covering = || records.iter().filter(|r| r.start <= pos && pos < r.end);
        if let Some(r) = covering().find(|r| !r.block && r.start == pos) {
            return View::Own(r);
        }
        if let Some(r) = covering().find(|r| !r.block) {
            return View::Spanning(r);
        }
        covering()
            .find(|r| r.block)
            .map_or(View::Missing, View::Block)
    }

    pub(crate) fn record(&self) -> Option<&'a SampleRecord> {
        match *self {
            View::Own(r) | View::Spanning(r) | View::Block(r) => Some(r),
            View::Missing => None,
        }
    }
}

/// The merged alleles of a site: REF (the longest of the records starting here), then every
/// ALT in the order samples first show it, each extended to that REF.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Alleles {
    pub pos: i64,
    pub reference: String,
    pub alts: Vec<String>,
}

/// A sample carried onto the merged alleles.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Carried {
    pub ploidy: usize,
    /// PL over the merged alleles' genotypes (VCF order); None without likelihoods.
    pub pl: Option<Vec<u32>>,
    /// AD over the merged alleles; None for blocks and records without AD.
    pub ad: Option<Vec<u32>>,
}

/// Merges the alleles of the samples' views at `pos`. Errors name the sample (its index) and
/// what disagrees.
pub(crate) fn alleles(pos: i64, views: &[View]) -> Result<Alleles, (usize, String)> {
    let mut reference = String::new();
    for v in views {
        if let View::Own(r) = v
            && r.reference.len() > reference.len()
        {
            reference = r.reference.clone();
        }
    }
    let mut alts: Vec<String> = Vec::new();
    for (s, v) in views.iter().enumerate() {
        let View::Own(r) = v else { continue };
        if !reference.starts_with(&r.reference) {
            return Err((
                s,
                format!(
                    "REF {} at position {} disagrees with another sample's REF {} there",
                    r.reference,
                    pos + 1,
                    reference
                ),
            ));
        }
        for a in &r.alts {
            if let Some(ext) = extended(a, &r.reference, &reference)
                && !alts.contains(&ext)
            {
                alts.push(ext);
            }
        }
    }
    let star = views.iter().any(|v| match v {
        View::Spanning(r) => r.gt.iter().flatten().any(|&a| a > 0 && deletes(r, a, pos)),
        _ => false,
    });
    if star && !alts.iter().any(|a| a == "*") {
        alts.push("*".into());
    }
    Ok(Alleles {
        pos,
        reference,
        alts,
    })
}

/// ALT `a` of a record with REF `own`, written against the longer `reference`: the bases
/// `reference` has beyond `own` appended. Symbolic alleles have no place among the merged.
fn extended(a: &str, own: &str, reference: &str) -> Option<String> {
    if is_symbolic(a) {
        return None;
    }
    if a == "*" {
        return Some(a.to_string());
    }
    Some(format!("{a}{}", &reference[own.len()..]))
}

/// Whether ALT number `a` of `r` (starting upstream of `pos`) leaves `pos` deleted: a `*`, or
/// an allele shorter than REF that ends before `pos`.
fn deletes(r: &SampleRecord, a: usize, pos: i64) -> bool {
    match r.alts.get(a - 1) {
        Some(alt) if alt == "*" => true,
        Some(alt) if !is_symbolic(alt) => {
            alt.len() < r.reference.len() && pos - r.start >= alt.len() as i64
        }
        _ => false,
    }
}

/// Where each of the sample's alleles goes among the merged ones (None: `<NON_REF>`, which
/// stands for any merged allele the sample has no allele of its own for).
fn allele_map<'a>(
    view: &View<'a>,
    merged: &Alleles,
) -> Option<(&'a SampleRecord, Vec<Option<usize>>)> {
    let index = |a: &str| merged.alts.iter().position(|m| m == a).map(|i| i + 1);
    let (r, map) = match *view {
        View::Own(r) => (
            r,
            r.alts
                .iter()
                .map(|a| extended(a, &r.reference, &merged.reference).and_then(|e| index(&e)))
                .collect::<Vec<_>>(),
        ),
        View::Spanning(r) => (
            r,
            (1..=r.alts.len())
                .map(|a| {
                    if is_symbolic(&r.alts[a - 1]) {
                        None
                    } else if deletes(r, a, merged.pos) {
                        index("*")
                    } else {
                        Some(0)
                    }
                })
                .collect(),
        ),
        View::Block(r) => (r, vec![None; r.alts.len()]),
        View::Missing => return None,
    };
    let mut full = vec![Some(0)];
    full.extend(map);
    Some((r, full))
}

/// Index of genotype `g` (ascending allele numbers) in VCF order: the sum over copies `i`
/// (from 1) of C(g_i + i - 1, i).
pub(crate) fn genotype_index(g: &[usize]) -> usize {
    g.iter()
        .enumerate()
        .map(|(i, &a)| genotype_count(a, i + 1))
        .sum()
}

/// The sample's PL and AD over the merged alleles. A merged genotype's PL is the best of the
/// sample's genotypes that map onto it, `<NON_REF>` standing for the alleles the sample has
/// none of its own for (GATK's way); genotypes nothing maps onto get the sample's worst PL.
pub(crate) fn carry(view: &View, merged: &Alleles) -> Carried {
    let Some((r, map)) = allele_map(view, merged) else {
        return Carried {
            ploidy: 2,
            pl: None,
            ad: None,
        };
    };
    let m = merged.alts.len() + 1;
    let ploidy = r.ploidy.max(1);
    let unseen: Vec<usize> = (0..m).filter(|j| !map.contains(&Some(*j))).collect();
    let pl = r.pl.as_ref().map(|pl| {
        let mut out = vec![u32::MAX; genotype_count(m, ploidy)];
        // The ways to fill `free` copies with unseen alleles, for each `free`.
        let extras: Vec<Vec<Vec<usize>>> =
            (0..=ploidy).map(|f| genotypes(unseen.len(), f)).collect();
        for (h, &p) in genotypes(map.len(), ploidy).iter().zip(pl) {
            let fixed: Vec<usize> = h.iter().filter_map(|&a| map[a]).collect();
            let free = h.len() - fixed.len();
            for extra in &extras[free] {
                let mut g: Vec<usize> = fixed.clone();
                g.extend(extra.iter().map(|&u| unseen[u]));
                g.sort_unstable();
                let i = genotype_index(&g);
                out[i] = out[i].min(p);
            }
        }
        let worst = out
            .iter()
            .copied()
            .filter(|&p| p != u32::MAX)
            .max()
            .unwrap_or(0);
        let best = out.iter().copied().min().unwrap_or(0);
        out.iter()
            .map(|&p| if p == u32::MAX { worst } else { p } - best.min(worst))
            .collect()
    });
    let ad = match view {
        View::Block(_) => None,
        _ => r.ad.as_ref().map(|ad| {
            let mut out = vec![0u32; m];
            for (i, &d) in ad.iter().enumerate() {
                if let Some(j) = map[i] {
                    out[j] += d;
                }
            }
            out
        }),
    };
    Carried { ploidy, pl, ad }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(line: &str) -> SampleRecord {
        SampleRecord::from_line(line).unwrap().1
    }

    #[test]
    fn genotype_index_is_vcf_order() {
        for ploidy in 1..=3 {
            for (i, g) in genotypes(4, ploidy).iter().enumerate() {
                assert_eq!(genotype_index(g), i, "{g:?}");
            }
        }
    }

    #[test]
    fn alleles_merge_and_likelihoods_follow() {
        // Sample 0: a SNP A>G; sample 1: a deletion ACT>A at the same place; sample 2: a block.
        let snp = rec(
            "c\t10\t.\tA\tG,<NON_REF>\t50\t.\t.\tGT:AD:DP:GQ:PL\t0/1:6,5,0:11:60:60,0,90,95,105,200",
        );
        let del = rec(
            "c\t10\t.\tACT\tA,<NON_REF>\t50\t.\t.\tGT:AD:DP:GQ:PL\t1/1:0,9,0:9:27:300,27,0,301,28,302",
        );
        let block =
            rec("c\t8\t.\tT\t<NON_REF>\t.\t.\tEND=20\tGT:DP:GQ:MIN_DP:PL\t0/0:12:36:10:0,36,400");
        let views = [View::Own(&snp), View::Own(&del), View::Block(&block)];
        let a = alleles(9, &views).unwrap();
        assert_eq!(a.reference, "ACT");
        assert_eq!(a.alts, vec!["GCT", "A"]);
        // Merged genotypes: 0/0 0/1 1/1 0/2 1/2 2/2.
        let c = carry(&views[0], &a);
        assert_eq!(c.ad, Some(vec![6, 5, 0]));
        // 0/2 and 2/2 come from the sample's 0/<NON_REF> and <NON_REF>/<NON_REF>; 1/2 from
        // G/<NON_REF>.
        assert_eq!(c.pl, Some(vec![60, 0, 90, 95, 105, 200]));
        let c = carry(&views[1], &a);
        assert_eq!(c.pl, Some(vec![300, 301, 302, 27, 28, 0]));
        let c = carry(&views[2], &a);
        assert_eq!(c.pl, Some(vec![0, 36, 400, 36, 400, 400]));
        assert_eq!(c.ad, None);
    }

    #[test]
    fn a_deletion_from_upstream_is_a_star() {
        let del = rec(
            "c\t10\t.\tACT\tA,<NON_REF>\t50\t.\t.\tGT:AD:DP:GQ:PL\t0/1:4,5,0:9:50:90,0,50,100,60,200",
        );
        let snp = rec(
            "c\t11\t.\tC\tT,<NON_REF>\t50\t.\t.\tGT:AD:DP:GQ:PL\t0/1:5,5,0:10:50:80,0,70,90,80,190",
        );
        assert!(matches!(
            View::at(10, std::slice::from_ref(&del)),
            View::Spanning(_)
        ));
        let views = [View::Spanning(&del), View::Own(&snp)];
        let a = alleles(10, &views).unwrap();
        assert_eq!(a.alts, vec!["T", "*"]);
        // The deletion's sample: its REF stays 0, its deletion is *; T is <NON_REF> to it.
        let c = carry(&views[0], &a);
        assert_eq!(c.pl, Some(vec![90, 100, 200, 0, 60, 50]));
        assert_eq!(c.ad, Some(vec![4, 0, 5]));
    }

    #[test]
    fn disagreeing_refs_are_an_error() {
        let a = rec("c\t10\t.\tA\tG\t50\t.\t.\tGT:PL\t0/1:60,0,90");
        let b = rec("c\t10\t.\tCT\tC\t50\t.\t.\tGT:PL\t0/1:60,0,90");
        let e = alleles(9, &[View::Own(&a), View::Own(&b)]).unwrap_err();
        assert_eq!(e.0, 0);
        assert!(e.1.contains("disagrees"), "{}", e.1);
    }
}
