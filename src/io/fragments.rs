//! Fragments: single reads or mate pairs read in step from one or two FASTQ files, each with
//! a global index that fixes its place in the output.

use std::path::Path;

use crate::core::{Error, Result};
use crate::io::fastq::{FastqReader, Read};

/// One sequenced fragment.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fragment {
    /// Position in the input, from 0.
    pub index: u64,
    pub r1: Read,
    pub r2: Option<Read>,
}

/// Reads fragments in batches, checking that mates agree.
pub(crate) struct FragmentReader {
    r1: FastqReader,
    r2: Option<FastqReader>,
    next: u64,
}

impl FragmentReader {
    pub(crate) fn open(r1: &Path, r2: Option<&Path>) -> Result<Self> {
        Ok(FragmentReader {
            r1: FastqReader::open(r1)?,
            r2: r2.map(FastqReader::open).transpose()?,
            next: 0,
        })
    }

    /// Up to `n` more fragments; an empty batch at the end.
    pub(crate) fn next_batch(&mut self, n: usize) -> Result<Vec<Fragment>> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let mut f = Fragment {
                index: self.next,
                ..Default::default()
            };
            let got1 = self.r1.next_into(&mut f.r1)?;
            if let Some(r2) = &mut self.r2 {
                let mut second = Read::default();
                let got2 = r2.next_into(&mut second)?;
                match (got1, got2) {
                    (true, true) => check_names(&f.r1, &second, r2.path(), self.next)?,
                    (false, false) => break,
                    (true, false) => return Err(count_error(r2.path(), self.r1.path(), self.next)),
                    (false, true) => return Err(count_error(self.r1.path(), r2.path(), self.next)),
                }
                f.r2 = Some(second);
            } else if !got1 {
                break;
            }
            self.next += 1;
            out.push(f);
        }
        Ok(out)
    }
}

fn check_names(a: &Read, b: &Read, path: &Path, index: u64) -> Result<()> {
    if a.name != b.name {
        return Err(Error::input(
            path,
            format!(
                "record {}: mate names differ ('{}' in the first file, '{}' here)",
                index + 1,
                String::from_utf8_lossy(&a.name),
                String::from_utf8_lossy(&b.name)
            ),
        ));
    }
    Ok(())
}

fn count_error(short: &Path, long: &Path, index: u64) -> Error {
    Error::input(
        short,
        format!(
            "ends after {index} records but {} has more (mate files must hold the same reads)",
            long.display()
        ),
    )
}
