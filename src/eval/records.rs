//! Reading VCF records for comparison: one biallelic variant per ALT allele the genotype
//! carries, normalised against the reference when its sequence is at hand.

use std::collections::HashMap;
use std::path::Path;

use crate::core::Result;
use crate::core::allele::{self, Event};
use crate::core::base;
use crate::io::bed;
use crate::io::vcf_reader::VcfReader;
use crate::io::vcf_record::VcfRecord;

/// A biallelic variant: contig, 0-based position, REF and ALT as base codes, and whether the
/// genotype carries it twice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Variant {
    pub contig: String,
    pub pos: i64,
    pub reference: Vec<u8>,
    pub alt: Vec<u8>,
    pub hom: bool,
}

impl Variant {
    /// SNPs (and equal-length substitutions) versus indels.
    pub(crate) fn is_snp(&self) -> bool {
        self.reference.len() == self.alt.len()
    }

    pub(crate) fn end(&self) -> i64 {
        self.pos + self.reference.len() as i64
    }
}

/// Which records count.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Filter<'a> {
    /// Only records whose FILTER is PASS or `.`.
    pub pass_only: bool,
    pub min_qual: f64,
    /// The sample whose genotypes count (a cohort VCF's); the first when None.
    pub sample: Option<&'a str>,
}

/// Reads the variants of a VCF (plain or gzipped), normalised with `contigs` when given. A
/// record whose REF reaches past its contig, or disagrees with the reference, is an input error.
pub(crate) fn read(
    path: &Path,
    contigs: Option<&HashMap<String, Vec<u8>>>,
    filter: Filter,
) -> Result<Vec<Variant>> {
    let mut reader = VcfReader::open(path)?;
    let mut out = Vec::new();
    let mut column = None;
    while let Some(rec) = reader.next_record()? {
        let sample = match column {
            Some(c) => c,
            None => {
                let c = match filter.sample {
                    None => 0,
                    Some(name) => {
                        reader
                            .samples
                            .iter()
                            .position(|s| s == name)
                            .ok_or_else(|| {
                                crate::core::Error::input(
                                    path,
                                    format!(
                                        "no sample '{name}' in the header (its samples: {})",
                                        reader.samples.join(", ")
                                    ),
                                )
                            })?
                    }
                };
                column = Some(c);
                c
            }
        };
        variants_of(&rec, contigs, filter, sample, &mut out).map_err(|msg| reader.error(msg))?;
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The biallelic variants one record contributes.
fn variants_of(
    rec: &VcfRecord,
    contigs: Option<&HashMap<String, Vec<u8>>>,
    filter: Filter,
    sample: usize,
    out: &mut Vec<Variant>,
) -> std::result::Result<(), String> {
    let pass = rec.filters.is_empty() || rec.filters == ["PASS"];
    if filter.pass_only && !pass {
        return Ok(());
    }
    if rec.qual.unwrap_or(f64::INFINITY) < filter.min_qual {
        return Ok(());
    }
    if rec.pos == 0 {
        return Err("POS 0: positions are 1-based".into());
    }
    let pos = rec.pos as i64 - 1;
    let reference: Vec<u8> = rec.reference.bytes().map(base::encode).collect();
    let seq = contigs.and_then(|c| c.get(&rec.chrom));
    if let Some(seq) = seq {
        check_ref(rec, seq)?;
    }
    let gt = genotype(rec, sample);
    for (i, alt) in rec.alts.iter().enumerate() {
        let copies = gt.iter().filter(|&&a| a == i + 1).count();
        if copies == 0 || alt.starts_with('<') || alt == "*" || alt == "." {
            continue;
        }
        let alt_codes: Vec<u8> = alt.bytes().map(base::encode).collect();
        let e = match seq {
            Some(seq) => allele::normalise(seq, pos, reference.clone(), alt_codes),
            None => {
                let (mut r, mut a) = (reference.clone(), [alt_codes]);
                let p = allele::trim(pos, &mut r, &mut a);
                let [a] = a;
                Event {
                    pos: p,
                    reference: r,
                    alt: a,
                }
            }
        };
        out.push(Variant {
            contig: rec.chrom.clone(),
            pos: e.pos,
            reference: e.reference,
            alt: e.alt,
            hom: copies == 2,
        });
    }
    Ok(())
}

/// REF must lie inside its contig and spell the reference there (ambiguity codes aside).
fn check_ref(rec: &VcfRecord, seq: &[u8]) -> std::result::Result<(), String> {
    let start = rec.pos as usize - 1;
    let end = start + rec.reference.len();
    let Some(on_ref) = seq.get(start..end) else {
        return Err(format!(
            "{}:{} REF {} reaches past the end of the contig (length {})",
            rec.chrom,
            rec.pos,
            rec.reference,
            seq.len()
        ));
    };
    if !base::spells(on_ref, &rec.reference) {
        return Err(format!(
            "{}:{} REF {} is not the reference sequence there ({}): a VCF of another reference?",
            rec.chrom,
            rec.pos,
            rec.reference,
            base::to_text(on_ref)
        ));
    }
    Ok(())
}

/// The allele indices of the first sample's GT (all ALTs once when there is no sample).
fn genotype(rec: &VcfRecord, sample: usize) -> Vec<usize> {
    let all = || (1..=rec.alts.len()).collect();
    if rec.samples.is_empty() || !rec.format.iter().any(|k| k == "GT") {
        return all();
    }
    let gt = rec.sample_value(sample, "GT").unwrap_or(".");
    gt.split(['/', '|'])
        .filter_map(|a| a.parse().ok())
        .collect()
}

/// Reads a BED file into per-contig sorted intervals.
pub(crate) fn read_bed(path: &Path) -> Result<HashMap<String, Vec<(i64, i64)>>> {
    let mut out: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    for r in bed::read(path)? {
        out.entry(r.chrom).or_default().push((r.start, r.end));
    }
    for v in out.values_mut() {
        v.sort_unstable();
    }
    Ok(out)
}

/// Whether a variant starts inside the regions.
pub(crate) fn in_regions(v: &Variant, bed: &HashMap<String, Vec<(i64, i64)>>) -> bool {
    bed.get(&v.contig).is_some_and(|ivs| {
        let i = ivs.partition_point(|iv| iv.1 <= v.pos);
        ivs.get(i).is_some_and(|iv| iv.0 <= v.pos)
    })
}
