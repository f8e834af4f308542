//! Paired reads from the haplotypes: fragment lengths from a normal distribution, Illumina-like
//! qualities that fall along the read, substitutions drawn from each base's quality, optional
//! PCR duplicates and strand-specific error hotspots.

use std::path::PathBuf;

use super::variants::Haplotype;
use super::{SimOpts, origin};
use crate::core::Result;
use crate::core::base::revcomp;
use crate::core::rng::Rng;
use crate::io::fasta::Contig;
use crate::io::fastq;
use crate::io::gz::GzWriter;

/// Positions (0-based on the contig) where forward-strand reads often carry `base`.
pub(crate) fn hotspots(len: usize, n: usize, rng: &mut Rng) -> Vec<(usize, u8)> {
    let mut out: Vec<(usize, u8)> = (0..n)
        .map(|_| (200 + rng.below(len.saturating_sub(400).max(1)), rng.base()))
        .collect();
    out.sort_unstable();
    out
}

struct Piece {
    seq: Vec<u8>,
    ref_pos: u64,
    rev: bool,
    hap_start: usize,
}

/// Writes the read pairs; returns how many.
pub(crate) fn simulate_pairs(
    haps: &[Haplotype; 2],
    contig: &Contig,
    offset: usize,
    hotspots: &[(usize, u8)],
    o: &SimOpts,
    rng: &mut Rng,
    paths: &[PathBuf; 2],
) -> Result<u64> {
    let l = o.read_len;
    let n_pairs = (o.depth * contig.seq.len() as f64 / (2 * l) as f64).round() as u64;
    let mut out = [GzWriter::create(&paths[0])?, GzWriter::create(&paths[1])?];
    let mut written = 0;
    for i in 0..n_pairs {
        let hap = &haps[rng.below(2)];
        if hap.seq.len() < 2 * l {
            break;
        }
        let frag =
            (rng.normal(o.insert_mean, o.insert_sd).round() as usize).clamp(l, hap.seq.len());
        let start = rng.below(hap.seq.len() - frag + 1);
        let left = Piece {
            seq: hap.seq[start..start + l].to_vec(),
            ref_pos: u64::from(hap.ref_pos[start]),
            rev: false,
            hap_start: start,
        };
        let rs = start + frag - l;
        let right = Piece {
            seq: revcomp(&hap.seq[rs..rs + l]),
            ref_pos: u64::from(hap.ref_pos[rs]),
            rev: true,
            hap_start: rs,
        };
        let (first, second) = if rng.chance(0.5) {
            (left, right)
        } else {
            (right, left)
        };
        let copies = 1 + usize::from(rng.chance(o.duplicate_rate));
        for c in 0..copies {
            let index = if c == 0 {
                i.to_string()
            } else {
                format!("{i}.d{c}")
            };
            let at = |p: &Piece| (p.ref_pos + offset as u64 + 1, p.rev);
            let name = origin::name(&index, &contig.name, at(&first), at(&second));
            for (m, piece) in [&first, &second].into_iter().enumerate() {
                let (seq, qual) = sequence(piece, hap, hotspots, rng);
                fastq::write_record(&mut out[m], &name, &seq, &qual)?;
            }
            written += 1;
        }
    }
    let [a, b] = out;
    a.finish()?;
    b.finish()?;
    Ok(written)
}

/// The read as sequenced: qualities, substitutions by quality, hotspot errors on forward reads.
fn sequence(
    p: &Piece,
    hap: &Haplotype,
    hotspots: &[(usize, u8)],
    rng: &mut Rng,
) -> (Vec<u8>, Vec<u8>) {
    let l = p.seq.len();
    let mut seq = p.seq.clone();
    let mut qual = Vec::with_capacity(l);
    for (i, b) in seq.iter_mut().enumerate() {
        let x = i as f64 / l as f64;
        let mut q = rng
            .normal(37.0 - 12.0 * x * x, 2.5)
            .round()
            .clamp(2.0, 41.0) as u8;
        if rng.chance(0.005) {
            q = 2 + rng.below(10) as u8;
        }
        if rng.chance(10f64.powf(-f64::from(q) / 10.0) * 0.75) {
            *b = rng.other_base(*b);
        }
        qual.push(q);
    }
    if !p.rev {
        let (lo, hi) = (
            hap.ref_pos[p.hap_start] as usize,
            hap.ref_pos[p.hap_start + l - 1] as usize,
        );
        let first = hotspots.partition_point(|h| h.0 < lo);
        for &(pos, base) in hotspots[first..].iter().take_while(|h| h.0 <= hi) {
            let i = pos - lo;
            if i < l && hap.ref_pos[p.hap_start + i] as usize == pos && rng.chance(1.0 / 3.0) {
                seq[i] = if base == seq[i] { (base + 1) % 4 } else { base };
                qual[i] = 30;
            }
        }
    }
    (seq, qual)
}
