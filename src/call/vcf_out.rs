//! The caller's records as VCF: calls and gVCF reference blocks become io-level records, and
//! the header defines every FILTER, INFO and FORMAT key they use.

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
            "FILTER=<ID=LowQual,Description=\"QUAL below {}\">",
            o.genotype.low_qual
        ),
        "FILTER=<ID=StrandBias,Description=\"Alternate reads on one strand (FS, SOR or one-strand test)\">".into(),
    ];
    if gvcf {
        m.push("ALT=<ID=NON_REF,Description=\"Any allele other than the reference\">".into());
        m.push(
            "INFO=<ID=END,Number=1,Type=Integer,Description=\"End of the reference block\">".into(),
        );
        m.push(
            "FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description=\"Minimum depth in the block\">"
                .into(),
        );
    }
    m.extend(
        [
            "INFO=<ID=DP,Number=1,Type=Integer,Description=\"Reads spanning the site\">",
            "INFO=<ID=FS,Number=1,Type=Float,Description=\"Phred-scaled Fisher's exact test of strand bias\">",
            "INFO=<ID=SOR,Number=1,Type=Float,Description=\"Symmetric odds ratio of strand bias\">",
            "FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">",
            "FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Informative reads per allele\">",
            "FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Reads spanning the site\">",
            "FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality\">",
            "FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"Phred-scaled genotype likelihoods\">",
        ]
        .map(String::from),
    );
    m
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
    r.info = vec![
        ("DP".into(), Some(c.dp.to_string())),
        ("FS".into(), Some(format!("{:.3}", c.fs))),
        ("SOR".into(), Some(format!("{:.3}", c.sor))),
    ];
    r.format = ["GT", "AD", "DP", "GQ", "PL"].map(String::from).to_vec();
    r.samples = vec![vec![
        c.gt.iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("/"),
        join(&ad),
        c.dp.to_string(),
        c.gq.to_string(),
        join(&pl),
    ]];
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
