//! `zenome bench`: kernel and stage throughput, printed and as JSON.

use std::path::PathBuf;

use crate::backend;
use crate::bench::{self, BenchOpts};
use crate::core::Result;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// auto, cpu, or cuda[:0,1].
    #[arg(long, default_value = "auto")]
    pub device: String,
    /// Worker threads (0: all cores).
    #[arg(short = 't', long, default_value_t = 0)]
    pub threads: usize,
    /// Write the figures as JSON to this file (`-` for standard output, instead of the table).
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// A short run (small batches, a 100 kb genome): a smoke check, not a measurement.
    #[arg(long)]
    pub quick: bool,
}

pub(crate) fn run(a: Args) -> Result<()> {
    super::set_threads(a.threads)?;
    let backend = backend::select(&a.device)?;
    let opts = if a.quick {
        BenchOpts::quick()
    } else {
        BenchOpts::standard()
    };
    eprintln!("zenome: benchmarking on {}", backend.name());
    let report = bench::run(
        backend.as_ref(),
        &opts,
        rayon::current_num_threads(),
        &super::command_line(),
    )?;
    match &a.json {
        Some(p) if p.as_os_str() == "-" => print!("{}", report.to_json()),
        Some(p) => {
            print!("{}", report.table());
            report.write_json(p)?;
        }
        None => print!("{}", report.table()),
    }
    Ok(())
}
