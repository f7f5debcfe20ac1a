//! `hustle-sim run`: simulate, write `summary.json`, `percentiles.csv` and
//! (unless `--no-charts`) the PNG charts, print the summary table.

use super::{interrupt_flag, load_scenario, with_progress};
use crate::cli::RunArgs;
use hustle_sim::InputError;
use hustle_sim::chart;
use hustle_sim::model::Model;
use hustle_sim::output::{
    OutputSet, check_inputs_kept, list_paths, prepare_dir, sanitize_stem, tweaked_stem,
};
use hustle_sim::portfolio::Portfolio;
use hustle_sim::report::clamped::clamped;
use hustle_sim::report::portfolio::{
    PortfolioPercentilesCsv, PortfolioSummary, PortfolioSummaryJson,
};
use hustle_sim::report::summary::{PercentilesCsv, SummaryJson};
use hustle_sim::report::{Summary, table};
use hustle_sim::sim::{self, RunOptions, RunResult};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// Runs a model with a progress bar on stderr (see [`with_progress`]).
fn run_scenario(
    model: &Model,
    opts: &RunOptions,
    quiet: bool,
    cancel: &AtomicBool,
) -> anyhow::Result<RunResult> {
    with_progress(opts.trajectories, quiet, |progress| {
        sim::run(model, opts, progress, cancel)
    })
}

/// Every file `run` can write into its output folder: the summary, the
/// percentiles and the charts (`fan_passivity.png` only for a run that
/// reports passivity; named here so that a run without it removes an older
/// one).
pub const FILE_NAMES: [&str; 9] = [
    "summary.json",
    "percentiles.csv",
    chart::FILE_NAMES[0],
    chart::FILE_NAMES[1],
    chart::FILE_NAMES[2],
    chart::FILE_NAMES[3],
    chart::FILE_NAMES[4],
    chart::FILE_NAMES[5],
    chart::FILE_NAMES[6],
];

pub(super) fn run(args: &RunArgs) -> anyhow::Result<()> {
    if let Some(path) = &args.scenario
        && let Some(portfolio) = Portfolio::locate(path)
    {
        return run_portfolio(args, path, portfolio?);
    }
    let scenario = load_scenario(args.scenario.as_deref(), &args.overrides.set)?;
    let model = scenario.model()?;
    // A run that differs from its file has a folder of its own, named
    // after its overrides, so that it never replaces the file's results.
    let overrides = scenario.overrides();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(tweaked_stem(&scenario.stem, &overrides)));
    let inputs: Vec<(&str, &std::path::Path)> = args
        .scenario
        .iter()
        .map(|p| ("the scenario", p.as_path()))
        .collect();
    check_inputs_kept(&out, &FILE_NAMES, &inputs)?;
    let opts = args.sim.options();
    // Bad options are bad input: refused before the folder is created.
    opts.check()?;
    let out_dir = prepare_dir(&out)?;
    if args.scenario.is_none() && !args.display.quiet {
        sayln!(
            "No scenario file given: running the built-in default, {stem} (\"{}\").\n  \
             To edit a copy: hustle-sim new --from {stem} my-hustle.toml\n",
            model.name,
            stem = scenario.stem
        );
    }
    let result = run_scenario(&model, &opts, args.display.quiet, interrupt_flag())?;
    super::warn_clamped(&clamped(
        &result.model,
        result.trajectories,
        &result.tally.counts.clamped,
        "",
    ));
    let summary = Summary::from_run(&result, &scenario.source).with_overrides(overrides);
    let mut outputs = OutputSet::new(&out, &FILE_NAMES);
    outputs.cancel_on(interrupt_flag());
    outputs.add(SummaryJson(&summary));
    outputs.add(PercentilesCsv(&summary));
    if !args.display.no_charts {
        for c in chart::run_charts(&result, &summary) {
            outputs.add(c);
        }
    }
    let written = outputs.write()?;
    out_dir.keep();
    if !args.display.quiet {
        say!("{}", table::render(&summary));
        sayln!("\n  Wrote {}", list_paths(&written));
    }
    Ok(())
}

/// Every file `run` can write for a portfolio.
pub const PORTFOLIO_FILE_NAMES: [&str; 10] = [
    "summary.json",
    "percentiles.csv",
    chart::PORTFOLIO_FILE_NAMES[0],
    chart::PORTFOLIO_FILE_NAMES[1],
    chart::PORTFOLIO_FILE_NAMES[2],
    chart::PORTFOLIO_FILE_NAMES[3],
    chart::PORTFOLIO_FILE_NAMES[4],
    chart::PORTFOLIO_FILE_NAMES[5],
    chart::PORTFOLIO_FILE_NAMES[6],
    chart::PORTFOLIO_FILE_NAMES[7],
];

/// `run` of a portfolio file: the person's and each hustle's summary, the
/// percentiles, the charts and the table.
fn run_portfolio(args: &RunArgs, path: &Path, portfolio: Portfolio) -> anyhow::Result<()> {
    if let Some(first) = args.overrides.set.first() {
        return Err(InputError::new(format!(
            "--set {first}: a portfolio's keys are changed in its file (a hustle's with `set`)"
        ))
        .with_source("--set")
        .with_value(first)
        .with_allowed("--set with a scenario file")
        .into());
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(sanitize_stem(&portfolio.stem)));
    let mut inputs: Vec<(&str, &Path)> = Vec::new();
    if path.exists() {
        inputs.push(("the portfolio", path));
    }
    inputs.extend(portfolio.hustles.iter().filter_map(|h| {
        h.path
            .as_deref()
            .map(|p| ("a scenario of the portfolio", p))
    }));
    check_inputs_kept(&out, &PORTFOLIO_FILE_NAMES, &inputs)?;
    let opts = args.sim.options();
    opts.check()?;
    let out_dir = prepare_dir(&out)?;
    let cancel = interrupt_flag();
    let result = with_progress(opts.trajectories, args.display.quiet, |progress| {
        sim::run_portfolio(&portfolio, &opts, progress, cancel)
    })?;
    let summary = PortfolioSummary::from_run(&result, &portfolio.source);
    let mut outputs = OutputSet::new(&out, &PORTFOLIO_FILE_NAMES);
    outputs.cancel_on(cancel);
    outputs.add(PortfolioSummaryJson(&summary));
    outputs.add(PortfolioPercentilesCsv(&summary));
    if !args.display.no_charts {
        for c in chart::portfolio_charts(&result, &summary) {
            outputs.add(c);
        }
    }
    let written = outputs.write()?;
    out_dir.keep();
    if !args.display.quiet {
        say!("{}", table::render_portfolio(&summary));
        sayln!("\n  Wrote {}", list_paths(&written));
    }
    Ok(())
}
