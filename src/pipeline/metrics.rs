//! Stage timings and counts, printed as a summary and written as JSON on `--metrics`.

use std::path::Path;
use std::time::Instant;

use super::qc::QcData;
use crate::backend::kernel::KernelStat;
use crate::core::Result;
use crate::io::output;

/// Named stage durations and counters of one command.
#[derive(Debug, Clone, Default)]
pub(crate) struct Metrics {
    pub command: String,
    pub device: String,
    pub stages: Vec<(String, f64)>,
    pub counts: Vec<(String, u64)>,
    /// Launches, jobs, cells and CPU fallbacks of each kernel entry point (kernel backends).
    pub kernels: Vec<KernelStat>,
    /// Process CPU seconds (user + system, all threads) spent in each top-level step.
    pub cpu: Vec<(String, f64)>,
    /// Quality-control figures.
    pub qc: QcData,
    /// Named fractions (the Mendelian violation rate of `joint`, say).
    pub rates: Vec<(String, f64)>,
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

    /// Adds the process CPU time since `since` (from [`cpu_seconds`]) to step `name`.
    pub(crate) fn cpu_since(&mut self, name: &str, since: f64) {
        let secs = cpu_seconds() - since;
        match self.cpu.iter_mut().find(|s| s.0 == name) {
            Some(s) => s.1 += secs,
            None => self.cpu.push((name.into(), secs)),
        }
    }

    /// A run's metrics: alignment's, then calling's (its stages named `call_*`).
    pub(crate) fn then_call(mut self, call: Metrics) -> Metrics {
        self.stages.extend(
            call.stages
                .into_iter()
                .map(|(n, s)| (format!("call_{n}"), s)),
        );
        self.counts.extend(call.counts);
        self.kernels = call.kernels;
        self.cpu.extend(call.cpu);
        self.qc.absorb(call.qc);
        self.command = "run".into();
        self
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
        let cpu: Vec<String> = self
            .cpu
            .iter()
            .map(|(n, s)| format!("\"{n}\": {s:.3}"))
            .collect();
        let qc = self.qc.json_members();
        let rates: Vec<String> = self
            .rates
            .iter()
            .map(|(n, r)| format!("\"{n}\": {r:.6}"))
            .collect();
        let reads = self.get("reads") as f64;
        format!(
            "{{\"command\": \"{}\", \"device\": \"{}\", \"seconds\": {total_seconds:.3}, \"cpu_seconds\": {:.3}, \"peak_memory_mb\": {:.1}, \"reads_per_second\": {:.1}, \"stages\": {{{}}}, \"cpu_by_step\": {{{}}}, \"counts\": {{{}}}, \"qc\": {{{}}}, \"rates\": {{{}}}, \"kernels\": [{}]}}\n",
            self.command,
            self.device,
            cpu_seconds(),
            peak_memory_bytes() as f64 / (1u64 << 20) as f64,
            if total_seconds > 0.0 {
                reads / total_seconds
            } else {
                0.0
            },
            stages.join(", "),
            cpu.join(", "),
            counts.join(", "),
            qc.join(", "),
            rates.join(", "),
            kernels.join(", ")
        )
    }

    /// Writes the JSON to `path` (under a temporary name until complete).
    pub(crate) fn write(&self, path: &Path, total_seconds: f64) -> Result<()> {
        output::write_text(path, &self.to_json(total_seconds))
    }
}

/// This process's usage so far (zeros if the system will not say).
fn usage() -> libc::rusage {
    // SAFETY: rusage is plain old data, for which all-zero bytes are a valid value.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes one rusage into the valid, exclusively borrowed `u`.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    u
}

/// CPU seconds (user + system) this process has used, all threads together.
pub(crate) fn cpu_seconds() -> f64 {
    let u = usage();
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

/// The most resident memory this process has held, in bytes.
pub(crate) fn peak_memory_bytes() -> u64 {
    (usage().ru_maxrss.max(0) as u64) * 1024
}
