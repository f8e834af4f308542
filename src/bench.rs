//! `zenome bench`: kernel and stage throughput on the chosen backend, as a table and as JSON.
//! Kernels run on deterministic batches shaped like real work (`workload`); stages run the whole
//! path (simulate, index, align, call) on a simulated genome in a temporary folder.

pub(crate) mod kernels;
pub mod workload;

use std::path::Path;

use kernels::KernelFigure;

use crate::backend::Backend;
use crate::backend::cpu::{CpuBackend, CpuKernel};
use crate::core::{Error, Result};
use crate::demo::end_to_end;
use crate::sim::SimOpts;

/// How much work to time.
#[derive(Debug, Clone)]
pub(crate) struct BenchOpts {
    pub extend_jobs: usize,
    pub pair_hmm: workload::PairHmmShape,
    /// Each kernel repeats for at least this long.
    pub min_seconds: f64,
    pub genome_size: usize,
    pub depth: f64,
}

impl BenchOpts {
    /// The standard run: a few seconds a kernel, a 1 Mb genome at 30x.
    pub(crate) fn standard() -> Self {
        BenchOpts {
            extend_jobs: 20_000,
            pair_hmm: workload::PairHmmShape {
                regions: 40,
                haps: 4,
                reads: 60,
                hap_len: 300,
            },
            min_seconds: 2.0,
            genome_size: 1_000_000,
            depth: 30.0,
        }
    }

    /// A run of a second or two, for tests and smoke checks.
    pub(crate) fn quick() -> Self {
        BenchOpts {
            extend_jobs: 2_000,
            pair_hmm: workload::PairHmmShape {
                regions: 4,
                haps: 4,
                reads: 20,
                hap_len: 300,
            },
            min_seconds: 0.05,
            genome_size: 100_000,
            depth: 10.0,
        }
    }
}

/// One stage of the end-to-end run.
#[derive(Debug, Clone)]
pub(crate) struct StageFigure {
    pub stage: &'static str,
    pub seconds: f64,
    /// What the rate counts ("reads", "Mb").
    pub unit: &'static str,
    pub per_second: f64,
}

/// Everything one `zenome bench` measured.
#[derive(Debug, Clone)]
pub(crate) struct BenchReport {
    pub device: String,
    pub threads: usize,
    pub kernels: Vec<KernelFigure>,
    pub stages: Vec<StageFigure>,
    /// The FMA canary on the device (None on the CPU).
    pub no_contraction: Option<bool>,
}

/// Times the kernels on `backend` (and on the CPU oracle, for scale), then the stages.
pub(crate) fn run(
    backend: &dyn Backend,
    o: &BenchOpts,
    threads: usize,
    command_line: &str,
) -> Result<BenchReport> {
    let extend = workload::extend_batch(o.extend_jobs, 1);
    let hmm = workload::pair_hmm_batch(&o.pair_hmm, 2);
    let oracle = CpuBackend::new(CpuKernel::Oracle);
    let kernels = vec![
        kernels::extend(backend, &extend, o.min_seconds)?,
        kernels::extend(&oracle, &extend, o.min_seconds / 4.0)?,
        kernels::pair_hmm(backend, &hmm, o.min_seconds)?,
        kernels::pair_hmm(&oracle, &hmm, o.min_seconds / 4.0)?,
    ];

    let dir = tempfile::Builder::new()
        .prefix("zenome-bench")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let sim = SimOpts {
        genome_size: o.genome_size,
        depth: o.depth,
        duplicate_rate: 0.02,
        ..SimOpts::default()
    };
    let e = end_to_end::run(dir.path(), &sim, backend, command_line, |_, _| {})?;
    let reads = e.align.get("reads") as f64;
    let mb = e.genome_bases as f64 / 1e6;
    let rate = |n: f64, s: f64| n / s.max(1e-9);
    let stages = vec![
        StageFigure {
            stage: "index",
            seconds: e.index_s,
            unit: "Mb",
            per_second: rate(mb, e.index_s),
        },
        StageFigure {
            stage: "align",
            seconds: e.align_s,
            unit: "reads",
            per_second: rate(reads, e.align_s),
        },
        StageFigure {
            stage: "call",
            seconds: e.call_s,
            unit: "Mb",
            per_second: rate(mb, e.call_s),
        },
        StageFigure {
            stage: "align+call",
            seconds: e.align_s + e.call_s,
            unit: "reads",
            per_second: rate(reads, e.align_s + e.call_s),
        },
    ];
    Ok(BenchReport {
        device: backend.name().to_string(),
        threads,
        kernels,
        stages,
        no_contraction: backend.no_contraction()?,
    })
}

impl BenchReport {
    /// The figures as two aligned text tables.
    pub(crate) fn table(&self) -> String {
        let mut s = format!(
            "zenome bench on {} ({} threads)\n\n",
            self.device, self.threads
        );
        s += "kernel    backend        jobs   runs  seconds    jobs/s    GCUPS  transfer  parity\n";
        for k in &self.kernels {
            let transfer = k
                .transfer_share
                .map_or("-".to_string(), |t| format!("{:.0}%", 100.0 * t));
            s += &format!(
                "{:<9} {:<11} {:>7} {:>6} {:>8.2} {:>9.0} {:>8.2} {:>9}  {}\n",
                k.kernel,
                k.backend,
                k.jobs,
                k.runs,
                k.seconds,
                k.jobs_per_s,
                k.mcells_per_s / 1e3,
                transfer,
                k.parity
            );
        }
        if let Some(ok) = self.no_contraction {
            s += &format!(
                "FMA canary on {}: {}\n",
                self.device,
                if ok {
                    "a*b+c exact (no contraction)"
                } else {
                    "FUSED (contraction on)"
                }
            );
        }
        s += "\nstage       seconds        rate\n";
        for st in &self.stages {
            s += &format!(
                "{:<10} {:>8.2} {:>11.1} {}/s\n",
                st.stage, st.seconds, st.per_second, st.unit
            );
        }
        s
    }

    /// The figures as one JSON object.
    pub(crate) fn to_json(&self) -> String {
        let kernels: Vec<String> = self
            .kernels
            .iter()
            .map(|k| {
                format!(
                    "{{\"kernel\": \"{}\", \"backend\": \"{}\", \"jobs\": {}, \"runs\": {}, \"seconds\": {:.4}, \"jobs_per_second\": {:.1}, \"mcells_per_second\": {:.2}, \"gcups\": {:.4}, \"transfer_share\": {}, \"parity\": \"{}\"}}",
                    k.kernel,
                    k.backend,
                    k.jobs,
                    k.runs,
                    k.seconds,
                    k.jobs_per_s,
                    k.mcells_per_s,
                    k.mcells_per_s / 1e3,
                    k.transfer_share.map_or("null".to_string(), |t| format!("{t:.4}")),
                    k.parity
                )
            })
            .collect();
        let stages: Vec<String> = self
            .stages
            .iter()
            .map(|st| {
                format!(
                    "{{\"stage\": \"{}\", \"seconds\": {:.4}, \"unit\": \"{}\", \"per_second\": {:.2}}}",
                    st.stage, st.seconds, st.unit, st.per_second
                )
            })
            .collect();
        format!(
            "{{\"device\": \"{}\", \"threads\": {}, \"version\": \"{}\", \"kernels\": [{}], \"stages\": [{}], \"no_fma_contraction\": {}}}\n",
            self.device,
            self.threads,
            env!("CARGO_PKG_VERSION"),
            kernels.join(", "),
            stages.join(", "),
            self.no_contraction
                .map_or("null".to_string(), |b| b.to_string())
        )
    }

    pub(crate) fn write_json(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_json()).map_err(|e| Error::io(path, e))
    }
}
