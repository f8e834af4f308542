//! The command line: one file per subcommand, each translating flags into the library's
//! options and calling it. Nothing here computes.

pub(crate) mod align;
pub(crate) mod bench;
pub(crate) mod call;
pub(crate) mod concat;
pub(crate) mod demo;
pub(crate) mod eval;
pub(crate) mod gvcf_flags;
pub(crate) mod index;
pub(crate) mod joint;
pub(crate) mod kernels;
pub(crate) mod lane_flags;
pub(crate) mod model_flags;
pub(crate) mod placement;
pub(crate) mod run;
pub(crate) mod run_flags;
pub(crate) mod simulate;
pub(crate) mod split;

use clap::{Parser, Subcommand};

use crate::core::{Error, Result};

/// The most worker threads `-t` takes: beyond this a machine spends its time switching threads,
/// and the operating system may refuse to start them.
pub(crate) const MAX_THREADS: usize = 1024;

/// zenome: short-read alignment and germline variant calling.
#[derive(Debug, Parser)]
#[command(name = "zenome", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the reference index (REF.zmi beside the reference).
    Index(index::Args),
    /// Align reads: FASTQ in, coordinate-sorted BAM (or SAM) out.
    Align(align::Args),
    /// Call SNPs and indels: sorted, indexed BAM in, VCF out.
    Call(call::Args),
    /// Joint genotyping: per-sample gVCFs in, one multi-sample VCF out (trio checks with --pedigree).
    Joint(joint::Args),
    /// FASTQ to sorted BAM and VCF: align, then call.
    Run(run::Args),
    /// Cut the reads into chunks for a scattered run (workflow/Snakefile).
    Split(split::Args),
    /// Join the chunks or region parts of a scattered run into what one run writes.
    Concat(concat::Args),
    /// Compare calls to a truth set: precision, recall and F1 for SNPs and indels.
    Eval(eval::Args),
    /// Simulate a reference, a truth set and paired reads.
    Simulate(simulate::Args),
    /// Kernel and stage throughput on the chosen device, printed and as JSON.
    Bench(bench::Args),
    /// Simulate, index, align and summarise: a first run in one command.
    Demo(demo::Args),
    /// Prebuild the CUDA kernels for a GPU architecture (for machines without NVRTC).
    Kernels(kernels::Args),
    /// Score the placements of simulated reads in a BAM (JSON on standard output).
    #[command(hide = true)]
    Placement(placement::Args),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Index(a) => index::run(a),
        Command::Align(a) => align::run(a),
        Command::Call(a) => call::run(a),
        Command::Joint(a) => joint::run(a),
        Command::Run(a) => run::run(a),
        Command::Split(a) => split::run(a),
        Command::Concat(a) => concat::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Demo(a) => demo::run(a),
        Command::Kernels(a) => kernels::run(a),
        Command::Placement(a) => placement::run(a),
    }
}

/// Sets the size of the worker pool (0: all cores); refuses absurd counts at once.
pub(crate) fn set_threads(threads: usize) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads > MAX_THREADS {
        return Err(Error::Usage(format!(
            "-t {threads}: at most {MAX_THREADS} worker threads (this machine has {cores} cores)"
        )));
    }
    let n = if threads == 0 { cores } else { threads };
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| {
            Error::Usage(format!(
                "-t {threads}: cannot start the worker threads ({e})"
            ))
        })
}

/// The whole command line, for @PG CL and VCF headers.
pub(crate) fn command_line() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}
