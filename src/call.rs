//! Germline small-variant calling, HaplotypeCaller-style: active regions from the pileup, local
//! de Bruijn assembly of candidate haplotypes, read-haplotype likelihoods by pair-HMM (through
//! `Backend::pair_hmm`), diploid genotyping, VCF and gVCF.

pub mod active;
pub mod assembly;
pub mod candidates;
pub mod events;
pub mod genotype;
pub mod gvcf;
pub mod reads;
pub mod region;
pub mod shared_index;
pub mod strand;
