//! What `compare` reports: each scenario's outcomes and each one's paired
//! differences against the first, as `compare.json` bytes and as the
//! terminal table.

use super::format::{format_money, format_number, format_percent, terminal_text};
use super::paired::{OutcomeStats, PairedStats};
use crate::output::Output;
use serde::Serialize;

/// One scenario of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioEntry {
    /// The scenario's `name`.
    pub name: String,
    /// Short label in the table and charts: the file stem, plus the
    /// overrides of a `--with` variant.
    pub label: String,
    /// The scenario file.
    pub source: String,
    /// The `KEY=VALUE` overrides of a `--with` variant (empty for a file).
    pub overrides: Vec<String>,
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
}

impl CompareReport {
    /// Pretty JSON bytes.
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("comparison serialises");
        v.push(b'\n');
        v
    }

    /// The terminal table.
    pub fn table(&self) -> String {
        let h = self.horizon_months;
        let mut o = format!(
            "Comparison of {} scenarios: {} trajectories each (seed {}, the same random numbers for every scenario)\n\n",
            self.scenarios.len(),
            format_number(self.trajectories as f64, 0),
            self.seed
        );
        let w = self
            .scenarios
            .iter()
            .map(|s| terminal_text(&s.label).chars().count())
            .max()
            .unwrap_or(8)
            .clamp(8, 48);
        let label = |s: &str| -> String {
            let s = terminal_text(s);
            if s.chars().count() > w {
                s.chars().take(w - 1).collect::<String>() + "…"
            } else {
                s.to_string()
            }
        };
        let pct_ci = |p: f64, c: [f64; 2]| {
            format!(
                "{} ({:.1}-{:.1})",
                format_percent(p),
                c[0] * 100.0,
                c[1] * 100.0
            )
        };
        o.push_str(&format!(
            "  {:<w$}  {:>22}  {:>6}  {:>22}  {:>10} {:>10} {:>10}\n",
            "",
            format!("semi-passive by {h}"),
            "median",
            format!("failure by {h}"),
            "",
            "",
            ""
        ));
        o.push_str(&format!(
            "  {:<w$}  {:>22}  {:>6}  {:>22}  {:>10} {:>10} {:>10}\n",
            "scenario", "share (95 % CI)", "month", "share (95 % CI)", "net p5", "median", "p95"
        ));
        for s in &self.scenarios {
            let st = &s.stats;
            let (sp, month) = if st.semi_passive_defined {
                (
                    pct_ci(st.semi_passive_probability, st.semi_passive_ci95),
                    st.median_month_semi_passive
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| "-".into()),
                )
            } else {
                ("undefined".into(), String::new())
            };
            o.push_str(&format!(
                "  {:<w$}  {:>22}  {:>6}  {:>22}  {:>10} {:>10} {:>10}\n",
                label(&s.label),
                sp,
                month,
                pct_ci(st.failure_probability, st.failure_ci95),
                format_money(st.cumulative_net.p5),
                format_money(st.cumulative_net.p50),
                format_money(st.cumulative_net.p95),
            ));
        }
        if !self.paired.is_empty() {
            o.push_str(&format!(
                "\n  Paired against {} (trajectory by trajectory):\n",
                label(&self.paired[0].against)
            ));
            o.push_str(&format!(
                "  {:<w$}  {:>7} {:>7}  {:>24}  {:>7} {:>8}  {:>10} {:>10} {:>10}\n",
                "", "semi-p.", "semi-p.", "difference in", "failure", "failure", "net diff", "", ""
            ));
            o.push_str(&format!(
                "  {:<w$}  {:>7} {:>7}  {:>24}  {:>7} {:>8}  {:>10} {:>10} {:>10}\n",
                "scenario",
                "gained",
                "lost",
                "P(semi-passive) (95 % CI)",
                "gained",
                "avoided",
                "mean",
                "median",
                "p5 to p95"
            ));
            for p in &self.paired {
                let d = &p.cumulative_net_difference;
                o.push_str(&format!(
                    "  {:<w$}  {:>7} {:>7}  {:>24}  {:>7} {:>8}  {:>10} {:>10} {:>10}\n",
                    label(&p.label),
                    format_number(p.semi_passive_gained as f64, 0),
                    format_number(p.semi_passive_lost as f64, 0),
                    format!(
                        "{:+.1} pp ({:+.1} to {:+.1})",
                        p.semi_passive_probability_difference * 100.0,
                        p.semi_passive_difference_ci95[0] * 100.0,
                        p.semi_passive_difference_ci95[1] * 100.0
                    ),
                    format_number(p.failure_gained as f64, 0),
                    format_number(p.failure_avoided as f64, 0),
                    format_money(d.mean),
                    format_money(d.p50),
                    format!("{} to {}", format_money(d.p5), format_money(d.p95)),
                ));
            }
            o.push_str(&format!(
                "\n  Gained / lost: trajectories semi-passive (or failed) by month {h} in that scenario but not in\n  the first, and the reverse. Net diff: cumulative net by month {h}, that scenario minus the first,\n  trajectory by trajectory ({}). Interval: {}.\n",
                self.currency,
                super::paired::PAIRED_INTERVAL_METHOD
            ));
        }
        o
    }
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
