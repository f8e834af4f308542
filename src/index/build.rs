//! Building the index image in memory, in parallel over 1 Mb chunks of the reference.
//!
//! Memory: the (hash, position) pairs of all minimizers would be 16 bytes each (about 3 bytes a
//! base), more than the finished index needs. So the build makes passes over the hash space:
//! each pass collects only the minimizers whose hash falls in its range, sorts them and appends
//! them to the key, start and position tables. Ranges ascend, so the tables come out exactly as
//! one global sort would make them, and the peak is the finished index plus one pass's pairs.

use bytemuck::Zeroable;
use rayon::prelude::*;

use super::file::{Built, ContigRec, Header, MAGIC, VERSION};
use super::minimizer::{Minimizer, minimizers_in};
use super::source::FastaIdentity;
use super::{Index, IndexParams};
use crate::core::{Error, Result};
use crate::io::fasta::Contig;

const CHUNK: usize = 1 << 20;
/// Minimizer pairs held by one pass (16 bytes each: 2 GiB; a human genome takes 5 passes).
const PAIRS_PER_PASS: u64 = 1 << 27;

/// Builds the index of `contigs`, which it consumes (each contig's memory is freed once it is
/// copied into the index).
pub(crate) fn build(contigs: Vec<Contig>, params: IndexParams) -> Result<Index> {
    build_in_passes(contigs, params, PAIRS_PER_PASS)
}

/// [`build`] with a chosen number of minimizer pairs per pass (small in tests, to force passes).
pub(crate) fn build_in_passes(
    contigs: Vec<Contig>,
    params: IndexParams,
    pairs_per_pass: u64,
) -> Result<Index> {
    params.validate()?;
    let total: u64 = contigs.iter().map(|c| c.seq.len() as u64).sum();
    if total >= (1u64 << 32) {
        return Err(Error::Usage(
            "references over 4 Gbp are not supported yet".into(),
        ));
    }
    let (recs, names) = contig_table(&contigs);
    let mut seq: Vec<u8> = Vec::with_capacity(total as usize);
    for c in contigs {
        seq.extend_from_slice(&c.seq);
    }
    // Random sequence has one minimizer every (w + 1) / 2 bases; real genomes fewer.
    let expected = total * 2 / u64::from(params.w + 1) + 1;
    let passes = expected.div_ceil(pairs_per_pass.max(1)).max(1);
    let bounds = pass_bounds(&seq, &recs, params, passes);
    let (mut keys, mut starts, mut positions) = (Vec::new(), Vec::new(), Vec::new());
    for range in bounds.windows(2) {
        let (lo, hi) = (range[0], range[1]);
        let mut pairs = collect_minimizers(&seq, &recs, params, lo..hi);
        pairs.par_sort_unstable();
        let mut previous = None;
        for [h, pos] in pairs {
            if previous != Some(h) {
                keys.push(h);
                starts.push(positions.len() as u32);
                previous = Some(h);
            }
            positions.push(pos);
        }
    }
    starts.push(positions.len() as u32);
    assemble(params, recs, names, seq, keys, starts, positions)
}

/// A chunk of one contig: minimizers starting in `start..end` of `contig`, at global `offset`.
struct ChunkJob<'a> {
    contig: &'a [u8],
    offset: u64,
    start: usize,
    end: usize,
}

impl ChunkJob<'_> {
    /// The chunk's minimizers, positions relative to the returned start of the slice scanned.
    fn minimizers(&self, params: IndexParams) -> (usize, Vec<Minimizer>) {
        let (k, w) = (params.k as usize, params.w as usize);
        let lo = self.start.saturating_sub(k + w);
        let hi = (self.end + k + w).min(self.contig.len());
        let (mut scratch, mut mins) = (Vec::new(), Vec::new());
        minimizers_in(
            &self.contig[lo..hi],
            k,
            w,
            self.start - lo..self.end - lo,
            &mut scratch,
            &mut mins,
        );
        (lo, mins)
    }
}

fn chunk_jobs<'a>(seq: &'a [u8], contigs: &[ContigRec]) -> Vec<ChunkJob<'a>> {
    let mut jobs = Vec::new();
    for c in contigs {
        let contig = &seq[c.offset as usize..(c.offset + c.len) as usize];
        for start in (0..contig.len()).step_by(CHUNK) {
            let end = (start + CHUNK).min(contig.len());
            jobs.push(ChunkJob {
                contig,
                offset: c.offset,
                start,
                end,
            });
        }
    }
    jobs
}

/// Hash boundaries of `passes` ranges holding about equal numbers of minimizers. Minimizer
/// hashes are far from uniform (each is the least of w hashes), so the ranges come from a
/// histogram of the hashes in every eighth chunk. Any ascending boundaries give the same index.
fn pass_bounds(seq: &[u8], contigs: &[ContigRec], params: IndexParams, passes: u64) -> Vec<u64> {
    let space = 1u64 << (2 * params.k);
    if passes <= 1 {
        return vec![0, space];
    }
    const BITS: u32 = 12;
    let shift = 2 * params.k - BITS;
    let jobs = chunk_jobs(seq, contigs);
    let histogram = jobs
        .par_iter()
        .step_by(8)
        .map(|job| {
            let mut h = vec![0u64; 1 << BITS];
            job.minimizers(params)
                .1
                .iter()
                .for_each(|m| h[(m.hash >> shift) as usize] += 1);
            h
        })
        .reduce(
            || vec![0u64; 1 << BITS],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let total: u64 = histogram.iter().sum();
    let mut bounds = vec![0];
    let mut seen = 0u64;
    for (bin, &n) in histogram.iter().enumerate() {
        seen += n;
        let next = bounds.len() as u64;
        if next < passes && seen * passes >= total * next {
            bounds.push((bin as u64 + 1) << shift);
        }
    }
    bounds.push(space);
    bounds.dedup();
    bounds
}

/// [hash, global position << 1 | strand] of every reference minimizer with a hash in `range`.
fn collect_minimizers(
    seq: &[u8],
    contigs: &[ContigRec],
    params: IndexParams,
    range: std::ops::Range<u64>,
) -> Vec<[u64; 2]> {
    let chunks: Vec<Vec<[u64; 2]>> = chunk_jobs(seq, contigs)
        .par_iter()
        .map(|job| {
            let (lo, mins) = job.minimizers(params);
            let offset = job.offset;
            // Sized exactly: a growing Vec's slack, over all chunks, would double the peak.
            let wanted = |m: &&Minimizer| range.contains(&m.hash);
            let mut pairs = Vec::with_capacity(mins.iter().filter(wanted).count());
            pairs.extend(mins.iter().filter(wanted).map(|m| {
                let pos = offset + lo as u64 + u64::from(m.pos);
                [m.hash, (pos << 1) | u64::from(m.rev)]
            }));
            pairs
        })
        .collect();
    // Concatenate chunk by chunk, freeing each, so the peak is one copy plus one chunk.
    let mut all = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        all.extend_from_slice(&chunk);
    }
    all
}

/// Adds the bucket table and the header to the finished sections.
fn assemble(
    params: IndexParams,
    recs: Vec<ContigRec>,
    names: Vec<u8>,
    seq: Vec<u8>,
    mut keys: Vec<u64>,
    mut starts: Vec<u32>,
    mut positions: Vec<u64>,
) -> Result<Index> {
    keys.shrink_to_fit();
    starts.shrink_to_fit();
    positions.shrink_to_fit();
    let n_keys = keys.len();
    // About two keys a bucket: a 4-byte table entry per two keys, and a binary search over ~2.
    let bucket_bits = (usize::BITS - n_keys.max(1024).leading_zeros() - 2).min(2 * params.k);
    let shift = 2 * params.k - bucket_bits;
    let mut buckets = vec![0u32; (1 << bucket_bits) + 1];
    for &h in &keys {
        buckets[(h >> shift) as usize + 1] += 1;
    }
    for i in 1..buckets.len() {
        buckets[i] += buckets[i - 1];
    }
    let header = Header {
        magic: MAGIC,
        version: VERSION,
        k: params.k,
        w: params.w,
        n_contigs: recs.len() as u32,
        seq_len: seq.len() as u64,
        names_len: names.len() as u64,
        n_keys: keys.len() as u64,
        n_pos: positions.len() as u64,
        bucket_bits,
        _pad: 0,
        source: FastaIdentity::zeroed(),
        checksum: 0,
    };
    Index::from_built(
        header,
        Built {
            recs,
            names,
            seq,
            buckets,
            keys,
            starts,
            positions,
        },
    )
}

fn contig_table(contigs: &[Contig]) -> (Vec<ContigRec>, Vec<u8>) {
    let (mut recs, mut names, mut offset) = (Vec::new(), Vec::new(), 0u64);
    for c in contigs {
        recs.push(ContigRec {
            offset,
            len: c.seq.len() as u64,
            name_off: names.len() as u64,
            name_len: c.name.len() as u64,
            m5: c.m5,
        });
        names.extend_from_slice(c.name.as_bytes());
        offset += c.seq.len() as u64;
    }
    (recs, names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;

    /// A random contig with copies of earlier stretches, so that minimizers repeat.
    fn contig(name: &str, len: usize, rng: &mut Rng) -> Contig {
        let mut seq: Vec<u8> = (0..len).map(|_| rng.base()).collect();
        for _ in 0..len / 5_000 {
            let (from, to, n) = (
                rng.below(len - 600),
                rng.below(len - 600),
                300 + rng.below(300),
            );
            let copy = seq[from..from + n].to_vec();
            seq[to..to + n].copy_from_slice(&copy);
        }
        Contig {
            name: name.into(),
            seq,
            m5: [0; 16],
        }
    }

    fn image(contigs: Vec<Contig>, pairs_per_pass: u64) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.zmi");
        build_in_passes(contigs, IndexParams::default(), pairs_per_pass)
            .unwrap()
            .save(&path)
            .unwrap();
        std::fs::read(path).unwrap()
    }

    #[test]
    fn many_passes_build_the_same_index_as_one() {
        let mut rng = Rng::new(11);
        let mut contigs = vec![contig("a", 200_000, &mut rng), contig("b", 5_000, &mut rng)];
        contigs[1].seq[100..400].fill(4);
        let one = image(contigs.clone(), u64::MAX);
        let many = image(contigs, 3_000);
        assert_eq!(one.len(), many.len());
        assert!(one == many, "index images differ");
    }
}
