//! The `zenome` command: parse, run, map errors to exit statuses (0 ok, 1 input or usage, 2
//! internal). SIGINT, SIGTERM and SIGHUP remove temporary files before the process ends.

use clap::Parser;
use zenome::cli::{self, Cli};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
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
