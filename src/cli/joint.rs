//! `zenome joint REF A.g.vcf.gz B.g.vcf.gz ... -o COHORT.vcf.gz [--gvcf-list F] [--pedigree F.ped] [-r|-L] [-t N]`
//! (BAMs and CRAMs among the inputs are called into gVCFs first).

use std::path::PathBuf;
use std::time::Instant;

use crate::call::CallOpts;
use crate::call::indel_errors::PcrIndelModel;
use crate::core::Result;
use crate::joint::{self, JointConfig};
use crate::pipeline::joint_inputs::{self, CallFor, JointInputs};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Reference FASTA the gVCFs were called against.
    pub reference: PathBuf,
    /// Per-sample gVCFs (zenome call --gvcf, or GATK HaplotypeCaller -ERC GVCF), bgzipped with
    /// a .tbi beside them for speed; a sample's BAM or CRAM (sorted, indexed) is called into a
    /// gVCF first, over the regions given.
    pub gvcfs: Vec<PathBuf>,
    /// Output VCF (.vcf.gz: bgzipped with a .tbi; .vcf: plain text; -: standard output).
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    /// A file listing gVCFs, one path per line (added to those named).
    #[arg(long)]
    pub gvcf_list: Option<PathBuf>,
    /// PED file of the cohort's families: Mendelian checks (MERR) and de novo flags
    /// (hiConfDeNovo, loConfDeNovo) for each trio.
    #[arg(long)]
    pub pedigree: Option<PathBuf>,
    /// Region chr:from-to (1-based, inclusive), or a whole contig; may be repeated.
    #[arg(short = 'r', long = "region")]
    pub regions: Vec<String>,
    /// BED file of regions to genotype.
    #[arg(short = 'L', long = "regions-file")]
    pub bed: Option<PathBuf>,
    /// Sites under this QUAL are not written.
    #[arg(long, default_value_t = CallOpts::default().genotype.min_qual)]
    pub min_qual: f64,
    /// The indel error model in repeats for the BAM and CRAM inputs, as `call`'s: none,
    /// hostile, aggressive or conservative.
    #[arg(long, value_name = "MODEL", default_value_t = CallOpts::default().pcr_indel)]
    pub pcr_indel_model: PcrIndelModel,
    /// Bases per shard (0: from the number of samples, 10 kb to 1 Mb).
    #[arg(long, default_value_t = 0, hide = true)]
    pub shard_size: i64,
    #[command(flatten)]
    pub run: super::run_flags::CpuFlags,
}

pub(crate) fn run(a: Args) -> Result<()> {
    let started = Instant::now();
    super::set_threads(a.run.threads)?;
    let mut gvcfs = a.gvcfs;
    if let Some(list) = &a.gvcf_list {
        gvcfs.extend(joint::read_list(list)?);
    }
    let mut cfg = JointConfig::new(a.reference, gvcfs, a.output);
    cfg.regions = a.regions;
    cfg.bed = a.bed;
    cfg.pedigree = a.pedigree;
    cfg.command_line = super::command_line();
    cfg.genotype.min_qual = a.min_qual;
    cfg.shard = a.shard_size;
    cfg.validate()?;
    // Alignment files are called first; the cohort reads their gVCFs.
    let mut called = JointInputs::of(Vec::new());
    if cfg.gvcfs.iter().any(|p| joint_inputs::is_alignments(p)) {
        let backend = crate::backend::select("auto")?;
        let call = CallFor {
            reference: &cfg.reference,
            output: &cfg.output,
            regions: &cfg.regions,
            bed: cfg.bed.as_deref(),
            command_line: &cfg.command_line,
            pcr_indel: a.pcr_indel_model,
        };
        called = joint_inputs::gvcfs_for(cfg.gvcfs.clone(), &call, backend.as_ref(), a.run.quiet)?;
        cfg.gvcfs = called.gvcfs.clone();
    }
    let m = joint::run(&cfg, a.run.quiet)?;
    drop(called);
    if !a.run.quiet {
        eprintln!(
            "zenome: joint: {} records over {} samples in {:.1} s",
            m.get("records"),
            m.get("samples"),
            started.elapsed().as_secs_f64()
        );
        if m.get("trios") > 0 {
            eprintln!(
                "zenome: joint: {} trios, {} of {} informative trio-sites break Mendel's rules, {} high- and {} low-confidence de novo candidates",
                m.get("trios"),
                m.get("mendelian_violations"),
                m.get("mendelian_checked"),
                m.get("de_novo_high_confidence"),
                m.get("de_novo_low_confidence")
            );
        }
    }
    a.run.finish(&m, started)
}
