//! Files a simulation writes: FASTA, a bgzipped truth VCF, BED files and gzipped FASTQ, each
//! under a temporary name until complete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

use super::variants::Variant;
use crate::error::{Error, Result};
use crate::io::fasta::{Contig, decode_base};
use crate::io::output::TempPath;

/// A gzip stream written under a temporary name.
pub struct Gz {
    enc: GzEncoder<BufWriter<File>>,
    tmp: TempPath,
    path: PathBuf,
}

impl Gz {
    pub fn create(path: &Path) -> Result<Gz> {
        let tmp = TempPath::new(path);
        let f = File::create(tmp.path()).map_err(|e| Error::io(path, e))?;
        Ok(Gz {
            enc: GzEncoder::new(BufWriter::new(f), Compression::fast()),
            tmp,
            path: path.to_path_buf(),
        })
    }

    pub fn inner(&mut self) -> &mut impl Write {
        &mut self.enc
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn finish(self) -> Result<()> {
        let mut w = self.enc.finish().map_err(|e| Error::io(&self.path, e))?;
        w.flush().map_err(|e| Error::io(&self.path, e))?;
        drop(w);
        self.tmp.commit()
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = TempPath::new(path);
    std::fs::write(tmp.path(), bytes).map_err(|e| Error::io(path, e))?;
    tmp.commit()
}

/// A one-contig FASTA file with 60 bases a line.
pub fn fasta(path: &Path, c: &Contig) -> Result<()> {
    let mut out = format!(">{}\n", c.name).into_bytes();
    for line in c.seq.chunks(60) {
        out.extend(line.iter().map(|&b| decode_base(b)));
        out.push(b'\n');
    }
    write_file(path, &out)
}

/// The truth set as a bgzipped VCF 4.2 with phased genotypes of one sample, `SIM`.
pub fn truth_vcf(path: &Path, c: &Contig, offset: usize, truth: &[Variant]) -> Result<()> {
    let mut text = String::from("##fileformat=VCFv4.2\n##source=zenome simulate\n");
    text.push_str(&format!(
        "##contig=<ID={},length={}>\n",
        c.name,
        offset + c.seq.len()
    ));
    text.push_str("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n");
    text.push_str("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tSIM\n");
    for v in truth {
        let s = |x: &[u8]| {
            String::from_utf8(x.iter().map(|&b| decode_base(b)).collect()).unwrap_or_default()
        };
        let gt = format!("{}|{}", u8::from(v.on[0]), u8::from(v.on[1]));
        text.push_str(&format!(
            "{}\t{}\t.\t{}\t{}\t.\tPASS\t.\tGT\t{gt}\n",
            c.name,
            offset + v.pos + 1,
            s(&v.reference),
            s(&v.alt)
        ));
    }
    let tmp = TempPath::new(path);
    let f = File::create(tmp.path()).map_err(|e| Error::io(path, e))?;
    let mut w = noodles_bgzf::io::Writer::new(f);
    w.write_all(text.as_bytes())
        .map_err(|e| Error::io(path, e))?;
    w.finish().map_err(|e| Error::io(path, e))?;
    tmp.commit()
}

/// A BED file covering the simulated sequence.
pub fn bed(path: &Path, name: &str, offset: usize, len: usize) -> Result<()> {
    write_file(
        path,
        format!("{name}\t{offset}\t{}\n", offset + len).as_bytes(),
    )
}

/// The strand-error hotspots as BED, the wrong base in the name column.
pub fn hotspots(path: &Path, name: &str, offset: usize, spots: &[(usize, u8)]) -> Result<()> {
    let text: String = spots
        .iter()
        .map(|&(p, b)| {
            format!(
                "{name}\t{}\t{}\t{}\n",
                offset + p,
                offset + p + 1,
                char::from(decode_base(b))
            )
        })
        .collect();
    write_file(path, text.as_bytes())
}
