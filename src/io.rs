//! Every file format zenome reads or writes, each with its reader and writer, and the safety
//! rules all outputs follow (temporary names, no input overwritten, no leftovers).
//!
//! - Sequences: `fasta`, `fastq` (with `fragments` pairing two files), `gz`.
//! - Alignments: `sam_record` (one record, BAM or SAM encoded), `sam_header`, `dict`,
//!   `bam_writer`, `sam_writer`, `bam_reader` (with `bam_decode` and `shared_bai`),
//!   `sort`, `cram` (CRAM from and to BAM), `ubam` (unaligned BAM as reads),
//!   `alt_contigs` (bwa's `REF.alt`).
//! - Variants: `vcf_record`, `vcf_header`, `vcf_writer`, `vcf_reader`, `vcf_query` (a region
//!   through the index); regions: `bed`, `targets` (`-r` and `-L`).
//! - Files: `input` (decompression), `bgzf_file` (compressed output), `output` (temporary names, checks), `cleanup`.

pub(crate) mod alt_contigs;
pub(crate) mod bam_decode;
pub(crate) mod bam_index;
pub mod bam_reader;
pub mod bam_writer;
pub mod bed;
pub(crate) mod bgzf_file;
pub(crate) mod bgzf_frames;
pub mod cleanup;
pub(crate) mod cram;
pub mod dict;
pub mod fasta;
pub mod fastq;
pub(crate) mod fastq_list;
pub(crate) mod fragments;
pub(crate) mod gz;
pub(crate) mod input;
pub(crate) mod output;
pub(crate) mod sam_header;
pub mod sam_record;
pub(crate) mod sam_writer;
pub(crate) mod shared_bai;
pub(crate) mod sort;
pub(crate) mod targets;
pub(crate) mod ubam;
pub(crate) mod vcf_header;
pub(crate) mod vcf_query;
pub mod vcf_reader;
pub mod vcf_record;
pub(crate) mod vcf_writer;
