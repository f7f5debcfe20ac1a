//! What `sweep` reports: one row per value of the swept key, as
//! `sweep.csv` bytes and as the terminal table.

use super::clamped::Clamped;
use super::columns::{Align, layout};
use super::format::{format_money, format_number, terminal_text, wrap_note};
use super::paired::{OutcomeColumns, OutcomeStats, OwnerHoursStats};
use crate::output::Output;
use crate::sim::FailureCause;

/// One value of the swept key and what became of the trajectories.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// The value the key was set to.
    pub value: f64,
    /// Outcomes at that value.
    pub stats: OutcomeStats,
}

/// A finished sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepReport {
    /// The scenario's name.
    pub scenario: String,
    /// The swept key.
    pub key: String,
    /// Currency label of money figures.
    pub currency: String,
    /// Trajectories per value.
    pub trajectories: u64,
    /// Run seed, shared by every value.
    pub seed: u64,
    /// Months simulated.
    pub horizon_months: u32,
    /// Wall time of the simulation, in seconds.
    pub elapsed_seconds: f64,
    /// One row per value, in the order given.
    pub rows: Vec<SweepRow>,
    /// Draws clamped into their valid range, for the warnings.
    pub clamped: Vec<Clamped>,
    /// The keys changed from the scenario file besides the swept one
    /// (`--set`), as `KEY=VALUE`.
    pub overrides: Vec<String>,
    /// The semi-passive bar in words, when the scenario has one (the
    /// scenario's own: a sweep of one of its limits moves that limit).
    pub semi_passive_rule: Option<String>,
}

/// The columns `sweep.csv` adds when the swept scenario uses the owner's
/// hours keys, after [`csv_header`]'s.
pub const OWNER_HOURS_COLUMNS: [&str; 3] = [
    "passive_at_horizon",
    "passivity_month_p50",
    "passivity_month_p75",
];

/// The columns of `sweep.csv` of a scenario, in order (then
/// [`OWNER_HOURS_COLUMNS`] for a scenario with the owner's hours keys).
pub fn csv_header() -> Vec<String> {
    csv_header_with(&FailureCause::ALL)
}

/// The columns of `sweep.csv` with one share per failure cause of
/// `causes`: a scenario's four, or a portfolio person's two.
pub fn csv_header_with(causes: &[FailureCause]) -> Vec<String> {
    let mut h: Vec<String> = [
        "value",
        "semi_passive_probability",
        "semi_passive_ci_low",
        "semi_passive_ci_high",
        "failure_probability",
        "failure_ci_low",
        "failure_ci_high",
        "median_month_semi_passive",
        "median_month_semi_passive_if_reached",
        "cumulative_net_mean",
        "cumulative_net_p5",
        "cumulative_net_p50",
        "cumulative_net_p95",
    ]
    .map(String::from)
    .to_vec();
    h.extend(causes.iter().map(|c| format!("failure_{}", c.name())));
    // Semi-passive in month H, beside the share by month H above.
    h.extend(
        [
            "semi_passive_at_horizon",
            "semi_passive_at_horizon_ci_low",
            "semi_passive_at_horizon_ci_high",
        ]
        .map(String::from),
    );
    h
}

/// A value as written in `sweep.csv` and the table: the shortest text that
/// reads back as the same number.
pub fn value_text(v: f64) -> String {
    format!("{v}")
}

impl SweepReport {
    /// Whether any value's scenario uses the owner's hours keys, and so
    /// reports their figures.
    pub fn owner_hours(&self) -> bool {
        self.rows.iter().any(|r| r.stats.owner_hours.is_some())
    }

    /// `sweep.csv` bytes: a header, then one row per value. An empty cell
    /// is a month that does not exist (fewer than half became
    /// semi-passive).
    pub fn to_csv(&self) -> Vec<u8> {
        let owner_hours = self.owner_hours();
        // Every row is of the same scenario or portfolio.
        let causes = self
            .rows
            .first()
            .map_or(&FailureCause::ALL[..], |r| r.stats.failure_causes.causes());
        let mut header = csv_header_with(causes);
        if owner_hours {
            header.extend(OWNER_HOURS_COLUMNS.map(String::from));
        }
        let mut out = header.join(",");
        out.push('\n');
        let month = |m: Option<u32>| m.map(|m| m.to_string()).unwrap_or_default();
        for r in &self.rows {
            let s = &r.stats;
            let mut cells = vec![
                value_text(r.value),
                s.semi_passive_probability.to_string(),
                s.semi_passive_ci95[0].to_string(),
                s.semi_passive_ci95[1].to_string(),
                s.failure_probability.to_string(),
                s.failure_ci95[0].to_string(),
                s.failure_ci95[1].to_string(),
                month(s.median_month_semi_passive),
                month(s.median_month_semi_passive_if_reached),
                s.cumulative_net.mean.to_string(),
                s.cumulative_net.p5.to_string(),
                s.cumulative_net.p50.to_string(),
                s.cumulative_net.p95.to_string(),
            ];
            cells.extend(causes.iter().map(|c| s.failure_causes.get(*c).to_string()));
            cells.extend([
                s.semi_passive_at_horizon.to_string(),
                s.semi_passive_at_horizon_ci95[0].to_string(),
                s.semi_passive_at_horizon_ci95[1].to_string(),
            ]);
            if owner_hours {
                let o = s.owner_hours.as_ref();
                let num = |f: &dyn Fn(&OwnerHoursStats) -> f64| {
                    o.map(|o| f(o).to_string()).unwrap_or_default()
                };
                cells.extend([
                    num(&|o| o.passive_at_horizon),
                    month(o.and_then(|o| o.passivity_month.p50)),
                    month(o.and_then(|o| o.passivity_month.p75)),
                ]);
            }
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out.into_bytes()
    }

    /// The terminal table, one row per value; within 100 columns.
    pub fn table(&self) -> String {
        let h = self.horizon_months;
        let mut o = format!(
            "{}: sweep of {} over {} values\n  {} trajectories each, seed {} (the same random numbers \
             for every value)\n\n",
            terminal_text(&self.scenario),
            self.key,
            self.rows.len(),
            format_number(self.trajectories as f64, 0),
            self.seed
        );
        o.insert_str(o.len() - 1, &super::table::overrides_line(&self.overrides));
        let cols = OutcomeColumns {
            portfolio: self.rows.iter().any(|r| r.stats.is_portfolio()),
        };
        let [top, below] = cols.headers(h);
        let mut rows = vec![
            [vec![String::new()], top, vec!["net".into()]].concat(),
            [vec![self.key.clone()], below, vec!["p5 to p95".into()]].concat(),
        ];
        for r in &self.rows {
            let s = &r.stats;
            rows.push(
                [
                    vec![value_text(r.value)],
                    cols.cells(s),
                    vec![format!(
                        "{} to {}",
                        format_money(s.cumulative_net.p5),
                        format_money(s.cumulative_net.p95)
                    )],
                ]
                .concat(),
            );
        }
        // The values' column is headed by the key, or by "value" where a
        // long key would take the table beyond 100 columns (the title names
        // the key).
        let others: usize = (1..rows[0].len())
            .map(|c| 2 + rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .sum();
        if 2 + self.key.chars().count() + others > 100 {
            rows[1][0] = "value".into();
        }
        let align = [vec![Align::Left], cols.align(), vec![Align::Right]].concat();
        o.push_str(&layout(&rows, &align));
        o.push('\n');
        o.push_str(&cols.note(h));
        o.push_str(&wrap_note(
            &format!(
                "Net: cumulative net by month {h}, setup included ({}).",
                terminal_text(&self.currency)
            ),
            "  ",
        ));
        o
    }
}

/// `sweep.csv`: a sweep's rows.
#[derive(Debug, Clone, Copy)]
pub struct SweepCsv<'a>(pub &'a SweepReport);

impl Output for SweepCsv<'_> {
    fn file_name(&self) -> &str {
        "sweep.csv"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.0.to_csv())
    }
}
