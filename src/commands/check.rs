//! `hustle-sim check`: validate scenarios and show every parameter with its
//! default made explicit; validate portfolios and show the person's keys
//! and each hustle.

use super::load_scenario;
use hustle_sim::churn::ChurnByRenewal;
use hustle_sim::error::InputError;
use hustle_sim::model::{Model, Origin};
use hustle_sim::portfolio::{Portfolio, is_portfolio_file};
use hustle_sim::report::format::{format_value, terminal_text};
use hustle_sim::scenario::keys::Param;
use std::path::{Path, PathBuf};

/// Text as a quoted TOML-like value: quotes and backslashes escaped,
/// control characters escaped for the terminal as every command does.
fn quoted(s: &str) -> String {
    let s = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{}\"", terminal_text(&s))
}

/// The resolved parameters of a model, one `key = value  # origin` line each.
pub fn describe_model(m: &Model) -> String {
    let mut lines: Vec<(String, String, String)> = vec![
        ("name".to_string(), quoted(&m.name), "file".into()),
        ("description".into(), quoted(&m.description), "file".into()),
        ("currency".into(), quoted(&m.currency), "file".into()),
        (
            "horizon_months".into(),
            m.horizon_months.to_string(),
            "".into(),
        ),
        ("setup.months".into(), m.setup_months.to_string(), "".into()),
        (
            "acquisition.model".into(),
            format!(
                "{:?}",
                serde_json::to_value(m.acquisition)
                    .expect("enum")
                    .as_str()
                    .unwrap_or("")
            ),
            "".into(),
        ),
        (
            "churn.model".into(),
            format!(
                "{:?}",
                serde_json::to_value(m.churn)
                    .expect("enum")
                    .as_str()
                    .unwrap_or("")
            ),
            "".into(),
        ),
        (
            "owner.quit_after_months".into(),
            m.quit_after_months.to_string(),
            "".into(),
        ),
        (
            "owner.burnout_after_months".into(),
            m.burnout_after_months.to_string(),
            "".into(),
        ),
    ];
    if let Some(s) = m.semi_passive_sustain_months {
        lines.push((
            "semi_passive.sustain_months".into(),
            s.to_string(),
            "".into(),
        ));
    }
    // The owner's hours keys are listed for the scenarios that use them.
    let owner_hours = m.uses_owner_hours_keys();
    // In table order, but churn.polarisation beside the other churn keys,
    // followed by the churn they give in people's terms.
    let order = Param::ALL
        .into_iter()
        .filter(|&p| p != Param::ChurnPolarisation)
        .flat_map(|p| match p {
            Param::ChurnBeta => vec![p, Param::ChurnPolarisation],
            _ => vec![p],
        });
    for p in order {
        if p == Param::PriceMonthly {
            lines.push(churn_line(m));
        }
        if !owner_hours && Param::OWNER_HOURS.contains(&p) {
            continue;
        }
        let origin = match m.origin(p) {
            Origin::File => "file",
            Origin::Override => "--set",
            Origin::Default => "default",
            Origin::Unused => continue,
        };
        lines.push((p.key().to_string(), m.param(p).to_string(), origin.into()));
    }
    if !m.burnout_enabled() {
        lines.push((
            "owner.burnout_hours_monthly".into(),
            "(absent: never burns out)".into(),
            "default".into(),
        ));
    }
    if owner_hours && !m.capacity_enabled() {
        lines.push((
            "owner.capacity_hours_monthly".into(),
            "(absent: unlimited)".into(),
            "default".into(),
        ));
    }
    let mut out = aligned(&lines, "  ");
    out.push_str(&describe_correlations(m));
    out
}

/// `key = value  # origin` lines, their `=` aligned, each after `indent`
/// (no comment where the origin is empty).
fn aligned<O: AsRef<str>>(lines: &[(String, String, O)], indent: &str) -> String {
    let width = lines.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    lines
        .iter()
        .map(|(k, v, o)| {
            let o = o.as_ref();
            if o.is_empty() {
                format!("{indent}{k:<width$} = {v}\n")
            } else {
                format!("{indent}{k:<width$} = {v:<36} # {o}\n")
            }
        })
        .collect()
}

/// A portfolio as `check` shows it: the person's keys (their owner and
/// semi-passive bar), then each hustle with its scenario, start month,
/// quit rule and overrides.
pub fn describe_portfolio(p: &Portfolio) -> String {
    let m = &p.person;
    let origin = |param: Param| match m.origin(param) {
        Origin::File | Origin::Override => "file",
        Origin::Default | Origin::Unused => "default",
    };
    let mut lines = vec![
        ("name".to_string(), quoted(&p.name), ""),
        ("description".into(), quoted(&p.description), ""),
        ("currency".into(), quoted(&p.currency), ""),
        ("horizon_months".into(), p.horizon_months.to_string(), ""),
        (
            "owner.burnout_after_months".into(),
            m.burnout_after_months.to_string(),
            "",
        ),
    ];
    let absent = |param: Param| match param {
        Param::BurnoutHoursMonthly => "(absent: never burns out)",
        Param::CapacityHoursMonthly => "(absent: unlimited)",
        _ => "(absent: no limit)",
    };
    for param in [
        Param::BurnoutHoursMonthly,
        Param::CapacityHoursMonthly,
        Param::HourlyValue,
    ] {
        let value = match m.origin(param) {
            Origin::Unused => absent(param).to_string(),
            _ => m.param(param).to_string(),
        };
        lines.push((param.key().to_string(), value, origin(param)));
    }
    match m.semi_passive_sustain_months {
        Some(sustain) => {
            lines.push((
                "semi_passive.sustain_months".into(),
                sustain.to_string(),
                "",
            ));
            for param in [
                Param::SemiPassiveMinNet,
                Param::SemiPassiveMaxHours,
                Param::SemiPassiveMinPassivity,
            ] {
                if m.origin(param) != Origin::Unused {
                    lines.push((param.key().to_string(), m.param(param).to_string(), "file"));
                }
            }
        }
        None => lines.push((
            "semi_passive".into(),
            "(absent: no month is semi-passive)".into(),
            "",
        )),
    }
    let mut out = aligned(&lines, "  ");
    for (j, h) in p.hustles.iter().enumerate() {
        let from = match &h.path {
            Some(path) => path.display().to_string(),
            None => "built-in library".into(),
        };
        out.push_str(&format!(
            "  [[hustle]] {}: {} ({})\n",
            j + 1,
            quoted(&h.scenario),
            terminal_text(&from)
        ));
        let hm = &h.model;
        let quit_after = match hm.quit_after_months {
            0 => "0 (never quits)".to_string(),
            n => n.to_string(),
        };
        let first = h.start_month;
        let months = p.months_of(j);
        let mut lines = vec![
            ("name".to_string(), quoted(&hm.name), ""),
            (
                "start_month".into(),
                format!(
                    "{first} (the portfolio's months {first}..={}: {months} months)",
                    p.horizon_months
                ),
                "",
            ),
            ("owner.quit_after_months".into(), quit_after, ""),
            (
                "owner.quit_below_net".into(),
                hm.param(Param::QuitBelowNet).to_string(),
                match hm.origin(Param::QuitBelowNet) {
                    Origin::File => "file",
                    Origin::Override => "set",
                    Origin::Default | Origin::Unused => "default",
                },
            ),
        ];
        for o in &h.overrides {
            let (key, value) = o.split_once('=').unwrap_or((o, ""));
            lines.push((key.to_string(), terminal_text(value).into_owned(), "set"));
        }
        out.push_str(&aligned(&lines, "    "));
    }
    out
}

/// The churn at renewals 1, 6 and 12 as `check` shows it: the median draw,
/// and for uncertain churn each renewal's 10th to 90th percentile.
fn churn_line(m: &Model) -> (String, String, String) {
    let c = ChurnByRenewal::of(m);
    let note = if c.uncertain() {
        format!("median draw; p10-p90 {}", c.ranges())
    } else {
        "each customer's chance to leave then".into()
    };
    ("churn at renewals 1/6/12".into(), c.medians(), note)
}

/// Widest line `check` prints of its own (values the user wrote may be
/// longer).
const COLUMNS: usize = 100;

/// A clamp chance below this is not worth a note: fewer than one draw in
/// 10,000, the default number of trajectories.
const NOTABLE_CLAMP_CHANCE: f64 = 1e-4;

/// `text` broken at spaces into lines of at most [`COLUMNS`] columns, each
/// starting with `indent` (a word longer than a line stands alone).
fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.len() + 1 + word.len() > COLUMNS {
            out.push_str(&line);
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > indent.len() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The `[[correlation]]` tables and the rank correlation each gives its
/// pair (docs/model.md, Random streams: the Gaussian copula), with a note
/// for each parameter whose draws are likely to be clamped.
fn describe_correlations(m: &Model) -> String {
    if m.correlations.is_empty() {
        return String::new();
    }
    let mut out = wrap(
        "Correlations (Gaussian copula): each pair's draws have exactly this Spearman rank \
         correlation before clamping, as summary.json measures it; pairs not named are \
         independent.",
        "  ",
    );
    let pairs: Vec<String> = m
        .correlations
        .iter()
        .map(|c| format!("{} and {}", c.params[0].key(), c.params[1].key()))
        .collect();
    let width = pairs.iter().map(String::len).max().unwrap_or(0);
    for (c, pair) in m.correlations.iter().zip(&pairs) {
        out.push_str(&format!(
            "    {pair:<width$}  rank {:>5}\n",
            c.rank.to_string()
        ));
        let clamped: Vec<String> = c
            .params
            .iter()
            .map(|&p| (p, m.clamp_chance(p)))
            .filter(|&(_, chance)| chance >= NOTABLE_CLAMP_CHANCE)
            .map(|(p, chance)| {
                format!(
                    "about {} of {}'s draws (valid: {})",
                    format_share(chance),
                    p.key(),
                    m.bound(p)
                )
            })
            .collect();
        if !clamped.is_empty() {
            out.push_str(&wrap(
                &format!(
                    "{} are clamped, so the values the trajectories use may be less \
                     correlated than that.",
                    clamped.join(" and ")
                ),
                "      ",
            ));
        }
    }
    out
}

/// A chance as a percentage with two significant digits: "16 %", "0.35 %".
fn format_share(p: f64) -> String {
    format!("{} %", format_value(round_to_two_digits(p * 100.0)))
}

fn round_to_two_digits(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let scale = 10f64.powi(1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// A portfolio, checked; `--set` does not apply to one.
fn check_portfolio(f: &Path, overrides: &[String]) -> Result<String, InputError> {
    if let Some(o) = overrides.first() {
        return Err(InputError::new(format!(
            "--set {o}: {} is a portfolio; --set overrides a scenario's keys, and a \
             portfolio's hustles take their overrides in their set",
            f.display()
        ))
        .with_source("--set")
        .with_value(o)
        .with_allowed("no --set with a portfolio"));
    }
    let p = Portfolio::load(f)?;
    let n = p.hustles.len();
    Ok(format!(
        "{}: valid portfolio of {n} hustle{}\n{}",
        f.display(),
        if n == 1 { "" } else { "s" },
        describe_portfolio(&p)
    ))
}

pub(super) fn check(files: &[PathBuf], overrides: &[String]) -> anyhow::Result<()> {
    let mut failed = 0;
    for f in files {
        super::check_interrupt()?;
        if is_portfolio_file(f) {
            match check_portfolio(f, overrides) {
                Ok(text) => say!("{text}"),
                Err(e) => {
                    esayln!("error: {e}");
                    failed += 1;
                }
            }
            continue;
        }
        match load_scenario(Some(f), overrides).and_then(|s| s.model()) {
            Ok(m) => {
                sayln!("{}: valid", f.display());
                say!("{}", describe_model(&m));
                for (p, chance) in m.clamp_chances(NOTABLE_CLAMP_CHANCE) {
                    esayln!(
                        "warning: {}: about {} of {}'s draws fall outside its valid range ({}) and will be clamped into it",
                        f.display(),
                        format_share(chance),
                        p.key(),
                        m.bound(p)
                    );
                }
            }
            Err(e) => {
                esayln!("error: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(
            InputError::new(format!("{failed} of {} inputs are invalid", files.len())).into(),
        );
    }
    Ok(())
}
