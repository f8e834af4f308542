//! Calling one shard of a contig: active windows, assembly, one pair-HMM batch for the whole
//! shard through the backend, then genotyping. Shards lie on a fixed grid, so calling a set of
//! regions separately gives exactly the records of calling them together.

use super::events::{self, Event};
use super::genotype::{self, Call, ReadLik};
use super::gvcf::{self, Block};
use super::reads::{AlnRead, BamSource};
use super::{active, assembly, candidates};
use crate::backend::{Backend, PairHmmBatch};
use crate::error::Result;
use crate::pipeline::call_run::Interval;

/// Shard length: the grid every contig is cut on.
pub const SHARD: i64 = 50_000;
/// Reference bases added on each side of an active window to make the assembly window: more
/// than the largest k, so that events inside the active window can be assembled.
const PAD: i64 = 100;
/// Sites are genotyped in the window whose active part they touch, give or take this much
/// (indels left-aligned in a repeat may start a little before it).
const SITE_SLACK: i64 = 20;
/// Reads are fetched this far around a shard, and windows looked for this far around it.
const MARGIN: i64 = 800;
/// Most haplotypes kept per window.
const MAX_HAPS: usize = 12;
/// Most extra haplotypes made from events seen in the reads' alignments.
const MAX_PILEUP_HAPS: usize = 6;
/// Clipped reads shorter than this carry too little to place on a haplotype.
const MIN_CLIPPED: usize = 20;

/// What a shard needs: reads, the contig sequence, and the backend.
pub struct Shard<'a> {
    pub bam: &'a BamSource,
    pub contig_name: &'a str,
    pub contig: &'a [u8],
    pub start: i64,
    pub end: i64,
    /// The requested intervals on this contig: records outside them are dropped.
    pub regions: &'a [Interval],
    /// Also compute reference-confidence blocks.
    pub gvcf: bool,
}

/// What a shard yields: variant calls, and gVCF blocks when asked for.
#[derive(Debug, Default)]
pub struct ShardCalls {
    pub calls: Vec<Call>,
    pub blocks: Vec<Block>,
}

/// One window's candidates, waiting for its pair-HMM results.
struct Window {
    active: (i64, i64),
    hap_events: Vec<Vec<Event>>,
    reads: Vec<(bool, (i64, i64))>,
    first_job: usize,
}

/// Calls of a shard whose position lies in `[shard.start, shard.end)` and in its regions, in
/// position order, with the gVCF blocks between them when asked for.
pub fn call_shard(shard: &Shard, backend: &dyn Backend) -> Result<ShardCalls> {
    let clen = shard.contig.len() as i64;
    let reads = shard.bam.fetch(
        shard.contig_name,
        (shard.start - MARGIN).max(0),
        (shard.end + MARGIN).min(clen),
    )?;
    let lo = (shard.start - MARGIN / 2).max(0);
    let hi = (shard.end + MARGIN / 2).min(clen);
    let mut batch = PairHmmBatch::default();
    let mut windows = Vec::new();
    for (a, b) in active::windows(&reads, shard.contig, lo, hi) {
        let (ws, we) = ((a - PAD).max(0), (b + PAD).min(clen));
        if let Some(w) = prepare(shard.contig, &reads, (a, b), (ws, we), &mut batch) {
            windows.push(w);
        }
    }
    let liks = backend.pair_hmm(&batch)?.log10;
    let mut calls = Vec::new();
    for w in &windows {
        let n_haps = w.hap_events.len();
        let read_liks: Vec<ReadLik> = w
            .reads
            .iter()
            .enumerate()
            .map(|(i, &(rev, span))| ReadLik {
                liks: liks[w.first_job + i * n_haps..][..n_haps].to_vec(),
                rev,
                span,
            })
            .collect();
        for site in genotype::sites(&w.hap_events, shard.contig) {
            let touches = site.pos < w.active.1 + SITE_SLACK
                && site.pos + site.reference.len() as i64 > w.active.0 - SITE_SLACK;
            if site.pos < shard.start || site.pos >= shard.end || !touches {
                continue;
            }
            if let Some(c) = genotype::genotype(&site, &read_liks) {
                calls.push(c);
            }
        }
    }
    calls.sort_by(|a, b| (a.site.pos, &a.site.reference).cmp(&(b.site.pos, &b.site.reference)));
    calls.dedup_by(|a, b| a.site.pos == b.site.pos);
    calls.retain(|c| {
        shard
            .regions
            .iter()
            .any(|iv| c.site.pos >= iv.start && c.site.pos < iv.end)
    });
    let blocks = if shard.gvcf {
        let taken: Vec<(i64, i64)> = calls
            .iter()
            .map(|c| (c.site.pos, c.site.pos + c.site.reference.len() as i64))
            .collect();
        gvcf::blocks(
            &reads,
            shard.contig,
            shard.start,
            shard.end,
            shard.regions,
            &taken,
        )
    } else {
        Vec::new()
    };
    Ok(ShardCalls { calls, blocks })
}

fn prepare(
    contig: &[u8],
    reads: &[AlnRead],
    active: (i64, i64),
    (ws, we): (i64, i64),
    batch: &mut PairHmmBatch,
) -> Option<Window> {
    let mut clipped = Vec::new();
    let mut info = Vec::new();
    let (ca, cb) = (
        (active.0 - SITE_SLACK).max(ws + 1),
        (active.1 + SITE_SLACK).min(we - 1),
    );
    for r in reads.iter().filter(|r| r.pos < we && r.end > ws) {
        let (seq, qual) = r.clip_to(ws, we);
        if seq.len() >= MIN_CLIPPED {
            clipped.push((seq, qual));
            // Only reads reaching into the active span can span a site genotyped here.
            info.push((r.rev, r.unclipped_span(), r.pos < cb && r.end > ca));
        }
    }
    let reference = &contig[ws as usize..we as usize];
    let assembled = assembly::haplotypes(reference, &clipped, MAX_HAPS);
    let (ca, cb) = (
        (active.0 - SITE_SLACK).max(ws + 1),
        (active.1 + SITE_SLACK).min(we - 1),
    );
    let mut hap_events: Vec<Vec<Event>> = vec![Vec::new()];
    for h in &assembled[1..] {
        // Keep only the events inside the active span: variation in the padding is left to the
        // neighbouring window, and would otherwise multiply haplotypes here.
        let kept: Vec<Event> = events::of_haplotype(h, contig, ws, reference.len())
            .into_iter()
            .filter(|e| e.pos >= ca && e.pos < cb)
            .collect();
        if !kept.is_empty() && !hap_events.contains(&kept) {
            hap_events.push(kept);
        }
    }
    for e in candidates::from_reads(reads, contig, ca, cb) {
        if hap_events.len() >= MAX_HAPS + MAX_PILEUP_HAPS {
            break;
        }
        if !hap_events.iter().flatten().any(|x| *x == e) {
            hap_events.push(vec![e]);
        }
    }
    let haps: Vec<Vec<u8>> = hap_events
        .iter()
        .map(|evs| events::apply(contig, ws, we, evs))
        .collect();
    if hap_events.iter().all(Vec::is_empty) {
        return None;
    }
    if std::env::var_os("ZENOME_DEBUG_WINDOWS").is_some() {
        eprintln!(
            "window {}-{}: {} reads, haplotype events {:?}",
            ws + 1,
            we,
            clipped.len(),
            hap_events
        );
    }
    let hap_spans: Vec<_> = haps.iter().map(|h| batch.push_hap(h)).collect();
    let first_job = batch.len();
    let mut used = Vec::new();
    for ((seq, qual), &(rev, span, useful)) in clipped.iter().zip(&info) {
        if !useful {
            continue;
        }
        let r = batch.push_read(seq, qual);
        for &h in &hap_spans {
            batch.push_job(r, h);
        }
        used.push((rev, span));
    }
    Some(Window {
        active,
        hap_events,
        reads: used,
        first_job,
    })
}
