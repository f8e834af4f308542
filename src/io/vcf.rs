//! VCF 4.2 output: header and records as text, bgzipped with a tabix index (`.tbi`) when the
//! name ends in `.gz`, written under a temporary name until complete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::call::genotype::Call;
use crate::call::gvcf::Block;
use crate::error::{Error, Result};
use crate::io::fasta::decode_base;
use crate::io::output::TempPath;

/// The VCF header for one sample.
pub fn header(contigs: &[(String, u64)], sample: &str, command_line: &str, gvcf: bool) -> String {
    let mut h = String::from("##fileformat=VCFv4.2\n");
    h.push_str("##FILTER=<ID=PASS,Description=\"All filters passed\">\n");
    h.push_str("##FILTER=<ID=LowQual,Description=\"QUAL below 30\">\n");
    h.push_str("##FILTER=<ID=StrandBias,Description=\"Alternate reads on one strand (FS, SOR or one-strand test)\">\n");
    if gvcf {
        h.push_str("##ALT=<ID=NON_REF,Description=\"Any allele other than the reference\">\n");
        h.push_str(
            "##INFO=<ID=END,Number=1,Type=Integer,Description=\"End of the reference block\">\n",
        );
        h.push_str("##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description=\"Minimum depth in the block\">\n");
    }
    h.push_str("##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Reads spanning the site\">\n");
    h.push_str("##INFO=<ID=FS,Number=1,Type=Float,Description=\"Phred-scaled Fisher's exact test of strand bias\">\n");
    h.push_str(
        "##INFO=<ID=SOR,Number=1,Type=Float,Description=\"Symmetric odds ratio of strand bias\">\n",
    );
    h.push_str("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n");
    h.push_str(
        "##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Informative reads per allele\">\n",
    );
    h.push_str("##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Reads spanning the site\">\n");
    h.push_str("##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality\">\n");
    h.push_str("##FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"Phred-scaled genotype likelihoods\">\n");
    for (name, len) in contigs {
        h.push_str(&format!("##contig=<ID={name},length={len}>\n"));
    }
    h.push_str(&format!(
        "##source=zenome {}\n##zenome_command={command_line}\n",
        env!("CARGO_PKG_VERSION")
    ));
    h.push_str(&format!(
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{sample}\n"
    ));
    h
}

fn bases(codes: &[u8]) -> String {
    codes.iter().map(|&c| char::from(decode_base(c))).collect()
}

/// One record line for a call on contig `name`; `non_ref` adds the gVCF `<NON_REF>` allele.
pub fn record(name: &str, c: &Call, non_ref: bool) -> String {
    let mut alts: Vec<String> = c.site.alts.iter().map(|a| bases(a)).collect();
    let mut pl = c.pl.clone();
    let mut ad = c.ad.clone();
    if non_ref {
        alts.push("<NON_REF>".into());
        pl.extend_from_slice(&c.pl_non_ref);
        ad.push(0);
    }
    let filter = if c.filters.is_empty() {
        "PASS".to_string()
    } else {
        c.filters.join(";")
    };
    let join = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    format!(
        "{name}\t{}\t.\t{}\t{}\t{:.2}\t{filter}\tDP={};FS={:.3};SOR={:.3}\tGT:AD:DP:GQ:PL\t{}/{}:{}:{}:{}:{}\n",
        c.site.pos + 1,
        bases(&c.site.reference),
        alts.join(","),
        c.qual,
        c.dp,
        c.fs,
        c.sor,
        c.gt.0,
        c.gt.1,
        join(&ad),
        c.dp,
        c.gq,
        join(&pl)
    )
}

/// A gVCF reference-confidence block.
pub fn block_record(name: &str, b: &Block) -> String {
    format!(
        "{name}\t{}\t.\t{}\t<NON_REF>\t.\t.\tEND={}\tGT:DP:GQ:MIN_DP:PL\t0/0:{}:{}:{}:{},{},{}\n",
        b.start + 1,
        char::from(decode_base(b.ref_base)),
        b.end,
        b.dp,
        b.gq,
        b.min_dp,
        b.pl[0],
        b.pl[1],
        b.pl[2]
    )
}

/// A VCF being written.
pub struct VcfWriter {
    out: Box<dyn Write + Send>,
    tmp: TempPath,
    path: std::path::PathBuf,
    compressed: bool,
}

impl VcfWriter {
    pub fn create(path: &Path, header: &str) -> Result<Self> {
        let tmp = TempPath::new(path);
        let f = File::create(tmp.path()).map_err(|e| Error::io(path, e))?;
        let compressed = path.extension().is_some_and(|e| e == "gz");
        let out: Box<dyn Write + Send> = if compressed {
            Box::new(noodles_bgzf::io::Writer::new(f))
        } else {
            Box::new(BufWriter::new(f))
        };
        let mut w = VcfWriter {
            out,
            tmp,
            path: path.to_path_buf(),
            compressed,
        };
        w.write(header)?;
        Ok(w)
    }

    pub fn write(&mut self, text: &str) -> Result<()> {
        self.out
            .write_all(text.as_bytes())
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Completes the file (and its `.tbi` when bgzipped) and renames it into place.
    pub fn finish(mut self) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(&self.path, e))?;
        drop(self.out);
        if self.compressed && !self.tmp.in_place() {
            let tbi_path = std::path::PathBuf::from(format!("{}.tbi", self.path.display()));
            let tbi_tmp = TempPath::new(&tbi_path);
            let index = noodles_vcf::fs::index(self.tmp.path())
                .map_err(|e| Error::Internal(format!("indexing {}: {e}", self.path.display())))?;
            let written = match &index {
                noodles_vcf::index::Index::Tabix(tbi) => {
                    noodles_tabix::fs::write(tbi_tmp.path(), tbi)
                }
                noodles_vcf::index::Index::Csi(csi) => noodles_csi::fs::write(tbi_tmp.path(), csi),
            };
            written.map_err(|e| Error::io(&tbi_path, e))?;
            self.tmp.commit()?;
            tbi_tmp.commit()
        } else {
            self.tmp.commit()
        }
    }
}
