//! A reference as the stages use it: its index (loaded from `REF.zmi` when present and built
//! from this very FASTA, else built) and its contigs (from the index, which is fast, or the FASTA).

use std::path::Path;

use super::source::FastaIdentity;
use super::{Index, IndexParams, build, index_path};
use crate::core::Result;
use crate::io::fasta::{self, Contig};

/// The index saved beside `reference`, checked against it; None when there is none.
pub(crate) fn load(reference: &Path) -> Result<Option<Index>> {
    let path = index_path(reference);
    if !path.exists() {
        return Ok(None);
    }
    let index = Index::load(&path)?;
    index.source().check(reference, &path)?;
    Ok(Some(index))
}

/// Builds the index of the FASTA at `reference` in memory.
pub(crate) fn build_in_memory(reference: &Path, params: IndexParams) -> Result<Index> {
    build::build(fasta::read(reference)?, params)
}

/// Builds the index of `reference` and saves it beside it as `REF.zmi`.
pub(crate) fn build_file(reference: &Path, params: IndexParams) -> Result<Index> {
    let source = FastaIdentity::of(reference)?;
    let mut index = build_in_memory(reference, params)?;
    index.set_source(source);
    index.save(&index_path(reference))?;
    Ok(index)
}

/// The reference's contigs, from its index when there is one, else from the FASTA.
pub(crate) fn contigs(reference: &Path) -> Result<Vec<Contig>> {
    let Some(idx) = load(reference)? else {
        return fasta::read(reference);
    };
    Ok(contigs_of(&idx))
}

/// The contigs of a loaded index, sequences copied out.
pub(crate) fn contigs_of(idx: &Index) -> Vec<Contig> {
    let seq = idx.seq();
    idx.contigs()
        .into_iter()
        .map(|c| Contig {
            seq: seq[c.offset as usize..(c.offset + c.len) as usize].to_vec(),
            name: c.name,
            m5: c.m5,
        })
        .collect()
}
