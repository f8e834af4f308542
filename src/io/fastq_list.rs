//! The `fastq_list.csv` that bcl-convert and DRAGEN write: one line per lane (or per lane and
//! read-file chunk) of a sample, with the read group it belongs to.
//!
//! The header names the columns, in any order, others allowed: `RGID`, `RGSM`, `RGLB`, `Lane`,
//! `Read1File`, `Read2File`. `Read2File` may be empty (single-end); `RGLB` may be empty or absent
//! (the library is then the sample's name); `Lane` may be absent; an optional `RGPU` gives the
//! platform unit (otherwise taken from the read names). Relative paths are relative to
//! the list's folder. Values may be quoted with `"`; a quoted value may not hold a comma.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::core::{Error, Result};

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LaneEntry {
    /// Line number in the list, from 1 (the header is line 1).
    pub line: usize,
    pub rgid: String,
    pub sample: String,
    pub library: String,
    pub lane: Option<u32>,
    /// The `RGPU` column, when the list has one and it is not empty.
    pub pu: Option<String>,
    pub r1: PathBuf,
    pub r2: Option<PathBuf>,
}

/// Reads and checks the list: at least one entry, unique read-group IDs, and either every lane
/// paired or every lane single-end.
pub(crate) fn read(path: &Path) -> Result<Vec<LaneEntry>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse(&text, path)
}

fn parse(text: &str, path: &Path) -> Result<Vec<LaneEntry>> {
    let bad = |line: usize, msg: String| Error::input(path, format!("line {line}: {msg}"));
    let folder = path.parent().unwrap_or(Path::new(""));
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((hline, header)) = lines.next() else {
        return Err(Error::input(
            path,
            "empty; expected a header line RGID,RGSM,RGLB,Lane,Read1File,Read2File",
        ));
    };
    let names = fields(header);
    let column = |name: &str| names.iter().position(|n| n.eq_ignore_ascii_case(name));
    let need = |name: &str| {
        column(name).ok_or_else(|| {
            bad(
                hline,
                format!(
                    "no {name} column (the header must name RGID, RGSM, Read1File and Read2File)"
                ),
            )
        })
    };
    let (id_col, sm_col, r1_col, r2_col) = (
        need("RGID")?,
        need("RGSM")?,
        need("Read1File")?,
        need("Read2File")?,
    );
    let (lb_col, lane_col, pu_col) = (column("RGLB"), column("Lane"), column("RGPU"));
    let mut out: Vec<LaneEntry> = Vec::new();
    let mut ids = HashSet::new();
    for (n, l) in lines {
        let f = fields(l);
        if f.len() != names.len() {
            return Err(bad(
                n,
                format!("{} fields, but the header names {}", f.len(), names.len()),
            ));
        }
        let value = |c: usize| f[c].clone();
        let rgid = value(id_col);
        let sample = value(sm_col);
        if rgid.is_empty() || sample.is_empty() {
            return Err(bad(n, "RGID and RGSM must not be empty".into()));
        }
        if let Some(c) = rgid.chars().find(|c| c.is_whitespace()) {
            return Err(bad(n, format!("RGID '{rgid}' holds whitespace ({c:?})")));
        }
        if let Some(v) = f.iter().find(|v| v.chars().any(char::is_control)) {
            return Err(bad(
                n,
                format!("'{}' holds a control character", v.escape_debug()),
            ));
        }
        if !ids.insert(rgid.clone()) {
            return Err(bad(n, format!("RGID '{rgid}' appears twice")));
        }
        let library = lb_col
            .map(value)
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| sample.clone());
        let lane = match lane_col.map(value).filter(|v| !v.is_empty()) {
            Some(v) => Some(
                v.parse::<u32>()
                    .map_err(|_| bad(n, format!("Lane '{v}' is not a number")))?,
            ),
            None => None,
        };
        let file = |v: String| {
            let p = PathBuf::from(v);
            if p.is_absolute() { p } else { folder.join(p) }
        };
        let r1 = value(r1_col);
        if r1.is_empty() {
            return Err(bad(n, "Read1File is empty".into()));
        }
        let r2 = Some(value(r2_col)).filter(|v| !v.is_empty()).map(file);
        let entry = LaneEntry {
            line: n,
            rgid,
            sample,
            library,
            lane,
            pu: pu_col.map(value).filter(|v| !v.is_empty()),
            r1: file(r1),
            r2,
        };
        if let Some(first) = out.first()
            && first.r2.is_some() != entry.r2.is_some()
        {
            return Err(bad(
                n,
                format!(
                    "{} but line {} is {}: a run takes only paired or only single-end lanes",
                    if entry.r2.is_some() {
                        "paired"
                    } else {
                        "single-end"
                    },
                    first.line,
                    if first.r2.is_some() {
                        "paired"
                    } else {
                        "single-end"
                    }
                ),
            ));
        }
        for p in std::iter::once(&entry.r1).chain(&entry.r2) {
            if !p.is_file() {
                return Err(bad(n, format!("{}: no such file", p.display())));
            }
        }
        out.push(entry);
    }
    if out.is_empty() {
        return Err(bad(hline, "a header but no lanes".into()));
    }
    Ok(out)
}

/// The comma-separated fields of a line, trimmed, surrounding quotes removed.
fn fields(line: &str) -> Vec<String> {
    line.split(',')
        .map(|f| {
            let f = f.trim();
            f.strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .unwrap_or(f)
                .to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_with(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            std::fs::write(dir.path().join(f), "@r\nA\n+\nI\n").unwrap();
        }
        dir
    }

    #[test]
    fn reads_bcl_convert_lists_with_relative_paths_and_defaults() {
        let dir = folder_with(&["a_1.fq", "a_2.fq", "b_1.fq", "b_2.fq"]);
        let list = dir.path().join("fastq_list.csv");
        let text = "RGID,RGSM,RGLB,Lane,Read1File,Read2File\n\
                    FC1.1,NA1,lib1,1,a_1.fq,a_2.fq\r\n\
                    \"FC1.2\",NA1,,2,b_1.fq,b_2.fq\n";
        let v = parse(text, &list).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].library, "lib1");
        assert_eq!(v[1].rgid, "FC1.2");
        assert_eq!(v[1].library, "NA1", "an empty RGLB is the sample");
        assert_eq!(v[1].lane, Some(2));
        assert_eq!(v[0].r1, dir.path().join("a_1.fq"));
        assert_eq!(v[1].r2, Some(dir.path().join("b_2.fq")));
        // Columns in another order, no RGLB or Lane, single-end.
        let text = "Read1File,RGSM,Read2File,RGID\na_1.fq,NA1,,x\n";
        let v = parse(text, &list).unwrap();
        assert_eq!((v[0].rgid.as_str(), v[0].r2.is_none()), ("x", true));
        assert_eq!(v[0].lane, None);
    }

    #[test]
    fn refuses_what_cannot_be_run_naming_the_line() {
        let dir = folder_with(&["a_1.fq", "a_2.fq"]);
        let list = dir.path().join("l.csv");
        let h = "RGID,RGSM,RGLB,Lane,Read1File,Read2File\n";
        for (body, what) in [
            ("", "a header but no lanes"),
            ("x,s,l,1,a_1.fq\n", "line 2: 5 fields"),
            (",s,l,1,a_1.fq,a_2.fq\n", "must not be empty"),
            (
                "x,s,l,1,a_1.fq,a_2.fq\nx,s,l,2,a_1.fq,a_2.fq\n",
                "line 3: RGID 'x' appears twice",
            ),
            ("x,s,l,one,a_1.fq,a_2.fq\n", "Lane 'one'"),
            ("x,s,l,1,a_1.fq,missing.fq\n", "missing.fq: no such file"),
            (
                "x,s,l,1,a_1.fq,a_2.fq\ny,s,l,2,a_1.fq,\n",
                "line 3: single-end but line 2 is paired",
            ),
            ("x y,s,l,1,a_1.fq,a_2.fq\n", "whitespace"),
            ("x,s\tt,l,1,a_1.fq,a_2.fq\n", "control character"),
        ] {
            let e = parse(&format!("{h}{body}"), &list).unwrap_err().to_string();
            assert!(e.contains(what), "{body:?}: {e}");
            assert!(e.contains("l.csv"), "{e}");
        }
        let e = parse("RGID,RGSM,Read1File\n", &list)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no Read2File column"), "{e}");
        assert!(parse("", &list).unwrap_err().to_string().contains("empty"));
    }
}
