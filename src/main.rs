//! The `hustle-sim` binary: parse arguments, call the library, map errors to
//! exit codes (0 success, 2 bad input, 1 anything else).

#[macro_use]
mod terminal;
mod cli;
mod commands;

use clap::Parser;
use cli::Cli;
use hustle_sim::error::exit_code;

fn main() {
    // First, so that Ctrl-C from here on stops a command cleanly.
    commands::interrupt::install();
    let cli = Cli::parse(); // usage errors exit with code 2
    if let Err(err) = commands::dispatch(cli) {
        esayln!("error: {err:#}");
        std::process::exit(exit_code(&err));
    }
}
