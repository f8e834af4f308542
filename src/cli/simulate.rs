//! `zenome simulate -o DIR [--seed N] [--genome-size BP] [--depth X]`

use std::path::PathBuf;

use crate::core::Result;
use crate::sim::{self, SimOpts};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output directory.
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    #[arg(long, default_value_t = SimOpts::default().seed)]
    pub seed: u64,
    /// Length of the random reference (ignored with --reference).
    #[arg(long, default_value_t = SimOpts::default().genome_size)]
    pub genome_size: usize,
    /// Mean read depth.
    #[arg(long, default_value_t = SimOpts::default().depth)]
    pub depth: f64,
    /// Read length (30 to 1000).
    #[arg(long, default_value_t = SimOpts::default().read_len)]
    pub read_length: usize,
    /// Fraction of fragments sequenced twice (PCR duplicates).
    #[arg(long, default_value_t = SimOpts::default().duplicate_rate)]
    pub duplicates: f64,
    /// Number of strand-specific recurrent error hotspots.
    #[arg(long, default_value_t = SimOpts::default().strand_error_hotspots)]
    pub strand_errors: usize,
    /// Simulate from a region of a real reference instead of a random genome.
    #[arg(long, requires = "region")]
    pub reference: Option<PathBuf>,
    /// The region of --reference: chr, or chr:from-to (1-based, inclusive).
    #[arg(long, requires = "reference")]
    pub region: Option<String>,
}

pub(crate) fn run(a: Args) -> Result<()> {
    let o = SimOpts {
        seed: a.seed,
        genome_size: a.genome_size,
        depth: a.depth,
        read_len: a.read_length,
        duplicate_rate: a.duplicates,
        strand_error_hotspots: a.strand_errors,
        from_reference: a.reference.zip(a.region),
        ..SimOpts::default()
    };
    let out = sim::simulate(&a.output, &o)?;
    eprintln!(
        "zenome: simulated {} pairs and {} variants into {} (reference {})",
        out.pairs,
        out.variants,
        a.output.display(),
        out.reference.display()
    );
    Ok(())
}
