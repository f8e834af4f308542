//! The foundation every other module stands on, using none of them: base codes, CIGAR
//! operations, genomic intervals and regions, allele trimming and normalisation, the
//! deterministic random generator, and the library's error type.

pub mod allele;
pub mod base;
pub mod cigar;
pub mod error;
pub mod interval;
pub mod rng;

pub use error::{Error, Result};
