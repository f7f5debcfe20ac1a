//! `hustle-sim compare`: scenarios, or variants of the first (`--with`),
//! run in lockstep on the same random numbers and compared trajectory by
//! trajectory; written as `compare.json`, `compare.png` and
//! `diff_fan.png` and printed as a table.

use super::{interrupt_flag, with_progress};
use crate::chart;
use crate::cli::CompareArgs;
use crate::error::InputError;
use crate::model::Model;
use crate::output::{OutputSet, list_paths, prepare_dir, sanitize_stem};
use crate::report::compare::{CompareJson, CompareReport, ScenarioEntry};
use crate::report::paired::{OutcomeStats, PairedStats};
use crate::scenario::Scenario;
use crate::scenario::keys::{key_kind, suggest};
use crate::sim::{PairedSpec, run_paired};
use std::path::PathBuf;

/// Every file `compare` writes into its output folder.
pub const FILE_NAMES: [&str; 3] = ["compare.json", "compare.png", "diff_fan.png"];

/// A scenario taking part in a comparison.
#[derive(Debug, Clone)]
pub struct Entrant {
    /// Its validated model.
    pub model: Model,
    /// Its label in the table and charts.
    pub label: String,
    /// The file it came from.
    pub source: String,
    /// Overrides of a `--with` variant.
    pub overrides: Vec<String>,
}

/// The assignments of one `--with` text: `KEY=VALUE` parts separated by
/// `;` (TOML values may contain commas), each key a valid scenario key.
pub fn parse_with(text: &str) -> Result<Vec<String>, InputError> {
    let err = |what: String| {
        InputError::new(format!(
            "--with '{text}': {what}; expected KEY=VALUE[; KEY=VALUE...], e.g. --with 'churn.monthly=0.08; pricing.monthly=39'"
        ))
    };
    let parts: Vec<String> = text
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect();
    if parts.is_empty() {
        return Err(err("no assignment".into()));
    }
    for part in &parts {
        let Some((key, _)) = part.split_once('=') else {
            return Err(err(format!("`{part}` is not KEY=VALUE")));
        };
        let key = key.trim();
        if key_kind(key).is_none() {
            let hint = suggest(key)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(err(format!("unknown key `{key}`{hint}")));
        }
    }
    Ok(parts)
}

/// The first scenario with the assignments of one `--with` applied,
/// validated like the file.
pub fn variant(first: &Scenario, with: &str) -> Result<Entrant, InputError> {
    let overrides = parse_with(with)?;
    let mut s = first.clone();
    for a in &overrides {
        s.set(a)
            .map_err(|e| InputError::new(format!("--with '{with}': {e}")))?;
    }
    let model = s
        .model()
        .map_err(|e| InputError::new(format!("--with '{with}': {e}")))?;
    Ok(Entrant {
        model,
        label: format!("{} with {}", first.stem, overrides.join("; ")),
        source: first.source.clone(),
        overrides,
    })
}

/// The entrants of a comparison: the files in order, then one variant of
/// the first per `--with`.
pub fn entrants(args: &CompareArgs) -> Result<Vec<Entrant>, InputError> {
    let scenarios = args
        .scenarios
        .iter()
        .map(|p| Scenario::from_file(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = scenarios
        .iter()
        .map(|s| {
            Ok(Entrant {
                model: s.model()?,
                label: s.stem.clone(),
                source: s.source.clone(),
                overrides: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, InputError>>()?;
    for w in &args.with {
        out.push(variant(&scenarios[0], w)?);
    }
    if out.len() < 2 {
        return Err(InputError::new(
            "compare needs two scenarios or more: give another scenario file, or a variant of this one with --with 'KEY=VALUE'",
        ));
    }
    Ok(out)
}

pub(super) fn compare(args: &CompareArgs) -> anyhow::Result<()> {
    let entrants = entrants(args)?;
    let stem = args.scenarios[0]
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(sanitize_stem(&format!("{stem}-compare"))));
    let models: Vec<Model> = entrants.iter().map(|e| e.model.clone()).collect();
    let opts = args.sim.options();
    let spec = PairedSpec {
        monthly: !args.no_charts,
        pairs: true,
    };
    // Check the horizons (an input error) before creating the folder.
    if let Some(e) = entrants
        .iter()
        .find(|e| e.model.horizon_months != models[0].horizon_months)
    {
        return Err(InputError::new(format!(
            "compare needs one horizon: {} has horizon_months = {} but {} has {}",
            entrants[0].label, models[0].horizon_months, e.label, e.model.horizon_months
        ))
        .into());
    }
    prepare_dir(&out)?;
    let result = with_progress(args.sim.trajectories, args.quiet, |progress| {
        run_paired(&models, &opts, spec, progress, interrupt_flag())
    })?;
    let n = result.trajectories;
    let labels: Vec<String> = entrants.iter().map(|e| e.label.clone()).collect();
    let report = CompareReport {
        trajectories: n,
        seed: result.seed,
        horizon_months: result.horizon as u32,
        currency: models[0].currency.clone(),
        elapsed_seconds: result.elapsed.as_secs_f64(),
        scenarios: entrants
            .iter()
            .zip(&result.variants)
            .map(|(e, v)| ScenarioEntry {
                name: e.model.name.clone(),
                label: e.label.clone(),
                source: e.source.clone(),
                overrides: e.overrides.clone(),
                stats: OutcomeStats::new(v, n),
            })
            .collect(),
        paired: result
            .pairs
            .iter()
            .map(|p| {
                PairedStats::new(
                    p,
                    &result.variants[0],
                    &result.variants[p.variant],
                    (&labels[0], &labels[p.variant]),
                    n,
                )
            })
            .collect(),
    };
    let mut outputs = OutputSet::new(&out, &FILE_NAMES);
    outputs.add(CompareJson(&report));
    if !args.no_charts {
        let info = chart::compare::CompareInfo::new(&report, models[0].setup_months);
        outputs.add(chart::compare::CompareChart {
            data: chart::compare::compare_data(&result, &labels),
            info: info.clone(),
        });
        outputs.add(chart::compare::DiffFanChart {
            data: chart::compare::diff_fan_data(&result, &labels),
            info,
        });
    }
    let written = outputs.write()?;
    if !args.quiet {
        print!("{}", report.table());
        println!("\n  Wrote {}", list_paths(&written));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_splits_on_semicolons_and_checks_keys() {
        assert_eq!(
            parse_with("churn.monthly=0.08; pricing.monthly = 39 ;").unwrap(),
            vec!["churn.monthly=0.08", "pricing.monthly = 39"]
        );
        // A TOML value with commas stays whole.
        let v = parse_with("churn.beta={ dist = \"triangular\", min = 5, mode = 8, max = 12 }")
            .unwrap();
        assert_eq!(v.len(), 1);
        for (bad, says) in [
            ("", "no assignment"),
            ("churn.monthly", "is not KEY=VALUE"),
            ("churn.montly=0.1", "did you mean `churn.monthly`"),
        ] {
            let e = parse_with(bad).unwrap_err().to_string();
            assert!(e.starts_with(&format!("--with '{bad}':")), "{e}");
            assert!(
                e.contains(says) && e.contains("KEY=VALUE[; KEY=VALUE...]"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_variant_is_validated_like_the_file() {
        let s = Scenario::builtin_default();
        let v = variant(&s, "platform.fee=0.1").unwrap();
        assert_eq!(v.label, "niche-saas-tool with platform.fee=0.1");
        assert_eq!(v.overrides, vec!["platform.fee=0.1"]);
        let e = variant(&s, "platform.fee=1.5").unwrap_err().to_string();
        assert!(
            e.starts_with("--with 'platform.fee=1.5':") && e.contains("within 0..=1"),
            "{e}"
        );
    }
}
