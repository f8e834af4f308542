//! Alleles as VCF writes them (a position, REF and ALT base codes; indels carry the base before
//! them), trimmed and left-aligned so that one change has one spelling (Tan, Abecasis and Kang
//! 2015, "Unified representation of genetic variants").

/// A change to the reference: 0-based position, REF and ALT base codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Event {
    pub pos: i64,
    pub reference: Vec<u8>,
    pub alt: Vec<u8>,
}

impl Event {
    pub(crate) fn is_snp(&self) -> bool {
        self.reference.len() == 1 && self.alt.len() == 1
    }
}

/// Left-aligns and trims an event against its contig: drop a shared last base, extending to
/// the left when an allele empties, then drop shared leading bases while every allele keeps
/// one. The caller guarantees that REF matches `contig` at `pos`.
pub(crate) fn normalise(
    contig: &[u8],
    mut pos: i64,
    mut reference: Vec<u8>,
    mut alt: Vec<u8>,
) -> Event {
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
    let mut alts = [alt];
    let pos = trim_leading(pos, &mut reference, &mut alts);
    let [alt] = alts;
    Event {
        pos,
        reference,
        alt,
    }
}

/// Trims bases shared by REF and every ALT, first at the end, then at the start, while every
/// allele keeps at least one base; returns the new position. Without the contig at hand this
/// is all that can be done (no left shift).
pub(crate) fn trim(pos: i64, reference: &mut Vec<u8>, alts: &mut [Vec<u8>]) -> i64 {
    while reference.len() > 1
        && alts
            .iter()
            .all(|a| a.len() > 1 && a.last() == reference.last())
    {
        reference.pop();
        alts.iter_mut().for_each(|a| {
            a.pop();
        });
    }
    trim_leading(pos, reference, alts)
}

fn trim_leading(mut pos: i64, reference: &mut Vec<u8>, alts: &mut [Vec<u8>]) -> i64 {
    let shared = (0..reference.len())
        .take_while(|&i| {
            i + 1 < reference.len() && alts.iter().all(|a| i + 1 < a.len() && a[i] == reference[i])
        })
        .count();
    if shared > 0 {
        reference.drain(..shared);
        alts.iter_mut().for_each(|a| {
            a.drain(..shared);
        });
        pos += shared as i64;
    }
    pos
}

/// The sequence `contig[start..end]` with non-overlapping `events` (sorted by position) applied.
pub(crate) fn apply(contig: &[u8], start: i64, end: i64, events: &[Event]) -> Vec<u8> {
    let mut h = Vec::with_capacity((end - start).max(0) as usize + 64);
    let mut at = start as usize;
    for e in events {
        h.extend_from_slice(&contig[at..e.pos as usize]);
        h.extend_from_slice(&e.alt);
        at = e.pos as usize + e.reference.len();
    }
    h.extend_from_slice(&contig[at..end as usize]);
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;

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
    fn trimming_keeps_one_base_per_allele() {
        let (mut r, mut a) = (vec![0, 1, 2, 3], [vec![0, 1, 3, 3], vec![0, 2, 3]]);
        assert_eq!(trim(10, &mut r, &mut a), 11);
        assert_eq!((r, a), (vec![1, 2], [vec![1, 3], vec![2]]));
    }

    /// The oracle: the normal form of an indel is the leftmost position, with one base of
    /// padding, at which some deletion or insertion of the same length spells the same haplotype.
    fn brute_force(contig: &[u8], e: &Event) -> Event {
        let target = apply(contig, 0, contig.len() as i64, std::slice::from_ref(e));
        let d = e.alt.len() as i64 - e.reference.len() as i64;
        for pos in 0..contig.len() as i64 {
            let cand = if d < 0 {
                let end = pos + 1 - d;
                if end as usize > contig.len() {
                    continue;
                }
                Event {
                    pos,
                    reference: contig[pos as usize..end as usize].to_vec(),
                    alt: vec![contig[pos as usize]],
                }
            } else {
                let p = pos as usize;
                let inserted = target[p + 1..p + 1 + d as usize].to_vec();
                let mut alt = vec![contig[p]];
                alt.extend(inserted);
                Event {
                    pos,
                    reference: vec![contig[p]],
                    alt,
                }
            };
            if apply(contig, 0, contig.len() as i64, std::slice::from_ref(&cand)) == target {
                return cand;
            }
        }
        e.clone()
    }

    #[test]
    fn normalised_indels_equal_a_brute_force_search() {
        let mut rng = Rng::new(3);
        for _ in 0..3000 {
            // Low-complexity contigs, so that indels often sit in repeats.
            let alphabet = 1 + rng.below(3) as u8;
            let contig: Vec<u8> = (0..30)
                .map(|_| rng.below(usize::from(alphabet)) as u8)
                .collect();
            let pos = 1 + rng.below(20) as i64;
            let len = 1 + rng.below(5);
            let e = if rng.chance(0.5) {
                Event {
                    pos,
                    reference: contig[pos as usize..pos as usize + len + 1].to_vec(),
                    alt: vec![contig[pos as usize]],
                }
            } else {
                let mut alt = vec![contig[pos as usize]];
                alt.extend((0..len).map(|_| rng.below(usize::from(alphabet)) as u8));
                Event {
                    pos,
                    reference: vec![contig[pos as usize]],
                    alt,
                }
            };
            let n = normalise(&contig, e.pos, e.reference.clone(), e.alt.clone());
            assert_eq!(n, brute_force(&contig, &e), "{contig:?} {e:?}");
        }
    }
}
