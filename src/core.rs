//! The foundation every other module stands on, using none of them: base codes, CIGAR
//! operations, genomic intervals and regions, allele trimming and normalisation, the
//! deterministic random generator, and the library's error type.

pub(crate) mod allele;
pub(crate) mod base;
pub mod cigar;
pub mod error;
pub(crate) mod interval;
pub mod rng;

pub use error::{Error, Result};
