//! Matching query variants to truth variants: exactly, then by haplotype (a cluster of nearby
//! unmatched variants on each side that, applied to the reference, spell the same sequence:
//! one indel written two ways, or a complex change split differently into pieces).

use std::collections::{HashMap, HashSet};

use super::records::Variant;

/// Variants within this many bases of each other are compared as one cluster.
const CLUSTER_GAP: i64 = 30;

/// A variant's identity: contig, position, REF, ALT.
type Key<'a> = (&'a str, i64, &'a [u8], &'a [u8]);

/// Which truth and query variants were matched (by index).
#[derive(Debug, Clone, Default)]
pub(crate) struct Matches {
    pub truth: Vec<bool>,
    pub query: Vec<bool>,
    /// Matched pairs whose genotype (het/hom) also agrees, and matched pairs compared.
    pub gt_agree: usize,
    pub gt_compared: usize,
    /// Truth variants matched by a query variant of the other zygosity (by index).
    pub gt_wrong: Vec<usize>,
}

/// Matches `query` against `truth` (both sorted). `contigs` holds reference sequences for the
/// haplotype comparison; without them only exact matches count.
pub(crate) fn compare(
    truth: &[Variant],
    query: &[Variant],
    contigs: Option<&HashMap<String, Vec<u8>>>,
) -> Matches {
    let mut m = Matches {
        truth: vec![false; truth.len()],
        query: vec![false; query.len()],
        ..Default::default()
    };
    // A key may stand more than once (call sets repeat records): each query record takes an
    // unmatched truth record of the same key, preferring the same zygosity.
    let mut index: HashMap<Key, Vec<usize>> = HashMap::new();
    for (i, v) in truth.iter().enumerate() {
        index
            .entry((v.contig.as_str(), v.pos, &v.reference[..], &v.alt[..]))
            .or_default()
            .push(i);
    }
    for (qi, q) in query.iter().enumerate() {
        let Some(cands) = index.get_mut(&(q.contig.as_str(), q.pos, &q.reference[..], &q.alt[..]))
        else {
            continue;
        };
        m.query[qi] = true;
        let pick = cands
            .iter()
            .position(|&t| truth[t].hom == q.hom)
            .or((!cands.is_empty()).then_some(0));
        if let Some(k) = pick {
            let ti = cands.swap_remove(k);
            m.truth[ti] = true;
            m.gt_compared += 1;
            m.gt_agree += usize::from(truth[ti].hom == q.hom);
            if truth[ti].hom != q.hom {
                m.gt_wrong.push(ti);
            }
        }
    }
    if let Some(contigs) = contigs {
        haplotype_matches(truth, query, contigs, &mut m);
    }
    m
}

fn haplotype_matches(
    truth: &[Variant],
    query: &[Variant],
    contigs: &HashMap<String, Vec<u8>>,
    m: &mut Matches,
) {
    let mut items: Vec<(&Variant, bool, usize)> = Vec::new();
    items.extend(
        truth
            .iter()
            .enumerate()
            .filter(|(i, _)| !m.truth[*i])
            .map(|(i, v)| (v, true, i)),
    );
    items.extend(
        query
            .iter()
            .enumerate()
            .filter(|(i, _)| !m.query[*i])
            .map(|(i, v)| (v, false, i)),
    );
    items.sort_by(|a, b| (&a.0.contig, a.0.pos).cmp(&(&b.0.contig, b.0.pos)));
    let mut start = 0;
    for i in 1..=items.len() {
        let split = i == items.len()
            || items[i].0.contig != items[i - 1].0.contig
            || items[i].0.pos - items[i - 1].0.end() > CLUSTER_GAP;
        if split {
            try_cluster(&items[start..i], contigs, m);
            start = i;
        }
    }
}

/// Marks a cluster matched when its truth and query sides spell the same sequence.
fn try_cluster(
    cluster: &[(&Variant, bool, usize)],
    contigs: &HashMap<String, Vec<u8>>,
    m: &mut Matches,
) {
    let (t, q): (Vec<_>, Vec<_>) = cluster.iter().partition(|c| c.1);
    if t.is_empty() || q.is_empty() {
        return;
    }
    let Some(seq) = contigs.get(&cluster[0].0.contig) else {
        return;
    };
    let lo = cluster.iter().map(|c| c.0.pos).min().unwrap_or(0);
    let hi = cluster.iter().map(|c| c.0.end()).max().unwrap_or(0);
    let spell = |side: &[&(&Variant, bool, usize)]| -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut at = lo;
        let mut seen = HashSet::new();
        for (v, _, _) in side.iter().map(|x| **x) {
            if v.pos < at || !seen.insert(v.pos) {
                return None;
            }
            out.extend_from_slice(seq.get(at as usize..v.pos as usize)?);
            out.extend_from_slice(&v.alt);
            at = v.end();
        }
        out.extend_from_slice(seq.get(at as usize..hi as usize)?);
        Some(out)
    };
    if let (Some(a), Some(b)) = (spell(&t), spell(&q))
        && a == b
    {
        for c in cluster {
            if c.1 {
                m.truth[c.2] = true
            } else {
                m.query[c.2] = true
            }
        }
        m.gt_compared += 1;
        let agree = t.iter().all(|x| x.0.hom) == q.iter().all(|x| x.0.hom);
        m.gt_agree += usize::from(agree);
        if !agree && let Some(first) = cluster.iter().find(|c| c.1) {
            m.gt_wrong.push(first.2);
        }
    }
}
