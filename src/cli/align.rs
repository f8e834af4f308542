//! `zenome align REF R1.fq[.gz] [R2.fq[.gz]] -o OUT.bam [-R RG] [-t N] [--device ...]`

use std::path::PathBuf;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::io::bam::parse_read_group;
use crate::pipeline::align_run::{self, AlignConfig};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reference FASTA; its index REF.zmi is used when present.
    pub reference: PathBuf,
    /// FASTQ file(s): one for single-end reads, two for pairs (plain, gzip or bgzip).
    #[arg(required = true, num_args = 1..=2)]
    pub reads: Vec<PathBuf>,
    /// Output: X.bam (sorted, indexed, duplicates marked), X.sam, or - for SAM on stdout.
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    /// Read group header line, e.g. '@RG\tID:x\tSM:y' (bwa's -R).
    #[arg(short = 'R', long = "read-group")]
    pub read_group: Option<String>,
    /// Keep input order (BAM output without sorting or duplicate marking).
    #[arg(long)]
    pub unsorted: bool,
    /// Do not mark duplicates.
    #[arg(long)]
    pub no_markdup: bool,
    /// Minimum alignment score to report (bwa's -T).
    #[arg(short = 'T', long, default_value_t = 30)]
    pub min_score: i32,
    /// Fragments per batch (does not change the output).
    #[arg(long, default_value_t = 20_000, hide = true)]
    pub batch_size: usize,
    /// Memory for sorting and duplicate marking before spilling to temporary files, in MiB.
    #[arg(long, default_value_t = 1024)]
    pub sort_mem: usize,
    #[command(flatten)]
    pub run: super::run_flags::RunFlags,
}

pub fn run(a: Args) -> Result<()> {
    let started = Instant::now();
    let backend = a.run.start()?;
    let read_group = a.read_group.as_deref().map(parse_read_group).transpose()?;
    if a.reads.len() == 2 && a.reads[0] == a.reads[1] {
        return Err(Error::Usage(format!(
            "the two FASTQ files are the same file ({})",
            a.reads[0].display()
        )));
    }
    let mut cfg = AlignConfig::new(a.reference, a.reads, a.output, read_group);
    cfg.batch_size = a.batch_size;
    cfg.align.min_score = a.min_score;
    cfg.sink.sorted = !a.unsorted;
    cfg.sink.markdup = !a.no_markdup;
    cfg.sink.sort_mem = a.sort_mem << 20;
    let m = align_run::run(&cfg, backend.as_ref(), a.run.quiet)?;
    let secs = started.elapsed().as_secs_f64();
    if !a.run.quiet {
        let reads = m.get("reads");
        eprintln!(
            "zenome: {reads} reads, {} mapped, {} properly paired, {} duplicate fragments, {secs:.1} s ({:.0} reads/s)",
            m.get("mapped"),
            m.get("properly_paired"),
            m.get("duplicate_fragments"),
            reads as f64 / secs.max(1e-9)
        );
    }
    a.run.finish(&m, started)
}
