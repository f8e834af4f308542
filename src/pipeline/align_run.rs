//! The `align` flow: index, reader thread, insert-size estimate, batches through the aligner,
//! records into the sink.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crossbeam_channel::bounded;

use super::metrics::Metrics;
use super::progress;
use super::sink::{Sink, SinkOpts};
use crate::align::insert::{ESTIMATE_PAIRS, InsertStats};
use crate::align::{AlignOpts, Aligner, BatchOutput};
use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::index::{self, Index, IndexParams};
use crate::io::fasta;
use crate::io::fragments::{Fragment, FragmentReader};
use crate::io::sam_record::flag;

/// Everything `zenome align` needs.
#[derive(Debug, Clone)]
pub struct AlignConfig {
    pub reference: PathBuf,
    pub reads: Vec<PathBuf>,
    pub output: PathBuf,
    pub batch_size: usize,
    pub align: AlignOpts,
    pub sink: SinkOpts,
}

impl AlignConfig {
    /// zenome's defaults: sorted, duplicate-marked BAM, 20,000 fragments a batch, 1 GiB of sort
    /// memory, every worker thread. `read_group` is the `@RG` line and its ID.
    pub fn new(
        reference: PathBuf,
        reads: Vec<PathBuf>,
        output: PathBuf,
        read_group: Option<(String, String)>,
    ) -> Self {
        let (line, id) = read_group.map_or((None, None), |(l, i)| (Some(l), Some(i.into_bytes())));
        AlignConfig {
            reference,
            reads,
            output,
            batch_size: 20_000,
            align: AlignOpts {
                read_group: id,
                ..AlignOpts::default()
            },
            sink: SinkOpts {
                sorted: true,
                markdup: true,
                threads: rayon::current_num_threads(),
                sort_mem: 1 << 30,
                read_group_line: line,
                command_line: crate::cli::command_line(),
            },
        }
    }
}

/// Loads `REF.zmi` when present, otherwise builds the index in memory (saying so).
pub fn load_or_build_index(reference: &Path, quiet: bool) -> Result<Index> {
    let path = index::index_path(reference);
    if path.exists() {
        return Index::load(&path);
    }
    let contigs = fasta::read(reference)?;
    let built = index::build::build(contigs, IndexParams::default())?;
    if !quiet {
        eprintln!(
            "zenome: built the index in memory (no {}; `zenome index` keeps one)",
            path.display()
        );
    }
    Ok(built)
}

/// Runs the alignment; returns its metrics.
pub fn run(cfg: &AlignConfig, backend: &dyn Backend, quiet: bool) -> Result<Metrics> {
    let mut m = Metrics::new("align", backend.name());
    // Read the first batch before the (slow) index so that bad input is reported at once.
    let rx = spawn_reader(cfg)?;
    let first = rx
        .recv()
        .map_err(|_| Error::Internal("reader stopped".into()))??;
    let t = Instant::now();
    let index = load_or_build_index(&cfg.reference, quiet)?;
    m.time("index", t);
    if !quiet {
        eprintln!(
            "zenome: aligning on {} ({} threads)",
            backend.name(),
            rayon::current_num_threads()
        );
    }
    let aligner = Aligner::new(&index, backend, cfg.align.clone());
    let mut sink = Sink::create(&cfg.output, &aligner.contigs, &cfg.sink)?;
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        progress::spinner("reads")
    };

    let mut pending: Vec<Fragment> = Vec::new();
    let mut next = first;
    while !next.is_empty() && pending.len() < ESTIMATE_PAIRS {
        pending.append(&mut next);
        next = rx
            .recv()
            .map_err(|_| Error::Internal("reader stopped".into()))??;
    }
    let rest = pending.split_off(pending.len().min(ESTIMATE_PAIRS));
    let t = Instant::now();
    let hits = aligner.map_reads(&Aligner::reads_of(&pending))?;
    m.time("map", t);
    let stats = InsertStats::estimate(aligner.insert_sizes(&pending, &hits));
    if pending.first().is_some_and(|f| f.r2.is_some()) && !quiet {
        eprintln!(
            "zenome: insert size {:.0} +- {:.0}, proper range {}..{}",
            stats.mean, stats.sd, stats.lo, stats.hi
        );
    }
    let mut total = 0u64;
    let finish = |frags: &[Fragment], hits, m: &mut Metrics, sink: &mut Sink| -> Result<()> {
        let t = Instant::now();
        let out = aligner.finish_batch(frags, hits, &stats)?;
        m.time("pair", t);
        let t = Instant::now();
        count(&out, m);
        let first = frags.first().map_or(0, |f| f.index);
        sink.push(first, &out.records, out.dups)?;
        m.time("write", t);
        Ok(())
    };
    finish(&pending, hits, &mut m, &mut sink)?;
    total += pending.len() as u64;
    bar.set_position(m.get("reads"));
    for batch in std::iter::once(Ok(rest))
        .chain(std::iter::once(Ok(next)))
        .chain(rx.iter())
    {
        let batch = batch?;
        if batch.is_empty() {
            continue;
        }
        let t = Instant::now();
        let hits = aligner.map_reads(&Aligner::reads_of(&batch))?;
        m.time("map", t);
        finish(&batch, hits, &mut m, &mut sink)?;
        total += batch.len() as u64;
        bar.set_position(m.get("reads"));
    }
    bar.finish_and_clear();
    if total == 0 && !quiet {
        eprintln!(
            "zenome: warning: no reads in the input; the output holds a header and no records"
        );
    }
    let t = Instant::now();
    let dups = sink.finish()?;
    m.time("sort_write", t);
    m.count("fragments", total);
    m.count("duplicate_fragments", dups);
    Ok(m)
}

fn count(out: &BatchOutput, m: &mut Metrics) {
    let (mut reads, mut mapped, mut proper) = (0, 0, 0);
    for r in out
        .records
        .iter()
        .flatten()
        .filter(|r| r.flag & flag::SUPPLEMENTARY == 0)
    {
        reads += 1;
        mapped += u64::from(r.flag & flag::UNMAPPED == 0);
        proper += u64::from(r.flag & flag::PROPER != 0);
    }
    m.count("reads", reads);
    m.count("mapped", mapped);
    m.count("properly_paired", proper);
}

type BatchRx = crossbeam_channel::Receiver<Result<Vec<Fragment>>>;

/// Reads batches on a thread of its own; ends with an empty batch, or an error.
fn spawn_reader(cfg: &AlignConfig) -> Result<BatchRx> {
    let mut reader = FragmentReader::open(&cfg.reads[0], cfg.reads.get(1).map(PathBuf::as_path))?;
    let (tx, rx) = bounded(2);
    let n = cfg.batch_size.max(1);
    std::thread::spawn(move || {
        loop {
            let batch = reader.next_batch(n);
            let stop = !matches!(&batch, Ok(b) if !b.is_empty());
            if tx.send(batch).is_err() || stop {
                break;
            }
        }
    });
    Ok(rx)
}
