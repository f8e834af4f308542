//! `zenome demo [DIR]`: simulate, index, align and print a short summary.

use std::path::PathBuf;
use std::time::Instant;

use crate::backend;
use crate::error::Result;
use crate::eval::{Report, matching, records};
use crate::index::{self, IndexParams};
use crate::io::fasta;
use crate::pipeline::align_run::{self, AlignConfig};
use crate::pipeline::call_run::{self, CallConfig};
use crate::sim::{self, SimOpts, placement};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Working directory (created if missing).
    #[arg(default_value = "zenome-demo")]
    pub dir: PathBuf,
    /// Worker threads (0: all cores).
    #[arg(short = 't', long, default_value_t = 0)]
    pub threads: usize,
}

pub fn run(a: Args) -> Result<()> {
    super::set_threads(a.threads);
    let t = Instant::now();
    let o = SimOpts {
        genome_size: 1_000_000,
        depth: 30.0,
        duplicate_rate: 0.02,
        ..SimOpts::default()
    };
    let sim = sim::simulate(&a.dir, &o)?;
    println!(
        "simulated  {} read pairs over a 1 Mb genome with {} variants ({:.1} s)",
        sim.pairs,
        sim.variants,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let contigs = fasta::read(&sim.reference)?;
    index::build::build(contigs, IndexParams::default())?
        .save(&index::index_path(&sim.reference))?;
    println!(
        "indexed    {} ({:.1} s)",
        sim.reference.display(),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let bam = a.dir.join("demo.bam");
    let backend = backend::select("auto")?;
    let read_group = Some(("@RG	ID:demo	SM:SIM".to_string(), "demo".to_string()));
    let cfg = AlignConfig::new(
        sim.reference.clone(),
        sim.reads.to_vec(),
        bam.clone(),
        read_group,
    );
    let m = align_run::run(&cfg, backend.as_ref(), true)?;
    let secs = t.elapsed().as_secs_f64();
    let p = placement::evaluate(&bam, 20)?;
    let pct = |n: u64| 100.0 * n as f64 / p.reads.max(1) as f64;
    println!(
        "aligned    {} -> {} on {} ({secs:.1} s, {:.0} reads/s)",
        sim.reads[0].display(),
        bam.display(),
        backend.name(),
        p.reads as f64 / secs.max(1e-9)
    );
    println!();
    println!("  reads                {:>10}", p.reads);
    println!(
        "  mapped               {:>10}  {:6.2}%",
        p.mapped,
        pct(p.mapped)
    );
    println!(
        "  properly paired      {:>10}  {:6.2}%",
        p.proper,
        pct(p.proper)
    );
    println!(
        "  correctly placed     {:>10}  {:6.2}%",
        p.correct,
        pct(p.correct)
    );
    println!(
        "  wrong at MAPQ>=20    {:>10}  ({:.2} per 10,000)",
        p.wrong_mapq20,
        p.wrong_mapq20 as f64 * 1e4 / p.mapq20.max(1) as f64
    );
    println!(
        "  duplicate fragments  {:>10}",
        m.get("duplicate_fragments")
    );
    println!();
    call_and_score(&sim, &bam, backend.as_ref(), &a.dir)
}

/// Calls variants on the demo BAM and compares them with the simulated truth.
fn call_and_score(
    sim: &sim::SimOutput,
    bam: &std::path::Path,
    backend: &dyn crate::backend::Backend,
    dir: &std::path::Path,
) -> Result<()> {
    let t = Instant::now();
    let vcf = dir.join("demo.vcf.gz");
    let cfg = CallConfig::new(sim.reference.clone(), bam.to_path_buf(), vcf.clone());
    let m = call_run::run(&cfg, backend, true)?;
    println!(
        "called     {} variant records -> {} ({:.1} s)",
        m.get("records"),
        vcf.display(),
        t.elapsed().as_secs_f64()
    );
    let contigs: std::collections::HashMap<String, Vec<u8>> =
        call_run::load_reference(&sim.reference)?
            .into_iter()
            .map(|c| (c.name, c.seq))
            .collect();
    let filter = records::Filter {
        pass_only: true,
        min_qual: 0.0,
    };
    let truth = records::read(&sim.truth, Some(&contigs), filter)?;
    let query = records::read(&vcf, Some(&contigs), filter)?;
    let report = Report::from(
        &truth,
        &query,
        &matching::compare(&truth, &query, Some(&contigs)),
    );
    println!();
    print!("{}", report.table());
    Ok(())
}
