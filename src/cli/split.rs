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
    /// Compression threads (0: all cores).
    #[arg(short = 't', long, default_value_t = 0)]
    pub threads: usize,
    /// Write stage times as JSON.
    #[arg(long)]
    pub metrics: Option<PathBuf>,
    /// No informational messages.
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

pub(crate) fn run(a: Args) -> Result<()> {
    let started = Instant::now();
    super::set_threads(a.threads)?;
    let cfg = SplitConfig {
        lanes: a.lanes.lanes()?,
        from_list: a.lanes.fastq_list.is_some(),
        chunks: a.chunks,
        output: a.output,
        threads: rayon::current_num_threads(),
    };
    let m = split::run(&cfg, a.quiet)?;
    match &a.metrics {
        Some(p) => m.write(p, started.elapsed().as_secs_f64()),
        None => Ok(()),
    }
}
