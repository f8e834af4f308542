//! The simulator behind `zenome simulate` and `demo`: a reference with realistic repeats (or a
//! slice of a real one), a diploid truth set, and paired reads with quality-aware errors whose
//! names carry their true origin.

pub mod genome;
pub mod origin;
pub mod placement;
pub mod reads;
pub mod rng;
pub mod variants;
pub mod write;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::io::fasta::{self, Contig};

/// Simulation options.
#[derive(Debug, Clone)]
pub struct SimOpts {
    pub seed: u64,
    pub genome_size: usize,
    pub depth: f64,
    pub read_len: usize,
    pub insert_mean: f64,
    pub insert_sd: f64,
    pub snp_rate: f64,
    pub indel_rate: f64,
    /// Fraction of fragments sequenced twice (PCR duplicates).
    pub duplicate_rate: f64,
    /// Number of positions where a third of the forward-strand reads carry the same wrong base.
    pub strand_error_hotspots: usize,
    /// Take the sequence from this FASTA region (`chr:from-to`, 1-based) instead of a random one.
    pub from_reference: Option<(PathBuf, String)>,
}

impl Default for SimOpts {
    fn default() -> Self {
        SimOpts {
            seed: 1,
            genome_size: 1_000_000,
            depth: 30.0,
            read_len: 150,
            insert_mean: 350.0,
            insert_sd: 50.0,
            snp_rate: 1e-3,
            indel_rate: 1.5e-4,
            duplicate_rate: 0.0,
            strand_error_hotspots: 0,
            from_reference: None,
        }
    }
}

/// What a simulation wrote.
#[derive(Debug, Clone)]
pub struct SimOutput {
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
pub fn simulate(dir: &Path, o: &SimOpts) -> Result<SimOutput> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut rng = rng::Rng::new(o.seed);
    let source = match &o.from_reference {
        Some((path, region)) => slice_of(path, region)?,
        None => Source {
            contig: genome::random_genome("sim1", o.genome_size, &mut rng),
            offset: 0,
            reference: None,
        },
    };
    let truth = variants::place(&source.contig.seq, &mut rng, o.snp_rate, o.indel_rate);
    let reference = match &source.reference {
        Some(p) => p.clone(),
        None => {
            let p = dir.join("ref.fa");
            write::fasta(&p, &source.contig)?;
            p
        }
    };
    let truth_path = dir.join("truth.vcf.gz");
    write::truth_vcf(&truth_path, &source.contig, source.offset, &truth)?;
    write::bed(
        &dir.join("confident.bed"),
        &source.contig.name,
        source.offset,
        source.contig.seq.len(),
    )?;
    let haps = variants::haplotypes(&source.contig.seq, &truth);
    let hotspots = reads::hotspots(source.contig.seq.len(), o.strand_error_hotspots, &mut rng);
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
        &mut rng,
        &paths,
    )?;
    Ok(SimOutput {
        reference,
        reads: paths,
        truth: truth_path,
        pairs,
        variants: truth.len(),
    })
}

fn slice_of(path: &Path, region: &str) -> Result<Source> {
    let bad = || {
        Error::Usage(format!(
            "--region: expected chr:from-to (1-based, inclusive), got '{region}'"
        ))
    };
    let (name, range) = region.rsplit_once(':').ok_or_else(bad)?;
    let (from, to) = range
        .replace(',', "")
        .split_once('-')
        .map(|(a, b)| (a.parse::<usize>(), b.parse::<usize>()))
        .ok_or_else(bad)?;
    let (from, to) = (from.map_err(|_| bad())?, to.map_err(|_| bad())?);
    let contigs = fasta::read(path)?;
    let c = contigs
        .into_iter()
        .find(|c| c.name == name)
        .ok_or_else(|| Error::input(path, format!("no contig named '{name}'")))?;
    if from < 1 || to < from || to > c.seq.len() {
        return Err(Error::input(
            path,
            format!(
                "region {region} lies outside contig '{name}' (length {})",
                c.seq.len()
            ),
        ));
    }
    let seq = c.seq[from - 1..to].to_vec();
    Ok(Source {
        contig: Contig {
            name: c.name,
            seq,
            m5: [0; 16],
        },
        offset: from - 1,
        reference: Some(path.to_path_buf()),
    })
}
