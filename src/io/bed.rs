//! BED intervals (0-based, half-open): one reader, plain or compressed, with one set of rules for
//! every command that takes regions, and a writer. `track`, `browser`, `#` and blank lines are skipped;
//! fields are separated by tabs (or, in a file without tabs, by spaces); start and end must be
//! whole numbers with start <= end. Whether a contig exists is the caller's question.

use std::io::BufRead;
use std::path::Path;

use super::input;
use super::output::TempPath;
use crate::core::{Error, Result};

/// One BED interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BedRecord {
    pub chrom: String,
    pub start: i64,
    pub end: i64,
    /// The fourth column, when there is one.
    pub name: Option<String>,
    /// 1-based line number, for messages (0 for records not read from a file).
    pub line: u64,
}

impl BedRecord {
    pub fn new(chrom: &str, start: i64, end: i64) -> BedRecord {
        BedRecord {
            chrom: chrom.to_string(),
            start,
            end,
            name: None,
            line: 0,
        }
    }
}

/// Writes records as BED (name column when a record has one), under a temporary name.
pub fn write(path: &Path, records: &[BedRecord]) -> Result<()> {
    let mut text = String::new();
    for r in records {
        text.push_str(&format!("{}\t{}\t{}", r.chrom, r.start, r.end));
        if let Some(n) = &r.name {
            text.push('\t');
            text.push_str(n);
        }
        text.push('\n');
    }
    let tmp = TempPath::new(path);
    std::fs::write(tmp.path(), text).map_err(|e| Error::io(path, e))?;
    tmp.commit()
}

/// Reads every interval of a BED file, in file order.
pub fn read(path: &Path) -> Result<Vec<BedRecord>> {
    let mut reader = input::open(path)?;
    let mut out = Vec::new();
    let mut line = String::new();
    let mut n = 0u64;
    loop {
        line.clear();
        if reader
            .read_line(&mut line)
            .map_err(|e| input::read_error(path, n + 1, e))?
            == 0
        {
            return Ok(out);
        }
        n += 1;
        let text = line.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty()
            || text.starts_with('#')
            || text.starts_with("track")
            || text.starts_with("browser")
        {
            continue;
        }
        out.push(parse(text, n).map_err(|msg| Error::input(path, format!("line {n}: {msg}")))?);
    }
}

fn parse(text: &str, line: u64) -> std::result::Result<BedRecord, String> {
    let f: Vec<&str> = if text.contains('\t') {
        text.split('\t').collect()
    } else {
        text.split_whitespace().collect()
    };
    if f.len() < 3 || f[0].is_empty() {
        return Err("expected chrom, start and end separated by tabs".into());
    }
    let (Ok(start), Ok(end)) = (f[1].trim().parse::<i64>(), f[2].trim().parse::<i64>()) else {
        return Err(format!(
            "start and end must be whole numbers (got '{}' and '{}')",
            f[1], f[2]
        ));
    };
    if start < 0 || end < start {
        return Err(format!(
            "interval {start}-{end}: start must be at least 0 and not after the end"
        ));
    }
    Ok(BedRecord {
        chrom: f[0].to_string(),
        start,
        end,
        name: f.get(3).map(|n| n.to_string()),
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_set_of_rules() {
        assert_eq!(parse("chr1\t10\t20\tname", 1).unwrap().end, 20);
        assert_eq!(parse("chr1 10 20", 1).unwrap().start, 10);
        assert_eq!(parse("chr1\t10\t10", 1).unwrap().start, 10);
        assert!(parse("chr1\t10", 1).unwrap_err().contains("expected chrom"));
        assert!(
            parse("chr1\tx\t20", 1)
                .unwrap_err()
                .contains("whole numbers")
        );
        assert!(parse("chr1\t30\t20", 1).unwrap_err().contains("not after"));
        assert!(parse("chr1\t-1\t20", 1).unwrap_err().contains("at least 0"));
    }
}
