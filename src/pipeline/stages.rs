//! The alignment's first two stages on threads of their own, so that they overlap: while the
//! backend extends batch N (on a GPU, or on the CPU pool), batch N+1 is seeded and batch N-1 is
//! paired and finished by the caller. Channels of one batch between stages bound what is in
//! flight (memory follows the batch size); batches stay in input order, so the output does not
//! change.

use std::thread::Scope;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender, bounded};

use crate::align::pair::ReadHits;
use crate::align::{Aligner, Seeded};
use crate::backend::{Backend, ExtendResults};
use crate::core::Result;
use crate::io::fragments::Fragment;

/// A batch with its reads' candidate alignments, and the seconds its two stages took.
pub(crate) struct Mapped {
    pub frags: Vec<Fragment>,
    pub hits: Vec<ReadHits>,
    pub seed_seconds: f64,
    pub extend_seconds: f64,
    /// Turning extension results into candidates (on the caller's thread).
    pub complete_seconds: f64,
}

/// A batch after seeding, on its way to the backend.
struct SeededBatch {
    frags: Vec<Fragment>,
    seeded: Seeded,
    seed_seconds: f64,
}

/// A batch after extension.
pub(crate) struct Extended {
    frags: Vec<Fragment>,
    seeded: Seeded,
    results: ExtendResults,
    seed_seconds: f64,
    extend_seconds: f64,
}

impl Extended {
    /// The batch's candidate alignments (done by the caller, which owns the order).
    pub(crate) fn complete(self, aligner: &Aligner) -> Result<Mapped> {
        let t = Instant::now();
        let hits = aligner.complete(self.seeded, &self.results)?;
        Ok(Mapped {
            frags: self.frags,
            hits,
            seed_seconds: self.seed_seconds,
            extend_seconds: self.extend_seconds,
            complete_seconds: t.elapsed().as_secs_f64(),
        })
    }
}

/// Starts the seeding and extension threads on `batches` (`first`, then what `rest` brings);
/// empty batches are skipped. The returned channel ends after the last batch or an error.
pub(crate) fn spawn<'scope, 'env>(
    scope: &'scope Scope<'scope, 'env>,
    aligner: &'env Aligner<'env>,
    backend: &'env dyn Backend,
    first: Vec<Fragment>,
    rest: Receiver<Result<Vec<Fragment>>>,
) -> Receiver<Result<Extended>> {
    let (seeded_tx, seeded_rx) = bounded::<Result<SeededBatch>>(1);
    let (extended_tx, extended_rx) = bounded::<Result<Extended>>(1);
    scope.spawn(move || seed_stage(aligner, first, rest, seeded_tx));
    scope.spawn(move || extend_stage(backend, seeded_rx, extended_tx));
    extended_rx
}

fn seed_stage(
    aligner: &Aligner,
    first: Vec<Fragment>,
    rest: Receiver<Result<Vec<Fragment>>>,
    out: Sender<Result<SeededBatch>>,
) {
    for batch in std::iter::once(Ok(first)).chain(rest.iter()) {
        let item = batch.map(|frags| {
            let t = Instant::now();
            let seeded = aligner.seed(&Aligner::reads_of(&frags));
            SeededBatch {
                frags,
                seeded,
                seed_seconds: t.elapsed().as_secs_f64(),
            }
        });
        let (stop, skip) = match &item {
            Ok(b) => (false, b.frags.is_empty()),
            Err(_) => (true, false),
        };
        if !skip && out.send(item).is_err() || stop {
            return;
        }
    }
}

fn extend_stage(
    backend: &dyn Backend,
    input: Receiver<Result<SeededBatch>>,
    out: Sender<Result<Extended>>,
) {
    for item in input.iter() {
        let done = item.and_then(|b| {
            let t = Instant::now();
            let results = backend.extend(&b.seeded.batch)?;
            Ok(Extended {
                frags: b.frags,
                seeded: b.seeded,
                results,
                seed_seconds: b.seed_seconds,
                extend_seconds: t.elapsed().as_secs_f64(),
            })
        });
        let stop = done.is_err();
        if out.send(done).is_err() || stop {
            return;
        }
    }
}
