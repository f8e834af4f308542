//! `zenome kernels --arch sm_90 -o DIR`: prebuilds the CUDA kernel cache with NVRTC, for a GPU
//! machine without NVRTC (there: `ZENOME_KERNEL_CACHE=DIR`).

use std::path::PathBuf;

use crate::backend::kernels_report;
use crate::core::{Error, Result};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The GPU architecture, sm_70 or newer (an H100 is sm_90); may be repeated.
    #[arg(long = "arch", required = true)]
    pub(crate) arch: Vec<String>,
    /// Folder for the kernel files.
    #[arg(short = 'o', long)]
    pub(crate) output: PathBuf,
}

pub(crate) fn run(a: Args) -> Result<()> {
    for arch in &a.arch {
        let ok = arch
            .strip_prefix("sm_")
            .and_then(|v| v.parse::<u32>().ok())
            .is_some_and(|v| v >= 70);
        if !ok {
            return Err(Error::Usage(format!(
                "--arch {arch}: expected sm_70 or newer (sm_80, sm_90, ...)"
            )));
        }
    }
    std::fs::create_dir_all(&a.output).map_err(|e| Error::io(&a.output, e))?;
    for arch in &a.arch {
        for line in kernels_report(&a.output, arch)? {
            eprintln!("zenome: {line}");
        }
    }
    Ok(())
}
