//! `hustle-sim sensitivity`: move each parameter of a scenario or a
//! portfolio to a low and a high value on the baseline's random streams,
//! write `sensitivity.csv` and `tornado.png`, print the ten parameters that
//! move the metric most.

use super::{interrupt_flag, load_scenario, refuse_set_for_portfolio, with_progress};
use crate::cli::SensitivityArgs;
use hustle_sim::chart::frame::RunInfo;
use hustle_sim::chart::tornado;
use hustle_sim::output::{OutputSet, check_inputs_kept, list_paths, prepare_dir, tweaked_stem};
use hustle_sim::portfolio::{Portfolio, is_portfolio_file};
use hustle_sim::report::sensitivity::SensitivityCsv;
use hustle_sim::sensitivity::{self, Options, TABLE_ROWS};
use std::path::{Path, PathBuf};

/// Every file `sensitivity` writes into its output folder.
pub const FILE_NAMES: [&str; 2] = ["sensitivity.csv", "tornado.png"];

pub(super) fn sensitivity(args: &SensitivityArgs) -> anyhow::Result<()> {
    let metric: sensitivity::Metric = args.metric.into();
    let mut inputs: Vec<(&str, &Path)> = vec![("the scenario", &args.scenario)];
    // The scenario's model and its overrides, or the portfolio.
    let (model, overrides, portfolio, stem) = if is_portfolio_file(&args.scenario) {
        refuse_set_for_portfolio(&args.overrides.set)?;
        let p = Portfolio::load(&args.scenario)?;
        // Check everything the user gave before creating any folder.
        sensitivity::check_swing(args.swing)?;
        metric.check_portfolio(&p)?;
        (p.person.clone(), Vec::new(), Some(p.clone()), p.stem)
    } else {
        let scenario = load_scenario(Some(&args.scenario), &args.overrides.set)?;
        let model = scenario.model()?;
        sensitivity::check_swing(args.swing)?;
        metric.check(&model)?;
        (model, scenario.overrides(), None, scenario.stem)
    };
    if let Some(p) = &portfolio {
        inputs[0].0 = "the portfolio";
        inputs.extend(p.hustles.iter().filter_map(|h| {
            h.path
                .as_deref()
                .map(|p| ("a scenario of the portfolio", p))
        }));
    }
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!("{}-sensitivity", tweaked_stem(&stem, &overrides)))
    });
    check_inputs_kept(&out, &FILE_NAMES, &inputs)?;
    let out_dir = prepare_dir(&out)?;
    let opts = Options {
        metric,
        swing: args.swing,
        trajectories: args.trajectories,
        seed: args.seed,
        threads: args.threads.map(|t| t as usize),
    };
    let mut analysis =
        with_progress(
            args.trajectories,
            args.display.quiet,
            |progress| match &portfolio {
                Some(p) => sensitivity::analyse_portfolio(p, &opts, progress, interrupt_flag()),
                None => sensitivity::analyse(&model, &opts, progress, interrupt_flag()),
            },
        )?;
    analysis.overrides = overrides;

    super::warn_clamped(&analysis.clamped);
    let info = RunInfo {
        scenario: analysis.scenario.clone(),
        currency: analysis.currency.clone(),
        trajectories: analysis.trajectories,
        seed: analysis.seed,
        horizon: analysis.horizon,
        setup_months: model.setup_months,
        overrides: analysis.overrides.clone(),
    };
    let mut outputs = OutputSet::new(&out, &FILE_NAMES);
    outputs.cancel_on(interrupt_flag());
    outputs.add(SensitivityCsv(&analysis));
    if !args.display.no_charts {
        outputs.add(tornado::TornadoChart {
            data: tornado::tornado_data(&analysis, tornado::MAX_ROWS),
            info,
        });
    }
    let written = outputs.write()?;
    out_dir.keep();
    if !args.display.quiet {
        say!("{}", analysis.table(TABLE_ROWS));
        sayln!(
            "\n  {} runs in {:.1} s. Wrote {}",
            analysis.runs,
            analysis.elapsed.as_secs_f64(),
            list_paths(&written)
        );
    }
    Ok(())
}
