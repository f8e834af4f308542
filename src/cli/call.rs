//! `zenome call REF IN.bam -o OUT.vcf.gz [-r chr:from-to | -L regions.bed] [--gvcf] [-t N]`

use std::path::PathBuf;
use std::time::Instant;

use crate::error::Result;
use crate::pipeline::call_run::{self, CallConfig};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reference FASTA (its REF.zmi is used when present).
    pub reference: PathBuf,
    /// Coordinate-sorted, indexed BAM.
    pub bam: PathBuf,
    /// Output VCF (.vcf.gz: bgzipped with a .tbi; .vcf: plain text).
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    /// Region chr:from-to (1-based, inclusive), or a whole contig; may be repeated.
    #[arg(short = 'r', long = "region")]
    pub regions: Vec<String>,
    /// BED file of regions to call.
    #[arg(short = 'L', long = "regions-file")]
    pub bed: Option<PathBuf>,
    /// Write a gVCF (the <NON_REF> allele on variant records).
    #[arg(long)]
    pub gvcf: bool,
    #[command(flatten)]
    pub run: super::run_flags::RunFlags,
}

pub fn run(a: Args) -> Result<()> {
    let started = Instant::now();
    let backend = a.run.start()?;
    let mut cfg = CallConfig::new(a.reference, a.bam, a.output);
    cfg.regions = a.regions;
    cfg.bed = a.bed;
    cfg.gvcf = a.gvcf;
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
