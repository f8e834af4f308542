//! The `zenome` command: parse, run, map errors to exit statuses (0 ok, 1 input or usage, 2
//! internal). SIGINT, SIGTERM and SIGHUP remove temporary files before the process ends.

use clap::Parser;
use zenome::cli::{self, Cli};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // An option zenome does not know (a bwa mem flag not supported, say): one line
            // naming it, exit 1. Other usage errors (a missing argument) keep clap's message with
            // its usage line.
            if e.kind() == clap::error::ErrorKind::UnknownArgument
                && let Some(clap::error::ContextValue::String(arg)) =
                    e.get(clap::error::ContextKind::InvalidArg)
            {
                eprintln!(
                    "zenome: unsupported option '{arg}' (see zenome --help and the subcommand's --help)"
                );
                std::process::exit(1);
            }
            // A value the option cannot take: one line naming both, exit 1.
            if matches!(
                e.kind(),
                clap::error::ErrorKind::InvalidValue | clap::error::ErrorKind::ValueValidation
            ) {
                let text = e.to_string();
                let first = text.lines().next().unwrap_or_default();
                eprintln!("zenome: {}", first.trim_start_matches("error: "));
                std::process::exit(1);
            }
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    if let Err(e) = zenome::io::cleanup::install_signal_handlers() {
        eprintln!("zenome: cannot install signal handlers: {e}");
        std::process::exit(2);
    }
    if let Err(e) = cli::run(cli) {
        zenome::io::cleanup::exit_after_error(e.exit_code(), &format!("zenome: {e}"));
    }
}
