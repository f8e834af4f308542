//! Truth comparison behind `zenome eval`: both call sets are split into biallelic records,
//! trimmed and left-aligned, matched exactly, then matched as haplotypes (nearby variants that
//! spell the same sequence), and counted per type (SNP, indel).

pub mod matching;
pub mod records;
pub mod report;

pub use report::{Counts, Report};
