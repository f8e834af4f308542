//! zenome: short-read alignment and germline variant calling, FASTQ in, sorted BAM and VCF out.
//!
//! Modules, one per stage (see `../shared/design.md` for the data flow):
//! - [`io`]: FASTA, FASTQ, SAM and BAM readers and writers, temporary-then-rename outputs.
//! - [`index`]: the minimizer index of the reference, built in memory or memory-mapped.
//! - [`align`]: seeding, chaining, extension jobs, pairing, MAPQ and record finishing.
//! - [`backend`]: the `Backend` trait and its CPU kernels (oracle and fast).
//! - [`pipeline`]: the scheduler that streams read batches through the stages in order.
//! - [`sim`]: the genome, variant and read simulator behind `simulate` and `demo`.

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
pub(crate) mod pipeline;
pub mod sim;

pub use crate::core::{Error, Result};
