//! The last stage of alignment, on a thread of its own: each finished batch's counts and QC
//! figures, its records into the sink, and the batch freed there. The thread that owns the
//! order (completing and pairing batches) hands batches on and goes back to the next one, so
//! that no sequential step of one batch holds up the cores at the end of the input.

use std::thread::{Scope, ScopedJoinHandle};
use std::time::Instant;

use crossbeam_channel::Receiver;

use super::metrics::Metrics;
use super::qc::{CycleQuality, InsertSizes};
use super::sink::Sink;
use crate::align::BatchOutput;
use crate::core::Result;
use crate::io::fragments::Fragment;
use crate::io::sam_record::flag;

/// A batch's fragments and their records, ready for the sink.
pub(crate) struct Finished {
    pub frags: Vec<Fragment>,
    pub out: BatchOutput,
}

/// The sink and what is counted of the records on their way to it.
pub(crate) struct BatchWriter {
    pub sink: Sink,
    pub inserts: InsertSizes,
    pub quality: CycleQuality,
    reads: u64,
    mapped: u64,
    proper: u64,
    seconds: f64,
}

impl BatchWriter {
    pub(crate) fn new(sink: Sink) -> Self {
        BatchWriter {
            sink,
            inserts: InsertSizes::default(),
            quality: CycleQuality::default(),
            reads: 0,
            mapped: 0,
            proper: 0,
            seconds: 0.0,
        }
    }

    /// Takes batches from `rx` until it closes, on a thread of `scope`; the thread gives the
    /// writer back (or the sink's first error).
    pub(crate) fn spawn<'scope>(
        mut self,
        scope: &'scope Scope<'scope, '_>,
        rx: Receiver<Finished>,
    ) -> ScopedJoinHandle<'scope, Result<BatchWriter>> {
        scope.spawn(move || {
            for batch in rx {
                self.take(batch)?;
            }
            Ok(self)
        })
    }

    fn take(&mut self, b: Finished) -> Result<()> {
        let t = Instant::now();
        for r in b
            .out
            .records
            .iter()
            .flatten()
            .filter(|r| r.flag & (flag::SUPPLEMENTARY | flag::SECONDARY) == 0)
        {
            self.reads += 1;
            self.mapped += u64::from(r.flag & flag::UNMAPPED == 0);
            self.proper += u64::from(r.flag & flag::PROPER != 0);
        }
        for recs in &b.out.records {
            self.inserts.add(recs);
        }
        for f in &b.frags {
            self.quality.add(0, &f.r1.qual);
            if let Some(r2) = &f.r2 {
                self.quality.add(1, &r2.qual);
            }
        }
        let first = b.frags.first().map_or(0, |f| f.index);
        self.sink.push(first, &b.out.records, b.out.dups)?;
        drop(b.frags);
        self.seconds += t.elapsed().as_secs_f64();
        Ok(())
    }

    /// Adds the writer's time and the read counts to `m`.
    pub(crate) fn add_to(&self, m: &mut Metrics) {
        m.add("write", self.seconds);
        m.count("reads", self.reads);
        m.count("mapped", self.mapped);
        m.count("properly_paired", self.proper);
    }
}
