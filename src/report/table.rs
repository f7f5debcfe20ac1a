//! The summary table printed after a run: the answer at a glance.

use super::Summary;
use super::columns::shorten;
use super::format::{format_money, format_number, format_percent, terminal_text};
use super::portfolio::PortfolioSummary;
use super::summary::{BreakEven, HourlyRate, Passivity, SemiPassive, Series};
use crate::sim::FailureCause;
use crate::stats::{Z95_TWO_SIDED, wilson_interval};
use std::collections::BTreeMap;

fn month(m: Option<u32>) -> String {
    m.map(|m| format!("month {m}"))
        .unwrap_or_else(|| "not within the horizon".into())
}

fn interval(ci: [f64; 2]) -> String {
    format!("(95 % CI {:.1}-{:.1} %)", ci[0] * 100.0, ci[1] * 100.0)
}

/// Width of the labels of the outcome rows: "Passivity in month 120, median"
/// is the longest.
const LABEL: usize = 30;

/// An outcome row: label, a share right-aligned below the others, then
/// `rest` (an interval, a median month).
fn outcome_row(label: &str, share: f64, rest: &str) -> String {
    format!("  {label:<LABEL$} {:>8}{rest}\n", format_percent(share))
}

/// The line under a header that says a run differs from its file:
/// `"  with churn.beta=5; pricing.monthly=39 (not as in the file)\n"`, or
/// nothing for the file as it is.
pub fn overrides_line(overrides: &[String]) -> String {
    if overrides.is_empty() {
        String::new()
    } else {
        format!(
            "  with {} (not as in the file)\n",
            terminal_text(&overrides.join("; "))
        )
    }
}

/// What the table shows of a scenario's run or a portfolio person's.
struct View<'a> {
    name: &'a str,
    currency: &'a str,
    horizon_months: u32,
    trajectories: u64,
    seed: u64,
    overrides: &'a [String],
    series: &'a Series,
    semi_passive: &'a SemiPassive,
    failure_probability: f64,
    failure_ci95: [f64; 2],
    causes: Vec<(FailureCause, f64)>,
    break_even: &'a BreakEven,
    passivity: Option<&'a Passivity>,
    hourly_rate: &'a HourlyRate,
    clamped: &'a BTreeMap<String, u64>,
    trajectories_per_second: f64,
    elapsed_seconds: f64,
}

/// The terminal table for a run.
pub fn render(s: &Summary) -> String {
    render_view(&View {
        name: &s.scenario,
        currency: &s.currency,
        horizon_months: s.horizon_months,
        trajectories: s.trajectories,
        seed: s.seed,
        overrides: &s.overrides,
        series: &s.series,
        semi_passive: &s.semi_passive,
        failure_probability: s.failure.probability,
        failure_ci95: s.failure.ci95,
        causes: FailureCause::ALL
            .iter()
            .map(|&c| (c, s.failure.causes.get(c)))
            .collect(),
        break_even: &s.break_even,
        passivity: s.passivity.as_ref(),
        hourly_rate: &s.hourly_rate,
        clamped: &s.clamped,
        trajectories_per_second: s.trajectories_per_second,
        elapsed_seconds: s.elapsed_seconds,
    })
}

/// The terminal table for a portfolio's run: the person's, then a line for
/// each hustle.
pub fn render_portfolio(p: &PortfolioSummary) -> String {
    let mut o = render_view(&View {
        name: &p.scenario,
        currency: &p.currency,
        horizon_months: p.horizon_months,
        trajectories: p.trajectories,
        seed: p.seed,
        overrides: &[],
        series: &p.series,
        semi_passive: &p.semi_passive,
        failure_probability: p.failure.probability,
        failure_ci95: p.failure.ci95,
        causes: vec![
            (FailureCause::BurnedOut, p.failure.causes.burned_out),
            (FailureCause::AllFailed, p.failure.causes.all_failed),
        ],
        break_even: &p.break_even,
        passivity: Some(&p.passivity),
        hourly_rate: &p.hourly_rate,
        clamped: &p.clamped,
        trajectories_per_second: p.trajectories_per_second,
        elapsed_seconds: p.elapsed_seconds,
    });
    o.push_str(&hustles_table(p));
    o
}

/// Each hustle of a portfolio: when it starts, its median net in the last
/// month, how often it fails and why, and how often it still runs at the
/// horizon.
fn hustles_table(p: &PortfolioSummary) -> String {
    let h = p.horizon_months as usize;
    let mut o = format!(
        "\n  {:<34} {:>5} {:>10} {:>8} {:>8}  {}\n",
        "Hustle",
        "start",
        format!("net m{h}"),
        "failed",
        "running",
        "main cause of failure"
    );
    for (j, hs) in p.hustles.iter().enumerate() {
        let name = format!("{}. {}", j + 1, terminal_text(&hs.name));
        let main = FailureCause::ALL
            .iter()
            .map(|&c| (c, hs.failure.causes.get(c)))
            .filter(|(_, share)| *share > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or("none".to_string(), |(c, _)| c.name().replace('_', " "));
        o.push_str(&format!(
            "  {:<34} {:>5} {:>10} {:>8} {:>8}  {}\n",
            shorten(&name, 34),
            hs.start_month,
            format_money(hs.series.net_income.p50[h - 1]),
            format_percent(hs.failure.probability),
            format_percent(hs.running_at_horizon),
            main
        ));
    }
    o
}

fn render_view(s: &View) -> String {
    let h = s.horizon_months as usize;
    let cur = terminal_text(s.currency);
    let n = s.trajectories;
    let mut o = String::new();
    o.push_str(&format!(
        "{}: {} trajectories over {} months (seed {})\n",
        terminal_text(s.name),
        format_number(n as f64, 0),
        h,
        s.seed
    ));
    o.push_str(&overrides_line(s.overrides));
    o.push('\n');
    if s.semi_passive.defined {
        let sp = s.semi_passive;
        o.push_str(&outcome_row(
            &format!("Semi-passive by month {h}"),
            sp.probability,
            &format!("  {}  median: {}", interval(sp.ci95), month(sp.month.p50)),
        ));
        // The share whose month H itself meets the bar: a trajectory that
        // became semi-passive may have slipped below it or ended since, and
        // one may meet it without yet having held it `sustain_months` long.
        let in_last = sp.share_by_month[h - 1];
        // The share is a count over n, so the count is recovered exactly.
        let count = (in_last * n as f64).round() as u64;
        o.push_str(&outcome_row(
            &format!("Semi-passive in month {h}"),
            in_last,
            &format!("  {}", interval(wilson_interval(count, n, Z95_TWO_SIDED))),
        ));
    } else {
        o.push_str(&format!(
            "  {:<LABEL$} not defined (the scenario has no [semi_passive] section)\n",
            "Semi-passive"
        ));
    }
    o.push_str(&outcome_row(
        &format!("Failure by month {h}"),
        s.failure_probability,
        &format!("  {}", interval(s.failure_ci95)),
    ));
    for &(c, share) in &s.causes {
        o.push_str(&format!(
            "    {:<w$} {:>8}\n",
            c.name().replace('_', " "),
            format_percent(share),
            w = LABEL - 2
        ));
    }
    o.push_str(&outcome_row(
        &format!("Break-even by month {h}"),
        s.break_even.probability,
        &format!(
            "  {}  median: {}",
            interval(s.break_even.ci95),
            month(s.break_even.month.p50)
        ),
    ));
    if let (Some(p), Some(reached)) = (&s.series.passivity, s.passivity) {
        o.push_str(&outcome_row(
            &format!("Passivity in month {h}, median"),
            p.p50[h - 1],
            &format!(
                "  (p25-p75 {:.1}-{:.1} %)",
                p.p25[h - 1] * 100.0,
                p.p75[h - 1] * 100.0
            ),
        ));
        o.push_str(&format!(
            "    first month with half of trajectories at passivity >= 50 %: {}\n",
            month(reached.month.p50)
        ));
    }
    if let Some(d) = &s.series.declined_customers {
        let declined: f64 = d.mean.iter().sum();
        if declined > 0.0 {
            let accepted: f64 = s.series.new_customers.mean.iter().sum();
            o.push_str(&outcome_row(
                "Declined for want of hours",
                declined / (declined + accepted),
                "  of would-be customers",
            ));
            o.push_str(&format!(
                "    on average {} a month over {h} months, {} in month {h}\n",
                format_number(declined / h as f64, 1),
                format_number(d.mean[h - 1], 1)
            ));
        }
    }
    o.push('\n');

    o.push_str(&format!(
        "  {:<32} {:>10} {:>10} {:>10}\n",
        format!("({cur})"),
        "p5",
        "median",
        "p95"
    ));
    let row = |label: String, a: f64, b: f64, c: f64| {
        format!(
            "  {:<32} {:>10} {:>10} {:>10}\n",
            label,
            format_money(a),
            format_money(b),
            format_money(c)
        )
    };
    let net = &s.series.net_income;
    let cum = &s.series.cumulative_net;
    o.push_str(&row(
        format!("Net income in month {h}"),
        net.p5[h - 1],
        net.p50[h - 1],
        net.p95[h - 1],
    ));
    o.push_str(&row(
        format!("Cumulative net by month {h}"),
        cum.p5[h - 1],
        cum.p50[h - 1],
        cum.p95[h - 1],
    ));
    let hr = s.hourly_rate;
    match (hr.p5, hr.p50, hr.p95) {
        (Some(a), Some(b), Some(c)) => {
            o.push_str(&row("Effective hourly rate".into(), a, b, c));
            if let Some(beat) = hr.beats_hourly_value {
                o.push_str(&format!(
                    "    {} of trajectories earn at least owner.hourly_value per hour\n",
                    format_percent(beat)
                ));
            }
        }
        _ => o.push_str("  Effective hourly rate            no hours worked\n"),
    }
    let clamped: Vec<String> = s
        .clamped
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{k} {}", format_number(*n as f64, 0)))
        .collect();
    o.push_str(&format!(
        "\n  Clamped draws: {}\n",
        if clamped.is_empty() {
            "none".to_string()
        } else {
            clamped.join(", ")
        }
    ));
    o.push_str(&format!(
        "  Throughput: {} trajectories/s ({:.2} s)\n",
        format_number(s.trajectories_per_second, 0),
        s.elapsed_seconds
    ));
    o
}
