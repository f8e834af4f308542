//! Progress on a terminal; silence when standard error is not one (or with `-q`, where the
//! callers ask for a hidden bar).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

fn styled(bar: ProgressBar, template: &str) -> ProgressBar {
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A spinner counting `unit`s, hidden unless standard error is a terminal.
pub(crate) fn spinner(unit: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let template = format!("{{spinner}} {{elapsed}} {{human_pos}} {unit} ({{per_sec}})");
    styled(ProgressBar::new_spinner(), &template)
}

/// A bar over `len` `unit`s with its rate and time left, hidden unless standard error is a
/// terminal. `stage` names it.
pub(crate) fn bar(stage: &str, len: u64, unit: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let template = format!(
        "{stage:>7} {{elapsed_precise}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} ({{eta}} left)"
    );
    styled(ProgressBar::new(len), &template)
}

/// A bar over the input files' bytes that shows reads in its message: the ETA comes from the
/// share of the input read, the rate from the reads.
pub(crate) fn input_bar(stage: &str, bytes: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let template = format!(
        "{stage:>7} {{elapsed_precise}} [{{bar:30}}] {{percent:>3}}% {{msg}} ({{eta}} left)"
    );
    styled(ProgressBar::new(bytes), &template)
}
