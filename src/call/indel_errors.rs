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
use crate::core::base::N;

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

    /// The repeat's gap-opening quality at each base of a whole read (for the boundary after
    /// it; `u8::MAX` at the last base), or None without a model. Computed once per read;
    /// [`IndelErrors::quals`] takes the part of it that a window scores.
    pub(crate) fn read_quals(&self, bases: &[u8]) -> Option<Vec<u8>> {
        let t = self.by_copies.as_ref()?;
        let copies = repeat_copies(bases);
        Some(
            (0..bases.len())
                .map(|i| {
                    // Reads past 65,535 bases are measured over their first 65,535.
                    let c = copies.get(i + 1).copied().unwrap_or(1);
                    if i + 1 < bases.len() { t[c] } else { u8::MAX }
                })
                .collect(),
        )
    }

    /// Insertion and deletion opening qualities of read bases `range` (appended to `ins` and
    /// `del`): the gap model's, lowered where the boundary after the base lies in a repeat of
    /// the read (`repeat`, from [`IndelErrors::read_quals`]). The range's last base keeps the
    /// gap model's: the scored read ends there.
    pub(crate) fn quals(
        repeat: Option<&[u8]>,
        range: std::ops::Range<usize>,
        gap: GapModel,
        ins: &mut Vec<u8>,
        del: &mut Vec<u8>,
    ) {
        let n = range.len();
        let Some(q) = repeat else {
            ins.extend(std::iter::repeat_n(gap.ins_qual, n));
            del.extend(std::iter::repeat_n(gap.del_qual, n));
            return;
        };
        let last = range.end.saturating_sub(1);
        for i in range {
            let q = if i < last { q[i] } else { u8::MAX };
            ins.push(gap.ins_qual.min(q));
            del.push(gap.del_qual.min(q));
        }
    }
}

/// Copies of the tandem repeat at each boundary of `bases`, capped at [`MAX_COPIES`]: entry
/// `at` (1 to `len - 1`) is for the boundary before `bases[at]`; entries 0 and `len` are 1.
/// For the shortest unit that continues across the boundary, the copies on both sides together;
/// otherwise the longer of the shortest repeat ending at the boundary and the shortest one
/// starting there (1 when neither repeats), so that both boundaries at a repeat's ends count as
/// in it (GATK's PCR model counts the one after a repeat as outside). N never repeats.
/// Linear in the read for each unit length.
fn repeat_copies(bases: &[u8]) -> Vec<usize> {
    let n = bases.len().min(u16::MAX as usize);
    let bases = &bases[..n];
    let mut out = vec![1usize; n + 1];
    if n < 2 {
        return out;
    }
    let units = MAX_UNIT.min(n - 1);
    // For unit u (row u - 1): `ends[j]` = how many consecutive j' <= j have
    // bases[j'] == bases[j' - u]; `starts[j]` = how many consecutive j' >= j do (0 at n).
    let mut ends = vec![0u16; units * n];
    let mut starts = vec![0u16; units * (n + 1)];
    for u in 1..=units {
        let e = &mut ends[(u - 1) * n..u * n];
        // Branch-free: on random sequence the comparisons are unpredictable.
        let mut run = 0u16;
        for (j, (&b, &back)) in bases[u..].iter().zip(bases).enumerate() {
            run = (run + 1) * u16::from((b < N) & (b == back));
            e[j + u] = run;
        }
        let s = &mut starts[(u - 1) * (n + 1)..u * (n + 1)];
        let mut run = 0u16;
        for j in (u..n).rev() {
            run = (run + 1) * u16::from(e[j] > 0);
            s[j] = run;
        }
    }
    let end = |u: usize, j: usize| ends[(u - 1) * n + j] as usize;
    let start = |u: usize, j: usize| starts[(u - 1) * (n + 1) + j] as usize;
    // Whole copies of a unit of `u` bases followed (or preceded) by `run` matching bases; no
    // division in the common case (no repeat, or a homopolymer).
    let copies = |run: usize, u: usize| {
        let c = match (run < u, u) {
            (true, _) => 1,
            (false, 1) => 1 + run,
            _ => 1 + run / u,
        };
        c.min(MAX_COPIES)
    };
    for (at, slot) in out.iter_mut().enumerate().take(n).skip(1) {
        let (mut before, mut after) = (None, None);
        let mut across = None;
        for u in 1..=units {
            let (back_fits, fwd_fits) = (u <= at, at + u <= n);
            if back_fits && fwd_fits && start(u, at) >= u {
                across = Some(copies(end(u, at - 1), u) + copies(start(u, at + u), u));
                break;
            }
            // The shortest repeat ending at the boundary, and the shortest starting there.
            if before.is_none() && back_fits && end(u, at - 1) >= u {
                before = Some(copies(end(u, at - 1), u));
            }
            if after.is_none() && fwd_fits && start(u, at + u) >= u {
                after = Some(copies(start(u, at + u), u));
            }
        }
        *slot = across
            .unwrap_or_else(|| before.unwrap_or(1).max(after.unwrap_or(1)))
            .min(MAX_COPIES);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::base::encode;

    /// The copies at one boundary, unit by unit as the definition reads (the oracle of the
    /// linear version; reads of A, C, G and T only).
    fn copies_at(bases: &[u8], at: usize) -> usize {
        let back = |u: usize| {
            let mut c = 1;
            while at >= (c + 1) * u && bases[at - (c + 1) * u..at - c * u] == bases[at - u..at] {
                c += 1;
            }
            c.min(MAX_COPIES)
        };
        let fwd = |u: usize| {
            let mut c = 1;
            while at + (c + 1) * u <= bases.len()
                && bases[at + c * u..at + (c + 1) * u] == bases[at..at + u]
            {
                c += 1;
            }
            c.min(MAX_COPIES)
        };
        for u in 1..=MAX_UNIT {
            if at < u || at + u > bases.len() {
                break;
            }
            if bases[at - u..at] == bases[at..at + u] {
                return (back(u) + fwd(u)).min(MAX_COPIES);
            }
        }
        let before = (1..=MAX_UNIT)
            .filter(|&u| u <= at)
            .map(back)
            .find(|&c| c >= 2)
            .unwrap_or(1);
        let after = (1..=MAX_UNIT)
            .filter(|&u| at + u <= bases.len())
            .map(fwd)
            .find(|&c| c >= 2)
            .unwrap_or(1);
        before.max(after).min(MAX_COPIES)
    }

    fn repeat_copies_at(bases: &[u8], at: usize) -> usize {
        repeat_copies(bases)[at]
    }

    #[test]
    fn linear_copies_equal_the_definition_on_repetitive_reads() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        for _ in 0..2_000 {
            // Random units repeated a random number of times, with random junk between.
            let mut read = Vec::new();
            while read.len() < 150 {
                let unit: Vec<u8> = (0..1 + next(6)).map(|_| next(4) as u8).collect();
                for _ in 0..next(50) / unit.len() as u64 + 1 {
                    read.extend_from_slice(&unit);
                }
                read.extend((0..next(4)).map(|_| next(4) as u8));
            }
            read.truncate(1 + next(150) as usize);
            let fast = repeat_copies(&read);
            for (at, &c) in fast.iter().enumerate().take(read.len()).skip(1) {
                assert_eq!(c, copies_at(&read, at), "{read:?} at {at}");
            }
        }
    }

    #[test]
    fn n_never_repeats() {
        let n = [N; 12];
        assert!(repeat_copies(&n).iter().all(|&c| c == 1));
        assert_eq!(repeat_copies(&[0, 0]), vec![1, 2, 1]);
        assert_eq!(repeat_copies(&[0]), vec![1, 1]);
        assert!(repeat_copies(&[]).len() == 1);
        // A read longer than the counters reach is measured over its start, without a panic.
        let long = vec![0u8; 70_000];
        let q = IndelErrors::new(PcrIndelModel::Conservative).read_quals(&long);
        assert_eq!(q.map(|q| q.len()), Some(70_000));
    }

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
        let s = &b"GCTAAAAAAAAGCT".map(encode);
        // Inside the run of 8 A: 8 copies on both sides of every inner boundary.
        assert_eq!(repeat_copies_at(s, 6), 8);
        // At the run's first A (the boundary before it): the run starts here.
        assert_eq!(repeat_copies_at(s, 3), 8);
        // Just after the run: it ends here.
        assert_eq!(repeat_copies_at(s, 11), 8);
        // Dinucleotide CA x 6.
        let d = &b"GTCACACACACACAGT".map(encode);
        assert_eq!(repeat_copies_at(d, 6), 6);
        // No repeat.
        assert_eq!(repeat_copies_at(&b"ACGTTGCA".map(encode), 2), 1);
    }

    #[test]
    fn quals_follow_the_gap_model_without_a_model_and_drop_in_runs_with_one() {
        let gap = GapModel::default();
        let s = &b"ACGTAAAAAAAAAAAAAAAACGTG".map(encode);
        let (mut i, mut d) = (Vec::new(), Vec::new());
        let none = IndelErrors::new(PcrIndelModel::None).read_quals(s);
        IndelErrors::quals(none.as_deref(), 0..s.len(), gap, &mut i, &mut d);
        assert!(i.iter().chain(&d).all(|&q| q == 45));
        let (mut i, mut d) = (Vec::new(), Vec::new());
        let rq = IndelErrors::new(PcrIndelModel::Conservative).read_quals(s);
        IndelErrors::quals(rq.as_deref(), 0..s.len(), gap, &mut i, &mut d);
        assert_eq!(i, d);
        assert_eq!(i.len(), s.len());
        assert_eq!(i[0], 40);
        assert_eq!(i[10], 36); // 16 A: round(41 - e^(16 / 3pi)) = round(35.5)
        assert_eq!(*i.last().unwrap(), 45);
        // A window's part of the read: its last base keeps the gap model's quality.
        let (mut i, mut d) = (Vec::new(), Vec::new());
        IndelErrors::quals(rq.as_deref(), 4..12, gap, &mut i, &mut d);
        assert_eq!(i.len(), 8);
        assert!(i[..7].iter().all(|&q| q == 36), "{i:?}");
        assert_eq!(i[7], 45);
    }
}
