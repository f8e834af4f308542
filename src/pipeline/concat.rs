//! `concat`: joins the parts of a scattered run into what one `run` writes. Alignment chunks
//! (`align -o X.zchunk`, fragments numbered across chunks) become one sorted, duplicate-marked
//! BAM through the same sorter and duplicate marker as one `align`; region parts (`call
//! --scatter I/M`) become one VCF, their records in order under the first part's header.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::chunk_file::{self, ChunkReader};
use super::dup_metrics;
use super::metrics::Metrics;
use super::sink::{Format, Sink, SinkOpts, format_of};
use crate::align::record::DupEnds;
use crate::core::{Error, Result};
use crate::io::input;
use crate::io::output::{self, has_extension, with_suffix};
use crate::io::sam_header::escape_command_line;
use crate::io::vcf_writer::{self, VcfWriter};

/// Fragments handed to the sorter at a time.
const BATCH: usize = 10_000;

/// Everything `zenome concat` needs.
#[derive(Debug, Clone)]
pub(crate) struct ConcatConfig {
    /// In order: the chunks as `split` numbered them, or the parts 1..M of `call --scatter`.
    pub parts: Vec<PathBuf>,
    pub output: PathBuf,
    pub dup_metrics: Option<PathBuf>,
    /// Sorting, duplicate marking (with `markdup`), compression threads, `@PG`.
    pub sink: SinkOpts,
}

/// What the parts are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Chunks,
    Vcf,
}

impl ConcatConfig {
    fn kind(&self) -> Result<Kind> {
        let is_chunk = |p: &Path| has_extension(p, chunk_file::EXTENSION);
        let chunks = self.parts.iter().filter(|p| is_chunk(p)).count();
        if chunks == self.parts.len() {
            if format_of(&self.output)? != Format::Bam || is_chunk(&self.output) {
                return Err(Error::Usage(format!(
                    "-o {}: alignment chunks join into a BAM (-o NAME.bam)",
                    self.output.display()
                )));
            }
            return Ok(Kind::Chunks);
        }
        if chunks > 0 {
            return Err(Error::Usage(
                "the parts mix alignment chunks (.zchunk) and VCFs; join each kind apart".into(),
            ));
        }
        if !(has_extension(&self.output, ".vcf") || vcf_writer::is_compressed(&self.output)) {
            return Err(Error::Usage(format!(
                "-o {}: VCF parts join into a VCF (-o NAME.vcf.gz or NAME.vcf)",
                self.output.display()
            )));
        }
        if self.dup_metrics.is_some() {
            return Err(Error::Usage(
                "--dup-metrics is for alignment chunks, not VCF parts".into(),
            ));
        }
        Ok(Kind::Vcf)
    }

    /// The files the command writes, with the flag that names them.
    fn outputs(&self, kind: Kind) -> Vec<(&'static str, PathBuf)> {
        let mut v = vec![("-o", self.output.clone())];
        match kind {
            Kind::Chunks => v.push(("-o", with_suffix(&self.output, ".bai"))),
            Kind::Vcf if vcf_writer::is_compressed(&self.output) => {
                v.push(("-o", with_suffix(&self.output, ".tbi")));
            }
            Kind::Vcf => {}
        }
        if let Some(p) = &self.dup_metrics {
            v.push(("--dup-metrics", p.clone()));
        }
        v
    }

    /// Refuses impossible options and outputs before any work.
    pub(crate) fn validate(&self) -> Result<()> {
        if self.parts.is_empty() {
            return Err(Error::Usage("no parts to join".into()));
        }
        self.sink.validate()?;
        let kind = self.kind()?;
        if self.dup_metrics.is_some() && !self.sink.markdup {
            return Err(Error::Usage(
                "--dup-metrics needs duplicate marking (without --no-markdup)".into(),
            ));
        }
        let outputs = self.outputs(kind);
        let outs: Vec<(&str, &Path)> = outputs.iter().map(|(f, p)| (*f, p.as_path())).collect();
        let ins: Vec<&Path> = self.parts.iter().map(PathBuf::as_path).collect();
        output::check_outputs(&outs, &ins)
    }
}

/// Joins the parts; returns the metrics.
pub(crate) fn run(cfg: &ConcatConfig, quiet: bool) -> Result<Metrics> {
    cfg.validate()?;
    let cpu = super::metrics::cpu_seconds();
    let mut m = Metrics::new("concat", "cpu");
    let t = Instant::now();
    match cfg.kind()? {
        Kind::Chunks => join_chunks(cfg, &mut m, quiet)?,
        Kind::Vcf => join_vcfs(cfg, &mut m)?,
    }
    m.time("concat", t);
    m.cpu_since("concat", cpu);
    Ok(m)
}

/// Alignment chunks into one sorted BAM: every chunk must share the first one's reference,
/// read groups and libraries, and the fragments must run on from chunk to chunk without a gap.
fn join_chunks(cfg: &ConcatConfig, m: &mut Metrics, quiet: bool) -> Result<()> {
    let mut readers = cfg
        .parts
        .iter()
        .map(|p| ChunkReader::open(p))
        .collect::<Result<Vec<_>>>()?;
    let header = readers[0].header.clone();
    for r in &readers[1..] {
        if r.header != header {
            return Err(Error::input(
                &r.path,
                format!(
                    "another reference, read groups or libraries than {} (chunks of another run?)",
                    readers[0].path.display()
                ),
            ));
        }
    }
    let opts = SinkOpts {
        read_groups: header.read_groups.clone(),
        libraries: header.libraries.clone(),
        ..cfg.sink.clone()
    };
    let mut sink = Sink::create(&cfg.output, &header.dict, &opts)?;
    let mut next = 0u64;
    let (mut records, mut dups): (Vec<Vec<Vec<u8>>>, Vec<DupEnds>) = (Vec::new(), Vec::new());
    for r in &mut readers {
        let mut first = next;
        while let Some(f) = r.next_fragment()? {
            if f.index != next {
                return Err(Error::input(
                    &r.path,
                    format!(
                        "starts or goes on at fragment {} where {next} was expected: a chunk is missing, repeated or out of order (give them in the order split numbered them)",
                        f.index
                    ),
                ));
            }
            next += 1;
            dups.push(f.dups);
            records.push(f.records);
            if records.len() == BATCH {
                sink.push_encoded(first, &records, &dups)?;
                first = next;
                records.clear();
                dups.clear();
            }
        }
        sink.push_encoded(first, &records, &dups)?;
        records.clear();
        dups.clear();
    }
    let (duplicates, counts) = sink.finish(None, None, quiet)?;
    if let Some(path) = &cfg.dup_metrics {
        dup_metrics::write(path, &header.libraries, &counts, &cfg.sink.command_line)?;
    }
    m.count("fragments", next);
    m.count("duplicate_fragments", duplicates);
    m.count("parts", cfg.parts.len() as u64);
    Ok(())
}

/// Region parts into one VCF: the first part's header (its command line replaced by this
/// one's), every part's records in order. Headers must agree but for the command line, and a
/// part may not start before the previous one ends.
fn join_vcfs(cfg: &ConcatConfig, m: &mut Metrics) -> Result<()> {
    let mut out: Option<(VcfWriter, Vec<String>, Vec<String>)> = None;
    let mut last: Option<((usize, u64), &Path)> = None;
    let mut records = 0u64;
    for part in &cfg.parts {
        let mut lines = input::open(part)?.lines().enumerate();
        let mut header = Vec::new();
        let mut pending = None;
        for (i, l) in lines.by_ref() {
            let l = l.map_err(|e| input::read_error(part, i as u64 + 1, e))?;
            if l.starts_with('#') {
                header.push(l);
            } else {
                pending = Some((i, l));
                break;
            }
        }
        if !header.last().is_some_and(|h| h.starts_with("#CHROM")) {
            return Err(Error::input(part, "no #CHROM line: not a VCF"));
        }
        let (w, _, contigs) = match &mut out {
            Some(o) => {
                check_header(part, &header, &o.1, &cfg.parts[0])?;
                o
            }
            None => {
                let text: String = header
                    .iter()
                    .map(|h| match h.starts_with(COMMAND) {
                        true => {
                            format!("{COMMAND}{}\n", escape_command_line(&cfg.sink.command_line))
                        }
                        false => format!("{h}\n"),
                    })
                    .collect();
                let contigs = header
                    .iter()
                    .filter_map(|h| h.strip_prefix("##contig=<ID="))
                    .map(|h| h.split([',', '>']).next().unwrap_or("").to_string())
                    .collect();
                let w = VcfWriter::create(&cfg.output, &text)?;
                out.insert((w, header.clone(), contigs))
            }
        };
        let mut text = String::new();
        let mut seen_first = false;
        for item in pending.into_iter().map(Ok).chain(lines.map(|(i, l)| {
            l.map(|l| (i, l))
                .map_err(|e| input::read_error(part, i as u64 + 1, e))
        })) {
            let (i, l) = item?;
            let mut f = l.splitn(3, '\t');
            let (chrom, pos) = (f.next().unwrap_or(""), f.next().unwrap_or(""));
            let site = contigs
                .iter()
                .position(|c| c == chrom)
                .zip(pos.parse::<u64>().ok())
                .ok_or_else(|| {
                    Error::input(
                        part,
                        format!(
                            "line {}: contig '{chrom}' is not in the header, or position '{pos}' is not a number",
                            i + 1
                        ),
                    )
                })?;
            if !seen_first {
                seen_first = true;
                if let Some((before, prev)) = last
                    && site < before
                {
                    return Err(Error::input(
                        part,
                        format!(
                            "starts at {chrom}:{pos}, before the end of the part before it ({}): give the parts in order 1..M",
                            prev.display()
                        ),
                    ));
                }
            }
            last = Some((site, part.as_path()));
            records += 1;
            text.push_str(&l);
            text.push('\n');
            if text.len() >= 1 << 20 {
                w.write_raw(&text)?;
                text.clear();
            }
        }
        w.write_raw(&text)?;
    }
    match out {
        Some((w, _, _)) => w.finish()?,
        None => return Err(Error::Internal("concat: no output opened".into())),
    }
    m.count("records", records);
    m.count("parts", cfg.parts.len() as u64);
    Ok(())
}

/// The VCF header line holding the command line, which parts may differ in.
const COMMAND: &str = "##zenome_command=";

/// A part's header must be the first part's, but for the command line.
fn check_header(part: &Path, header: &[String], first: &[String], first_path: &Path) -> Result<()> {
    let keep = |h: &&String| !h.starts_with(COMMAND);
    let (a, b): (Vec<&String>, Vec<&String>) = (
        header.iter().filter(keep).collect(),
        first.iter().filter(keep).collect(),
    );
    if a == b {
        return Ok(());
    }
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    Err(Error::input(
        part,
        format!(
            "its header differs from {}'s at header line {} (parts of another call?)",
            first_path.display(),
            at + 1
        ),
    ))
}
