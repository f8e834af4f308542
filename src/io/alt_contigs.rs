//! bwa's ALT contig list: `REF.alt` beside the reference, SAM lines of each ALT contig aligned
//! to the primary assembly (GRCh38's ALT, HLA and decoy contigs). Only the names (the first
//! column of each line that is not a header line) are read.

use std::path::Path;

use super::output::with_suffix;
use crate::core::{Error, Result};

/// The ALT contigs named by `REF.alt`; none when there is no such file.
pub(crate) fn read(reference: &Path) -> Result<Vec<String>> {
    let path = with_suffix(reference, ".alt");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    Ok(text
        .lines()
        .filter(|l| !l.starts_with('@') && !l.trim().is_empty())
        .filter_map(|l| l.split(['\t', ' ']).next())
        .map(String::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_first_column_header_lines_aside() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path().join("ref.fa");
        assert!(read(&r).unwrap().is_empty());
        std::fs::write(
            dir.path().join("ref.fa.alt"),
            "@SQ\tSN:chr1\tLN:100\nchr1_alt\t0\tchr1\t10\t60\t50M\t*\t0\t0\t*\t*\nHLA-A*01:01\t4\t*\t0\t0\t*\t*\t0\t0\t*\t*\n",
        )
        .unwrap();
        assert_eq!(read(&r).unwrap(), vec!["chr1_alt", "HLA-A*01:01"]);
    }
}
