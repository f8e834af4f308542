//! Active regions: positions where the reads disagree with the reference often enough to deserve
//! assembly, merged into windows.

use super::options::ActiveOpts;
use super::reads::AlnRead;
use crate::core::cigar::Kind;

/// Evidence of one position: reads over it, reads disagreeing, soft-clip edges.
struct Tracks {
    depth: Vec<f32>,
    evidence: Vec<f32>,
    clips: Vec<f32>,
}

/// Windows `[start, end)` (0-based, contig coordinates) within `[lo, hi)` worth assembling.
pub(crate) fn windows(
    reads: &[AlnRead],
    reference: &[u8],
    lo: i64,
    hi: i64,
    o: &ActiveOpts,
) -> Vec<(i64, i64)> {
    let len = (hi - lo).max(0) as usize;
    let mut t = Tracks {
        depth: vec![0f32; len],
        evidence: vec![0f32; len],
        clips: vec![0f32; len],
    };
    for r in reads {
        add_read(r, reference, lo, &mut t, o.min_base_qual);
    }
    let (depth, evidence, clips) = (&t.depth, &t.evidence, &t.clips);
    let mut out: Vec<(i64, i64)> = Vec::new();
    for i in 0..len {
        // Clip edges of reads over one insertion or deletion scatter by a few bases: pool them.
        let pooled: f32 = clips[i.saturating_sub(o.clip_pool)..(i + o.clip_pool + 1).min(len)]
            .iter()
            .sum();
        let e = evidence[i] + pooled;
        if e < o.min_evidence || e < o.min_fraction * depth[i].max(1.0) {
            continue;
        }
        let p = lo + i as i64;
        match out.last_mut() {
            Some(w) if p - w.1 < o.join && p + 1 - w.0 <= o.max_window => w.1 = p + 1,
            _ => out.push((p, p + 1)),
        }
    }
    out
}

fn add_read(r: &AlnRead, reference: &[u8], lo: i64, t: &mut Tracks, min_base_qual: u8) {
    let Tracks {
        depth,
        evidence,
        clips,
    } = t;
    let n = depth.len();
    let at = |p: i64| usize::try_from(p - lo).ok().filter(|&i| i < n);
    let (mut rp, mut q) = (r.pos, 0usize);
    for (k, op) in r.ops.iter().enumerate() {
        match op.kind {
            Kind::Match => {
                for _ in 0..op.len {
                    if let Some(i) = at(rp) {
                        depth[i] += 1.0;
                        let b = r.seq[q];
                        if r.qual[q] >= min_base_qual
                            && b < 4
                            && reference.get(rp as usize).is_some_and(|&t| t < 4 && t != b)
                        {
                            evidence[i] += 1.0;
                        }
                    }
                    rp += 1;
                    q += 1;
                }
            }
            Kind::Ins => {
                if let Some(i) = at(rp - 1) {
                    evidence[i] += 1.0;
                }
                q += op.len as usize;
            }
            Kind::Del => {
                for d in 0..i64::from(op.len) {
                    if let Some(i) = at(rp + d) {
                        depth[i] += 1.0;
                        evidence[i] += if d == 0 { 1.0 } else { 0.0 };
                    }
                }
                rp += i64::from(op.len);
            }
            Kind::SoftClip => {
                let edge = if k == 0 { rp } else { rp - 1 };
                if op.len >= 5
                    && let Some(i) = at(edge)
                {
                    clips[i] += 1.0;
                }
                q += op.len as usize;
            }
            _ => {}
        }
    }
}
