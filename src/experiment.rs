//! Experiments: variants of a model run on the same random numbers, each
//! summarised. `compare` runs scenarios and portfolios, or variants of the
//! first (`--with`); `sweep` runs one real-valued key at each of several
//! values, of a scenario or a portfolio (a portfolio's keys are its
//! person's and its hustles' as `hustle.N.KEY`, [`crate::portfolio::keys`]);
//! both on the paired driver ([`crate::sim::run_paired`]), which simulates
//! trajectory i of every variant from the same (seed, i); `sensitivity`
//! (in [`crate::sensitivity`]) runs each parameter's low and high value the
//! same way. `list --run` runs every scenario of a folder with one seed,
//! each on its own (they may differ in horizon): [`run_each`].
//!
//! Here the variants are built and checked (values in range, one horizon),
//! run, and their reports assembled; the commands only read arguments,
//! call one function and write or print what it returns.

use crate::error::InputError;
use crate::model::Model;
use crate::portfolio::{Portfolio, PortfolioKey, PortfolioSet, Who, is_portfolio_file};
use crate::report::Summary;
use crate::report::clamped::{Clamped, clamped, clamped_in_runs};
use crate::report::compare::{CompareReport, ScenarioEntry};
use crate::report::format::round_12_digits;
use crate::report::paired::{OutcomeStats, PairedStats};
use crate::report::sweep::{SweepReport, SweepRow, value_text};
use crate::scenario::Scenario;
use crate::scenario::keys::{Bound, KeyKind, Param, key_kind, suggest};
use crate::sim::counts::median_month_among_reached;
use crate::sim::paired::one_horizon;
use crate::sim::{PairedResult, PairedSpec, RunOptions, Subject, run_paired_subjects};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// A scenario or portfolio taking part in a comparison.
#[derive(Debug, Clone)]
pub struct Entrant {
    /// Its validated model: the scenario's, or a portfolio's person.
    pub model: Model,
    /// The portfolio, if it is one: its figures are its person's.
    pub portfolio: Option<Portfolio>,
    /// Its label in the table and charts.
    pub label: String,
    /// The file it came from.
    pub source: String,
    /// Overrides of a `--with` variant.
    pub overrides: Vec<String>,
}

impl Entrant {
    /// What the paired driver runs for it.
    pub fn subject(&self) -> Subject {
        match &self.portfolio {
            Some(p) => Subject::Portfolio(p.clone()),
            None => Subject::Scenario(self.model.clone()),
        }
    }

    /// Its label with its overrides, as the charts show it: a named
    /// variant's name followed by its overrides (`high churn
    /// (churn.monthly=0.08)`); a label that already shows them, or a
    /// scenario without any, as it is.
    pub fn described(&self) -> String {
        described(&self.label, &self.overrides)
    }
}

/// A label with the overrides it does not show ([`Entrant::described`]).
pub fn described(label: &str, overrides: &[String]) -> String {
    let joined = overrides.join("; ");
    if overrides.is_empty() || label.ends_with(&joined) {
        label.to_string()
    } else {
        format!("{label} ({joined})")
    }
}

/// The `KEY=VALUE` parts of one `--with` text, separated by `;` (TOML
/// values may contain commas); an error if there is none.
fn with_parts(text: &str) -> Result<Vec<String>, InputError> {
    let parts: Vec<String> = text
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect();
    if parts.is_empty() {
        return Err(with_error(text, "no assignment".into()));
    }
    Ok(parts)
}

/// A malformed `--with` text.
fn with_error(text: &str, what: String) -> InputError {
    InputError::new(format!(
        "--with '{text}': {what}; expected KEY=VALUE[; KEY=VALUE...], e.g. --with 'churn.monthly=0.08; pricing.monthly=39'"
    ))
    .with_source("--with")
    .with_value(text)
    .with_allowed("KEY=VALUE[; KEY=VALUE...]")
}

/// The assignments of one `--with` text: `KEY=VALUE` parts separated by
/// `;` (TOML values may contain commas), each key a valid scenario key.
pub fn parse_with(text: &str) -> Result<Vec<String>, InputError> {
    let err = |what: String| with_error(text, what);
    let parts = with_parts(text)?;
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

/// A `--with` text split into the variant's name, when it has one
/// (`high churn: churn.monthly=0.08`: the text before the first `:`, if it
/// holds no `=`), and its assignments.
pub fn split_name(with: &str) -> (Option<&str>, &str) {
    match with.split_once(':') {
        Some((name, rest)) if !name.contains('=') && !name.trim().is_empty() => {
            (Some(name.trim()), rest)
        }
        _ => (None, with),
    }
}

/// The first scenario with the assignments of one `--with` applied,
/// validated like the file, and labelled with the variant's name or else
/// with its assignments.
pub fn variant(first: &Scenario, with: &str) -> Result<Entrant, InputError> {
    let (name, assignments) = split_name(with);
    let overrides = parse_with(assignments)?;
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
        portfolio: None,
        label: name.map_or_else(
            || format!("{} with {}", first.stem, overrides.join("; ")),
            str::to_string,
        ),
        source: first.source.clone(),
        overrides,
    })
}

/// The changes of one `--with` text to a portfolio of `hustles` hustles:
/// `KEY=VALUE` parts separated by `;`, each key the person's or a
/// hustle's as `hustle.N.KEY` ([`PortfolioKey::parse`]).
pub fn parse_portfolio_with(text: &str, hustles: usize) -> Result<Vec<PortfolioSet>, InputError> {
    with_parts(text)?
        .iter()
        .map(|part| {
            if !part.contains('=') {
                return Err(with_error(text, format!("`{part}` is not KEY=VALUE")));
            }
            PortfolioSet::parse(part, hustles).map_err(|e| {
                let key = e.key().unwrap_or_default();
                let mut out = InputError::new(format!("--with '{text}': {key}: {e}"))
                    .with_source("--with")
                    .with_value(text);
                if let Some(k) = e.key() {
                    out = out.with_key(k);
                }
                if let Some(a) = e.allowed() {
                    out = out.with_allowed(a);
                }
                out
            })
        })
        .collect()
}

/// The portfolio of file `path` with the changes of one `--with`, validated
/// like the file, and labelled with the variant's name or else with its
/// changes.
pub fn portfolio_variant(
    path: &Path,
    first: &Portfolio,
    with: &str,
) -> Result<Entrant, InputError> {
    let (name, assignments) = split_name(with);
    let sets = parse_portfolio_with(assignments, first.hustles.len())?;
    let p = Portfolio::load_with(path, &sets).map_err(|e| {
        let mut out = InputError::new(format!("--with '{with}': {e}")).with_source("--with");
        if let Some(k) = e.key() {
            out = out.with_key(k);
        }
        if let Some(v) = e.value() {
            out = out.with_value(v);
        }
        if let Some(a) = e.allowed() {
            out = out.with_allowed(a);
        }
        out
    })?;
    let overrides: Vec<String> = sets.iter().map(PortfolioSet::written).collect();
    Ok(Entrant {
        model: p.person.clone(),
        label: name.map_or_else(
            || format!("{} with {}", first.stem, overrides.join("; ")),
            str::to_string,
        ),
        source: first.source.clone(),
        portfolio: Some(p),
        overrides,
    })
}

/// The entrants of a comparison: the files in order, each a scenario or a
/// portfolio ([`is_portfolio_file`]), then one variant of the first per
/// `--with`; all of one horizon.
pub fn entrants(files: &[PathBuf], with: &[String]) -> Result<Vec<Entrant>, InputError> {
    enum Loaded {
        Scenario(Scenario),
        Portfolio(Box<Portfolio>),
    }
    let loaded = files
        .iter()
        .map(|p| {
            Ok(if is_portfolio_file(p) {
                Loaded::Portfolio(Box::new(Portfolio::load(p)?))
            } else {
                Loaded::Scenario(Scenario::locate(p)?)
            })
        })
        .collect::<Result<Vec<_>, InputError>>()?;
    let mut out = loaded
        .iter()
        .map(|l| {
            Ok(match l {
                Loaded::Scenario(s) => Entrant {
                    model: s.model()?,
                    portfolio: None,
                    label: s.stem.clone(),
                    source: s.source.clone(),
                    overrides: Vec::new(),
                },
                Loaded::Portfolio(p) => Entrant {
                    model: p.person.clone(),
                    portfolio: Some(p.as_ref().clone()),
                    label: p.stem.clone(),
                    source: p.source.clone(),
                    overrides: Vec::new(),
                },
            })
        })
        .collect::<Result<Vec<_>, InputError>>()?;
    for w in with {
        out.push(match &loaded[0] {
            Loaded::Scenario(s) => variant(s, w)?,
            Loaded::Portfolio(p) => portfolio_variant(&files[0], p, w)?,
        });
    }
    if out.len() < 2 {
        return Err(InputError::new(
            "compare needs two scenarios or more: give another scenario file, or a variant of this one with --with 'KEY=VALUE'",
        ));
    }
    one_horizon(
        "compare",
        out.iter()
            .map(|e| (e.label.as_str(), e.model.horizon_months)),
    )?;
    Ok(out)
}

/// A finished comparison: the report and the paired result the charts are
/// drawn from.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// `compare.json` and the table.
    pub report: CompareReport,
    /// Every variant's and pair's statistics.
    pub result: PairedResult,
    /// The entrants' labels, in order.
    pub labels: Vec<String>,
}

/// Runs the entrants in lockstep (month by month too when `monthly`, for
/// the charts) and reports each one and each against the first.
pub fn compare(
    entrants: &[Entrant],
    opts: &RunOptions,
    monthly: bool,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> anyhow::Result<Comparison> {
    let subjects: Vec<Subject> = entrants.iter().map(Entrant::subject).collect();
    let spec = PairedSpec {
        monthly,
        pairs: true,
    };
    let result = run_paired_subjects(&subjects, opts, spec, progress, cancel)?;
    let n = result.trajectories;
    let labels: Vec<String> = entrants.iter().map(|e| e.label.clone()).collect();
    let runs: Vec<(&Model, &[u64], String)> = result
        .variants
        .iter()
        .zip(&labels)
        .map(|(v, l)| (&v.model, &v.tally.counts.clamped[..], l.clone()))
        .collect();
    let clamped = clamped_in_runs(&runs, n);
    let report = CompareReport {
        trajectories: n,
        seed: result.seed,
        horizon_months: result.horizon as u32,
        currency: entrants[0].model.currency.clone(),
        elapsed_seconds: result.elapsed.as_secs_f64(),
        scenarios: entrants
            .iter()
            .zip(&result.variants)
            .map(|(e, v)| ScenarioEntry {
                name: e.model.name.clone(),
                label: e.label.clone(),
                source: e.source.clone(),
                portfolio: e.portfolio.is_some(),
                overrides: e.overrides.clone(),
                churn_at_renewals: e
                    .portfolio
                    .is_none()
                    .then(|| crate::churn::ChurnByRenewal::of(&e.model).p50),
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
        clamped,
    };
    Ok(Comparison {
        report,
        result,
        labels,
    })
}

/// Most values one sweep may have: each keeps its own sketches in every
/// worker.
pub const MAX_VALUES: usize = 200;

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
                .with_source("--values")
                .with_value(text)
                .with_allowed("comma-separated finite numbers")
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
        .with_source("--range")
        .with_value(text)
        .with_allowed(format!("FROM:TO:STEPS with FROM < TO and STEPS within 2..={MAX_VALUES}"))
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
        ))
        .with_source(arg)
        .with_value(n.to_string())
        .with_allowed(format!("at most {MAX_VALUES} values")));
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
    let why = match (key_kind(key), suggest(key)) {
        (None, Some(s)) => format!("unknown key; did you mean `{s}`?"),
        _ => not_real_valued(key),
    };
    Err(InputError::new(format!(
        "--param {key}: {why}. Real-valued keys of this scenario: {sweepable}"
    ))
    .with_source("--param")
    .with_value(key)
    .with_allowed(format!("one of {sweepable}")))
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
    // The key's range in this scenario (churn.monthly under sbg excludes
    // 0 and 1); a scenario that does not validate says so below.
    let bound = scenario.model().map_or(p.spec().bound, |m| m.bound(p));
    values
        .iter()
        .map(|&v| {
            check_value(bound, p.key(), v, arg)?;
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

/// Why a key that is not a real-valued parameter cannot be swept.
fn not_real_valued(key: &str) -> String {
    match key_kind(key) {
        Some(KeyKind::Integer { .. }) => "a whole number, not a real-valued parameter".to_string(),
        Some(KeyKind::Choice(_)) => "a choice of model, not a real-valued parameter".to_string(),
        Some(_) => "text, not a real-valued parameter".to_string(),
        None => "unknown key".to_string(),
    }
}

/// The key `--param KEY` names in a portfolio, if it is a real-valued one:
/// the person's (`owner.capacity_hours_monthly`) or a hustle's
/// (`hustle.1.acquisition.rate`).
pub fn portfolio_sweep_param(
    key: &str,
    portfolio: &Portfolio,
) -> Result<(PortfolioKey, Param), InputError> {
    let n = portfolio.hustles.len();
    let person: Vec<String> = crate::portfolio::keys::person_keys()
        .filter(|k| Param::from_key(k).is_some())
        .collect();
    let sweepable = format!(
        "{} (the person's), or hustle.N.KEY with N within 1..={n} and KEY a real-valued key \
         of that hustle's scenario (e.g. hustle.1.acquisition.rate)",
        person.join(", ")
    );
    let err = |why: String| {
        InputError::new(format!(
            "--param {key}: {why}. Real-valued keys of this portfolio: {sweepable}"
        ))
        .with_source("--param")
        .with_key(key)
        .with_value(key)
        .with_allowed(format!("one of {sweepable}"))
    };
    let k = PortfolioKey::parse(key, n).map_err(|e| err(e.message().to_string()))?;
    match k.param() {
        Some(p) => Ok((k, p)),
        None => Err(err(not_real_valued(&k.key))),
    }
}

/// The value `v` for argument `arg`, checked against the key's valid
/// range `bound`; `key` names it as the user wrote it.
fn check_value(bound: Bound, key: &str, v: f64, arg: &str) -> Result<(), InputError> {
    if bound.contains(v) {
        return Ok(());
    }
    Err(InputError::new(format!(
        "{arg}: {} is not a valid {key} (it must be {bound})",
        value_text(v),
    ))
    .with_source(arg)
    .with_key(key)
    .with_value(value_text(v))
    .with_allowed(bound.to_string()))
}

/// One portfolio per value: the portfolio of file `path` with `key` set to
/// that fixed value, validated like the file (a value outside the key's
/// range `bound` in its model is an error naming the argument).
pub fn portfolio_variants(
    path: &Path,
    key: &PortfolioKey,
    bound: Bound,
    values: &[f64],
    arg: &str,
) -> Result<Vec<Portfolio>, InputError> {
    let written = key.written();
    values
        .iter()
        .map(|&v| {
            check_value(bound, &written, v, arg)?;
            let set = PortfolioSet {
                key: key.clone(),
                // As for a scenario: the shortest round-trip text.
                value: format!("{v:?}"),
            };
            Portfolio::load_with(path, &[set]).map_err(|e| {
                let mut out = InputError::new(format!("{arg}: {written} = {}: {e}", value_text(v)))
                    .with_source(arg)
                    .with_key(e.key().unwrap_or(&written))
                    .with_value(value_text(v));
                if let Some(a) = e.allowed() {
                    out = out.with_allowed(a);
                }
                out
            })
        })
        .collect()
}

/// A sweep ready to run: one scenario or portfolio per value of one key.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The scenario's model as it is, or the portfolio's person: its name,
    /// currency and horizon are the sweep's.
    pub base: Model,
    /// The swept key as written: `platform.fee`, or a portfolio's
    /// `owner.capacity_hours_monthly` or `hustle.1.acquisition.rate`.
    pub key: String,
    /// The swept parameter.
    pub param: Param,
    /// Its values, in order.
    pub values: Vec<f64>,
    /// The scenario or portfolio at each value.
    pub subjects: Vec<Subject>,
    /// The keys the scenario changed from its file (`--set`), as
    /// `KEY=VALUE`, besides the swept one; none for a portfolio, whose
    /// keys are changed in its file.
    pub overrides: Vec<String>,
}

impl Sweep {
    /// The sweep of key `key` of `scenario` over `values`, which came from
    /// argument `arg` (named in errors): the key must be real-valued and
    /// every value valid for it.
    pub fn new(
        scenario: &Scenario,
        key: &str,
        values: Vec<f64>,
        arg: &str,
    ) -> anyhow::Result<Self> {
        let base = scenario.model()?;
        let param = sweep_param(key, &base)?;
        let models = variants(scenario, param, &values, arg)?;
        Ok(Sweep {
            base,
            key: param.key().to_string(),
            param,
            values,
            subjects: models.into_iter().map(Subject::Scenario).collect(),
            overrides: scenario.overrides(),
        })
    }

    /// The sweep of key `key` of the portfolio of file `path` (read as
    /// `portfolio`) over `values`: the person's key or a hustle's as
    /// `hustle.N.KEY`, real-valued, every value valid for it; the sweep
    /// reports the person's outcomes.
    pub fn portfolio(
        path: &Path,
        portfolio: &Portfolio,
        key: &str,
        values: Vec<f64>,
        arg: &str,
    ) -> anyhow::Result<Self> {
        let (k, param) = portfolio_sweep_param(key, portfolio)?;
        let bound = match k.who {
            Who::Person => portfolio.person.bound(param),
            Who::Hustle(n) => portfolio.hustles[n - 1].model.bound(param),
        };
        let portfolios = portfolio_variants(path, &k, bound, &values, arg)?;
        Ok(Sweep {
            base: portfolio.person.clone(),
            key: k.written(),
            param,
            values,
            subjects: portfolios.into_iter().map(Subject::Portfolio).collect(),
            overrides: Vec::new(),
        })
    }

    /// Runs every value in lockstep and reports one row per value.
    pub fn run(
        &self,
        opts: &RunOptions,
        progress: &(dyn Fn(u64) + Sync),
        cancel: &AtomicBool,
    ) -> anyhow::Result<SweepReport> {
        let spec = PairedSpec {
            monthly: false,
            pairs: false,
        };
        let result = run_paired_subjects(&self.subjects, opts, spec, progress, cancel)?;
        let runs: Vec<(&Model, &[u64], String)> = result
            .variants
            .iter()
            .zip(&self.values)
            .map(|(v, x)| {
                (
                    &v.model,
                    &v.tally.counts.clamped[..],
                    format!("at {} = {}", self.key, value_text(*x)),
                )
            })
            .collect();
        let clamped = clamped_in_runs(&runs, result.trajectories);
        Ok(SweepReport {
            scenario: self.base.name.clone(),
            key: self.key.clone(),
            currency: self.base.currency.clone(),
            trajectories: result.trajectories,
            seed: result.seed,
            horizon_months: self.base.horizon_months,
            elapsed_seconds: result.elapsed.as_secs_f64(),
            rows: self
                .values
                .iter()
                .zip(&result.variants)
                .map(|(&value, v)| SweepRow {
                    value,
                    stats: OutcomeStats::new(v, result.trajectories),
                })
                .collect(),
            clamped,
            overrides: self.overrides.clone(),
            semi_passive_rule: crate::report::rule::semi_passive_rule(&self.base),
        })
    }
}

/// The scenarios of the built-in library ([`crate::scenario::library`]),
/// each under its name, with its model.
pub fn library_scenarios() -> Vec<ScenarioFile> {
    crate::scenario::library::LIBRARY
        .iter()
        .map(|(name, _)| {
            let path = PathBuf::from(name);
            let model = Scenario::locate(&path).and_then(|s| s.model());
            (path, model)
        })
        .collect()
}

/// A scenario file of a folder, with its model or why it is invalid.
pub type ScenarioFile = (PathBuf, Result<Model, InputError>);

/// The `*.toml` files directly in `dir`, sorted by path, each with its
/// model or why it is invalid: the scenarios `list` shows and `list --run`
/// runs.
pub fn scenarios_in(dir: &Path) -> Result<Vec<ScenarioFile>, InputError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| InputError::new(format!("{}: cannot list scenarios: {e}", dir.display())))?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files
        .into_iter()
        .map(|p| {
            let model = Scenario::from_file(&p).and_then(|s| s.model());
            (p, model)
        })
        .collect())
}

/// A scenario of a folder, run on its own ([`run_each`]).
#[derive(Debug, Clone)]
pub struct ScenarioRun {
    /// Its file.
    pub path: PathBuf,
    /// What `hustle-sim run` reports for it.
    pub summary: Summary,
    /// Among its trajectories that became semi-passive, the median month
    /// they did; `None` when none did.
    pub median_month_semi_passive_if_reached: Option<u32>,
    /// Draws clamped into their valid range, for the warnings.
    pub clamped: Vec<Clamped>,
}

/// Runs every valid scenario of `files` with the same options, one after
/// the other, and returns their summaries in order, together with the
/// invalid ones' errors (which are not run).
pub fn run_each<'a>(
    files: &'a [ScenarioFile],
    opts: &RunOptions,
    cancel: &AtomicBool,
) -> anyhow::Result<(Vec<ScenarioRun>, Vec<&'a InputError>)> {
    let mut runs = Vec::new();
    let mut invalid = Vec::new();
    for (path, model) in files {
        match model {
            Ok(m) => {
                let result = crate::sim::run(m, opts, &|_| {}, cancel)?;
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                runs.push(ScenarioRun {
                    clamped: clamped(m, result.trajectories, &result.tally.counts.clamped, &name),
                    path: path.clone(),
                    summary: Summary::from_run(&result, &path.display().to_string()),
                    median_month_semi_passive_if_reached: median_month_among_reached(
                        &result.tally.counts.semi_passive_reached,
                    ),
                });
            }
            Err(e) => invalid.push(e),
        }
    }
    Ok((runs, invalid))
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
            let err = parse_range(bad).unwrap_err();
            assert_eq!(
                [err.source_name(), err.value()],
                [Some("--range"), Some(bad)]
            );
            assert!(err.allowed().unwrap().starts_with("FROM:TO:STEPS"));
            let e = err.to_string();
            assert!(e.starts_with(&format!("--range {bad}:")), "{e}");
            assert!(e.contains("FROM:TO:STEPS"), "{e}");
        }
        assert_eq!(
            parse_values("0.02, 0.05,0.08").unwrap(),
            vec![0.02, 0.05, 0.08]
        );
        for bad in ["", "0.1,,0.2", "0.1;0.2", "nan"] {
            let err = parse_values(bad).unwrap_err();
            assert_eq!(
                [err.source_name(), err.value(), err.allowed()],
                [
                    Some("--values"),
                    Some(bad),
                    Some("comma-separated finite numbers")
                ]
            );
            assert!(err.to_string().contains("is not a number"), "{err}");
        }
        assert_eq!(
            split_name("high churn: churn.monthly=0.08"),
            (Some("high churn"), " churn.monthly=0.08")
        );
        // A colon inside a value is not a name.
        assert_eq!(
            split_name("description=\"a: b\""),
            (None, "description=\"a: b\"")
        );
        let err = parse_with("churn.monthly").unwrap_err();
        assert_eq!(
            [err.source_name(), err.allowed()],
            [Some("--with"), Some("KEY=VALUE[; KEY=VALUE...]")]
        );
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
