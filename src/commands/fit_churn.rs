//! `hustle-sim fit-churn`: fit churn to retention data, print the report
//! (or JSON), draw `fit.png`, and optionally rewrite a scenario's
//! `[churn]` section with the fit.
//!
//! Everything that can fail on bad input (the data, `--as-of`, the
//! scenario of `--into`) is checked before anything is written.

use crate::cli::{DataFormat, FitChurnArgs};
use hustle_sim::error::InputError;
use hustle_sim::fit::data::{self, Date, Format};
use hustle_sim::fit::{self, ChurnFit, chart, report, rewrite};
use hustle_sim::output::{Output, OutputSet, check_inputs_kept, prepare_dir, sanitize_stem};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A scenario rewrite, computed but not yet written.
struct ScenarioRewrite {
    path: PathBuf,
    text: String,
    changes: Vec<rewrite::Change>,
}

fn plan_into(path: &Path, fit: &ChurnFit, data_name: &str) -> Result<ScenarioRewrite, InputError> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(format!("--into {source}: cannot read the scenario: {e}")))?;
    let base = format!("fit-churn {data_name}, periods 1-{}", fit.periods_fitted);
    let note = |key: &str| {
        let se = match key {
            "alpha" => fit.alpha_se,
            "beta" => fit.beta_se,
            "monthly" => Some(fit.constant_churn.monthly_se),
            _ => None,
        };
        match se {
            Some(se) => format!("{base}, standard error {}", report::format_sig(se)),
            None => base.clone(),
        }
    };
    let (text, changes) = rewrite::rewrite_churn(&text, &source, fit.scenario_churn(), &note)?;
    Ok(ScenarioRewrite {
        path: path.to_path_buf(),
        text,
        changes,
    })
}

/// `fit.png`: the fitted survival curve against the data.
pub struct FitChart<'a> {
    /// The fit.
    pub fit: &'a ChurnFit,
    /// The data file's name, in the title.
    pub data_name: &'a str,
}

impl Output for FitChart<'_> {
    fn file_name(&self) -> &str {
        "fit.png"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        chart::render_png(self.fit, self.data_name)
    }
}

/// A scenario's new text under its own file name.
struct RewrittenScenario<'a> {
    name: String,
    text: &'a str,
}

impl Output for RewrittenScenario<'_> {
    fn file_name(&self) -> &str {
        &self.name
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.text.as_bytes().to_vec())
    }
}

/// Replaces the scenario atomically (a temporary file in its folder, then a
/// rename), writing through a symbolic link the user chose and keeping the
/// permissions.
fn write_into(into: &ScenarioRewrite) -> anyhow::Result<()> {
    let real = std::fs::canonicalize(&into.path)
        .map_err(|e| anyhow::anyhow!("cannot resolve {}: {e}", into.path.display()))?;
    let permissions = std::fs::metadata(&real)?.permissions();
    let dir = real.parent().unwrap_or(Path::new("."));
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut outputs = OutputSet::new(dir, &[&name]);
    outputs.add(RewrittenScenario {
        name: name.clone(),
        text: &into.text,
    });
    for written in outputs.write()? {
        std::fs::set_permissions(&written, permissions.clone())?;
    }
    Ok(())
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
    prepare_dir(&out)?;
    let mut outputs = OutputSet::new(&out, &["fit.png"]);
    outputs.add(FitChart {
        fit: &fit,
        data_name: &data_name,
    });
    let chart_path = outputs.write()?.remove(0);
    if let Some(into) = &into
        && !into.changes.is_empty()
    {
        write_into(into)?;
    }

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
        std::io::stdout().write_all(&fit.to_json())?;
        for n in notes {
            eprintln!("{n}");
        }
    } else {
        print!("{}", report::render(&fit));
        println!();
        for n in notes {
            println!("  {n}");
        }
    }
    Ok(())
}
