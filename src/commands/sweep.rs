//! `hustle-sim sweep`: one real-valued key set to each of several values,
//! every value run on the same random numbers (the paired driver), written
//! as `sweep.csv` and `sweep.png` and printed as a table.

use super::{interrupt_flag, load_scenario, with_progress};
use crate::chart;
use crate::cli::SweepArgs;
use crate::error::InputError;
use crate::model::Model;
use crate::output::{OutputSet, list_paths, prepare_dir, sanitize_stem};
use crate::report::format::round_12_digits;
use crate::report::paired::OutcomeStats;
use crate::report::sweep::{SweepCsv, SweepReport, SweepRow, value_text};
use crate::scenario::Scenario;
use crate::scenario::keys::{KeyKind, Param, key_kind, suggest};
use crate::sim::{PairedSpec, run_paired};
use std::path::PathBuf;

/// Most values one sweep may have: each keeps its own sketches in every
/// worker.
pub const MAX_VALUES: usize = 200;

/// Every file `sweep` writes into its output folder.
pub const FILE_NAMES: [&str; 2] = ["sweep.csv", "sweep.png"];

/// The values of `--values A,B,C`.
pub fn parse_values(text: &str) -> Result<Vec<f64>, InputError> {
    let values = text
        .split(',')
        .map(|v| {
            let v = v.trim();
            v.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| {
                InputError::new(format!(
                    "--values {text}: `{v}` is not a number; expected comma-separated numbers such as 0.02,0.05,0.08"
                ))
            })
        })
        .collect::<Result<Vec<f64>, _>>()?;
    check_count(values.len(), "--values")?;
    Ok(values)
}

/// The values of `--range FROM:TO:STEPS`: STEPS evenly spaced values from
/// FROM to TO, both included, each rounded to 12 significant digits (so
/// that 0.02:0.2:10 gives 0.04, not 0.04000000000000001).
pub fn parse_range(text: &str) -> Result<Vec<f64>, InputError> {
    let err = |what: &str| {
        InputError::new(format!(
            "--range {text}: {what}; expected FROM:TO:STEPS such as 0.02:0.2:10 (STEPS evenly spaced values, both ends included, STEPS from 2 to {MAX_VALUES})"
        ))
    };
    let parts: Vec<&str> = text.split(':').map(str::trim).collect();
    let [from, to, steps] = parts[..] else {
        return Err(err("needs three parts separated by `:`"));
    };
    let number = |s: &str, name: &str| {
        s.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| err(&format!("{name} `{s}` is not a number")))
    };
    let (from, to) = (number(from, "FROM")?, number(to, "TO")?);
    let steps: usize = steps
        .parse()
        .ok()
        .filter(|s| (2..=MAX_VALUES).contains(s))
        .ok_or_else(|| {
            err(&format!(
                "STEPS `{steps}` is not a whole number from 2 to {MAX_VALUES}"
            ))
        })?;
    if from == to {
        return Err(err("FROM and TO are equal"));
    }
    Ok((0..steps)
        .map(|k| {
            if k == steps - 1 {
                return to;
            }
            round_12_digits(from + (to - from) * k as f64 / (steps - 1) as f64)
        })
        .collect())
}

fn check_count(n: usize, arg: &str) -> Result<(), InputError> {
    if n > MAX_VALUES {
        return Err(InputError::new(format!(
            "{arg}: {n} values; a sweep takes at most {MAX_VALUES}"
        )));
    }
    Ok(())
}

/// The parameter `--param KEY` names, if it is a real-valued one.
pub fn sweep_param(key: &str, model: &Model) -> Result<Param, InputError> {
    if let Some(p) = Param::from_key(key) {
        return Ok(p);
    }
    let sweepable = model
        .active_params()
        .map(|p| p.key())
        .collect::<Vec<_>>()
        .join(", ");
    let why = match key_kind(key) {
        Some(KeyKind::Integer { .. }) => "a whole number, not a real-valued parameter".to_string(),
        Some(KeyKind::Choice(_)) => "a choice of model, not a real-valued parameter".to_string(),
        Some(_) => "text, not a real-valued parameter".to_string(),
        None => match suggest(key) {
            Some(s) => format!("unknown key; did you mean `{s}`?"),
            None => "unknown key".to_string(),
        },
    };
    Err(InputError::new(format!(
        "--param {key}: {why}. Real-valued keys of this scenario: {sweepable}"
    )))
}

/// One model per value: the scenario with `key` set to that fixed value,
/// validated like the file (a value outside the key's range is an error
/// naming the argument).
pub fn variants(
    scenario: &Scenario,
    p: Param,
    values: &[f64],
    arg: &str,
) -> Result<Vec<Model>, InputError> {
    let bound = p.spec().bound;
    values
        .iter()
        .map(|&v| {
            if !bound.contains(v) {
                return Err(InputError::new(format!(
                    "{arg}: {} is not a valid {} (it must be {bound})",
                    value_text(v),
                    p.key()
                )));
            }
            let mut s = scenario.clone();
            // Debug formatting is the shortest round-trip text and always
            // valid TOML for a finite float (1e20, not an overflowing integer).
            s.set(&format!("{}={v:?}", p.key()))?;
            s.model().map_err(|e| {
                InputError::new(format!("{arg}: {} = {}: {e}", p.key(), value_text(v)))
            })
        })
        .collect()
}

pub(super) fn sweep(args: &SweepArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(Some(&args.scenario), &args.set)?;
    let base = scenario.model()?;
    let p = sweep_param(args.param.trim(), &base)?;
    let (values, arg) = match (&args.values, &args.range) {
        (Some(v), _) => (parse_values(v)?, "--values"),
        (None, Some(r)) => (parse_range(r)?, "--range"),
        (None, None) => unreachable!("clap requires --values or --range"),
    };
    let models = variants(&scenario, p, &values, arg)?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(sanitize_stem(&format!(
            "{}-sweep-{}",
            scenario.stem,
            p.key()
        )))
    });
    prepare_dir(&out)?;
    let opts = args.sim.options();
    let spec = PairedSpec {
        monthly: false,
        pairs: false,
    };
    let result = with_progress(args.sim.trajectories, args.quiet, |progress| {
        run_paired(&models, &opts, spec, progress, interrupt_flag())
    })?;
    let report = SweepReport {
        scenario: base.name.clone(),
        key: p.key().to_string(),
        currency: base.currency.clone(),
        trajectories: result.trajectories,
        seed: result.seed,
        horizon_months: base.horizon_months,
        elapsed_seconds: result.elapsed.as_secs_f64(),
        rows: values
            .iter()
            .zip(&result.variants)
            .map(|(&value, v)| SweepRow {
                value,
                stats: OutcomeStats::new(v, result.trajectories),
            })
            .collect(),
    };
    let mut outputs = OutputSet::new(&out, &FILE_NAMES);
    outputs.add(SweepCsv(&report));
    if !args.no_charts {
        outputs.add(chart::sweep::SweepChart(chart::sweep::sweep_data(&report)));
    }
    let written = outputs.write()?;
    if !args.quiet {
        print!("{}", report.table());
        println!(
            "\n  Wrote {} ({:.2} s of simulation)",
            list_paths(&written),
            report.elapsed_seconds
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_include_both_ends_evenly_spaced_and_rounded() {
        let v = parse_range("0.02:0.2:10").unwrap();
        assert_eq!(v.len(), 10);
        assert_eq!(v[0], 0.02);
        assert_eq!(v[1], 0.04);
        assert_eq!(v[9], 0.2);
        for w in v.windows(2) {
            assert!((w[1] - w[0] - 0.02).abs() < 1e-12);
        }
        assert_eq!(parse_range("-100:100:3").unwrap(), vec![-100.0, 0.0, 100.0]);
        assert_eq!(parse_range("1:0:2").unwrap(), vec![1.0, 0.0]);
    }

    #[test]
    fn malformed_ranges_and_values_say_what_is_allowed() {
        for bad in [
            "0.1:0.2",
            "a:1:3",
            "0:1:1",
            "0:1:x",
            "0:1:2.5",
            "1:1:3",
            "0:1:100000",
            "0:inf:3",
        ] {
            let e = parse_range(bad).unwrap_err().to_string();
            assert!(e.starts_with(&format!("--range {bad}:")), "{e}");
            assert!(e.contains("FROM:TO:STEPS"), "{e}");
        }
        assert_eq!(
            parse_values("0.02, 0.05,0.08").unwrap(),
            vec![0.02, 0.05, 0.08]
        );
        for bad in ["", "0.1,,0.2", "0.1;0.2", "nan"] {
            let e = parse_values(bad).unwrap_err().to_string();
            assert!(e.contains("is not a number"), "{e}");
        }
    }

    #[test]
    fn only_real_valued_keys_sweep_and_values_must_be_valid() {
        let s = Scenario::builtin_default();
        let m = s.model().unwrap();
        assert_eq!(sweep_param("platform.fee", &m).unwrap(), Param::PlatformFee);
        let e = sweep_param("horizon_months", &m).unwrap_err().to_string();
        assert!(
            e.contains("whole number") && e.contains("platform.fee"),
            "{e}"
        );
        let e = sweep_param("churn.model", &m).unwrap_err().to_string();
        assert!(e.contains("choice"), "{e}");
        let e = sweep_param("platform.fe", &m).unwrap_err().to_string();
        assert!(e.contains("did you mean `platform.fee`"), "{e}");

        let models = variants(&s, Param::PlatformFee, &[0.0, 0.3], "--values").unwrap();
        assert_eq!(
            models[1]
                .param(Param::PlatformFee)
                .sampler()
                .inverse_cdf(0.5),
            0.3
        );
        let e = variants(&s, Param::PlatformFee, &[1.5], "--values")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "--values: 1.5 is not a valid platform.fee (it must be within 0..=1)"
        );
        let e = variants(&s, Param::AcquisitionRate, &[1e12], "--range")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("--range: acquisition.rate = 1000000000000:"),
            "{e}"
        );
    }
}
