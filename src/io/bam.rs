//! SAM headers and BAM/SAM output sinks. BAM goes through noodles' multithreaded BGZF writer;
//! the BAI is built by noodles from the finished file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::num::NonZero;
use std::path::Path;

use noodles_bgzf::io::MultithreadedWriter;

use crate::error::{Error, Result};
use crate::index::file::ContigInfo;
use crate::io::output::TempPath;

/// What the header says about order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Coordinate,
    Unsorted,
}

/// The SAM header text: @HD, @SQ (with M5), @RG and @PG lines.
pub fn header_text(
    contigs: &[ContigInfo],
    order: SortOrder,
    read_group: Option<&str>,
    command_line: &str,
) -> String {
    let so = match order {
        SortOrder::Coordinate => "coordinate",
        SortOrder::Unsorted => "unsorted",
    };
    let mut h = format!("@HD\tVN:1.6\tSO:{so}\n");
    for c in contigs {
        let m5: String = c.m5.iter().map(|b| format!("{b:02x}")).collect();
        h.push_str(&format!("@SQ\tSN:{}\tLN:{}\tM5:{m5}\n", c.name, c.len));
    }
    if let Some(rg) = read_group {
        h.push_str(rg);
        h.push('\n');
    }
    let version = env!("CARGO_PKG_VERSION");
    h.push_str(&format!(
        "@PG\tID:zenome\tPN:zenome\tVN:{version}\tCL:{command_line}\n"
    ));
    h
}

/// Checks a `-R` read-group line (literal `\t` allowed, as bwa takes it) and returns the line
/// with real tabs and its ID.
pub fn parse_read_group(arg: &str) -> Result<(String, String)> {
    let line = arg.replace("\\t", "\t");
    if !line.starts_with("@RG\t") {
        return Err(Error::Usage(format!(
            "-R: the read group line must start with '@RG\\t' (got '{arg}')"
        )));
    }
    let id = line.split('\t').find_map(|f| f.strip_prefix("ID:"));
    match id {
        Some(id) if !id.is_empty() => Ok((line.clone(), id.to_string())),
        _ => Err(Error::Usage(format!(
            "-R: the read group line has no ID field ('{arg}')"
        ))),
    }
}

/// A BAM file being written under a temporary name.
pub struct BamWriter {
    inner: MultithreadedWriter<BufWriter<File>>,
    tmp: TempPath,
    path: std::path::PathBuf,
}

impl BamWriter {
    /// Creates the file and writes the header.
    pub fn create(
        path: &Path,
        header: &str,
        contigs: &[ContigInfo],
        threads: usize,
    ) -> Result<Self> {
        let tmp = TempPath::new(path);
        let file = File::create(tmp.path()).map_err(|e| Error::io(path, e))?;
        let workers = NonZero::new(threads.max(1)).unwrap_or(NonZero::<usize>::MIN);
        let inner = MultithreadedWriter::with_worker_count(workers, BufWriter::new(file));
        let mut w = BamWriter {
            inner,
            tmp,
            path: path.to_path_buf(),
        };
        let mut bytes = b"BAM\x01".to_vec();
        bytes.extend_from_slice(&(header.len() as u32).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(&(contigs.len() as u32).to_le_bytes());
        for c in contigs {
            bytes.extend_from_slice(&(c.name.len() as u32 + 1).to_le_bytes());
            bytes.extend_from_slice(c.name.as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(&(c.len as u32).to_le_bytes());
        }
        w.write(&bytes)?;
        Ok(w)
    }

    /// Writes encoded records.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.inner
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Finishes the file, renames it into place and, when `index` is set, writes `PATH.bai`.
    pub fn finish(mut self, index: bool) -> Result<()> {
        let mut file = self.inner.finish().map_err(|e| Error::io(&self.path, e))?;
        file.flush().map_err(|e| Error::io(&self.path, e))?;
        drop(file);
        if index && !self.tmp.in_place() {
            let bai_path = Path::new(&format!("{}.bai", self.path.display())).to_path_buf();
            let bai_tmp = TempPath::new(&bai_path);
            let idx = noodles_bam::fs::index(self.tmp.path())
                .map_err(|e| Error::Internal(format!("indexing {}: {e}", self.path.display())))?;
            let written = match &idx {
                noodles_bam::index::Index::Bai(bai) => {
                    noodles_bam::bai::fs::write(bai_tmp.path(), bai)
                }
                noodles_bam::index::Index::Csi(csi) => noodles_csi::fs::write(bai_tmp.path(), csi),
            };
            written.map_err(|e| Error::io(&bai_path, e))?;
            self.tmp.commit()?;
            bai_tmp.commit()
        } else {
            self.tmp.commit()
        }
    }
}

/// SAM text output to a file or standard output.
pub struct SamWriter {
    out: Box<dyn Write + Send>,
    tmp: Option<TempPath>,
    names: Vec<String>,
    path: String,
}

impl SamWriter {
    /// `-` is standard output; anything else a file written under a temporary name.
    pub fn create(path: &Path, header: &str, contigs: &[ContigInfo]) -> Result<Self> {
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
            names: contigs.iter().map(|c| c.name.clone()).collect(),
            path: path.display().to_string(),
        };
        w.write_raw(header.as_bytes())?;
        Ok(w)
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    pub fn finish(mut self) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(&self.path, e))?;
        drop(self.out);
        match self.tmp.take() {
            Some(t) => t.commit(),
            None => Ok(()),
        }
    }
}
