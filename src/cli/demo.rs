//! `zenome demo [DIR]`: simulate, index, align, call and summarise.

use std::path::PathBuf;

use crate::core::Result;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Working directory (created if missing).
    #[arg(default_value = "zenome-demo")]
    pub dir: PathBuf,
    /// Worker threads (0: all cores).
    #[arg(short = 't', long, default_value_t = 0)]
    pub threads: usize,
}

pub(crate) fn run(a: Args) -> Result<()> {
    super::set_threads(a.threads)?;
    crate::demo::run(&a.dir, &super::command_line())
}
