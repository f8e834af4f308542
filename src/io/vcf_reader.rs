//! Reading VCF (plain, gzip or bgzip) record by record, with the header's `##contig` lengths;
//! errors name the file and line.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use super::input;
use super::vcf_record::VcfRecord;
use crate::core::{Error, Result};

/// A VCF open for reading.
pub struct VcfReader {
    inner: Box<dyn BufRead + Send>,
    path: PathBuf,
    line_no: u64,
    /// What the line numbers count from, when not the file's start (a region read through
    /// the index).
    origin: Option<String>,
    line: String,
    /// `##contig=<ID=..,length=..>` entries seen so far (all of them once records start).
    pub contigs: Vec<(String, Option<u64>)>,
    /// The sample names of the `#CHROM` line.
    pub samples: Vec<String>,
}

impl VcfReader {
    pub fn open(path: &Path) -> Result<VcfReader> {
        Ok(VcfReader {
            inner: input::open(path)?,
            path: path.to_path_buf(),
            line_no: 0,
            origin: None,
            line: String::new(),
            contigs: Vec::new(),
            samples: Vec::new(),
        })
    }

    /// Reads records from `inner`, a part of the file at `path` that starts at a line boundary
    /// (a region read through the index); errors count lines from `origin`.
    pub(crate) fn from_part(
        inner: Box<dyn BufRead + Send>,
        path: &Path,
        origin: String,
    ) -> VcfReader {
        VcfReader {
            inner,
            path: path.to_path_buf(),
            line_no: 0,
            origin: Some(origin),
            line: String::new(),
            contigs: Vec::new(),
            samples: Vec::new(),
        }
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// An input error at the current line.
    pub fn error(&self, msg: impl std::fmt::Display) -> Error {
        match &self.origin {
            Some(o) => Error::input(&self.path, format!("line {} of {o}: {msg}", self.line_no)),
            None => Error::input(&self.path, format!("line {}: {msg}", self.line_no)),
        }
    }

    /// The next record, or None at the end.
    pub fn next_record(&mut self) -> Result<Option<VcfRecord>> {
        if !self.next_data_line()? {
            return Ok(None);
        }
        let line = self.line.trim_end_matches(['\n', '\r']);
        VcfRecord::parse(line)
            .map(Some)
            .map_err(|msg| self.error(msg))
    }

    /// The text of the data line [`VcfReader::next_data_line`] read last (no line break).
    pub(crate) fn data_line(&self) -> &str {
        self.line.trim_end_matches(['\n', '\r'])
    }

    /// Reads up to the next data line (header lines taken in on the way); false at the end.
    /// For readers that parse only the fields they need: see [`VcfReader::data_line`].
    pub(crate) fn next_data_line(&mut self) -> Result<bool> {
        loop {
            self.line.clear();
            let n = self
                .inner
                .read_line(&mut self.line)
                .map_err(|e| input::read_error(&self.path, self.line_no + 1, e))?;
            if n == 0 {
                return Ok(false);
            }
            self.line_no += 1;
            let line = self.line.trim_end_matches(['\n', '\r']);
            if let Some(meta) = line.strip_prefix("##contig=<") {
                let c = contig_line(meta);
                self.contigs.extend(c);
                continue;
            }
            if let Some(cols) = line.strip_prefix("#CHROM") {
                self.samples = cols.split('\t').skip(9).map(String::from).collect();
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            return Ok(true);
        }
    }
}

/// ID and length of a `##contig=<...>` line (the text after `<`).
fn contig_line(meta: &str) -> Option<(String, Option<u64>)> {
    let body = meta.trim_end_matches('>');
    let mut id = None;
    let mut len = None;
    for kv in body.split(',') {
        match kv.split_once('=') {
            Some(("ID", v)) => id = Some(v.to_string()),
            Some(("length", v)) => len = v.parse().ok(),
            _ => {}
        }
    }
    id.map(|id| (id, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_records_contigs_and_samples() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.vcf");
        std::fs::write(
            &p,
            "##fileformat=VCFv4.2\n##contig=<ID=c1,length=100>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\nc1\t5\t.\tA\tC\t.\tPASS\t.\tGT\t0/1\nc1\tbad\n",
        )
        .unwrap();
        let mut r = VcfReader::open(&p).unwrap();
        let rec = r.next_record().unwrap().unwrap();
        assert_eq!((rec.pos, rec.sample_value(0, "GT")), (5, Some("0/1")));
        assert_eq!(r.contigs, vec![("c1".to_string(), Some(100))]);
        assert_eq!(r.samples, vec!["S1"]);
        let e = r.next_record().unwrap_err().to_string();
        assert!(e.contains("x.vcf: line 5:"), "{e}");
    }
}
