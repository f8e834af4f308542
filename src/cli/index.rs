//! `zenome index REF.fa[.gz]`

use std::path::PathBuf;
use std::time::Instant;

use crate::error::Result;
use crate::index::{self, IndexParams};
use crate::io::fasta;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reference FASTA (plain, gzip or bgzip).
    pub reference: PathBuf,
    /// Worker threads (0: all cores).
    #[arg(short = 't', long, default_value_t = 0)]
    pub threads: usize,
}

pub fn run(a: Args) -> Result<()> {
    super::set_threads(a.threads);
    let t = Instant::now();
    let contigs = fasta::read(&a.reference)?;
    let idx = index::build::build(contigs, IndexParams::default())?;
    let path = index::index_path(&a.reference);
    idx.save(&path)?;
    let (keys, pos) = idx.counts();
    eprintln!(
        "zenome: wrote {} ({keys} minimizers, {pos} positions) in {:.1} s",
        path.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
