//! `hustle-sim sensitivity`: move each parameter to a low and a high value
//! on the baseline's random streams, write `sensitivity.csv` and
//! `tornado.png`, print the ten largest swings.

use super::{interrupt_flag, load_scenario};
use crate::chart::frame::RunInfo;
use crate::chart::tornado;
use crate::cli::SensitivityArgs;
use crate::output::{list_paths, prepare_dir, sanitize_stem, write_atomic};
use crate::sensitivity::{self, Options, TABLE_ROWS};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;

pub(super) fn sensitivity(args: &SensitivityArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(Some(&args.scenario), &[])?;
    let model = scenario.model()?;
    // Check everything the user gave before creating any folder.
    sensitivity::check_swing(args.swing)?;
    args.metric.check(&model)?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!("{}-sensitivity", sanitize_stem(&scenario.stem)))
    });
    prepare_dir(&out)?;
    let opts = Options {
        metric: args.metric,
        swing: args.swing,
        trajectories: args.trajectories,
        seed: args.seed,
        threads: None,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} runs, {eta} left")
                .expect("valid template"),
        );
        b
    });
    let progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let analysis = sensitivity::analyse(&model, &opts, &progress, interrupt_flag())?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }

    let info = RunInfo {
        scenario: analysis.scenario.clone(),
        currency: analysis.currency.clone(),
        trajectories: analysis.trajectories,
        seed: analysis.seed,
        horizon: analysis.horizon,
        setup_months: model.setup_months,
    };
    let png = tornado::draw_tornado(&tornado::tornado_data(&analysis, tornado::MAX_ROWS), &info)?;
    let written = [
        write_atomic(&out, "sensitivity.csv", &analysis.to_csv())?,
        write_atomic(&out, "tornado.png", &png)?,
    ];
    print!("{}", analysis.table(TABLE_ROWS));
    println!(
        "\n  {} runs in {:.1} s. Wrote {}",
        analysis.runs,
        analysis.elapsed.as_secs_f64(),
        list_paths(&written)
    );
    Ok(())
}
