//! Reference-confidence blocks for gVCF: at every position without a variant record, how sure
//! the reads make us that the sample is homozygous reference, merged into blocks of one GQ band.

use super::options::GvcfOpts;
use super::ploidy::ContigPloidy;
use super::reads::AlnRead;
use crate::core::cigar::Kind;
use crate::core::interval::Interval;

/// A run of reference positions `[start, end)` in one GQ band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    pub start: i64,
    pub end: i64,
    pub ref_base: u8,
    /// The smallest GQ and its PL in the block: one per count of `<NON_REF>` copies, 0 to the
    /// ploidy (diploid: 0/0, 0/1, 1/1).
    pub gq: u32,
    pub pl: Vec<u32>,
    pub dp: u32,
    pub min_dp: u32,
    /// Depth histogram (depth, positions), ascending, kept only for blocks that touch their
    /// shard's edges: the writer joins such blocks across shards (see [`join`]).
    pub depths: Vec<(u32, u32)>,
}

/// The median of a depth histogram, as `sorted[len / 2]` of the depths it counts.
fn median(hist: &[(u32, u32)]) -> u32 {
    let total: u64 = hist.iter().map(|&(_, n)| u64::from(n)).sum();
    let mut seen = 0u64;
    for &(d, n) in hist {
        seen += u64::from(n);
        if seen > total / 2 {
            return d;
        }
    }
    0
}

fn histogram(mut depths: Vec<u32>) -> Vec<(u32, u32)> {
    depths.sort_unstable();
    let mut hist: Vec<(u32, u32)> = Vec::new();
    for d in depths {
        match hist.last_mut() {
            Some((last, n)) if *last == d => *n += 1,
            _ => hist.push((d, 1)),
        }
    }
    hist
}

/// `a` followed by `b` as one block, when a single pass over both shards would have made one:
/// they touch, are in one GQ band, and both kept their depths. Otherwise `None`.
pub(crate) fn join(a: &Block, b: &Block, o: &GvcfOpts) -> Option<Block> {
    if a.end != b.start
        || a.pl.len() != b.pl.len()
        || band(a.gq, o) != band(b.gq, o)
        || a.depths.is_empty()
        || b.depths.is_empty()
    {
        return None;
    }
    let mut depths = a.depths.clone();
    for &(d, n) in &b.depths {
        match depths.binary_search_by_key(&d, |e| e.0) {
            Ok(i) => depths[i].1 += n,
            Err(i) => depths.insert(i, (d, n)),
        }
    }
    let (gq, pl) = if b.gq < a.gq {
        (b.gq, b.pl.clone())
    } else {
        (a.gq, a.pl.clone())
    };
    Some(Block {
        start: a.start,
        end: b.end,
        ref_base: a.ref_base,
        gq,
        pl,
        dp: median(&depths),
        min_dp: a.min_dp.min(b.min_dp),
        depths,
    })
}

/// Per-position log10 likelihoods of 0, 1, ... `ploidy` copies of any other allele than the
/// reference (diploid: 0/0, 0/1, 1/1), `ploidy + 1` to a position, and depth.
struct Pileup {
    ploidy: usize,
    gl: Vec<f64>,
    depth: Vec<u32>,
}

fn add(p: &mut Pileup, i: usize, p_ref: f64) {
    let p_alt = 1.0 - p_ref;
    let n = p.ploidy as f64;
    let g = &mut p.gl[i * (p.ploidy + 1)..][..=p.ploidy];
    for (k, gk) in g.iter_mut().enumerate() {
        let f = k as f64 / n;
        *gk += ((1.0 - f) * p_ref + f * p_alt).max(1e-300).log10();
    }
    p.depth[i] += 1;
}

fn pileup(
    reads: &[AlnRead],
    contig: &[u8],
    (start, end, ploidy): (i64, i64, usize),
    o: &GvcfOpts,
) -> Pileup {
    let len = (end - start) as usize;
    let mut p = Pileup {
        ploidy,
        gl: vec![0.0; len * (ploidy + 1)],
        depth: vec![0; len],
    };
    let at = |x: i64| usize::try_from(x - start).ok().filter(|&i| i < len);
    for r in reads {
        let (mut rp, mut q) = (r.pos, 0usize);
        for op in &r.ops {
            match op.kind {
                Kind::Match => {
                    for _ in 0..op.len {
                        if let Some(i) = at(rp).filter(|_| r.qual[q] >= o.min_base_qual) {
                            let e = 10f64.powf(-f64::from(r.qual[q]) / 10.0);
                            let same = r.seq[q] == contig[rp as usize] && r.seq[q] < 4;
                            add(&mut p, i, if same { 1.0 - e } else { e / 3.0 });
                        }
                        rp += 1;
                        q += 1;
                    }
                }
                Kind::Del => {
                    for _ in 0..op.len {
                        if let Some(i) = at(rp) {
                            add(&mut p, i, o.deletion_error);
                        }
                        rp += 1;
                    }
                }
                Kind::Ins | Kind::SoftClip => q += op.len as usize,
                _ => {}
            }
        }
    }
    p
}

fn confidence(gl: &[f64]) -> (u32, Vec<u32>) {
    let best = gl.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pl: Vec<u32> = gl
        .iter()
        .map(|g| (-10.0 * (g - best)).round().min(99_999.0) as u32)
        .collect();
    let gq = match pl.split_first() {
        Some((0, rest)) => rest.iter().copied().min().unwrap_or(0).min(99),
        _ => 0,
    };
    (gq, pl)
}

/// The GQ band of `gq`: the index of the highest lower edge it reaches.
pub(crate) fn band(gq: u32, o: &GvcfOpts) -> usize {
    o.bands.iter().rposition(|&b| gq >= b).unwrap_or(0)
}

/// Blocks over `[start, end)` clipped to `regions` (one contig's), skipping `taken` ranges
/// (variant records), at the contig's ploidy (a block never spans a change of ploidy).
pub(crate) fn blocks(
    reads: &[AlnRead],
    contig: &[u8],
    (start, end): (i64, i64),
    regions: &[Interval],
    taken: &[(i64, i64)],
    ploidy: &ContigPloidy,
    o: &GvcfOpts,
) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for piece in ploidy.pieces(start, end) {
        if piece.2 > 0 {
            let p = pileup(reads, contig, piece, o);
            piece_blocks(&p, contig, (start, end), piece, regions, taken, o, &mut out);
        }
    }
    out
}

/// The blocks of one piece of constant ploidy of the shard `[start, end)`.
#[allow(clippy::too_many_arguments)]
fn piece_blocks(
    p: &Pileup,
    contig: &[u8],
    (start, end): (i64, i64),
    (from, to, ploidy): (i64, i64, usize),
    regions: &[Interval],
    taken: &[(i64, i64)],
    o: &GvcfOpts,
    out: &mut Vec<Block>,
) {
    let mut open: Option<(Block, usize, Vec<u32>)> = None;
    let flush = |open: &mut Option<(Block, usize, Vec<u32>)>, out: &mut Vec<Block>| {
        if let Some((mut b, _, depths)) = open.take() {
            let hist = histogram(depths);
            b.dp = median(&hist);
            if b.start == start || b.end == end {
                b.depths = hist;
            }
            out.push(b);
        }
    };
    for pos in from..to {
        let i = (pos - from) as usize;
        let wanted = regions.iter().any(|iv| pos >= iv.start && pos < iv.end)
            && !taken.iter().any(|t| pos >= t.0 && pos < t.1);
        if !wanted {
            flush(&mut open, out);
            continue;
        }
        let (gq, pl) = confidence(&p.gl[i * (ploidy + 1)..][..=ploidy]);
        let b = band(gq, o);
        let continues = matches!(&open, Some((blk, ob, _)) if *ob == b && blk.end == pos);
        if !continues {
            flush(&mut open, out);
            let blk = Block {
                start: pos,
                end: pos,
                ref_base: contig[pos as usize],
                gq,
                pl: pl.clone(),
                dp: 0,
                min_dp: p.depth[i],
                depths: Vec::new(),
            };
            open = Some((blk, b, Vec::new()));
        }
        if let Some((blk, _, depths)) = open.as_mut() {
            blk.end = pos + 1;
            if gq < blk.gq {
                blk.gq = gq;
                blk.pl = pl;
            }
            blk.min_dp = blk.min_dp.min(p.depth[i]);
            depths.push(p.depth[i]);
        }
    }
    flush(&mut open, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::cigar::CigarOp;

    fn opts() -> GvcfOpts {
        crate::call::options::CallOpts::default().gvcf
    }

    fn two() -> ContigPloidy {
        ContigPloidy {
            base: 2,
            ranges: Vec::new(),
        }
    }

    fn read(pos: i64, len: u32, contig: &[u8]) -> AlnRead {
        let seq = contig[pos as usize..(pos + i64::from(len)) as usize].to_vec();
        AlnRead {
            pos,
            end: pos + i64::from(len),
            ops: vec![CigarOp::new(Kind::Match, len)],
            qual: vec![30; len as usize],
            seq,
            rev: false,
            mapq: 60,
        }
    }

    #[test]
    fn covered_positions_are_confident_and_uncovered_ones_are_not() {
        let contig: Vec<u8> = (0..100).map(|i| (i % 4) as u8).collect();
        let reads: Vec<AlnRead> = (0..10).map(|_| read(20, 40, &contig)).collect();
        let all = [Interval {
            contig: 0,
            start: 0,
            end: 100,
        }];
        let b = blocks(
            &reads,
            &contig,
            (0, 100),
            &all,
            &[(30, 31)],
            &two(),
            &opts(),
        );
        assert_eq!((b[0].start, b[0].end, b[0].gq, b[0].min_dp), (0, 20, 0, 0));
        // Each reference read at Q30 adds about 3 to the phred likelihood of 0/1: ten give GQ 30.
        assert_eq!(
            (b[1].start, b[1].end, b[1].gq, b[1].min_dp),
            (20, 30, 30, 10)
        );
        assert_eq!((b[2].start, b[2].end), (31, 60));
        assert_eq!((b[3].start, b[3].end, b[3].gq), (60, 100, 0));
        assert!(b[1].pl[0] == 0 && b[1].pl[2] > 99);
    }

    #[test]
    fn blocks_joined_across_a_shard_edge_equal_one_pass() {
        let contig: Vec<u8> = (0..100).map(|i| ((i * 7 + i / 5) % 4) as u8).collect();
        let mut reads: Vec<AlnRead> = (0..12).map(|k| read(5 + k, 60, &contig)).collect();
        reads.extend((0..3).map(|k| read(40 + k * 3, 50, &contig)));
        let all = [Interval {
            contig: 0,
            start: 0,
            end: 100,
        }];
        let strip = |b: &Block| Block {
            depths: Vec::new(),
            ..b.clone()
        };
        let whole: Vec<Block> = blocks(&reads, &contig, (0, 100), &all, &[], &two(), &opts())
            .iter()
            .map(strip)
            .collect();
        let (left, right) = (
            blocks(&reads, &contig, (0, 47), &all, &[], &two(), &opts()),
            blocks(&reads, &contig, (47, 100), &all, &[], &two(), &opts()),
        );
        let mut joined: Vec<Block> = left[..left.len() - 1].to_vec();
        match join(&left[left.len() - 1], &right[0], &opts()) {
            Some(j) => joined.push(j),
            None => joined.extend([left[left.len() - 1].clone(), right[0].clone()]),
        }
        joined.extend(right[1..].iter().cloned());
        let joined: Vec<Block> = joined.iter().map(strip).collect();
        assert_eq!(joined, whole);
        assert!(
            whole.iter().any(|b| b.start < 47 && b.end > 47),
            "no block spans the edge"
        );
    }
}
