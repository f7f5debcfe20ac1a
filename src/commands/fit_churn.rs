//! `hustle-sim fit-churn`: fit churn to retention data, print the report
//! (or JSON), draw `fit.png`, and optionally rewrite a scenario's churn
//! table with the fit.
//!
//! Nothing is written unless everything succeeds: the data, `--as-of`, the
//! scenario of `--into` (its text, its rewrite, its permissions) and the
//! chart are all checked or computed, and the new scenario and `fit.png`
//! staged in temporaries, before the first file is put in place; the
//! report is printed last.

use crate::cli::{DataFormat, FitChurnArgs};
use anyhow::Context;
use hustle_sim::error::InputError;
use hustle_sim::fit::data::{self, Date, Format};
use hustle_sim::fit::{self, ChurnFit, chart, report, rewrite};
use hustle_sim::input::{SCENARIO_FILE, read_limited};
use hustle_sim::output::{
    Output, OutputSet, check_inputs_kept, prepare_dir, sanitize_stem, stage_replacement,
};
use std::path::{Path, PathBuf};

/// A scenario rewrite, computed but not yet written.
struct ScenarioRewrite {
    path: PathBuf,
    /// The file's bytes as read.
    old: Vec<u8>,
    text: String,
    changes: Vec<rewrite::Change>,
}

fn plan_into(path: &Path, fit: &ChurnFit, data_name: &str) -> Result<ScenarioRewrite, InputError> {
    let source = path.display().to_string();
    if path.is_dir() {
        return Err(InputError::new(format!(
            "--into {source}: is a directory, not a scenario file"
        )));
    }
    let old = read_limited(path, SCENARIO_FILE, |e| {
        InputError::new(format!("--into {source}: cannot read the scenario: {e}"))
    })?;
    let text = std::str::from_utf8(&old).map_err(|e| {
        InputError::new(format!(
            "--into {source}: is not UTF-8 text (invalid byte at offset {}); a scenario is UTF-8 TOML",
            e.valid_up_to()
        ))
    })?;
    let base = format!(
        "{}{data_name}, periods 1-{}",
        rewrite::NOTE_PREFIX,
        fit.periods_fitted
    );
    let setting = fit.scenario_churn();
    let note = |key: &str| {
        let se = |x: f64| report::format_sig(x);
        let errors = match (key, setting) {
            ("alpha", _) => fit.alpha_se.map(|a| format!("standard error {}", se(a))),
            ("beta", _) => fit.beta_se.map(|b| format!("standard error {}", se(b))),
            ("monthly", _) | ("churn", rewrite::ChurnSetting::Constant { .. }) => Some(format!(
                "standard error {}",
                se(fit.constant_churn.monthly_se)
            )),
            ("churn", rewrite::ChurnSetting::Sbg { .. }) => fit
                .alpha_se
                .zip(fit.beta_se)
                .map(|(a, b)| format!("standard errors alpha {}, beta {}", se(a), se(b))),
            _ => None,
        };
        match errors {
            Some(e) => format!("{base}, {e}"),
            None => base.clone(),
        }
    };
    let (text, changes) = rewrite::rewrite_churn(text, &source, setting, &note)?;
    Ok(ScenarioRewrite {
        path: path.to_path_buf(),
        old,
        text,
        changes,
    })
}

/// An output already computed: `fit.png`, the fitted survival curve
/// against the data.
struct Rendered {
    name: &'static str,
    bytes: Vec<u8>,
}

impl Output for Rendered {
    fn file_name(&self) -> &str {
        self.name
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.bytes.clone())
    }
}

pub(super) fn fit_churn(args: &FitChurnArgs) -> anyhow::Result<()> {
    let format = match args.format {
        DataFormat::Survival => Format::Survival,
        DataFormat::Customers => Format::Customers,
    };
    let as_of = args
        .as_of
        .as_deref()
        .map(|s| Date::parse(s).map_err(|m| InputError::new(format!("--as-of: {m}"))))
        .transpose()?;
    let dataset = data::read(&args.data, format, as_of)?;
    let fit = fit::fit_churn(&dataset, args.fit_periods)?;

    let data_name = args
        .data
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.data.display().to_string());
    let into = args
        .into
        .as_deref()
        .map(|p| plan_into(p, &fit, &data_name))
        .transpose()?;
    // The chart is drawn before any file is touched.
    let chart = Rendered {
        name: "fit.png",
        bytes: chart::render_png(&fit, &data_name).context("cannot draw fit.png")?,
    };
    // The scenario's permissions are checked and its new text staged beside
    // it; a read-only or unwritable scenario stops everything here.
    let staged_into = match &into {
        Some(into) if !into.changes.is_empty() => Some(stage_replacement(
            "--into",
            &into.path,
            &into.old,
            into.text.as_bytes(),
        )?),
        _ => None,
    };

    let stem = args
        .data
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("fit-{}", sanitize_stem(&stem))));
    let mut inputs = vec![("the data file", args.data.as_path())];
    inputs.extend(
        args.into
            .iter()
            .map(|p| ("the --into scenario", p.as_path())),
    );
    check_inputs_kept(&out, &["fit.png"], &inputs)?;
    let out_dir = prepare_dir(&out)?;
    let mut outputs = OutputSet::new(&out, &["fit.png"]);
    // Ctrl-C stops the command until everything is staged; then the
    // rewrite of --into and the chart are both completed.
    outputs.cancel_on(super::interrupt_flag());
    outputs.add(chart);
    let staged = outputs.stage()?;
    // Everything is complete: the scenario first (on a failure there,
    // nothing has been written), then the chart.
    if let Some(s) = staged_into {
        s.commit()?;
    }
    let chart_path = staged.commit()?.remove(0);
    out_dir.keep();
    // With --json, stdout carries only the JSON; notes go to stderr.
    let mut notes = Vec::new();
    notes.push(format!("Wrote {}", chart_path.display()));
    if let Some(into) = &into {
        if into.changes.is_empty() {
            notes.push(format!(
                "{}: [churn] already holds this fit; left unchanged",
                into.path.display()
            ));
        } else {
            notes.push(format!("Updated [churn] in {}:", into.path.display()));
            notes.extend(into.changes.iter().map(|c| format!("  {c}")));
        }
    }
    if args.json {
        crate::terminal::out_json(&fit.to_json());
        for n in notes {
            esayln!("{n}");
        }
    } else {
        say!("{}", report::render(&fit));
        sayln!();
        for n in notes {
            sayln!("  {n}");
        }
    }
    Ok(())
}
