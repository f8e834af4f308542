//! A trio's genotypes: parents drawn from one population of variants, a child inheriting one
//! haplotype of each (with a crossover), and de novo SNPs of the child's own.

use super::variants::Variant;
use crate::core::rng::Rng;

/// A parent: each population variant absent (half of them), heterozygous on either
/// haplotype, or (one in six) homozygous.
pub(crate) fn parent(population: &[Variant], rng: &mut Rng) -> Vec<Variant> {
    population
        .iter()
        .filter_map(|v| {
            let on = match rng.below(6) {
                0..=2 => return None,
                3 => [true, false],
                4 => [false, true],
                _ => [true, true],
            };
            Some(Variant { on, ..v.clone() })
        })
        .collect()
}

/// `n` heterozygous SNPs at least 50 bases from every population variant, from each other
/// and from the ends, on a random haplotype, sorted; never over an N.
pub(crate) fn de_novo(seq: &[u8], population: &[Variant], n: usize, rng: &mut Rng) -> Vec<Variant> {
    let mut out: Vec<Variant> = Vec::new();
    let near = |pos: usize, v: &Variant| pos + 50 > v.pos && pos < v.pos + v.reference.len() + 50;
    let mut tries = 0;
    while out.len() < n && tries < 100 * n.max(1) && seq.len() > 1000 {
        tries += 1;
        let pos = 500 + rng.below(seq.len() - 1000);
        if seq[pos] > 3 || population.iter().chain(&out).any(|v| near(pos, v)) {
            continue;
        }
        let on = if rng.chance(0.5) {
            [true, false]
        } else {
            [false, true]
        };
        out.push(Variant {
            pos,
            reference: vec![seq[pos]],
            alt: vec![rng.other_base(seq[pos])],
            on,
        });
    }
    out.sort_by_key(|v| v.pos);
    out
}

/// The child: haplotype 0 from the father, 1 from the mother, each switching parental
/// haplotype once at a random place; the de novo mutations added.
pub(crate) fn child(
    father: &[Variant],
    mother: &[Variant],
    mutations: &[Variant],
    len: usize,
    rng: &mut Rng,
) -> Vec<Variant> {
    let mut transmit = |parent: &[Variant], slot: usize| -> Vec<Variant> {
        let first = rng.below(2);
        let crossover = rng.below(len.max(1));
        parent
            .iter()
            .filter(|v| v.on[if v.pos < crossover { first } else { 1 - first }])
            .map(|v| {
                let mut on = [false, false];
                on[slot] = true;
                Variant { on, ..v.clone() }
            })
            .collect()
    };
    let mut all = transmit(father, 0);
    // Where the first variant at each position is.
    let mut at: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (i, v) in all.iter().enumerate() {
        at.entry(v.pos).or_insert(i);
    }
    for v in transmit(mother, 1)
        .into_iter()
        .chain(mutations.iter().cloned())
    {
        // A variant both parents passed on is homozygous in the child.
        match at.get(&v.pos) {
            Some(&i) => {
                let w = &mut all[i];
                w.on = [w.on[0] || v.on[0], w.on[1] || v.on[1]];
            }
            None => {
                at.insert(v.pos, all.len());
                all.push(v);
            }
        }
    }
    all.sort_by_key(|v| v.pos);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_child_inherits_one_haplotype_of_each_parent_and_its_mutations() {
        let mut rng = Rng::new(7);
        let seq: Vec<u8> = (0..200_000).map(|_| rng.base()).collect();
        let population = super::super::variants::place(&seq, &mut rng, 2e-3, 3e-4);
        let f = parent(&population, &mut rng);
        let m = parent(&population, &mut rng);
        let dn = de_novo(&seq, &population, 10, &mut rng);
        assert_eq!(dn.len(), 10);
        let c = child(&f, &m, &dn, seq.len(), &mut rng);
        for v in &c {
            if dn.iter().any(|d| d.pos == v.pos) {
                continue;
            }
            // Every inherited allele is carried by the parent it came from.
            if v.on[0] {
                assert!(f.iter().any(|w| w.pos == v.pos));
            }
            if v.on[1] {
                assert!(m.iter().any(|w| w.pos == v.pos));
            }
        }
        assert!(dn.iter().all(|d| c.iter().any(|v| v.pos == d.pos)));
        assert!(c.windows(2).all(|w| w[0].pos < w[1].pos));
        // Roughly half of each parent's heterozygous variants are passed on.
        let from_f = c.iter().filter(|v| v.on[0]).count() as f64;
        assert!(from_f > 0.3 * f.len() as f64 && from_f < 0.9 * f.len() as f64);
    }
}
