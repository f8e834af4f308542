//! Local assembly: a de Bruijn graph of the reference window and the reads' k-mers, pruned of
//! weak edges, whose best source-to-sink paths are the candidate haplotypes. k grows until the
//! reference window has no repeated k-mer.

use std::collections::{HashMap, HashSet};

use super::options::AssemblyOpts;

type Kmer = u128;

/// Candidate haplotypes of `reference` (the window's reference bases, first in the result)
/// from `reads` (bases, qualities), at most `max_haps` of them.
pub(crate) fn haplotypes(
    reference: &[u8],
    reads: &[(&[u8], &[u8])],
    max_haps: usize,
    o: &AssemblyOpts,
) -> Vec<Vec<u8>> {
    if reference.iter().any(|&b| b > 3) {
        return vec![reference.to_vec()];
    }
    // The smallest k whose graph has no cycle; if every k has one, the largest that assembled.
    let mut fallback = None;
    for &k in &o.ks {
        if reference.len() < k + 10 {
            break;
        }
        if let Some((haps, cyclic)) = assemble_k(reference, reads, k, max_haps, o) {
            if !cyclic {
                return haps;
            }
            fallback = Some(haps);
        }
    }
    fallback.unwrap_or_else(|| vec![reference.to_vec()])
}

fn kmers(seq: &[u8], k: usize) -> impl Iterator<Item = Kmer> + '_ {
    let mask: Kmer = if k == 64 { !0 } else { (1 << (2 * k)) - 1 };
    let mut cur: Kmer = 0;
    seq.iter().enumerate().filter_map(move |(i, &b)| {
        cur = ((cur << 2) | Kmer::from(b & 3)) & mask;
        (i + 1 >= k).then_some(cur)
    })
}

struct Graph<'o> {
    o: &'o AssemblyOpts,
    k: usize,
    edges: HashMap<Kmer, [u32; 4]>,
    reference: HashSet<(Kmer, u8)>,
}

/// The haplotypes at this k and whether the pruned graph has a cycle (a repeat longer than k,
/// whose alleles a cycle-free path search cannot spell); None when the reference window
/// repeats a k-mer.
fn assemble_k(
    reference: &[u8],
    reads: &[(&[u8], &[u8])],
    k: usize,
    max_haps: usize,
    o: &AssemblyOpts,
) -> Option<(Vec<Vec<u8>>, bool)> {
    let ref_kmers: Vec<Kmer> = kmers(reference, k).collect();
    let unique: HashSet<Kmer> = ref_kmers.iter().copied().collect();
    if unique.len() != ref_kmers.len() {
        return None;
    }
    let mut g = Graph {
        o,
        k,
        edges: HashMap::new(),
        reference: HashSet::new(),
    };
    for (i, w) in ref_kmers.windows(2).enumerate() {
        let next = reference[i + k];
        g.reference.insert((w[0], next));
        g.edges.entry(w[0]).or_default();
    }
    for (seq, qual) in reads {
        add_read(&mut g, seq, qual);
    }
    let (source, sink) = (ref_kmers[0], ref_kmers[ref_kmers.len() - 1]);
    let cyclic = has_cycle(&g, source);
    let mut paths = best_paths(&g, source, sink, reference.len() + 200);
    paths.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Some((
        select(
            reference,
            paths.into_iter().map(|p| p.1).collect(),
            k,
            &unique,
            max_haps,
        ),
        cyclic,
    ))
}

/// The reference, then paths (best first) that each bring a k-mer no chosen haplotype has, so
/// that every supported bubble is represented even when there are more combinations than slots;
/// any slots left go to the best remaining paths.
fn select(
    reference: &[u8],
    paths: Vec<Vec<u8>>,
    k: usize,
    reference_kmers: &HashSet<Kmer>,
    max_haps: usize,
) -> Vec<Vec<u8>> {
    let mut out = vec![reference.to_vec()];
    let mut covered: HashSet<Kmer> = reference_kmers.clone();
    let mut rest = Vec::new();
    for p in paths {
        if out.len() >= max_haps {
            break;
        }
        let new: Vec<Kmer> = kmers(&p, k).filter(|x| !covered.contains(x)).collect();
        if new.is_empty() {
            rest.push(p);
        } else if !out.contains(&p) {
            covered.extend(new);
            out.push(p);
        }
    }
    for p in rest {
        if out.len() >= max_haps {
            break;
        }
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Whether a cycle is reachable from `source` in the pruned graph (iterative three-colour DFS).
fn has_cycle(g: &Graph, source: Kmer) -> bool {
    let mask: Kmer = (1 << (2 * g.k)) - 1;
    let mut state: HashMap<Kmer, u8> = HashMap::new();
    let mut stack: Vec<(Kmer, Vec<u8>)> =
        vec![(source, out_edges(g, source).iter().map(|e| e.0).collect())];
    state.insert(source, 1);
    while let Some((node, pending)) = stack.last_mut() {
        match pending.pop() {
            Some(b) => {
                let next = ((*node << 2) | Kmer::from(b)) & mask;
                match state.get(&next) {
                    Some(1) => return true,
                    Some(_) => {}
                    None => {
                        state.insert(next, 1);
                        let edges = out_edges(g, next).iter().map(|e| e.0).collect();
                        stack.push((next, edges));
                    }
                }
            }
            None => {
                state.insert(*node, 2);
                stack.pop();
            }
        }
    }
    false
}

fn add_read(g: &mut Graph, seq: &[u8], qual: &[u8]) {
    let k = g.k;
    let mut run = 0usize;
    let mask: Kmer = (1 << (2 * k)) - 1;
    let mut cur: Kmer = 0;
    for i in 0..seq.len() {
        let b = seq[i];
        if b > 3 || qual[i] < g.o.min_base_qual {
            run = 0;
            continue;
        }
        if run >= k {
            let counts = g.edges.entry(cur).or_default();
            counts[usize::from(b)] += 1;
        }
        cur = ((cur << 2) | Kmer::from(b)) & mask;
        run += 1;
    }
}

/// Out-edges of a node that survive pruning: (base, count), strongest first.
fn out_edges(g: &Graph, node: Kmer) -> Vec<(u8, u32)> {
    let Some(counts) = g.edges.get(&node) else {
        return Vec::new();
    };
    let mut out: Vec<(u8, u32)> = (0..4u8)
        .filter(|&b| {
            counts[usize::from(b)] >= g.o.min_edge_count || g.reference.contains(&(node, b))
        })
        .map(|b| (b, counts[usize::from(b)].max(1)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// Source-to-sink paths (score, sequence), found depth-first without revisiting a node.
fn best_paths(g: &Graph, source: Kmer, sink: Kmer, max_len: usize) -> Vec<(f64, Vec<u8>)> {
    let k = g.k;
    let mut search = PathSearch {
        g,
        sink,
        max_len,
        seq: (0..k)
            .rev()
            .map(|i| ((source >> (2 * i)) & 3) as u8)
            .collect(),
        on_path: HashSet::from([source]),
        found: Vec::new(),
        steps: 0,
    };
    search.walk(source, 0.0);
    search.found
}

/// The state of the depth-first path search.
struct PathSearch<'g, 'o> {
    g: &'g Graph<'o>,
    sink: Kmer,
    max_len: usize,
    /// The bases of the current path, and its nodes.
    seq: Vec<u8>,
    on_path: HashSet<Kmer>,
    found: Vec<(f64, Vec<u8>)>,
    steps: usize,
}

impl PathSearch<'_, '_> {
    fn walk(&mut self, node: Kmer, score: f64) {
        self.steps += 1;
        if node == self.sink {
            self.found.push((score, self.seq.clone()));
            return;
        }
        let o = self.g.o;
        if self.found.len() >= o.max_paths
            || self.steps >= o.max_steps
            || self.seq.len() >= self.max_len
        {
            return;
        }
        let edges = out_edges(self.g, node);
        let total: u32 = edges.iter().map(|e| e.1).sum();
        let mask: Kmer = (1 << (2 * self.g.k)) - 1;
        for (b, c) in edges {
            let next = ((node << 2) | Kmer::from(b)) & mask;
            if !self.on_path.insert(next) {
                continue;
            }
            self.seq.push(b);
            self.walk(next, score + (f64::from(c) / f64::from(total)).log10());
            self.seq.pop();
            self.on_path.remove(&next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::options::CallOpts;

    fn random(n: usize, seed: u64) -> Vec<u8> {
        let mut rng = crate::core::rng::Rng::new(seed);
        (0..n).map(|_| rng.below(4) as u8).collect()
    }

    #[test]
    fn finds_a_snp_and_a_deletion_haplotype() {
        let reference = random(200, 5);
        let mut snp = reference.clone();
        snp[100] = (snp[100] + 1) % 4;
        let mut del = reference.clone();
        del.drain(60..63);
        let mut reads = Vec::new();
        for h in [&snp, &del] {
            for start in (0..h.len() - 80).step_by(10) {
                reads.push((&h[start..start + 80], &[30u8; 80][..]));
            }
        }
        let haps = haplotypes(&reference, &reads, 8, &CallOpts::default().assembly);
        assert_eq!(haps[0], reference);
        assert!(
            haps.contains(&snp) && haps.contains(&del),
            "{} haplotypes",
            haps.len()
        );
    }

    #[test]
    fn a_single_read_is_not_enough() {
        let reference = random(200, 9);
        let mut alt = reference.clone();
        alt[100] = (alt[100] + 1) % 4;
        let haps = haplotypes(
            &reference,
            &[(&alt[50..150], &[30u8; 100][..])],
            8,
            &CallOpts::default().assembly,
        );
        assert_eq!(haps, vec![reference]);
    }
}
