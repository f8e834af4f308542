//! The `align` flow: a reader thread, the index, an insert-size estimate from the first
//! fragments, then batch after batch through the aligner into the sink.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use crossbeam_channel::{Sender, bounded};
use indicatif::ProgressBar;

use super::batch_writer::{BatchWriter, Finished};
use super::dup_metrics;
use super::lanes::{self, Lane};
use super::markdup::LibraryCounts;
use super::metrics::{self, Metrics};
use super::progress;
use super::qc::{Coverage, CycleQuality, InsertSizes};
use super::sink::{Sink, SinkOpts, Tap, format_of};
use super::stages::{self, Extended, Mapped};
use crate::align::insert::{ESTIMATE_PAIRS, InsertStats};
use crate::align::{AlignOpts, Aligner};
use crate::backend::Backend;
use crate::core::{Error, Result};
use crate::index::{self, Index, IndexParams, reference};
use crate::io::alt_contigs;
use crate::io::cram;
use crate::io::fragments::{Fragment, FragmentReader, MAX_LANES};
use crate::io::output::TempPath;
use crate::io::output::{self, with_suffix};

/// Fragments per batch unless `--batch-size` says otherwise.
pub(crate) const DEFAULT_BATCH: usize = 10_000;
/// The first batch's fragments at most (see [`spawn_reader`]).
const FIRST_BATCH: usize = 2_000;
/// The most fragments one batch may hold.
pub(crate) const MAX_BATCH: usize = 10_000_000;

/// Everything `zenome align` needs.
#[derive(Debug, Clone)]
pub(crate) struct AlignConfig {
    pub reference: PathBuf,
    /// The lanes, read in order: one FASTQ each (single-end) or two (pairs), and read groups.
    pub lanes: Vec<Lane>,
    pub output: PathBuf,
    /// Picard-style duplicate metrics per library, written when duplicates are marked.
    pub dup_metrics: Option<PathBuf>,
    /// Fragments per batch (`--batch-size`); the output does not depend on it.
    pub batch_size: usize,
    /// The index of the first fragment (`--fragment-offset`: a chunk of a scattered run).
    pub fragment_offset: u64,
    /// The insert-size model to use instead of estimating one (`--insert-size FILE`).
    pub insert_size: Option<PathBuf>,
    /// Where to write the insert-size model used (`--insert-size-out FILE`).
    pub insert_size_out: Option<PathBuf>,
    pub align: AlignOpts,
    pub sink: SinkOpts,
}

impl AlignConfig {
    /// zenome's defaults: sorted, duplicate-marked BAM, 20,000 fragments a batch, every worker
    /// thread for compression. Records carry their lane's read group, if it has one.
    pub(crate) fn new(
        reference: PathBuf,
        lanes: Vec<Lane>,
        output: PathBuf,
        command_line: String,
    ) -> Self {
        let read_groups = lanes
            .iter()
            .map(|l| l.read_group.as_ref().map(|rg| rg.id.clone().into_bytes()))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        AlignConfig {
            reference,
            output,
            dup_metrics: None,
            batch_size: DEFAULT_BATCH,
            fragment_offset: 0,
            insert_size: None,
            insert_size_out: None,
            align: AlignOpts {
                read_groups,
                ..AlignOpts::default()
            },
            sink: SinkOpts {
                threads: rayon::current_num_threads(),
                read_groups: lanes::read_groups(&lanes),
                libraries: lanes::libraries(&lanes).0,
                command_line,
                ..SinkOpts::default()
            },
            lanes,
        }
    }

    /// The files the run reads.
    pub(crate) fn inputs(&self) -> Vec<PathBuf> {
        let mut v = vec![self.reference.clone(), index::index_path(&self.reference)];
        for l in &self.lanes {
            v.push(l.files.r1.clone());
            v.extend(l.files.r2.clone());
        }
        v.extend(self.insert_size.clone());
        v
    }

    /// Whether the output is a sorted BAM, where duplicates can be marked.
    fn sorted_bam(&self) -> bool {
        self.sink.sorted && format_of(&self.output).is_ok_and(|f| f == super::sink::Format::Bam)
    }

    /// The files the run writes, with the flag that names them.
    pub(crate) fn outputs(&self) -> Vec<(&'static str, PathBuf)> {
        let mut v = vec![("-o", self.output.clone())];
        if self.sorted_bam() {
            v.push(("-o", with_suffix(&self.output, ".bai")));
        }
        if format_of(&self.output).is_ok_and(|f| f == super::sink::Format::Cram) {
            v.push(("-o", with_suffix(&self.output, ".crai")));
        }
        if let Some(p) = &self.dup_metrics {
            v.push(("--dup-metrics", p.clone()));
        }
        if let Some(p) = &self.insert_size_out {
            v.push(("--insert-size-out", p.clone()));
        }
        v
    }

    /// Refuses impossible options and outputs before any work.
    pub(crate) fn validate(&self) -> Result<()> {
        self.align.validate()?;
        self.sink.validate()?;
        format_of(&self.output)?;
        if !(1..=MAX_BATCH).contains(&self.batch_size) {
            return Err(Error::Usage(format!(
                "--batch-size {}: 1 to {MAX_BATCH} fragments",
                self.batch_size
            )));
        }
        if self.lanes.is_empty() || self.lanes.len() > MAX_LANES {
            return Err(Error::Usage(format!(
                "{} lanes: 1 to {MAX_LANES}",
                self.lanes.len()
            )));
        }
        for l in &self.lanes {
            if l.files.r2.as_ref() == Some(&l.files.r1) {
                return Err(Error::Usage(format!(
                    "the two FASTQ files are the same file ({})",
                    l.files.r1.display()
                )));
            }
        }
        if self.dup_metrics.is_some() && !(self.sorted_bam() && self.sink.markdup) {
            return Err(Error::Usage(
                "--dup-metrics needs duplicate marking: a sorted BAM output without --no-markdup"
                    .into(),
            ));
        }
        let inputs = self.inputs();
        let outputs = self.outputs();
        let outs: Vec<(&str, &Path)> = outputs.iter().map(|(f, p)| (*f, p.as_path())).collect();
        let ins: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        output::check_outputs(&outs, &ins)
    }
}

/// Loads `REF.zmi` when present, otherwise builds the index in memory (saying so).
pub(crate) fn load_or_build_index(reference: &Path, quiet: bool) -> Result<Index> {
    if let Some(index) = reference::load(reference)? {
        return Ok(index);
    }
    let built = reference::build_in_memory(reference, IndexParams::default())?;
    if !quiet {
        eprintln!(
            "zenome: built the index in memory (no {}; `zenome index` keeps one)",
            index::index_path(reference).display()
        );
    }
    Ok(built)
}

/// Runs the alignment; returns its metrics.
pub(crate) fn run(cfg: &AlignConfig, backend: &dyn Backend, quiet: bool) -> Result<Metrics> {
    if format_of(&cfg.output)? == super::sink::Format::Cram {
        return run_cram(cfg, backend, quiet);
    }
    run_tapped(cfg, backend, quiet, None, None)
}

/// `-o X.cram`: the sorted, duplicate-marked BAM is written beside it under a temporary name,
/// then turned into CRAM 3.0 against the reference, with `X.cram.crai`.
fn run_cram(cfg: &AlignConfig, backend: &dyn Backend, quiet: bool) -> Result<Metrics> {
    cfg.validate()?;
    if !cfg.sink.sorted {
        return Err(Error::Usage(format!(
            "-o {} with --unsorted: a CRAM here is coordinate-sorted; write .bam or .sam for input order",
            cfg.output.display()
        )));
    }
    let tmp = TempPath::new(&with_suffix(&cfg.output, ".bam"));
    let mut bam_cfg = cfg.clone();
    bam_cfg.output = tmp.path().to_path_buf();
    let mut m = run_tapped(&bam_cfg, backend, quiet, None, None)?;
    let t = Instant::now();
    let contigs = reference::contigs(&cfg.reference)?;
    let converted = cram::from_bam(tmp.path(), &cfg.output, contigs, &cfg.reference);
    let _ = std::fs::remove_file(with_suffix(tmp.path(), ".bai"));
    converted?;
    m.time("cram", t);
    Ok(m)
}

/// As [`run`], handing each record of a sorted output to `tap` as it is written (`run` calls
/// shards from them while the BAM is being written).
pub(crate) fn run_tapped(
    cfg: &AlignConfig,
    backend: &dyn Backend,
    quiet: bool,
    tap: Option<&mut dyn Tap>,
    index: Option<&Index>,
) -> Result<Metrics> {
    cfg.validate()?;
    let cpu = metrics::cpu_seconds();
    let mut m = Metrics::new("align", backend.name());
    let given = cfg
        .insert_size
        .as_deref()
        .map(read_insert_size)
        .transpose()?;
    // Read the first batch before the (slow) index so that bad input is reported at once.
    let (rx, input) = spawn_reader(cfg)?;
    let first = receive(&rx)?;
    let t = Instant::now();
    let loaded;
    let index = match index {
        Some(i) => i,
        None => {
            loaded = load_or_build_index(&cfg.reference, quiet)?;
            &loaded
        }
    };
    m.time("index", t);
    if !quiet {
        eprintln!(
            "zenome: aligning on {} ({} threads)",
            backend.name(),
            rayon::current_num_threads()
        );
    }
    let mut aligner = Aligner::new(index, backend, cfg.align.clone());
    // bwa's ALT contigs (REF.alt): hits there do not lower the MAPQ of the primary hits they
    // mirror, and their @SQ lines say AH:*.
    let alt = alt_contigs::read(&cfg.reference)?;
    if !alt.is_empty() {
        let names: std::collections::HashSet<&str> = alt.iter().map(String::as_str).collect();
        aligner.is_alt = aligner
            .contigs
            .iter()
            .map(|c| names.contains(c.name.as_str()))
            .collect();
    }
    let sink_opts = SinkOpts {
        alt_contigs: alt,
        ..cfg.sink.clone()
    };
    let sink = Sink::create(&cfg.output, &index.dict(), &sink_opts)?;
    let bar = match (quiet, input.total) {
        (true, _) => ProgressBar::hidden(),
        (false, Some(bytes)) => progress::input_bar("align", bytes),
        (false, None) => progress::spinner("reads"),
    };
    let (library_names, lane_library) = lanes::libraries(&cfg.lanes);
    let mut stream = Stream {
        aligner: &aligner,
        m,
        bar,
        input,
        started: Instant::now(),
        fragments: 0,
        reads: 0,
        lane_library,
    };
    let (out_tx, out_rx) = bounded::<Finished>(1);
    let writer = std::thread::scope(|scope| -> Result<BatchWriter> {
        let writer = BatchWriter::new(sink).spawn(scope, out_rx);
        let aligned = (|| -> Result<()> {
            let extended = stages::spawn(scope, &aligner, backend, first, rx);
            let mut batches = extended.iter();
            let mut head: Vec<Mapped> = Vec::new();
            let wanted = if given.is_some() { 0 } else { ESTIMATE_PAIRS };
            while head.iter().map(|b| b.frags.len()).sum::<usize>() < wanted {
                match batches.next() {
                    Some(b) => head.push(stream.complete(b?)?),
                    None => break,
                }
            }
            let stats = match &given {
                Some(s) => *s,
                None => stream.estimate(&head, quiet),
            };
            if let Some(path) = &cfg.insert_size_out {
                output::write_text(path, &stats.to_text())?;
            }
            for b in head {
                stream.finish_batch(b, &stats, &out_tx)?;
            }
            for b in batches {
                let mapped = stream.complete(b?)?;
                stream.finish_batch(mapped, &stats, &out_tx)?;
            }
            Ok(())
        })();
        drop(out_tx);
        let written = writer
            .join()
            .map_err(|_| Error::Internal("the writer thread stopped".into()))?;
        // The writer's error (a full disk, say) first: the aligning side then saw only its
        // channel close.
        let written = written?;
        aligned.map(|()| written)
    })?;
    writer.add_to(&mut stream.m);
    let contigs = index.contigs();
    let seq = index.seq();
    let mut coverage = cfg.sorted_bam().then(|| {
        Coverage::new(
            contigs
                .iter()
                .map(|c| &seq[c.offset as usize..(c.offset + c.len) as usize])
                .collect(),
        )
    });
    let BatchWriter {
        sink,
        inserts,
        quality,
        ..
    } = writer;
    let (mut m, counts) = stream.finish(sink, quiet, coverage.as_mut(), tap)?;
    let named = library_names
        .iter()
        .cloned()
        .zip(counts.iter().copied())
        .collect();
    qc_figures(&mut m, inserts, quality, coverage, named);
    if let Some(path) = &cfg.dup_metrics {
        dup_metrics::write(path, &library_names, &counts, &cfg.sink.command_line)?;
    }
    m.kernels = backend.kernel_stats();
    if backend.device_bytes() > 0 {
        m.count("device_peak_bytes", backend.device_bytes());
    }
    m.cpu_since("align", cpu);
    Ok(m)
}

/// An insert-size model written by `--insert-size-out`.
fn read_insert_size(path: &Path) -> Result<InsertStats> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    InsertStats::from_text(&text).ok_or_else(|| {
        Error::input(
            path,
            "not an insert-size model (one line: mean, sd, lo, hi, as --insert-size-out writes)",
        )
    })
}

/// Batches on their way from the reader to the sink.
struct Stream<'a> {
    aligner: &'a Aligner<'a>,
    m: Metrics,
    bar: ProgressBar,
    /// How far the reader is, and when alignment started (for the rate).
    input: InputProgress,
    started: Instant,
    fragments: u64,
    reads: u64,
    /// The library of each lane.
    lane_library: Vec<u16>,
}

impl Stream<'_> {
    /// A batch's candidate alignments from its extension, with the stages' times counted.
    fn complete(&mut self, b: Extended) -> Result<Mapped> {
        let mapped = b.complete(self.aligner)?;
        self.m.add("seed", mapped.seed_seconds);
        self.m.add("extend", mapped.extend_seconds);
        let map = mapped.seed_seconds + mapped.extend_seconds + mapped.complete_seconds;
        self.m.add("map", map);
        Ok(mapped)
    }

    /// The insert-size distribution of the first [`ESTIMATE_PAIRS`] fragments (whatever the
    /// batches they came in).
    fn estimate(&self, head: &[Mapped], quiet: bool) -> InsertStats {
        let mut sizes = Vec::new();
        let mut left = ESTIMATE_PAIRS;
        for b in head {
            let take = b.frags.len().min(left);
            sizes.extend(self.aligner.insert_sizes(&b.frags[..take], &b.hits));
            left -= take;
        }
        let stats = InsertStats::estimate(sizes);
        let paired = head
            .first()
            .and_then(|b| b.frags.first())
            .is_some_and(|f| f.r2.is_some());
        if paired && !quiet {
            eprintln!(
                "zenome: insert size {:.0} +- {:.0}, proper range {}..{}",
                stats.mean, stats.sd, stats.lo, stats.hi
            );
        }
        stats
    }

    /// Rescues mates, pairs and finishes a batch, and hands it to the writer.
    fn finish_batch(
        &mut self,
        b: Mapped,
        stats: &InsertStats,
        writer: &Sender<Finished>,
    ) -> Result<()> {
        let t = Instant::now();
        let mut out = self.aligner.finish_batch(&b.frags, b.hits, stats)?;
        for (d, f) in out.dups.iter_mut().zip(&b.frags) {
            d.library = self.lane_library[usize::from(f.lane)];
        }
        self.m.time("pair", t);
        self.fragments += b.frags.len() as u64;
        self.reads += b
            .frags
            .iter()
            .map(|f| 1 + u64::from(f.r2.is_some()))
            .sum::<u64>();
        writer
            .send(Finished {
                frags: b.frags,
                out,
            })
            .map_err(|_| Error::Internal("the writer stopped".into()))?;
        let reads = self.reads;
        if self.bar.length().is_some() {
            self.bar.set_position(self.input.bytes_done(self.fragments));
            let secs = self.started.elapsed().as_secs_f64().max(1e-9);
            self.bar.set_message(format!(
                "{reads} reads ({:.0} reads/s)",
                reads as f64 / secs
            ));
        } else {
            self.bar.set_position(reads);
        }
        Ok(())
    }

    fn finish(
        mut self,
        sink: Sink,
        quiet: bool,
        coverage: Option<&mut Coverage>,
        tap: Option<&mut dyn Tap>,
    ) -> Result<(Metrics, Vec<LibraryCounts>)> {
        self.bar.finish_and_clear();
        if self.fragments == 0 && !quiet {
            eprintln!(
                "zenome: warning: no reads in the input; the output holds a header and no records"
            );
        }
        let t = Instant::now();
        let (dups, counts) = sink.finish(coverage, tap, quiet)?;
        self.m.time("sort_write", t);
        self.m.count("fragments", self.fragments);
        self.m.count("duplicate_fragments", dups);
        Ok((self.m, counts))
    }
}

/// The run's QC figures into the metrics: mapping and duplication, insert sizes, base qualities
/// by cycle, coverage (sorted BAM output only).
fn qc_figures(
    m: &mut Metrics,
    inserts: InsertSizes,
    quality: CycleQuality,
    coverage: Option<Coverage>,
    libraries: Vec<(String, LibraryCounts)>,
) {
    m.qc.mapping = Some((m.get("reads"), m.get("mapped"), m.get("properly_paired")));
    m.qc.libraries = libraries;
    m.qc.inserts = Some(inserts);
    m.qc.quality = Some(quality);
    m.qc.coverage = coverage.map(Coverage::finish);
}

type BatchRx = crossbeam_channel::Receiver<Result<Vec<Fragment>>>;

fn receive(rx: &BatchRx) -> Result<Vec<Fragment>> {
    rx.recv()
        .map_err(|_| Error::Internal("reader stopped".into()))?
}

/// Reads batches on a thread of its own; ends with an empty batch, or an error.
fn spawn_reader(cfg: &AlignConfig) -> Result<(BatchRx, InputProgress)> {
    let files = cfg.lanes.iter().map(|l| l.files.clone()).collect();
    let mut reader = FragmentReader::open_lanes(files)?;
    let progress = InputProgress {
        bytes: reader.bytes_read(),
        fragments: Arc::new(AtomicU64::new(0)),
        total: reader.total_bytes(),
    };
    let fragments = progress.fragments.clone();
    let (bytes, total) = (progress.bytes.clone(), progress.total);
    let (tx, rx) = bounded(1);
    let n = cfg.batch_size.max(1);
    let offset = cfg.fragment_offset;
    std::thread::spawn(move || {
        let mut read = 0u64;
        loop {
            // A small first batch: bad input is reported at once, and seeding starts while
            // the reader is still filling the next ones.
            let size = match read {
                0 => n.min(FIRST_BATCH),
                _ => tail_batch(n, read, bytes.load(Ordering::Relaxed), total),
            };
            let mut batch = reader.next_batch(size);
            if let Ok(b) = &mut batch {
                b.iter_mut().for_each(|f| f.index += offset);
            }
            if let Ok(b) = &batch {
                fragments.fetch_add(b.len() as u64, Ordering::Relaxed);
                read += b.len() as u64;
            }
            let stop = !matches!(&batch, Ok(b) if !b.is_empty());
            if tx.send(batch).is_err() || stop {
                break;
            }
        }
    });
    Ok((rx, progress))
}

/// The size of the next batch: `n` until the input's last few batches, then a quarter of
/// what is left (at least `n / 8`), so that the pipeline drains in small steps and the cores
/// stay busy to the end instead of waiting on one whole last batch per stage. `read`
/// fragments came from `bytes` of the inputs' `total` bytes (unknown for standard input).
fn tail_batch(n: usize, read: u64, bytes: u64, total: Option<u64>) -> usize {
    let Some(total) = total.filter(|_| read > 0 && bytes > 0) else {
        return n;
    };
    let left = (total.saturating_sub(bytes) as f64 * read as f64 / bytes as f64) as usize;
    (left / 4).clamp((n / 8).max(1), n)
}

/// How far the reader is through the input files: bytes and fragments read so far, and the
/// files' size.
struct InputProgress {
    bytes: Arc<AtomicU64>,
    fragments: Arc<AtomicU64>,
    total: Option<u64>,
}

impl InputProgress {
    /// The input bytes behind the first `done` fragments: the reader runs some batches ahead
    /// of the aligner (the stages in flight), so its own count would run ahead of the work.
    fn bytes_done(&self, done: u64) -> u64 {
        let read = self.fragments.load(Ordering::Relaxed).max(1);
        let bytes = self.bytes.load(Ordering::Relaxed);
        (bytes as f64 * (done.min(read) as f64 / read as f64)) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::tail_batch;

    #[test]
    fn batches_shrink_only_near_the_end_of_known_input() {
        // 100 bytes per fragment so far, input size unknown or nothing read yet: full batches.
        assert_eq!(tail_batch(20_000, 1000, 100_000, None), 20_000);
        assert_eq!(tail_batch(20_000, 0, 0, Some(10_000_000)), 20_000);
        // 90,000 fragments left: more than four batches' worth.
        assert_eq!(
            tail_batch(20_000, 10_000, 1_000_000, Some(10_000_000)),
            20_000
        );
        // 40,000 left: a quarter of it.
        assert_eq!(
            tail_batch(20_000, 10_000, 1_000_000, Some(5_000_000)),
            10_000
        );
        // Almost nothing left: never below an eighth of the batch size.
        assert_eq!(
            tail_batch(20_000, 10_000, 1_000_000, Some(1_000_100)),
            2_500
        );
        assert_eq!(tail_batch(3, 10, 1000, Some(1000)), 1);
    }
}
