//! From haplotypes to variant events: each haplotype aligned to the reference window, its
//! differences written as VCF-style alleles, left-normalised.

use crate::backend::Scoring;
use crate::backend::cpu::banded;
use crate::core::allele::{Event, normalise};
use crate::core::cigar::{CigarOp, Kind};
use crate::core::{Error, Result};

/// The events of `hap` against the window `contig[start .. start + window_len]`.
pub(crate) fn of_haplotype(
    hap: &[u8],
    contig: &[u8],
    start: i64,
    window_len: usize,
    scoring: &Scoring,
) -> Result<Vec<Event>> {
    let window = &contig[start as usize..start as usize + window_len];
    if hap == window {
        return Ok(Vec::new());
    }
    let a = banded::align(
        scoring,
        hap,
        window,
        -(hap.len() as i32),
        window.len() as i32,
    );
    let (mut q, mut r) = (a.query_start as usize, start + i64::from(a.target_start));
    let mut out = Vec::new();
    for &raw in &a.cigar {
        let op = CigarOp::from_bam(raw)
            .ok_or_else(|| Error::Internal(format!("haplotype alignment op {raw:#x}")))?;
        let n = op.len as usize;
        match op.kind {
            Kind::Match => {
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
            Kind::Ins => {
                let mut alt = vec![contig[r as usize - 1]];
                alt.extend_from_slice(&hap[q..q + n]);
                out.push(normalise(contig, r - 1, vec![contig[r as usize - 1]], alt));
                q += n;
            }
            _ => {
                // The kernel writes only M, I and D.
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
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haplotype_events_are_found() {
        let contig: Vec<u8> = (0..120).map(|i| ((i * 7 + i / 5) % 4) as u8).collect();
        let mut hap = contig[10..110].to_vec();
        hap[40] = (hap[40] + 1) % 4;
        hap.drain(70..72);
        let scoring = crate::call::options::CallOpts::default()
            .window
            .haplotype_scoring;
        let ev = of_haplotype(&hap, &contig, 10, 100, &scoring).unwrap();
        assert_eq!(ev.len(), 2, "{ev:?}");
        assert!(ev[0].is_snp() && ev[0].pos == 50);
        assert_eq!((ev[1].reference.len(), ev[1].alt.len()), (3, 1));
    }
}
