//! Building the index image in memory, in parallel over 1 Mb chunks of the reference.

use rayon::prelude::*;

use super::file::{ContigRec, Header, MAGIC, Sections, VERSION};
use super::minimizer::{Minimizer, minimizers_in};
use super::{Index, IndexParams};
use crate::error::{Error, Result};
use crate::io::fasta::Contig;

const CHUNK: usize = 1 << 20;

/// Builds the index of `contigs`.
pub fn build(contigs: &[Contig], params: IndexParams) -> Result<Index> {
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
    let mut entries = collect_minimizers(contigs, params);
    entries.par_sort_unstable();
    let image = assemble(contigs, params, &entries)?;
    Index::from_owned(image)
}

/// (hash, global position << 1 | strand) of every reference minimizer.
fn collect_minimizers(contigs: &[Contig], params: IndexParams) -> Vec<(u64, u64)> {
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
    let chunks: Vec<Vec<(u64, u64)>> = jobs
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
                    (m.hash, (pos << 1) | u64::from(m.rev))
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

/// Lays the file image out and fills each section in place, so that building needs little
/// more than the sorted entries plus the image itself.
fn assemble(contigs: &[Contig], params: IndexParams, entries: &[(u64, u64)]) -> Result<Vec<u64>> {
    let n_keys = entries
        .iter()
        .enumerate()
        .filter(|&(i, e)| i == 0 || entries[i - 1].0 != e.0)
        .count();
    let bucket_bits = (usize::BITS - n_keys.max(256).leading_zeros()).min(2 * params.k);
    let (recs, names) = contig_table(contigs);
    let mut header = Header {
        magic: MAGIC,
        version: VERSION,
        k: params.k,
        w: params.w,
        n_contigs: contigs.len() as u32,
        seq_len: contigs.iter().map(|c| c.seq.len() as u64).sum(),
        names_len: names.len() as u64,
        n_keys: n_keys as u64,
        n_pos: entries.len() as u64,
        bucket_bits,
        _pad: 0,
        checksum: 0,
    };
    let sections = Sections::of(&header);
    let mut image = vec![0u64; sections.total / 8];
    let hsize = std::mem::size_of::<Header>();
    let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut image);
    let [
        recs_out,
        names_out,
        seq_out,
        buckets_out,
        keys_out,
        starts_out,
        pos_out,
    ] = sections.carve(bytes);
    recs_out.copy_from_slice(bytemuck::cast_slice(&recs));
    names_out.copy_from_slice(&names);
    for (c, r) in contigs.iter().zip(&recs) {
        seq_out[r.offset as usize..][..c.seq.len()].copy_from_slice(&c.seq);
    }
    fill_table(
        entries,
        2 * params.k - bucket_bits,
        [buckets_out, keys_out, starts_out, pos_out],
    );
    header.checksum = xxhash_rust::xxh3::xxh3_64(&bytes[hsize..]);
    bytes[..hsize].copy_from_slice(bytemuck::bytes_of(&header));
    Ok(image)
}

/// Writes buckets, keys, starts and positions from the sorted entries.
fn fill_table(
    entries: &[(u64, u64)],
    shift: u32,
    [buckets, keys, starts, positions]: [&mut [u8]; 4],
) {
    let buckets: &mut [u32] = bytemuck::cast_slice_mut(buckets);
    let keys: &mut [u64] = bytemuck::cast_slice_mut(keys);
    let starts: &mut [u32] = bytemuck::cast_slice_mut(starts);
    let positions: &mut [u64] = bytemuck::cast_slice_mut(positions);
    let mut k = 0;
    for (i, &(h, p)) in entries.iter().enumerate() {
        positions[i] = p;
        if i == 0 || entries[i - 1].0 != h {
            keys[k] = h;
            starts[k] = i as u32;
            buckets[(h >> shift) as usize + 1] += 1;
            k += 1;
        }
    }
    starts[k] = entries.len() as u32;
    for i in 1..buckets.len() {
        buckets[i] += buckets[i - 1];
    }
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
