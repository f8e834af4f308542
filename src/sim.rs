//! The simulator behind `zenome simulate` and `demo`: a reference with realistic repeats (or a
//! slice of a real one), a diploid truth set, and paired reads with quality-aware errors whose
//! names carry their true origin.

pub(crate) mod genome;
pub(crate) mod options;
pub(crate) mod origin;
pub mod placement;
pub(crate) mod reads;
pub(crate) mod trio;
pub(crate) mod variants;
pub(crate) mod write;

use std::path::{Path, PathBuf};

use crate::core::interval::Region;
use crate::core::rng::Rng;
use crate::core::{Error, Result};
use crate::io::fasta::{self, Contig};
pub(crate) use options::SimOpts;

/// What a simulation wrote.
#[derive(Debug, Clone)]
pub(crate) struct SimOutput {
    pub reference: PathBuf,
    pub reads: [PathBuf; 2],
    pub truth: PathBuf,
    pub pairs: u64,
    pub variants: usize,
}

/// The source contig and the offset of the simulated slice within it.
struct Source {
    contig: Contig,
    offset: usize,
    /// Where the reference the reads should be aligned to is.
    reference: Option<PathBuf>,
}

/// Runs a simulation into `dir`.
pub(crate) fn simulate(dir: &Path, o: &SimOpts) -> Result<SimOutput> {
    let (source, reference, mut rng) = start(dir, o)?;
    let truth = variants::place(&source.contig.seq, &mut rng, o.snp_rate, o.indel_rate);
    sample(dir, &source, &reference, &truth, o, &mut rng)
}

/// Checks the options, makes `dir`, and picks the sequence (writing it as `ref.fa` when it is
/// not a slice of a given reference); returns it, the reference path and the generator.
fn start(dir: &Path, o: &SimOpts) -> Result<(Source, PathBuf, Rng)> {
    o.validate()?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut rng = Rng::new(o.seed);
    let source = match &o.from_reference {
        Some((path, region)) => slice_of(path, region)?,
        None => Source {
            contig: genome::random_genome("sim1", o.genome_size, &mut rng),
            offset: 0,
            reference: None,
        },
    };
    let reference = match &source.reference {
        Some(p) => p.clone(),
        None => {
            let p = dir.join("ref.fa");
            fasta::write(&p, std::slice::from_ref(&source.contig))?;
            p
        }
    };
    Ok((source, reference, rng))
}

/// One sample carrying `truth` into `dir`: the truth VCF, BED files and its reads.
fn sample(
    dir: &Path,
    source: &Source,
    reference: &Path,
    truth: &[variants::Variant],
    o: &SimOpts,
    rng: &mut Rng,
) -> Result<SimOutput> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let truth_path = dir.join("truth.vcf.gz");
    write::truth_vcf(&truth_path, &source.contig, source.offset, truth)?;
    write::bed(
        &dir.join("confident.bed"),
        &source.contig.name,
        source.offset,
        source.contig.seq.len(),
    )?;
    let haps = variants::haplotypes(&source.contig.seq, truth);
    let hotspots = reads::hotspots(source.contig.seq.len(), o.strand_error_hotspots, rng);
    write::hotspots(
        &dir.join("hotspots.bed"),
        &source.contig.name,
        source.offset,
        &hotspots,
    )?;
    let paths = [dir.join("reads_1.fq.gz"), dir.join("reads_2.fq.gz")];
    let pairs = reads::simulate_pairs(
        &haps,
        &source.contig,
        source.offset,
        &hotspots,
        o,
        rng,
        &paths,
    )?;
    Ok(SimOutput {
        reference: reference.to_path_buf(),
        reads: paths,
        truth: truth_path,
        pairs,
        variants: truth.len(),
    })
}

/// Simulates a trio into `dir`: `father/`, `mother/` and `child/` (each as one simulation
/// writes it), the child's de novo mutations (`denovo.vcf.gz`) and the pedigree (`trio.ped`).
/// The parents draw their genotypes from one population of variants, so that some are shared;
/// the child takes one haplotype of each parent (with one crossover each) and `de_novo`
/// heterozygous SNPs of its own.
pub(crate) fn simulate_trio(dir: &Path, o: &SimOpts, de_novo: usize) -> Result<TrioOutput> {
    let (source, reference, mut rng) = start(dir, o)?;
    let seq = &source.contig.seq;
    let population = variants::place(seq, &mut rng, 2.0 * o.snp_rate, 2.0 * o.indel_rate);
    let father = trio::parent(&population, &mut rng);
    let mother = trio::parent(&population, &mut rng);
    let mutations = trio::de_novo(seq, &population, de_novo, &mut rng);
    let child = trio::child(&father, &mother, &mutations, seq.len(), &mut rng);
    let mut members = Vec::new();
    for (name, truth) in [("father", &father), ("mother", &mother), ("child", &child)] {
        members.push(sample(
            &dir.join(name),
            &source,
            &reference,
            truth,
            o,
            &mut rng,
        )?);
    }
    let denovo = dir.join("denovo.vcf.gz");
    write::truth_vcf(&denovo, &source.contig, source.offset, &mutations)?;
    let ped = dir.join("trio.ped");
    crate::io::output::write_text(
        &ped,
        "#family	individual	father	mother	sex	phenotype
TRIO	father	0	0	1	0
TRIO	mother	0	0	2	0
TRIO	child	father	mother	0	0
",
    )?;
    Ok(TrioOutput {
        members,
        de_novo: denovo,
        pedigree: ped,
        de_novo_count: mutations.len(),
    })
}

/// What a trio simulation wrote: father, mother, child, then the de novo truth and the PED.
#[derive(Debug, Clone)]
pub(crate) struct TrioOutput {
    pub members: Vec<SimOutput>,
    pub de_novo: PathBuf,
    pub pedigree: PathBuf,
    pub de_novo_count: usize,
}

fn slice_of(path: &Path, region: &str) -> Result<Source> {
    let usage = |e: &dyn std::fmt::Display| Error::Usage(format!("--region {region}: {e}"));
    let parsed: Region = region.parse().map_err(|e| usage(&e))?;
    let contigs = fasta::read(path)?;
    let iv = parsed
        .resolve(
            contigs
                .iter()
                .map(|c| (c.name.as_str(), c.seq.len() as u64)),
        )
        .map_err(|e| usage(&e))?;
    let c = &contigs[iv.contig];
    Ok(Source {
        contig: Contig {
            name: c.name.clone(),
            seq: c.seq[iv.start as usize..iv.end as usize].to_vec(),
            m5: [0; 16],
        },
        offset: iv.start as usize,
        reference: Some(path.to_path_buf()),
    })
}
