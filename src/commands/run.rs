//! `hustle-sim run`: simulate, write `summary.json`, `percentiles.csv` and
//! (unless `--no-charts`) the PNG charts, print the summary table.

use super::{interrupt_flag, load_scenario, with_progress};
use crate::cli::RunArgs;
use hustle_sim::chart;
use hustle_sim::model::Model;
use hustle_sim::output::{OutputSet, check_inputs_kept, list_paths, prepare_dir, tweaked_stem};
use hustle_sim::report::clamped::clamped;
use hustle_sim::report::summary::{PercentilesCsv, SummaryJson};
use hustle_sim::report::{Summary, table};
use hustle_sim::sim::{self, RunOptions, RunResult};
use std::path::PathBuf;
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
