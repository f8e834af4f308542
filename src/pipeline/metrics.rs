//! Stage timings and counts, printed as a summary and written as JSON on `--metrics`.

use std::path::Path;
use std::time::Instant;

use crate::backend::kernel::KernelStat;
use crate::core::{Error, Result};
use crate::io::output::TempPath;

/// Named stage durations and counters of one command.
#[derive(Debug, Clone, Default)]
pub(crate) struct Metrics {
    pub command: String,
    pub device: String,
    pub stages: Vec<(String, f64)>,
    pub counts: Vec<(String, u64)>,
    /// Launches, jobs, cells and CPU fallbacks of each kernel entry point (kernel backends).
    pub kernels: Vec<KernelStat>,
}

impl Metrics {
    pub(crate) fn new(command: &str, device: &str) -> Self {
        Metrics {
            command: command.into(),
            device: device.into(),
            ..Default::default()
        }
    }

    /// Adds the time since `since` to stage `name`.
    pub(crate) fn time(&mut self, name: &str, since: Instant) {
        self.add(name, since.elapsed().as_secs_f64());
    }

    /// Adds `secs` to stage `name`.
    pub(crate) fn add(&mut self, name: &str, secs: f64) {
        match self.stages.iter_mut().find(|s| s.0 == name) {
            Some(s) => s.1 += secs,
            None => self.stages.push((name.into(), secs)),
        }
    }

    pub(crate) fn count(&mut self, name: &str, n: u64) {
        match self.counts.iter_mut().find(|s| s.0 == name) {
            Some(s) => s.1 += n,
            None => self.counts.push((name.into(), n)),
        }
    }

    pub(crate) fn get(&self, name: &str) -> u64 {
        self.counts.iter().find(|c| c.0 == name).map_or(0, |c| c.1)
    }

    /// The metrics as a JSON object.
    pub(crate) fn to_json(&self, total_seconds: f64) -> String {
        let stages: Vec<String> = self
            .stages
            .iter()
            .map(|(n, s)| format!("\"{n}\": {s:.3}"))
            .collect();
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(n, c)| format!("\"{n}\": {c}"))
            .collect();
        let kernels: Vec<String> = self
            .kernels
            .iter()
            .map(|k| {
                format!(
                    "{{\"kernel\": \"{}\", \"launches\": {}, \"jobs\": {}, \"cells\": {}, \"fallback_jobs\": {}, \"transfer_seconds\": {:.4}, \"kernel_seconds\": {:.4}}}",
                    k.kernel,
                    k.launches,
                    k.jobs,
                    k.cells,
                    k.fallback_jobs,
                    k.transfer_seconds,
                    k.kernel_seconds
                )
            })
            .collect();
        let reads = self.get("reads") as f64;
        format!(
            "{{\"command\": \"{}\", \"device\": \"{}\", \"seconds\": {total_seconds:.3}, \"reads_per_second\": {:.1}, \"stages\": {{{}}}, \"counts\": {{{}}}, \"kernels\": [{}]}}\n",
            self.command,
            self.device,
            if total_seconds > 0.0 {
                reads / total_seconds
            } else {
                0.0
            },
            stages.join(", "),
            counts.join(", "),
            kernels.join(", ")
        )
    }

    /// Writes the JSON to `path` (under a temporary name until complete).
    pub(crate) fn write(&self, path: &Path, total_seconds: f64) -> Result<()> {
        let tmp = TempPath::new(path);
        std::fs::write(tmp.path(), self.to_json(total_seconds)).map_err(|e| Error::io(path, e))?;
        tmp.commit()
    }
}
