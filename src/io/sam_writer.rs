//! SAM text output to a file (under a temporary name until complete) or standard output.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::dict::RefSeq;
use super::output::TempPath;
use crate::core::{Error, Result};

/// A SAM stream being written.
pub(crate) struct SamWriter {
    out: Box<dyn Write + Send>,
    tmp: Option<TempPath>,
    names: Vec<String>,
    path: String,
}

impl SamWriter {
    /// `-` is standard output; anything else a file written under a temporary name.
    pub(crate) fn create(path: &Path, header: &str, dict: &[RefSeq]) -> Result<Self> {
        let (out, tmp): (Box<dyn Write + Send>, _) = if path == Path::new("-") {
            (
                Box::new(BufWriter::with_capacity(1 << 20, std::io::stdout())),
                None,
            )
        } else {
            let tmp = TempPath::new(path);
            let f = File::create(tmp.path()).map_err(|e| Error::io(path, e))?;
            (Box::new(BufWriter::with_capacity(1 << 20, f)), Some(tmp))
        };
        let mut w = SamWriter {
            out,
            tmp,
            names: dict.iter().map(|c| c.name.clone()).collect(),
            path: path.display().to_string(),
        };
        w.write_raw(header.as_bytes())?;
        Ok(w)
    }

    /// The reference names, for records' RNAME fields.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// Writes SAM text as it is.
    pub(crate) fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    pub(crate) fn finish(mut self) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(&self.path, e))?;
        drop(self.out);
        match self.tmp.take() {
            Some(t) => t.commit(),
            None => Ok(()),
        }
    }
}
