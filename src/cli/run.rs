//! `zenome run REF R1.fq[.gz] [R2.fq[.gz]] -o PREFIX`: FASTQ to PREFIX.bam(.bai) and
//! PREFIX.vcf.gz(.tbi), alignment then calling, with the defaults of each.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::backend::Backend;
use crate::core::{Error, Result};
use crate::index::reference;
use crate::io::output;
use crate::pipeline::align_run::{self, AlignConfig, DEFAULT_BATCH};
use crate::pipeline::call_run::{self, CallConfig, Plan};
use crate::pipeline::metrics::{self, Metrics};
use crate::pipeline::report;
use crate::pipeline::sink::SinkOpts;
use crate::pipeline::stream_call::{self, Streamer};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Reference FASTA; its REF.zmi is used when present.
    pub reference: PathBuf,
    #[command(flatten)]
    pub lanes: super::lane_flags::LaneFlags,
    /// Output prefix: PREFIX.bam(.bai), PREFIX.vcf.gz(.tbi), PREFIX.dup_metrics.txt.
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    #[command(flatten)]
    pub gvcf: super::gvcf_flags::GvcfFlags,
    /// Fragments per batch (does not change the output).
    #[arg(long, default_value_t = DEFAULT_BATCH)]
    pub batch_size: usize,
    /// Memory for sorting and duplicate marking before spilling to temporary files, in MiB.
    #[arg(long, default_value_t = SinkOpts::default().sort_mem >> 20)]
    pub sort_mem: usize,
    #[command(flatten)]
    pub model: super::model_flags::ModelFlags,
    #[command(flatten)]
    pub run: super::run_flags::RunFlags,
}

/// The prefix as given, refused when it names a folder (`-o dir/` would write `dir/.bam`).
fn prefix_of(output: &Path) -> Result<String> {
    let prefix = output.display().to_string();
    if prefix.is_empty() || prefix.ends_with('/') || output.is_dir() {
        return Err(Error::Usage(format!(
            "-o {prefix}: expected a file prefix such as {}sample (PREFIX.bam and PREFIX.vcf.gz are written)",
            if prefix.is_empty() || prefix.ends_with('/') {
                prefix.clone()
            } else {
                format!("{prefix}/")
            }
        )));
    }
    Ok(prefix)
}

/// Aligns, and calls each shard as soon as the sorted records covering it are written. A
/// backend that wants large batches (a GPU) calls after the BAM instead, pooling the pair-HMM
/// jobs of many shards into one launch (the same VCF either way).
fn align_and_call(
    align: &AlignConfig,
    call: &CallConfig,
    backend: &dyn Backend,
    quiet: bool,
) -> Result<Metrics> {
    if backend.preferred_jobs() > 0 {
        let m = align_run::run(align, backend, quiet)?;
        return Ok(m.then_call(call_run::run(call, backend, quiet)?));
    }
    // One index for both: the aligner's, and the contigs the calling plan is made of.
    let index = align_run::load_or_build_index(&align.reference, quiet)?;
    let (plan, dict) = Plan::for_stream(call, reference::contigs_of(&index))?;
    let results = stream_call::results(plan.grid.len());
    let aligned = rayon::in_place_scope(|scope| -> Result<Metrics> {
        let mut streamer = Streamer::new(call, &plan, backend, dict, scope, results.clone());
        let m = align_run::run_tapped(align, backend, quiet, Some(&mut streamer), Some(&index))?;
        // Already done when the BAM had records (`Tap::end`); not when it had none.
        streamer.finish();
        Ok(m)
    })?;
    // What calling adds after the BAM is written (the rest ran beside the merge).
    let called = call_run::finish_streamed(
        call,
        &plan,
        results,
        backend,
        Metrics::new("call", backend.name()),
        metrics::cpu_seconds(),
    )?;
    Ok(aligned.then_call(called))
}

pub(crate) fn run(a: Args) -> Result<()> {
    let started = Instant::now();
    let prefix = prefix_of(&a.output)?;
    let backend = a.run.start()?;
    let bam = PathBuf::from(format!("{prefix}.bam"));
    let mut align = AlignConfig::new(
        a.reference.clone(),
        a.lanes.lanes()?,
        bam.clone(),
        super::command_line(),
    );
    align.dup_metrics = Some(PathBuf::from(format!("{prefix}.dup_metrics.txt")));
    align.batch_size = a.batch_size;
    align.sink.sort_mem = a.sort_mem.saturating_mul(1 << 20);
    let mut call = CallConfig::new(
        a.reference,
        bam,
        PathBuf::from(format!("{prefix}.vcf.gz")),
        super::command_line(),
    );
    call.gvcf = a.gvcf.gvcf;
    a.gvcf.apply(&mut call.opts.gvcf);
    a.model.apply(&mut call.opts);
    align.validate()?;
    call.opts.validate()?;
    let mut inputs = align.inputs();
    inputs.extend(call.inputs());
    a.run.check_metrics(&inputs)?;
    let report = PathBuf::from(format!("{prefix}.report.html"));
    let ins: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    output::check_outputs(&[("-o", &report)], &ins)?;
    let m = align_and_call(&align, &call, backend.as_ref(), a.run.quiet)?;
    let name = Path::new(&prefix)
        .file_name()
        .map_or(prefix.clone(), |n| n.to_string_lossy().into_owned());
    report::write(&report, &name, &m, started.elapsed().as_secs_f64())?;
    if !a.run.quiet {
        eprintln!(
            "zenome: {} reads, {} mapped, {} variant records; {prefix}.bam, {prefix}.vcf.gz and {prefix}.report.html in {:.1} s",
            m.get("reads"),
            m.get("mapped"),
            m.get("records"),
            started.elapsed().as_secs_f64()
        );
    }
    a.run.finish(&m, started)
}
