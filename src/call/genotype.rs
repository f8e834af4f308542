//! Genotyping: from read-haplotype likelihoods to per-allele likelihoods (the best haplotype
//! carrying each allele), genotype likelihoods at the site's ploidy, GT, GQ, PL, AD, DP and
//! QUAL.

use std::borrow::Cow;

use super::annotate::{self, Annotations};
use super::options::GenotypeOpts;
use super::reads::AlnRead;
use super::strand::{self, StrandCounts};
use crate::core::allele::{self, Event};

/// A read's log10 likelihood under each haplotype, its strand and aligned span, and its
/// alignment (for the annotations; None in tests of genotyping alone).
#[derive(Debug, Clone)]
pub(crate) struct ReadLik<'a> {
    pub liks: Vec<f64>,
    pub rev: bool,
    pub span: (i64, i64),
    pub aln: Option<&'a AlnRead>,
}

/// A site: REF, ALTs, and the allele each haplotype carries there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Site {
    pub pos: i64,
    pub reference: Vec<u8>,
    pub alts: Vec<Vec<u8>>,
    pub hap_allele: Vec<usize>,
}

impl Site {
    fn is_snp(&self) -> bool {
        self.reference.len() == 1 && self.alts.iter().all(|a| a.len() == 1)
    }
}

/// A genotyped site.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Call {
    pub site: Site,
    /// The genotype's alleles, ascending, one per chromosome copy (the ploidy).
    pub gt: Vec<usize>,
    pub pl: Vec<u32>,
    /// PL of the genotypes that pair an allele with gVCF's `<NON_REF>` (in VCF order, after
    /// `pl`): `<NON_REF>` is an allele no read supports better than its mismapping floor.
    pub pl_non_ref: Vec<u32>,
    pub gq: u32,
    pub qual: f64,
    pub ad: Vec<u32>,
    pub dp: u32,
    pub fs: f64,
    pub sor: f64,
    /// Reads per strand for REF and the called ALT (gVCF's `SB`).
    pub sb: StrandCounts,
    /// GATK's read-based annotations (MQ, rank sums).
    pub ann: Annotations,
    pub filters: Vec<&'static str>,
}

/// The sites of a region. Events whose reference spans overlap (or touch, when one is an
/// indel) form one site, so that two different alleles at one place can be genotyped 1/2; each
/// haplotype's allele at a site is the sequence it spells over the site's span.
pub(crate) fn sites(hap_events: &[Vec<Event>], contig: &[u8]) -> Vec<Site> {
    let mut all: Vec<&Event> = hap_events.iter().flatten().collect();
    all.sort();
    all.dedup();
    let mut out = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let (lo, mut hi) = (all[i].pos, all[i].pos + all[i].reference.len() as i64);
        let mut j = i + 1;
        while j < all.len()
            && (all[j].pos < hi || (all[j].pos == hi && (!all[j].is_snp() || !all[j - 1].is_snp())))
        {
            hi = hi.max(all[j].pos + all[j].reference.len() as i64);
            j += 1;
        }
        out.push(site_of(hap_events, contig, lo, hi));
        i = j;
    }
    out
}

fn site_of(hap_events: &[Vec<Event>], contig: &[u8], lo: i64, hi: i64) -> Site {
    let reference = contig[lo as usize..hi as usize].to_vec();
    let spelled: Vec<Vec<u8>> = hap_events
        .iter()
        .map(|evs| {
            let inside: Vec<Event> = evs
                .iter()
                .filter(|e| e.pos >= lo && e.pos + e.reference.len() as i64 <= hi)
                .cloned()
                .collect();
            allele::apply(contig, lo, hi, &inside)
        })
        .collect();
    let mut alts: Vec<Vec<u8>> = spelled
        .iter()
        .filter(|s| **s != reference)
        .cloned()
        .collect();
    alts.sort();
    alts.dedup();
    let hap_allele = spelled
        .iter()
        .map(|s| alts.iter().position(|a| a == s).map_or(0, |k| k + 1))
        .collect();
    Site {
        pos: lo,
        reference,
        alts,
        hap_allele,
    }
}

/// The genotypes of `ploidy` copies of `n` alleles, in VCF's order (PL's): each a multiset of
/// allele numbers, ascending; ordered by the last allele, then the one before, and so on.
pub(crate) fn genotypes(n: usize, ploidy: usize) -> Vec<Vec<usize>> {
    if ploidy == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for last in 0..n {
        for mut g in genotypes(last + 1, ploidy - 1) {
            g.push(last);
            out.push(g);
        }
    }
    out
}

/// The most genotypes one site is genotyped over (GATK's default cap): beyond it, the alternate
/// alleles that the fewest reads favour are left out.
const MAX_GENOTYPES: usize = 1024;

/// How many genotypes `ploidy` copies of `n` alleles make: C(n + ploidy - 1, ploidy).
pub(crate) fn genotype_count(n: usize, ploidy: usize) -> usize {
    (1..=ploidy).fold(1usize, |c, k| c.saturating_mul(n + k - 1) / k)
}

/// `site` with only the alternate alleles most reads favour, as many as keep its genotypes
/// (`<NON_REF>` included) within [`MAX_GENOTYPES`]; haplotypes with a dropped allele are
/// left out of its reads' allele likelihoods.
fn within_cap<'s>(site: &'s Site, reads: &[ReadLik<'_>], ploidy: usize, cap: f64) -> Cow<'s, Site> {
    let n = site.alts.len() + 1;
    if genotype_count(n + 1, ploidy) <= MAX_GENOTYPES {
        return Cow::Borrowed(site);
    }
    let mut favoured = vec![0usize; n];
    for r in reads {
        let l = allele_liks(site, r, n, cap);
        let best = (0..n).fold(0, |m, i| if l[i] > l[m] { i } else { m });
        favoured[best] += 1;
    }
    let mut alts: Vec<usize> = (1..n).collect();
    alts.sort_by_key(|&a| (std::cmp::Reverse(favoured[a]), a));
    let mut keep = alts.len();
    while keep > 1 && genotype_count(keep + 2, ploidy) > MAX_GENOTYPES {
        keep -= 1;
    }
    let mut kept: Vec<usize> = alts[..keep].to_vec();
    kept.sort_unstable();
    Cow::Owned(Site {
        pos: site.pos,
        reference: site.reference.clone(),
        alts: kept.iter().map(|&a| site.alts[a - 1].clone()).collect(),
        hap_allele: site
            .hap_allele
            .iter()
            .map(|&a| match a {
                0 => 0,
                a => kept
                    .iter()
                    .position(|&k| k == a)
                    .map_or(usize::MAX, |i| i + 1),
            })
            .collect(),
    })
}

/// Genotypes a site at `ploidy`. When the genotype leaves alleles unused, they are dropped, the
/// alleles trimmed of shared trailing bases, and the site genotyped again (GATK does the same);
/// then, when the genotype holds several ALTs, each must be plausible on its own among them.
pub(crate) fn genotype(
    site: &Site,
    reads: &[ReadLik],
    ploidy: usize,
    o: &GenotypeOpts,
) -> Option<Call> {
    let capped = within_cap(site, reads, ploidy, o.mismapping_cap);
    let mut site = capped.clone();
    // The ALTs of `site` as indices of `capped`'s: every reduced site is built from `capped`, so
    // that its alleles are trimmed once, from the same spelling, however many rounds it took.
    let mut ids: Vec<usize> = (1..=capped.alts.len()).collect();
    let mut call = genotype_all(&site, reads, ploidy, o)?;
    loop {
        let mut used: Vec<usize> = (1..=site.alts.len())
            .filter(|a| call.gt.contains(a))
            .collect();
        if used.len() > 1 && used.len() == site.alts.len() {
            // A second ALT must be plausible on its own, as GATK keeps an allele only when its
            // own confidence reaches a threshold (here the emission threshold, QUAL 10): a
            // stutter length on two reads beside a homozygous deletion is not one. It is judged
            // among the alleles the genotype uses: alleles it left unused (lengths of a repeat
            // that slippage also explains) would otherwise take its reads' evidence with them.
            let theta = if site.is_snp() {
                o.snp_heterozygosity
            } else {
                o.indel_heterozygosity
            };
            let conf = allele_confidence(&call.pl, site.alts.len() + 1, ploidy, theta);
            let best = used
                .iter()
                .copied()
                .max_by(|&a, &b| conf[a].total_cmp(&conf[b]))
                .unwrap_or(0);
            used.retain(|&a| a == best || conf[a] >= o.min_qual);
        }
        if used.len() == site.alts.len() {
            return Some(call);
        }
        ids = used.iter().map(|&u| ids[u - 1]).collect();
        site = std::borrow::Cow::Owned(with_alleles(&capped, &ids));
        call = genotype_all(&site, reads, ploidy, o)?;
    }
}

/// `site` with only the ALTs `used` (1-based, ascending), trimmed. A dropped allele's
/// haplotypes are left out, as `within_cap` leaves out its own: counted as REF, the reads of an
/// allele the genotype did not use (a stutter length beside a homozygous deletion) would make it
/// look heterozygous.
fn with_alleles(site: &Site, used: &[usize]) -> Site {
    let mut alts: Vec<Vec<u8>> = used.iter().map(|&a| site.alts[a - 1].clone()).collect();
    let mut reference = site.reference.clone();
    let pos = allele::trim(site.pos, &mut reference, &mut alts);
    let hap_allele = site
        .hap_allele
        .iter()
        .map(|&a| match a {
            0 => 0,
            a => used
                .iter()
                .position(|&u| u == a)
                .map_or(usize::MAX, |i| i + 1),
        })
        .collect();
    Site {
        pos,
        reference,
        alts,
        hap_allele,
    }
}

/// Genotypes a site from the reads that overlap it (their span with soft clips aligned), as
/// GATK marginalises over reads overlapping a variant: a read clipped where a long deletion
/// starts, or ending inside one, still tells the alleles apart, though it spans neither. None
/// when the best genotype is homozygous reference or the call is below the minimum QUAL.
fn genotype_all(site: &Site, reads: &[ReadLik], ploidy: usize, o: &GenotypeOpts) -> Option<Call> {
    let n_alleles = site.alts.len() + 1;
    let end = site.pos + site.reference.len() as i64;
    let overlapping: Vec<&ReadLik<'_>> = reads
        .iter()
        .filter(|r| r.span.0 < end && r.span.1 > site.pos)
        .collect();
    let per_read: Vec<Vec<f64>> = overlapping
        .iter()
        .map(|r| allele_liks(site, r, n_alleles, o.mismapping_cap))
        .collect();
    let genotypes = genotypes(n_alleles, ploidy.max(1));
    let gls: Vec<f64> = genotypes
        .iter()
        .map(|g| per_read.iter().map(|l| mix(g.iter().map(|&a| l[a]))).sum())
        .collect();
    let best = (0..gls.len()).fold(0, |m, i| if gls[i] > gls[m] { i } else { m });
    if best == 0 {
        return None;
    }
    let max = gls[best];
    let pl: Vec<u32> = gls
        .iter()
        .map(|g| (-10.0 * (g - max)).round().min(f64::from(u32::MAX)) as u32)
        .collect();
    // The genotypes with <NON_REF> (allele n_alleles), in VCF order after the others.
    let floor = |l: &[f64]| floor(l, o.mismapping_cap);
    let lik = |l: &[f64], a: usize| if a == n_alleles { floor(l) } else { l[a] };
    let pl_non_ref: Vec<u32> = self::genotypes(n_alleles + 1, ploidy.max(1))
        .into_iter()
        .filter(|g| g.last() == Some(&n_alleles))
        .map(|g| {
            let gl: f64 = per_read
                .iter()
                .map(|l| mix(g.iter().map(|&a| lik(l, a))))
                .sum();
            (-10.0 * (gl - max)).round().clamp(0.0, f64::from(u32::MAX)) as u32
        })
        .collect();
    let gq = genotype_quality(&pl);
    let theta = if site.is_snp() {
        o.snp_heterozygosity
    } else {
        o.indel_heterozygosity
    };
    let qual = quality(&gls, &genotypes, theta);
    if qual < o.min_qual {
        return None;
    }
    let top = genotypes[best].last().copied().unwrap_or(0);
    let (ad, strands, favoured) = support(&overlapping, &per_read, n_alleles, top, o);
    let with_allele: Vec<(Option<&AlnRead>, Option<usize>)> = overlapping
        .iter()
        .zip(&favoured)
        .map(|(r, &a)| (r.aln, a))
        .collect();
    let mut call = Call {
        site: site.clone(),
        gt: genotypes[best].clone(),
        pl,
        pl_non_ref,
        gq,
        qual,
        ad,
        dp: overlapping.len() as u32,
        fs: strand::fisher_strand(&strands),
        sor: strand::strand_odds_ratio(&strands),
        sb: strands,
        ann: annotate::annotate(site.pos, &with_allele),
        filters: Vec::new(),
    };
    call.filters = filters(&call, &strands, o);
    Some(call)
}

fn allele_liks(site: &Site, r: &ReadLik, n: usize, cap: f64) -> Vec<f64> {
    let mut out = vec![f64::NEG_INFINITY; n];
    for (h, &l) in r.liks.iter().enumerate() {
        // A haplotype whose allele was left out (see `within_cap`) counts for none.
        if let Some(o) = out.get_mut(site.hap_allele[h]) {
            *o = o.max(l);
        }
    }
    let best = out.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    out.iter().map(|&l| l.max(best - cap)).collect()
}

/// A read's likelihood under `<NON_REF>`: no better than its mismapping floor.
fn floor(l: &[f64], cap: f64) -> f64 {
    l.iter().copied().fold(f64::NEG_INFINITY, f64::max) - cap
}

/// log10 of the mean of 10^l over the copies' allele likelihoods: a read comes from any copy
/// alike.
fn mix(ls: impl Iterator<Item = f64> + Clone) -> f64 {
    let m = ls.clone().fold(f64::NEG_INFINITY, f64::max);
    let (sum, n) = ls.fold((0.0, 0.0), |(s, n), l| (s + 10f64.powf(l - m), n + 1.0));
    m + (sum / n).log10()
}

/// GQ from normalised PLs: the second-best genotype's PL, capped at 99.
pub(crate) fn genotype_quality(pl: &[u32]) -> u32 {
    let mut sorted = pl.to_vec();
    sorted.sort_unstable();
    sorted.get(1).copied().unwrap_or(0).min(99)
}

/// Per allele, the phred probability that no copy of it is present (index 0, REF, unused):
/// genotype posteriors from the PLs with a prior of `theta / copies` for each distinct ALT the
/// genotype holds (each allele its own prior, as in GATK's allele-frequency model, not shared
/// among the candidates), so that a genotype of two different ALTs pays the prior twice.
fn allele_confidence(pl: &[u32], n_alleles: usize, ploidy: usize, theta: f64) -> Vec<f64> {
    let genotypes = genotypes(n_alleles, ploidy.max(1));
    let post: Vec<f64> = genotypes
        .iter()
        .zip(pl)
        .map(|(g, &p)| {
            let prior: f64 = (1..n_alleles)
                .map(|a| g.iter().filter(|&&x| x == a).count())
                .filter(|&c| c > 0)
                .map(|c| (theta / c as f64).log10())
                .sum();
            -f64::from(p) / 10.0 + prior
        })
        .collect();
    let max = post.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = post.iter().map(|p| 10f64.powf(p - max)).sum();
    (0..n_alleles)
        .map(|a| {
            let absent: f64 = genotypes
                .iter()
                .zip(&post)
                .filter(|(g, _)| !g.contains(&a))
                .map(|(_, p)| 10f64.powf(p - max))
                .sum();
            -10.0 * (absent / total).max(1e-300).log10()
        })
        .collect()
}

/// Phred probability that the sample is homozygous reference. The heterozygosity prior `theta`
/// goes to the genotypes with one non-reference copy, `theta / 2` to those with two, and so on
/// (diploid: 0/1 theta, 1/1 theta / 2, 0/0 what is left), shared among the alternate alleles.
pub(crate) fn quality(gls: &[f64], genotypes: &[Vec<usize>], theta: f64) -> f64 {
    let n_alt = (genotypes.len() - 1) as f64;
    let ploidy = genotypes.first().map_or(1, Vec::len);
    let harmonic: f64 = (1..=ploidy).map(|c| 1.0 / c as f64).sum();
    let prior = |g: &Vec<usize>| match g.iter().filter(|&&a| a > 0).count() {
        0 => (1.0 - harmonic * theta).log10(),
        c => (theta / c as f64 / n_alt).log10(),
    };
    let post: Vec<f64> = gls
        .iter()
        .zip(genotypes)
        .map(|(l, g)| l + prior(g))
        .collect();
    let max = post.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = post.iter().map(|p| 10f64.powf(p - max)).sum();
    let p_ref = 10f64.powf(post[0] - max) / total;
    (-10.0 * p_ref.max(1e-300).log10()).clamp(0.0, 3000.0)
}

/// AD (informative reads per allele), strand counts for REF against `alt`, and the allele each
/// read clearly favours (None: none).
fn support(
    reads: &[&ReadLik<'_>],
    per_read: &[Vec<f64>],
    n: usize,
    alt: usize,
    o: &GenotypeOpts,
) -> (Vec<u32>, StrandCounts, Vec<Option<usize>>) {
    let mut ad = vec![0u32; n];
    let mut s = StrandCounts::default();
    let mut favoured = Vec::with_capacity(reads.len());
    for (r, l) in reads.iter().zip(per_read) {
        let best = (0..n).fold(0, |m, i| if l[i] > l[m] { i } else { m });
        let second = (0..n)
            .filter(|&i| i != best)
            .map(|i| l[i])
            .fold(f64::NEG_INFINITY, f64::max);
        if l[best] - second < o.informative {
            favoured.push(None);
            continue;
        }
        favoured.push(Some(best));
        ad[best] += 1;
        match (best == 0, best == alt, r.rev) {
            (true, _, false) => s.ref_fwd += 1,
            (true, _, true) => s.ref_rev += 1,
            (_, true, false) => s.alt_fwd += 1,
            (_, true, true) => s.alt_rev += 1,
            _ => {}
        }
    }
    (ad, s, favoured)
}

fn filters(c: &Call, s: &StrandCounts, o: &GenotypeOpts) -> Vec<&'static str> {
    let mut f = Vec::new();
    if c.qual < o.low_qual && c.dp >= o.low_qual_depth {
        f.push("LowQual");
    }
    if strand_biased(s, c.site.is_snp(), c.gt.first() == Some(&0), o) {
        f.push("StrandBias");
    }
    f
}

/// Whether a site's strand counts mark it `StrandBias`: FS over the limit, or, for a
/// heterozygous call (`het`: the genotype keeps the reference) whose alternate fraction is low,
/// SOR over its limit or the one-strand test failing. SOR and the one-strand test are noisy at
/// low depth; recurrent strand-specific errors look like heterozygous calls with a low
/// alternate fraction, so only those are judged by them.
pub(crate) fn strand_biased(s: &StrandCounts, is_snp: bool, het: bool, o: &GenotypeOpts) -> bool {
    let (fs_max, sor_max) = if is_snp {
        (o.max_fs_snp, o.max_sor_snp)
    } else {
        (o.max_fs_indel, o.max_sor_indel)
    };
    let alt = f64::from(s.alt_fwd + s.alt_rev);
    let low_fraction_het = het && alt < o.low_fraction * (alt + f64::from(s.ref_fwd + s.ref_rev));
    strand::fisher_strand(s) > fs_max
        || (low_fraction_het
            && (strand::strand_odds_ratio(s) > sor_max
                || strand::one_strand_p(s) < o.min_one_strand_p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> GenotypeOpts {
        crate::call::options::CallOpts::default().genotype
    }

    #[test]
    fn a_second_alt_must_be_plausible_on_its_own() {
        // NA12878 chr20:10068158, a TA repeat: 1/2 beats 1/1 by 3.7 log10 on two stutter
        // reads; with each ALT paying its own prior the -10 allele is likely absent.
        let theta = opts().indel_heterozygosity;
        let stutter = allele_confidence(&[841, 95, 37, 464, 0, 417], 3, 2, theta);
        assert!(stutter[2] < 10.0 && stutter[1] > 30.0, "{stutter:?}");
        // chr20:10097436, GIAB's 1/2: 2/2 is 5.1 log10 behind, and the second ALT stays.
        let both = allele_confidence(&[386, 323, 456, 78, 0, 51], 3, 2, theta);
        assert!(both[1] > 10.0 && both[2] > 30.0, "{both:?}");
    }

    #[test]
    fn a_second_alt_is_judged_among_the_alleles_the_genotype_uses() {
        // NA12878 chr20:10002458, a run of 11 T: reads show +2 T (13) and +3 T (24). With
        // slippage modelled, another spelling of +2 explains the +2 reads almost as well; judged
        // against it, +2 looked absent and the call became 0/1 +3 with AD 10,40.
        let site = Site {
            pos: 100,
            reference: vec![2],
            alts: vec![vec![2, 3], vec![2, 3, 3], vec![2, 3, 3, 3], vec![2, 3, 2]],
            hap_allele: vec![0, 1, 2, 3, 4],
        };
        let r = |liks: [f64; 5], n: usize| {
            (0..n).map(move |i| ReadLik {
                liks: liks.to_vec(),
                rev: i % 2 == 0,
                span: (0, 200),
                aln: None,
            })
        };
        let reads: Vec<ReadLik> = r([-4.0, -2.5, -1.0, -2.5, -1.05], 13)
            .chain(r([-5.0, -3.5, -2.5, -1.0, -2.55], 24))
            .chain(r([-1.0, -2.5, -3.5, -4.5, -3.5], 2))
            .collect();
        let c = genotype(&site, &reads, 2, &opts()).unwrap();
        assert_eq!(c.site.alts, vec![vec![2, 3, 3], vec![2, 3, 3, 3]]);
        assert_eq!(c.gt, vec![1, 2]);
    }

    fn read(liks: [f64; 2], rev: bool) -> ReadLik<'static> {
        ReadLik {
            liks: liks.to_vec(),
            rev,
            span: (0, 200),
            aln: None,
        }
    }

    fn site() -> Site {
        Site {
            pos: 100,
            reference: vec![0],
            alts: vec![vec![1]],
            hap_allele: vec![0, 1],
        }
    }

    #[test]
    fn ten_ref_and_ten_alt_reads_make_a_confident_het() {
        let mut reads: Vec<ReadLik> = (0..10).map(|i| read([-1.0, -4.0], i % 2 == 0)).collect();
        reads.extend((0..10).map(|i| read([-4.0, -1.0], i % 2 == 1)));
        let c = genotype(&site(), &reads, 2, &opts()).unwrap();
        assert_eq!(c.gt, vec![0, 1]);
        assert_eq!(c.ad, vec![10, 10]);
        assert_eq!(c.pl[1], 0);
        assert!(c.pl[0] > 200 && c.pl[2] > 200, "{:?}", c.pl);
        assert!(c.qual > 100.0 && c.filters.is_empty(), "{c:?}");
        // <NON_REF> explains no read well: every genotype with it is far less likely.
        assert_eq!(c.pl_non_ref.len(), 3);
        assert!(c.pl_non_ref.iter().all(|&p| p > 100), "{:?}", c.pl_non_ref);
    }

    #[test]
    fn all_alt_is_hom_and_all_ref_is_no_call() {
        let alt: Vec<ReadLik> = (0..8).map(|i| read([-4.0, -1.0], i % 2 == 0)).collect();
        assert_eq!(genotype(&site(), &alt, 2, &opts()).unwrap().gt, vec![1, 1]);
        let reference: Vec<ReadLik> = (0..8).map(|i| read([-1.0, -4.0], i % 2 == 0)).collect();
        assert!(genotype(&site(), &reference, 2, &opts()).is_none());
    }

    #[test]
    fn genotypes_come_in_vcf_order_at_any_ploidy() {
        assert_eq!(genotypes(3, 1), vec![vec![0], vec![1], vec![2]]);
        let diploid = genotypes(3, 2);
        // VCF: (j, k) at k(k+1)/2 + j.
        for (i, g) in diploid.iter().enumerate() {
            assert_eq!(i, g[1] * (g[1] + 1) / 2 + g[0]);
        }
        assert_eq!(diploid.len(), 6);
        assert_eq!(genotypes(2, 3).len(), 4);
        assert_eq!(genotypes(3, 3).len(), 10);
    }

    #[test]
    fn many_alleles_at_a_high_ploidy_are_cut_to_the_genotype_cap() {
        assert_eq!(genotype_count(3, 2), 6);
        assert_eq!(genotype_count(13, 8), genotypes(13, 8).len());
        // Twelve alternate alleles, each favoured by fewer reads than the one before.
        let site = Site {
            pos: 100,
            reference: vec![0],
            alts: (1..=12).map(|a| vec![0, a]).collect(),
            hap_allele: (0..=12).collect(),
        };
        let reads: Vec<ReadLik> = (1..=12usize)
            .flat_map(|a| {
                (0..(20 - a)).map(move |_| {
                    let mut liks = vec![-6.0; 13];
                    liks[a] = -1.0;
                    ReadLik {
                        liks,
                        rev: false,
                        span: (0, 200),
                        aln: None,
                    }
                })
            })
            .collect();
        let c = genotype(&site, &reads, 4, &opts()).unwrap();
        assert!(genotype_count(c.site.alts.len() + 2, 4) <= MAX_GENOTYPES);
        assert_eq!(c.pl.len(), genotype_count(c.site.alts.len() + 1, 4));
        // The best-supported alleles stay (the genotype may use only some of them).
        assert!(c.gt.iter().all(|&a| a <= 4), "{:?}", c.gt);
    }

    #[test]
    fn haploid_calls_have_one_allele_and_two_likelihoods() {
        let alt: Vec<ReadLik> = (0..8).map(|i| read([-4.0, -1.0], i % 2 == 0)).collect();
        let c = genotype(&site(), &alt, 1, &opts()).unwrap();
        assert_eq!(c.gt, vec![1]);
        assert_eq!(c.pl.len(), 2);
        assert_eq!(c.pl[1], 0);
        // <NON_REF> alone after the site's alleles.
        assert_eq!(c.pl_non_ref.len(), 1);
        // A mixed site (a heteroplasmy, say) is still called for its majority allele.
        let mut mixed: Vec<ReadLik> = (0..6).map(|i| read([-4.0, -1.0], i % 2 == 0)).collect();
        mixed.extend((0..4).map(|i| read([-1.0, -4.0], i % 2 == 0)));
        assert_eq!(genotype(&site(), &mixed, 1, &opts()).unwrap().gt, vec![1]);
    }

    #[test]
    fn alt_on_one_strand_only_is_filtered() {
        let mut reads: Vec<ReadLik> = (0..25).map(|i| read([-1.0, -4.0], i % 5 < 3)).collect();
        reads.extend((0..6).map(|_| read([-4.0, -1.0], false)));
        let c = genotype(&site(), &reads, 2, &opts()).unwrap();
        assert!(c.filters.contains(&"StrandBias"), "{c:?}");
    }

    #[test]
    fn overlapping_and_touching_events_merge_into_a_multiallelic_site() {
        let contig = vec![0u8, 1, 2, 2, 3, 0, 0, 0];
        let snp = Event {
            pos: 1,
            reference: vec![1],
            alt: vec![3],
        };
        let del = Event {
            pos: 1,
            reference: vec![1, 2, 2],
            alt: vec![1],
        };
        let ins = Event {
            pos: 3,
            reference: vec![2],
            alt: vec![2, 0],
        };
        let far = Event {
            pos: 6,
            reference: vec![0],
            alt: vec![1],
        };
        let s = sites(
            &[vec![], vec![snp], vec![del, far.clone()], vec![ins]],
            &contig,
        );
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].pos, &s[0].reference), (1, &vec![1, 2, 2]));
        // Alleles sorted: C (deletion), CGGA (insertion), TGG (SNP).
        assert_eq!(s[0].alts, vec![vec![1], vec![1, 2, 2, 0], vec![3, 2, 2]]);
        assert_eq!(s[0].hap_allele, vec![0, 3, 1, 2]);
        assert_eq!(
            (s[1].pos, &s[1].alts, &s[1].hap_allele),
            (6, &vec![vec![1]], &vec![0, 0, 1, 0])
        );
    }
}
