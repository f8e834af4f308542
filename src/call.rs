//! Germline small-variant calling, HaplotypeCaller-style: active regions from the pileup, local
//! de Bruijn assembly of candidate haplotypes, read-haplotype likelihoods by pair-HMM (through
//! `Backend::pair_hmm`), diploid genotyping, VCF and gVCF records (see `docs/calling.md`).

pub(crate) mod active;
pub(crate) mod annotate;
pub(crate) mod assembly;
pub(crate) mod candidates;
pub(crate) mod events;
pub(crate) mod genotype;
pub(crate) mod gvcf;
pub(crate) mod indel_errors;
pub(crate) mod options;
pub(crate) mod ploidy;
pub(crate) mod reads;
pub(crate) mod region;
pub(crate) mod strand;
pub(crate) mod vcf_out;

pub(crate) use options::CallOpts;
