//! `hustle-sim sweep`: one real-valued key of a scenario or a portfolio set
//! to each of several values, every value run on the same random numbers
//! ([`hustle_sim::experiment::Sweep`]), written as `sweep.csv` and
//! `sweep.png` and printed as a table.

use super::{interrupt_flag, load_scenario, refuse_set_for_portfolio, with_progress};
use crate::cli::SweepArgs;
use hustle_sim::InputError;
use hustle_sim::chart;
use hustle_sim::experiment::{Sweep, parse_range, parse_values};
use hustle_sim::output::{
    OutputSet, check_inputs_kept, list_paths, prepare_dir, sanitize_stem, tweaked_stem,
};
use hustle_sim::portfolio::{Portfolio, is_portfolio_file};
use hustle_sim::report::sweep::SweepCsv;
use std::path::{Path, PathBuf};

/// Every file `sweep` writes into its output folder.
pub const FILE_NAMES: [&str; 2] = ["sweep.csv", "sweep.png"];

pub(super) fn sweep(args: &SweepArgs) -> anyhow::Result<()> {
    let values = || -> Result<(Vec<f64>, &str), InputError> {
        match (&args.values, &args.range) {
            (Some(v), _) => Ok((parse_values(v)?, "--values")),
            (None, Some(r)) => Ok((parse_range(r)?, "--range")),
            (None, None) => unreachable!("clap requires --values or --range"),
        }
    };
    let mut inputs: Vec<(&str, &Path)> = vec![("the scenario", &args.scenario)];
    let portfolio;
    let (sweep, stem) = if is_portfolio_file(&args.scenario) {
        refuse_set_for_portfolio(&args.overrides.set)?;
        portfolio = Portfolio::load(&args.scenario)?;
        inputs[0].0 = "the portfolio";
        inputs.extend(portfolio.hustles.iter().filter_map(|h| {
            h.path
                .as_deref()
                .map(|p| ("a scenario of the portfolio", p))
        }));
        let (values, arg) = values()?;
        let sweep = Sweep::portfolio(&args.scenario, &portfolio, args.param.trim(), values, arg)?;
        (sweep, portfolio.stem.clone())
    } else {
        let scenario = load_scenario(Some(&args.scenario), &args.overrides.set)?;
        let (values, arg) = values()?;
        let sweep = Sweep::new(&scenario, args.param.trim(), values, arg)?;
        (sweep, scenario.stem)
    };
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!(
            "{}-sweep-{}",
            tweaked_stem(&stem, &sweep.overrides),
            sanitize_stem(&sweep.key)
        ))
    });
    check_inputs_kept(&out, &FILE_NAMES, &inputs)?;
    let opts = args.sim.options();
    // Bad options are bad input: refused before the folder is created.
    opts.check()?;
    let out_dir = prepare_dir(&out)?;
    let report = with_progress(args.sim.trajectories, args.display.quiet, |progress| {
        sweep.run(&opts, progress, interrupt_flag())
    })?;
    super::warn_clamped(&report.clamped);
    let mut outputs = OutputSet::new(&out, &FILE_NAMES);
    outputs.cancel_on(interrupt_flag());
    outputs.add(SweepCsv(&report));
    if !args.display.no_charts {
        outputs.add(chart::sweep::SweepChart(chart::sweep::sweep_data(&report)));
    }
    let written = outputs.write()?;
    out_dir.keep();
    if !args.display.quiet {
        say!("{}", report.table());
        sayln!(
            "\n  Wrote {} ({:.2} s of simulation)",
            list_paths(&written),
            report.elapsed_seconds
        );
    }
    Ok(())
}
