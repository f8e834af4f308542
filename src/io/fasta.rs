//! FASTA: reading references (plain, gzip or bgzip; soft-masked lower case and IUPAC codes
//! accepted) and writing them (60 bases a line).

use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;

use md5::{Digest, Md5};

use crate::core::base;
use crate::core::{Error, Result};
use crate::io::input;
use crate::io::output::TempPath;

/// One reference sequence.
#[derive(Debug, Clone)]
pub struct Contig {
    pub name: String,
    /// Base codes (0-4), one per base.
    pub seq: Vec<u8>,
    /// MD5 of the upper-cased sequence as the SAM specification defines `@SQ M5` (section 1.3).
    pub m5: [u8; 16],
}

/// Reads every contig of a FASTA file.
pub fn read(path: &Path) -> Result<Vec<Contig>> {
    let reader = input::open(path)?;
    let contigs = parse(reader, path, base::encode)?;
    if contigs.iter().all(|c| c.seq.is_empty()) {
        return Err(Error::input(path, "the reference has no sequence"));
    }
    Ok(contigs)
}

/// Every contig of a FASTA file with its bases as upper-case letters, IUPAC codes kept (CRAM's
/// slice checksums are over these).
pub(crate) fn read_letters(path: &Path) -> Result<Vec<Contig>> {
    parse(input::open(path)?, path, |b| b.to_ascii_uppercase())
}

/// The contigs of `reader`, each base stored as `keep` makes it.
fn parse(
    mut reader: Box<dyn BufRead + Send>,
    path: &Path,
    keep: fn(u8) -> u8,
) -> Result<Vec<Contig>> {
    let mut contigs: Vec<Contig> = Vec::new();
    let mut names = HashSet::new();
    let mut hasher = Md5::new();
    let mut line = Vec::new();
    let mut upper = Vec::new();
    let mut line_no = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| input::read_error(path, line_no + 1, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let text = trim_end(&line);
        if let Some(header) = text.strip_prefix(b">") {
            finish_contig(&mut contigs, &mut hasher, path)?;
            let name = header
                .split(|b| b.is_ascii_whitespace())
                .next()
                .unwrap_or_default();
            let name = String::from_utf8_lossy(name).into_owned();
            if name.is_empty() {
                return Err(Error::input(
                    path,
                    format!("line {line_no}: empty contig name"),
                ));
            }
            if !names.insert(name.clone()) {
                return Err(Error::input(
                    path,
                    format!("line {line_no}: duplicate contig name '{name}'"),
                ));
            }
            contigs.push(Contig {
                name,
                seq: Vec::new(),
                m5: [0; 16],
            });
        } else if !text.is_empty() {
            let Some(contig) = contigs.last_mut() else {
                return Err(Error::input(
                    path,
                    format!("line {line_no}: sequence before the first '>' header (not FASTA?)"),
                ));
            };
            if let Some(bad) = text.iter().find(|&&b| !base::is_iupac(b)) {
                return Err(Error::input(
                    path,
                    format!(
                        "line {line_no}: invalid base '{}' in contig '{}'",
                        char::from(*bad).escape_default(),
                        contig.name
                    ),
                ));
            }
            upper.clear();
            upper.extend(text.iter().map(u8::to_ascii_uppercase));
            hasher.update(&upper);
            contig.seq.extend(text.iter().map(|&b| keep(b)));
        }
    }
    finish_contig(&mut contigs, &mut hasher, path)?;
    Ok(contigs)
}

fn finish_contig(contigs: &mut [Contig], hasher: &mut Md5, path: &Path) -> Result<()> {
    if let Some(last) = contigs.last_mut() {
        if last.seq.is_empty() {
            return Err(Error::input(
                path,
                format!("contig '{}' has no sequence", last.name),
            ));
        }
        last.m5 = hasher.finalize_reset().into();
        last.seq.shrink_to_fit();
    }
    Ok(())
}

/// Writes contigs as FASTA, 60 bases a line, under a temporary name until complete.
pub fn write(path: &Path, contigs: &[Contig]) -> Result<()> {
    let mut out = Vec::new();
    for c in contigs {
        out.push(b'>');
        out.extend_from_slice(c.name.as_bytes());
        out.push(b'\n');
        for line in c.seq.chunks(60) {
            out.extend(line.iter().map(|&b| base::decode(b)));
            out.push(b'\n');
        }
    }
    let tmp = TempPath::new(path);
    std::fs::write(tmp.path(), out).map_err(|e| Error::io(path, e))?;
    tmp.commit()
}

fn trim_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && (line[end - 1] == b'\n' || line[end - 1] == b'\r') {
        end -= 1;
    }
    &line[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Vec<Contig>> {
        parse(
            Box::new(std::io::Cursor::new(s.as_bytes().to_vec())),
            Path::new("t.fa"),
            base::encode,
        )
    }

    #[test]
    fn reads_contigs_with_soft_masking_and_iupac() {
        let c = parse_str(">a desc\nACgtN\nRY\n>b\nTTTT\n").unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].name, "a");
        assert_eq!(c[0].seq, vec![0, 1, 2, 3, 4, 4, 4]);
        assert_eq!(c[1].seq, vec![3; 4]);
    }

    #[test]
    fn m5_is_md5_of_upper_case_sequence() {
        let c = parse_str(">a\nacgt\n").unwrap();
        let expect: [u8; 16] = Md5::digest(b"ACGT").into();
        assert_eq!(c[0].m5, expect);
    }

    #[test]
    fn rejects_duplicates_and_empty_contigs() {
        let e = parse_str(">a\nAC\n>a\nGT\n").unwrap_err().to_string();
        assert!(e.contains("duplicate contig name 'a'"), "{e}");
        let e = parse_str(">a\n>b\nAC\n").unwrap_err().to_string();
        assert!(e.contains("contig 'a' has no sequence"), "{e}");
        let e = parse_str("ACGT\n").unwrap_err().to_string();
        assert!(e.contains("before the first"), "{e}");
    }
}
