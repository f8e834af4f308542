//! Candidate events seen directly in the reads' alignments (indels in CIGARs, mismatching
//! bases). They supplement assembly where it cannot spell an allele: repeats longer than any
//! k or than the reads, and alleles near window edges. Each becomes a haplotype of its own.

use std::collections::HashMap;

use super::events::{Event, normalise};
use super::reads::{AlnRead, Op};

/// Reads that must show an indel, or a base of at least `MIN_SNP_QUAL`, for it to be a candidate.
const MIN_INDEL_READS: u32 = 2;
const MIN_SNP_READS: u32 = 3;
const MIN_SNP_QUAL: u8 = 20;
/// Indels longer than this need only one read.
const LONG_INDEL: usize = 8;

/// Events inside `[start, end)` supported by enough reads, most supported first.
pub fn from_reads(reads: &[AlnRead], contig: &[u8], start: i64, end: i64) -> Vec<Event> {
    let mut counts: HashMap<Event, u32> = HashMap::new();
    for r in reads.iter().filter(|r| r.pos < end && r.end > start) {
        for e in read_events(r, contig) {
            if e.pos > start && e.pos + (e.reference.len() as i64) < end {
                *counts.entry(e).or_default() += 1;
            }
        }
    }
    let mut out: Vec<(Event, u32)> = counts
        .into_iter()
        .filter(|(e, n)| *n >= min_reads(e))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.into_iter().map(|(e, _)| e).collect()
}

/// Reads needed to propose an event: long indels are rare as errors but often clipped by the
/// aligner, so one read that spells one out is enough to make it a candidate.
fn min_reads(e: &Event) -> u32 {
    if e.is_snp() {
        MIN_SNP_READS
    } else if e.reference.len().abs_diff(e.alt.len()) > LONG_INDEL {
        1
    } else {
        MIN_INDEL_READS
    }
}

fn read_events(r: &AlnRead, contig: &[u8]) -> Vec<Event> {
    let (mut rp, mut q) = (r.pos, 0usize);
    let mut out = Vec::new();
    for op in &r.ops {
        match *op {
            Op::Match(n) => {
                for _ in 0..n {
                    let (b, t) = (r.seq[q], contig.get(rp as usize).copied().unwrap_or(4));
                    if b < 4 && t < 4 && b != t && r.qual[q] >= MIN_SNP_QUAL {
                        out.push(Event {
                            pos: rp,
                            reference: vec![t],
                            alt: vec![b],
                        });
                    }
                    rp += 1;
                    q += 1;
                }
            }
            Op::Ins(n) if rp > 0 => {
                let anchor = contig[rp as usize - 1];
                let mut alt = vec![anchor];
                alt.extend_from_slice(&r.seq[q..q + n as usize]);
                out.push(normalise(contig, rp - 1, vec![anchor], alt));
                q += n as usize;
            }
            Op::Del(n) if rp > 0 => {
                let reference = contig[rp as usize - 1..(rp + i64::from(n)) as usize].to_vec();
                out.push(normalise(
                    contig,
                    rp - 1,
                    reference,
                    vec![contig[rp as usize - 1]],
                ));
                rp += i64::from(n);
            }
            Op::Ins(n) | Op::Soft(n) => q += n as usize,
            Op::Del(n) => rp += i64::from(n),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insertion_seen_twice_is_a_candidate() {
        let contig: Vec<u8> = (0..100).map(|i| (i % 4) as u8).collect();
        let mut seq = contig[10..40].to_vec();
        seq.splice(10..10, [2, 2]);
        let r = AlnRead {
            pos: 10,
            end: 40,
            ops: vec![Op::Match(10), Op::Ins(2), Op::Match(20)],
            qual: vec![30; seq.len()],
            seq,
            rev: false,
        };
        let ev = from_reads(&[r.clone(), r], &contig, 0, 100);
        assert_eq!(ev.len(), 1);
        let hap = super::super::events::apply(&contig, 0, 100, &ev);
        assert_eq!(hap.len(), 102);
    }
}
