//! The `call` flow: check the BAM against the reference, cut the requested regions into shards
//! on the fixed grid, call shards in parallel, keep records inside the regions, write the VCF.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::metrics::Metrics;
use crate::backend::Backend;
use crate::call::gvcf::{self, Block};
use crate::call::reads::BamSource;
use crate::call::region::{SHARD, Shard, ShardCalls, call_shard};
use crate::error::{Error, Result};
use crate::index::{self, Index};
use crate::io::fasta::{self, Contig};
use crate::io::vcf::{self, VcfWriter};

/// Everything `zenome call` needs.
#[derive(Debug, Clone)]
pub struct CallConfig {
    pub reference: PathBuf,
    pub bam: PathBuf,
    pub output: PathBuf,
    /// `-r chr:from-to` (1-based, inclusive) values.
    pub regions: Vec<String>,
    /// `-L regions.bed`.
    pub bed: Option<PathBuf>,
    pub gvcf: bool,
    pub command_line: String,
}

impl CallConfig {
    /// Calls the whole BAM into a VCF, no gVCF.
    pub fn new(reference: PathBuf, bam: PathBuf, output: PathBuf) -> Self {
        CallConfig {
            reference,
            bam,
            output,
            regions: Vec::new(),
            bed: None,
            gvcf: false,
            command_line: crate::cli::command_line(),
        }
    }
}

/// A 0-based half-open interval on a reference contig.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    pub contig: usize,
    pub start: i64,
    pub end: i64,
}

/// The reference's contigs, from the index when there is one (fast), else from the FASTA.
pub fn load_reference(path: &Path) -> Result<Vec<Contig>> {
    let zmi = index::index_path(path);
    if !zmi.exists() {
        return fasta::read(path);
    }
    let idx = Index::load(&zmi)?;
    let seq = idx.seq();
    Ok(idx
        .contigs()
        .into_iter()
        .map(|c| Contig {
            seq: seq[c.offset as usize..(c.offset + c.len) as usize].to_vec(),
            name: c.name,
            m5: c.m5,
        })
        .collect())
}

/// Every BAM contig must be a reference contig of the same length (and MD5, when given).
fn check_contigs(bam: &BamSource, contigs: &[Contig], reference: &Path) -> Result<()> {
    for (name, rs) in bam.header.reference_sequences() {
        let name = name.to_string();
        let Some(c) = contigs.iter().find(|c| c.name == name) else {
            return Err(Error::input(
                &bam.path,
                format!(
                    "contig '{name}' is not in the reference {}",
                    reference.display()
                ),
            ));
        };
        if rs.length().get() != c.seq.len() {
            return Err(Error::input(
                &bam.path,
                format!(
                    "contig '{name}' has length {} here but {} in the reference {} (a different reference?)",
                    rs.length().get(),
                    c.seq.len(),
                    reference.display()
                ),
            ));
        }
        let m5 = rs
            .other_fields()
            .get(&noodles_sam::header::record::value::map::reference_sequence::tag::MD5_CHECKSUM);
        let ours: String = c.m5.iter().map(|b| format!("{b:02x}")).collect();
        if let Some(m5) = m5
            && c.m5 != [0; 16]
            && !m5.to_string().eq_ignore_ascii_case(&ours)
        {
            return Err(Error::input(
                &bam.path,
                format!(
                    "contig '{name}' has M5 {m5} here but {ours} in the reference (a different reference?)"
                ),
            ));
        }
    }
    Ok(())
}

/// The intervals to call: `-r` values, then `-L` lines, or every contig the BAM names.
pub fn intervals(cfg: &CallConfig, contigs: &[Contig], bam: &BamSource) -> Result<Vec<Interval>> {
    let find = |name: &str, what: &dyn Fn() -> Error| {
        contigs.iter().position(|c| c.name == name).ok_or_else(what)
    };
    let mut out = Vec::new();
    for r in &cfg.regions {
        let usage = || {
            Error::Usage(format!(
                "-r {r}: expected chr, or chr:from-to (1-based, inclusive)"
            ))
        };
        let (name, range) = r
            .rsplit_once(':')
            .map_or((r.as_str(), None), |(n, x)| (n, Some(x)));
        let ci = find(name, &|| {
            Error::Usage(format!("-r {r}: no contig '{name}' in the reference"))
        })?;
        let len = contigs[ci].seq.len() as i64;
        let (from, to) = match range {
            None => (1, len),
            Some(x) => {
                let x = x.replace(',', "");
                let (a, b) = x.split_once('-').ok_or_else(usage)?;
                (
                    a.parse::<i64>().map_err(|_| usage())?,
                    b.parse::<i64>().map_err(|_| usage())?,
                )
            }
        };
        if from < 1 || to < from || to > len {
            return Err(Error::Usage(format!(
                "-r {r}: outside contig '{name}' (length {len})"
            )));
        }
        out.push(Interval {
            contig: ci,
            start: from - 1,
            end: to,
        });
    }
    if let Some(bed) = &cfg.bed {
        out.extend(read_bed(bed, contigs)?);
    }
    if cfg.regions.is_empty() && cfg.bed.is_none() {
        for (name, _) in bam.header.reference_sequences() {
            let ci = find(&name.to_string(), &|| {
                Error::Internal("contig vanished".into())
            })?;
            out.push(Interval {
                contig: ci,
                start: 0,
                end: contigs[ci].seq.len() as i64,
            });
        }
    }
    out.sort();
    Ok(out)
}

fn read_bed(path: &Path, contigs: &[Contig]) -> Result<Vec<Interval>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with("track")
            || line.starts_with("browser")
        {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let bad = |msg: String| Error::input(path, format!("line {}: {msg}", i + 1));
        if f.len() < 3 {
            return Err(bad("expected chrom, start and end separated by tabs".into()));
        }
        let ci = contigs
            .iter()
            .position(|c| c.name == f[0])
            .ok_or_else(|| bad(format!("no contig '{}' in the reference", f[0])))?;
        let (s, e) = (f[1].parse::<i64>(), f[2].parse::<i64>());
        let (Ok(s), Ok(e)) = (s, e) else {
            return Err(bad("start and end must be integers".into()));
        };
        if s < 0 || e <= s || e > contigs[ci].seq.len() as i64 {
            return Err(bad(format!(
                "interval {s}-{e} lies outside contig '{}'",
                f[0]
            )));
        }
        out.push(Interval {
            contig: ci,
            start: s,
            end: e,
        });
    }
    Ok(out)
}

/// The shards (contig, grid index) that intersect the intervals, in order.
fn shards(intervals: &[Interval]) -> Vec<(usize, i64)> {
    let mut out: Vec<(usize, i64)> = intervals
        .iter()
        .flat_map(|iv| (iv.start / SHARD..=(iv.end - 1) / SHARD).map(move |k| (iv.contig, k)))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Runs the caller; returns its metrics.
pub fn run(cfg: &CallConfig, backend: &dyn Backend, quiet: bool) -> Result<Metrics> {
    let mut m = Metrics::new("call", backend.name());
    let t = Instant::now();
    let bam = BamSource::open(&cfg.bam)?;
    let contigs = load_reference(&cfg.reference)?;
    check_contigs(&bam, &contigs, &cfg.reference)?;
    let ivs = intervals(cfg, &contigs, &bam)?;
    m.time("load", t);
    let t = Instant::now();
    let grid = shards(&ivs);
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        super::progress::spinner("shards")
    };
    let per_shard: Vec<(usize, ShardCalls)> = grid
        .par_iter()
        .map(|&(ci, k)| {
            let c = &contigs[ci];
            let regions: Vec<Interval> = ivs.iter().filter(|iv| iv.contig == ci).copied().collect();
            let shard = Shard {
                bam: &bam,
                contig_name: &c.name,
                contig: &c.seq,
                start: k * SHARD,
                end: ((k + 1) * SHARD).min(c.seq.len() as i64),
                regions: &regions,
                gvcf: cfg.gvcf,
            };
            let out = call_shard(&shard, backend)?;
            bar.inc(1);
            Ok((ci, out))
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    m.time("call", t);
    let t = Instant::now();
    let names: Vec<(String, u64)> = contigs
        .iter()
        .map(|c| (c.name.clone(), c.seq.len() as u64))
        .collect();
    let mut w = VcfWriter::create(
        &cfg.output,
        &vcf::header(&names, &bam.sample(), &cfg.command_line, cfg.gvcf),
    )?;
    let mut n = 0;
    let mut blocks_out = BlockJoin::default();
    for (ci, out) in per_shard {
        let name = &contigs[ci].name;
        let mut blocks = out.blocks.into_iter().peekable();
        for c in &out.calls {
            while let Some(b) = blocks.next_if(|b| b.start < c.site.pos) {
                blocks_out.put(&mut w, &contigs, Some((ci, b)))?;
            }
            blocks_out.put(&mut w, &contigs, None)?;
            w.write(&vcf::record(name, c, cfg.gvcf))?;
            n += 1;
        }
        for b in blocks {
            blocks_out.put(&mut w, &contigs, Some((ci, b)))?;
        }
    }
    blocks_out.put(&mut w, &contigs, None)?;
    w.finish()?;
    m.time("write", t);
    m.count("records", n);
    m.count("reference_blocks", blocks_out.written);
    m.count("shards", grid.len() as u64);
    Ok(m)
}

/// Writes gVCF blocks, holding back the last one so that it can be joined with the next
/// shard's first when a single pass would have made them one block.
#[derive(Default)]
struct BlockJoin {
    pending: Option<(usize, Block)>,
    written: u64,
}

impl BlockJoin {
    /// Takes the next block of contig `ci`, or `None` before a variant record and at the end.
    fn put(
        &mut self,
        w: &mut VcfWriter,
        contigs: &[Contig],
        next: Option<(usize, Block)>,
    ) -> Result<()> {
        if let (Some((pc, a)), Some((nc, b))) = (self.pending.as_mut(), next.as_ref())
            && *pc == *nc
            && let Some(joined) = gvcf::join(a, b)
        {
            *a = joined;
            return Ok(());
        }
        if let Some((pc, a)) = self.pending.take() {
            w.write(&vcf::block_record(&contigs[pc].name, &a))?;
            self.written += 1;
        }
        self.pending = next;
        Ok(())
    }
}
