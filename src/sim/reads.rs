//! Paired reads from the haplotypes: fragment lengths from a normal distribution, Illumina-like
//! qualities that fall along the read, substitutions drawn from each base's quality, optional
//! PCR duplicates, strand-specific error hotspots and polymerase slippage in homopolymers.

use std::path::PathBuf;

use super::variants::Haplotype;
use super::{SimOpts, origin};
use crate::core::Result;
use crate::core::base::{N, revcomp};
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
    /// Whether a base was gained or lost in a homopolymer (read offsets no longer follow the
    /// haplotype's).
    slipped: bool,
}

/// Homopolymers shorter than this never slip.
const MIN_SLIP_RUN: usize = 4;
/// Each further base of a homopolymer multiplies its slippage rate by this.
const SLIP_GROWTH: f64 = 1.6;
/// The most often a homopolymer slips in one read.
const MAX_SLIP: f64 = 0.3;
/// Runs are measured up to this length (the chance reaches [`MAX_SLIP`] far sooner); long runs
/// of one letter in a real reference (N gaps excepted: N never slips) stay cheap.
const MAX_RUN_SCAN: usize = 128;

/// Chance that a read crossing a homopolymer of `run` bases gains or loses one of them, for a
/// rate of `rate` at runs of [`MIN_SLIP_RUN`].
pub(crate) fn slip_chance(run: usize, rate: f64) -> f64 {
    if run < MIN_SLIP_RUN {
        return 0.0;
    }
    (rate * SLIP_GROWTH.powi((run - MIN_SLIP_RUN) as i32)).min(MAX_SLIP)
}

/// The read of `l` bases sequenced from haplotype index `from` (rightwards, or leftwards and
/// reverse-complemented when `rev`), where each homopolymer crossed may gain or lose one base
/// ([`slip_chance`]). None when the read is left as it is, or would run off the haplotype.
fn slipped(
    hap: &Haplotype,
    from: usize,
    l: usize,
    rev: bool,
    rate: f64,
    rng: &mut Rng,
) -> Option<Piece> {
    let seq = &hap.seq;
    let step = |i: usize| if rev { i.checked_sub(1) } else { Some(i + 1) };
    let mut out = Vec::with_capacity(l + 1);
    let mut slips = 0;
    let mut i = Some(from);
    let mut last = from;
    let mut prev: Option<u8> = None;
    while out.len() < l {
        let at = i.filter(|&x| x < seq.len())?;
        let b = seq[at];
        if prev != Some(b) && b < N {
            let mut run = 1;
            let mut j = step(at);
            while let Some(x) = j.filter(|&x| run < MAX_RUN_SCAN && x < seq.len() && seq[x] == b) {
                run += 1;
                j = step(x);
            }
            let p = slip_chance(run, rate);
            if p > 0.0 && rng.chance(p) {
                if rng.chance(0.5) {
                    // One base of the run lost.
                    slips += 1;
                    i = step(at);
                    prev = Some(b);
                    continue;
                }
                // One gained, unless the read ends there (the kept bases would not change).
                if out.len() + 2 <= l {
                    slips += 1;
                    out.push(b);
                }
            }
        }
        out.push(b);
        out.truncate(l);
        prev = Some(b);
        last = at;
        i = step(at);
    }
    if slips == 0 {
        return None;
    }
    let (seq, hap_start) = if rev {
        out.reverse();
        (revcomp(&out), last)
    } else {
        (out, from)
    };
    Some(Piece {
        seq,
        ref_pos: u64::from(hap.ref_pos[hap_start]),
        rev,
        hap_start,
        slipped: true,
    })
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
        let rs = start + frag - l;
        let (left, right) = if o.slippage > 0.0 {
            (
                slipped(hap, start, l, false, o.slippage, rng),
                slipped(hap, rs + l - 1, l, true, o.slippage, rng),
            )
        } else {
            (None, None)
        };
        let left = left.unwrap_or_else(|| Piece {
            seq: hap.seq[start..start + l].to_vec(),
            ref_pos: u64::from(hap.ref_pos[start]),
            rev: false,
            hap_start: start,
            slipped: false,
        });
        let right = right.unwrap_or_else(|| Piece {
            seq: revcomp(&hap.seq[rs..rs + l]),
            ref_pos: u64::from(hap.ref_pos[rs]),
            rev: true,
            hap_start: rs,
            slipped: false,
        });
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
    if !p.rev && !p.slipped {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::base::encode;

    fn hap(seq: &[u8]) -> Haplotype {
        Haplotype {
            seq: seq.to_vec(),
            ref_pos: (0..seq.len() as u32).collect(),
        }
    }

    #[test]
    fn slippage_grows_with_the_run_and_is_capped() {
        assert_eq!(slip_chance(3, 1e-3), 0.0);
        assert!((slip_chance(4, 2e-4) - 2e-4).abs() < 1e-12);
        assert!((slip_chance(8, 2e-4) - 2e-4 * 1.6f64.powi(4)).abs() < 1e-12);
        assert_eq!(slip_chance(40, 2e-4), MAX_SLIP);
    }

    #[test]
    fn slipped_reads_gain_or_lose_one_base_of_the_run_and_keep_their_length() {
        // 40 random-looking bases, 20 A, 40 more.
        let flank = b"GCTGACGTCAGTCGATGCATGCGTACGATCGTAGCTAGCG".map(encode);
        let mut seq = flank.to_vec();
        seq.extend_from_slice(&[0; 20]);
        seq.extend_from_slice(&flank);
        let h = hap(&seq);
        let mut rng = Rng::new(5);
        let (mut gained, mut lost) = (0, 0);
        for _ in 0..200 {
            let Some(p) = slipped(&h, 10, 60, false, 0.05, &mut rng) else {
                continue;
            };
            assert_eq!(p.seq.len(), 60);
            assert!(p.slipped && !p.rev);
            let run = p.seq.split(|&b| b != 0).map(<[u8]>::len).max();
            match run.unwrap_or(0) as i64 - 20 {
                1 => gained += 1,
                -1 => lost += 1,
                d => panic!("{d} bases gained"),
            }
        }
        assert!(gained > 20 && lost > 20, "{gained} {lost}");
        // A reverse read ends at `from` and is reverse-complemented.
        let mut rng = Rng::new(9);
        let p = (0..100)
            .find_map(|_| slipped(&h, 99, 60, true, 0.3, &mut rng))
            .unwrap();
        assert_eq!(p.seq.len(), 60);
        assert_eq!(revcomp(&p.seq).last(), Some(&seq[99]));
        // Without a homopolymer of 4 nothing slips.
        let plain = hap(&flank);
        // Nor does a run of N.
        let gap = hap(&[N; 60]);
        assert!(slipped(&gap, 0, 30, false, 0.1, &mut rng).is_none());
        assert!(slipped(&plain, 0, 30, false, 0.1, &mut rng).is_none());
    }
}
