//! One VCF data line (VCF 4.2, section 1.6): the eight fixed fields and the samples' values,
//! with its text form and a lenient parser (files from other tools carry undeclared INFO keys,
//! symbolic alleles and missing values).

use std::fmt::Write;

/// A VCF record. Text fields hold what the file holds; `.` stands for a missing value only in
/// the text form.
#[derive(Debug, Clone, PartialEq)]
pub struct VcfRecord {
    pub chrom: String,
    /// 1-based position.
    pub pos: u64,
    pub id: Option<String>,
    /// REF as letters.
    pub reference: String,
    /// ALT alleles as letters, or symbolic (`<NON_REF>`, `*`).
    pub alts: Vec<String>,
    pub qual: Option<f64>,
    /// FILTER values; empty for `.` (not filtered).
    pub filters: Vec<String>,
    /// INFO as (key, value) pairs; a flag has no value.
    pub info: Vec<(String, Option<String>)>,
    /// FORMAT keys, and each sample's values in that order.
    pub format: Vec<String>,
    pub samples: Vec<Vec<String>>,
}

impl VcfRecord {
    /// A record with only the fixed position fields set.
    pub fn new(chrom: &str, pos: u64, reference: String, alts: Vec<String>) -> VcfRecord {
        VcfRecord {
            chrom: chrom.to_string(),
            pos,
            id: None,
            reference,
            alts,
            qual: None,
            filters: Vec::new(),
            info: Vec::new(),
            format: Vec::new(),
            samples: Vec::new(),
        }
    }

    /// Appends the text line (with its newline). QUAL is written with two decimals.
    pub fn write_text(&self, out: &mut String) {
        let dot = |s: &str| {
            if s.is_empty() {
                ".".to_string()
            } else {
                s.to_string()
            }
        };
        let _ = write!(
            out,
            "{}\t{}\t{}\t{}\t{}\t",
            self.chrom,
            self.pos,
            self.id.as_deref().unwrap_or("."),
            self.reference,
            dot(&self.alts.join(","))
        );
        match self.qual {
            Some(q) => {
                let _ = write!(out, "{q:.2}\t");
            }
            None => out.push_str(".\t"),
        }
        out.push_str(&dot(&self.filters.join(";")));
        out.push('\t');
        let info: Vec<String> = self
            .info
            .iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{k}={v}"),
                None => k.clone(),
            })
            .collect();
        out.push_str(&dot(&info.join(";")));
        if !self.format.is_empty() {
            out.push('\t');
            out.push_str(&self.format.join(":"));
            for s in &self.samples {
                out.push('\t');
                out.push_str(&s.join(":"));
            }
        }
        out.push('\n');
    }

    /// The value of FORMAT key `key` for sample `sample`.
    pub fn sample_value(&self, sample: usize, key: &str) -> Option<&str> {
        let i = self.format.iter().position(|k| k == key)?;
        self.samples.get(sample)?.get(i).map(String::as_str)
    }

    /// The value of INFO key `key` (`Some(None)` for a flag).
    pub fn info_value(&self, key: &str) -> Option<Option<&str>> {
        self.info
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_deref())
    }

    /// Parses a data line (no newline); the error says which field is wrong.
    pub fn parse(line: &str) -> Result<VcfRecord, String> {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 8 {
            return Err(format!(
                "{} tab-separated fields where VCF needs at least 8",
                f.len()
            ));
        }
        let pos: u64 = f[1]
            .parse()
            .map_err(|_| format!("POS '{}' is not a number", f[1]))?;
        if f[3].is_empty() || f[3] == "." {
            return Err("REF is empty".into());
        }
        let qual = match f[5] {
            "." => None,
            q => Some(
                q.parse::<f64>()
                    .map_err(|_| format!("QUAL '{q}' is not a number"))?,
            ),
        };
        let list = |s: &str, sep: char| -> Vec<String> {
            if s == "." || s.is_empty() {
                Vec::new()
            } else {
                s.split(sep).map(String::from).collect()
            }
        };
        let info = list(f[7], ';')
            .into_iter()
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (kv, None),
            })
            .collect();
        Ok(VcfRecord {
            chrom: f[0].to_string(),
            pos,
            id: (f[2] != ".").then(|| f[2].to_string()),
            reference: f[3].to_string(),
            alts: list(f[4], ','),
            qual,
            filters: list(f[6], ';'),
            info,
            format: f.get(8).map_or(Vec::new(), |s| list(s, ':')),
            samples: f
                .get(9..)
                .unwrap_or(&[])
                .iter()
                .map(|s| s.split(':').map(String::from).collect())
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_parse_round_trip() {
        let line =
            "chr1\t100\t.\tAC\tA,<NON_REF>\t51.27\tPASS\tDP=30;FS=0.000;DB\tGT:AD\t0/1:15,14,0";
        let r = VcfRecord::parse(line).unwrap();
        assert_eq!(r.pos, 100);
        assert_eq!(r.alts, vec!["A", "<NON_REF>"]);
        assert_eq!(r.info_value("DB"), Some(None));
        assert_eq!(r.info_value("DP"), Some(Some("30")));
        assert_eq!(r.sample_value(0, "GT"), Some("0/1"));
        let mut text = String::new();
        r.write_text(&mut text);
        assert_eq!(text, format!("{line}\n"));
        let block = "chr1\t5\t.\tA\t<NON_REF>\t.\t.\tEND=9\tGT\t0/0";
        let mut text = String::new();
        VcfRecord::parse(block).unwrap().write_text(&mut text);
        assert_eq!(text, format!("{block}\n"));
        assert!(
            VcfRecord::parse("chr1\tx\t.\tA\tC\t.\t.\t.")
                .unwrap_err()
                .contains("POS")
        );
        assert!(
            VcfRecord::parse("chr1\t5")
                .unwrap_err()
                .contains("2 tab-separated")
        );
    }
}
