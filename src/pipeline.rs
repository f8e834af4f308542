//! The scheduler: streams read batches through the stages in order, with bounded channels,
//! and writes the output in input order (or coordinate order) whatever the thread count.

pub mod align_run;
pub mod block_join;
pub mod call_run;
pub mod markdup;
pub mod metrics;
pub mod progress;
pub mod sink;
