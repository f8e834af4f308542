//! Candidate events seen directly in the reads' alignments (indels in CIGARs, mismatching
//! bases). They supplement assembly where it cannot spell an allele: repeats longer than any
//! k or than the reads, and alleles near window edges. Each becomes a haplotype of its own.

use std::collections::HashMap;

use super::options::PileupOpts;
use super::reads::AlnRead;
use crate::core::allele::{Event, normalise};
use crate::core::cigar::Kind;

/// Events inside `[start, end)` supported by enough reads, most supported first.
pub(crate) fn from_reads(
    reads: &[AlnRead],
    contig: &[u8],
    start: i64,
    end: i64,
    o: &PileupOpts,
) -> Vec<Event> {
    let mut counts: HashMap<Event, u32> = HashMap::new();
    for r in reads.iter().filter(|r| r.pos < end && r.end > start) {
        for e in read_events(r, contig, o.min_snp_qual) {
            if e.pos > start && e.pos + (e.reference.len() as i64) < end {
                *counts.entry(e).or_default() += 1;
            }
        }
    }
    let mut out: Vec<(Event, u32)> = counts
        .into_iter()
        .filter(|(e, n)| *n >= min_reads(e, o))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.into_iter().map(|(e, _)| e).collect()
}

/// Reads needed to propose an event: long indels are rare as errors but often clipped by the
/// aligner, so one read that spells one out is enough to make it a candidate.
fn min_reads(e: &Event, o: &PileupOpts) -> u32 {
    if e.is_snp() {
        o.min_snp_reads
    } else if e.reference.len().abs_diff(e.alt.len()) > o.long_indel {
        1
    } else {
        o.min_indel_reads
    }
}

fn read_events(r: &AlnRead, contig: &[u8], min_snp_qual: u8) -> Vec<Event> {
    let (mut rp, mut q) = (r.pos, 0usize);
    let mut out = Vec::new();
    for op in &r.ops {
        let n = op.len;
        match op.kind {
            Kind::Match => {
                for _ in 0..n {
                    let (b, t) = (r.seq[q], contig.get(rp as usize).copied().unwrap_or(4));
                    if b < 4 && t < 4 && b != t && r.qual[q] >= min_snp_qual {
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
            Kind::Ins if rp > 0 => {
                let anchor = contig[rp as usize - 1];
                let mut alt = vec![anchor];
                alt.extend_from_slice(&r.seq[q..q + n as usize]);
                out.push(normalise(contig, rp - 1, vec![anchor], alt));
                q += n as usize;
            }
            Kind::Del if rp > 0 => {
                let reference = contig[rp as usize - 1..(rp + i64::from(n)) as usize].to_vec();
                out.push(normalise(
                    contig,
                    rp - 1,
                    reference,
                    vec![contig[rp as usize - 1]],
                ));
                rp += i64::from(n);
            }
            Kind::Ins | Kind::SoftClip => q += n as usize,
            Kind::Del => rp += i64::from(n),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::options::CallOpts;
    use crate::core::cigar::CigarOp;

    #[test]
    fn an_insertion_seen_twice_is_a_candidate() {
        let contig: Vec<u8> = (0..100).map(|i| (i % 4) as u8).collect();
        let mut seq = contig[10..40].to_vec();
        seq.splice(10..10, [2, 2]);
        let r = AlnRead {
            pos: 10,
            end: 40,
            ops: vec![
                CigarOp::new(Kind::Match, 10),
                CigarOp::new(Kind::Ins, 2),
                CigarOp::new(Kind::Match, 20),
            ],
            qual: vec![30; seq.len()],
            seq,
            rev: false,
            mapq: 60,
        };
        let ev = from_reads(
            &[r.clone(), r],
            &contig,
            0,
            100,
            &CallOpts::default().pileup,
        );
        assert_eq!(ev.len(), 1);
        let hap = crate::core::allele::apply(&contig, 0, 100, &ev);
        assert_eq!(hap.len(), 102);
    }
}
