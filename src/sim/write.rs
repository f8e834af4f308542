//! The files a simulation writes besides the reads: the truth VCF (bgzipped, phased genotypes
//! of one sample, `SIM`) and BED files, each through its `io` writer.

use std::path::Path;

use super::variants::Variant;
use crate::core::Result;
use crate::core::base;
use crate::io::bed::{self, BedRecord};
use crate::io::dict::RefSeq;
use crate::io::fasta::Contig;
use crate::io::vcf_header;
use crate::io::vcf_record::VcfRecord;
use crate::io::vcf_writer::VcfWriter;

/// The truth set; `offset` places the simulated slice on its source contig.
pub(crate) fn truth_vcf(path: &Path, c: &Contig, offset: usize, truth: &[Variant]) -> Result<()> {
    let dict = [RefSeq {
        name: c.name.clone(),
        len: (offset + c.seq.len()) as u64,
        m5: [0; 16],
    }];
    let meta = ["FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">".to_string()];
    let header = vcf_header::text(&meta, &dict, "zenome simulate", &["SIM".to_string()]);
    let mut w = VcfWriter::create(path, &header)?;
    for v in truth {
        let mut r = VcfRecord::new(
            &c.name,
            (offset + v.pos + 1) as u64,
            base::to_text(&v.reference),
            vec![base::to_text(&v.alt)],
        );
        r.filters = vec!["PASS".into()];
        r.format = vec!["GT".into()];
        r.samples = vec![vec![format!("{}|{}", u8::from(v.on[0]), u8::from(v.on[1]))]];
        w.write(&r)?;
    }
    w.finish()
}

/// A BED file covering the simulated sequence.
pub(crate) fn bed(path: &Path, name: &str, offset: usize, len: usize) -> Result<()> {
    bed::write(
        path,
        &[BedRecord::new(name, offset as i64, (offset + len) as i64)],
    )
}

/// The strand-error hotspots as BED, the wrong base in the name column.
pub(crate) fn hotspots(
    path: &Path,
    name: &str,
    offset: usize,
    spots: &[(usize, u8)],
) -> Result<()> {
    let records: Vec<BedRecord> = spots
        .iter()
        .map(|&(p, b)| {
            let mut r = BedRecord::new(name, (offset + p) as i64, (offset + p + 1) as i64);
            r.name = Some(char::from(base::decode(b)).to_string());
            r
        })
        .collect();
    bed::write(path, &records)
}
