//! What `compare` reports: each scenario's outcomes and each one's paired
//! differences against the first, as `compare.json` bytes and as the
//! terminal table.

use super::clamped::Clamped;
use super::columns::{Align, layout, shorten};
use super::format::{format_money, format_number, terminal_text, wrap_note};
use super::paired::{OutcomeColumns, OutcomeStats, PairedStats};
use crate::output::Output;
use serde::Serialize;

/// One scenario or portfolio of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioEntry {
    /// The scenario's or the portfolio's `name`.
    pub name: String,
    /// Short label in the table and charts: the file stem, plus the
    /// overrides of a `--with` variant.
    pub label: String,
    /// The scenario or portfolio file.
    pub source: String,
    /// Whether it is a portfolio, whose figures are its person's (written
    /// only when true).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub portfolio: bool,
    /// The `KEY=VALUE` overrides of a `--with` variant (empty for a file).
    pub overrides: Vec<String>,
    /// Each customer's chance to leave at renewals 1, 6 and 12 (before
    /// competitors lure any away), at the median of the scenario's draws:
    /// its churn in people's terms. Absent for a portfolio, whose hustles
    /// each have their own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub churn_at_renewals: Option<[f64; 3]>,
    /// What became of its trajectories.
    #[serde(flatten)]
    pub stats: OutcomeStats,
}

/// A finished comparison: `compare.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareReport {
    /// Trajectories per scenario; trajectory i of every scenario uses the
    /// same random numbers.
    pub trajectories: u64,
    /// Run seed, shared by every scenario.
    pub seed: u64,
    /// Months simulated (the same for every scenario).
    pub horizon_months: u32,
    /// Currency label of the first scenario's money figures.
    pub currency: String,
    /// Wall time of the simulation, in seconds.
    pub elapsed_seconds: f64,
    /// Every scenario, in the order given: files first, then `--with`
    /// variants of the first.
    pub scenarios: Vec<ScenarioEntry>,
    /// Every scenario after the first against the first, trajectory by
    /// trajectory.
    pub paired: Vec<PairedStats>,
    /// Draws clamped into their valid range, for the warnings (not in
    /// `compare.json`: `run` reports a scenario's clamped draws).
    #[serde(skip)]
    pub clamped: Vec<Clamped>,
}

impl CompareReport {
    /// Pretty JSON bytes.
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("comparison serialises");
        v.push(b'\n');
        v
    }

    /// The terminal table: each scenario's outcomes, then each variant
    /// against the first, trajectory by trajectory; within 100 columns.
    pub fn table(&self) -> String {
        let h = self.horizon_months;
        let portfolio = self.scenarios.iter().any(|s| s.portfolio);
        let mut o = format!(
            "Comparison of {} scenarios{}: {} trajectories each, seed {}\n  \
             (the same random numbers for every scenario)\n\n",
            self.scenarios.len(),
            if portfolio { " and portfolios" } else { "" },
            format_number(self.trajectories as f64, 0),
            self.seed
        );
        let cols = OutcomeColumns { portfolio };
        let [top, below] = cols.headers(h);
        let cells: Vec<Vec<String>> = self
            .scenarios
            .iter()
            .map(|s| cols.cells(&s.stats))
            .collect();
        // Labels are cut to what the other columns leave of 100 (and to
        // LABEL_CHARS at most): columns are two apart, after two spaces.
        let others: usize = (0..top.len())
            .map(|i| {
                [&top, &below]
                    .into_iter()
                    .chain(&cells)
                    .map(|r| r[i].chars().count())
                    .max()
                    .unwrap_or(0)
                    + 2
            })
            .sum();
        let room = TABLE_COLUMNS
            .saturating_sub(2 + others)
            .clamp(12, LABEL_CHARS);
        let label = |s: &str| shorten(&terminal_text(s), room);
        let mut rows = vec![
            [vec![String::new()], top].concat(),
            [vec!["scenario".to_string()], below].concat(),
        ];
        for (s, c) in self.scenarios.iter().zip(cells) {
            rows.push([vec![label(&s.label)], c].concat());
        }
        let align = [vec![Align::Left], cols.align()].concat();
        o.push_str(&layout(&rows, &align));
        o.push('\n');
        o.push_str(&cols.note(h));
        o.push_str(&wrap_note(
            &format!(
                "Median net: cumulative net by month {h}, setup included ({}); compare.json \
                 has its p5 and p95.",
                terminal_text(&self.currency)
            ),
            "  ",
        ));
        o.push_str(
            "\n  Churn at renewals 1/6/12: each customer's chance to leave then (median draw):\n",
        );
        let shown: Vec<String> = self.scenarios.iter().map(|s| label(&s.label)).collect();
        let width = shown.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        for (s, l) in self.scenarios.iter().zip(&shown) {
            let pad = width - l.chars().count();
            o.push_str(&format!(
                "    {l}{}  {}\n",
                " ".repeat(pad),
                s.churn_at_renewals.as_ref().map_or_else(
                    || "- (a portfolio: each hustle its own)".to_string(),
                    super::sensitivity::churn_triple
                )
            ));
        }
        // What each variant changed, which a name or a cut label hides.
        let variants: Vec<&ScenarioEntry> = self
            .scenarios
            .iter()
            .filter(|s| !s.overrides.is_empty())
            .collect();
        if !variants.is_empty() {
            o.push_str("\n  Variants of the first scenario, with what they change:\n");
            for s in variants {
                o.push_str(&wrap_note(
                    &format!(
                        "{}: {}",
                        label(&s.label),
                        terminal_text(&s.overrides.join("; "))
                    ),
                    "    ",
                ));
            }
        }
        if let Some(first) = self.paired.first() {
            o.push_str(&format!(
                "\n  Against {}, trajectory by trajectory:\n",
                label(&first.against)
            ));
        }
        for p in &self.paired {
            let d = &p.cumulative_net_difference;
            o.push_str(&format!(
                "\n  {}\n    semi-passive by {h}: {} gained, {} lost: {:+.1} pp (95 % CI {:+.1} to {:+.1})\n    \
                 failure by {h}: {} gained, {} avoided: {:+.1} pp (95 % CI {:+.1} to {:+.1})\n    \
                 cumulative net by {h}: {} mean, {} median, {} to {} (p5 to p95)\n",
                label(&p.label),
                format_number(p.semi_passive_gained as f64, 0),
                format_number(p.semi_passive_lost as f64, 0),
                p.semi_passive_probability_difference * 100.0,
                p.semi_passive_difference_ci95[0] * 100.0,
                p.semi_passive_difference_ci95[1] * 100.0,
                format_number(p.failure_gained as f64, 0),
                format_number(p.failure_avoided as f64, 0),
                p.failure_probability_difference * 100.0,
                p.failure_difference_ci95[0] * 100.0,
                p.failure_difference_ci95[1] * 100.0,
                signed_money(d.mean),
                signed_money(d.p50),
                signed_money(d.p5),
                signed_money(d.p95),
            ));
        }
        if !self.paired.is_empty() {
            o.push_str(&format!(
                "\n  Gained / lost: trajectories semi-passive (or failed) by month {h} under that\n  \
                 scenario but not under the first, and the reverse; pp: percentage points. Net:\n  \
                 that scenario minus the first, trajectory by trajectory ({}).\n  \
                 Interval: {}.\n",
                terminal_text(&self.currency),
                super::paired::PAIRED_INTERVAL_METHOD
            ));
        }
        o
    }
}

/// Labels longer than this are cut in the table (`compare.json` has them
/// whole); name a variant with `--with 'NAME: KEY=VALUE'`.
pub const LABEL_CHARS: usize = 40;

/// Widest line of the table.
const TABLE_COLUMNS: usize = 100;

/// A money difference with its sign: `+1,234`, `-935`, `0`.
fn signed_money(x: f64) -> String {
    let s = format_money(x);
    if x > 0.0 { format!("+{s}") } else { s }
}

/// `compare.json`: a comparison as pretty JSON.
#[derive(Debug, Clone, Copy)]
pub struct CompareJson<'a>(pub &'a CompareReport);

impl Output for CompareJson<'_> {
    fn file_name(&self) -> &str {
        "compare.json"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.0.to_json())
    }
}
