//! One trajectory, month by month: docs/model.md, One trajectory.
//!
//! Read this file beside it: [`simulate`] follows its steps in order
//! (platform, competitors, setup or launched month: churn, acquisition,
//! money, hours, owner, semi-passive; then R), and the names are the
//! model's.

use super::cohort::{Cohorts, Renewal};
use super::events::{MonthlyEvent, PoissonArrivals};
use super::rng::{Stream, open01, stream_rng};
use super::sample::{binomial, fast_exp, ln_in_place, poisson};
use crate::model::{AcquisitionModel, ChurnModel, Model};
use crate::scenario::keys::{Bound, NPARAMS, Param};
use crate::scenario::uncertain::Sampler;
use rand::Rng;
use serde::Serialize;

/// Largest expected number of new customers, or of new competitors, in one
/// month: a simulation limit that keeps counts and money finite whatever the
/// growth (documented in docs/errors.md, "Simulation limits").
pub const MAX_MONTHLY_ARRIVALS: f64 = 1e7;

/// A monthly figure reported for every trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Gross revenue minus platform fee and costs (setup cost in setup months).
    NetIncome,
    /// Revenue before the platform's fee.
    GrossRevenue,
    /// Active customers N at the end of the month.
    Customers,
    /// Customers won this month.
    NewCustomers,
    /// Hours the owner worked.
    Hours,
    /// Net income so far, setup included.
    CumulativeNet,
    /// Competitors in the market (counted after an end too).
    Competitors,
    /// The platform's cut of gross revenue.
    PlatformFee,
}

impl Metric {
    /// Every metric, in `summary.json` order.
    pub const ALL: [Metric; 8] = [
        Metric::NetIncome,
        Metric::GrossRevenue,
        Metric::Customers,
        Metric::NewCustomers,
        Metric::Hours,
        Metric::CumulativeNet,
        Metric::Competitors,
        Metric::PlatformFee,
    ];

    /// Name in `summary.json` and `percentiles.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::NetIncome => "net_income",
            Metric::GrossRevenue => "gross_revenue",
            Metric::Customers => "customers",
            Metric::NewCustomers => "new_customers",
            Metric::Hours => "hours",
            Metric::CumulativeNet => "cumulative_net",
            Metric::Competitors => "competitors",
            Metric::PlatformFee => "platform_fee",
        }
    }
}

/// Number of metrics.
pub const NMETRICS: usize = 8;

/// Why a hustle failed (docs/model.md, One trajectory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureCause {
    /// The owner quit after too many bad months.
    Abandoned,
    /// The owner burned out after too many long months.
    BurnedOut,
    /// The platform banned the hustle.
    Deplatformed,
    /// Still running at the horizon but with cumulative net below 0.
    Unprofitable,
}

impl FailureCause {
    /// Every cause, in `summary.json` order.
    pub const ALL: [FailureCause; 4] = [
        FailureCause::Abandoned,
        FailureCause::BurnedOut,
        FailureCause::Deplatformed,
        FailureCause::Unprofitable,
    ];

    /// Name in `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            FailureCause::Abandoned => "abandoned",
            FailureCause::BurnedOut => "burned_out",
            FailureCause::Deplatformed => "deplatformed",
            FailureCause::Unprofitable => "unprofitable",
        }
    }
}

/// One trajectory's parameter values, drawn before month 1.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Values in [`Param`] order.
    pub values: [f64; NPARAMS],
    /// Bit `i` set: parameter `i` was drawn outside its valid range and
    /// clamped.
    pub clamped: u64,
}

impl Params {
    #[inline]
    fn get(&self, p: Param) -> f64 {
        self.values[p as usize]
    }
}

/// A [`Model`] prepared for simulation.
#[derive(Debug, Clone)]
pub struct CompiledModel {
    /// The model.
    pub model: Model,
    /// Every parameter's value when fixed (uncertain ones are overwritten).
    fixed: [f64; NPARAMS],
    /// The uncertain parameters, in table order: index, sampler and the
    /// valid range draws are clamped into.
    uncertain: Vec<(usize, Sampler, Bound)>,
    horizon: usize,
    setup_months: usize,
    launch: usize,
    /// Competitor factors by count, when the competition parameters are
    /// fixed.
    factor_table: Option<FactorTable>,
}

impl CompiledModel {
    /// Prepares a model.
    pub fn new(model: &Model) -> Self {
        let samplers = model.samplers();
        let mut fixed = [0.0; NPARAMS];
        let mut uncertain = Vec::new();
        for (k, sampler) in samplers.into_iter().enumerate() {
            match sampler {
                Sampler::Fixed(v) => fixed[k] = v,
                s => uncertain.push((k, s, Param::ALL[k].spec().bound)),
            }
        }
        let competition = [
            Param::ChurnIncrease,
            Param::AcquisitionLoss,
            Param::PriceErosion,
        ];
        let factor_table = competition
            .iter()
            .all(|p| uncertain.iter().all(|(k, _, _)| *k != *p as usize))
            .then(|| FactorTable::new(competition.map(|p| fixed[p as usize])));
        CompiledModel {
            factor_table,
            fixed,
            uncertain,
            horizon: model.horizon_months as usize,
            setup_months: model.setup_months as usize,
            launch: model.launch_month() as usize,
            model: model.clone(),
        }
    }

    /// Months simulated.
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Draws trajectory `i`'s parameters: one uniform per parameter from its
    /// parameter stream, in table order, mapped by inverse CDF and clamped
    /// into the valid range. A fixed parameter's uniform is drawn and
    /// discarded, so pinning one never shifts another's.
    pub fn draw_params(&self, seed: u64, i: u64) -> Params {
        let mut rng = stream_rng(seed, i, Stream::Parameters);
        let mut values = self.fixed;
        let mut clamped = 0u64;
        let mut next = 0;
        for &(k, ref sampler, bound) in &self.uncertain {
            for _ in next..k {
                rng.next_u64();
            }
            next = k + 1;
            let x = sampler.inverse_cdf(open01(&mut rng));
            let c = bound.clamp(x);
            if c != x || !bound.contains(x) {
                clamped |= 1 << k;
            }
            values[k] = c;
        }
        Params { values, clamped }
    }
}

/// The monthly figures of one trajectory: `NMETRICS` rows of H months.
#[derive(Debug, Clone)]
pub struct Path {
    horizon: usize,
    data: Vec<f64>,
}

impl Path {
    /// A zeroed path for horizon H.
    pub fn new(horizon: usize) -> Self {
        Path {
            horizon,
            data: vec![0.0; NMETRICS * horizon],
        }
    }

    /// The figure of `metric` in month `t` (1-based).
    pub fn get(&self, metric: Metric, t: usize) -> f64 {
        self.data[metric as usize * self.horizon + t - 1]
    }

    /// Every month's figure of `metric`.
    pub fn row(&self, metric: Metric) -> &[f64] {
        let s = metric as usize * self.horizon;
        &self.data[s..s + self.horizon]
    }

    /// All figures, metric-major.
    pub fn data(&self) -> &[f64] {
        &self.data
    }
}

/// Where a trajectory's monthly figures go, month by month.
pub trait Record {
    /// Stores month t's (1-based) figures, in [`Metric::ALL`] order.
    fn record(&mut self, t: usize, figures: [f64; NMETRICS]);
}

impl Record for Path {
    #[inline]
    fn record(&mut self, t: usize, figures: [f64; NMETRICS]) {
        let h = self.horizon;
        for (m, v) in figures.into_iter().enumerate() {
            self.data[m * h + t - 1] = v;
        }
    }
}

/// One trajectory's place in a chunk's column-major buffer: the figure of
/// (metric, month t) goes to `columns[(metric * H + t - 1) * stride + slot]`,
/// so each (metric, month) column of the chunk is contiguous.
pub struct ChunkSlot<'a> {
    columns: &'a mut [f64],
    horizon: usize,
    stride: usize,
    slot: usize,
}

impl<'a> ChunkSlot<'a> {
    /// Slot `slot` of a buffer of `NMETRICS * horizon` columns, `stride`
    /// apart.
    pub fn new(columns: &'a mut [f64], horizon: usize, stride: usize, slot: usize) -> Self {
        assert!(slot < stride && columns.len() >= NMETRICS * horizon * stride);
        ChunkSlot {
            columns,
            horizon,
            stride,
            slot,
        }
    }
}

impl Record for ChunkSlot<'_> {
    #[inline]
    fn record(&mut self, t: usize, figures: [f64; NMETRICS]) {
        let step = self.horizon * self.stride;
        let base = (t - 1) * self.stride + self.slot;
        // The last metric's cell is in bounds, so all are (new() checked the
        // buffer's size; t <= H).
        let cells = &mut self.columns[base..=base + (NMETRICS - 1) * step];
        for (m, v) in figures.into_iter().enumerate() {
            cells[m * step] = v;
        }
    }
}

/// How one trajectory ended up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Failure cause and the month it ended (H for unprofitable), if it
    /// failed.
    pub failure: Option<(FailureCause, u32)>,
    /// Month that completed the first run of qualifying months.
    pub semi_passive_month: Option<u32>,
    /// First launched month, before any end, with cumulative net >= 0.
    pub break_even_month: Option<u32>,
    /// Net income over the whole horizon, setup included.
    pub cumulative_net: f64,
    /// Hours over the whole horizon, setup included.
    pub cumulative_hours: f64,
    /// The trajectory's `owner.hourly_value`.
    pub hourly_value: f64,
    /// Bit t-1 set: month t qualified as semi-passive.
    pub qualifying: u128,
    /// Parameters clamped for this trajectory (bit per [`Param`]).
    pub clamped: u64,
}

impl Outcome {
    /// Cumulative net over cumulative hours, when any hours were worked.
    pub fn hourly_rate(&self) -> Option<f64> {
        (self.cumulative_hours > 0.0).then(|| self.cumulative_net / self.cumulative_hours)
    }
}

/// Reusable per-thread buffers.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Active customers by the month they were won.
    cohorts: Cohorts,
    /// Chance to stay at renewal n (index n - 1), before competitors.
    keep: Vec<f64>,
    /// K(n), the sum of the first n log chances to stay, at index H - n.
    tenure_log: Vec<f64>,
}

impl Scratch {
    /// Buffers for horizon H.
    pub fn new(horizon: usize) -> Self {
        Scratch {
            cohorts: Cohorts::new(horizon),
            keep: vec![0.0; horizon],
            tenure_log: vec![0.0; horizon + 1],
        }
    }
}

/// A count as a float. Counts stay far below 2^63 (arrivals are capped),
/// and a signed conversion is one instruction where an unsigned one is a
/// dozen on x86-64.
#[inline(always)]
fn count(n: u64) -> f64 {
    n as i64 as f64
}

/// What C competitors do to one customer or sale.
#[derive(Debug, Clone, Copy)]
struct Factors {
    /// (1 - churn_increase)^C: lured away by none.
    lure: f64,
    /// Its log.
    ln_lure: f64,
    /// (1 - acquisition_loss)^C.
    acquisition: f64,
    /// (1 - price_erosion)^C.
    price: f64,
}

impl Factors {
    /// No competitors.
    const NONE: Factors = Factors {
        lure: 1.0,
        ln_lure: 0.0,
        acquisition: 1.0,
        price: 1.0,
    };

    /// The factors for `c` >= 1 competitors.
    fn of(keeps: &Keeps, c: u64) -> Self {
        let c = count(c);
        Factors {
            ln_lure: c * keeps.lure,
            lure: pow_from_ln(keeps.lure, c),
            acquisition: pow_from_ln(keeps.acquisition, c),
            price: pow_from_ln(keeps.price, c),
        }
    }
}

/// ln(1 - churn_increase), ln(1 - acquisition_loss), ln(1 - price_erosion).
#[derive(Debug, Clone, Copy)]
struct Keeps {
    lure: f64,
    acquisition: f64,
    price: f64,
}

impl Keeps {
    /// From `[churn_increase, acquisition_loss, price_erosion]`.
    fn new(shares: [f64; 3]) -> Self {
        Keeps {
            lure: ln_keep(shares[0]),
            acquisition: ln_keep(shares[1]),
            price: ln_keep(shares[2]),
        }
    }
}

/// Competitor counts with precomputed [`Factors`] when the competition
/// parameters are fixed: counts beyond it are computed as they come.
const FACTOR_TABLE_LEN: usize = 256;

/// The [`Factors`] of 0 to [`FACTOR_TABLE_LEN`] - 1 competitors for fixed
/// competition parameters, computed once per run by the same arithmetic a
/// trajectory would use, so results are bit-identical with or without it.
#[derive(Debug, Clone)]
struct FactorTable {
    /// `[churn_increase, acquisition_loss, price_erosion]` it was built for.
    shares: [f64; 3],
    keeps: Keeps,
    rows: Vec<Factors>,
}

impl FactorTable {
    fn new(shares: [f64; 3]) -> Self {
        let keeps = Keeps::new(shares);
        let rows = (0..FACTOR_TABLE_LEN as u64)
            .map(|c| {
                if c == 0 {
                    Factors::NONE
                } else {
                    Factors::of(&keeps, c)
                }
            })
            .collect();
        FactorTable {
            shares,
            keeps,
            rows,
        }
    }
}

/// A trajectory's current [`Factors`]: looked up (or computed) only when C
/// changes, which is rare.
struct CompetitorFactors<'a> {
    keeps: Keeps,
    /// Precomputed factors by count (empty if the parameters differ from
    /// the run's fixed ones).
    table: &'a [Factors],
    now: Factors,
}

/// ln(1 - share), 0 for no share without calling the log.
fn ln_keep(share: f64) -> f64 {
    if share == 0.0 { 0.0 } else { (-share).ln_1p() }
}

/// e^(c ln_base): a power from its base's log, without the branches of
/// binary powering.
#[inline]
fn pow_from_ln(ln_base: f64, c: f64) -> f64 {
    let x = c * ln_base;
    if x >= -700.0 { fast_exp(x) } else { x.exp() }
}

impl<'a> CompetitorFactors<'a> {
    /// For `[churn_increase, acquisition_loss, price_erosion]`, with the
    /// run's table if it was built for these values.
    fn new(shares: [f64; 3], table: Option<&'a FactorTable>) -> Self {
        let (keeps, table) = match table {
            Some(t) if t.shares == shares => (t.keeps, &t.rows[..]),
            _ => (Keeps::new(shares), &[][..]),
        };
        CompetitorFactors {
            keeps,
            table,
            now: Factors::NONE,
        }
    }

    /// The factors for `c` >= 1 competitors.
    fn update(&mut self, c: u64) {
        self.now = match self.table.get(c as usize) {
            Some(f) => *f,
            None => Factors::of(&self.keeps, c),
        };
    }
}

/// Simulates trajectory `i` of a run with `seed`, writing its monthly figures
/// into `path`.
pub fn simulate(
    cm: &CompiledModel,
    seed: u64,
    i: u64,
    scratch: &mut Scratch,
    path: &mut impl Record,
) -> Outcome {
    let params = cm.draw_params(seed, i);
    simulate_with(cm, &params, seed, i, scratch, path)
}

/// Simulates trajectory `i` with given parameter values.
pub fn simulate_with(
    cm: &CompiledModel,
    prm: &Params,
    seed: u64,
    i: u64,
    scratch: &mut Scratch,
    path: &mut impl Record,
) -> Outcome {
    use Param::*;
    let m = &cm.model;
    let (h_months, setup_months, launch) = (cm.horizon, cm.setup_months, cm.launch);
    let mut platform_rng = stream_rng(seed, i, Stream::Platform);
    let mut competitor_rng = stream_rng(seed, i, Stream::Competitors);
    let mut churn_rng = stream_rng(seed, i, Stream::Churn);
    let mut acquisition_rng = stream_rng(seed, i, Stream::Acquisition);

    // Each platform event has its own sub-stream, keyed from the platform
    // stream.
    let mut ban = MonthlyEvent::new(prm.get(BanProbability), platform_rng.next_u64());
    let mut fee_hike = MonthlyEvent::new(prm.get(FeeHikeProbability), platform_rng.next_u64());
    let mut shock = MonthlyEvent::new(prm.get(PolicyShockProbability), platform_rng.next_u64());
    let hike = prm.get(FeeHike);
    let shock_keep = 1.0 - prm.get(PolicyShockLoss);
    let entry_rate = prm.get(EntryRate);
    let copycat_per_unit = prm.get(CopycatRate) / 1000.0;
    let (price_m, price_once) = (prm.get(PriceMonthly), prm.get(PriceOneTime));
    let (cost_fixed, cost_per) = (prm.get(CostFixedMonthly), prm.get(CostPerCustomerMonthly));
    let (hours_fixed, hours_per, hours_new) = (
        prm.get(FixedHoursMonthly),
        prm.get(HoursPerCustomerMonthly),
        prm.get(HoursPerNewCustomer),
    );
    let automation_keep = 1.0 - prm.get(AutomationMonthly);
    let (alpha, beta) = (prm.get(ChurnAlpha), prm.get(ChurnBeta));
    let churn_monthly = prm.get(ChurnMonthly);
    // Setup hours and cost, spread evenly over the setup months (all in
    // month 1 without any).
    let setup_share = setup_months.max(1) as f64;
    let (setup_hours_monthly, setup_net) = (
        prm.get(SetupHours) / setup_share,
        -prm.get(SetupCost) / setup_share,
    );
    let (rate, growth) = (prm.get(AcquisitionRate), prm.get(AcquisitionGrowth));
    let market = prm.get(MarketSize).floor() as u64;
    let (bass_p, bass_q) = (prm.get(Innovation), prm.get(Imitation));
    let quit_below = prm.get(QuitBelowNet);
    let burnout_hours = prm.get(BurnoutHoursMonthly);
    let (sp_net, sp_hours) = (prm.get(SemiPassiveMinNet), prm.get(SemiPassiveMaxHours));
    let sustain = m.semi_passive_sustain_months;
    let quit_after = m.quit_after_months;
    let burnout_after = m.burnout_after_months;

    let cohorts = &mut scratch.cohorts;
    cohorts.reset(churn_rng.next_u64());
    // Chance to stay at the n-th renewal, for n = 1..H:
    // sbg 1 - alpha / (alpha + beta + n - 1), constant 1 - churn.monthly.
    // The logs feed the cohorts' order statistics (constant churn: one log).
    let (keep, tenure_log) = (&mut scratch.keep, &mut scratch.tenure_log);
    // No customer renews more than H - L times.
    let tenures = h_months - launch;
    match m.churn {
        ChurnModel::Constant => {
            let ln_stay = (-churn_monthly).ln_1p();
            for n in 0..tenures {
                keep[n] = 1.0 - churn_monthly;
                tenure_log[h_months - n - 1] = (n + 1) as f64 * ln_stay;
            }
        }
        ChurnModel::Sbg => {
            // K(n) as the log of the running product, the logs taken in one
            // pass.
            let mut survival = 1.0;
            for n in 0..tenures {
                keep[n] = 1.0 - alpha / (alpha + beta + count(n as u64));
                survival *= keep[n];
                tenure_log[h_months - n - 1] = survival;
            }
            ln_in_place(&mut tenure_log[h_months - tenures..h_months]);
        }
    }
    let mut factors = CompetitorFactors::new(
        [
            prm.get(ChurnIncrease),
            prm.get(AcquisitionLoss),
            prm.get(PriceErosion),
        ],
        cm.factor_table.as_ref(),
    );
    let mut factors_for: u64 = 0;
    let mut entrants = PoissonArrivals::new(&mut competitor_rng);

    let mut alive = true;
    let mut failure = None;
    let mut competitors: u64 = 0;
    let mut fee = prm.get(PlatformFee);
    let mut acq_mult = 1.0; // s
    let mut last_gross = 0.0; // R
    let mut adopters: u64 = 0; // A
    let mut quit_streak = 0u32;
    let mut burnout_streak = 0u32;
    let mut sp_streak = 0u32;
    let mut sp_month = None;
    let mut break_even = None;
    let mut qualifying = 0u128;
    let mut cum_net = 0.0;
    let mut cum_hours = 0.0;
    let mut poisson_rate = rate.min(MAX_MONTHLY_ARRIVALS); // rate (1 + growth)^(k-1)
    let mut automation = 1.0; // (1 - automation)^(k-1)

    for t in 1..=h_months {
        // 1. Platform: each event by its waiting times (a comparison a
        // month).
        if alive {
            let month = t as u64;
            if ban.happens(month) {
                alive = false;
                failure = Some((FailureCause::Deplatformed, t as u32));
            }
            if fee_hike.happens(month) {
                fee = (fee + hike).min(1.0);
            }
            if shock.happens(month) {
                acq_mult *= shock_keep;
            }
        }

        // 2. Competitors: the market goes on after an end, with R = 0.
        competitors += entrants.count(
            &mut competitor_rng,
            (entry_rate + copycat_per_unit * last_gross).min(MAX_MONTHLY_ARRIVALS),
        );
        let c = count(competitors);

        if !alive {
            path.record(t, [0.0, 0.0, 0.0, 0.0, 0.0, cum_net, c, 0.0]);
            last_gross = 0.0;
            continue;
        }

        if t < launch {
            // 3. Setup month.
            cum_net += setup_net;
            cum_hours += setup_hours_monthly;
            path.record(
                t,
                [
                    setup_net,
                    0.0,
                    0.0,
                    0.0,
                    setup_hours_monthly,
                    cum_net,
                    c,
                    0.0,
                ],
            );
            last_gross = 0.0;
            continue;
        }

        // 4. Launched month k.
        let k = t - launch + 1;
        if k > 1 {
            poisson_rate = (poisson_rate * (1.0 + growth)).min(MAX_MONTHLY_ARRIVALS);
            automation *= automation_keep;
        }
        if competitors != factors_for {
            factors.update(competitors);
            factors_for = competitors;
        }

        // Churn: each customer stays with chance (1 - h)(1 - churn_increase)^C
        // at its n-th renewal (a customer won in month a renews first in a + 1).
        let survivors = cohorts.renew(
            t,
            &Renewal {
                keep,
                tenure_log,
                lure: factors.now.lure,
                ln_lure: factors.now.ln_lure,
            },
        );

        // Acquisition.
        let mult = acq_mult * factors.now.acquisition;
        let new = match m.acquisition {
            AcquisitionModel::Poisson => poisson(&mut acquisition_rng, poisson_rate * mult),
            AcquisitionModel::Bass => {
                let remaining = market.saturating_sub(adopters);
                let share = adopters as f64 / market as f64;
                let p = ((bass_p + bass_q * share) * mult).min(1.0);
                let won = binomial(&mut acquisition_rng, remaining, p);
                adopters += won;
                won
            }
        };
        cohorts.win(t, new);

        // Money.
        let erosion = factors.now.price;
        let n_active = count(survivors + new);
        let new_f = count(new);
        let gross = n_active * price_m * erosion + new_f * price_once * erosion;
        let platform_fee = fee * gross;
        let costs = cost_fixed + cost_per * n_active;
        let mut net = gross - platform_fee - costs;

        // Hours.
        let mut hours = hours_fixed + hours_per * n_active * automation + hours_new * new_f;
        if setup_months == 0 && t == 1 {
            hours += setup_hours_monthly;
            net += setup_net;
        }

        cum_net += net;
        cum_hours += hours;
        if break_even.is_none() && cum_net >= 0.0 {
            break_even = Some(t as u32);
        }

        // Semi-passive: this month counts even if the owner quits in it.
        if let Some(sustain) = sustain {
            if net >= sp_net && hours <= sp_hours {
                qualifying |= 1u128 << (t - 1);
                sp_streak += 1;
                if sp_streak >= sustain && sp_month.is_none() {
                    sp_month = Some(t as u32);
                }
            } else {
                sp_streak = 0;
            }
        }

        // Owner: the month that completes a streak still counts in full.
        quit_streak = if net < quit_below { quit_streak + 1 } else { 0 };
        burnout_streak = if hours > burnout_hours {
            burnout_streak + 1
        } else {
            0
        };
        if quit_after > 0 && quit_streak >= quit_after {
            alive = false;
            failure = Some((FailureCause::Abandoned, t as u32));
        } else if burnout_streak >= burnout_after {
            alive = false;
            failure = Some((FailureCause::BurnedOut, t as u32));
        }

        path.record(
            t,
            [net, gross, n_active, new_f, hours, cum_net, c, platform_fee],
        );
        // 5. R = this month's gross.
        last_gross = gross;
    }

    if alive && cum_net < 0.0 {
        failure = Some((FailureCause::Unprofitable, h_months as u32));
    }
    Outcome {
        failure,
        semi_passive_month: sp_month,
        break_even_month: break_even,
        cumulative_net: cum_net,
        cumulative_hours: cum_hours,
        hourly_value: prm.get(HourlyValue),
        qualifying,
        clamped: prm.clamped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn factor_table_changes_no_figure() {
        // Fixed competition parameters and entry fast enough to pass the
        // table's end: every figure of every month, and every outcome, is
        // bit-identical with the table and without it.
        let mut s = Scenario::parse(
            include_str!("../../tests/data/bench.toml"),
            "bench.toml",
            "bench",
        )
        .unwrap();
        s.set("competition.entry_rate=14").unwrap();
        let model = s.model().unwrap();
        let with = CompiledModel::new(&model);
        assert!(with.factor_table.is_some());
        let mut without = with.clone();
        without.factor_table = None;
        let h = with.horizon();
        let mut scratch = Scratch::new(h);
        let (mut a, mut b) = (Path::new(h), Path::new(h));
        let mut beyond = 0;
        for i in 0..300 {
            let oa = simulate(&with, 5, i, &mut scratch, &mut a);
            let ob = simulate(&without, 5, i, &mut scratch, &mut b);
            assert_eq!(oa, ob, "trajectory {i}");
            let bits = |p: &Path| p.data().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b), "trajectory {i}");
            beyond += usize::from(a.get(Metric::Competitors, h) >= FACTOR_TABLE_LEN as f64);
        }
        assert!(beyond > 0, "no trajectory went past the table");
    }
}
