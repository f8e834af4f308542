//! `zenome eval --ref REF --truth T.vcf.gz --query Q.vcf.gz [-L confident.bed] [--json]`

use std::collections::HashMap;
use std::path::PathBuf;

use crate::error::Result;
use crate::eval::{Report, matching, records};
use crate::pipeline::call_run::load_reference;

#[derive(Debug, clap::Args)]
pub struct Args {
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
    /// List up to this many missed (FN) and false (FP) variants on standard error.
    #[arg(long, default_value_t = 0)]
    pub show_errors: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> Result<()> {
    let contigs: Option<HashMap<String, Vec<u8>>> =
        if a.reference.extension().is_some_and(|e| e == "fai") {
            None
        } else {
            Some(
                load_reference(&a.reference)?
                    .into_iter()
                    .map(|c| (c.name, c.seq))
                    .collect(),
            )
        };
    let truth_filter = records::Filter {
        pass_only: true,
        min_qual: 0.0,
    };
    let query_filter = records::Filter {
        pass_only: !a.all_records,
        min_qual: a.min_qual,
    };
    let mut truth = records::read(&a.truth, contigs.as_ref(), truth_filter)?;
    let mut query = records::read(&a.query, contigs.as_ref(), query_filter)?;
    if let Some(bed) = &a.bed {
        let regions = records::read_bed(bed)?;
        truth.retain(|v| records::in_regions(v, &regions));
        query.retain(|v| records::in_regions(v, &regions));
    }
    let m = matching::compare(&truth, &query, contigs.as_ref());
    let report = Report::from(&truth, &query, &m);
    let show = |side: &str, vs: &[records::Variant], hit: &[bool]| {
        for v in vs.iter().zip(hit).filter(|x| !x.1).take(a.show_errors) {
            eprintln!(
                "{side}	{}	{}	{}	{}	{}",
                v.0.contig,
                v.0.pos + 1,
                bases(&v.0.reference),
                bases(&v.0.alt),
                if v.0.hom { "hom" } else { "het" }
            );
        }
    };
    show("FN", &truth, &m.truth);
    show("FP", &query, &m.query);
    if a.json {
        println!("{}", report.json());
    } else {
        print!("{}", report.table());
    }
    Ok(())
}

fn bases(codes: &[u8]) -> String {
    codes
        .iter()
        .map(|&c| char::from(crate::io::fasta::decode_base(c)))
        .collect()
}
