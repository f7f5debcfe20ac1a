//! `hustle-sim compare`: scenarios and portfolios, or variants of the first
//! (`--with`), run in lockstep on the same random numbers and compared
//! trajectory by trajectory ([`hustle_sim::experiment::compare`]); written
//! as `compare.json`, `compare.png` and `diff_fan.png` and printed as a
//! table.

use super::{interrupt_flag, with_progress};
use crate::cli::CompareArgs;
use hustle_sim::chart;
use hustle_sim::experiment::{self, entrants};
use hustle_sim::output::{OutputSet, check_inputs_kept, list_paths, prepare_dir, sanitize_stem};
use hustle_sim::report::compare::CompareJson;
use std::path::PathBuf;

/// Every file `compare` writes into its output folder.
pub const FILE_NAMES: [&str; 3] = ["compare.json", "compare.png", "diff_fan.png"];

pub(super) fn compare(args: &CompareArgs) -> anyhow::Result<()> {
    // Entrants are checked (values, one horizon) before the folder is made.
    let entrants = entrants(&args.scenarios, &args.with)?;
    if !args.display.no_charts {
        chart::compare::check_scenario_count(entrants.len())?;
    }
    let stem = args.scenarios[0]
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(sanitize_stem(&format!("{stem}-compare"))));
    let mut inputs: Vec<(&str, &std::path::Path)> = args
        .scenarios
        .iter()
        .map(|p| ("a scenario", p.as_path()))
        .collect();
    // A portfolio's hustles' scenario files are inputs too.
    for e in &entrants {
        for h in e.portfolio.iter().flat_map(|p| &p.hustles) {
            if let Some(path) = &h.path {
                inputs.push(("a scenario of a portfolio", path));
            }
        }
    }
    check_inputs_kept(&out, &FILE_NAMES, &inputs)?;
    let opts = args.sim.options();
    // Bad options are bad input: refused before the folder is created.
    opts.check()?;
    let out_dir = prepare_dir(&out)?;
    let c = with_progress(args.sim.trajectories, args.display.quiet, |progress| {
        experiment::compare(
            &entrants,
            &opts,
            !args.display.no_charts,
            progress,
            interrupt_flag(),
        )
    })?;
    super::warn_clamped(&c.report.clamped);
    let mut outputs = OutputSet::new(&out, &FILE_NAMES);
    outputs.cancel_on(interrupt_flag());
    outputs.add(CompareJson(&c.report));
    if !args.display.no_charts {
        let info = chart::compare::CompareInfo::new(&c.report, entrants[0].model.setup_months);
        // A named variant's key entry says what it changed.
        let labels: Vec<String> = entrants.iter().map(|e| e.described()).collect();
        outputs.add(chart::compare::CompareChart {
            data: chart::compare::compare_data(&c.result, &labels),
            info: info.clone(),
        });
        outputs.add(chart::compare::DiffFanChart {
            data: chart::compare::diff_fan_data(&c.result, &labels),
            info,
        });
    }
    let written = outputs.write()?;
    out_dir.keep();
    if !args.display.quiet {
        say!("{}", c.report.table());
        sayln!("\n  Wrote {}", list_paths(&written));
    }
    Ok(())
}
