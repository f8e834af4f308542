//! Simulate, index, align and call in one go, timing each stage: what `demo` shows a new user
//! and what `bench` measures as stage throughput.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::align_run::{self, AlignConfig};
use super::call_run::{self, CallConfig};
use super::metrics::Metrics;
use crate::backend::Backend;
use crate::error::Result;
use crate::index::{self, IndexParams};
use crate::io::fasta;
use crate::sim::{self, SimOpts, SimOutput};

/// What one end-to-end run produced, with each stage's wall time in seconds.
pub struct EndToEnd {
    pub sim: SimOutput,
    pub genome_bases: u64,
    pub bam: PathBuf,
    pub vcf: PathBuf,
    pub align: Metrics,
    pub call: Metrics,
    pub simulate_s: f64,
    pub index_s: f64,
    pub align_s: f64,
    pub call_s: f64,
}

/// Runs every stage in `dir` on `backend`; `tell` hears each stage's name when it ends.
pub fn run(
    dir: &Path,
    o: &SimOpts,
    backend: &dyn Backend,
    mut tell: impl FnMut(&str, &EndToEndSoFar),
) -> Result<EndToEnd> {
    let t = Instant::now();
    let sim = sim::simulate(dir, o)?;
    let simulate_s = t.elapsed().as_secs_f64();
    tell(
        "simulate",
        &EndToEndSoFar {
            sim: &sim,
            secs: simulate_s,
        },
    );

    let t = Instant::now();
    let contigs = fasta::read(&sim.reference)?;
    let genome_bases = contigs.iter().map(|c| c.seq.len() as u64).sum();
    index::build::build(contigs, IndexParams::default())?
        .save(&index::index_path(&sim.reference))?;
    let index_s = t.elapsed().as_secs_f64();
    tell(
        "index",
        &EndToEndSoFar {
            sim: &sim,
            secs: index_s,
        },
    );

    let t = Instant::now();
    let bam = dir.join("demo.bam");
    let read_group = Some(("@RG\tID:demo\tSM:SIM".to_string(), "demo".to_string()));
    let cfg = AlignConfig::new(
        sim.reference.clone(),
        sim.reads.to_vec(),
        bam.clone(),
        read_group,
    );
    let align = align_run::run(&cfg, backend, true)?;
    let align_s = t.elapsed().as_secs_f64();
    tell(
        "align",
        &EndToEndSoFar {
            sim: &sim,
            secs: align_s,
        },
    );

    let t = Instant::now();
    let vcf = dir.join("demo.vcf.gz");
    let cfg = CallConfig::new(sim.reference.clone(), bam.clone(), vcf.clone());
    let call = call_run::run(&cfg, backend, true)?;
    let call_s = t.elapsed().as_secs_f64();
    tell(
        "call",
        &EndToEndSoFar {
            sim: &sim,
            secs: call_s,
        },
    );

    Ok(EndToEnd {
        sim,
        genome_bases,
        bam,
        vcf,
        align,
        call,
        simulate_s,
        index_s,
        align_s,
        call_s,
    })
}

/// What a stage's listener can see.
pub struct EndToEndSoFar<'a> {
    pub sim: &'a SimOutput,
    pub secs: f64,
}
