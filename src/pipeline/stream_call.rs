//! Calling while the BAM is written: `run` hands every sorted record, as the final merge
//! writes it, to a [`Streamer`], which keeps the records near the calling front and starts a
//! shard's calling (on the worker pool) as soon as the merge has passed the shard's read
//! window: no later record can overlap it. The shards see exactly the records an indexed
//! BAM would give them (the same filter, the same order), so the VCF is the one `call` writes
//! from the finished BAM.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use super::call_run::{CallConfig, Plan};
use super::sink::Tap;
use crate::backend::Backend;
use crate::call::reads::usable;
use crate::call::region::{Shard, ShardCalls, call_shard};
use crate::core::cigar;
use crate::core::{Error, Result};
use crate::io::bam_decode;
use crate::io::bam_reader::RecordSource;
use crate::io::dict::RefSeq;
use crate::io::sam_record::{BAM_FLAG_OFFSET, SamRecord};

/// Each shard's calls, in grid order, filled in as shards finish.
pub(crate) type Results = Arc<Vec<Mutex<Option<Result<ShardCalls>>>>>;

/// Empty results for `shards` shards.
pub(crate) fn results(shards: usize) -> Results {
    Arc::new((0..shards).map(|_| Mutex::new(None)).collect())
}

/// A usable record near the calling front, shared by the windows it falls in, and where it
/// ends on the reference.
type Held = (Arc<SamRecord>, i64);

/// The records of one shard's read window, served as an indexed BAM would serve them.
struct WindowReads {
    records: Vec<Held>,
    path: PathBuf,
}

impl RecordSource for WindowReads {
    fn fetch_records(
        &self,
        tid: usize,
        start: i64,
        end: i64,
        keep: &dyn Fn(u16, u8) -> bool,
    ) -> Result<Vec<SamRecord>> {
        Ok(self
            .records
            .iter()
            .filter(|(r, r_end)| {
                r.tid == tid as i32 && r.pos < end && *r_end > start && keep(r.flag, r.mapq)
            })
            .map(|(r, _)| SamRecord::clone(r))
            .collect())
    }

    fn source_path(&self) -> &Path {
        &self.path
    }
}

/// The calling front: records kept for shards not yet started, the next shard to start.
pub(crate) struct Streamer<'d, 'r, 's> {
    cfg: &'d CallConfig,
    plan: &'d Plan,
    backend: &'d dyn Backend,
    dict: Vec<RefSeq>,
    scope: &'r rayon::Scope<'s>,
    /// Usable records from the earliest unstarted shard's window on.
    window: VecDeque<Held>,
    next: usize,
    results: Results,
    /// Shards started and not yet done, and the most allowed at once: a merge that runs ahead
    /// of calling waits rather than queue shards (and their reads) without bound.
    in_flight: Arc<(Mutex<usize>, Condvar)>,
    max_in_flight: usize,
}

/// Sorts a record's (tid, pos) as the BAM does: unplaced (tid -1) last.
fn placed(tid: i32, pos: i64) -> (u64, i64) {
    (if tid < 0 { u64::MAX } else { tid as u64 }, pos)
}

impl<'d, 'r, 's> Streamer<'d, 'r, 's>
where
    'd: 's,
{
    /// A streamer whose shards run on `scope` and put their calls in `results` (see
    /// [`results`]); `dict` is the BAM's.
    pub(crate) fn new(
        cfg: &'d CallConfig,
        plan: &'d Plan,
        backend: &'d dyn Backend,
        dict: Vec<RefSeq>,
        scope: &'r rayon::Scope<'s>,
        results: Results,
    ) -> Self {
        Streamer {
            cfg,
            plan,
            backend,
            dict,
            scope,
            window: VecDeque::new(),
            next: 0,
            results,
            in_flight: Arc::new((Mutex::new(0), Condvar::new())),
            max_in_flight: 2 * rayon::current_num_threads(),
        }
    }

    /// The read window `[start, end)` of grid shard `g` and its contig's BAM id.
    fn window_of(&self, g: usize) -> (Option<usize>, i64, i64) {
        let (ci, k) = self.plan.grid[g];
        let (start, end) = self.plan.bounds(ci, k);
        let margin = self.cfg.opts.window.margin;
        let clen = self.plan.contigs[ci].seq.len() as i64;
        (
            self.plan.tids[ci],
            (start - margin).max(0),
            (end + margin).min(clen),
        )
    }

    /// Starts the next shard with the records of its window, then forgets records that no
    /// later shard can use.
    fn start_next(&mut self) {
        let g = self.next;
        self.next += 1;
        let (tid, start, end) = self.window_of(g);
        let records: Vec<Held> = match tid {
            Some(t) => self
                .window
                .iter()
                .filter(|(r, r_end)| r.tid == t as i32 && r.pos < end && *r_end > start)
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        if let Some((t, next_start, _)) = (self.next < self.plan.grid.len())
            .then(|| self.window_of(self.next))
            .and_then(|(t, s, e)| t.map(|t| (t, s, e)))
        {
            while self.window.front().is_some_and(|(r, r_end)| {
                placed(r.tid, 0) < placed(t as i32, 0)
                    || (r.tid == t as i32 && *r_end <= next_start)
            }) {
                self.window.pop_front();
            }
        }
        let (cfg, plan, backend, results) =
            (self.cfg, self.plan, self.backend, self.results.clone());
        let in_flight = self.in_flight.clone();
        {
            let (count, cv) = &*in_flight;
            let mut n = count.lock().unwrap_or_else(|e| e.into_inner());
            while *n >= self.max_in_flight {
                n = cv.wait(n).unwrap_or_else(|e| e.into_inner());
            }
            *n += 1;
        }
        self.scope.spawn(move |_| {
            let src = WindowReads {
                records,
                path: cfg.bam.clone(),
            };
            let shard: Shard = plan.shard(&src, &plan.grid[g], cfg.gvcf);
            let out = call_shard(&shard, backend, &cfg.opts);
            if let Ok(mut slot) = results[g].lock() {
                *slot = Some(out);
            }
            let (count, cv) = &*in_flight;
            let mut n = count.lock().unwrap_or_else(|e| e.into_inner());
            *n -= 1;
            cv.notify_all();
        });
    }

    /// Starts every shard not yet started (the merge has written everything).
    pub(crate) fn finish(&mut self) {
        while self.next < self.plan.grid.len() {
            self.start_next();
        }
    }
}

impl<'d, 's> Tap for Streamer<'d, '_, 's>
where
    'd: 's,
{
    /// Takes the next written record (BAM-encoded, no block size).
    fn take(&mut self, rec: &[u8]) -> Result<()> {
        let word = |at: usize| i32::from_le_bytes([rec[at], rec[at + 1], rec[at + 2], rec[at + 3]]);
        let (tid, pos) = (word(0), i64::from(word(4)));
        // Every shard whose window ends at or before this record is complete.
        while self.next < self.plan.grid.len() {
            let (t, _, end) = self.window_of(self.next);
            let done = match t {
                Some(t) => placed(tid, pos) >= placed(t as i32, end),
                None => true,
            };
            if !done {
                break;
            }
            self.start_next();
        }
        let flags = u16::from_le_bytes([rec[BAM_FLAG_OFFSET - 4], rec[BAM_FLAG_OFFSET - 3]]);
        let mapq = rec[9];
        if tid >= 0 && usable(flags, mapq, &self.cfg.opts.reads) {
            let r = bam_decode::decode(rec, &self.dict)
                .map_err(|msg| Error::Internal(format!("a record just written: {msg}")))?;
            let end = r.pos + cigar::reference_span(&r.cigar).max(1);
            self.window.push_back((Arc::new(r), end));
        }
        Ok(())
    }

    fn end(&mut self) -> Result<()> {
        self.finish();
        Ok(())
    }
}
