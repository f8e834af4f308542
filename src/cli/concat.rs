//! `zenome concat PARTS... -o OUT`: joins the alignment chunks (`align -o X.zchunk`) of a
//! scattered run into one sorted, duplicate-marked BAM, or its region parts (`call --scatter
//! I/M`) into one VCF: what one `run` writes.

use std::path::PathBuf;
use std::time::Instant;

use crate::core::Result;
use crate::pipeline::concat::{self, ConcatConfig};
use crate::pipeline::sink::SinkOpts;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The parts, in order: chunks as `split` numbered them, or parts 1..M of `call --scatter`.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Output: NAME.bam (with .bai) from chunks; NAME.vcf.gz (with .tbi) or NAME.vcf from VCFs.
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    /// Write duplicate-marking metrics per library in Picard's format (chunks only).
    #[arg(long)]
    pub dup_metrics: Option<PathBuf>,
    /// Do not mark duplicates (chunks only).
    #[arg(long)]
    pub no_markdup: bool,
    /// Memory for sorting and duplicate marking before spilling to temporary files, in MiB.
    #[arg(long, default_value_t = SinkOpts::default().sort_mem >> 20)]
    pub sort_mem: usize,
    #[command(flatten)]
    pub run: super::run_flags::CpuFlags,
}

pub(crate) fn run(a: Args) -> Result<()> {
    let started = Instant::now();
    super::set_threads(a.run.threads)?;
    let cfg = ConcatConfig {
        parts: a.parts,
        output: a.output,
        dup_metrics: a.dup_metrics,
        sink: SinkOpts {
            markdup: !a.no_markdup,
            sort_mem: a.sort_mem.saturating_mul(1 << 20),
            threads: rayon::current_num_threads(),
            command_line: super::command_line(),
            ..SinkOpts::default()
        },
    };
    let m = concat::run(&cfg, a.run.quiet)?;
    a.run.finish(&m, started)
}
