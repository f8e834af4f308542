//! zenome: short-read alignment and germline variant calling, FASTQ in, sorted BAM and VCF out.
//!
//! The modules, bottom layer first (`docs/architecture.md` has the rules; `tests/layering.rs`
//! checks them):
//! - [`core`]: base codes, CIGAR operations, intervals and regions, allele normalisation, the
//!   random generator, errors. Uses nothing.
//! - [`backend`]: the `Backend` trait and `--device` selection, its batch types, the CPU kernels
//!   (oracle and fast), and the CUDA kernels' host side: on the CPU (`emu`) or a GPU (`cuda`).
//! - [`io`]: every file format, each with its reader and writer; temporary outputs and cleanup.
//! - [`index`]: the minimizer index of the reference (`REF.zmi`), built, saved, mapped, checked.
//! - `align`: seeding, chaining, extension jobs, pairing, MAPQ and records.
//! - `call`: active regions, assembly, pair-HMM batches, genotyping, gVCF, VCF records.
//! - `eval`: truth comparison; [`sim`]: the genome, variant and read simulator.
//! - `pipeline`: the `align` and `call` flows, the output sink, duplicate marking, metrics.
//! - `joint`: joint genotyping of per-sample gVCFs, with trio checks.
//! - `demo`: the end-to-end run behind `zenome demo`; [`mod@bench`]: kernel and stage throughput.
//! - [`cli`]: the command line, one file per subcommand.

#![warn(unreachable_pub)]

pub(crate) mod align;
pub mod backend;
pub mod bench;
pub(crate) mod call;
pub mod cli;
pub mod core;
pub(crate) mod demo;
pub(crate) mod eval;
pub mod index;
pub mod io;
pub(crate) mod joint;
pub(crate) mod pipeline;
pub mod sim;

pub use crate::core::{Error, Result};
