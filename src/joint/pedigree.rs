//! Trios from a PED file (family, individual, father, mother, sex, phenotype; `0` for an
//! unknown parent), and what a site says of each: Mendelian consistency, and GATK's possible
//! de novo flags (`hiConfDeNovo`: GQ >= 20 for child and parents; `loConfDeNovo`: GQ >= 10 for
//! the child and above 0 for the parents; both only at biallelic sites whose allele count is
//! under 4, or 0.1% of the samples when that is more).

use std::path::Path;

use crate::core::{Error, Result};

/// A child and its parents, as sample numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Trio {
    pub child: usize,
    pub father: usize,
    pub mother: usize,
}

/// The trios of the PED file whose three members are all among `samples`. A file with none is
/// an error: the pedigree is of other samples.
pub(crate) fn read(path: &Path, samples: &[String]) -> Result<Vec<Trio>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let index = |name: &str| samples.iter().position(|s| s == name);
    let mut trios = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 4 {
            return Err(Error::input(
                path,
                format!(
                    "line {}: {} columns where PED has at least 4 (family, individual, father, mother)",
                    n + 1,
                    f.len()
                ),
            ));
        }
        if let (Some(child), Some(father), Some(mother)) = (index(f[1]), index(f[2]), index(f[3])) {
            trios.push(Trio {
                child,
                father,
                mother,
            });
        }
    }
    if trios.is_empty() {
        return Err(Error::input(
            path,
            format!(
                "no child with both parents among the samples ({})",
                samples.join(", ")
            ),
        ));
    }
    Ok(trios)
}

/// A member's genotype at a site: alleles (None: no call) and GQ.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member<'a> {
    pub gt: Option<&'a [usize]>,
    pub gq: u32,
}

/// What one trio shows at a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrioCall {
    /// A member is not called, not diploid, or all three are homozygous reference.
    Uninformative,
    Consistent,
    Violation,
    /// A violation with both parents 0/0 and the child heterozygous: high or low confidence
    /// (GATK's thresholds), or neither.
    DeNovo {
        high: bool,
        low: bool,
    },
}

/// Judges one trio at a site; `biallelic_rare`: one ALT, carried by few enough chromosomes for
/// a de novo (see the module's description).
pub(crate) fn judge(
    child: Member,
    father: Member,
    mother: Member,
    biallelic_rare: bool,
) -> TrioCall {
    let (Some(c), Some(f), Some(m)) = (child.gt, father.gt, mother.gt) else {
        return TrioCall::Uninformative;
    };
    if c.len() != 2 || f.len() != 2 || m.len() != 2 {
        return TrioCall::Uninformative;
    }
    if [c, f, m].iter().all(|g| g.iter().all(|&a| a == 0)) {
        return TrioCall::Uninformative;
    }
    let consistent =
        (f.contains(&c[0]) && m.contains(&c[1])) || (f.contains(&c[1]) && m.contains(&c[0]));
    if consistent {
        return TrioCall::Consistent;
    }
    let parents_ref = f == [0, 0] && m == [0, 0];
    let child_het = c[0] == 0 && c[1] > 0;
    if parents_ref && child_het && biallelic_rare {
        let high = child.gq >= 20 && father.gq >= 20 && mother.gq >= 20;
        let low = !high && child.gq >= 10 && father.gq > 0 && mother.gq > 0;
        return TrioCall::DeNovo { high, low };
    }
    TrioCall::Violation
}

/// Whether an allele carried by `allele_count` chromosomes among `samples` samples is rare
/// enough to be a de novo (GATK's cut: under max(4, 0.1% of the samples)).
pub(crate) fn rare_enough(allele_count: usize, samples: usize) -> bool {
    (allele_count as f64) < (4f64).max(samples as f64 * 0.001)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(gt: &[usize], gq: u32) -> Member<'_> {
        Member { gt: Some(gt), gq }
    }

    #[test]
    fn mendelian_consistency_and_de_novos() {
        let (r, h, a) = ([0, 0], [0, 1], [1, 1]);
        assert_eq!(
            judge(m(&h, 50), m(&h, 50), m(&r, 50), true),
            TrioCall::Consistent
        );
        assert_eq!(
            judge(m(&a, 50), m(&h, 50), m(&h, 50), true),
            TrioCall::Consistent
        );
        assert_eq!(
            judge(m(&a, 50), m(&r, 50), m(&h, 50), true),
            TrioCall::Violation
        );
        assert_eq!(
            judge(m(&r, 50), m(&r, 50), m(&r, 50), true),
            TrioCall::Uninformative
        );
        assert_eq!(
            judge(m(&h, 50), m(&r, 30), m(&r, 25), true),
            TrioCall::DeNovo {
                high: true,
                low: false
            }
        );
        assert_eq!(
            judge(m(&h, 12), m(&r, 30), m(&r, 3), true),
            TrioCall::DeNovo {
                high: false,
                low: true
            }
        );
        assert_eq!(
            judge(m(&h, 50), m(&r, 30), m(&r, 25), false),
            TrioCall::Violation
        );
        let none = Member { gt: None, gq: 0 };
        assert_eq!(
            judge(none, m(&r, 30), m(&r, 25), true),
            TrioCall::Uninformative
        );
        assert!(rare_enough(3, 3) && !rare_enough(4, 3) && rare_enough(5, 10_000));
    }

    #[test]
    fn reads_trios_of_the_samples() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.ped");
        std::fs::write(
            &p,
            "# family\nF1 kid dad mum 1 2\nF1 dad 0 0 1 1\nF1 mum 0 0 2 1\nF2 x y z 1 1\n",
        )
        .unwrap();
        let samples: Vec<String> = ["mum", "dad", "kid"].map(String::from).to_vec();
        assert_eq!(
            read(&p, &samples).unwrap(),
            vec![Trio {
                child: 2,
                father: 1,
                mother: 0
            }]
        );
        let e = read(&p, &["a".to_string()]).unwrap_err().to_string();
        assert!(e.contains("no child with both parents"), "{e}");
        std::fs::write(&p, "F1 kid dad\n").unwrap();
        assert!(
            read(&p, &samples)
                .unwrap_err()
                .to_string()
                .contains("line 1: 3 columns")
        );
    }
}
