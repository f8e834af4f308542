//! The reference index: the packed reference and a minimizer table, in one file that is
//! memory-mapped on load (see `docs/index.md` for the layout and the choice of minimizers).

pub(crate) mod build;
pub(crate) mod file;
pub(crate) mod minimizer;
pub(crate) mod options;
pub(crate) mod reference;
pub(crate) mod source;

pub use file::Index;
pub use options::IndexParams;

/// The file name of the index that belongs to a reference: `REF.fa[.gz].zmi`.
pub(crate) fn index_path(reference: &std::path::Path) -> std::path::PathBuf {
    let mut name = reference.as_os_str().to_owned();
    name.push(".zmi");
    name.into()
}
