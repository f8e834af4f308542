//! `split`: cuts the reads of a run into chunks of equal fragment counts for a scattered run,
//! each chunk a folder a later `align --fragment-offset` reads as its own input, plus the
//! first fragments (`head/`) that the insert-size model is estimated from, and `chunks.tsv`
//! saying where each chunk starts.
//!
//! Positional input gives `chunk_I/reads_1.fq.gz` (and `reads_2.fq.gz`); a `--fastq-list`
//! gives `chunk_I/fastq_list.csv` naming every lane (a lane without fragments in the chunk has
//! empty files), with its read group's library and platform unit written out so that every
//! chunk's read groups are the whole run's.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::lanes::Lane;
use super::metrics::Metrics;
use crate::align::insert::ESTIMATE_PAIRS;
use crate::core::{Error, Result};
use crate::io::bgzf_file::BgzfFile;
use crate::io::fastq::{self, FastqReader, Read};
use crate::io::fragments::{Fragment, FragmentReader};
use crate::io::output;

/// The most chunks `--chunks` takes.
pub(crate) const MAX_CHUNKS: usize = 10_000;
/// Bytes gathered per file before they go to the compressor.
const FLUSH: usize = 1 << 20;

/// Everything `zenome split` needs.
#[derive(Debug, Clone)]
pub(crate) struct SplitConfig {
    pub lanes: Vec<Lane>,
    /// Whether the lanes came from a `--fastq-list` (chunks then get lists of their own).
    pub from_list: bool,
    pub chunks: usize,
    /// The folder the chunks go to.
    pub output: PathBuf,
    /// Compression threads.
    pub threads: usize,
}

impl SplitConfig {
    pub(crate) fn validate(&self) -> Result<()> {
        if !(1..=MAX_CHUNKS).contains(&self.chunks) {
            return Err(Error::Usage(format!(
                "--chunks {}: 1 to {MAX_CHUNKS}",
                self.chunks
            )));
        }
        if self.output.is_file() {
            return Err(Error::Usage(format!(
                "-o {}: a file; split writes a folder of chunks",
                self.output.display()
            )));
        }
        Ok(())
    }
}

/// Splits the reads; returns the metrics.
pub(crate) fn run(cfg: &SplitConfig, quiet: bool) -> Result<Metrics> {
    cfg.validate()?;
    let mut m = Metrics::new("split", "cpu");
    let t = Instant::now();
    let total = count_fragments(&cfg.lanes)?;
    m.time("count", t);
    if !quiet {
        eprintln!(
            "zenome: {total} fragments into {} chunks of about {}",
            cfg.chunks,
            total / cfg.chunks as u64
        );
    }
    let t = Instant::now();
    let files = cfg.lanes.iter().map(|l| l.files.clone()).collect();
    let mut reader = FragmentReader::open_lanes(files)?;
    let dir = |name: &str| -> Result<PathBuf> {
        let d = cfg.output.join(name);
        std::fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
        Ok(d)
    };
    let paired = cfg.lanes.first().is_some_and(|l| l.files.r2.is_some());
    let mut head = LaneFiles::create(&dir("head")?, &[], paired, cfg.threads)?;
    let mut head_left = (ESTIMATE_PAIRS as u64).min(total);
    let mut table = String::from("chunk\tfirst_fragment\tfragments\n");
    let mut next = 0u64;
    for c in 0..cfg.chunks as u64 {
        let end = total * (c + 1) / cfg.chunks as u64;
        let lanes: &[Lane] = if cfg.from_list { &cfg.lanes } else { &[] };
        let mut out = LaneFiles::create(
            &dir(&format!("chunk_{}", c + 1))?,
            lanes,
            paired,
            cfg.threads,
        )?;
        let first = next;
        while next < end {
            let batch = reader.next_batch((end - next).min(10_000) as usize)?;
            if batch.is_empty() {
                return Err(shrunk(cfg, next, total));
            }
            for f in &batch {
                out.add(f)?;
                if head_left > 0 {
                    head.add(f)?;
                    head_left -= 1;
                }
            }
            next += batch.len() as u64;
        }
        out.finish()?;
        table.push_str(&format!("{}\t{first}\t{}\n", c + 1, end - first));
    }
    if !reader.next_batch(1)?.is_empty() {
        return Err(shrunk(cfg, next + 1, total));
    }
    head.finish()?;
    output::write_text(&cfg.output.join("chunks.tsv"), &table)?;
    m.time("write", t);
    m.count("fragments", total);
    m.count("chunks", cfg.chunks as u64);
    Ok(m)
}

/// The input changed between the count and the split.
fn shrunk(cfg: &SplitConfig, at: u64, counted: u64) -> Error {
    Error::input(
        &cfg.lanes[0].files.r1,
        format!(
            "fragment {at} where {counted} were counted: the input changed while split read it"
        ),
    )
}

/// The fragments of every lane, counted from the first read files in parallel.
fn count_fragments(lanes: &[Lane]) -> Result<u64> {
    let counts = lanes
        .par_iter()
        .map(|l| {
            let mut r = FastqReader::open(&l.files.r1)?;
            let mut read = Read::default();
            let mut n = 0u64;
            while r.next_into(&mut read)? {
                n += 1;
            }
            Ok(n)
        })
        .collect::<Result<Vec<u64>>>()?;
    Ok(counts.iter().sum())
}

/// A FASTQ file being written and the records not yet handed to its compressor.
type Pending = (BgzfFile, Vec<u8>);

/// The FASTQ files of one chunk: one pair per lane with a `fastq_list.csv`, or one pair.
struct LaneFiles {
    files: Vec<[Option<Pending>; 2]>,
    list: Option<(PathBuf, String)>,
}

impl LaneFiles {
    /// With `lanes` empty, `reads_1.fq.gz` (and `reads_2.fq.gz`) take every fragment;
    /// otherwise each lane gets `laneN_1.fq.gz` (and `_2`) and the folder a list.
    fn create(dir: &Path, lanes: &[Lane], paired: bool, threads: usize) -> Result<Self> {
        let open = |name: String| -> Result<Pending> {
            Ok((BgzfFile::create_fast(&dir.join(name), threads)?, Vec::new()))
        };
        let pair = |stem: &str| -> Result<[Option<Pending>; 2]> {
            Ok([
                Some(open(format!("{stem}_1.fq.gz"))?),
                paired
                    .then(|| open(format!("{stem}_2.fq.gz")))
                    .transpose()?,
            ])
        };
        if lanes.is_empty() {
            return Ok(LaneFiles {
                files: vec![pair("reads")?],
                list: None,
            });
        }
        let mut csv = String::from("RGID,RGSM,RGLB,RGPU,Lane,Read1File,Read2File\n");
        let mut files = Vec::with_capacity(lanes.len());
        for (i, l) in lanes.iter().enumerate() {
            let stem = format!("lane{}", i + 1);
            files.push(pair(&stem)?);
            let rg = l.read_group.as_ref();
            let field = |tag: &str| rg.and_then(|rg| rg.field(tag)).unwrap_or("").to_string();
            csv.push_str(&format!(
                "{},{},{},{},,{stem}_1.fq.gz,{}\n",
                rg.map_or("", |rg| rg.id.as_str()),
                field("SM"),
                field("LB"),
                field("PU"),
                if paired {
                    format!("{stem}_2.fq.gz")
                } else {
                    String::new()
                }
            ));
        }
        Ok(LaneFiles {
            files,
            list: Some((dir.join("fastq_list.csv"), csv)),
        })
    }

    fn add(&mut self, f: &Fragment) -> Result<()> {
        let lane = usize::from(f.lane).min(self.files.len() - 1);
        let reads = [Some(&f.r1), f.r2.as_ref()];
        for (slot, read) in self.files[lane].iter_mut().zip(reads) {
            if let (Some((file, buf)), Some(r)) = (slot.as_mut(), read) {
                fastq::encode_record(&r.name, &r.seq, &r.qual, buf);
                if buf.len() >= FLUSH {
                    file.write(buf)?;
                    buf.clear();
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        for (file, buf) in self.files.into_iter().flatten().flatten() {
            let mut file = file;
            file.write(&buf)?;
            file.finish()?;
        }
        if let Some((path, csv)) = self.list {
            output::write_text(&path, &csv)?;
        }
        Ok(())
    }
}
