//! From haplotypes to variant events: each haplotype aligned to the reference window, its
//! differences written as VCF-style alleles, left-normalised.

use crate::backend::Scoring;
use crate::backend::cpu::banded;

/// A variant: 0-based contig position, REF and ALT base codes (indels carry the base before).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Event {
    pub pos: i64,
    pub reference: Vec<u8>,
    pub alt: Vec<u8>,
}

impl Event {
    pub fn is_snp(&self) -> bool {
        self.reference.len() == 1 && self.alt.len() == 1
    }
}

/// Haplotype-to-reference scores (GATK's: match 200, mismatch -150, open -260, extend -11),
/// with clipping forbidden so that the whole haplotype aligns.
const HAP_SCORING: Scoring = Scoring {
    match_score: 200,
    mismatch: 150,
    gap_open: 249,
    gap_extend: 11,
    clip: 1_000_000,
    n_penalty: 0,
};

/// The events of `hap` against the window `contig[start .. start + window_len]`.
pub fn of_haplotype(hap: &[u8], contig: &[u8], start: i64, window_len: usize) -> Vec<Event> {
    let window = &contig[start as usize..start as usize + window_len];
    if hap == window {
        return Vec::new();
    }
    let a = banded::align(
        &HAP_SCORING,
        hap,
        window,
        -(hap.len() as i32),
        window.len() as i32,
    );
    let (mut q, mut r) = (a.query_start as usize, start + i64::from(a.target_start));
    let mut out = Vec::new();
    for &op in &a.cigar {
        let n = (op >> 4) as usize;
        match op & 0xf {
            0 => {
                for _ in 0..n {
                    if hap[q] != contig[r as usize] {
                        out.push(Event {
                            pos: r,
                            reference: vec![contig[r as usize]],
                            alt: vec![hap[q]],
                        });
                    }
                    q += 1;
                    r += 1;
                }
            }
            1 => {
                let mut alt = vec![contig[r as usize - 1]];
                alt.extend_from_slice(&hap[q..q + n]);
                out.push(normalise(contig, r - 1, vec![contig[r as usize - 1]], alt));
                q += n;
            }
            _ => {
                let reference = contig[r as usize - 1..r as usize + n].to_vec();
                out.push(normalise(
                    contig,
                    r - 1,
                    reference,
                    vec![contig[r as usize - 1]],
                ));
                r += n as i64;
            }
        }
    }
    out
}

/// The window `contig[start..end]` with non-overlapping `events` (sorted by position) applied.
pub fn apply(contig: &[u8], start: i64, end: i64, events: &[Event]) -> Vec<u8> {
    let mut h = Vec::with_capacity((end - start) as usize + 64);
    let mut at = start as usize;
    for e in events {
        h.extend_from_slice(&contig[at..e.pos as usize]);
        h.extend_from_slice(&e.alt);
        at = e.pos as usize + e.reference.len();
    }
    h.extend_from_slice(&contig[at..end as usize]);
    h
}

/// Left-aligns and trims an indel (Tan et al. 2015): drop a shared last base, extending to the
/// left when an allele empties, then drop shared leading bases while both keep one.
pub fn normalise(contig: &[u8], mut pos: i64, mut reference: Vec<u8>, mut alt: Vec<u8>) -> Event {
    loop {
        if reference.len() > 1 && alt.len() > 1 && reference.last() == alt.last() {
            reference.pop();
            alt.pop();
        } else if (reference.len() == 1 || alt.len() == 1)
            && reference.last() == alt.last()
            && pos > 0
            && reference.len() != alt.len()
        {
            reference.pop();
            alt.pop();
            pos -= 1;
            let b = contig[pos as usize];
            reference.insert(0, b);
            alt.insert(0, b);
        } else {
            break;
        }
    }
    while reference.len() > 1 && alt.len() > 1 && reference[0] == alt[0] {
        reference.remove(0);
        alt.remove(0);
        pos += 1;
    }
    Event {
        pos,
        reference,
        alt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletion_in_a_repeat_is_left_aligned() {
        // ref: G A C A C A C T ; deleting one "AC" anywhere in the run gives the same sequence.
        let contig = vec![2, 0, 1, 0, 1, 0, 1, 3];
        let e = normalise(&contig, 3, vec![0, 1, 0], vec![0]);
        assert_eq!(
            e,
            Event {
                pos: 0,
                reference: vec![2, 0, 1],
                alt: vec![2]
            }
        );
    }

    #[test]
    fn haplotype_events_are_found() {
        let contig: Vec<u8> = (0..120).map(|i| ((i * 7 + i / 5) % 4) as u8).collect();
        let mut hap = contig[10..110].to_vec();
        hap[40] = (hap[40] + 1) % 4;
        hap.drain(70..72);
        let ev = of_haplotype(&hap, &contig, 10, 100);
        assert_eq!(ev.len(), 2, "{ev:?}");
        assert!(ev[0].is_snp() && ev[0].pos == 50);
        assert_eq!((ev[1].reference.len(), ev[1].alt.len()), (3, 1));
    }
}
