//! The subcommands of the `hustle-sim` binary, one file each.

mod check;
mod compare;
mod fit_churn;
pub mod interrupt;
mod list;
mod new;
pub mod progress;
mod run;
mod sensitivity;
mod sweep;

use crate::cli::{Cli, Command};
use hustle_sim::error::InputError;
use hustle_sim::scenario::Scenario;
use std::path::Path;

pub use interrupt::{check_interrupt, interrupt_flag};
pub use progress::with_progress;

/// Runs the command the arguments name.
pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check {
            scenarios,
            overrides,
        } => check::check(&scenarios, &overrides.set),
        Command::List {
            dir,
            run,
            trajectories,
            seed,
        } => {
            if run {
                list::run_all(dir.as_deref(), trajectories, seed)
            } else {
                list::list(dir.as_deref())
            }
        }
        Command::New { file, from } => new::new(&file, from.as_deref()),
        Command::FitChurn(args) => fit_churn::fit_churn(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Sensitivity(args) => sensitivity::sensitivity(&args),
    }
}

/// Refuses `--set` for a portfolio, whose keys are changed in its file (a
/// hustle's with its `set`).
pub fn refuse_set_for_portfolio(overrides: &[String]) -> Result<(), InputError> {
    match overrides.first() {
        None => Ok(()),
        Some(first) => Err(InputError::new(format!(
            "--set {first}: a portfolio's keys are changed in its file (a hustle's with `set`)"
        ))
        .with_source("--set")
        .with_value(first)
        .with_allowed("--set with a scenario file")),
    }
}

/// Warns on stderr of every parameter with draws clamped into its valid
/// range, whether or not the command is `--quiet`: the run did not use
/// the values the scenario asked for.
pub fn warn_clamped(clamped: &[hustle_sim::report::clamped::Clamped]) {
    for c in clamped {
        esayln!("{}", c.warning());
    }
}

/// Loads a scenario file (or the built-in default) and applies overrides.
pub fn load_scenario(path: Option<&Path>, overrides: &[String]) -> Result<Scenario, InputError> {
    let mut s = match path {
        Some(p) => Scenario::locate(p)?,
        None => Scenario::builtin_default(),
    };
    for o in overrides {
        s.set(o)?;
    }
    Ok(s)
}
