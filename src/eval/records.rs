//! Reading VCF records for comparison: one biallelic variant per ALT allele the genotype
//! carries, normalised against the reference when its sequence is at hand.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use crate::call::events::normalise;
use crate::error::{Error, Result};
use crate::io::fasta::encode_base;
use crate::io::input;

/// A biallelic variant: contig, 0-based position, REF and ALT as base codes, and whether the
/// genotype carries it twice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Variant {
    pub contig: String,
    pub pos: i64,
    pub reference: Vec<u8>,
    pub alt: Vec<u8>,
    pub hom: bool,
}

impl Variant {
    /// SNPs (and equal-length substitutions) versus indels.
    pub fn is_snp(&self) -> bool {
        self.reference.len() == self.alt.len()
    }

    pub fn end(&self) -> i64 {
        self.pos + self.reference.len() as i64
    }
}

/// Which records count.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// Only records whose FILTER is PASS or `.`.
    pub pass_only: bool,
    pub min_qual: f64,
}

/// Reads the variants of a VCF (plain or gzipped), normalised with `contigs` when given.
pub fn read(
    path: &Path,
    contigs: Option<&HashMap<String, Vec<u8>>>,
    filter: Filter,
) -> Result<Vec<Variant>> {
    let mut reader = input::open(path)?;
    let mut out = Vec::new();
    let mut line = String::new();
    let mut line_no = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| input::read_error(path, line_no + 1, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        parse_line(line.trim_end(), contigs, filter, &mut out)
            .map_err(|msg| Error::input(path, format!("line {line_no}: {msg}")))?;
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn parse_line(
    line: &str,
    contigs: Option<&HashMap<String, Vec<u8>>>,
    filter: Filter,
    out: &mut Vec<Variant>,
) -> std::result::Result<(), String> {
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() < 8 {
        return Err("fewer than 8 tab-separated fields".into());
    }
    let pos: i64 = f[1].parse().map_err(|_| format!("bad POS '{}'", f[1]))?;
    if filter.pass_only && !(f[6] == "PASS" || f[6] == ".") {
        return Ok(());
    }
    let qual = if f[5] == "." {
        f64::INFINITY
    } else {
        f[5].parse().unwrap_or(0.0)
    };
    if qual < filter.min_qual {
        return Ok(());
    }
    let alts: Vec<&str> = f[4].split(',').collect();
    let gt = genotype(&f);
    for (i, alt) in alts.iter().enumerate() {
        let copies = gt.iter().filter(|&&a| a == i + 1).count();
        if copies == 0 || alt.starts_with('<') || *alt == "*" || *alt == "." {
            continue;
        }
        let reference: Vec<u8> = f[3].bytes().map(encode_base).collect();
        let alt_codes: Vec<u8> = alt.bytes().map(encode_base).collect();
        let (p, r, a) = match contigs.and_then(|c| c.get(f[0])) {
            Some(seq) => {
                let e = normalise(seq, pos - 1, reference, alt_codes);
                (e.pos, e.reference, e.alt)
            }
            None => trim(pos - 1, reference, alt_codes),
        };
        out.push(Variant {
            contig: f[0].to_string(),
            pos: p,
            reference: r,
            alt: a,
            hom: copies == 2,
        });
    }
    Ok(())
}

/// The allele indices of the first sample's GT (all ALTs once when there is no sample).
fn genotype(f: &[&str]) -> Vec<usize> {
    if f.len() < 10 {
        return (1..=f[4].split(',').count()).collect();
    }
    let gt_index = f[8].split(':').position(|k| k == "GT");
    let Some(gi) = gt_index else {
        return (1..=f[4].split(',').count()).collect();
    };
    let gt = f[9].split(':').nth(gi).unwrap_or(".");
    gt.split(['/', '|'])
        .filter_map(|a| a.parse().ok())
        .collect()
}

/// Trims shared trailing, then leading, bases (no reference at hand: no left shift).
fn trim(mut pos: i64, mut r: Vec<u8>, mut a: Vec<u8>) -> (i64, Vec<u8>, Vec<u8>) {
    while r.len() > 1 && a.len() > 1 && r.last() == a.last() {
        r.pop();
        a.pop();
    }
    while r.len() > 1 && a.len() > 1 && r[0] == a[0] {
        r.remove(0);
        a.remove(0);
        pos += 1;
    }
    (pos, r, a)
}

/// Reads a BED file into per-contig sorted intervals.
pub fn read_bed(path: &Path) -> Result<HashMap<String, Vec<(i64, i64)>>> {
    let mut reader = input::open(path)?;
    let mut out: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    let mut line = String::new();
    let mut n = 0;
    loop {
        line.clear();
        if reader
            .read_line(&mut line)
            .map_err(|e| input::read_error(path, n + 1, e))?
            == 0
        {
            break;
        }
        n += 1;
        let f: Vec<&str> = line.trim_end().split('\t').collect();
        if f.len() < 3 || f[0].starts_with('#') || f[0] == "track" || f[0] == "browser" {
            continue;
        }
        let (Ok(s), Ok(e)) = (f[1].parse::<i64>(), f[2].parse::<i64>()) else {
            return Err(Error::input(
                path,
                format!("line {n}: start and end must be integers"),
            ));
        };
        out.entry(f[0].to_string()).or_default().push((s, e));
    }
    for v in out.values_mut() {
        v.sort_unstable();
    }
    Ok(out)
}

/// Whether a variant starts inside the regions.
pub fn in_regions(v: &Variant, bed: &HashMap<String, Vec<(i64, i64)>>) -> bool {
    bed.get(&v.contig).is_some_and(|ivs| {
        let i = ivs.partition_point(|iv| iv.1 <= v.pos);
        ivs.get(i).is_some_and(|iv| iv.0 <= v.pos)
    })
}
