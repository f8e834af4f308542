//! `zenome placement BAM`: accuracy of simulated reads' placements, as JSON.

use std::path::PathBuf;

use crate::core::Result;
use crate::sim::placement;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A BAM of reads made by `zenome simulate`.
    pub bam: PathBuf,
    /// Bases of tolerance around the true position.
    #[arg(long, default_value_t = 20)]
    pub slack: i64,
}

pub(crate) fn run(a: Args) -> Result<()> {
    println!("{}", placement::evaluate(&a.bam, a.slack)?.to_json());
    Ok(())
}
