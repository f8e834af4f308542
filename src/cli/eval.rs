//! `zenome eval --ref REF --truth T.vcf.gz --query Q.vcf.gz [-L confident.bed] [--json]`

use std::path::PathBuf;

use crate::core::Result;
use crate::core::base;
use crate::eval::{self, EvalOpts, records::Variant};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Reference FASTA (a .fai alone is accepted: alleles are then trimmed but not left-aligned,
    /// and differently written variants are not reconciled).
    #[arg(long = "ref")]
    pub reference: PathBuf,
    #[arg(long)]
    pub truth: PathBuf,
    #[arg(long)]
    pub query: PathBuf,
    /// Count only variants starting inside these regions.
    #[arg(short = 'L', long = "regions-file")]
    pub bed: Option<PathBuf>,
    /// Count query records whatever their FILTER (default: PASS only).
    #[arg(long)]
    pub all_records: bool,
    /// Ignore query records with QUAL below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_qual: f64,
    /// Score this sample of a multi-sample query (a cohort VCF of `zenome joint`); the first
    /// sample by default.
    #[arg(long)]
    pub sample: Option<String>,
    /// List up to this many missed (FN), false (FP) and wrongly genotyped (GT: the truth's
    /// zygosity shown) variants on standard error.
    #[arg(long, default_value_t = 0)]
    pub show_errors: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn run(a: Args) -> Result<()> {
    let mut o = EvalOpts::new(a.reference, a.truth, a.query);
    o.bed = a.bed;
    o.pass_only = !a.all_records;
    o.min_qual = a.min_qual;
    o.sample = a.sample;
    let e = eval::evaluate(&o)?;
    let show = |side: &str, vs: &[Variant]| {
        for v in vs.iter().take(a.show_errors) {
            eprintln!(
                "{side}\t{}\t{}\t{}\t{}\t{}",
                v.contig,
                v.pos + 1,
                base::to_text(&v.reference),
                base::to_text(&v.alt),
                if v.hom { "hom" } else { "het" }
            );
        }
    };
    show("FN", &e.missed);
    show("FP", &e.extra);
    show("GT", &e.wrong_genotype);
    if a.json {
        println!("{}", e.report.json());
    } else {
        print!("{}", e.report.table());
    }
    Ok(())
}
