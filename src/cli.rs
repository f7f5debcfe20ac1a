//! Command-line arguments (clap derive), nothing else.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The seed used when `--seed` is not given, so that a rerun reproduces.
pub const DEFAULT_SEED: u64 = 42;
/// Trajectories per run when `-n` is not given.
pub const DEFAULT_TRAJECTORIES: u64 = 10_000;

/// Monte Carlo simulator for side businesses: how quickly does a hustle's
/// income become semi-passive, and how often does it fail?
#[derive(Debug, Parser)]
#[command(name = "hustle-sim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write summary.json, percentiles.csv and charts.
    Run(RunArgs),
    /// Validate scenarios and print every parameter with defaults made explicit.
    Check {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Apply KEY=VALUE overrides before checking, as `run --set` does.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// List the scenarios in a folder with their names and descriptions, or
    /// run them all and print a table of results (`--run`).
    List {
        /// Folder to list.
        #[arg(default_value = "scenarios")]
        dir: PathBuf,
        /// Run every scenario in the folder (same trajectories and seed for
        /// each) and print one row of results per scenario; writes no files.
        #[arg(long)]
        run: bool,
        /// Trajectories per scenario, with `--run`.
        #[arg(short = 'n', long, default_value_t = DEFAULT_TRAJECTORIES, requires = "run",
              value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        trajectories: u64,
        /// Run seed, with `--run`: every scenario gets the same one.
        #[arg(long, default_value_t = DEFAULT_SEED, requires = "run")]
        seed: u64,
    },
    /// Write a fully commented template scenario (never overwrites a file).
    New {
        /// The file to create.
        file: PathBuf,
    },
}

/// Arguments of `hustle-sim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file; without one, the built-in default scenario runs.
    pub scenario: Option<PathBuf>,
    /// Number of trajectories.
    #[arg(short = 'n', long, default_value_t = DEFAULT_TRAJECTORIES,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub trajectories: u64,
    /// Run seed: the same seed gives the same results on any machine and thread count.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Output folder (default: `output/<scenario file stem>/`).
    #[arg(short = 'o', long)]
    pub out: Option<PathBuf>,
    /// Override a scenario key with a TOML value, e.g. churn.monthly=0.08 (repeatable; an empty value removes the key).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Do not write PNG charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Print nothing but errors; no progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
