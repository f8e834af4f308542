//! `zenome call REF IN.bam -o OUT.vcf.gz [-r chr:from-to | -L regions.bed] [--gvcf] [-t N]`

use std::path::PathBuf;
use std::time::Instant;

use crate::call::CallOpts;
use crate::core::Result;
use crate::pipeline::call_run::{self, CallConfig};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Reference FASTA (its REF.zmi is used when present).
    pub reference: PathBuf,
    /// Coordinate-sorted, indexed BAM.
    pub bam: PathBuf,
    /// Output VCF (.vcf.gz: bgzipped with a .tbi; .vcf: plain text; -: standard output).
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    /// Region chr:from-to (1-based, inclusive), or a whole contig; may be repeated.
    #[arg(short = 'r', long = "region")]
    pub regions: Vec<String>,
    /// BED file of regions to call.
    #[arg(short = 'L', long = "regions-file")]
    pub bed: Option<PathBuf>,
    #[command(flatten)]
    pub gvcf: super::gvcf_flags::GvcfFlags,
    /// Call only part I of M of balanced length (whole shards of the calling grid); `zenome
    /// concat` joins the M parts into exactly the whole call.
    #[arg(long, value_name = "I/M", value_parser = parse_scatter)]
    pub scatter: Option<(usize, usize)>,
    /// Reads under this mapping quality are not used.
    #[arg(long, default_value_t = CallOpts::default().reads.min_mapq)]
    pub min_mapq: u8,
    /// Calls under this QUAL are not written.
    #[arg(long, default_value_t = CallOpts::default().genotype.min_qual)]
    pub min_qual: f64,
    #[command(flatten)]
    pub model: super::model_flags::ModelFlags,
    #[command(flatten)]
    pub run: super::run_flags::RunFlags,
}

pub(crate) fn run(a: Args) -> Result<()> {
    let started = Instant::now();
    let backend = a.run.start()?;
    let mut cfg = CallConfig::new(a.reference, a.bam, a.output, super::command_line());
    cfg.regions = a.regions;
    cfg.bed = a.bed;
    cfg.gvcf = a.gvcf.gvcf;
    a.gvcf.apply(&mut cfg.opts.gvcf);
    cfg.scatter = a.scatter;
    cfg.opts.reads.min_mapq = a.min_mapq;
    cfg.opts.genotype.min_qual = a.min_qual;
    a.model.apply(&mut cfg.opts);
    cfg.validate()?;
    a.run.check_metrics(&cfg.inputs())?;
    let m = call_run::run(&cfg, backend.as_ref(), a.run.quiet)?;
    let secs = started.elapsed().as_secs_f64();
    if !a.run.quiet {
        eprintln!(
            "zenome: {} records from {} shards on {} in {secs:.1} s",
            m.get("records"),
            m.get("shards"),
            backend.name()
        );
    }
    a.run.finish(&m, started)
}

/// `I/M`, two whole numbers.
fn parse_scatter(s: &str) -> std::result::Result<(usize, usize), String> {
    let parse = |v: Option<&str>| v.and_then(|v| v.trim().parse::<usize>().ok());
    let mut it = s.splitn(2, '/');
    match (parse(it.next()), parse(it.next())) {
        (Some(i), Some(m)) => Ok((i, m)),
        _ => Err(format!("'{s}': expected I/M, such as 2/8")),
    }
}
