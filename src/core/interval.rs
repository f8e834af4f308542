//! Genomic intervals (0-based, half-open, on a contig of a known reference) and regions as
//! users write them (`chr`, `chr:from-to`, `chr:from-`, 1-based and inclusive, commas allowed),
//! parsed once here.

use std::str::FromStr;

/// A 0-based half-open interval `[start, end)` on contig number `contig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Interval {
    pub contig: usize,
    pub start: i64,
    pub end: i64,
}

impl Interval {
    /// Whether position `pos` of this interval's contig lies inside it.
    pub(crate) fn contains(&self, pos: i64) -> bool {
        pos >= self.start && pos < self.end
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// A region as written on a command line: a contig name and an optional 1-based inclusive range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Region {
    /// The text as given.
    pub text: String,
    pub name: String,
    /// 1-based first position, and last position (None: to the end of the contig).
    pub range: Option<(u64, Option<u64>)>,
}

/// Why a region cannot be used; the message reads well after "REGION: ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RegionError(pub String);

impl std::fmt::Display for RegionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn number(s: &str) -> Option<u64> {
    let digits: String = s.chars().filter(|&c| c != ',').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl FromStr for Region {
    type Err = RegionError;

    fn from_str(text: &str) -> Result<Region, RegionError> {
        let syntax =
            || RegionError("expected chr, chr:from-to or chr:from- (1-based, inclusive)".into());
        if text.is_empty() {
            return Err(syntax());
        }
        let Some((name, range)) = text.rsplit_once(':') else {
            return Ok(Region {
                text: text.into(),
                name: text.into(),
                range: None,
            });
        };
        if name.is_empty() {
            return Err(syntax());
        }
        let (from, to) = match range.split_once('-') {
            Some((a, "")) => (number(a).ok_or_else(syntax)?, None),
            Some((a, b)) => (
                number(a).ok_or_else(syntax)?,
                Some(number(b).ok_or_else(syntax)?),
            ),
            None => (number(range).ok_or_else(syntax)?, None),
        };
        Ok(Region {
            text: text.into(),
            name: name.into(),
            range: Some((from, to)),
        })
    }
}

impl Region {
    /// The interval this region names on a reference whose contigs are `(name, length)`. A
    /// name that is itself a contig wins over a split at its last colon (`HLA-A*01:01` stays whole).
    pub(crate) fn resolve<'a>(
        &self,
        contigs: impl IntoIterator<Item = (&'a str, u64)> + Clone,
    ) -> Result<Interval, RegionError> {
        let find = |name: &str| {
            contigs
                .clone()
                .into_iter()
                .enumerate()
                .find(|(_, c)| c.0 == name)
                .map(|(i, c)| (i, c.1))
        };
        if let Some((i, len)) = find(&self.text) {
            return Ok(Interval {
                contig: i,
                start: 0,
                end: len as i64,
            });
        }
        let (i, len) = find(&self.name)
            .ok_or_else(|| RegionError(format!("no contig '{}' in the reference", self.name)))?;
        let Some((from, to)) = self.range else {
            return Ok(Interval {
                contig: i,
                start: 0,
                end: len as i64,
            });
        };
        let to = to.unwrap_or(len);
        if from < 1 {
            return Err(RegionError(
                "positions are 1-based: the start must be at least 1".into(),
            ));
        }
        if to < from {
            return Err(RegionError(format!(
                "the start ({from}) is after the end ({to})"
            )));
        }
        if from > len || to > len {
            return Err(RegionError(format!(
                "reaches past the end of contig '{}' (length {len})",
                self.name
            )));
        }
        Ok(Interval {
            contig: i,
            start: from as i64 - 1,
            end: to as i64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contigs() -> Vec<(&'static str, u64)> {
        vec![("chr1", 1000), ("HLA-A*01:01", 500)]
    }

    fn resolve(text: &str) -> Result<Interval, RegionError> {
        text.parse::<Region>()?.resolve(contigs())
    }

    #[test]
    fn regions_parse_and_resolve() {
        let iv = |contig, start, end| Interval { contig, start, end };
        assert_eq!(resolve("chr1"), Ok(iv(0, 0, 1000)));
        assert_eq!(resolve("chr1:1-1,000"), Ok(iv(0, 0, 1000)));
        assert_eq!(resolve("chr1:101-"), Ok(iv(0, 100, 1000)));
        assert_eq!(resolve("chr1:101"), Ok(iv(0, 100, 1000)));
        assert_eq!(resolve("HLA-A*01:01"), Ok(iv(1, 0, 500)));
        assert_eq!(resolve("HLA-A*01:01:5-9"), Ok(iv(1, 4, 9)));
    }

    #[test]
    fn bad_regions_say_what_is_wrong() {
        let msg = |t: &str| resolve(t).unwrap_err().0;
        assert!(msg("chr1:200-100").contains("start (200) is after the end (100)"));
        assert!(msg("chr1:0-10").contains("1-based"));
        assert!(msg("chr1:900-1001").contains("past the end"));
        assert!(msg("chr2:1-10").contains("no contig 'chr2'"));
        assert!(msg("chr1:x-10").contains("expected chr"));
        assert!(msg("").contains("expected chr"));
    }
}
