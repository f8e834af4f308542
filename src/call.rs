//! Germline small-variant calling, HaplotypeCaller-style: active regions from the pileup, local
//! de Bruijn assembly of candidate haplotypes, read-haplotype likelihoods by pair-HMM (through
//! `Backend::pair_hmm`), diploid genotyping, VCF and gVCF records (see `docs/calling.md`).

pub mod active;
pub mod assembly;
pub mod candidates;
pub mod events;
pub mod genotype;
pub mod gvcf;
pub mod options;
pub mod reads;
pub mod region;
pub mod strand;
pub mod vcf_out;

pub use options::CallOpts;
