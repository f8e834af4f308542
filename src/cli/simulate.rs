//! `zenome simulate -o DIR [--seed N] [--genome-size BP] [--depth X] [--trio [--de-novo N]]`

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
    /// Polymerase slippage: the chance that a read crossing a homopolymer of 4 bases gains or
    /// loses one of them, multiplied by 1.6 for each further base (at most 0.3); 2e-4 is about
    /// what NA12878's reads show. 0: reads without indel errors.
    #[arg(long, default_value_t = SimOpts::default().slippage)]
    pub slippage: f64,
    /// Simulate from a region of a real reference instead of a random genome.
    #[arg(long, requires = "region")]
    pub reference: Option<PathBuf>,
    /// The region of --reference: chr, or chr:from-to (1-based, inclusive).
    #[arg(long, requires = "reference")]
    pub region: Option<String>,
    /// Simulate a trio: father/, mother/ and child/ (reads and truth each), the child's de novo
    /// mutations (denovo.vcf.gz) and the pedigree (trio.ped).
    #[arg(long)]
    pub trio: bool,
    /// De novo SNPs of the child (with --trio).
    #[arg(long, default_value_t = 20, requires = "trio")]
    pub de_novo: usize,
}

pub(crate) fn run(a: Args) -> Result<()> {
    let o = SimOpts {
        seed: a.seed,
        genome_size: a.genome_size,
        depth: a.depth,
        read_len: a.read_length,
        duplicate_rate: a.duplicates,
        strand_error_hotspots: a.strand_errors,
        slippage: a.slippage,
        from_reference: a.reference.zip(a.region),
        ..SimOpts::default()
    };
    if a.trio {
        let out = sim::simulate_trio(&a.output, &o, a.de_novo)?;
        eprintln!(
            "zenome: simulated a trio into {}: {} pairs per member, {} de novo mutations ({}), pedigree {}",
            a.output.display(),
            out.members
                .iter()
                .map(|m| m.pairs.to_string())
                .collect::<Vec<_>>()
                .join("/"),
            out.de_novo_count,
            out.de_novo.display(),
            out.pedigree.display()
        );
        return Ok(());
    }
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
