//! Short-read alignment, batch at a time: seed, chain, extend (through `Backend::extend`),
//! rescue mates, pair, score MAPQ and finish records.

pub(crate) mod alignment;
pub(crate) mod chain;
pub(crate) mod extend;
pub(crate) mod insert;
pub(crate) mod mapq;
pub(crate) mod options;
pub(crate) mod pair;
pub(crate) mod record;
pub(crate) mod seed;

use rayon::prelude::*;

pub(crate) use options::AlignOpts;

use crate::backend::{Backend, ExtendBatch, ExtendResults};
use crate::core::Result;
use crate::core::base::revcomp;
use crate::index::Index;
use crate::index::file::ContigInfo;
use crate::io::fastq::Read;
use crate::io::fragments::Fragment;
use crate::io::sam_record::SamRecord;
use alignment::Alignment;
use chain::Candidate;
use insert::InsertStats;
use pair::{PairChoice, PairParams, ReadHits};
use record::{DupEnds, Finisher, Placed};
use seed::{Hit, SeedScratch};

/// The aligner: an index, a backend and options.
pub(crate) struct Aligner<'a> {
    pub index: &'a Index,
    pub contigs: Vec<ContigInfo>,
    pub backend: &'a dyn Backend,
    pub opts: AlignOpts,
    /// Which contigs are ALT contigs (bwa's REF.alt); empty when the reference has none.
    pub is_alt: Vec<bool>,
}

/// Records of one batch, in fragment order, with what duplicate marking needs.
pub(crate) struct BatchOutput {
    pub records: Vec<Vec<SamRecord>>,
    pub dups: Vec<DupEnds>,
}

/// A batch after seeding: each read's preparation and the extension jobs it needs.
pub(crate) struct Seeded {
    preps: Vec<Prep>,
    /// The extension jobs of the whole batch, for the backend.
    pub batch: ExtendBatch,
    /// The read and window of each job.
    owners: Vec<(usize, extend::Window)>,
}

/// A read's seeds turned into finished ungapped alignments and candidates for the DP.
struct Prep {
    rc: Vec<u8>,
    found: Vec<Alignment>,
    dp: Vec<Candidate>,
    extra_ties: u32,
}

impl<'a> Aligner<'a> {
    pub(crate) fn new(index: &'a Index, backend: &'a dyn Backend, opts: AlignOpts) -> Self {
        Aligner {
            index,
            contigs: index.contigs(),
            backend,
            opts,
            is_alt: Vec::new(),
        }
    }

    fn seed_floor(&self) -> i32 {
        self.index.params().k as i32 * self.opts.scoring.match_score
    }

    /// The reads of a batch in order: first mate, then second, fragment after fragment.
    pub(crate) fn reads_of(frags: &[Fragment]) -> Vec<&Read> {
        frags
            .iter()
            .flat_map(|f| std::iter::once(&f.r1).chain(f.r2.as_ref()))
            .collect()
    }

    /// The CPU half of mapping: seeds, chains and ungapped placements of each read, and the
    /// extension jobs for the rest (the pipeline runs these while the backend extends the
    /// batch before).
    pub(crate) fn seed(&self, reads: &[&Read]) -> Seeded {
        let preps: Vec<Prep> = reads
            .par_iter()
            .with_min_len(16)
            .map_init(
                || (SeedScratch::default(), Vec::new()),
                |(sc, hits), r| self.prepare(r, sc, hits),
            )
            .collect();
        let reference = self.index.seq();
        let mut batch = ExtendBatch::new(self.opts.scoring);
        let mut owners = Vec::new();
        for (ri, p) in preps.iter().enumerate() {
            for c in &p.dp {
                let q = if c.rev { &p.rc } else { &reads[ri].seq };
                if let Some(w) = extend::push_job(&mut batch, q, reference, &self.contigs, c) {
                    owners.push((ri, w));
                }
            }
        }
        Seeded {
            preps,
            batch,
            owners,
        }
    }

    /// Each read's candidate alignments, best first, from its seeding and the extension results.
    pub(crate) fn complete(&self, seeded: Seeded, res: &ExtendResults) -> Result<Vec<ReadHits>> {
        let mut out: Vec<ReadHits> = seeded
            .preps
            .into_iter()
            .map(|p| ReadHits {
                alns: p.found,
                extra_ties: p.extra_ties,
            })
            .collect();
        for ((ri, w), r) in seeded.owners.iter().zip(&res.results) {
            if let Some(a) = extend::from_result(w, r, res)? {
                out[*ri].alns.push(a);
            }
        }
        out.par_iter_mut()
            .for_each(|h| h.normalise(self.opts.min_score));
        Ok(out)
    }

    fn prepare(&self, read: &Read, sc: &mut SeedScratch, hits: &mut Vec<Hit>) -> Prep {
        let rc = revcomp(&read.seq);
        let mut prep = Prep {
            rc,
            found: Vec::new(),
            dp: Vec::new(),
            extra_ties: 0,
        };
        seed::collect_hits(self.index, &read.seq, self.opts.max_occ, sc, hits);
        let cands = chain::chain(hits, self.index.params().k);
        let Some(top) = cands.first().copied() else {
            return prep;
        };
        let mut selected = 0;
        for c in &cands {
            let strong = c.cover * 10 >= top.cover * 4;
            let other_part =
                c.qhi.min(top.qhi).saturating_sub(c.qlo.max(top.qlo)) * 2 < c.qhi - c.qlo;
            if selected < self.opts.max_extend
                && (strong || (other_part && c.cover >= 2 * self.index.params().k))
            {
                selected += 1;
                let q = if c.rev { &prep.rc } else { &read.seq };
                match extend::ungapped(&self.opts.scoring, q, self.index.seq(), &self.contigs, c) {
                    Some(a) => prep.found.push(a),
                    None => prep.dp.push(*c),
                }
            } else if c.cover * 10 >= top.cover * 9 {
                prep.extra_ties += 1;
            }
        }
        prep
    }

    /// Insert sizes of pairs whose mates both map uniquely, facing each other on one contig.
    pub(crate) fn insert_sizes(&self, frags: &[Fragment], hits: &[ReadHits]) -> Vec<i64> {
        let mut sizes = Vec::new();
        let mut at = 0;
        for f in frags {
            if let Some(r2) = &f.r2 {
                let (a, b) = (&hits[at], &hits[at + 1]);
                let unique = |h: &ReadHits, len: usize| {
                    !h.alns.is_empty() && h.mapq_se(0, len as u32, self.seed_floor()).0 >= 20
                };
                if unique(a, f.r1.seq.len())
                    && unique(b, r2.seq.len())
                    && let Some(s) = insert::fr_insert(&a.alns[0], &b.alns[0])
                {
                    sizes.push(s);
                }
                at += 2;
            } else {
                at += 1;
            }
        }
        sizes
    }

    /// Rescues mates, pairs, and finishes the records of a batch.
    pub(crate) fn finish_batch(
        &self,
        frags: &[Fragment],
        mut hits: Vec<ReadHits>,
        stats: &InsertStats,
    ) -> Result<BatchOutput> {
        let starts: Vec<usize> = frags
            .iter()
            .scan(0, |at, f| {
                let s = *at;
                *at += 1 + usize::from(f.r2.is_some());
                Some(s)
            })
            .collect();
        self.rescue(frags, &starts, &mut hits, stats)?;
        let finisher = Finisher {
            contigs: &self.contigs,
            reference: self.index.seq(),
            read_group: None,
            soft_clip_supplementary: self.opts.soft_clip_supplementary,
            split_as_secondary: self.opts.split_as_secondary,
            all_alignments: self.opts.all_alignments,
        };
        let done: Vec<(Vec<SamRecord>, DupEnds)> = frags
            .par_iter()
            .zip(starts.par_iter())
            .with_min_len(16)
            .map(|(f, &s)| {
                let finisher = Finisher {
                    read_group: self
                        .opts
                        .read_groups
                        .get(usize::from(f.lane))
                        .map(Vec::as_slice),
                    ..finisher
                };
                self.finish_fragment(f, &hits[s..], stats, &finisher)
            })
            .collect();
        let (records, dups) = done.into_iter().unzip();
        Ok(BatchOutput { records, dups })
    }

    fn rescue(
        &self,
        frags: &[Fragment],
        starts: &[usize],
        hits: &mut [ReadHits],
        stats: &InsertStats,
    ) -> Result<()> {
        let reference = self.index.seq();
        let mut batch = ExtendBatch::new(self.opts.scoring);
        let mut owners = Vec::new();
        for (f, &s) in frags.iter().zip(starts) {
            let Some(r2) = &f.r2 else { continue };
            for (me, other, read) in [(s, s + 1, &f.r1), (s + 1, s, r2)] {
                let Some(anchor) = hits[other].alns.first() else {
                    continue;
                };
                if anchor.score < 2 * self.opts.min_score
                    || pair::has_proper_mate(anchor, &hits[me], stats)
                {
                    continue;
                }
                let (lo, hi, rev) = pair::rescue_window(anchor, stats);
                let q = if rev {
                    revcomp(&read.seq)
                } else {
                    read.seq.clone()
                };
                let info = &self.contigs[anchor.contig as usize];
                if let Some(w) = extend::push_window_job(
                    &mut batch,
                    &q,
                    reference,
                    info,
                    anchor.contig,
                    (lo, hi),
                    rev,
                ) {
                    owners.push((me, w));
                }
            }
        }
        if batch.is_empty() {
            return Ok(());
        }
        let res = self.backend.extend(&batch)?;
        for ((ri, w), r) in owners.iter().zip(&res.results) {
            if let Some(a) = extend::from_result(w, r, &res)? {
                hits[*ri].alns.push(a);
                // A rescued mate needs only a seed's worth of score (as in bwa-mem): lying
                // next to a well-placed mate is evidence in itself.
                hits[*ri].normalise(self.seed_floor());
            }
        }
        Ok(())
    }

    fn finish_fragment(
        &self,
        f: &Fragment,
        hits: &[ReadHits],
        stats: &InsertStats,
        fin: &Finisher,
    ) -> (Vec<SamRecord>, DupEnds) {
        let choice = if !self.is_alt.is_empty() {
            self.choose_alt_aware(f, hits, stats)
        } else {
            self.choose(f, hits, stats)
        };
        let p1 = self.placed(&f.r1, &hits[0], choice.first, choice.mapq[0]);
        let p2 =
            f.r2.as_ref()
                .map(|r2| self.placed(r2, &hits[1], choice.second, choice.mapq[1]));
        let mates = [Some(&p1), p2.as_ref()];
        let mut out = Vec::with_capacity(2);
        fin.records(mates, choice.proper, &mut out);
        (out, record::dup_ends(mates))
    }

    /// Each mate's placement and MAPQ from its hits.
    fn choose(&self, f: &Fragment, hits: &[ReadHits], stats: &InsertStats) -> PairChoice {
        let floor = self.seed_floor();
        match &f.r2 {
            Some(r2) => {
                let params = PairParams {
                    stats,
                    unpaired_penalty: self.opts.unpaired_penalty,
                    seed_floor: floor,
                    lens: [f.r1.seq.len() as u32, r2.seq.len() as u32],
                };
                pair::choose(&hits[0], &hits[1], &params)
            }
            None => {
                let first = (!hits[0].alns.is_empty()).then_some(0);
                let q = first.map_or(0, |i| hits[0].mapq_se(i, f.r1.seq.len() as u32, floor).0);
                PairChoice {
                    first,
                    second: None,
                    mapq: [q, 0],
                    proper: false,
                }
            }
        }
    }

    /// bwa's `pa:f` for an alignment on an ALT contig: its score over that of the best
    /// primary-assembly hit of the same bases (none without one).
    fn pa(&self, a: &Alignment, hits: &ReadHits, len: u32) -> Option<f64> {
        if !self.is_alt(a) {
            return None;
        }
        let best = hits
            .alns
            .iter()
            .filter(|b| !self.is_alt(b) && a.shares_query(b, len))
            .map(|b| b.score)
            .max()?;
        (best > 0).then(|| f64::from(a.score) / f64::from(best))
    }

    fn is_alt(&self, a: &Alignment) -> bool {
        self.is_alt.get(a.contig as usize).copied().unwrap_or(false)
    }

    /// The choice with ALT contigs (bwa's REF.alt): made among the primary assembly's hits, so
    /// that an ALT contig mirroring a primary hit does not lower its MAPQ; a mate whose best
    /// hit is on an ALT contig and beats every primary hit keeps the choice among all hits
    /// (it is reported there, its primary hit in XA).
    fn choose_alt_aware(&self, f: &Fragment, hits: &[ReadHits], stats: &InsertStats) -> PairChoice {
        // Most fragments have no ALT hit: the choice among all hits is the same, uncopied.
        if !hits.iter().any(|h| h.alns.iter().any(|a| self.is_alt(a))) {
            return self.choose(f, hits, stats);
        }
        // Each mate's primary-assembly hits, and where each stands among all its hits.
        let places: Vec<Vec<usize>> = hits
            .iter()
            .map(|h| {
                (0..h.alns.len())
                    .filter(|&i| !self.is_alt(&h.alns[i]))
                    .collect()
            })
            .collect();
        let views: Vec<ReadHits> = hits
            .iter()
            .zip(&places)
            .map(|(h, idx)| ReadHits {
                alns: idx.iter().map(|&i| h.alns[i].clone()).collect(),
                extra_ties: h.extra_ties,
            })
            .collect();
        let alt_better = hits.iter().zip(&views).any(|(h, p)| {
            let best_alt = h
                .alns
                .iter()
                .filter(|a| self.is_alt(a))
                .map(|a| a.score)
                .max();
            match (best_alt, p.alns.first()) {
                (Some(x), Some(y)) => x > y.score,
                (Some(_), None) => true,
                _ => false,
            }
        });
        if alt_better {
            return self.choose(f, hits, stats);
        }
        let c = self.choose(f, &views, stats);
        PairChoice {
            first: c.first.map(|i| places[0][i]),
            second: c.second.and_then(|i| places.get(1).map(|p| p[i])),
            ..c
        }
    }

    /// Other placements of the chosen alignment's part of the read (sharing at least half of
    /// it), best first: those scoring at least 80% of it, and none when there are more than
    /// the XA limit (bwa's rule); with `-a`, those scoring at least half of it.
    fn alternatives<'r>(&self, a: &Alignment, hits: &'r ReadHits, len: u32) -> Vec<&'r Alignment> {
        let (ratio, limit) = if self.opts.all_alignments {
            (0.5, usize::MAX)
        } else {
            (0.8, self.opts.max_xa_hits)
        };
        let alts: Vec<&Alignment> = hits
            .alns
            .iter()
            .filter(|b| {
                !std::ptr::eq(*b, a)
                    && !b.same_place(a)
                    && f64::from(b.score) >= ratio * f64::from(a.score)
                    && a.shares_query(b, len)
            })
            .collect();
        if alts.len() > limit { Vec::new() } else { alts }
    }

    fn placed<'r>(
        &self,
        read: &'r Read,
        hits: &'r ReadHits,
        chosen: Option<usize>,
        mapq: u8,
    ) -> Placed<'r> {
        let len = read.seq.len() as u32;
        let Some(i) = chosen else {
            return Placed {
                read,
                aln: None,
                mapq: 0,
                sub: 0,
                supplementary: None,
                alternatives: Vec::new(),
                pa: None,
            };
        };
        let a = &hits.alns[i];
        let sub = hits.mapq_se(i, len, self.seed_floor()).1;
        let supplementary = hits
            .alns
            .iter()
            .enumerate()
            .find(|(j, b)| {
                *j != i
                    && b.qend - b.qstart >= 30
                    && a.query_overlap(b, len) * 10 <= (b.qend - b.qstart) * 3
            })
            .map(|(j, b)| (b, hits.mapq_se(j, len, self.seed_floor()).0.min(mapq)));
        Placed {
            read,
            aln: Some(a),
            mapq,
            sub,
            supplementary,
            alternatives: self.alternatives(a, hits, len),
            pa: self.pa(a, hits, len),
        }
    }
}
