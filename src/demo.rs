//! The demo driver: simulate a genome, index it, align and call, and print what a new user
//! wants to see (placement accuracy of the reads, precision and recall of the calls).
//! [`end_to_end`] is also what `zenome bench` times as stage throughput.

pub(crate) mod end_to_end;

use std::path::Path;

use crate::backend;
use crate::core::Result;
use crate::eval::{self, EvalOpts};
use crate::pipeline::report;
use crate::sim::{SimOpts, placement};

/// Runs the demo in `dir` (created if missing).
pub(crate) fn run(dir: &Path, command_line: &str) -> Result<()> {
    let o = SimOpts {
        genome_size: 1_000_000,
        depth: 30.0,
        duplicate_rate: 0.02,
        ..SimOpts::default()
    };
    let backend = backend::select("auto")?;
    let e = end_to_end::run(
        dir,
        &o,
        backend.as_ref(),
        command_line,
        |stage, so_far| match stage {
            "simulate" => println!(
                "simulated  {} read pairs over a 1 Mb genome with {} variants ({:.1} s)",
                so_far.sim.pairs, so_far.sim.variants, so_far.secs
            ),
            "index" => println!(
                "indexed    {} ({:.1} s)",
                so_far.sim.reference.display(),
                so_far.secs
            ),
            _ => {}
        },
    )?;
    let p = placement::evaluate(&e.bam, 20)?;
    println!(
        "aligned    {} -> {} on {} ({:.1} s, {:.0} reads/s)",
        e.sim.reads[0].display(),
        e.bam.display(),
        backend.name(),
        e.align_s,
        p.reads as f64 / e.align_s.max(1e-9)
    );
    println!();
    print_placement(&p, e.align.get("duplicate_fragments"));
    println!();
    println!(
        "called     {} variant records -> {} ({:.1} s)",
        e.call.get("records"),
        e.vcf.display(),
        e.call_s
    );
    let scored = eval::evaluate(&EvalOpts::new(
        e.sim.reference.clone(),
        e.sim.truth.clone(),
        e.vcf.clone(),
    ))?;
    println!();
    print!("{}", scored.report.table());
    let report = dir.join("demo.report.html");
    let secs = e.align_s + e.call_s;
    report::write(
        &report,
        "demo",
        &e.align.clone().then_call(e.call.clone()),
        secs,
    )?;
    println!();
    println!("report     {}", report.display());
    Ok(())
}

fn print_placement(p: &placement::Placement, duplicates: u64) {
    let pct = |n: u64| 100.0 * n as f64 / p.reads.max(1) as f64;
    println!("  reads                {:>10}", p.reads);
    for (label, n) in [
        ("mapped", p.mapped),
        ("properly paired", p.proper),
        ("correctly placed", p.correct),
    ] {
        println!("  {label:<20} {n:>10}  {:6.2}%", pct(n));
    }
    println!(
        "  wrong at MAPQ>=20    {:>10}  ({:.2} per 10,000)",
        p.wrong_mapq20,
        p.wrong_mapq20 as f64 * 1e4 / p.mapq20.max(1) as f64
    );
    println!("  duplicate fragments  {duplicates:>10}");
}
