//! Readers and writers for the formats zenome speaks: FASTA, FASTQ, SAM and BAM.

pub mod bam;
pub mod fasta;
pub mod fastq;
pub mod fragments;
pub mod input;
pub mod output;
pub mod sam_record;
pub mod sort;
pub mod vcf;
