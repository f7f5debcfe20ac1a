//! The summary table printed after a run: the answer at a glance.

use super::Summary;
use super::format::{format_money, format_number, format_percent, terminal_text};
use crate::sim::FailureCause;

fn month(m: Option<u32>) -> String {
    m.map(|m| format!("month {m}"))
        .unwrap_or_else(|| "not within the horizon".into())
}

fn interval(ci: [f64; 2]) -> String {
    format!("(95 % CI {:.1}-{:.1} %)", ci[0] * 100.0, ci[1] * 100.0)
}

/// The terminal table for a run.
pub fn render(s: &Summary) -> String {
    let h = s.horizon_months as usize;
    let cur = terminal_text(&s.currency);
    let mut o = String::new();
    o.push_str(&format!(
        "{}: {} trajectories over {} months (seed {})\n\n",
        terminal_text(&s.scenario),
        format_number(s.trajectories as f64, 0),
        h,
        s.seed
    ));
    if s.semi_passive.defined {
        o.push_str(&format!(
            "  Semi-passive by month {h:<4} {:>8}  {}  median: {}\n",
            format_percent(s.semi_passive.probability),
            interval(s.semi_passive.ci95),
            month(s.semi_passive.month.p50)
        ));
    } else {
        o.push_str("  Semi-passive               not defined (the scenario has no [semi_passive] section)\n");
    }
    o.push_str(&format!(
        "  Failure by month {h:<9} {:>8}  {}\n",
        format_percent(s.failure.probability),
        interval(s.failure.ci95)
    ));
    for c in FailureCause::ALL {
        o.push_str(&format!(
            "    {:<24} {:>8}\n",
            c.name().replace('_', " "),
            format_percent(s.failure.causes.get(c))
        ));
    }
    o.push_str(&format!(
        "  Break-even by month {h:<6} {:>8}  {}  median: {}\n\n",
        format_percent(s.break_even.probability),
        interval(s.break_even.ci95),
        month(s.break_even.month.p50)
    ));

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
    let hr = &s.hourly_rate;
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
