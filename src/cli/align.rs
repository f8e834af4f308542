//! `zenome align REF R1.fq[.gz] [R2.fq[.gz]] -o OUT.bam [-R RG] [-t N] [--device ...]`

use std::path::PathBuf;
use std::time::Instant;

use crate::align::AlignOpts;
use crate::core::Result;
use crate::pipeline::align_run::{self, AlignConfig, DEFAULT_BATCH};
use crate::pipeline::sink::SinkOpts;

/// The help heading of bwa mem's flags.
const BWA: &str = "bwa mem compatible";

#[derive(Debug, clap::Args)]
// bwa's -h is the XA limit, so help is --help alone here.
#[command(disable_help_flag = true)]
pub(crate) struct Args {
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
    /// Reference FASTA; its index REF.zmi is used when present.
    pub reference: PathBuf,
    #[command(flatten)]
    pub lanes: super::lane_flags::LaneFlags,
    /// Output: X.bam (sorted, indexed, duplicates marked), X.sam, - for SAM on stdout, or
    /// X.zchunk (an alignment chunk of a scattered run, joined by `zenome concat`).
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    /// Write duplicate-marking metrics per library in Picard's format (MultiQC reads it).
    #[arg(long)]
    pub dup_metrics: Option<PathBuf>,
    /// Keep input order (BAM output without sorting or duplicate marking).
    #[arg(long)]
    pub unsorted: bool,
    /// Do not mark duplicates.
    #[arg(long)]
    pub no_markdup: bool,
    /// Minimum alignment score to report (bwa's -T).
    #[arg(short = 'T', long, default_value_t = AlignOpts::default().min_score, help_heading = BWA)]
    pub min_score: i32,
    /// Fragments per batch (does not change the output).
    #[arg(long, default_value_t = DEFAULT_BATCH)]
    pub batch_size: usize,
    /// Memory for sorting and duplicate marking before spilling to temporary files, in MiB.
    #[arg(long, default_value_t = SinkOpts::default().sort_mem >> 20)]
    pub sort_mem: usize,
    /// Number the fragments from N (a chunk of a larger input, as `zenome split` cut it).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub fragment_offset: u64,
    /// Use this insert-size model (written by --insert-size-out) instead of estimating one
    /// from the first fragments.
    #[arg(long, value_name = "FILE")]
    pub insert_size: Option<PathBuf>,
    /// Write the insert-size model used (mean, sd, proper range) to FILE.
    #[arg(long, value_name = "FILE")]
    pub insert_size_out: Option<PathBuf>,
    /// bwa's -K (bases per batch): accepted for bwa command lines; zenome's output is the same
    /// whatever the batching.
    #[arg(short = 'K', value_name = "N", help_heading = BWA)]
    pub bwa_batch_bases: Option<u64>,
    /// Soft-clip supplementary alignments (bwa's -Y); without it they are hard-clipped, as bwa
    /// writes them.
    #[arg(short = 'Y', help_heading = BWA)]
    pub soft_clip_supplementary: bool,
    /// Append the FASTQ comment's SAM tags (e.g. `BC:Z:ACGT`) to each record (bwa's -C); what
    /// is not a SAM tag is left out.
    #[arg(short = 'C', help_heading = BWA)]
    pub append_comment: bool,
    /// Flag a read's shorter split hits secondary (0x100) instead of supplementary (0x800), for
    /// Picard (bwa's -M).
    #[arg(short = 'M', help_heading = BWA)]
    pub split_as_secondary: bool,
    /// Write every placement scoring at least half the best, the others as secondary records
    /// (bwa's -a); without it, other placements go into the XA tag.
    #[arg(short = 'a', help_heading = BWA)]
    pub all_alignments: bool,
    /// List other placements scoring at least 80% of the best in XA when there are at most N
    /// (bwa's -h; a second value, bwa's limit for ALT contigs, is accepted).
    #[arg(short = 'h', value_name = "N[,N]", help_heading = BWA, value_parser = parse_xa_limit)]
    pub max_xa_hits: Option<usize>,
    /// bwa's -v (verbosity): 0 or 1 print nothing but errors, as -q; higher is the default.
    #[arg(short = 'v', value_name = "N", help_heading = BWA)]
    pub verbosity: Option<u8>,
    #[command(flatten)]
    pub run: super::run_flags::RunFlags,
}

pub(crate) fn run(mut a: Args) -> Result<()> {
    let started = Instant::now();
    // -K changes nothing here (see its help); -v 0 or 1 is -q.
    let _ = a.bwa_batch_bases;
    a.run.quiet |= matches!(a.verbosity, Some(0 | 1));
    let backend = a.run.start()?;
    let mut cfg = AlignConfig::new(
        a.reference,
        a.lanes.lanes()?,
        a.output,
        super::command_line(),
    );
    cfg.dup_metrics = a.dup_metrics;
    cfg.batch_size = a.batch_size;
    cfg.fragment_offset = a.fragment_offset;
    cfg.insert_size = a.insert_size;
    cfg.insert_size_out = a.insert_size_out;
    cfg.align.min_score = a.min_score;
    cfg.align.soft_clip_supplementary = a.soft_clip_supplementary;
    cfg.align.split_as_secondary = a.split_as_secondary;
    cfg.align.all_alignments = a.all_alignments;
    if let Some(h) = a.max_xa_hits {
        cfg.align.max_xa_hits = h;
    }
    for lane in &mut cfg.lanes {
        lane.files.comments = a.append_comment;
    }
    cfg.sink.sorted = !a.unsorted;
    cfg.sink.markdup = !a.no_markdup;
    cfg.sink.sort_mem = a.sort_mem.saturating_mul(1 << 20);
    cfg.validate()?;
    a.run.check_metrics(&cfg.inputs())?;
    let m = align_run::run(&cfg, backend.as_ref(), a.run.quiet)?;
    let secs = started.elapsed().as_secs_f64();
    if !a.run.quiet {
        let reads = m.get("reads");
        eprintln!(
            "zenome: {reads} reads, {} mapped, {} properly paired, {} duplicate fragments, {secs:.1} s ({:.0} reads/s)",
            m.get("mapped"),
            m.get("properly_paired"),
            m.get("duplicate_fragments"),
            reads as f64 / secs.max(1e-9)
        );
    }
    a.run.finish(&m, started)
}

/// bwa's -h value: `N` or `N,M` (the second, for ALT contigs, is not used).
fn parse_xa_limit(s: &str) -> std::result::Result<usize, String> {
    s.split(',')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("'{s}': expected N or N,M (whole numbers)"))
}
