//! `zenome split R1 [R2] | --fastq-list F --chunks K -o DIR`: the reads cut into K chunks for
//! a scattered run (`workflow/Snakefile`).

use std::path::PathBuf;
use std::time::Instant;

use crate::core::Result;
use crate::pipeline::split::{self, SplitConfig};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub lanes: super::lane_flags::LaneFlags,
    /// Number of chunks (of equal fragment counts).
    #[arg(long, default_value_t = 4)]
    pub chunks: usize,
    /// Output folder: chunk_1 .. chunk_K, head (the first fragments, for the insert-size
    /// model) and chunks.tsv (each chunk's first fragment, for align --fragment-offset).
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    #[command(flatten)]
    pub run: super::run_flags::CpuFlags,
}

pub(crate) fn run(a: Args) -> Result<()> {
    let started = Instant::now();
    super::set_threads(a.run.threads)?;
    let cfg = SplitConfig {
        lanes: a.lanes.lanes()?,
        from_list: a.lanes.fastq_list.is_some(),
        chunks: a.chunks,
        output: a.output,
        threads: rayon::current_num_threads(),
    };
    let m = split::run(&cfg, a.run.quiet)?;
    a.run.finish(&m, started)
}
