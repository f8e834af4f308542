//! Active regions: positions where the reads disagree with the reference often enough to deserve
//! assembly, merged into windows.

use super::reads::{AlnRead, Op};

/// Evidence at a position counts when at least this many reads show it...
const MIN_EVIDENCE: f32 = 2.0;
/// ...and they are at least this fraction of the depth.
const MIN_FRACTION: f32 = 0.08;
/// Active positions closer than this join one window.
const JOIN: i64 = 20;
/// Longest window; longer runs are cut.
const MAX_WINDOW: i64 = 300;
/// Soft-clip edges this close count together.
const CLIP_POOL: usize = 3;
/// Bases under this quality are not evidence.
const MIN_BASE_QUAL: u8 = 10;

/// Windows `[start, end)` (0-based, contig coordinates) within `[lo, hi)` worth assembling.
pub fn windows(reads: &[AlnRead], reference: &[u8], lo: i64, hi: i64) -> Vec<(i64, i64)> {
    let len = (hi - lo).max(0) as usize;
    let mut depth = vec![0f32; len];
    let mut evidence = vec![0f32; len];
    let mut clips = vec![0f32; len];
    for r in reads {
        add_read(r, reference, lo, &mut depth, &mut evidence, &mut clips);
    }
    let mut out: Vec<(i64, i64)> = Vec::new();
    for i in 0..len {
        // Clip edges of reads over one insertion or deletion scatter by a few bases: pool them.
        let pooled: f32 = clips[i.saturating_sub(CLIP_POOL)..(i + CLIP_POOL + 1).min(len)]
            .iter()
            .sum();
        let e = evidence[i] + pooled;
        if e < MIN_EVIDENCE || e < MIN_FRACTION * depth[i].max(1.0) {
            continue;
        }
        let p = lo + i as i64;
        match out.last_mut() {
            Some(w) if p - w.1 < JOIN && p + 1 - w.0 <= MAX_WINDOW => w.1 = p + 1,
            _ => out.push((p, p + 1)),
        }
    }
    out
}

fn add_read(
    r: &AlnRead,
    reference: &[u8],
    lo: i64,
    depth: &mut [f32],
    evidence: &mut [f32],
    clips: &mut [f32],
) {
    let n = depth.len();
    let at = |p: i64| usize::try_from(p - lo).ok().filter(|&i| i < n);
    let (mut rp, mut q) = (r.pos, 0usize);
    for (k, op) in r.ops.iter().enumerate() {
        match *op {
            Op::Match(n) => {
                for _ in 0..n {
                    if let Some(i) = at(rp) {
                        depth[i] += 1.0;
                        let b = r.seq[q];
                        if r.qual[q] >= MIN_BASE_QUAL
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
            Op::Ins(n) => {
                if let Some(i) = at(rp - 1) {
                    evidence[i] += 1.0;
                }
                q += n as usize;
            }
            Op::Del(n) => {
                for d in 0..i64::from(n) {
                    if let Some(i) = at(rp + d) {
                        depth[i] += 1.0;
                        evidence[i] += if d == 0 { 1.0 } else { 0.0 };
                    }
                }
                rp += i64::from(n);
            }
            Op::Soft(n) => {
                let edge = if k == 0 { rp } else { rp - 1 };
                if n >= 5
                    && let Some(i) = at(edge)
                {
                    clips[i] += 1.0;
                }
                q += n as usize;
            }
        }
    }
}
