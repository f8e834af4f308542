//! Every file format zenome reads or writes, each with its reader and writer, and the safety
//! rules all outputs follow (temporary names, no input overwritten, no leftovers).
//!
//! - Sequences: [`fasta`], [`fastq`] (with [`fragments`] pairing two files), [`gz`].
//! - Alignments: [`sam_record`] (one record, BAM or SAM encoded), [`sam_header`], [`dict`],
//!   [`bam_writer`], [`sam_writer`], [`bam_reader`] (with [`bam_decode`] and [`shared_bai`]),
//!   [`sort`].
//! - Variants: [`vcf_record`], [`vcf_header`], [`vcf_writer`], [`vcf_reader`]; regions: [`bed`].
//! - Files: [`input`] (decompression), [`output`] (temporary names, checks), [`cleanup`].

pub mod bam_decode;
pub mod bam_reader;
pub mod bam_writer;
pub mod bed;
pub mod cleanup;
pub mod dict;
pub mod fasta;
pub mod fastq;
pub mod fragments;
pub mod gz;
pub mod input;
pub mod output;
pub mod sam_header;
pub mod sam_record;
pub mod sam_writer;
pub mod shared_bai;
pub mod sort;
pub mod vcf_header;
pub mod vcf_reader;
pub mod vcf_record;
pub mod vcf_writer;
