//! Readers and writers for the formats zenome speaks: FASTA, FASTQ, SAM and BAM.

pub mod fasta;
pub mod fastq;
pub mod input;
pub mod output;
