//! `hustle-sim run`: simulate, write `summary.json`, `percentiles.csv` and
//! (unless `--no-charts`) the PNG charts, print the summary table.

use super::load_scenario;
use crate::chart;
use crate::cli::RunArgs;
use crate::model::Model;
use crate::output::{OutputSet, list_paths, prepare_dir, sanitize_stem};
use crate::report::summary::{PercentilesCsv, SummaryJson};
use crate::report::{Summary, table};
use crate::sim::{self, RunOptions, RunResult};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// Calls `work` with a progress callback that drives a progress bar on
/// stderr for `total` trajectories; the bar appears only for work longer
/// than about a second, only when stderr is a terminal and not `quiet`.
pub fn with_progress<R>(
    total: u64,
    quiet: bool,
    work: impl FnOnce(&(dyn Fn(u64) + Sync)) -> R,
) -> R {
    let show = !quiet && std::io::stderr().is_terminal();
    let start = Instant::now();
    let bar: Mutex<Option<ProgressBar>> = Mutex::new(None);
    let progress = |done: u64| {
        if !show || start.elapsed() < Duration::from_millis(800) {
            return;
        }
        let mut bar = bar.lock().expect("progress bar lock");
        let b = bar.get_or_insert_with(|| {
            // Started late, the bar is told how long the run has taken so
            // far, so its estimate of the time left starts from the true rate.
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                .with_elapsed(start.elapsed());
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} {bar:40} {human_pos}/{human_len} trajectories, {eta} left",
                )
                .expect("valid template"),
            );
            b
        });
        // Chunks finish on several threads, so reports can arrive out of
        // order: only move forward.
        if done > b.position() {
            b.set_position(done);
        }
    };
    let result = work(&progress);
    if let Some(b) = bar.into_inner().expect("progress bar lock") {
        b.finish_and_clear();
    }
    result
}

/// Runs a model with a progress bar on stderr (see [`with_progress`]).
pub fn run_scenario(
    model: &Model,
    opts: &RunOptions,
    quiet: bool,
    cancel: &AtomicBool,
) -> anyhow::Result<RunResult> {
    with_progress(opts.trajectories, quiet, |progress| {
        sim::run(model, opts, progress, cancel)
    })
}

/// A flag set by Ctrl-C: long runs check it before each chunk of
/// trajectories and stop within a fraction of a second, before anything is
/// written.
pub fn interrupt_flag() -> &'static AtomicBool {
    static FLAG: AtomicBool = AtomicBool::new(false);
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        // Without a handler (e.g. one is already installed) Ctrl-C simply
        // kills the process, which still leaves no partial files.
        let _ = ctrlc::set_handler(|| FLAG.store(true, std::sync::atomic::Ordering::Relaxed));
    });
    &FLAG
}

/// Every file `run` writes into its output folder: the summary, the
/// percentiles and the charts.
pub const FILE_NAMES: [&str; 8] = [
    "summary.json",
    "percentiles.csv",
    chart::FILE_NAMES[0],
    chart::FILE_NAMES[1],
    chart::FILE_NAMES[2],
    chart::FILE_NAMES[3],
    chart::FILE_NAMES[4],
    chart::FILE_NAMES[5],
];

pub(super) fn run(args: &RunArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(args.scenario.as_deref(), &args.set)?;
    let model = scenario.model()?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(sanitize_stem(&scenario.stem)));
    prepare_dir(&out)?;
    let opts = args.sim.options();
    let result = run_scenario(&model, &opts, args.quiet, interrupt_flag())?;
    let summary = Summary::from_run(&result, &scenario.source);
    let mut outputs = OutputSet::new(&out, &FILE_NAMES);
    outputs.add(SummaryJson(&summary));
    outputs.add(PercentilesCsv(&summary));
    if !args.no_charts {
        for c in chart::run_charts(&result, &summary) {
            outputs.add(c);
        }
    }
    let written = outputs.write()?;
    if !args.quiet {
        print!("{}", table::render(&summary));
        println!("\n  Wrote {}", list_paths(&written));
    }
    Ok(())
}
