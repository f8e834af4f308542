//! The `call` flow: check the BAM against the reference, cut the requested regions into shards
//! on the fixed grid, call shards in parallel, keep records inside the regions, write the VCF.

use crate::call::ploidy::ContigPloidy;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::block_join::BlockJoin;
use super::metrics::Metrics;
use super::qc::VariantCounts;
use crate::backend::Backend;
use crate::backend::PairHmmBatch;
use crate::call::CallOpts;
use crate::call::region::{Prepared, Shard, ShardCalls, call_shard, finish_shard, prepare_shard};
use crate::call::vcf_out;
use crate::core::interval::Interval;
use crate::core::{Error, Result};
use crate::index::{self, reference};
use crate::io::bam_reader::{BamReader, RecordSource};
use crate::io::cleanup;
use crate::io::dict::{self, RefSeq};
use crate::io::fasta::Contig;
use crate::io::output::{self, has_extension, with_suffix};
use crate::io::vcf_writer::{self, VcfWriter};
use crate::io::{alt_contigs, cram, targets, vcf_header};

/// Everything `zenome call` needs.
#[derive(Debug, Clone)]
pub(crate) struct CallConfig {
    pub reference: PathBuf,
    pub bam: PathBuf,
    /// `.vcf.gz` (bgzipped, with `.tbi`), `.vcf`, or `-` for standard output.
    pub output: PathBuf,
    /// `-r` values: `chr`, `chr:from-to`.
    pub regions: Vec<String>,
    /// `-L regions.bed`.
    pub bed: Option<PathBuf>,
    pub gvcf: bool,
    /// `--scatter I/M`: call only the I-th (from 1) of M parts of the shard grid, of balanced
    /// called length (bases other than N); the parts' records, concatenated in order, are the whole call's.
    pub scatter: Option<(usize, usize)>,
    /// For the VCF header.
    pub command_line: String,
    pub opts: CallOpts,
}

impl CallConfig {
    /// Calls the whole BAM into a VCF with the default options, no gVCF.
    pub(crate) fn new(
        reference: PathBuf,
        bam: PathBuf,
        output: PathBuf,
        command_line: String,
    ) -> Self {
        CallConfig {
            reference,
            bam,
            output,
            regions: Vec::new(),
            bed: None,
            gvcf: false,
            scatter: None,
            command_line,
            opts: CallOpts::default(),
        }
    }

    /// The files the run reads.
    pub(crate) fn inputs(&self) -> Vec<PathBuf> {
        let mut v = vec![
            self.reference.clone(),
            index::index_path(&self.reference),
            self.bam.clone(),
            with_suffix(&self.bam, ".bai"),
        ];
        v.extend(self.bed.clone());
        v
    }

    /// The files the run writes, with the flag that names them.
    pub(crate) fn outputs(&self) -> Vec<(&'static str, PathBuf)> {
        let mut v = vec![("-o", self.output.clone())];
        if vcf_writer::is_compressed(&self.output) {
            v.push(("-o", with_suffix(&self.output, ".tbi")));
        }
        v
    }

    /// Refuses impossible options and outputs before any work.
    pub(crate) fn validate(&self) -> Result<()> {
        self.opts.validate()?;
        if let Some((i, m)) = self.scatter {
            if m == 0 || !(1..=m).contains(&i) {
                return Err(Error::Usage(format!(
                    "--scatter {i}/{m}: expected I/M with 1 <= I <= M"
                )));
            }
            if self.gvcf {
                return Err(Error::Usage(
                    "--scatter with --gvcf: reference blocks join across the parts' edges; call the gVCF whole".into(),
                ));
            }
        }
        if has_extension(&self.output, ".bcf") {
            return Err(Error::Usage(format!(
                "-o {}: BCF output is not supported; use .vcf.gz or .vcf",
                self.output.display()
            )));
        }
        let inputs = self.inputs();
        let outputs = self.outputs();
        let outs: Vec<(&str, &Path)> = outputs.iter().map(|(f, p)| (*f, p.as_path())).collect();
        let ins: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        output::check_outputs(&outs, &ins)
    }
}

/// The BAM and reference of a run, checked against each other.
struct Inputs {
    bam: BamReader,
    contigs: Vec<Contig>,
    /// BAM header id of each reference contig (None: the BAM has no such contig).
    tids: Vec<Option<usize>>,
}

/// What is called: the reference contigs, each one's BAM id, the shards of the grid (contig,
/// grid index) in order, and the regions of each contig.
pub(crate) struct Plan {
    pub contigs: Vec<Contig>,
    pub tids: Vec<Option<usize>>,
    pub grid: Vec<(usize, i64)>,
    regions: Vec<Vec<Interval>>,
    /// Each contig's ploidy (contigs with none are left out of the grid).
    ploidy: Vec<ContigPloidy>,
    size: i64,
}

impl Plan {
    fn new(cfg: &CallConfig, contigs: Vec<Contig>, tids: Vec<Option<usize>>) -> Result<Plan> {
        let ivs = intervals(cfg, &contigs, &tids)?;
        let size = cfg.opts.window.shard;
        if let Some(name) = cfg
            .opts
            .ploidy
            .haploid
            .iter()
            .find(|h| !contigs.iter().any(|c| &c.name == *h))
        {
            return Err(Error::Usage(format!(
                "--haploid-contigs: {} has no contig '{name}'",
                cfg.reference.display()
            )));
        }
        let ploidy: Vec<ContigPloidy> = contigs
            .iter()
            .map(|c| cfg.opts.ploidy.contig(&c.name, c.seq.len() as u64))
            .collect();
        let mut grid = shards(&ivs, size);
        grid.retain(|&(ci, _)| !ploidy[ci].absent());
        if let Some((i, m)) = cfg.scatter {
            grid = scatter_part(&grid, &contigs, size, i, m);
        }
        let regions = (0..contigs.len())
            .map(|ci| ivs.iter().filter(|iv| iv.contig == ci).copied().collect())
            .collect();
        Ok(Plan {
            contigs,
            tids,
            grid,
            regions,
            ploidy,
            size,
        })
    }

    /// The plan of a run whose BAM is still being written, and that BAM's dictionary: every
    /// reference contig, in order, whole (what `call` without regions does with the finished
    /// BAM, which [`finish_streamed`] checks).
    pub(crate) fn for_stream(
        cfg: &CallConfig,
        contigs: Vec<Contig>,
    ) -> Result<(Plan, Vec<RefSeq>)> {
        let dict = dict::of_contigs(&contigs);
        let tids = (0..contigs.len()).map(Some).collect();
        Ok((Plan::new(cfg, contigs, tids)?, dict))
    }

    /// Grid shard `k` of contig `ci`: `[start, end)`.
    pub(crate) fn bounds(&self, ci: usize, k: i64) -> (i64, i64) {
        let len = self.contigs[ci].seq.len() as i64;
        (k * self.size, ((k + 1) * self.size).min(len))
    }

    /// Grid shard `k` of contig `ci`, reading from `src`.
    pub(crate) fn shard<'a>(
        &'a self,
        src: &'a dyn RecordSource,
        &(ci, k): &(usize, i64),
        gvcf: bool,
    ) -> Shard<'a> {
        let (start, end) = self.bounds(ci, k);
        Shard {
            bam: src,
            tid: self.tids[ci],
            contig: &self.contigs[ci].seq,
            start,
            end,
            regions: &self.regions[ci],
            gvcf,
            ploidy: &self.ploidy[ci],
        }
    }
}

/// Runs the caller; returns its metrics.
pub(crate) fn run(cfg: &CallConfig, backend: &dyn Backend, quiet: bool) -> Result<Metrics> {
    cfg.validate()?;
    if cram::is_cram(&cfg.bam) {
        return run_on_cram(cfg, backend, quiet);
    }
    let cpu = super::metrics::cpu_seconds();
    let mut m = Metrics::new("call", backend.name());
    let t = Instant::now();
    let Inputs { bam, contigs, tids } = open_inputs(cfg)?;
    let plan = Plan::new(cfg, contigs, tids)?;
    m.time("load", t);
    let t = Instant::now();
    let per_shard = call_shards(cfg, &bam, &plan, backend, quiet)?;
    m.time("call", t);
    finish(cfg, &bam, &plan, per_shard, backend, m, cpu)
}

/// Calls a CRAM: its records are decoded against the reference into an indexed BAM under a
/// temporary name (beside the output, or in the system's temporary folder for standard
/// output), which is called and removed.
fn run_on_cram(cfg: &CallConfig, backend: &dyn Backend, quiet: bool) -> Result<Metrics> {
    let t = Instant::now();
    let contigs = reference::contigs(&cfg.reference)?;
    let dir = output::scratch_dir(&cfg.output);
    // In a folder of its own, under the CRAM's name: the sample name falls back on it.
    let folder = tempfile::Builder::new()
        .prefix(".zenome-cram.")
        .tempdir_in(&dir)
        .map_err(|e| Error::io(&dir, e))?;
    let stem = cfg
        .bam
        .file_stem()
        .map_or("SAMPLE".into(), |n| n.to_string_lossy().into_owned());
    let bam = folder.path().join(format!("{stem}.bam"));
    let bai = with_suffix(&bam, ".bai");
    cleanup::register(&bam);
    cleanup::register(&bai);
    let regions = cram_regions(cfg, &contigs)?;
    let decoded = cram::to_bam(&cfg.bam, &bam, contigs, regions.as_deref());
    let decode_secs = t.elapsed().as_secs_f64();
    let result = decoded.and_then(|()| {
        let mut bam_cfg = cfg.clone();
        bam_cfg.bam = bam.clone();
        let mut m = run(&bam_cfg, backend, quiet)?;
        m.add("cram_decode", decode_secs);
        Ok(m)
    });
    cleanup::forget(&bam);
    cleanup::forget(&bai);
    result
}

/// The stretches of a CRAM a `-r`/`-L` call reads: each interval widened to the calling grid's
/// shards it touches and their read margin, overlapping ones joined; None for the whole file.
fn cram_regions(cfg: &CallConfig, contigs: &[Contig]) -> Result<Option<Vec<(String, i64, i64)>>> {
    if cfg.scatter.is_some() {
        return Ok(None);
    }
    let Some(intervals) = targets::intervals(&cfg.regions, cfg.bed.as_deref(), contigs)? else {
        return Ok(None);
    };
    let (shard, margin) = (cfg.opts.window.shard, cfg.opts.window.margin);
    let mut out: Vec<(usize, i64, i64)> = Vec::new();
    for iv in intervals.iter().filter(|iv| !iv.is_empty()) {
        let len = contigs[iv.contig].seq.len() as i64;
        let start = ((iv.start / shard) * shard - margin).max(0);
        let end = ((iv.end + shard - 1) / shard * shard + margin).min(len);
        match out.last_mut() {
            Some(last) if last.0 == iv.contig && start <= last.2 => last.2 = last.2.max(end),
            _ => out.push((iv.contig, start, end)),
        }
    }
    Ok(Some(
        out.into_iter()
            .map(|(c, s, e)| (contigs[c].name.clone(), s, e))
            .collect(),
    ))
}

/// Completes a run whose shards were called as its BAM was written (`stream_call`): checks
/// the finished BAM against the reference as `call` does, and writes the VCF.
pub(crate) fn finish_streamed(
    cfg: &CallConfig,
    plan: &Plan,
    results: super::stream_call::Results,
    backend: &dyn Backend,
    mut m: Metrics,
    cpu: f64,
) -> Result<Metrics> {
    let t = Instant::now();
    let (bam, tids) = open_bam(cfg, &plan.contigs)?;
    if tids != plan.tids {
        return Err(Error::Internal(format!(
            "{}: its contigs are not those it was called with",
            cfg.bam.display()
        )));
    }
    let mut per_shard = Vec::with_capacity(plan.grid.len());
    for (g, slot) in plan.grid.iter().zip(results.iter()) {
        let calls = slot
            .lock()
            .map_err(|_| Error::Internal("a calling task failed".into()))?
            .take()
            .ok_or_else(|| Error::Internal("a shard was not called".into()))??;
        per_shard.push((g.0, calls));
    }
    m.time("load", t);
    finish(cfg, &bam, plan, per_shard, backend, m, cpu)
}

/// Writes the VCF of called shards and completes the metrics.
fn finish(
    cfg: &CallConfig,
    bam: &BamReader,
    plan: &Plan,
    per_shard: Vec<(usize, ShardCalls)>,
    backend: &dyn Backend,
    mut m: Metrics,
    cpu: f64,
) -> Result<Metrics> {
    let t = Instant::now();
    let (records, blocks, variants) = write_vcf(cfg, bam, &plan.contigs, per_shard)?;
    m.qc.variants = Some(variants);
    m.time("write", t);
    m.count("records", records);
    m.count("reference_blocks", blocks);
    m.count("shards", plan.grid.len() as u64);
    m.kernels = backend.kernel_stats();
    if backend.device_bytes() > 0 {
        m.count("device_peak_bytes", backend.device_bytes());
    }
    m.cpu_since("call", cpu);
    Ok(m)
}

fn open_inputs(cfg: &CallConfig) -> Result<Inputs> {
    let contigs = reference::contigs(&cfg.reference)?;
    let (bam, tids) = open_bam(cfg, &contigs)?;
    Ok(Inputs { bam, contigs, tids })
}

/// The BAM, checked against the reference's contigs, and the BAM id of each contig.
fn open_bam(cfg: &CallConfig, contigs: &[Contig]) -> Result<(BamReader, Vec<Option<usize>>)> {
    let bam = BamReader::open(&cfg.bam)?;
    check_contigs(&bam, contigs, &cfg.reference)?;
    let by_name: HashMap<&str, usize> = bam
        .dict()
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let tids = contigs
        .iter()
        .map(|c| by_name.get(c.name.as_str()).copied())
        .collect();
    Ok((bam, tids))
}

/// Every BAM contig must be a reference contig of the same length (and MD5, when both have one).
fn check_contigs(bam: &BamReader, contigs: &[Contig], reference: &Path) -> Result<()> {
    for rs in bam.dict() {
        let Some(c) = contigs.iter().find(|c| c.name == rs.name) else {
            return Err(Error::input(
                &bam.path,
                format!(
                    "contig '{}' is not in the reference {}",
                    rs.name,
                    reference.display()
                ),
            ));
        };
        if rs.len != c.seq.len() as u64 {
            return Err(Error::input(
                &bam.path,
                format!(
                    "contig '{}' has length {} here but {} in the reference {} (a different reference?)",
                    rs.name,
                    rs.len,
                    c.seq.len(),
                    reference.display()
                ),
            ));
        }
        let ours = RefSeq::of_contig(c);
        if rs.m5 != [0; 16] && c.m5 != [0; 16] && rs.m5 != c.m5 {
            return Err(Error::input(
                &bam.path,
                format!(
                    "contig '{}' has M5 {} here but {} in the reference (a different reference?)",
                    rs.name,
                    rs.m5_hex(),
                    ours.m5_hex()
                ),
            ));
        }
    }
    Ok(())
}

/// The intervals to call: `-r` values, then `-L` lines, or every contig the BAM names but the
/// ALT contigs of `REF.alt` (bwa's convention; their reads are called on the primary assembly);
/// sorted.
fn intervals(
    cfg: &CallConfig,
    contigs: &[Contig],
    tids: &[Option<usize>],
) -> Result<Vec<Interval>> {
    if let Some(out) = targets::intervals(&cfg.regions, cfg.bed.as_deref(), contigs)? {
        return Ok(out);
    }
    let alt = alt_contigs::read(&cfg.reference)?;
    Ok(contigs
        .iter()
        .enumerate()
        .filter(|(ci, c)| tids[*ci].is_some() && !alt.contains(&c.name))
        .map(|(ci, c)| Interval {
            contig: ci,
            start: 0,
            end: c.seq.len() as i64,
        })
        .collect())
}

/// The shards (contig, grid index) that intersect the intervals, in order.
fn shards(intervals: &[Interval], shard: i64) -> Vec<(usize, i64)> {
    let mut out: Vec<(usize, i64)> = intervals
        .iter()
        .filter(|iv| !iv.is_empty())
        .flat_map(|iv| (iv.start / shard..=(iv.end - 1) / shard).map(move |k| (iv.contig, k)))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The `i`-th (from 1) of `m` runs of consecutive shards, cut where the called bases (not N)
/// of the shards before pass `k/m` of the whole: parts of balanced work (gaps and N runs
/// weigh nothing), every shard in exactly one part.
fn scatter_part(
    grid: &[(usize, i64)],
    contigs: &[Contig],
    size: i64,
    i: usize,
    m: usize,
) -> Vec<(usize, i64)> {
    let weight = |&(ci, k): &(usize, i64)| {
        let seq = &contigs[ci].seq;
        let end = ((k + 1) * size).min(seq.len() as i64) as usize;
        let start = ((k * size) as usize).min(end);
        seq[start..end].iter().filter(|&&b| b < 4).count() as u64 + 1
    };
    let weights: Vec<u64> = grid.par_iter().map(weight).collect();
    let total: u64 = weights.iter().sum();
    let mut before = 0u64;
    let mut out = Vec::new();
    for (g, w) in grid.iter().zip(weights) {
        // The part whose share of the total holds this shard's first base.
        let part = (u128::from(before) * m as u128 / u128::from(total.max(1))) as usize + 1;
        if part == i {
            out.push(*g);
        }
        before += w;
    }
    out
}

/// Calls every shard in parallel; results in grid order. Backends that want large batches (a
/// GPU) get the pair-HMM jobs of many shards at once: shards are prepared in parallel, their
/// jobs pooled until the backend's preferred size, run together, and each shard genotyped from
/// its share of the results (the same numbers as alone: jobs do not depend on each other).
fn call_shards(
    cfg: &CallConfig,
    bam: &BamReader,
    plan: &Plan,
    backend: &dyn Backend,
    quiet: bool,
) -> Result<Vec<(usize, ShardCalls)>> {
    let grid = &plan.grid;
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        super::progress::bar("call", grid.len() as u64, "shards")
    };
    let shard_of = |s: &(usize, i64)| plan.shard(bam, s, cfg.gvcf);
    let pool = backend.preferred_jobs();
    let out = if pool == 0 {
        // One task per shard: covered shards cost far more than empty ones, and larger tasks
        // leave a thread idle while the other works through a run of covered shards.
        grid.par_iter()
            .with_max_len(1)
            .map(|g| {
                let calls = call_shard(&shard_of(g), backend, &cfg.opts)?;
                bar.inc(1);
                Ok((g.0, calls))
            })
            .collect::<Result<_>>()?
    } else {
        let mut out = Vec::with_capacity(grid.len());
        let mut at = 0;
        while at < grid.len() {
            let (prepared, used) = prepare_pool(&grid[at..], &shard_of, pool, &cfg.opts)?;
            let group = &grid[at..at + used];
            let mut batch = PairHmmBatch::default();
            let firsts: Vec<usize> = prepared.iter().map(|p| batch.append(&p.batch)).collect();
            let liks = backend.pair_hmm(&batch)?.log10;
            let done: Vec<ShardCalls> = group
                .par_iter()
                .zip(prepared)
                .zip(firsts)
                .map(|((g, p), first)| {
                    let n = p.batch.len();
                    finish_shard(&shard_of(g), p, &liks[first..first + n], &cfg.opts)
                })
                .collect();
            bar.inc(used as u64);
            out.extend(group.iter().map(|g| g.0).zip(done));
            at += used;
        }
        out
    };
    bar.finish_and_clear();
    Ok(out)
}

/// Prepares shards from the start of `grid`, a few at a time in parallel, until their jobs
/// reach `pool` or the grid ends; returns them and how many there are.
fn prepare_pool<'a>(
    grid: &[(usize, i64)],
    shard_of: &(dyn Fn(&(usize, i64)) -> Shard<'a> + Sync),
    pool: usize,
    opts: &CallOpts,
) -> Result<(Vec<Prepared>, usize)> {
    let step = 2 * rayon::current_num_threads();
    let mut prepared: Vec<Prepared> = Vec::new();
    let mut jobs = 0;
    while prepared.len() < grid.len() && jobs < pool {
        let next = &grid[prepared.len()..(prepared.len() + step).min(grid.len())];
        let more = next
            .par_iter()
            .map(|g| prepare_shard(&shard_of(g), opts))
            .collect::<Result<Vec<Prepared>>>()?;
        jobs += more.iter().map(|p| p.batch.len()).sum::<usize>();
        prepared.extend(more);
    }
    let used = prepared.len();
    Ok((prepared, used))
}

/// Writes the records in order, joining gVCF blocks across shard edges; returns the numbers
/// of variant records and of reference blocks.
fn write_vcf(
    cfg: &CallConfig,
    bam: &BamReader,
    contigs: &[Contig],
    per_shard: Vec<(usize, ShardCalls)>,
) -> Result<(u64, u64, VariantCounts)> {
    let mut variants = VariantCounts::default();
    let dict = dict::of_contigs(contigs);
    let header = vcf_header::text(
        &vcf_out::meta_lines(&cfg.opts, cfg.gvcf),
        &dict,
        &cfg.command_line,
        &[bam.sample()],
    );
    let mut w = VcfWriter::create(&cfg.output, &header)?;
    let mut n = 0;
    let mut blocks = BlockJoin::new(&cfg.opts.gvcf);
    for (ci, out) in per_shard {
        let name = &contigs[ci].name;
        let mut shard_blocks = out.blocks.into_iter().peekable();
        for c in &out.calls {
            while let Some(b) = shard_blocks.next_if(|b| b.start < c.site.pos) {
                blocks.put(&mut w, contigs, Some((ci, b)))?;
            }
            blocks.put(&mut w, contigs, None)?;
            w.write(&vcf_out::call_record(name, c, cfg.gvcf))?;
            if c.filters.is_empty() {
                variants.add(&c.site.reference, &c.site.alts, &c.gt);
            }
            n += 1;
        }
        for b in shard_blocks {
            blocks.put(&mut w, contigs, Some((ci, b)))?;
        }
    }
    blocks.put(&mut w, contigs, None)?;
    w.finish()?;
    Ok((n, blocks.written, variants))
}
