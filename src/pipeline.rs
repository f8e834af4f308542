//! The scheduler: streams read batches through the stages in order, with bounded channels,
//! and writes the output in input order (or coordinate order) whatever the thread count.

pub(crate) mod align_run;
pub(crate) mod batch_writer;
pub(crate) mod block_join;
pub(crate) mod call_run;
pub(crate) mod chunk_file;
pub(crate) mod concat;
pub(crate) mod dup_metrics;
pub(crate) mod joint_inputs;
pub(crate) mod lanes;
pub(crate) mod markdup;
pub(crate) mod metrics;
pub(crate) mod progress;
pub(crate) mod qc;
pub(crate) mod report;
pub(crate) mod sink;
pub(crate) mod split;
pub(crate) mod stages;
pub(crate) mod stream_call;
