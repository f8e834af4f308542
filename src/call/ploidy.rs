//! How many copies of each contig the sample carries: `--ploidy N` everywhere (default 2),
//! `--haploid-contigs` for named contigs, and `--sex`: a male's chrX outside its
//! pseudo-autosomal regions and his chrY are haploid; a female has no chrY (left out). The
//! PARs are GRCh38's or GRCh37's, recognised by the X contig's name (`chrX` or `X`) and length;
//! a male X of another length is haploid throughout.

use crate::core::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sex {
    Male,
    Female,
}

impl std::str::FromStr for Sex {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "male" => Ok(Sex::Male),
            "female" => Ok(Sex::Female),
            _ => Err(format!("'{s}': expected male or female")),
        }
    }
}

/// The ploidy options of `call` and `run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PloidyOpts {
    pub ploidy: usize,
    pub haploid: Vec<String>,
    pub sex: Option<Sex>,
}

impl Default for PloidyOpts {
    fn default() -> Self {
        PloidyOpts {
            ploidy: 2,
            haploid: Vec::new(),
            sex: None,
        }
    }
}

/// The most copies genotyped (the genotype count grows as alleles^ploidy).
pub(crate) const MAX_PLOIDY: usize = 8;

/// GRCh38 and GRCh37 chrX lengths and their PARs, 0-based half-open.
const X_PARS: [(u64, [(i64, i64); 2]); 2] = [
    (
        156_040_895,
        [(10_000, 2_781_479), (155_701_382, 156_030_895)],
    ),
    (
        155_270_560,
        [(60_000, 2_699_520), (154_931_043, 155_260_560)],
    ),
];

/// One contig's ploidy: `base`, except in `ranges` (`[start, end)`, ploidy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContigPloidy {
    pub base: usize,
    pub ranges: Vec<(i64, i64, usize)>,
}

impl ContigPloidy {
    pub(crate) fn at(&self, pos: i64) -> usize {
        self.ranges
            .iter()
            .find(|r| pos >= r.0 && pos < r.1)
            .map_or(self.base, |r| r.2)
    }

    /// No copy anywhere: the contig is not called.
    pub(crate) fn absent(&self) -> bool {
        self.base == 0 && self.ranges.iter().all(|r| r.2 == 0)
    }

    /// `[start, end)` cut where the ploidy changes: (start, end, ploidy) pieces in order.
    pub(crate) fn pieces(&self, start: i64, end: i64) -> Vec<(i64, i64, usize)> {
        let mut cuts: Vec<i64> = self
            .ranges
            .iter()
            .flat_map(|r| [r.0, r.1])
            .filter(|&c| c > start && c < end && self.at(c - 1) != self.at(c))
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut out = Vec::new();
        let mut at = start;
        for c in cuts.into_iter().chain(std::iter::once(end)) {
            if c > at {
                out.push((at, c, self.at(at)));
            }
            at = c;
        }
        out
    }
}

impl PloidyOpts {
    pub(crate) fn validate(&self) -> Result<()> {
        if !(1..=MAX_PLOIDY).contains(&self.ploidy) {
            return Err(Error::Usage(format!(
                "--ploidy {}: expected 1 to {MAX_PLOIDY}",
                self.ploidy
            )));
        }
        Ok(())
    }

    /// The ploidy of contig `name` of length `len`.
    pub(crate) fn contig(&self, name: &str, len: u64) -> ContigPloidy {
        let whole = |base| ContigPloidy {
            base,
            ranges: Vec::new(),
        };
        if self.haploid.iter().any(|h| h == name) {
            return whole(1);
        }
        let bare = name.strip_prefix("chr").unwrap_or(name);
        match (self.sex, bare) {
            (Some(Sex::Male), "X") => ContigPloidy {
                base: 1,
                ranges: X_PARS
                    .iter()
                    .filter(|(l, _)| *l == len)
                    .flat_map(|(_, pars)| pars.iter().map(|&(s, e)| (s, e, self.ploidy)))
                    .collect(),
            },
            (Some(Sex::Male), "Y") => whole(1),
            (Some(Sex::Female), "Y") => whole(0),
            _ => whole(self.ploidy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sex_chromosomes_follow_the_sex_and_the_pars() {
        let male = PloidyOpts {
            sex: Some(Sex::Male),
            ..Default::default()
        };
        let x38 = male.contig("chrX", 156_040_895);
        assert_eq!(x38.at(5_000), 1);
        assert_eq!(x38.at(10_000), 2);
        assert_eq!(x38.at(2_781_478), 2);
        assert_eq!(x38.at(2_781_479), 1);
        assert_eq!(x38.at(155_800_000), 2);
        assert_eq!(male.contig("X", 155_270_560).at(100_000), 2);
        assert_eq!(male.contig("chrX", 1_000).at(100), 1);
        assert_eq!(male.contig("chrY", 57_227_415).at(100), 1);
        assert_eq!(male.contig("chr1", 248_956_422).at(100), 2);
        let female = PloidyOpts {
            sex: Some(Sex::Female),
            ..Default::default()
        };
        assert!(female.contig("chrY", 57_227_415).absent());
        assert_eq!(female.contig("chrX", 156_040_895).at(5_000), 2);
        let mito = PloidyOpts {
            haploid: vec!["chrM".into()],
            ..Default::default()
        };
        assert_eq!(mito.contig("chrM", 16_569).at(10), 1);
        assert_eq!(
            x38.pieces(0, 3_000_000),
            vec![
                (0, 10_000, 1),
                (10_000, 2_781_479, 2),
                (2_781_479, 3_000_000, 1)
            ]
        );
    }
}
