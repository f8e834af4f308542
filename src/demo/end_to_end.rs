//! Simulate, index, align and call in one go, timing each stage: what `demo` shows a new user
//! and what `bench` measures as stage throughput.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::backend::Backend;
use crate::core::Result;
use crate::index::{IndexParams, reference};
use crate::io::sam_header::ReadGroup;
use crate::pipeline::align_run::{self, AlignConfig};
use crate::pipeline::call_run::{self, CallConfig};
use crate::pipeline::lanes::Lane;
use crate::pipeline::metrics::Metrics;
use crate::sim::{self, SimOpts, SimOutput};

/// What one end-to-end run produced, with each stage's wall time in seconds.
pub(crate) struct EndToEnd {
    pub sim: SimOutput,
    pub genome_bases: u64,
    pub bam: PathBuf,
    pub vcf: PathBuf,
    pub align: Metrics,
    pub call: Metrics,
    pub index_s: f64,
    pub align_s: f64,
    pub call_s: f64,
}

/// Runs every stage in `dir` on `backend`; `tell` hears each stage's name when it ends.
/// `command_line` goes into the output headers.
pub(crate) fn run(
    dir: &Path,
    o: &SimOpts,
    backend: &dyn Backend,
    command_line: &str,
    mut tell: impl FnMut(&str, &EndToEndSoFar),
) -> Result<EndToEnd> {
    let t = Instant::now();
    let sim = sim::simulate(dir, o)?;
    let mut done = |stage: &str, sim: &SimOutput, t: Instant| {
        let secs = t.elapsed().as_secs_f64();
        tell(stage, &EndToEndSoFar { sim, secs });
        secs
    };
    done("simulate", &sim, t);
    let t = Instant::now();
    let genome_bases = reference::build_file(&sim.reference, IndexParams::default())?
        .seq()
        .len() as u64;
    let index_s = done("index", &sim, t);
    let t = Instant::now();
    let bam = dir.join("demo.bam");
    let align = align_run::run(&align_config(&sim, &bam, command_line), backend, true)?;
    let align_s = done("align", &sim, t);
    let t = Instant::now();
    let vcf = dir.join("demo.vcf.gz");
    let cfg = CallConfig::new(
        sim.reference.clone(),
        bam.clone(),
        vcf.clone(),
        command_line.into(),
    );
    let call = call_run::run(&cfg, backend, true)?;
    let call_s = done("call", &sim, t);
    Ok(EndToEnd {
        sim,
        genome_bases,
        bam,
        vcf,
        align,
        call,
        index_s,
        align_s,
        call_s,
    })
}

/// The demo's alignment: the simulated reads under read group `demo` of sample `SIM`.
fn align_config(sim: &SimOutput, bam: &Path, command_line: &str) -> AlignConfig {
    let read_group = ReadGroup {
        line: "@RG\tID:demo\tSM:SIM".into(),
        id: "demo".into(),
    };
    AlignConfig::new(
        sim.reference.clone(),
        vec![Lane::positional(&sim.reads, Some(read_group))],
        bam.to_path_buf(),
        command_line.into(),
    )
}

/// What a stage's listener can see.
pub(crate) struct EndToEndSoFar<'a> {
    pub sim: &'a SimOutput,
    pub secs: f64,
}
