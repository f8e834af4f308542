//! Joint genotyping (`zenome joint`): per-sample gVCFs (zenome's or GATK HaplotypeCaller's) in,
//! one multi-sample VCF out, as GATK's GenotypeGVCFs does. The genome is cut into shards,
//! genotyped in parallel and written in order; each shard reads every sample's records of it
//! through the gVCFs' indexes, so memory follows the samples and the shard, not the sites.
//!
//! - `gvcf_record`: one sample's record; `gvcf_input`: the files and their regions.
//! - `shard`: the samples' records side by side; `merge`: a site's alleles merged and each
//!   sample's likelihoods carried onto them; `site`: genotypes, QUAL, annotations, the record.
//! - `excess_het`: GATK's ExcessHet; `pedigree`: trios, Mendelian checks and de novo flags.

pub(crate) mod excess_het;
pub(crate) mod gvcf_input;
pub(crate) mod gvcf_record;
pub(crate) mod merge;
pub(crate) mod pedigree;
pub(crate) mod shard;
pub(crate) mod site;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::call::CallOpts;
use crate::call::options::GenotypeOpts;
use crate::call::vcf_out;
use crate::core::interval::Interval;
use crate::core::{Error, Result};
use crate::index::reference;
use crate::io::dict;
use crate::io::fasta::Contig;
use crate::io::output::{self, has_extension};
use crate::io::vcf_writer::VcfWriter;
use crate::io::{targets, vcf_header};
use crate::pipeline::metrics::Metrics;
use gvcf_input::GvcfInput;
use site::{Cohort, SiteCounts};

/// What `zenome joint` is asked to do.
#[derive(Debug, Clone)]
pub(crate) struct JointConfig {
    pub reference: PathBuf,
    pub gvcfs: Vec<PathBuf>,
    pub output: PathBuf,
    pub regions: Vec<String>,
    pub bed: Option<PathBuf>,
    pub pedigree: Option<PathBuf>,
    pub command_line: String,
    /// QUAL thresholds, priors and strand-bias limits (the caller's).
    pub genotype: GenotypeOpts,
    /// Bases per shard (0: chosen from the number of samples).
    pub shard: i64,
}

impl JointConfig {
    pub(crate) fn new(reference: PathBuf, gvcfs: Vec<PathBuf>, output: PathBuf) -> JointConfig {
        JointConfig {
            reference,
            gvcfs,
            output,
            regions: Vec::new(),
            bed: None,
            pedigree: None,
            command_line: String::new(),
            genotype: CallOpts::default().genotype,
            shard: 0,
        }
    }

    /// Refuses what cannot work before any is done.
    pub(crate) fn validate(&self) -> Result<()> {
        if self.gvcfs.is_empty() {
            return Err(Error::Usage(
                "no gVCF given: name them, or a file listing them with --gvcf-list".into(),
            ));
        }
        let g = &self.genotype;
        if !(g.min_qual >= 0.0 && g.low_qual >= g.min_qual) {
            return Err(Error::Usage(format!(
                "--min-qual {}: at least 0 and at most the LowQual threshold {}",
                g.min_qual, g.low_qual
            )));
        }
        if has_extension(&self.output, ".bcf") {
            return Err(Error::Usage(format!(
                "-o {}: BCF output is not supported; use .vcf.gz or .vcf",
                self.output.display()
            )));
        }
        let mut ins: Vec<&Path> = self.gvcfs.iter().map(PathBuf::as_path).collect();
        ins.push(&self.reference);
        ins.extend(self.pedigree.as_deref());
        output::check_outputs(&[("-o", &self.output)], &ins)
    }

    /// Bases per shard: about 50 million sample-bases, from 10 kb to 1 Mb.
    fn shard_size(&self) -> i64 {
        if self.shard > 0 {
            return self.shard;
        }
        (50_000_000 / self.gvcfs.len().max(1) as i64).clamp(10_000, 1_000_000)
    }
}

/// The paths listed in `list`, one per line (blank lines and `#` comments skipped).
pub(crate) fn read_list(list: &Path) -> Result<Vec<PathBuf>> {
    let text = std::fs::read_to_string(list).map_err(|e| Error::io(list, e))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(PathBuf::from)
        .collect())
}

/// Runs joint genotyping; returns its metrics.
pub(crate) fn run(cfg: &JointConfig, quiet: bool) -> Result<Metrics> {
    cfg.validate()?;
    let cpu = crate::pipeline::metrics::cpu_seconds();
    let mut m = Metrics::new("joint", "cpu");
    let t = Instant::now();
    raise_open_file_limit(cfg.gvcfs.len());
    let contigs = reference::contigs(&cfg.reference)?;
    let inputs: Vec<GvcfInput> = cfg
        .gvcfs
        .par_iter()
        .map(|p| GvcfInput::open(p))
        .collect::<Result<_>>()?;
    check_inputs(&inputs, &contigs, &cfg.reference)?;
    let samples: Vec<String> = inputs.iter().map(|i| i.sample.clone()).collect();
    let trios = match &cfg.pedigree {
        Some(p) => pedigree::read(p, &samples)?,
        None => Vec::new(),
    };
    let cohort = Cohort { samples, trios };
    let shards = shards(cfg, &contigs)?;
    m.time("load", t);
    let t = Instant::now();
    let counts = write(cfg, &contigs, &inputs, &cohort, &shards, quiet)?;
    m.time("genotype", t);
    m.count("samples", inputs.len() as u64);
    m.count("shards", shards.len() as u64);
    m.count("records", counts.records);
    if !cohort.trios.is_empty() {
        m.count("trios", cohort.trios.len() as u64);
        m.count("mendelian_checked", counts.mendel_checked);
        m.count("mendelian_violations", counts.mendel_violations);
        m.count("de_novo_high_confidence", counts.de_novo_high);
        m.count("de_novo_low_confidence", counts.de_novo_low);
        let rate = counts.mendel_violations as f64 / counts.mendel_checked.max(1) as f64;
        m.rates.push(("mendelian_violation_rate".into(), rate));
    }
    m.cpu_since("joint", cpu);
    Ok(m)
}

/// Sample names must differ, and every contig a gVCF declares must be the reference's, of
/// the same length.
fn check_inputs(inputs: &[GvcfInput], contigs: &[Contig], reference: &Path) -> Result<()> {
    let mut seen = HashSet::new();
    for i in inputs {
        if !seen.insert(i.sample.as_str()) {
            return Err(Error::input(
                &i.path,
                format!(
                    "sample '{}' is also the sample of another gVCF given: each sample once",
                    i.sample
                ),
            ));
        }
        for (name, len) in &i.contigs {
            let Some(c) = contigs.iter().find(|c| &c.name == name) else {
                return Err(Error::input(
                    &i.path,
                    format!(
                        "contig '{name}' is not in the reference {}",
                        reference.display()
                    ),
                ));
            };
            if let Some(len) = len
                && *len != c.seq.len() as u64
            {
                return Err(Error::input(
                    &i.path,
                    format!(
                        "contig '{name}' has length {len} here and {} in the reference {}",
                        c.seq.len(),
                        reference.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The shards: the `-r`/`-L` intervals (or every contig) cut into pieces of the shard size.
fn shards(cfg: &JointConfig, contigs: &[Contig]) -> Result<Vec<Interval>> {
    let intervals =
        targets::intervals(&cfg.regions, cfg.bed.as_deref(), contigs)?.unwrap_or_else(|| {
            contigs
                .iter()
                .enumerate()
                .map(|(ci, c)| Interval {
                    contig: ci,
                    start: 0,
                    end: c.seq.len() as i64,
                })
                .collect()
        });
    let size = cfg.shard_size();
    let mut out: Vec<Interval> = Vec::new();
    for iv in intervals.iter().filter(|iv| !iv.is_empty()) {
        let mut start = iv.start;
        // Overlapping intervals (BED lines often overlap) are genotyped once.
        if let Some(last) = out.last()
            && last.contig == iv.contig
        {
            start = start.max(last.end);
        }
        while start < iv.end {
            let end = (start + size).min(iv.end);
            out.push(Interval {
                contig: iv.contig,
                start,
                end,
            });
            start = end;
        }
    }
    Ok(out)
}

/// Genotypes the shards in parallel, a few per thread at a time, and writes them in order.
fn write(
    cfg: &JointConfig,
    contigs: &[Contig],
    inputs: &[GvcfInput],
    cohort: &Cohort,
    shards: &[Interval],
    quiet: bool,
) -> Result<SiteCounts> {
    let opts = CallOpts {
        genotype: cfg.genotype.clone(),
        ..CallOpts::default()
    };
    let mut meta = vcf_out::meta_lines(&opts, false);
    if !cohort.trios.is_empty() {
        meta.extend(
            [
                "INFO=<ID=MERR,Number=1,Type=Integer,Description=\"Number of trios whose genotypes here break Mendel's rules\">",
                "INFO=<ID=hiConfDeNovo,Number=.,Type=String,Description=\"High confidence possible de novo mutation (GQ >= 20 for all trio members)=[comma-delimited list of child samples]\">",
                "INFO=<ID=loConfDeNovo,Number=.,Type=String,Description=\"Low confidence possible de novo mutation (GQ >= 10 for child, GQ > 0 for parents)=[comma-delimited list of child samples]\">",
            ]
            .map(String::from),
        );
    }
    let dict = dict::of_contigs(contigs);
    let header = vcf_header::text(&meta, &dict, &cfg.command_line, &cohort.samples);
    let mut w = VcfWriter::create(&cfg.output, &header)?;
    let mut counts = SiteCounts::default();
    let batch = rayon::current_num_threads() * 2;
    let started = Instant::now();
    for (b, group) in shards.chunks(batch).enumerate() {
        let done: Vec<(String, SiteCounts)> = group
            .par_iter()
            .map(|iv| {
                let c = &contigs[iv.contig];
                let s = shard::Shard {
                    contig: &c.name,
                    seq: &c.seq,
                    start: iv.start,
                    end: iv.end,
                };
                shard::genotype(s, inputs, cohort, &cfg.genotype)
            })
            .collect::<Result<_>>()?;
        for (text, c) in done {
            w.write_raw(&text)?;
            counts.add(&c);
        }
        if !quiet && b % 16 == 15 {
            eprintln!(
                "zenome: joint: {} of {} shards, {} records, {:.0} s",
                ((b + 1) * batch).min(shards.len()),
                shards.len(),
                counts.records,
                started.elapsed().as_secs_f64()
            );
        }
    }
    w.finish()?;
    Ok(counts)
}

/// Lets the process open a file per sample per thread: the soft limit on open files raised
/// to the hard one when the cohort needs more than the soft one allows.
fn raise_open_file_limit(samples: usize) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own; RLIMIT_NOFILE is a valid resource.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return;
    }
    let want = (samples as u64 + 64) * rayon::current_num_threads() as u64;
    if lim.rlim_cur < want && lim.rlim_cur < lim.rlim_max {
        lim.rlim_cur = lim.rlim_max;
        // SAFETY: setrlimit reads the struct we own; raising the soft limit up to the hard
        // limit needs no privilege. A failure leaves the old limit: opening a gVCF past it is
        // then an error naming the file.
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) };
    }
}
