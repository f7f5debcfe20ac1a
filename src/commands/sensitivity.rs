//! `hustle-sim sensitivity`: move each parameter to a low and a high value
//! on the baseline's random streams, write `sensitivity.csv` and
//! `tornado.png`, print the ten largest swings.

use super::progress::{self, Progress};
use super::{interrupt_flag, load_scenario};
use crate::cli::SensitivityArgs;
use hustle_sim::chart::frame::RunInfo;
use hustle_sim::chart::tornado;
use hustle_sim::output::{
    Output, OutputSet, check_inputs_kept, list_paths, prepare_dir, sanitize_stem,
};
use hustle_sim::sensitivity::{self, Analysis, Options, TABLE_ROWS};
use std::path::PathBuf;

/// Every file `sensitivity` writes into its output folder.
pub const FILE_NAMES: [&str; 2] = ["sensitivity.csv", "tornado.png"];

/// `sensitivity.csv`: every parameter's low and high value and the
/// metric at each.
#[derive(Debug, Clone, Copy)]
pub struct SensitivityCsv<'a>(pub &'a Analysis);

impl Output for SensitivityCsv<'_> {
    fn file_name(&self) -> &str {
        "sensitivity.csv"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.0.to_csv())
    }
}

pub(super) fn sensitivity(args: &SensitivityArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(Some(&args.scenario), &[])?;
    let model = scenario.model()?;
    // Check everything the user gave before creating any folder.
    sensitivity::check_swing(args.swing)?;
    let metric: sensitivity::Metric = args.metric.into();
    metric.check(&model)?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!("{}-sensitivity", sanitize_stem(&scenario.stem)))
    });
    check_inputs_kept(&out, &FILE_NAMES, &[("the scenario", &args.scenario)])?;
    prepare_dir(&out)?;
    let opts = Options {
        metric,
        swing: args.swing,
        trajectories: args.trajectories,
        seed: args.seed,
        threads: None,
    };
    let bar = Progress::new(progress::RUNS, false);
    let analysis = sensitivity::analyse(
        &model,
        &opts,
        &|done, total| bar.update(done as u64, total as u64),
        interrupt_flag(),
    )?;
    bar.finish();

    let info = RunInfo {
        scenario: analysis.scenario.clone(),
        currency: analysis.currency.clone(),
        trajectories: analysis.trajectories,
        seed: analysis.seed,
        horizon: analysis.horizon,
        setup_months: model.setup_months,
    };
    let mut outputs = OutputSet::new(&out, &FILE_NAMES);
    outputs.add(SensitivityCsv(&analysis));
    outputs.add(tornado::TornadoChart {
        data: tornado::tornado_data(&analysis, tornado::MAX_ROWS),
        info,
    });
    let written = outputs.write()?;
    print!("{}", analysis.table(TABLE_ROWS));
    println!(
        "\n  {} runs in {:.1} s. Wrote {}",
        analysis.runs,
        analysis.elapsed.as_secs_f64(),
        list_paths(&written)
    );
    Ok(())
}
