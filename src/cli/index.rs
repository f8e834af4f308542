//! `zenome index REF.fa[.gz]`

use std::path::PathBuf;
use std::time::Instant;

use crate::core::Result;
use crate::index::{IndexParams, index_path, reference};
use crate::io::output;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Reference FASTA (plain, gzip or bgzip).
    pub reference: PathBuf,
    /// Worker threads (0: all cores).
    #[arg(short = 't', long, default_value_t = 0)]
    pub threads: usize,
}

pub(crate) fn run(a: Args) -> Result<()> {
    super::set_threads(a.threads)?;
    let t = Instant::now();
    let path = index_path(&a.reference);
    output::check_outputs(&[("index", &path)], &[&a.reference])?;
    let idx = reference::build_file(&a.reference, IndexParams::default())?;
    let (keys, pos) = idx.counts();
    eprintln!(
        "zenome: wrote {} ({keys} minimizers, {pos} positions) in {:.1} s",
        path.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
