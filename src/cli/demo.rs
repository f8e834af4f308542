//! `zenome demo [DIR]`: simulate, index, align and print a short summary.

use std::path::PathBuf;

use crate::backend;
use crate::error::Result;
use crate::eval::{Report, matching, records};
use crate::pipeline::{call_run, end_to_end};
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
    let o = SimOpts {
        genome_size: 1_000_000,
        depth: 30.0,
        duplicate_rate: 0.02,
        ..SimOpts::default()
    };
    let backend = backend::select("auto")?;
    let e = end_to_end::run(&a.dir, &o, backend.as_ref(), |stage, so_far| match stage {
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
    })?;
    let p = placement::evaluate(&e.bam, 20)?;
    let pct = |n: u64| 100.0 * n as f64 / p.reads.max(1) as f64;
    println!(
        "aligned    {} -> {} on {} ({:.1} s, {:.0} reads/s)",
        e.sim.reads[0].display(),
        e.bam.display(),
        backend.name(),
        e.align_s,
        p.reads as f64 / e.align_s.max(1e-9)
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
        e.align.get("duplicate_fragments")
    );
    println!();
    println!(
        "called     {} variant records -> {} ({:.1} s)",
        e.call.get("records"),
        e.vcf.display(),
        e.call_s
    );
    score(&e.sim, &e.vcf)
}

/// Compares the demo's calls with the simulated truth and prints the table.
fn score(sim: &sim::SimOutput, vcf: &std::path::Path) -> Result<()> {
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
    let query = records::read(vcf, Some(&contigs), filter)?;
    let report = Report::from(
        &truth,
        &query,
        &matching::compare(&truth, &query, Some(&contigs)),
    );
    println!();
    print!("{}", report.table());
    Ok(())
}
