//! The simulator behind `zenome simulate` and `demo`: a reference with realistic repeats (or a
//! slice of a real one), a diploid truth set, and paired reads with quality-aware errors whose
//! names carry their true origin.

pub(crate) mod genome;
pub(crate) mod options;
pub(crate) mod origin;
pub mod placement;
pub(crate) mod reads;
pub(crate) mod variants;
pub(crate) mod write;

use std::path::{Path, PathBuf};

use crate::core::interval::Region;
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
    o.validate()?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut rng = crate::core::rng::Rng::new(o.seed);
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
            fasta::write(&p, std::slice::from_ref(&source.contig))?;
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
