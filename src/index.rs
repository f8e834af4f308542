//! The reference index: the packed reference and a minimizer table, in one file that is
//! memory-mapped on load (see `docs/index.md` for the layout and the choice of minimizers).

pub mod build;
pub mod file;
pub mod minimizer;

pub use file::Index;

/// Index parameters: k-mer length and window (in k-mers) of the minimizer scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexParams {
    pub k: u32,
    pub w: u32,
}

impl Default for IndexParams {
    /// k=19, w=10: one minimizer every ~5.5 bases, so a 150 bp read carries ~25 seeds and a
    /// read with a few errors still has several exact ones.
    fn default() -> Self {
        IndexParams { k: 19, w: 10 }
    }
}

/// The file name of the index that belongs to a reference: `REF.fa[.gz].zmi`.
pub fn index_path(reference: &std::path::Path) -> std::path::PathBuf {
    let mut name = reference.as_os_str().to_owned();
    name.push(".zmi");
    name.into()
}
