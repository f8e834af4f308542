//! Genotyping one merged site over the cohort: each sample's genotype from its likelihoods,
//! the alleles no sample carries dropped, QUAL (the probability that every sample is
//! homozygous reference, from each sample's likelihoods and the caller's prior), and the
//! cohort's annotations and trio checks, written as one VCF record.

use super::excess_het::excess_het;
use super::merge::{self, Carried, View};
use super::pedigree::{self, Member, Trio, TrioCall};
use crate::call::genotype::{self as call_genotype, genotypes};
use crate::call::options::GenotypeOpts;
use crate::call::strand::{self, StrandCounts};
use crate::call::vcf_out::counts_and_frequencies;
use crate::io::vcf_record::VcfRecord;

/// The samples, by name, and the trios among them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cohort {
    pub samples: Vec<String>,
    pub trios: Vec<Trio>,
}

/// Counts over the sites written, for the metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SiteCounts {
    pub records: u64,
    /// Trio-sites where all three members are called (diploid) and one is not 0/0...
    pub mendel_checked: u64,
    /// ...and of those, the ones that break Mendel's rules (de novo candidates included).
    pub mendel_violations: u64,
    pub de_novo_high: u64,
    pub de_novo_low: u64,
}

impl SiteCounts {
    pub(crate) fn add(&mut self, o: &SiteCounts) {
        self.records += o.records;
        self.mendel_checked += o.mendel_checked;
        self.mendel_violations += o.mendel_violations;
        self.de_novo_high += o.de_novo_high;
        self.de_novo_low += o.de_novo_low;
    }
}

/// One sample's genotype at the site, over the kept alleles.
struct Typed {
    ploidy: usize,
    gt: Option<Vec<usize>>,
    pl: Option<Vec<u32>>,
    ad: Option<Vec<u32>>,
    gq: Option<u32>,
}

impl Typed {
    /// Whether the genotype holds an ALT allele.
    fn carries_alt(&self) -> bool {
        self.gt.as_ref().is_some_and(|g| g.iter().any(|&a| a > 0))
    }
}

/// The record of the site at `views`' position on `chrom`, or None when no sample carries an
/// ALT allele or QUAL is under the minimum. An error names the sample (its number) whose
/// record disagrees.
pub(crate) fn record(
    chrom: &str,
    pos: i64,
    views: &[View],
    cohort: &Cohort,
    o: &GenotypeOpts,
    counts: &mut SiteCounts,
) -> Result<Option<VcfRecord>, (usize, String)> {
    let merged = merge::alleles(pos, views)?;
    let carried: Vec<Carried> = views.iter().map(|v| merge::carry(v, &merged)).collect();
    let m = merged.alts.len() + 1;
    // The genotype lists of `n` alleles at each ploidy the samples have, built once a site.
    let mut ploidies: Vec<usize> = carried.iter().map(|c| c.ploidy).collect();
    ploidies.sort_unstable();
    ploidies.dedup();
    let lists = |n: usize| -> Vec<(usize, Vec<Vec<usize>>)> {
        ploidies.iter().map(|&p| (p, genotypes(n, p))).collect()
    };
    let over_merged = lists(m);
    let called: Vec<Option<Vec<usize>>> = views
        .iter()
        .zip(&carried)
        .map(|(v, c)| best_genotype(v, c, at_ploidy(&over_merged, c.ploidy)))
        .collect();
    let mut used: Vec<usize> = called
        .iter()
        .flatten()
        .flatten()
        .copied()
        .filter(|&a| a > 0)
        .collect();
    used.sort_unstable();
    used.dedup();
    if !used.iter().any(|&a| merged.alts[a - 1] != "*") {
        return Ok(None);
    }
    let keep: Vec<usize> = std::iter::once(0).chain(used).collect();
    let over_kept = lists(keep.len());
    let typed: Vec<Typed> = views
        .iter()
        .zip(&carried)
        .zip(called)
        .map(|((v, c), gt)| subset(v, c, gt, &keep, at_ploidy(&over_kept, c.ploidy)))
        .collect();
    let mut reference = merged.reference.clone();
    let mut alts: Vec<String> = keep[1..]
        .iter()
        .map(|&a| merged.alts[a - 1].clone())
        .collect();
    trim_trailing(&mut reference, &mut alts);
    let is_snp = reference.len() == 1 && alts.iter().all(|a| a.len() == 1 && a != "*");
    let theta = if is_snp {
        o.snp_heterozygosity
    } else {
        o.indel_heterozygosity
    };
    let qual: f64 = typed
        .iter()
        .filter_map(|t| {
            let pl = t.pl.as_ref()?;
            let gls: Vec<f64> = pl.iter().map(|&p| -f64::from(p) / 10.0).collect();
            Some(call_genotype::quality(
                &gls,
                at_ploidy(&over_kept, t.ploidy),
                theta,
            ))
        })
        .sum();
    if qual < o.min_qual {
        return Ok(None);
    }
    let mut r = VcfRecord::new(chrom, pos as u64 + 1, reference, alts);
    r.qual = Some(qual.min(3000.0));
    let strands = pooled_strands(views);
    let (info, het) = info(views, &typed, keep.len(), qual, strands.as_ref());
    r.info = info;
    let mut filters = Vec::new();
    // As in single-sample calls: LowQual only where a carrier of the ALT has the reads to make
    // a true genotype's QUAL high.
    let carrier_depth = views
        .iter()
        .zip(&typed)
        .filter(|(_, t)| t.carries_alt())
        .filter_map(|(v, _)| v.record()?.dp)
        .max()
        .unwrap_or(0);
    if qual < o.low_qual && carrier_depth >= o.low_qual_depth {
        filters.push("LowQual".to_string());
    }
    if let Some(s) = &strands
        && call_genotype::strand_biased(s, is_snp, het, o)
    {
        filters.push("StrandBias".to_string());
    }
    r.filters = if filters.is_empty() {
        vec!["PASS".into()]
    } else {
        filters
    };
    if !cohort.trios.is_empty() {
        let ac: usize = called_alleles(&typed).filter(|&a| a > 0).count();
        let rare = keep.len() == 2 && pedigree::rare_enough(ac, views.len());
        trio_info(&mut r, &typed, cohort, rare, counts);
    }
    r.info.sort_by(|a, b| a.0.cmp(&b.0));
    r.format = ["GT", "AD", "DP", "GQ", "PL"].map(String::from).to_vec();
    r.samples = views
        .iter()
        .zip(&typed)
        .map(|(v, t)| sample_values(v, t))
        .collect();
    counts.records += 1;
    Ok(Some(r))
}

/// The genotype list of ploidy `p` among `lists` (ploidy, genotypes).
fn at_ploidy(lists: &[(usize, Vec<Vec<usize>>)], p: usize) -> &[Vec<usize>] {
    lists.iter().find(|(q, _)| *q == p).map_or(&[], |(_, g)| g)
}

/// The genotype with the best likelihood (None: no data, or likelihoods that do not choose).
/// A reference block is homozygous reference wherever it has reads: the caller found no
/// candidate allele there, whatever its reference-confidence likelihoods lean to.
fn best_genotype(view: &View, c: &Carried, genotypes: &[Vec<usize>]) -> Option<Vec<usize>> {
    if let View::Block(r) = view {
        return (r.dp != Some(0) && r.gt.is_some()).then(|| vec![0; c.ploidy]);
    }
    let pl = c.pl.as_ref()?;
    let best = (0..pl.len()).min_by_key(|&i| pl[i])?;
    if pl.iter().all(|&p| p == pl[best]) {
        return None;
    }
    genotypes.get(best).cloned()
}

/// A sample's genotype, PL and AD over the kept alleles (`keep`: merged allele numbers,
/// REF first; `genotypes` theirs at the sample's ploidy), PL normalised to a best of 0; GQ is
/// a block's own, else from PL.
fn subset(
    view: &View,
    c: &Carried,
    gt: Option<Vec<usize>>,
    keep: &[usize],
    genotypes: &[Vec<usize>],
) -> Typed {
    let new_of = |a: usize| keep.iter().position(|&k| k == a);
    let gt = gt.and_then(|g| g.iter().map(|&a| new_of(a)).collect::<Option<Vec<usize>>>());
    let pl = c.pl.as_ref().map(|pl| {
        let sub: Vec<u32> = genotypes
            .iter()
            .map(|g| {
                let mut old: Vec<usize> = g.iter().map(|&a| keep[a]).collect();
                old.sort_unstable();
                pl[merge::genotype_index(&old)]
            })
            .collect();
        let best = sub.iter().copied().min().unwrap_or(0);
        sub.iter().map(|&p| p - best).collect::<Vec<u32>>()
    });
    let ad =
        c.ad.as_ref()
            .map(|ad| keep.iter().map(|&a| ad[a]).collect());
    let gq = match view {
        View::Block(r) => r.gq,
        _ => pl
            .as_ref()
            .filter(|_| gt.is_some())
            .map(|pl| call_genotype::genotype_quality(pl)),
    };
    Typed {
        ploidy: c.ploidy,
        gt,
        pl,
        ad,
        gq,
    }
}

/// Trailing bases shared by REF and every ALT (`*` aside), while each keeps one.
fn trim_trailing(reference: &mut String, alts: &mut [String]) {
    let real = |a: &String| a != "*";
    while reference.len() > 1
        && alts
            .iter()
            .filter(|a| real(a))
            .all(|a| a.len() > 1 && a.as_bytes().last() == reference.as_bytes().last())
    {
        reference.pop();
        alts.iter_mut().filter(|a| real(a)).for_each(|a| {
            a.pop();
        });
    }
}

/// Every called allele of every sample.
fn called_alleles(typed: &[Typed]) -> impl Iterator<Item = usize> + Clone + '_ {
    typed
        .iter()
        .filter_map(|t| t.gt.as_ref())
        .flatten()
        .copied()
}

/// The cohort's INFO (GATK's keys) and whether any sample is heterozygous with the reference.
fn info(
    views: &[View],
    typed: &[Typed],
    n_alleles: usize,
    qual: f64,
    strands: Option<&StrandCounts>,
) -> (Vec<(String, Option<String>)>, bool) {
    let an = called_alleles(typed).count();
    let ac: Vec<usize> = (1..n_alleles)
        .map(|a| called_alleles(typed).filter(|&g| g == a).count())
        .collect();
    let (counts, freqs) = counts_and_frequencies(&ac, an);
    let dp: u64 = views
        .iter()
        .filter_map(|v| v.record()?.dp)
        .map(u64::from)
        .sum();
    // QD: QUAL over the depth of the samples that carry an ALT allele.
    let variant_depth: u64 = views
        .iter()
        .zip(typed)
        .filter(|(_, t)| t.carries_alt())
        .map(|(v, t)| match &t.ad {
            Some(ad) => ad.iter().map(|&d| u64::from(d)).sum(),
            None => v.record().and_then(|r| r.dp).map_or(0, u64::from),
        })
        .sum();
    let (mut hom_ref, mut het, mut hom_var) = (0, 0, 0);
    for g in typed
        .iter()
        .filter_map(|t| t.gt.as_ref())
        .filter(|g| g.len() == 2)
    {
        match (g[0] == 0, g[0] == g[1]) {
            (true, true) => hom_ref += 1,
            (_, false) => het += 1,
            (false, true) => hom_var += 1,
        }
    }
    let has_ref_het = typed
        .iter()
        .filter_map(|t| t.gt.as_ref())
        .any(|g| g.first() == Some(&0) && g.iter().any(|&a| a > 0));
    let own: Vec<&super::gvcf_record::SampleRecord> = views
        .iter()
        .filter_map(|v| match v {
            View::Own(r) => Some(*r),
            _ => None,
        })
        .collect();
    let (mq_sq, mq_n) = own
        .iter()
        .filter_map(|r| r.raw_mq)
        .fold((0.0, 0.0), |(a, b), (s, n)| (a + s, b + n));
    let median = |k: usize| {
        let mut v: Vec<f64> = own.iter().filter_map(|r| r.rank_sums[k]).collect();
        v.sort_by(f64::total_cmp);
        (!v.is_empty()).then(|| {
            let mid = v.len() / 2;
            let m = if v.len() % 2 == 1 {
                v[mid]
            } else {
                (v[mid - 1] + v[mid]) / 2.0
            };
            format!("{m:.3}")
        })
    };
    let mut out: Vec<(&str, Option<String>)> = vec![
        ("AC", Some(counts.clone())),
        ("AF", Some(freqs.clone())),
        ("AN", Some(an.to_string())),
        ("BaseQRankSum", median(2)),
        ("DP", Some(dp.to_string())),
        (
            "ExcessHet",
            Some(format!("{:.4}", excess_het(hom_ref, het, hom_var))),
        ),
        ("MLEAC", Some(counts)),
        ("MLEAF", Some(freqs)),
        (
            "MQ",
            (mq_n > 0.0).then(|| format!("{:.2}", (mq_sq / mq_n).sqrt())),
        ),
        ("MQRankSum", median(0)),
        (
            "QD",
            (variant_depth > 0).then(|| format!("{:.2}", qual / variant_depth as f64)),
        ),
        ("ReadPosRankSum", median(1)),
    ];
    if let Some(s) = strands {
        out.push(("FS", Some(format!("{:.3}", strand::fisher_strand(s)))));
        out.push(("SOR", Some(format!("{:.3}", strand::strand_odds_ratio(s)))));
    }
    let info = out
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), Some(v))))
        .collect();
    (info, has_ref_het)
}

/// The samples' strand tables (`SB`) summed, from the records starting at the site.
fn pooled_strands(views: &[View]) -> Option<StrandCounts> {
    let mut any = false;
    let mut s = StrandCounts::default();
    for v in views {
        if let View::Own(r) = v
            && let Some(sb) = r.sb
        {
            any = true;
            s.ref_fwd += sb[0];
            s.ref_rev += sb[1];
            s.alt_fwd += sb[2];
            s.alt_rev += sb[3];
        }
    }
    any.then_some(s)
}

/// `MERR` (trios breaking Mendel's rules here) and GATK's de novo flags, with their counts.
fn trio_info(
    r: &mut VcfRecord,
    typed: &[Typed],
    cohort: &Cohort,
    rare: bool,
    counts: &mut SiteCounts,
) {
    let member = |s: usize| Member {
        gt: typed[s].gt.as_deref(),
        gq: typed[s].gq.unwrap_or(0),
    };
    let (mut merr, mut high, mut low) = (0, Vec::new(), Vec::new());
    for t in &cohort.trios {
        let call = pedigree::judge(member(t.child), member(t.father), member(t.mother), rare);
        if call != TrioCall::Uninformative {
            counts.mendel_checked += 1;
        }
        match call {
            TrioCall::Violation => merr += 1,
            TrioCall::DeNovo { high: h, low: l } => {
                merr += 1;
                if h {
                    high.push(t.child);
                }
                if l {
                    low.push(t.child);
                }
            }
            _ => {}
        }
    }
    counts.mendel_violations += merr;
    counts.de_novo_high += high.len() as u64;
    counts.de_novo_low += low.len() as u64;
    r.info.push(("MERR".into(), Some(merr.to_string())));
    let names = |v: &[usize]| {
        Some(
            v.iter()
                .map(|&s| cohort.samples[s].clone())
                .collect::<Vec<_>>()
                .join(","),
        )
    };
    if !high.is_empty() {
        r.info.push(("hiConfDeNovo".into(), names(&high)));
    }
    if !low.is_empty() {
        r.info.push(("loConfDeNovo".into(), names(&low)));
    }
}

/// A sample's FORMAT values: GT:AD:DP:GQ:PL, `.` where unknown.
fn sample_values(view: &View, t: &Typed) -> Vec<String> {
    let join = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    let ploidy = view.record().map_or(2, |r| r.ploidy.max(1));
    let gt = match &t.gt {
        Some(g) => g.iter().map(usize::to_string).collect::<Vec<_>>().join("/"),
        None => vec!["."; ploidy].join("/"),
    };
    vec![
        gt,
        t.ad.as_deref().map_or(".".into(), join),
        view.record()
            .and_then(|r| r.dp)
            .map_or(".".into(), |d| d.to_string()),
        t.gq.map_or(".".into(), |g| g.to_string()),
        t.pl.as_deref().map_or(".".into(), join),
    ]
}
