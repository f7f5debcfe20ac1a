//! `hustle-sim list`: the scenarios in a folder, and with `--run` one row of
//! results per scenario.

use super::interrupt_flag;
use hustle_sim::error::InputError;
use hustle_sim::experiment::{
    ScenarioFile, ScenarioRun, library_scenarios, run_each, scenarios_in,
};
use hustle_sim::report::format::{format_money, format_number, format_percent, terminal_text};
use hustle_sim::sim::{FailureCause, RunOptions};
use std::path::Path;

/// A file's stem as shown in a column: escaped for the terminal first, so
/// that the column's width is what is shown.
fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| terminal_text(&s.to_string_lossy()).into_owned())
        .unwrap_or_default()
}

/// The error that makes the exit code 2 after invalid scenarios were skipped.
fn invalid(count: usize, total: usize, place: &str) -> anyhow::Error {
    InputError::new(format!(
        "{count} of {total} scenarios in {place} are invalid"
    ))
    .into()
}

/// The scenarios of `dir`, or of the built-in library without one, and
/// how to name where they are.
fn scenarios(dir: Option<&Path>) -> anyhow::Result<(Vec<ScenarioFile>, String)> {
    Ok(match dir {
        Some(d) => (scenarios_in(d)?, d.display().to_string()),
        None => (library_scenarios(), "the built-in library".to_string()),
    })
}

pub(super) fn list(dir: Option<&Path>) -> anyhow::Result<()> {
    let (files, place) = scenarios(dir)?;
    if files.is_empty() {
        sayln!("No scenarios (*.toml) in {place}");
        return Ok(());
    }
    if dir.is_none() {
        sayln!(
            "The built-in library. Run one by name: hustle-sim run NAME\n\
             Copy one to edit:  hustle-sim new --from NAME FILE\n"
        );
    }
    let stem_width = files
        .iter()
        .map(|(p, _)| stem(p).chars().count())
        .max()
        .unwrap_or(0);
    let mut failed = 0;
    for (p, model) in &files {
        let stem = stem(p);
        match model {
            Ok(m) => {
                sayln!("{stem:<stem_width$}  {}", m.name);
                if !m.description.is_empty() {
                    sayln!("{:<stem_width$}  {}", "", m.description);
                }
            }
            Err(e) => {
                sayln!("{stem:<stem_width$}  INVALID: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(invalid(failed, files.len(), &place));
    }
    Ok(())
}

/// `list --run`: runs every valid scenario in `dir` (or the built-in
/// library) with the same number of trajectories and seed, prints one row
/// each, and writes no files. Invalid scenarios are reported on stderr and
/// skipped; any makes the exit code 2.
pub(super) fn run_all(dir: Option<&Path>, trajectories: u64, seed: u64) -> anyhow::Result<()> {
    let (files, place) = scenarios(dir)?;
    if files.is_empty() {
        sayln!("No scenarios (*.toml) in {place}");
        return Ok(());
    }
    let opts = RunOptions {
        trajectories,
        seed,
        threads: None,
    };
    let (runs, invalid) = run_each(&files, &opts, interrupt_flag())?;
    for e in &invalid {
        esayln!("error: {e} (skipped)");
    }
    for r in &runs {
        super::warn_clamped(&r.clamped);
    }
    let rows: Vec<Row> = runs.iter().map(Row::from_run).collect();
    sayln!(
        "Scenarios in {place}: {} trajectories each, seed {}, {} months\n",
        format_number(trajectories as f64, 0),
        seed,
        rows.first().map_or(0, |r| r.horizon)
    );
    say!("{}", render(&rows));
    let h = rows.first().map_or(0, |r| r.horizon);
    sayln!(
        "\n{}",
        hustle_sim::report::format::wrap_note(&legend(h), "").trim_end()
    );
    if !invalid.is_empty() {
        return Err(self::invalid(invalid.len(), files.len(), &place));
    }
    Ok(())
}

/// What the columns of the table mean, for horizon `h`.
fn legend(h: u32) -> String {
    format!(
        "By {h}: the share of trajectories whose income became semi-passive by month {h} \
         (sustain_months qualifying months in a row), by each scenario's own [semi_passive] \
         bar; in {h}: the share whose month {h} itself qualifies. When: the median month, \
         the first month by which half of all trajectories had become semi-passive (- when \
         fewer than half did by month {h}). Failure: the share that failed (abandoned, burned \
         out, deplatformed or unprofitable); main cause: the most common cause and its share \
         of all trajectories. Net: the median cumulative net at the horizon, setup included; \
         per hour: the median effective hourly rate."
    )
}

/// One scenario's row of the `list --run` table.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    stem: String,
    currency: String,
    horizon: u32,
    /// Share semi-passive by the horizon; `None` when the scenario has no
    /// `[semi_passive]` section.
    semi_passive: Option<f64>,
    /// Share semi-passive in the horizon's month itself, when defined.
    semi_passive_in: Option<f64>,
    /// The median month: the first by which half of all trajectories had
    /// become semi-passive (`semi_passive.month.p50` of `summary.json`).
    semi_passive_month: Option<u32>,
    failure: f64,
    main_cause: Option<(FailureCause, f64)>,
    cumulative_net: f64,
    hourly_rate: Option<f64>,
}

impl Row {
    /// The row of a run's summary; `semi_passive_reached` counts the
    /// trajectories that became semi-passive by month.
    fn from_run(run: &ScenarioRun) -> Row {
        let s = &run.summary;
        let h = s.horizon_months as usize;
        let main_cause = FailureCause::ALL
            .iter()
            .map(|&c| (c, s.failure.causes.get(c)))
            .filter(|&(_, p)| p > 0.0)
            .fold(
                None,
                |best: Option<(FailureCause, f64)>, (c, p)| match best {
                    Some((_, bp)) if bp >= p => best,
                    _ => Some((c, p)),
                },
            );
        Row {
            stem: stem(&run.path),
            currency: terminal_text(&s.currency).into_owned(),
            horizon: s.horizon_months,
            semi_passive: s.semi_passive.defined.then_some(s.semi_passive.probability),
            semi_passive_in: s
                .semi_passive
                .defined
                .then(|| s.semi_passive.share_by_month[h - 1]),
            semi_passive_month: s.semi_passive.month.p50,
            failure: s.failure.probability,
            main_cause,
            cumulative_net: s.series.cumulative_net.p50[h - 1],
            hourly_rate: s.hourly_rate.p50,
        }
    }
}

/// The table as aligned Markdown: readable in a terminal, and pasted into
/// the docs it renders as a table.
fn render(rows: &[Row]) -> String {
    let one_currency = rows
        .first()
        .map(|r| r.currency.clone())
        .filter(|c| rows.iter().all(|r| &r.currency == c));
    let unit = one_currency
        .as_ref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let per_hour = one_currency
        .as_ref()
        .map_or_else(|| "per hour".to_string(), |c| format!("{c}/h"));
    let money = |r: &Row, x: f64| match one_currency {
        Some(_) => format_money(x),
        None => format!("{} {}", format_money(x), r.currency),
    };
    // Horizons are named once in the heading; a scenario of another
    // horizon says its own.
    let horizon = rows.first().map_or(0, |r| r.horizon);
    let header = [
        "scenario".to_string(),
        format!("by {horizon}"),
        format!("in {horizon}"),
        "when".into(),
        "failure".into(),
        "main cause".into(),
        format!("net{unit}"),
        per_hour,
    ];
    // Text columns are left-aligned, figures right-aligned.
    let right = [false, true, true, true, true, false, true, true];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            [
                if r.horizon == horizon {
                    r.stem.clone()
                } else {
                    format!("{} ({} months)", r.stem, r.horizon)
                },
                r.semi_passive
                    .map(format_percent)
                    .unwrap_or_else(|| "n/a".into()),
                r.semi_passive_in
                    .map(format_percent)
                    .unwrap_or_else(|| "n/a".into()),
                r.semi_passive_month
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "-".into()),
                format_percent(r.failure),
                r.main_cause
                    // A whole percent: the table stays within 100 columns.
                    .map(|(c, p)| {
                        format!(
                            "{} {} %",
                            c.name().replace('_', " "),
                            format_number(p * 100.0, 0)
                        )
                    })
                    .unwrap_or_else(|| "-".into()),
                money(r, r.cumulative_net),
                r.hourly_rate
                    .map(|x| money(r, x))
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..8)
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([header[i].chars().count(), 3])
                .max()
                .unwrap_or(3)
        })
        .collect();
    let line = |cols: &[String]| {
        let mut s = String::from("|");
        for (i, c) in cols.iter().enumerate() {
            let pad = widths[i] - c.chars().count();
            if right[i] {
                s.push_str(&format!(" {}{c} |", " ".repeat(pad)));
            } else {
                s.push_str(&format!(" {c}{} |", " ".repeat(pad)));
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(&header);
    let rule: Vec<String> = (0..8)
        .map(|i| {
            if right[i] {
                format!("{}:", "-".repeat(widths[i] - 1))
            } else {
                format!(":{}", "-".repeat(widths[i] - 1))
            }
        })
        .collect();
    out.push_str(&line(&rule));
    for c in &cells {
        out.push_str(&line(c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(stem: &str, currency: &str) -> Row {
        Row {
            stem: stem.into(),
            currency: currency.into(),
            horizon: 24,
            semi_passive: Some(0.442),
            semi_passive_in: Some(0.376),
            semi_passive_month: Some(14),
            failure: 0.191,
            main_cause: Some((FailureCause::BurnedOut, 0.12)),
            cumulative_net: 9611.4,
            hourly_rate: Some(25.69),
        }
    }

    #[test]
    fn table_is_aligned_markdown() {
        let mut other = row("gpt-store-assistant", "USD");
        other.semi_passive = None;
        other.semi_passive_in = None;
        other.semi_passive_month = None;
        other.main_cause = None;
        other.hourly_rate = None;
        let t = render(&[row("niche-saas-tool", "USD"), other]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() == lines[0].chars().count())
        );
        assert!(lines[0].contains("| net USD |"), "{}", lines[0]);
        assert!(lines[0].contains("| USD/h |"), "{}", lines[0]);
        assert!(lines[1].starts_with("| :---"), "{}", lines[1]);
        let header: Vec<&str> = lines[0].split('|').map(str::trim).collect();
        assert_eq!(header[1..5], ["scenario", "by 24", "in 24", "when"]);
        assert!(lines[2].contains(" 44.2 % | 37.6 % |"), "{}", lines[2]);
        assert!(lines[2].contains("burned out 12 %"));
        assert!(lines[2].contains("9,611"));
        assert!(lines[2].contains("25.69"));
        assert!(lines[3].contains("n/a"));
    }

    #[test]
    fn another_horizon_is_named_with_its_scenario() {
        let mut long = row("long-haul", "USD");
        long.horizon = 36;
        let t = render(&[row("a", "USD"), long]);
        assert!(t.contains("| long-haul (36 months) |"), "{t}");
    }

    #[test]
    fn mixed_currencies_are_labelled_per_cell() {
        let t = render(&[row("a", "USD"), row("b", "EUR")]);
        assert!(t.contains("9,611 EUR"));
        assert!(t.contains(" net |"), "{t}");
        assert!(t.contains(" per hour |"), "{t}");
    }
}
