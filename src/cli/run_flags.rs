//! Flags every long-running command shares: threads, device, metrics, quiet.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::backend::{self, Backend};
use crate::core::Result;
use crate::io::output;
use crate::pipeline::metrics::Metrics;

#[derive(Debug, clap::Args)]
pub(crate) struct RunFlags {
    /// Worker threads (0: all cores).
    #[arg(short = 't', long, default_value_t = 0)]
    pub threads: usize,
    /// auto (every GPU, else the CPU), cpu, emu (the GPU kernels run on the CPU), cuda, cuda:0,1.
    #[arg(long, default_value = "auto")]
    pub device: String,
    /// Write stage times, throughput and device use as JSON.
    #[arg(long)]
    pub metrics: Option<PathBuf>,
    /// No progress or informational messages.
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

impl RunFlags {
    /// Sizes the worker pool and picks the backend.
    pub(crate) fn start(&self) -> Result<Box<dyn Backend>> {
        super::set_threads(self.threads)?;
        backend::select(&self.device)
    }

    /// Checks, before any work, that the metrics file can be written and is not an input.
    pub(crate) fn check_metrics(&self, inputs: &[PathBuf]) -> Result<()> {
        let Some(p) = &self.metrics else {
            return Ok(());
        };
        let ins: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        output::check_outputs(&[("--metrics", p)], &ins)
    }

    /// Writes the metrics file when asked for.
    pub(crate) fn finish(&self, m: &Metrics, started: Instant) -> Result<()> {
        write_metrics(self.metrics.as_deref(), m, started)
    }
}

/// Flags of the CPU-only commands of a scattered run (`split`, `concat`): threads, metrics,
/// quiet.
#[derive(Debug, clap::Args)]
pub(crate) struct CpuFlags {
    /// Worker threads (0: all cores).
    #[arg(short = 't', long, default_value_t = 0)]
    pub threads: usize,
    /// Write stage times as JSON.
    #[arg(long)]
    pub metrics: Option<PathBuf>,
    /// No progress or informational messages.
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

impl CpuFlags {
    /// Writes the metrics file when asked for.
    pub(crate) fn finish(&self, m: &Metrics, started: Instant) -> Result<()> {
        write_metrics(self.metrics.as_deref(), m, started)
    }
}

/// Writes `m` to `path` when there is one, with the time since `started`.
fn write_metrics(path: Option<&Path>, m: &Metrics, started: Instant) -> Result<()> {
    match path {
        Some(p) => m.write(p, started.elapsed().as_secs_f64()),
        None => Ok(()),
    }
}
