//! The caller's records as VCF: calls and gVCF reference blocks become io-level records, and
//! the header defines every FILTER, INFO and FORMAT key they use.

use super::annotate::EXCESS_HET_ONE_SAMPLE;
use super::genotype::Call;
use super::gvcf::Block;
use super::options::CallOpts;
use crate::core::base;
use crate::io::vcf_record::VcfRecord;

/// The header's meta-information lines (without `##`) for what the caller writes.
pub(crate) fn meta_lines(o: &CallOpts, gvcf: bool) -> Vec<String> {
    let mut m = vec![
        "FILTER=<ID=PASS,Description=\"All filters passed\">".to_string(),
        format!(
            "FILTER=<ID=LowQual,Description=\"QUAL below {} where at least {} reads span the site\">",
            o.genotype.low_qual, o.genotype.low_qual_depth
        ),
        "FILTER=<ID=StrandBias,Description=\"Alternate reads on one strand (FS, SOR or one-strand test)\">".into(),
    ];
    // GATK's definitions of the keys it shares with HaplotypeCaller (ID, Number, Type and
    // description), so that tools reading GATK's VCFs read these alike.
    if gvcf {
        m.push("ALT=<ID=NON_REF,Description=\"Represents any possible alternative allele not already represented at this location by REF and ALT\">".into());
        m.push(
            "INFO=<ID=END,Number=1,Type=Integer,Description=\"Stop position of the interval\">"
                .into(),
        );
        m.push(
            "FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description=\"Minimum DP observed within the GVCF block\">"
                .into(),
        );
        // One line per GQ band, as GATK writes them.
        for (i, &lo) in o.gvcf.bands.iter().enumerate() {
            let hi = o.gvcf.bands.get(i + 1).copied().unwrap_or(100);
            m.push(format!(
                "GVCFBlock{lo}-{hi}=minGQ={lo}(inclusive),maxGQ={hi}(exclusive)"
            ));
        }
        m.push("FORMAT=<ID=SB,Number=4,Type=Integer,Description=\"Per-sample component statistics which comprise the Fisher's Exact Test to detect strand bias.\">".into());
        m.push("INFO=<ID=RAW_MQandDP,Number=2,Type=Integer,Description=\"Raw data (sum of squared MQ and total depth) for improved RMS Mapping Quality calculation. Incompatible with deprecated RAW_MQ formulation.\">".into());
    }
    m.extend(
        [
            "INFO=<ID=AC,Number=A,Type=Integer,Description=\"Allele count in genotypes, for each ALT allele, in the same order as listed\">",
            "INFO=<ID=AF,Number=A,Type=Float,Description=\"Allele Frequency, for each ALT allele, in the same order as listed\">",
            "INFO=<ID=AN,Number=1,Type=Integer,Description=\"Total number of alleles in called genotypes\">",
            "INFO=<ID=BaseQRankSum,Number=1,Type=Float,Description=\"Z-score from Wilcoxon rank sum test of Alt Vs. Ref base qualities\">",
            "INFO=<ID=DP,Number=1,Type=Integer,Description=\"Approximate read depth; some reads may have been filtered\">",
            "INFO=<ID=ExcessHet,Number=1,Type=Float,Description=\"Phred-scaled p-value for exact test of excess heterozygosity\">",
            "INFO=<ID=FS,Number=1,Type=Float,Description=\"Phred-scaled p-value using Fisher's exact test to detect strand bias\">",
            "INFO=<ID=MLEAC,Number=A,Type=Integer,Description=\"Maximum likelihood expectation (MLE) for the allele counts (not necessarily the same as the AC), for each ALT allele, in the same order as listed\">",
            "INFO=<ID=MLEAF,Number=A,Type=Float,Description=\"Maximum likelihood expectation (MLE) for the allele frequency (not necessarily the same as the AF), for each ALT allele, in the same order as listed\">",
            "INFO=<ID=MQ,Number=1,Type=Float,Description=\"RMS Mapping Quality\">",
            "INFO=<ID=MQRankSum,Number=1,Type=Float,Description=\"Z-score From Wilcoxon rank sum test of Alt vs. Ref read mapping qualities\">",
            "INFO=<ID=QD,Number=1,Type=Float,Description=\"Variant Confidence/Quality by Depth\">",
            "INFO=<ID=ReadPosRankSum,Number=1,Type=Float,Description=\"Z-score from Wilcoxon rank sum test of Alt vs. Ref read position bias\">",
            "INFO=<ID=SOR,Number=1,Type=Float,Description=\"Symmetric Odds Ratio of 2x2 contingency table to detect strand bias\">",
            "FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">",
            "FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Allelic depths for the ref and alt alleles in the order listed\">",
            "FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Approximate read depth (reads with MQ=255 or with bad mates are filtered)\">",
            "FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype Quality\">",
            "FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"Normalized, Phred-scaled likelihoods for genotypes as defined in the VCF specification\">",
        ]
        .map(String::from),
    );
    m
}

/// An allele frequency as GATK writes it: three decimals under 1, two from 1 on.
fn float(d: f64) -> String {
    if d.abs() < 1.0 {
        format!("{d:.3}")
    } else {
        format!("{d:.2}")
    }
}

/// `AC` and `AF` (also `MLEAC` and `MLEAF`) as written: each ALT's copies, and their share of
/// the `an` called alleles.
pub(crate) fn counts_and_frequencies(ac: &[usize], an: usize) -> (String, String) {
    let counts = ac
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let freqs = ac
        .iter()
        .map(|&n| float(n as f64 / an.max(1) as f64))
        .collect::<Vec<_>>()
        .join(",");
    (counts, freqs)
}

/// The INFO fields of a call, in GATK's (alphabetical) order; `non_ref` adds a zero count for
/// gVCF's `<NON_REF>` to the per-ALT keys, and the raw mapping-quality sums.
fn info(c: &Call, non_ref: bool) -> Vec<(String, Option<String>)> {
    let an = c.gt.len();
    let mut ac: Vec<usize> = (1..=c.site.alts.len())
        .map(|a| c.gt.iter().filter(|&&g| g == a).count())
        .collect();
    if non_ref {
        ac.push(0);
    }
    let (counts, freqs) = counts_and_frequencies(&ac, an);
    let depth: u32 = c.ad.iter().sum();
    let mut out: Vec<(&str, Option<String>)> = vec![
        ("AC", Some(counts.clone())),
        ("AF", Some(freqs.clone())),
        ("AN", Some(an.to_string())),
        ("BaseQRankSum", c.ann.base_q_rank.map(|z| format!("{z:.3}"))),
        ("DP", Some(c.dp.to_string())),
        ("ExcessHet", Some(format!("{EXCESS_HET_ONE_SAMPLE:.4}"))),
        ("FS", Some(format!("{:.3}", c.fs))),
        ("MLEAC", Some(counts)),
        ("MLEAF", Some(freqs)),
        ("MQ", c.ann.mq().map(|m| format!("{m:.2}"))),
        ("MQRankSum", c.ann.mq_rank.map(|z| format!("{z:.3}"))),
        (
            "QD",
            (depth > 0).then(|| format!("{:.2}", c.qual / f64::from(depth))),
        ),
    ];
    if non_ref {
        out.push((
            "RAW_MQandDP",
            Some(format!("{},{}", c.ann.mq_sq, c.ann.mq_n)),
        ));
    }
    out.push((
        "ReadPosRankSum",
        c.ann.read_pos_rank.map(|z| format!("{z:.3}")),
    ));
    out.push(("SOR", Some(format!("{:.3}", c.sor))));
    out.into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

fn join(v: &[u32]) -> String {
    v.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

/// A call on contig `chrom`; `non_ref` adds gVCF's `<NON_REF>` allele.
pub(crate) fn call_record(chrom: &str, c: &Call, non_ref: bool) -> VcfRecord {
    let mut alts: Vec<String> = c.site.alts.iter().map(|a| base::to_text(a)).collect();
    let mut pl = c.pl.clone();
    let mut ad = c.ad.clone();
    if non_ref {
        alts.push("<NON_REF>".into());
        pl.extend_from_slice(&c.pl_non_ref);
        ad.push(0);
    }
    let mut r = VcfRecord::new(
        chrom,
        c.site.pos as u64 + 1,
        base::to_text(&c.site.reference),
        alts,
    );
    r.qual = Some(c.qual);
    r.filters = if c.filters.is_empty() {
        vec!["PASS".into()]
    } else {
        c.filters.iter().map(|f| f.to_string()).collect()
    };
    r.info = info(c, non_ref);
    r.format = ["GT", "AD", "DP", "GQ", "PL"].map(String::from).to_vec();
    let mut values = vec![
        c.gt.iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("/"),
        join(&ad),
        c.dp.to_string(),
        c.gq.to_string(),
        join(&pl),
    ];
    if non_ref {
        // The strand table joint genotyping sums over the cohort for FS and SOR.
        r.format.push("SB".into());
        let s = &c.sb;
        values.push(join(&[s.ref_fwd, s.ref_rev, s.alt_fwd, s.alt_rev]));
    }
    r.samples = vec![values];
    r
}

/// A gVCF reference-confidence block on contig `chrom`.
pub(crate) fn block_record(chrom: &str, b: &Block) -> VcfRecord {
    let reference = char::from(base::decode(b.ref_base)).to_string();
    let mut r = VcfRecord::new(
        chrom,
        b.start as u64 + 1,
        reference,
        vec!["<NON_REF>".into()],
    );
    r.info = vec![("END".into(), Some(b.end.to_string()))];
    r.format = ["GT", "DP", "GQ", "MIN_DP", "PL"]
        .map(String::from)
        .to_vec();
    r.samples = vec![vec![
        vec!["0"; b.pl.len().saturating_sub(1).max(1)].join("/"),
        b.dp.to_string(),
        b.gq.to_string(),
        b.min_dp.to_string(),
        join(&b.pl),
    ]];
    r
}
