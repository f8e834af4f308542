//! The `zenome` command: parse, run, map errors to exit statuses (0 ok, 1 input or usage, 2 internal).

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
    if let Err(e) = cli::run(cli) {
        eprintln!("zenome: {e}");
        std::process::exit(e.exit_code());
    }
}
