//! One shard of the genome across the cohort: every sample's records of the shard read side
//! by side in position order, and a site made wherever a sample's record carries an ALT
//! allele. Memory holds the few records of each sample that cover the current position.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::gvcf_input::{GvcfInput, RegionStream};
use super::gvcf_record::SampleRecord;
use super::merge::View;
use super::site::{self, Cohort, SiteCounts};
use crate::call::options::GenotypeOpts;
use crate::core::{Error, Result};
use crate::io::vcf_record::VcfRecord;

/// A piece of a contig to genotype: its name and sequence, and `[start, end)`, 0-based.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shard<'a> {
    pub contig: &'a str,
    pub seq: &'a [u8],
    pub start: i64,
    pub end: i64,
}

/// The VCF text of the shard's sites, and their counts.
pub(crate) fn genotype(
    shard: Shard,
    inputs: &[GvcfInput],
    cohort: &Cohort,
    o: &GenotypeOpts,
) -> Result<(String, SiteCounts)> {
    let mut streams: Vec<RegionStream> = inputs
        .iter()
        .map(|i| i.region(shard.contig, shard.start, shard.end))
        .collect::<Result<_>>()?;
    let mut heads: Vec<Option<SampleRecord>> = Vec::with_capacity(streams.len());
    let mut heap = BinaryHeap::new();
    for (s, st) in streams.iter_mut().enumerate() {
        let head = st.next()?;
        if let Some(r) = &head {
            heap.push(Reverse((r.start, s)));
        }
        heads.push(head);
    }
    let mut active: Vec<Vec<SampleRecord>> = vec![Vec::new(); streams.len()];
    let mut text = String::new();
    let mut counts = SiteCounts::default();
    while let Some(&Reverse((pos, _))) = heap.peek() {
        let mut variant_here = false;
        while let Some(&Reverse((p, s))) = heap.peek() {
            if p != pos {
                break;
            }
            heap.pop();
            active[s].retain(|r| r.end > pos);
            if let Some(r) = heads[s].take() {
                variant_here |= r.is_variant();
                active[s].push(r);
            }
            heads[s] = streams[s].next()?;
            if let Some(r) = &heads[s] {
                heap.push(Reverse((r.start, s)));
            }
        }
        if !variant_here || pos < shard.start || pos >= shard.end {
            continue;
        }
        let views: Vec<View> = active.iter().map(|a| View::at(pos, a)).collect();
        let made = site::record(shard.contig, pos, &views, cohort, o, &mut counts).map_err(
            |(s, msg)| Error::input(&inputs[s].path, format!("{}: {msg}", shard.contig)),
        )?;
        if let Some(r) = made {
            check_reference(&r, shard.seq).map_err(|msg| {
                let s = views
                    .iter()
                    .position(|v| matches!(v, View::Own(_)))
                    .unwrap_or(0);
                Error::input(&inputs[s].path, msg)
            })?;
            r.write_text(&mut text);
        }
    }
    Ok((text, counts))
}

/// REF must spell the reference (ambiguity codes aside): a gVCF of another reference fails here.
fn check_reference(r: &VcfRecord, seq: &[u8]) -> std::result::Result<(), String> {
    let start = r.pos as usize - 1;
    let on_ref = seq.get(start..start + r.reference.len());
    if on_ref.is_some_and(|on| crate::core::base::spells(on, &r.reference)) {
        Ok(())
    } else {
        Err(format!(
            "{}:{} REF {} is not the reference sequence there: a gVCF of another reference?",
            r.chrom, r.pos, r.reference
        ))
    }
}
