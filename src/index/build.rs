//! Building the index image in memory, in parallel over 1 Mb chunks of the reference.

use rayon::prelude::*;

use super::file::{Built, ContigRec, Header, MAGIC, VERSION};
use super::minimizer::{Minimizer, minimizers_in};
use super::{Index, IndexParams};
use crate::error::{Error, Result};
use crate::io::fasta::Contig;

const CHUNK: usize = 1 << 20;

/// Builds the index of `contigs`, which it consumes (each contig's memory is freed once it is
/// copied into the index).
pub fn build(contigs: Vec<Contig>, params: IndexParams) -> Result<Index> {
    if !(11..=31).contains(&params.k) || params.k.is_multiple_of(2) || !(1..=64).contains(&params.w)
    {
        return Err(Error::Usage(format!(
            "unsupported index parameters {params:?}"
        )));
    }
    let total: u64 = contigs.iter().map(|c| c.seq.len() as u64).sum();
    if total >= (1u64 << 32) {
        return Err(Error::Usage(
            "references over 4 Gbp are not supported yet".into(),
        ));
    }
    let mut entries = collect_minimizers(&contigs, params);
    entries.par_sort_unstable();
    Ok(assemble(contigs, params, entries))
}

/// [hash, global position << 1 | strand] of every reference minimizer.
fn collect_minimizers(contigs: &[Contig], params: IndexParams) -> Vec<[u64; 2]> {
    let (k, w) = (params.k as usize, params.w as usize);
    let mut jobs = Vec::new();
    let mut offset = 0u64;
    for c in contigs {
        for start in (0..c.seq.len()).step_by(CHUNK) {
            jobs.push((c, offset, start, (start + CHUNK).min(c.seq.len())));
        }
        offset += c.seq.len() as u64;
    }
    let margin = k + w;
    let chunks: Vec<Vec<[u64; 2]>> = jobs
        .par_iter()
        .map(|&(c, offset, start, end)| {
            let lo = start.saturating_sub(margin);
            let hi = (end + margin).min(c.seq.len());
            let (mut scratch, mut mins) = (Vec::new(), Vec::<Minimizer>::new());
            minimizers_in(
                &c.seq[lo..hi],
                k,
                w,
                start - lo..end - lo,
                &mut scratch,
                &mut mins,
            );
            mins.iter()
                .map(|m| {
                    let pos = offset + lo as u64 + u64::from(m.pos);
                    [m.hash, (pos << 1) | u64::from(m.rev)]
                })
                .collect::<Vec<_>>()
        })
        .collect();
    // Concatenate chunk by chunk, freeing each, so the peak is one copy plus one chunk.
    let mut all = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        all.extend_from_slice(&chunk);
    }
    all
}

/// Turns the sorted entries into the index's sections. The entries' memory becomes the
/// positions array in place (position i is written over slot i, which entry i/2 held and has
/// already given up), so the peak is the entries plus keys, starts, buckets and sequence.
fn assemble(contigs: Vec<Contig>, params: IndexParams, entries: Vec<[u64; 2]>) -> Index {
    let n_keys = entries
        .iter()
        .enumerate()
        .filter(|&(i, e)| i == 0 || entries[i - 1][0] != e[0])
        .count();
    let bucket_bits = (usize::BITS - n_keys.max(256).leading_zeros()).min(2 * params.k);
    let shift = 2 * params.k - bucket_bits;
    let (mut keys, mut starts) = (Vec::with_capacity(n_keys), Vec::with_capacity(n_keys + 1));
    let mut buckets = vec![0u32; (1 << bucket_bits) + 1];
    let mut raw: Vec<u64> = bytemuck::allocation::cast_vec(entries);
    let n = raw.len() / 2;
    let mut previous = None;
    for i in 0..n {
        let (h, p) = (raw[2 * i], raw[2 * i + 1]);
        if previous != Some(h) {
            keys.push(h);
            starts.push(i as u32);
            buckets[(h >> shift) as usize + 1] += 1;
            previous = Some(h);
        }
        raw[i] = p;
    }
    starts.push(n as u32);
    raw.truncate(n);
    raw.shrink_to_fit();
    for i in 1..buckets.len() {
        buckets[i] += buckets[i - 1];
    }
    let (recs, names) = contig_table(&contigs);
    let mut seq: Vec<u8> = Vec::with_capacity(contigs.iter().map(|c| c.seq.len()).sum());
    for c in contigs {
        seq.extend_from_slice(&c.seq);
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
        n_pos: n as u64,
        bucket_bits,
        _pad: 0,
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
            positions: raw,
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
