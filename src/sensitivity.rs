//! One-at-a-time sensitivity: which assumption moves the answer most?
//!
//! Each parameter in turn is moved to a low, a middle and a high value
//! while every other keeps the scenario's value or distribution, and the
//! scenario is re-run with the baseline's seed. An uncertain parameter is
//! pinned at its own 10th, 50th and 90th percentiles; a fixed one keeps its
//! value in the middle and moves by `-swing` and `+swing` relatively (a
//! zero by `swing` times a related scale, [`zero_scale`]);
//! every value is clamped into the parameter's valid range. Because every
//! parameter takes exactly one uniform from its trajectory's parameter stream
//! whether fixed or not (docs/model.md, Random streams), pinning one
//! parameter leaves every other draw and every event stream untouched: the
//! runs are paired with the baseline, differences come from the change alone,
//! and a parameter that cannot affect the metric shows exactly zero range.
//! The middle value shows what the ends alone would hide: a parameter whose
//! middle beats both ends (or trails both) is not monotone
//! ([`Row::monotone`]).
//!
//! Which parameters take part ([`included`]): every one the scenario sets,
//! and every default that can change some trajectory given the rest of the
//! scenario ([`default_matters`]); unused ones never. `docs/sensitivity.md`
//! states the rules as tables.
//!
//! A portfolio ([`analyse_portfolio`]) is analysed the same way on its
//! person's metric: each of the person's keys the portfolio takes part as
//! a scenario's would, read against the person's `[owner]` and
//! `[semi_passive]`, and each hustle's keys as its scenario's, named
//! `hustle.N.KEY` ([`portfolio_variants`]); a hustle's owner hours, hourly
//! value and `[semi_passive]`, which the person's replace, do not.
//!
//! [`variants`] chooses the values, [`analyse`] runs them (2 or 3 per
//! parameter plus the baseline), [`rank`] orders the rows by the range of
//! the metric over the three values, and
//! `crate::report::sensitivity` writes them as `sensitivity.csv` and the
//! terminal table; the tornado chart is [`crate::chart::tornado`].

use crate::churn::ChurnByRenewal;
use crate::error::InputError;
use crate::model::{AcquisitionModel, Model, Origin};
use crate::portfolio::Portfolio;
use crate::report::clamped::{Clamped, clamped};
use crate::report::format::{format_number, format_percent, round_12_digits};
use crate::scenario::keys::{Matters, Param};
use crate::scenario::uncertain::Uncertain;
use crate::sim::RunOptions;
use crate::sim::{PairedSpec, Subject, VariantResult, run_paired_subjects};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// `--swing` when it is not given: fixed values move by 20 % each way.
pub const DEFAULT_SWING: f64 = 0.2;
/// Trajectories per run (per point) when `-n` is not given.
pub const DEFAULT_TRAJECTORIES: u64 = 5_000;
/// The percentiles an uncertain parameter is pinned at.
pub const LOW_PERCENTILE: f64 = 0.1;
/// See [`LOW_PERCENTILE`].
pub const HIGH_PERCENTILE: f64 = 0.9;
/// Rows of the terminal table.
pub const TABLE_ROWS: usize = 10;

/// The figure whose sensitivity is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// P(income became semi-passive by the horizon), semi_passive.probability in summary.json.
    SemiPassive,
    /// P(failure by the horizon), failure.probability in summary.json.
    Failure,
    /// Median cumulative net at the horizon, the last month of series.cumulative_net.p50 in summary.json.
    CumulativeNetP50,
    /// P(semi-passive in month H: month H itself qualifies), semi_passive.at_horizon in summary.json.
    SemiPassiveAtHorizon,
    /// P(passivity >= 50 % in month H), the last month of passivity.share_by_month in summary.json.
    Passivity,
}

impl Metric {
    /// The name `--metric` takes.
    pub fn name(self) -> &'static str {
        match self {
            Metric::SemiPassive => "semi_passive",
            Metric::Failure => "failure",
            Metric::CumulativeNetP50 => "cumulative_net_p50",
            Metric::SemiPassiveAtHorizon => "semi_passive_at_horizon",
            Metric::Passivity => "passivity",
        }
    }

    /// What the metric is, in words, for horizon `h`.
    pub fn describe(self, h: u32, currency: &str) -> String {
        match self {
            Metric::SemiPassive => format!("P(semi-passive by month {h})"),
            Metric::Failure => format!("P(failure by month {h})"),
            Metric::CumulativeNetP50 => format!("median cumulative net at month {h} ({currency})"),
            Metric::SemiPassiveAtHorizon => format!("P(semi-passive in month {h})"),
            Metric::Passivity => format!("P(passivity >= 50 % in month {h})"),
        }
    }

    /// The smallest change the metric shows: 0.1 percentage points for a
    /// probability, one unit of money otherwise.
    pub fn resolution(self) -> f64 {
        if self.is_probability() { 0.001 } else { 1.0 }
    }

    /// Whether the metric is a probability (shown in % and points).
    pub fn is_probability(self) -> bool {
        !matches!(self, Metric::CumulativeNetP50)
    }

    /// The metric's value for one variant of a paired run: the same share
    /// or percentile a plain run's `summary.json` states for it. (A paired
    /// run counts every trajectory's months of passivity, so the two
    /// passivity metrics are defined for scenarios without the owner's
    /// hours keys too.)
    pub fn of(self, v: &VariantResult) -> f64 {
        let c = &v.tally.counts;
        let share = |k: u64| k as f64 / c.trajectories as f64;
        match self {
            Metric::SemiPassive => share(c.semi_passive()),
            Metric::Failure => share(c.failed()),
            Metric::CumulativeNetP50 => v.cumulative_net_percentiles[2],
            Metric::SemiPassiveAtHorizon => {
                share(*c.semi_passive_qualifying.last().expect("H >= 1"))
            }
            Metric::Passivity => share(*c.passive_half.last().expect("H >= 1")),
        }
    }

    /// A value of the metric: `"44.5 %"` or `"9,613"`.
    pub fn format(self, v: f64) -> String {
        if self.is_probability() {
            format_percent(v)
        } else {
            format_number(v, 0)
        }
    }

    /// A size of change of the metric, unsigned: `"3.2 pts"` or `"1,234"`.
    pub fn format_size(self, d: f64) -> String {
        if self.is_probability() {
            format!("{} pts", format_number(d.abs() * 100.0, 1))
        } else {
            format_number(d.abs(), 0)
        }
    }

    /// A change of the metric, signed: `"+3.2 pts"` (percentage points) or
    /// `"-1,234"`.
    pub fn format_change(self, d: f64) -> String {
        let body = self.format_size(d);
        let sign = if d > 0.0 {
            "+"
        } else if d < 0.0 && body.chars().any(|c| c.is_ascii_digit() && c != '0') {
            "-"
        } else {
            ""
        };
        format!("{sign}{body}")
    }

    /// Whether the scenario defines this metric: `semi_passive` needs a
    /// `[semi_passive]` section.
    pub fn check(self, model: &Model) -> Result<(), InputError> {
        self.check_for(model, "scenario")
    }

    /// Whether the portfolio defines this metric: `semi_passive` needs the
    /// person's `[semi_passive]` section.
    pub fn check_portfolio(self, portfolio: &Portfolio) -> Result<(), InputError> {
        self.check_for(&portfolio.person, "portfolio")
    }

    /// [`Metric::check`] of a scenario's model or a portfolio's person,
    /// `what` naming which.
    fn check_for(self, model: &Model, what: &str) -> Result<(), InputError> {
        let semi_passive = matches!(self, Metric::SemiPassive | Metric::SemiPassiveAtHorizon);
        if semi_passive && model.semi_passive_sustain_months.is_none() {
            return Err(InputError::new(format!(
                "--metric {}: the {what} has no [semi_passive] section, so it never \
                 becomes semi-passive; add one or choose --metric failure, cumulative_net_p50 \
                 or passivity",
                self.name()
            ))
            .with_source("--metric")
            .with_value(self.name())
            .with_allowed(format!(
                "failure, cumulative_net_p50 or passivity for a {what} without [semi_passive]"
            )));
        }
        Ok(())
    }
}

/// Checks `--swing`: a relative change within (0, 1]. Beyond 1 the low
/// value of a positive parameter would turn negative.
pub fn check_swing(swing: f64) -> Result<(), InputError> {
    if swing > 0.0 && swing <= 1.0 {
        Ok(())
    } else {
        Err(InputError::new(format!(
            "--swing must be a relative change within (0, 1], e.g. 0.2 for -20 % and +20 %; got {swing}"
        ))
        .with_source("--swing")
        .with_value(swing.to_string())
        .with_allowed("within (0, 1]"))
    }
}

/// Whether the parameter can take a value other than 0 (its value, or its
/// distribution between the 1e-9 and 1 - 1e-9 quantiles, clamped into its
/// valid range as a draw would be).
fn can_be_nonzero(model: &Model, p: Param) -> bool {
    let s = model.param(p).sampler();
    let b = model.bound(p);
    [1e-9, 0.5, 1.0 - 1e-9]
        .iter()
        .any(|&u| b.clamp(s.inverse_cdf(u)) != 0.0)
}

/// Whether customers can ever arrive: a Poisson rate that can be above 0,
/// or Bass innovation that can be above 0 (with p = 0 nobody adopts first,
/// so imitation has no one to imitate).
fn customers_possible(model: &Model) -> bool {
    match model.acquisition {
        AcquisitionModel::Poisson => can_be_nonzero(model, Param::AcquisitionRate),
        AcquisitionModel::Bass => can_be_nonzero(model, Param::Innovation),
    }
}

/// Whether a default parameter can change any trajectory of this scenario
/// when it alone moves off its default, everything else as the scenario
/// has it: the key registry's [`Matters`] of the parameter, read against
/// the scenario.
pub fn default_matters(model: &Model, p: Param) -> bool {
    let any = |qs: &[Param]| qs.is_empty() || qs.iter().any(|&q| can_be_nonzero(model, q));
    let customers = customers_possible(model);
    let revenue = customers
        && (can_be_nonzero(model, Param::PriceMonthly)
            || can_be_nonzero(model, Param::PriceOneTime));
    match p.spec().matters {
        Matters::Always => true,
        Matters::Never => false,
        Matters::When(qs) => qs.iter().any(|&q| can_be_nonzero(model, q)),
        Matters::WithCustomers(qs) => customers && any(qs),
        Matters::WithRevenue(qs) => revenue && any(qs),
        Matters::WhenOwnerCanQuit => model.quit_after_months > 0,
    }
}

/// Whether the analysis varies this parameter: every parameter the scenario
/// sets (in the file or by override), defaults that matter
/// ([`default_matters`]), never an unused one.
pub fn included(model: &Model, p: Param) -> bool {
    match model.origin(p) {
        Origin::File | Origin::Override => true,
        Origin::Default => default_matters(model, p),
        Origin::Unused => false,
    }
}

/// The median of a parameter, clamped into its valid range.
fn median(model: &Model, p: Param) -> f64 {
    model
        .bound(p)
        .clamp(model.param(p).sampler().inverse_cdf(0.5))
}

/// The scenario's scale of monthly money: the largest |median| of
/// `pricing.monthly`, `pricing.one_time`, `costs.fixed_monthly`,
/// `owner.quit_below_net` and `semi_passive.min_net_monthly` (when used),
/// or 100 when all are 0.
pub fn money_scale(model: &Model) -> f64 {
    use Param::*;
    let m = [
        PriceMonthly,
        PriceOneTime,
        CostFixedMonthly,
        QuitBelowNet,
        SemiPassiveMinNet,
    ]
    .into_iter()
    .filter(|&p| model.origin(p) != Origin::Unused)
    .map(|p| median(model, p).abs())
    .fold(0.0, f64::max);
    if m > 0.0 { m } else { 100.0 }
}

/// The scenario's scale of monthly hours: the median of
/// `semi_passive.max_hours_monthly` when used and above 0, else of
/// `effort.fixed_hours_monthly` when above 0, else 10.
pub fn hours_scale(model: &Model) -> f64 {
    [Param::SemiPassiveMaxHours, Param::FixedHoursMonthly]
        .into_iter()
        .filter(|&p| model.origin(p) != Origin::Unused)
        .map(|p| median(model, p))
        .find(|&h| h > 0.0)
        .unwrap_or(10.0)
}

/// The related scale a fixed value of 0 moves by `swing` times of (a zero
/// has no size of its own to move by a share of):
///
/// | parameters | scale |
/// |---|---|
/// | `setup.cost`, `costs.fixed_monthly`, `owner.quit_below_net`, `semi_passive.min_net_monthly` | [`money_scale`] |
/// | `pricing.monthly`, `pricing.one_time`, `costs.per_customer_monthly` | the median price per month, else per sale, else [`money_scale`] |
/// | `setup.hours`, `effort.fixed_hours_monthly`, `effort.rework_hours`, `semi_passive.max_hours_monthly` | [`hours_scale`] |
/// | `effort.hours_per_customer_monthly`, `effort.hours_per_new_customer` | 1 hour |
/// | `acquisition.rate` | 1 customer a month |
/// | `owner.hourly_value` | [`money_scale`] / [`hours_scale`] |
/// | every share, probability and monthly rate (churn, growth, automation, rework, passivity, competition, platform, Bass p and q) | 0.05 |
///
/// At the default swing of 0.2 a zero share moves to 0.01, a zero rate of
/// arrivals to 0.2 a month and a zero amount of money to a fifth of the
/// scenario's money scale.
pub fn zero_scale(model: &Model, p: Param) -> f64 {
    use Param::*;
    match p {
        SetupCost | CostFixedMonthly | QuitBelowNet | SemiPassiveMinNet => money_scale(model),
        PriceMonthly | PriceOneTime | CostPerCustomerMonthly => [PriceMonthly, PriceOneTime]
            .into_iter()
            .map(|q| median(model, q))
            .find(|&v| v > 0.0)
            .unwrap_or_else(|| money_scale(model)),
        SetupHours | FixedHoursMonthly | ReworkHours | SemiPassiveMaxHours => hours_scale(model),
        HoursPerCustomerMonthly | HoursPerNewCustomer => 1.0,
        AcquisitionRate => 1.0,
        HourlyValue => money_scale(model) / hours_scale(model),
        _ => 0.05,
    }
}

/// How a parameter's low and high values were chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spread {
    /// An uncertain parameter pinned at its own 10th, 50th and 90th
    /// percentiles.
    Percentiles,
    /// A fixed value moved by `-swing` and `+swing` of itself.
    Relative,
    /// A fixed 0 moved by this absolute step each way ([`zero_scale`]).
    ZeroStep(f64),
}

/// The low, middle and high value of one parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Variant {
    /// The parameter.
    pub param: Param,
    /// Its low value (<= `mid`).
    pub low: f64,
    /// Its middle value: an uncertain parameter's median, a fixed one's
    /// own value (whose metric is the baseline's).
    pub mid: f64,
    /// Its high value (>= `mid`).
    pub high: f64,
    /// How they were chosen.
    pub spread: Spread,
}

/// The low, middle and high value of parameter `p` for a relative
/// `swing`, all within the parameter's valid range (and
/// [`crate::scenario::keys::MAX_MAGNITUDE`]).
pub fn variant(model: &Model, p: Param, swing: f64) -> Variant {
    let bound = model.bound(p);
    let (low, mid, high, spread) = match *model.param(p) {
        Uncertain::Fixed { value: 0.0 } => {
            let step = swing * zero_scale(model, p);
            (-step, 0.0, step, Spread::ZeroStep(step))
        }
        Uncertain::Fixed { value } => {
            let d = swing * value.abs();
            (value - d, value, value + d, Spread::Relative)
        }
        ref u => {
            let s = u.sampler();
            (
                s.inverse_cdf(LOW_PERCENTILE),
                s.inverse_cdf(0.5),
                s.inverse_cdf(HIGH_PERCENTILE),
                Spread::Percentiles,
            )
        }
    };
    // Moves of a fixed value are rounded to 12 significant digits, so that
    // 0.1 + 20 % reads 0.12 and not 0.12000000000000001; percentiles stay
    // exact.
    let tidy = |x: f64| match spread {
        Spread::Percentiles => x,
        _ => round_12_digits(x),
    };
    Variant {
        param: p,
        low: bound.clamp(tidy(low)),
        mid: bound.clamp(mid),
        high: bound.clamp(tidy(high)),
        spread,
    }
}

/// The variants of every parameter the analysis includes ([`included`]),
/// in table order.
pub fn variants(model: &Model, swing: f64) -> Result<Vec<Variant>, InputError> {
    check_swing(swing)?;
    Ok(Param::ALL
        .into_iter()
        .filter(|&p| included(model, p))
        .map(|p| variant(model, p, swing))
        .collect())
}

/// A portfolio's person's keys that are real-valued parameters: the
/// person's `[owner]` and `[semi_passive]`, which replace each hustle's own.
pub const PERSON_PARAMS: [Param; 6] = [
    Param::BurnoutHoursMonthly,
    Param::HourlyValue,
    Param::SemiPassiveMinNet,
    Param::SemiPassiveMaxHours,
    Param::CapacityHoursMonthly,
    Param::SemiPassiveMinPassivity,
];

/// The variants of a portfolio, in table order: first the person's keys
/// (hustle `None`), then each hustle's (hustle `Some(N)`, N from 1), each
/// chosen as for a scenario ([`variant`], [`included`]) from the person's
/// model or the hustle's. A hustle's [`PERSON_PARAMS`] are not used in a
/// portfolio and do not take part.
pub fn portfolio_variants(
    portfolio: &Portfolio,
    swing: f64,
) -> Result<Vec<(Option<usize>, Variant)>, InputError> {
    check_swing(swing)?;
    let person = PERSON_PARAMS
        .into_iter()
        .filter(|&p| included(&portfolio.person, p))
        .map(|p| (None, variant(&portfolio.person, p, swing)));
    let hustles = portfolio.hustles.iter().enumerate().flat_map(|(j, h)| {
        Param::ALL
            .into_iter()
            .filter(|p| !PERSON_PARAMS.contains(p) && included(&h.model, *p))
            .map(move |p| (Some(j + 1), variant(&h.model, p, swing)))
    });
    Ok(person.chain(hustles).collect())
}

/// The portfolio with parameter `p` of the person (`hustle` `None`) or of
/// hustle N (`Some(N)`, from 1) fixed at `value`, as [`pinned`] fixes a
/// scenario's.
pub fn pinned_portfolio(
    portfolio: &Portfolio,
    hustle: Option<usize>,
    p: Param,
    value: f64,
) -> Result<Portfolio, InputError> {
    let mut out = portfolio.clone();
    match hustle {
        None => out.person = portfolio.person.with_fixed(p, value)?,
        Some(n) => {
            let h = &mut out.hustles[n - 1];
            h.model = h.model.with_fixed(p, value)?;
        }
    }
    Ok(out)
}

/// The model with parameter `p` fixed at `value` (marked as an override);
/// every other parameter keeps its value or distribution, and its draws.
/// Variants' values are clamped into the valid range, so this never fails
/// for them.
pub fn pinned(model: &Model, p: Param, value: f64) -> Result<Model, InputError> {
    model.with_fixed(p, value)
}

/// One parameter's line of the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The parameter.
    pub param: Param,
    /// For a portfolio, the hustle whose parameter it is (N, from 1 in
    /// file order); `None` for a scenario's and for the person's.
    pub hustle: Option<usize>,
    /// Its low value.
    pub low_value: f64,
    /// Its middle value ([`Variant::mid`]).
    pub mid_value: f64,
    /// Its high value.
    pub high_value: f64,
    /// The metric with the parameter at its low value.
    pub metric_low: f64,
    /// The metric with the parameter at its middle value: the baseline for
    /// a fixed parameter.
    pub metric_mid: f64,
    /// The metric with the parameter at its high value.
    pub metric_high: f64,
    /// How the values were chosen.
    pub spread: Spread,
    /// For a key of an sbg churn, each customer's churn at renewals 1, 6
    /// and 12 (the medians of [`ChurnByRenewal`]) with the parameter at its
    /// low, middle and high value: churn in people's terms.
    pub churn: Option<[[f64; 3]; 3]>,
}

impl Row {
    /// The key as written: the parameter's, or `hustle.N.KEY` for a
    /// portfolio's hustle.
    pub fn key(&self) -> String {
        match self.hustle {
            None => self.param.key().to_string(),
            Some(n) => format!("hustle.{n}.{}", self.param.key()),
        }
    }

    /// `metric_high - metric_low`: positive when raising the parameter
    /// raises the metric.
    pub fn swing(&self) -> f64 {
        self.metric_high - self.metric_low
    }

    /// How far the metric moves over the parameter's three values: the
    /// largest of the three metrics minus the smallest. The tornado draws
    /// exactly this span, and rows are ranked by it.
    pub fn range(&self) -> f64 {
        let m = [self.metric_low, self.metric_mid, self.metric_high];
        m.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            - m.iter().copied().fold(f64::INFINITY, f64::min)
    }

    /// Whether the metric at the middle value lies between those at the
    /// ends, within `resolution` (the metric as shown: 0.1 percentage
    /// points, or one unit of money). A parameter whose middle value beats
    /// both ends, or trails both, is not monotone: its swing alone would
    /// hide how much it matters.
    pub fn monotone(&self, resolution: f64) -> bool {
        let (lo, hi) = (
            self.metric_low.min(self.metric_high),
            self.metric_low.max(self.metric_high),
        );
        self.metric_mid >= lo - resolution && self.metric_mid <= hi + resolution
    }
}

/// Orders rows by [`Row::range`], largest first; equal ranges keep the key
/// table's order, a portfolio's person's keys first and then each
/// hustle's (so that the result does not depend on how rows were
/// computed).
pub fn rank(rows: &mut [Row]) {
    rows.sort_by(|a, b| {
        b.range()
            .total_cmp(&a.range())
            .then((a.hustle, a.param).cmp(&(b.hustle, b.param)))
    });
}

/// What [`analyse`] needs besides the model.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The metric.
    pub metric: Metric,
    /// Relative change of fixed values, within (0, 1].
    pub swing: f64,
    /// Trajectories per run.
    pub trajectories: u64,
    /// The seed every run shares.
    pub seed: u64,
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
}

/// The result of a sensitivity analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The scenario's or the portfolio's name.
    pub scenario: String,
    /// Whether a portfolio was analysed, on its person's metric.
    pub portfolio: bool,
    /// Currency label.
    pub currency: String,
    /// Months simulated.
    pub horizon: u32,
    /// The metric.
    pub metric: Metric,
    /// Relative change of fixed values.
    pub swing: f64,
    /// Trajectories per run.
    pub trajectories: u64,
    /// The seed every run shares.
    pub seed: u64,
    /// The metric of the scenario as it is.
    pub baseline: f64,
    /// One row per parameter, by [`Row::range`], largest first.
    pub rows: Vec<Row>,
    /// Simulation runs done (baseline included; a value equal to the
    /// scenario's own reuses the baseline).
    pub runs: usize,
    /// Wall time of all runs.
    pub elapsed: Duration,
    /// Draws of the baseline clamped into their valid range, for the
    /// warnings (a variant pins one parameter and draws the others alike).
    pub clamped: Vec<Clamped>,
    /// The keys the scenario analysed changed from its file (`--set`), as
    /// `KEY=VALUE`; [`analyse`] leaves it empty for the caller to fill.
    pub overrides: Vec<String>,
    /// The semi-passive bar in words, when the metric is a share
    /// semi-passive (by or in month H).
    pub semi_passive_rule: Option<String>,
    /// The baseline's share semi-passive by month H and in month H, when
    /// the scenario defines semi-passive income: both, whichever the
    /// metric.
    pub baseline_semi_passive: Option<[f64; 2]>,
}

/// Runs the baseline and every parameter's low, middle and high variant
/// with the same seed and ranks the parameters by the range of the metric
/// ([`rank`]). Every model runs in one
/// paired run ([`crate::sim::run_paired`]), so trajectory i of each draws the same
/// random numbers. `progress` gets the number of trajectories done;
/// setting `cancel` stops with [`crate::sim::Cancelled`].
pub fn analyse(
    model: &Model,
    opts: &Options,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> anyhow::Result<Analysis> {
    let run_opts = run_options(opts)?;
    opts.metric.check(model)?;
    let variants: Vec<(Option<usize>, Variant)> = variants(model, opts.swing)?
        .into_iter()
        .map(|v| (None, v))
        .collect();
    let same_as_baseline = |_: Option<usize>, p: Param, v: f64| matches!(*model.param(p), Uncertain::Fixed { value } if value == v);
    let pin = |_: Option<usize>, p: Param, x: f64| pinned(model, p, x).map(Subject::Scenario);
    run_variants(
        Subject::Scenario(model.clone()),
        &variants,
        same_as_baseline,
        pin,
        opts,
        &run_opts,
        progress,
        cancel,
    )
}

/// [`analyse`] of a portfolio, on its person's metric: the person's keys
/// and each hustle's ([`portfolio_variants`]), each hustle's named
/// `hustle.N.KEY` in the rows ([`Row::hustle`]).
pub fn analyse_portfolio(
    portfolio: &Portfolio,
    opts: &Options,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> anyhow::Result<Analysis> {
    let run_opts = run_options(opts)?;
    opts.metric.check_portfolio(portfolio)?;
    let variants = portfolio_variants(portfolio, opts.swing)?;
    let model_of = |hustle: Option<usize>| match hustle {
        None => &portfolio.person,
        Some(n) => &portfolio.hustles[n - 1].model,
    };
    let same_as_baseline = |hustle: Option<usize>, p: Param, v: f64| matches!(*model_of(hustle).param(p), Uncertain::Fixed { value } if value == v);
    let pin = |hustle: Option<usize>, p: Param, x: f64| {
        pinned_portfolio(portfolio, hustle, p, x).map(Subject::Portfolio)
    };
    run_variants(
        Subject::Portfolio(portfolio.clone()),
        &variants,
        same_as_baseline,
        pin,
        opts,
        &run_opts,
        progress,
        cancel,
    )
}

/// The paired run's options of `opts`, checked.
fn run_options(opts: &Options) -> Result<RunOptions, InputError> {
    if opts.trajectories == 0 {
        return Err(InputError::new("-n must be at least 1 trajectory per run")
            .with_source("-n")
            .with_value("0")
            .with_allowed("at least 1"));
    }
    let run_opts = RunOptions {
        trajectories: opts.trajectories,
        seed: opts.seed,
        threads: opts.threads,
    };
    run_opts.check()?;
    Ok(run_opts)
}

/// Runs `base` and every variant's low, middle and high value in one
/// paired run and ranks the rows. `same_as_baseline` says whether a value
/// is the base's own fixed one (which reuses the baseline), `pin` makes the
/// subject with one parameter fixed.
#[allow(clippy::too_many_arguments)]
fn run_variants(
    base: Subject,
    variants: &[(Option<usize>, Variant)],
    same_as_baseline: impl Fn(Option<usize>, Param, f64) -> bool,
    pin: impl Fn(Option<usize>, Param, f64) -> Result<Subject, InputError>,
    opts: &Options,
    run_opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> anyhow::Result<Analysis> {
    let start = Instant::now();
    let model = base.model().clone();

    // Every distinct model to run: the baseline first, then each variant's
    // low and high unless the value is the scenario's own fixed value.
    let mut jobs: Vec<Option<(Option<usize>, Param, f64)>> = vec![None];
    for (hustle, v) in variants {
        for x in [v.low, v.mid, v.high] {
            if !same_as_baseline(*hustle, v.param, x) {
                jobs.push(Some((*hustle, v.param, x)));
            }
        }
    }

    // Every model in lockstep on the same trajectories: one paired run.
    let subjects = jobs
        .iter()
        .map(|job| match job {
            None => Ok(base.clone()),
            Some((hustle, p, x)) => pin(*hustle, *p, *x),
        })
        .collect::<Result<Vec<Subject>, InputError>>()?;
    let spec = PairedSpec {
        monthly: false,
        pairs: false,
    };
    let result = run_paired_subjects(&subjects, run_opts, spec, progress, cancel)?;
    let total = jobs.len();
    let metrics: Vec<f64> = result.variants.iter().map(|v| opts.metric.of(v)).collect();

    let baseline = metrics[0];
    let metric_at = |hustle: Option<usize>, p: Param, x: f64| -> f64 {
        jobs.iter()
            .position(|j| *j == Some((hustle, p, x)))
            .map_or(baseline, |i| metrics[i])
    };
    // The model a key belongs to (the scenario, the person or hustle N)
    // in a subject.
    let model_in = |subject: &'_ Subject, hustle: Option<usize>| -> Model {
        match (subject.portfolio(), hustle) {
            (Some(p), Some(n)) => p.hustles[n - 1].model.clone(),
            _ => subject.model().clone(),
        }
    };
    let model_at = |hustle: Option<usize>, p: Param, x: f64| -> Model {
        let i = jobs
            .iter()
            .position(|j| *j == Some((hustle, p, x)))
            .unwrap_or(0);
        model_in(&subjects[i], hustle)
    };
    let mut rows: Vec<Row> = variants
        .iter()
        .map(|(hustle, v)| Row {
            param: v.param,
            hustle: *hustle,
            low_value: v.low,
            mid_value: v.mid,
            high_value: v.high,
            metric_low: metric_at(*hustle, v.param, v.low),
            metric_mid: metric_at(*hustle, v.param, v.mid),
            metric_high: metric_at(*hustle, v.param, v.high),
            spread: v.spread,
            churn: is_sbg_churn_key(&model_in(&base, *hustle), v.param).then(|| {
                [v.low, v.mid, v.high]
                    .map(|x| ChurnByRenewal::of(&model_at(*hustle, v.param, x)).p50)
            }),
        })
        .collect();
    rank(&mut rows);
    Ok(Analysis {
        scenario: model.name.clone(),
        portfolio: base.portfolio().is_some(),
        currency: model.currency.clone(),
        horizon: model.horizon_months,
        metric: opts.metric,
        swing: opts.swing,
        trajectories: opts.trajectories,
        seed: opts.seed,
        baseline,
        rows,
        runs: total,
        elapsed: start.elapsed(),
        clamped: clamped(
            &model,
            opts.trajectories,
            &result.variants[0].tally.counts.clamped,
            "",
        ),
        overrides: Vec::new(),
        baseline_semi_passive: model.semi_passive_sustain_months.map(|_| {
            [Metric::SemiPassive, Metric::SemiPassiveAtHorizon].map(|m| m.of(&result.variants[0]))
        }),
        semi_passive_rule: matches!(
            opts.metric,
            Metric::SemiPassive | Metric::SemiPassiveAtHorizon
        )
        .then(|| crate::report::rule::semi_passive_rule(&model))
        .flatten(),
    })
}

/// Whether `p` is a key of the scenario's sbg churn, whose values the
/// analysis also gives as churn at renewals 1, 6 and 12.
pub fn is_sbg_churn_key(model: &Model, p: Param) -> bool {
    model.churn == crate::model::ChurnModel::Sbg
        && matches!(
            p,
            Param::ChurnMonthly | Param::ChurnAlpha | Param::ChurnBeta | Param::ChurnPolarisation
        )
}

impl Analysis {
    /// Parameters that do not move the metric at all (range exactly 0).
    pub fn no_effect(&self) -> usize {
        self.rows.iter().filter(|r| r.range() == 0.0).count()
    }

    /// Parameters whose middle value beats both ends or trails both
    /// ([`Row::monotone`] at the metric's resolution).
    pub fn not_monotone(&self) -> impl Iterator<Item = &Row> {
        let resolution = self.metric.resolution();
        self.rows.iter().filter(move |r| !r.monotone(resolution))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn model(text: &str) -> Model {
        Scenario::parse(text, "t.toml", "t")
            .and_then(|s| s.model())
            .unwrap()
    }

    const FULL: &str = "name = \"x\"\n\
        [acquisition]\nrate = \"2 to 6\"\n\
        [churn]\nmonthly = 0.05\n\
        [pricing]\nmonthly = 30\none_time = 0\n\
        [owner]\nquit_below_net = -50\n\
        [semi_passive]\nmin_net_monthly = 400\nmax_hours_monthly = 20";

    #[test]
    fn fixed_values_move_by_the_swing_relatively_and_are_clamped() {
        let m = model(FULL);
        let v = variant(&m, Param::ChurnMonthly, 0.2);
        assert_eq!(
            (v.low, v.high),
            (0.04, 0.06),
            "rounded, not 0.060000000000000005"
        );
        assert_eq!(v.spread, Spread::Relative);
        // A negative value moves by its magnitude: low stays below high.
        let v = variant(&m, Param::QuitBelowNet, 0.5);
        assert_eq!((v.low, v.high), (-75.0, -25.0));
        // Clamped into 0..=1.
        let m = model("name = \"x\"\n[churn]\nmonthly = 0.9");
        let v = variant(&m, Param::ChurnMonthly, 0.5);
        assert_eq!((v.low, v.high), (0.45, 1.0));
        // Half-open: automation stays below 1.
        let m = model("name = \"x\"\n[effort]\nautomation_monthly = 0.9");
        let v = variant(&m, Param::AutomationMonthly, 0.5);
        assert!(v.high < 1.0 && Param::AutomationMonthly.spec().bound.contains(v.high));
    }

    #[test]
    fn a_zero_moves_by_swing_times_its_related_scale() {
        let m = model(FULL);
        // pricing.one_time = 0: scale is the monthly price, 30.
        let v = variant(&m, Param::PriceOneTime, 0.2);
        assert_eq!(v.low, 0.0, "clamped at the bound");
        assert!((v.high - 6.0).abs() < 1e-12);
        assert_eq!(v.spread, Spread::ZeroStep(0.2 * 30.0));
        // A zero share moves to 0.01 at the default swing.
        let v = variant(&m, Param::ChurnIncrease, DEFAULT_SWING);
        assert!((v.high - 0.01).abs() < 1e-15);
        // Money scale: the largest of price 30, quit 50, min net 400.
        assert_eq!(money_scale(&m), 400.0);
        assert_eq!(hours_scale(&m), 20.0);
        let v = variant(&m, Param::CostFixedMonthly, 0.2);
        assert_eq!((v.low, v.high), (0.0, 80.0));
        // Growth may go negative.
        let v = variant(&m, Param::AcquisitionGrowth, 0.2);
        assert!((v.low + 0.01).abs() < 1e-15 && (v.high - 0.01).abs() < 1e-15);
        // A bare scenario falls back to 100 and 10.
        let bare = model("name = \"x\"");
        assert_eq!((money_scale(&bare), hours_scale(&bare)), (100.0, 10.0));
    }

    #[test]
    fn uncertain_values_are_pinned_at_their_own_p10_and_p90() {
        let m = model(FULL);
        let v = variant(&m, Param::AcquisitionRate, 0.2);
        let s = m.param(Param::AcquisitionRate).sampler();
        assert_eq!(v.low, s.inverse_cdf(0.1));
        assert_eq!(v.high, s.inverse_cdf(0.9));
        assert!(2.0 < v.low && v.low < v.high && v.high < 6.0);
        assert_eq!(v.spread, Spread::Percentiles);
        // The swing does not change percentiles.
        assert_eq!(variant(&m, Param::AcquisitionRate, 0.9), v);
        // A p10 outside the valid range is clamped like a draw.
        let m =
            model("name = \"x\"\n[churn]\nmonthly = { dist = \"normal\", mean = 0.01, sd = 0.05 }");
        assert_eq!(variant(&m, Param::ChurnMonthly, 0.2).low, 0.0);
    }

    #[test]
    fn set_parameters_and_defaults_that_matter_are_included() {
        let m = model(FULL);
        let keys: Vec<&str> = variants(&m, 0.2)
            .unwrap()
            .iter()
            .map(|v| v.param.key())
            .collect();
        // Set in the file, even at 0.
        for k in [
            "acquisition.rate",
            "pricing.one_time",
            "owner.quit_below_net",
        ] {
            assert!(keys.contains(&k), "{k} missing from {keys:?}");
        }
        // Defaults that can matter with customers and prices.
        for k in [
            "setup.cost",
            "acquisition.growth",
            "platform.fee",
            "platform.ban_probability",
            "costs.per_customer_monthly",
        ] {
            assert!(keys.contains(&k), "{k} missing from {keys:?}");
        }
        // Defaults that cannot matter alone: no competitors to erode
        // prices, no hike size for a hike chance, hourly value labels only;
        // unused keys never.
        for k in [
            "competition.price_erosion",
            "competition.entry_rate",
            "platform.fee_hike_probability",
            "owner.hourly_value",
            "owner.burnout_hours_monthly",
            "churn.alpha",
            "acquisition.market_size",
        ] {
            assert!(!keys.contains(&k), "{k} should not be in {keys:?}");
        }
        // In table order.
        let order: Vec<usize> = variants(&m, 0.2)
            .unwrap()
            .iter()
            .map(|v| v.param as usize)
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn competition_defaults_matter_once_competitors_or_effects_exist() {
        let with_entry = model(
            "name = \"x\"\n[acquisition]\nrate = 3\n[pricing]\nmonthly = 10\n\
             [competition]\nentry_rate = 0.1",
        );
        assert!(default_matters(&with_entry, Param::ChurnIncrease));
        assert!(default_matters(&with_entry, Param::PriceErosion));
        assert!(!default_matters(&with_entry, Param::CopycatRate));
        let no_customers = model("name = \"x\"\n[competition]\nentry_rate = 0.1");
        assert!(!default_matters(&no_customers, Param::ChurnIncrease));
        assert!(!default_matters(&no_customers, Param::ChurnMonthly));
        assert!(default_matters(&no_customers, Param::AcquisitionRate));
    }

    #[test]
    fn bad_swings_are_input_errors() {
        let m = model(FULL);
        for s in [0.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
            let e = variants(&m, s).unwrap_err().to_string();
            assert!(e.contains("--swing must be"), "{e}");
        }
        assert!(variants(&m, 1.0).is_ok());
    }

    fn row(p: Param, lo: f64, hi: f64) -> Row {
        Row {
            churn: None,
            param: p,
            hustle: None,
            low_value: 0.0,
            mid_value: 0.5,
            high_value: 1.0,
            metric_low: lo,
            metric_mid: 0.5,
            metric_high: hi,
            spread: Spread::Relative,
        }
    }

    #[test]
    fn a_middle_value_beyond_both_ends_ranks_by_the_span_drawn() {
        // The case of a bigger business that needs more hours than the bar
        // allows: p10 and p90 both score low, the median high. Its swing
        // (high - low) is small, but the metric moves 0.63 over the values.
        let mut peak = row(Param::AcquisitionRate, 0.108, 0.224);
        peak.metric_mid = 0.74;
        peak.spread = Spread::Percentiles;
        let mut rows = vec![row(Param::PriceMonthly, 0.27, 0.59), peak];
        rank(&mut rows);
        assert_eq!(rows[0].param, Param::AcquisitionRate);
        assert!((rows[0].range() - 0.632).abs() < 1e-12);
        assert!(!rows[0].monotone(Metric::SemiPassive.resolution()));
        assert!(rows[1].monotone(Metric::SemiPassive.resolution()));
        // Within the metric's resolution a middle value is still between.
        let mut flat = row(Param::SetupCost, 0.5, 0.6);
        flat.metric_mid = 0.4995;
        assert!(flat.monotone(0.001) && !flat.monotone(0.0001));
    }

    #[test]
    fn rows_rank_by_range_then_table_order() {
        let mut rows = vec![
            row(Param::HourlyValue, 0.5, 0.5),
            row(Param::PriceMonthly, 0.4, 0.6),
            row(Param::ChurnMonthly, 0.7, 0.3),
            row(Param::SetupCost, 0.5, 0.5),
            row(Param::AcquisitionRate, 0.45, 0.55),
        ];
        rank(&mut rows);
        let order: Vec<Param> = rows.iter().map(|r| r.param).collect();
        assert_eq!(
            order,
            [
                Param::ChurnMonthly,
                Param::PriceMonthly,
                Param::AcquisitionRate,
                Param::SetupCost,
                Param::HourlyValue
            ]
        );
        assert!((rows[0].swing() + 0.4).abs() < 1e-15);
    }

    #[test]
    fn changes_read_naturally() {
        assert_eq!(Metric::SemiPassive.format_change(0.0321), "+3.2 pts");
        assert_eq!(Metric::Failure.format_change(-0.1), "-10.0 pts");
        assert_eq!(Metric::SemiPassive.format_change(0.0), "0.0 pts");
        assert_eq!(Metric::CumulativeNetP50.format_change(-1234.4), "-1,234");
        assert_eq!(Metric::CumulativeNetP50.format(9613.2), "9,613");
    }

    #[test]
    fn semi_passive_needs_its_section() {
        let bare = model("name = \"x\"");
        let e = Metric::SemiPassive.check(&bare).unwrap_err().to_string();
        assert!(e.contains("[semi_passive]"), "{e}");
        assert!(Metric::Failure.check(&bare).is_ok());
    }

    #[test]
    fn pinning_changes_one_parameter_only() {
        let m = model(FULL);
        let p = pinned(&m, Param::AcquisitionRate, 3.0).unwrap();
        assert_eq!(*p.param(Param::AcquisitionRate), Uncertain::fixed(3.0));
        assert_eq!(p.origin(Param::AcquisitionRate), Origin::Override);
        for q in Param::ALL
            .into_iter()
            .filter(|&q| q != Param::AcquisitionRate)
        {
            assert_eq!(p.param(q), m.param(q));
            assert_eq!(p.origin(q), m.origin(q));
        }
        // Pinning validates, as a written value would be.
        for (q, bad) in [
            (Param::AcquisitionRate, -1.0),
            (Param::ChurnMonthly, 1.5),
            (Param::PriceMonthly, f64::NAN),
            (Param::PriceMonthly, 2e9),
        ] {
            let e = pinned(&m, q, bad).unwrap_err().to_string();
            assert!(e.starts_with(q.key()), "{e}");
        }
    }
}
