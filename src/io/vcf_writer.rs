//! VCF output: bgzipped with a tabix index (`.tbi`) when the name ends in `.gz` (any case),
//! plain text otherwise, standard output for `-`; files are written under a temporary name
//! until complete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::output::{TempPath, has_extension, with_suffix};
use super::vcf_record::VcfRecord;
use crate::core::{Error, Result};

/// A VCF being written.
pub(crate) struct VcfWriter {
    out: Box<dyn Write + Send>,
    tmp: Option<TempPath>,
    path: PathBuf,
    compressed: bool,
    line: String,
}

/// Whether `path` names a bgzipped VCF.
pub(crate) fn is_compressed(path: &Path) -> bool {
    has_extension(path, ".gz")
}

impl VcfWriter {
    /// Creates the output and writes the header text.
    pub(crate) fn create(path: &Path, header: &str) -> Result<Self> {
        let (file, tmp): (Box<dyn Write + Send>, _) = if path == Path::new("-") {
            (Box::new(std::io::stdout()), None)
        } else {
            let tmp = TempPath::new(path);
            let f = File::create(tmp.path()).map_err(|e| Error::io(path, e))?;
            (Box::new(f), Some(tmp))
        };
        let compressed = path != Path::new("-") && is_compressed(path);
        let out: Box<dyn Write + Send> = if compressed {
            Box::new(noodles_bgzf::io::Writer::new(file))
        } else {
            Box::new(BufWriter::new(file))
        };
        let mut w = VcfWriter {
            out,
            tmp,
            path: path.to_path_buf(),
            compressed,
            line: String::new(),
        };
        w.write_text(header)?;
        Ok(w)
    }

    fn write_text(&mut self, text: &str) -> Result<()> {
        self.out
            .write_all(text.as_bytes())
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Writes lines of VCF text as they are (a part's records, when joining parts).
    pub(crate) fn write_raw(&mut self, text: &str) -> Result<()> {
        self.write_text(text)
    }

    /// Writes one record.
    pub(crate) fn write(&mut self, r: &VcfRecord) -> Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        r.write_text(&mut line);
        let done = self.write_text(&line);
        self.line = line;
        done
    }

    /// Completes the file (and its `.tbi` when bgzipped) and renames it into place.
    pub(crate) fn finish(mut self) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(&self.path, e))?;
        drop(self.out);
        let Some(tmp) = self.tmp.take() else {
            return Ok(());
        };
        if !self.compressed || tmp.in_place() {
            return tmp.commit();
        }
        let tbi_path = with_suffix(&self.path, ".tbi");
        let tbi_tmp = TempPath::new(&tbi_path);
        let index = noodles_vcf::fs::index(tmp.path())
            .map_err(|e| Error::Internal(format!("indexing {}: {e}", self.path.display())))?;
        let written = match &index {
            noodles_vcf::index::Index::Tabix(tbi) => noodles_tabix::fs::write(tbi_tmp.path(), tbi),
            noodles_vcf::index::Index::Csi(csi) => noodles_csi::fs::write(tbi_tmp.path(), csi),
        };
        written.map_err(|e| Error::io(&tbi_path, e))?;
        tmp.commit()?;
        tbi_tmp.commit()
    }
}
