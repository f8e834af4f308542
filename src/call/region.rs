//! Calling one shard of a contig: active windows, assembly, one pair-HMM batch for the whole
//! shard through the backend, then genotyping. Shards lie on a fixed grid, so calling a set of
//! regions separately gives exactly the records of calling them together.

use super::genotype::{self, Call, ReadLik};
use super::gvcf::{self, Block};
use super::indel_errors::IndelErrors;
use super::options::CallOpts;
use super::ploidy::ContigPloidy;
use super::reads::{self, AlnRead};
use super::{active, assembly, candidates, events};
use crate::backend::{Backend, PairHmmBatch};
use crate::core::Result;
use crate::core::allele::{self, Event};
use crate::core::interval::Interval;
use crate::io::bam_reader::RecordSource;

/// What a shard needs: reads, the contig sequence, and where to call.
pub(crate) struct Shard<'a> {
    pub bam: &'a dyn RecordSource,
    /// The contig's number in the BAM header (None: the BAM has no reads on it).
    pub tid: Option<usize>,
    pub contig: &'a [u8],
    pub start: i64,
    pub end: i64,
    /// The requested intervals on this contig: records outside them are dropped.
    pub regions: &'a [Interval],
    /// Also compute reference-confidence blocks.
    pub gvcf: bool,
    /// The contig's ploidy.
    pub ploidy: &'a ContigPloidy,
}

/// What a shard yields: variant calls, and gVCF blocks when asked for.
#[derive(Debug, Default)]
pub(crate) struct ShardCalls {
    pub calls: Vec<Call>,
    pub blocks: Vec<Block>,
}

/// A read that takes part in a window's pair-HMM: its strand and unclipped span.
#[derive(Debug, Clone, Copy)]
struct Scored {
    rev: bool,
    span: (i64, i64),
    /// The read's place among the shard's reads.
    read: usize,
}

/// One window's candidates, waiting for its pair-HMM results.
struct Window {
    active: (i64, i64),
    hap_events: Vec<Vec<Event>>,
    reads: Vec<Scored>,
    first_job: usize,
}

/// A shard ready for the pair-HMM: its reads, its windows, and their jobs.
pub(crate) struct Prepared {
    reads: Vec<AlnRead>,
    windows: Vec<Window>,
    /// Every read-haplotype job of the shard's windows.
    pub batch: PairHmmBatch,
}

/// Calls of a shard whose position lies in `[shard.start, shard.end)` and in its regions, in
/// position order, with the gVCF blocks between them when asked for.
pub(crate) fn call_shard(shard: &Shard, backend: &dyn Backend, o: &CallOpts) -> Result<ShardCalls> {
    let prepared = prepare_shard(shard, o)?;
    let liks = backend.pair_hmm(&prepared.batch)?.log10;
    Ok(finish_shard(shard, prepared, &liks, o))
}

/// Reads, active windows and pair-HMM jobs of a shard.
pub(crate) fn prepare_shard(shard: &Shard, o: &CallOpts) -> Result<Prepared> {
    let clen = shard.contig.len() as i64;
    let margin = o.window.margin;
    let reads = match shard.tid {
        Some(tid) => reads::fetch(
            shard.bam,
            tid,
            (shard.start - margin).max(0),
            (shard.end + margin).min(clen),
            &o.reads,
        )?,
        None => Vec::new(),
    };
    let mut batch = PairHmmBatch::default();
    let windows = prepare_windows(shard, &reads, &mut batch, o)?;
    Ok(Prepared {
        reads,
        windows,
        batch,
    })
}

/// Genotypes a prepared shard from its jobs' log10 likelihoods (in the order of its batch).
pub(crate) fn finish_shard(shard: &Shard, p: Prepared, liks: &[f64], o: &CallOpts) -> ShardCalls {
    let mut calls = genotype_windows(shard, &p.reads, &p.windows, liks, o);
    calls.sort_by(|a, b| (a.site.pos, &a.site.reference).cmp(&(b.site.pos, &b.site.reference)));
    calls.dedup_by(|a, b| a.site.pos == b.site.pos);
    calls.retain(|c| shard.regions.iter().any(|iv| iv.contains(c.site.pos)));
    let blocks = if shard.gvcf {
        let taken: Vec<(i64, i64)> = calls
            .iter()
            .map(|c| (c.site.pos, c.site.pos + c.site.reference.len() as i64))
            .collect();
        let span = (shard.start, shard.end);
        gvcf::blocks(
            &p.reads,
            shard.contig,
            span,
            shard.regions,
            &taken,
            shard.ploidy,
            &o.gvcf,
        )
    } else {
        Vec::new()
    };
    ShardCalls { calls, blocks }
}

/// The active windows around the shard, each with its haplotypes and reads in `batch`.
fn prepare_windows(
    shard: &Shard,
    reads: &[AlnRead],
    batch: &mut PairHmmBatch,
    o: &CallOpts,
) -> Result<Vec<Window>> {
    let clen = shard.contig.len() as i64;
    let w = &o.window;
    let lo = (shard.start - w.margin / 2).max(0);
    let hi = (shard.end + w.margin / 2).min(clen);
    let mut windows = Vec::new();
    let mut repeats = RepeatQuals {
        errors: IndelErrors::new(o.pcr_indel),
        of_read: vec![None; reads.len()],
    };
    for (a, b) in active::windows(reads, shard.contig, lo, hi, &o.active) {
        let span = ((a - w.pad).max(0), (b + w.pad).min(clen));
        let win = prepare(shard.contig, reads, (a, b), span, batch, &mut repeats, o)?;
        if let Some(win) = win {
            windows.push(win);
        }
    }
    Ok(windows)
}

/// Genotypes every site of every window from the pair-HMM likelihoods; sites outside the shard
/// or away from their window's active span are left to their own shard or window.
fn genotype_windows(
    shard: &Shard,
    reads: &[AlnRead],
    windows: &[Window],
    liks: &[f64],
    o: &CallOpts,
) -> Vec<Call> {
    let slack = o.window.site_slack;
    let mut calls = Vec::new();
    for w in windows {
        let n_haps = w.hap_events.len();
        let read_liks: Vec<ReadLik> = w
            .reads
            .iter()
            .enumerate()
            .map(|(i, r)| ReadLik {
                liks: liks[w.first_job + i * n_haps..][..n_haps].to_vec(),
                rev: r.rev,
                span: r.span,
                aln: reads.get(r.read),
            })
            .collect();
        for site in genotype::sites(&w.hap_events, shard.contig) {
            let touches = site.pos < w.active.1 + slack
                && site.pos + site.reference.len() as i64 > w.active.0 - slack;
            if site.pos < shard.start || site.pos >= shard.end || !touches {
                continue;
            }
            if let Some(c) =
                genotype::genotype(&site, &read_liks, shard.ploidy.at(site.pos), &o.genotype)
            {
                calls.push(c);
            }
        }
    }
    calls
}

/// Reads clipped to a window: bases and qualities, and for each whether it reaches into the
/// active span (only those can span a site genotyped here).
struct Clipped<'a> {
    seqs: Vec<(&'a [u8], &'a [u8])>,
    /// Each read's part kept, as a range of the read.
    ranges: Vec<std::ops::Range<usize>>,
    info: Vec<(Scored, bool)>,
}

fn clip_reads<'a>(
    reads: &'a [AlnRead],
    (ws, we): (i64, i64),
    (ca, cb): (i64, i64),
    o: &CallOpts,
) -> Clipped<'a> {
    let mut c = Clipped {
        seqs: Vec::new(),
        ranges: Vec::new(),
        info: Vec::new(),
    };
    for (i, r) in reads
        .iter()
        .enumerate()
        .filter(|(_, r)| r.pos < we && r.end > ws)
    {
        let range = r.clip_range(ws, we);
        if range.len() >= o.window.min_clipped {
            c.seqs.push((&r.seq[range.clone()], &r.qual[range.clone()]));
            c.ranges.push(range);
            let scored = Scored {
                rev: r.rev,
                span: r.unclipped_span(),
                read: i,
            };
            c.info.push((scored, r.pos < cb && r.end > ca));
        }
    }
    c
}

/// The events of each candidate haplotype: the reference (none), then assembled haplotypes
/// trimmed to the active span `(ca, cb)`, then single events seen in the alignments.
fn haplotype_events(
    contig: &[u8],
    (ws, we): (i64, i64),
    (ca, cb): (i64, i64),
    reads: &[AlnRead],
    clipped: &Clipped,
    o: &CallOpts,
) -> Result<Vec<Vec<Event>>> {
    let reference = &contig[ws as usize..we as usize];
    let assembled = assembly::haplotypes(reference, &clipped.seqs, o.window.max_haps, &o.assembly);
    let mut hap_events: Vec<Vec<Event>> = vec![Vec::new()];
    for h in &assembled[1..] {
        // Keep only the events inside the active span: variation in the padding is left to the
        // neighbouring window, and would otherwise multiply haplotypes here.
        let kept: Vec<Event> =
            events::of_haplotype(h, contig, ws, reference.len(), &o.window.haplotype_scoring)?
                .into_iter()
                .filter(|e| e.pos >= ca && e.pos < cb)
                .collect();
        if !kept.is_empty() && !hap_events.contains(&kept) {
            hap_events.push(kept);
        }
    }
    for e in candidates::from_reads(reads, contig, ca, cb, &o.pileup) {
        if hap_events.len() >= o.window.max_haps + o.window.max_pileup_haps {
            break;
        }
        if !hap_events.iter().any(|h| h.len() == 1 && h[0] == e) {
            hap_events.push(vec![e]);
        }
    }
    let cap = o.window.max_haps + o.window.max_pileup_haps;
    combine_pairs(&mut hap_events, cap, |evs| {
        allele::apply(contig, ws, we, evs)
    });
    Ok(hap_events)
}

/// Adds, up to `cap` haplotypes, each pair of single-event haplotypes whose events lie apart:
/// a read that carries both would otherwise be scored only against haplotypes with one or the
/// other, and credited to whichever costs it less at each site (beside a homopolymer, a read
/// with a SNP and a 2-base insertion went to the insertion's haplotype, REF at the SNP). A pair
/// that spells a haplotype already there (an insertion and a deletion that together make a
/// SNP) is left out: reads would split between the two.
fn combine_pairs(
    hap_events: &mut Vec<Vec<Event>>,
    cap: usize,
    spell: impl Fn(&[Event]) -> Vec<u8>,
) {
    // Every haplotype's sequence, spelled only once a pair needs comparing.
    let mut spelled: Option<Vec<Vec<u8>>> = None;
    let singles: Vec<Event> = hap_events
        .iter()
        .filter(|h| h.len() == 1)
        .map(|h| h[0].clone())
        .collect();
    for (i, a) in singles.iter().enumerate() {
        for b in &singles[i + 1..] {
            let (first, second) = if a.pos <= b.pos { (a, b) } else { (b, a) };
            if first.pos + first.reference.len() as i64 >= second.pos {
                continue;
            }
            if hap_events.len() >= cap {
                return;
            }
            let pair = vec![first.clone(), second.clone()];
            let seq = spell(&pair);
            let known =
                spelled.get_or_insert_with(|| hap_events.iter().map(|h| spell(h)).collect());
            if !known.contains(&seq) {
                known.push(seq);
                hap_events.push(pair);
            }
        }
    }
}

/// The repeat gap qualities of the shard's reads, each computed once, when a window first
/// scores the read (from the whole read, soft clips included).
struct RepeatQuals {
    errors: IndelErrors,
    of_read: Vec<Option<Vec<u8>>>,
}

impl RepeatQuals {
    /// None without a model (asking again costs nothing then).
    fn of(&mut self, reads: &[AlnRead], i: usize) -> Option<&[u8]> {
        if self.of_read[i].is_none() {
            self.of_read[i] = self.errors.read_quals(&reads[i].seq);
        }
        self.of_read[i].as_deref()
    }
}

/// Prepares one window: its haplotypes and, for every read reaching into the active span, a
/// pair-HMM job against each haplotype. None when no haplotype differs from the reference.
fn prepare(
    contig: &[u8],
    reads: &[AlnRead],
    active: (i64, i64),
    (ws, we): (i64, i64),
    batch: &mut PairHmmBatch,
    repeats: &mut RepeatQuals,
    o: &CallOpts,
) -> Result<Option<Window>> {
    let slack = o.window.site_slack;
    let core = (
        (active.0 - slack).max(ws + 1),
        (active.1 + slack).min(we - 1),
    );
    let clipped = clip_reads(reads, (ws, we), core, o);
    let hap_events = haplotype_events(contig, (ws, we), core, reads, &clipped, o)?;
    if hap_events.iter().all(Vec::is_empty) {
        return Ok(None);
    }
    if std::env::var_os("ZENOME_DEBUG_WINDOWS").is_some() {
        eprintln!(
            "window {}-{}: {} reads, haplotype events {:?}",
            ws + 1,
            we,
            clipped.seqs.len(),
            hap_events
        );
    }
    let hap_spans: Vec<_> = hap_events
        .iter()
        .map(|evs| batch.push_hap(&allele::apply(contig, ws, we, evs)))
        .collect();
    let first_job = batch.len();
    let mut used = Vec::new();
    let (mut ins, mut del) = (Vec::new(), Vec::new());
    for (((seq, qual), range), &(scored, useful)) in
        clipped.seqs.iter().zip(&clipped.ranges).zip(&clipped.info)
    {
        if !useful {
            continue;
        }
        ins.clear();
        del.clear();
        let read_quals = repeats.of(reads, scored.read);
        IndelErrors::quals(read_quals, range.clone(), o.gap, &mut ins, &mut del);
        let r = batch.push_read_gaps(seq, qual, &ins, &del, o.gap.gcp);
        for &h in &hap_spans {
            batch.push_job(r, h);
        }
        used.push(scored);
    }
    Ok(Some(Window {
        active,
        hap_events,
        reads: used,
        first_job,
    }))
}
