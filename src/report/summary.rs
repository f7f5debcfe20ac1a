//! `summary.json`: *What a run reports* in docs/model.md, as plain serde
//! types. Every field is documented because users read the file.

use crate::model::{Model, Origin};
use crate::output::Output;
use crate::scenario::keys::Param;
use crate::sim::counts::{OutcomeCounts, cumulative_shares};
use crate::sim::driver::RunResult;
use crate::sim::rng::GENERATOR_NAME;
use crate::sim::{FailureCause, Metric};
use crate::stats::{Z95_TWO_SIDED, wilson_interval};
use serde::Serialize;
use std::collections::BTreeMap;

/// The quantiles reported for every distribution.
pub const QUANTILES: [(&str, f64); 5] = crate::stats::REPORTED_PERCENTILES;

/// A run's results.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The scenario's `name`.
    pub scenario: String,
    /// The scenario's `description`.
    pub description: String,
    /// Where the scenario came from (a path, or the built-in default).
    pub source: String,
    /// The keys this run changed from the scenario file (`--set`), each
    /// `KEY=VALUE` with the value as TOML (empty for a key removed), in
    /// key order; present only when the run differs from its file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    /// Currency label of every money figure.
    pub currency: String,
    /// Run seed: the same seed reproduces the run exactly.
    pub seed: u64,
    /// Number of trajectories N.
    pub trajectories: u64,
    /// Months simulated, H. Every month-indexed array has H entries, month 1 first.
    pub horizon_months: u32,
    /// Launch month L (setup months + 1).
    pub launch_month: u32,
    /// Random number generator and seeding scheme.
    pub generator: String,
    /// hustle-sim version that produced the file.
    pub version: String,
    /// Wall time of the simulation, in seconds.
    pub elapsed_seconds: f64,
    /// N divided by `elapsed_seconds`.
    pub trajectories_per_second: f64,
    /// Monthly distributions across trajectories, by metric.
    pub series: Series,
    /// When income becomes semi-passive.
    pub semi_passive: SemiPassive,
    /// How often and how the hustle fails.
    pub failure: Failure,
    /// When cumulative net (setup included) first reaches 0.
    pub break_even: BreakEven,
    /// Cumulative net over cumulative hours, for trajectories with any hours.
    pub hourly_rate: HourlyRate,
    /// Draws of each uncertain parameter clamped into its valid range, by key.
    pub clamped: BTreeMap<String, u64>,
    /// When months become passive (passivity >= 0.5); reported when the
    /// scenario uses the owner's hours keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passivity: Option<Passivity>,
    /// Each `[[correlation]]` with the rank correlation measured over the
    /// run; reported when the scenario uses the owner's hours keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation: Option<Vec<CorrelationReport>>,
}

/// When months become passive: passivity is the share of a month's net
/// beyond what its hours would have earned at the owner's hourly value.
#[derive(Debug, Clone, Serialize)]
pub struct Passivity {
    /// Share of all trajectories with passivity >= 0.5 in month t.
    pub share_by_month: Vec<f64>,
    /// The first months in which 25, 50 and 75 % of all trajectories have
    /// passivity >= 0.5 in that month, else null.
    pub month: MonthQuantiles,
}

/// A correlation as the scenario gives it, and as the run measured it.
#[derive(Debug, Clone, Serialize)]
pub struct CorrelationReport {
    /// The two parameters.
    pub params: [String; 2],
    /// The rank correlation the scenario asks for.
    pub rank: f64,
    /// Spearman's rank correlation of the two parameters' drawn values
    /// (before clamping) over the run, each value ranked within its own
    /// distribution (docs/model.md, What a run reports); null with fewer
    /// than two trajectories, or when one of the two is pinned (as a
    /// sensitivity analysis pins it).
    pub spearman: Option<f64>,
}

/// Distribution of one metric in each month: H-long arrays.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesStats {
    /// Mean across trajectories.
    pub mean: Vec<f64>,
    /// Sample standard deviation across trajectories.
    pub sd: Vec<f64>,
    /// 5th percentile.
    pub p5: Vec<f64>,
    /// 25th percentile.
    pub p25: Vec<f64>,
    /// Median.
    pub p50: Vec<f64>,
    /// 75th percentile.
    pub p75: Vec<f64>,
    /// 95th percentile.
    pub p95: Vec<f64>,
}

/// Every monthly metric (docs/model.md, What a run reports).
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// Net income per month: gross minus platform fee and costs; setup cost in setup months.
    pub net_income: SeriesStats,
    /// Gross revenue per month, before the platform's fee.
    pub gross_revenue: SeriesStats,
    /// Active customers at the end of the month.
    pub customers: SeriesStats,
    /// Customers won in the month.
    pub new_customers: SeriesStats,
    /// Hours worked in the month.
    pub hours: SeriesStats,
    /// Net income so far, setup included.
    pub cumulative_net: SeriesStats,
    /// Competitors in the market (counted after the hustle ends too); not
    /// reported for a portfolio's person, whose hustles each have their
    /// own market.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub competitors: Option<SeriesStats>,
    /// The platform's cut of gross revenue.
    pub platform_fee: SeriesStats,
    /// Passivity: the share of the month's net beyond what its hours would
    /// have earned at the owner's hourly value (0 when net <= 0, in setup
    /// months and after an end); reported when the scenario uses the
    /// owner's hours keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passivity: Option<SeriesStats>,
    /// New customers declined for want of the owner's hours (0 without a
    /// capacity); reported when the scenario uses the owner's hours keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declined_customers: Option<SeriesStats>,
}

impl Series {
    /// The statistics of one metric, if the run reports it.
    pub fn metric(&self, m: Metric) -> Option<&SeriesStats> {
        match m {
            Metric::NetIncome => Some(&self.net_income),
            Metric::GrossRevenue => Some(&self.gross_revenue),
            Metric::Customers => Some(&self.customers),
            Metric::NewCustomers => Some(&self.new_customers),
            Metric::Hours => Some(&self.hours),
            Metric::CumulativeNet => Some(&self.cumulative_net),
            Metric::Competitors => self.competitors.as_ref(),
            Metric::PlatformFee => Some(&self.platform_fee),
            Metric::Passivity => self.passivity.as_ref(),
            Metric::DeclinedCustomers => self.declined_customers.as_ref(),
        }
    }
}

/// Months by which 25, 50 and 75 % of all trajectories reached a milestone.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct MonthQuantiles {
    /// First month t with `reached_by_month[t] >= 25 %`, else null.
    pub p25: Option<u32>,
    /// First month t with `reached_by_month[t] >= 50 %`, else null.
    pub p50: Option<u32>,
    /// First month t with `reached_by_month[t] >= 75 %`, else null.
    pub p75: Option<u32>,
}

impl MonthQuantiles {
    /// The months from the H-long shares reached by month t.
    pub fn from_reached(reached: &[f64]) -> Self {
        let first = |q: f64| reached.iter().position(|&r| r >= q).map(|i| i as u32 + 1);
        MonthQuantiles {
            p25: first(0.25),
            p50: first(0.5),
            p75: first(0.75),
        }
    }
}

/// Semi-passive income (docs/model.md, One trajectory, step 4,
/// *Semi-passive*).
#[derive(Debug, Clone, Serialize)]
pub struct SemiPassive {
    /// Whether the scenario defines semi-passive months (a `[semi_passive]`
    /// section); without one every figure below is 0.
    pub defined: bool,
    /// Share of trajectories whose income became semi-passive by the horizon.
    pub probability: f64,
    /// Wilson 95 % interval of `probability`.
    pub ci95: [f64; 2],
    /// Share of all trajectories whose last month qualifies
    /// (`share_by_month` at the horizon); reported when the scenario uses
    /// the owner's hours keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_horizon: Option<f64>,
    /// Share of all trajectories that had become semi-passive by month t.
    pub reached_by_month: Vec<f64>,
    /// Share of all trajectories qualifying in month t.
    pub share_by_month: Vec<f64>,
    /// When 25, 50 and 75 % of trajectories had become semi-passive.
    pub month: MonthQuantiles,
}

/// Shares of all trajectories by failure cause.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Causes {
    /// The owner quit after too many months below `owner.quit_below_net`.
    pub abandoned: f64,
    /// The owner burned out after too many months above `owner.burnout_hours_monthly`.
    pub burned_out: f64,
    /// The platform banned the hustle.
    pub deplatformed: f64,
    /// Still running at the horizon with cumulative net below 0.
    pub unprofitable: f64,
}

impl Causes {
    /// The share for one cause.
    pub fn get(&self, c: FailureCause) -> f64 {
        match c {
            FailureCause::Abandoned => self.abandoned,
            FailureCause::BurnedOut => self.burned_out,
            FailureCause::Deplatformed => self.deplatformed,
            FailureCause::Unprofitable => self.unprofitable,
            FailureCause::AllFailed => 0.0,
        }
    }
}

/// A portfolio person's failure causes, as shares of all trajectories.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PersonCauses {
    /// The person burned out after too many long months, which ended
    /// every hustle.
    pub burned_out: f64,
    /// Every hustle ended by a failure of its own.
    pub all_failed: f64,
}

/// Failure (docs/model.md, One trajectory): for a hustle abandoned, burned
/// out, de-platformed or unprofitable ([`Causes`]); for a portfolio's
/// person burned out or every hustle failed ([`PersonCauses`]).
#[derive(Debug, Clone, Serialize)]
pub struct Failure<C = Causes> {
    /// Share of trajectories that failed.
    pub probability: f64,
    /// Wilson 95 % interval of `probability`.
    pub ci95: [f64; 2],
    /// Shares of all trajectories by cause; they sum to `probability`.
    pub causes: C,
    /// Share of all trajectories ended by failure by month t.
    pub failed_by_month: Vec<f64>,
    /// `failed_by_month` split by cause.
    pub failed_by_month_by_cause: BTreeMap<String, Vec<f64>>,
}

/// Break-even: the first launched month, before any end, whose cumulative
/// net (setup included) is >= 0.
#[derive(Debug, Clone, Serialize)]
pub struct BreakEven {
    /// Share of trajectories that broke even by the horizon.
    pub probability: f64,
    /// Wilson 95 % interval of `probability`.
    pub ci95: [f64; 2],
    /// Share of all trajectories that had broken even by month t.
    pub reached_by_month: Vec<f64>,
    /// When 25, 50 and 75 % of trajectories had broken even.
    pub month: MonthQuantiles,
}

/// Effective hourly rate: cumulative net / cumulative hours, setup included.
#[derive(Debug, Clone, Serialize)]
pub struct HourlyRate {
    /// Trajectories with any hours (the others have no rate).
    pub trajectories: u64,
    /// Mean rate (null when no trajectory worked any hours).
    pub mean: Option<f64>,
    /// Sample standard deviation.
    pub sd: Option<f64>,
    /// 5th percentile.
    pub p5: Option<f64>,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// Share of those trajectories whose rate was at least their own `owner.hourly_value`.
    pub beats_hourly_value: Option<f64>,
}

/// The statistics of metric `m` of number `who` of a run: 0 the scenario or
/// a portfolio's person, j + 1 a portfolio's hustle j.
fn series_stats(r: &RunResult, who: usize, m: Metric) -> SeriesStats {
    let h = r.horizon();
    let by_month: Vec<&[f64; 5]> = (1..=h)
        .map(|t| &r.percentiles.series[r.column(who, m, t)])
        .collect();
    let moments = |t: usize| &r.moments.series[r.column(who, m, t)];
    let column = |i: usize| by_month.iter().map(|v| v[i]).collect();
    SeriesStats {
        mean: (1..=h).map(|t| moments(t).mean).collect(),
        sd: (1..=h).map(|t| moments(t).sd()).collect(),
        p5: column(0),
        p25: column(1),
        p50: column(2),
        p75: column(3),
        p95: column(4),
    }
}

/// Every metric of number `who` of a run (see [`series_stats`]); the
/// competitors when `competitors`, passivity and declined customers when
/// `extended`.
pub(crate) fn series_of(r: &RunResult, who: usize, competitors: bool, extended: bool) -> Series {
    let stats = |m| series_stats(r, who, m);
    Series {
        net_income: stats(Metric::NetIncome),
        gross_revenue: stats(Metric::GrossRevenue),
        customers: stats(Metric::Customers),
        new_customers: stats(Metric::NewCustomers),
        hours: stats(Metric::Hours),
        cumulative_net: stats(Metric::CumulativeNet),
        competitors: competitors.then(|| stats(Metric::Competitors)),
        platform_fee: stats(Metric::PlatformFee),
        passivity: extended.then(|| stats(Metric::Passivity)),
        declined_customers: extended.then(|| stats(Metric::DeclinedCustomers)),
    }
}

/// The failure figures of `t`'s trajectories, with their shares by cause
/// as `causes` makes them of the counts by [`FailureCause::index`], and
/// `listed` the causes by month.
pub(crate) fn failure_of<C>(
    t: &OutcomeCounts,
    listed: &[FailureCause],
    causes: impl Fn(&dyn Fn(FailureCause) -> f64) -> C,
) -> Failure<C> {
    let n = t.trajectories;
    let by_cause = t.failures_by_cause();
    let failed = t.failed();
    Failure {
        probability: failed as f64 / n as f64,
        ci95: wilson_interval(failed, n, Z95_TWO_SIDED),
        causes: causes(&|c| by_cause[c.index()] as f64 / n as f64),
        failed_by_month: cumulative_shares(&t.failures_by_month(), n),
        failed_by_month_by_cause: listed
            .iter()
            .map(|cause| {
                let counts: Vec<u64> = t.failures.iter().map(|m| m[cause.index()]).collect();
                (cause.name().to_string(), cumulative_shares(&counts, n))
            })
            .collect(),
    }
}

/// A hustle's failure figures.
pub(crate) fn hustle_failure_of(t: &OutcomeCounts) -> Failure {
    failure_of(t, &FailureCause::ALL, |share| Causes {
        abandoned: share(FailureCause::Abandoned),
        burned_out: share(FailureCause::BurnedOut),
        deplatformed: share(FailureCause::Deplatformed),
        unprofitable: share(FailureCause::Unprofitable),
    })
}

/// The figures of a run's milestones and hourly rate, the same for a
/// scenario and a portfolio's person.
pub(crate) struct Milestones {
    pub(crate) semi_passive: SemiPassive,
    pub(crate) break_even: BreakEven,
    pub(crate) hourly_rate: HourlyRate,
    pub(crate) passivity: Option<Passivity>,
}

impl Milestones {
    /// Read off a run's tally; passivity and the share qualifying at the
    /// horizon when `extended`.
    pub(crate) fn of(r: &RunResult, extended: bool) -> Self {
        let n = r.trajectories;
        let t = &r.tally.counts;
        let share = |c: u64| c as f64 / n as f64;
        let ci = |c: u64| wilson_interval(c, n, Z95_TWO_SIDED);

        let sp_count = t.semi_passive();
        let sp_reached = cumulative_shares(&t.semi_passive_reached, n);
        let qualifying_shares: Vec<f64> = t
            .semi_passive_qualifying
            .iter()
            .map(|&c| share(c))
            .collect();
        let be_count = t.break_even();
        let be_reached = cumulative_shares(&t.break_even_reached, n);

        let hr = &r.tally.hourly_rate;
        let hr_n = hr.count();
        let hq = |i: usize| r.percentiles.hourly_rate.map(|v| v[i]);
        let hm = &r.moments.hourly_rate;
        Milestones {
            semi_passive: SemiPassive {
                defined: r.model.semi_passive_sustain_months.is_some(),
                probability: share(sp_count),
                ci95: ci(sp_count),
                at_horizon: extended.then(|| *qualifying_shares.last().expect("H >= 1")),
                month: MonthQuantiles::from_reached(&sp_reached),
                reached_by_month: sp_reached,
                share_by_month: qualifying_shares,
            },
            break_even: BreakEven {
                probability: share(be_count),
                ci95: ci(be_count),
                month: MonthQuantiles::from_reached(&be_reached),
                reached_by_month: be_reached,
            },
            hourly_rate: HourlyRate {
                trajectories: hr_n,
                mean: (hr_n > 0).then_some(hm.mean),
                sd: (hr_n > 0).then(|| hm.sd()),
                p5: hq(0),
                p25: hq(1),
                p50: hq(2),
                p75: hq(3),
                p95: hq(4),
                beats_hourly_value: (hr_n > 0).then(|| t.beat_hourly_value as f64 / hr_n as f64),
            },
            passivity: extended.then(|| {
                let share_by_month: Vec<f64> = t.passive_half.iter().map(|&c| share(c)).collect();
                Passivity {
                    month: MonthQuantiles::from_reached(&share_by_month),
                    share_by_month,
                }
            }),
        }
    }
}

/// Draws of each uncertain parameter of `model` clamped into its valid
/// range, by key, from `counts`.
pub(crate) fn clamped_of(model: &Model, counts: &OutcomeCounts) -> BTreeMap<String, u64> {
    model
        .active_params()
        .filter(|p| !model.param(*p).is_fixed() && model.origin(*p) != Origin::Unused)
        .map(|p: Param| (p.key().to_string(), counts.clamped[p as usize]))
        .collect()
}

impl Summary {
    /// Builds the summary of a run.
    pub fn from_run(r: &RunResult, source: &str) -> Summary {
        let n = r.trajectories;
        let extended = r.metrics().len() == Metric::ALL.len();
        let correlation = extended.then(|| {
            r.model
                .correlations
                .iter()
                .zip(&r.tally.correlation)
                .map(|(c, sums)| CorrelationReport {
                    params: c.params.map(|p| p.key().to_string()),
                    rank: c.rank,
                    // A parameter pinned for a sensitivity analysis has no
                    // rank correlation: its drawn value never varies.
                    spearman: if c.params.iter().any(|&p| r.model.param(p).is_fixed()) {
                        None
                    } else {
                        sums.correlation()
                    },
                })
                .collect()
        });
        let m = Milestones::of(r, extended);
        let secs = r.elapsed.as_secs_f64();
        Summary {
            scenario: r.model.name.clone(),
            description: r.model.description.clone(),
            source: source.to_string(),
            overrides: Vec::new(),
            currency: r.model.currency.clone(),
            seed: r.seed,
            trajectories: n,
            horizon_months: r.model.horizon_months,
            launch_month: r.model.launch_month(),
            generator: GENERATOR_NAME.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            elapsed_seconds: secs,
            trajectories_per_second: if secs > 0.0 { n as f64 / secs } else { 0.0 },
            series: series_of(r, 0, true, extended),
            semi_passive: m.semi_passive,
            failure: hustle_failure_of(&r.tally.counts),
            break_even: m.break_even,
            hourly_rate: m.hourly_rate,
            clamped: clamped_of(&r.model, &r.tally.counts),
            passivity: m.passivity,
            correlation,
        }
    }

    /// The same summary of a run with these overrides of its file
    /// ([`crate::Scenario::overrides`]).
    pub fn with_overrides(self, overrides: Vec<String>) -> Summary {
        Summary { overrides, ..self }
    }

    /// Pretty JSON bytes.
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("summary serialises");
        v.push(b'\n');
        v
    }

    /// `percentiles.csv` bytes: one row per (month, metric).
    pub fn percentiles_csv(&self) -> Vec<u8> {
        let mut out = String::from("month,metric,mean,sd,p5,p25,p50,p75,p95\n");
        for t in 1..=self.horizon_months as usize {
            push_percentile_rows(&mut out, t, "", &self.series);
        }
        out.into_bytes()
    }
}

/// `summary.json`: a run's summary as pretty JSON.
#[derive(Debug, Clone, Copy)]
pub struct SummaryJson<'a>(pub &'a Summary);

impl Output for SummaryJson<'_> {
    fn file_name(&self) -> &str {
        "summary.json"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.0.to_json())
    }
}

/// `percentiles.csv`: a run's percentiles month by month.
#[derive(Debug, Clone, Copy)]
pub struct PercentilesCsv<'a>(pub &'a Summary);

impl Output for PercentilesCsv<'_> {
    fn file_name(&self) -> &str {
        "percentiles.csv"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.0.percentiles_csv())
    }
}

/// Appends the `percentiles.csv` rows of month t of `series`, one a metric
/// it reports, each starting with `t`, then `lead`.
pub(crate) fn push_percentile_rows(out: &mut String, t: usize, lead: &str, series: &Series) {
    for m in Metric::ALL {
        let Some(s) = series.metric(m) else {
            continue;
        };
        let i = t - 1;
        out.push_str(&format!(
            "{t},{lead}{},{},{},{},{},{},{},{}\n",
            m.name(),
            s.mean[i],
            s.sd[i],
            s.p5[i],
            s.p25[i],
            s.p50[i],
            s.p75[i],
            s.p95[i]
        ));
    }
}
