//! A portfolio's `summary.json`: the person's figures as a scenario's
//! (without competitors, whose market is each hustle's own; failure by
//! burnout or by every hustle failing), and each hustle's on the person's
//! calendar (docs/model.md, Portfolios, What a run reports).

use super::summary::{
    BreakEven, Failure, HourlyRate, Milestones, Passivity, PersonCauses, SemiPassive, Series,
    clamped_of, failure_of, hustle_failure_of, pretty_json, push_percentile_rows, series_of,
};
use crate::output::Output;
use crate::sim::FailureCause;
use crate::sim::driver::RunResult;
use crate::sim::portfolio::hustle_seed;
use crate::sim::rng::GENERATOR_NAME;
use serde::Serialize;
use std::collections::BTreeMap;

/// A portfolio run's results.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioSummary {
    /// The portfolio's `name`.
    pub scenario: String,
    /// Always true: this is a portfolio's summary.
    pub portfolio: bool,
    /// The portfolio's `description`.
    pub description: String,
    /// Where the portfolio came from.
    pub source: String,
    /// Currency label of every money figure.
    pub currency: String,
    /// Run seed: the same seed reproduces the run exactly.
    pub seed: u64,
    /// Number of trajectories N.
    pub trajectories: u64,
    /// Months simulated for the person, H.
    pub horizon_months: u32,
    /// Random number generator and seeding scheme.
    pub generator: String,
    /// hustle-sim version that produced the file.
    pub version: String,
    /// Wall time of the simulation, in seconds.
    pub elapsed_seconds: f64,
    /// N divided by `elapsed_seconds`.
    pub trajectories_per_second: f64,
    /// The person's monthly totals over every hustle.
    pub series: Series,
    /// When the person's income became semi-passive, judged on the totals
    /// by the portfolio's `[semi_passive]`.
    pub semi_passive: SemiPassive,
    /// How often the person failed: burned out, or every hustle failed.
    pub failure: Failure<PersonCauses>,
    /// When the person's cumulative net first reached 0.
    pub break_even: BreakEven,
    /// The person's cumulative net over cumulative hours.
    pub hourly_rate: HourlyRate,
    /// Draws of each of the person's uncertain parameters clamped into its
    /// valid range, by key.
    pub clamped: BTreeMap<String, u64>,
    /// When the person's months become passive (passivity >= 0.5 on the
    /// totals).
    pub passivity: Passivity,
    /// Each hustle, in file order.
    pub hustles: Vec<HustleSummary>,
}

/// One hustle of a portfolio run.
#[derive(Debug, Clone, Serialize)]
pub struct HustleSummary {
    /// The scenario as the portfolio names it.
    pub scenario: String,
    /// The scenario's `name`.
    pub name: String,
    /// The person's month in which the hustle's month 1 falls.
    pub start_month: u32,
    /// The portfolio's overrides of the scenario's keys.
    pub overrides: Vec<String>,
    /// The seed the hustle's random numbers come from: the run's for the
    /// first hustle, so that it is paired with its scenario run alone.
    pub seed: u64,
    /// The hustle's monthly figures on the person's calendar (0 before its
    /// start month); passivity at the person's hourly value.
    pub series: Series,
    /// How often and how the hustle failed.
    pub failure: Failure,
    /// Share of trajectories in which the hustle was still running at the
    /// horizon.
    pub running_at_horizon: f64,
    /// Draws of each of its uncertain parameters clamped into its valid
    /// range, by key.
    pub clamped: BTreeMap<String, u64>,
}

impl PortfolioSummary {
    /// Builds the summary of a portfolio run.
    ///
    /// # Panics
    ///
    /// If the run is not a portfolio's.
    pub fn from_run(r: &RunResult, source: &str) -> PortfolioSummary {
        let p = r.portfolio.as_ref().expect("a portfolio's run");
        let n = r.trajectories;
        let m = Milestones::of(r, true);
        let secs = r.elapsed.as_secs_f64();
        let failure = failure_of(&r.tally.counts, &FailureCause::PERSON, |share| {
            PersonCauses {
                burned_out: share(FailureCause::BurnedOut),
                all_failed: share(FailureCause::AllFailed),
            }
        });
        let hustles = p
            .hustles
            .iter()
            .zip(&r.tally.hustles)
            .enumerate()
            .map(|(j, (h, counts))| HustleSummary {
                scenario: h.scenario.clone(),
                name: h.model.name.clone(),
                start_month: h.start_month,
                overrides: h.overrides.clone(),
                seed: hustle_seed(r.seed, j),
                series: series_of(r, j + 1, true, true),
                failure: hustle_failure_of(counts),
                running_at_horizon: 1.0 - counts.failed() as f64 / n as f64,
                clamped: clamped_of(&h.model, counts),
            })
            .collect();
        PortfolioSummary {
            scenario: p.name.clone(),
            portfolio: true,
            description: p.description.clone(),
            source: source.to_string(),
            currency: p.currency.clone(),
            seed: r.seed,
            trajectories: n,
            horizon_months: p.horizon_months,
            generator: GENERATOR_NAME.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            elapsed_seconds: secs,
            trajectories_per_second: if secs > 0.0 { n as f64 / secs } else { 0.0 },
            series: series_of(r, 0, false, true),
            semi_passive: m.semi_passive,
            failure,
            break_even: m.break_even,
            hourly_rate: m.hourly_rate,
            clamped: clamped_of(&p.person, &r.tally.counts),
            passivity: m.passivity.expect("a portfolio reports passivity"),
            hustles,
        }
    }

    /// `percentiles.csv` bytes: one row per (month, whose, metric); the
    /// `hustle` column is empty for the person's totals and the hustle's
    /// number in file order (1 for the first) for a hustle's figures.
    pub fn percentiles_csv(&self) -> Vec<u8> {
        let mut out = String::from("month,hustle,metric,mean,sd,p5,p25,p50,p75,p95\n");
        for t in 1..=self.horizon_months as usize {
            push_percentile_rows(&mut out, t, ",", &self.series);
            for (j, h) in self.hustles.iter().enumerate() {
                push_percentile_rows(&mut out, t, &format!("{},", j + 1), &h.series);
            }
        }
        out.into_bytes()
    }

    /// Pretty JSON bytes.
    pub fn to_json(&self) -> Vec<u8> {
        pretty_json(self)
    }
}

/// A portfolio's `summary.json`.
#[derive(Debug, Clone, Copy)]
pub struct PortfolioSummaryJson<'a>(pub &'a PortfolioSummary);

impl Output for PortfolioSummaryJson<'_> {
    fn file_name(&self) -> &str {
        "summary.json"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.0.to_json())
    }
}

/// A portfolio's `percentiles.csv`.
#[derive(Debug, Clone, Copy)]
pub struct PortfolioPercentilesCsv<'a>(pub &'a PortfolioSummary);

impl Output for PortfolioPercentilesCsv<'_> {
    fn file_name(&self) -> &str {
        "percentiles.csv"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.0.percentiles_csv())
    }
}
