//! The reference simulator: a second, literal implementation of one
//! trajectory, written to be obviously right rather than fast.
//!
//! This module is the executable statement of the model. Read
//! `Hustle::begin`, `Hustle::finish` and `months` line by line beside
//! docs/model.md, "One trajectory" and "Portfolios": every step is there in
//! the model's order and with the model's names, every chance is one
//! Bernoulli draw and every count one draw from `rand_distr`. Nothing is
//! cached, tabulated or drawn by waiting times:
//!
//! - each active customer is kept with the month it was won, so its tenure
//!   is known, and renews by its own Bernoulli draw with chance
//!   (1 - h)(1 - `churn_increase`)^C;
//! - each platform event is a Bernoulli draw in every month of a running
//!   hustle, setup months included;
//! - competitors, and Poisson acquisition, are Poisson draws each month;
//!   Bass acquisition is a binomial draw;
//! - rework is a Bernoulli draw in every launched month of a running
//!   hustle, from a generator of its own;
//! - the owner's capacity is tried one customer at a time;
//! - every power is `powi` or `powf`.
//!
//! A hustle's month is split where the owner decides: `Hustle::begin`
//! goes up to and including the draw of new customers, the owner accepts
//! those that fit in their hours, and `Hustle::finish` takes the accepted
//! ones (money, hours, the hustle's own quit streak). `months` runs the
//! owner's months over their hustles: capacity, then the owner's judgement
//! of the totals (passivity, break-even, semi-passive income, burnout), then
//! the ends. A scenario ([`simulate`]) is one hustle run by its own owner;
//! a portfolio ([`simulate_portfolio`]) is several hustles, each on its own
//! clock from its start month, run by one person.
//!
//! The fast simulator ([`super::trajectory`], [`super::portfolio`]) must
//! agree with it in distribution (`tests/reference_model.rs`,
//! `tests/portfolio_model.rs`). A change to the model is made here first,
//! then in the fast simulator, and the comparison tells whether the fast
//! one still follows.
//!
//! The parameters of trajectory i are the fast simulator's, drawn by the
//! same functions ([`CompiledModel::draw_params`],
//! [`CompiledPortfolio::draw_params`]) from the same parameter streams, so
//! trajectory i has identical parameter values in both. All other random
//! numbers of hustle j (0-based, in file order; a scenario is hustle 0)
//! come from one generator of its own, keyed by [`PURPOSE`] + j, except
//! rework's, which come from a second one keyed by [`REWORK_PURPOSE`] + j
//! (as the fast simulator keeps rework apart, so a scenario without rework
//! draws exactly what it drew before rework existed), both with the run's
//! seed: they are not paired with the fast simulator's. Hustle 0 of a
//! portfolio draws exactly what its scenario run alone draws, up to what
//! the person's capacity and burnout change.

use super::outcome::NMETRICS;
use super::portfolio::{CompiledPortfolio, PortfolioOutcome};
use super::rng::{StreamRng, purpose_rng};
use super::{
    CompiledModel, FailureCause, MAX_MONTHLY_ARRIVALS, Metric, Outcome, Params, Path, Record,
};
use crate::model::{AcquisitionModel, ChurnModel, Model, Origin};
use crate::scenario::keys::Param;
use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution, Poisson};

/// The purpose key of the reference simulator's generator (the ASCII of
/// "REFERENC"), far from the fast simulator's stream keys (1 to 7), so the
/// two never share random numbers beyond the parameters. Hustle j of a
/// portfolio uses this + j.
pub const PURPOSE: u64 = 0x5245_4645_5245_4e43;

/// The purpose key of the reference simulator's rework generator (the ASCII
/// of "REFWORK!"). Hustle j of a portfolio uses this + j.
pub const REWORK_PURPOSE: u64 = 0x5245_4657_4f52_4b21;

/// A draw from Poisson(`lambda`); 0 when `lambda` is 0.
fn poisson(rng: &mut impl Rng, lambda: f64) -> u64 {
    if lambda > 0.0 {
        Poisson::new(lambda).expect("finite lambda > 0").sample(rng) as u64
    } else {
        0
    }
}

/// A draw from Binomial(`n`, `p`).
fn binomial(rng: &mut impl Rng, n: u64, p: f64) -> u64 {
    Binomial::new(n, p).expect("0 <= p <= 1").sample(rng)
}

/// Simulates trajectory `i` of a run with `seed`, month by month as
/// docs/model.md ("One trajectory") says, writing its monthly figures into
/// `path` in [`super::Metric::ALL`] order, and returns its outcome: one
/// hustle, run by its own owner.
///
/// `cm` is the fast simulator's prepared model: only its
/// [`CompiledModel::model`] and its parameter draw are used.
pub fn simulate(cm: &CompiledModel, seed: u64, i: u64, path: &mut impl Record) -> Outcome {
    let model = &cm.model;
    // Uncertain parameters are drawn once, before month 1, exactly as the
    // fast simulator draws them.
    let params = cm.draw_params(seed, i);
    // The owner is the scenario's own: its [owner] and [semi_passive].
    let mut owner = Owner::new(model, &params);
    let mut hustles = [Hustle::new(
        model,
        params,
        1,
        purpose_rng(seed, i, PURPOSE),
        purpose_rng(seed, i, REWORK_PURPOSE),
        owner.hourly_value,
    )];
    // The owner's figures are the hustle's: only the hustle's are kept.
    months(
        &mut owner,
        &mut hustles,
        model.horizon_months,
        &mut |who, t, figures| {
            if who == 1 {
                path.record(t as usize, figures);
            }
        },
    );
    let [hustle] = hustles;
    Outcome {
        failure: hustle.failure,
        semi_passive_month: owner.semi_passive_month,
        break_even_month: owner.break_even_month,
        cumulative_net: hustle.cumulative_net,
        cumulative_hours: hustle.cumulative_hours,
        hourly_value: owner.hourly_value,
        qualifying: owner.qualifying,
        passive_half: owner.passive_half,
        clamped: params.clamped,
    }
}

/// Simulates trajectory `i` of a portfolio run with `seed`, month by month
/// as docs/model.md ("Portfolios") says, writing the person's monthly
/// figures into `paths[0]` and hustle j's into `paths[1 + j]`, each on the
/// person's calendar of H months, and returns the person's outcome and
/// each hustle's end.
///
/// `cp` is the fast simulator's prepared portfolio: only its models and
/// its parameter draw are used.
pub fn simulate_portfolio(
    cp: &CompiledPortfolio,
    seed: u64,
    i: u64,
    paths: &mut [Path],
) -> PortfolioOutcome {
    // The person's parameters from the person's stream, each hustle's as
    // its scenario run alone with the hustle's seed draws them.
    let (person_params, hustle_params) = cp.draw_params(seed, i);
    // The person: the portfolio's [owner] (burnout, capacity, hourly value)
    // and [semi_passive]; each hustle keeps its own quit rule.
    let mut person = Owner::new(&cp.person.model, &person_params);
    let mut hustles: Vec<Hustle<'_>> = cp
        .portfolio
        .hustles
        .iter()
        .zip(&hustle_params)
        .enumerate()
        .map(|(j, (h, params))| {
            Hustle::new(
                &h.model,
                *params,
                h.start_month,
                purpose_rng(seed, i, PURPOSE.wrapping_add(j as u64)),
                purpose_rng(seed, i, REWORK_PURPOSE.wrapping_add(j as u64)),
                person.hourly_value,
            )
        })
        .collect();
    let horizon = cp.portfolio.horizon_months;
    let burned_out_in = months(
        &mut person,
        &mut hustles,
        horizon,
        &mut |who, t, figures| paths[who].record(t as usize, figures),
    );

    // The person fails by burning out (when the burnout ended a hustle),
    // or when every hustle has ended by a failure of its own, in the month
    // the last one ended.
    let failure = match burned_out_in {
        Some(t) => Some((FailureCause::BurnedOut, t)),
        None if hustles.iter().all(|h| h.failure.is_some()) => {
            let last = hustles.iter().filter_map(|h| h.failure).map(|f| f.1).max();
            Some((
                FailureCause::AllFailed,
                last.expect("a portfolio has a hustle"),
            ))
        }
        None => None,
    };
    let mut cumulative_net = 0.0;
    let mut cumulative_hours = 0.0;
    for h in &hustles {
        cumulative_net += h.cumulative_net;
        cumulative_hours += h.cumulative_hours;
    }
    PortfolioOutcome {
        person: Outcome {
            failure,
            semi_passive_month: person.semi_passive_month,
            break_even_month: person.break_even_month,
            cumulative_net,
            cumulative_hours,
            hourly_value: person.hourly_value,
            qualifying: person.qualifying,
            passive_half: person.passive_half,
            clamped: person_params.clamped,
        },
        hustles: hustles
            .iter()
            .zip(&hustle_params)
            .map(|(h, params)| (h.failure, params.clamped))
            .collect(),
    }
}

/// The owner's months 1 to `horizon` over their `hustles` (in file order,
/// which is their priority for new customers). Each month: every hustle
/// up to its new customers; the owner's capacity accepts them; every
/// hustle's money and hours; the owner's month on the totals; the ends.
/// `record(who, t, figures)` takes month t's figures of the owner (`who` =
/// 0) and of hustle j (`who` = j + 1). At the horizon each hustle still
/// running with cumulative net below 0 ends unprofitable. Returns the
/// month the owner's burnout ended a hustle in, if it did.
fn months(
    owner: &mut Owner,
    hustles: &mut [Hustle<'_>],
    horizon: u32,
    record: &mut impl FnMut(usize, u32, [f64; NMETRICS]),
) -> Option<u32> {
    use Metric::*;
    let mut burned_out_in = None;
    for t in 1..=horizon {
        // Every hustle, in file order, up to and including the draw of its
        // new customers.
        let begun: Vec<Begun> = hustles.iter_mut().map(|h| h.begin(t)).collect();

        // The owner's capacity: committed is every hour of the month of
        // every hustle but new customers' (setup hours and rework
        // included); then, in file order, each launched hustle accepts its
        // new customers one at a time while committed + j marginal <=
        // capacity, and what it accepted is committed for the next.
        let mut committed = 0.0;
        for (h, b) in hustles.iter().zip(&begun) {
            committed += h.committed(b);
        }
        let mut accepted = vec![0; hustles.len()];
        for (j, b) in begun.iter().enumerate() {
            if let Begun::Launched(l) = b {
                let marginal = hustles[j].marginal(l);
                accepted[j] = owner.accept(l.new, committed, marginal);
                committed += accepted[j] as f64 * marginal;
            }
        }

        // Every hustle's money, hours and own quit streak.
        let done: Vec<HustleMonth> = hustles
            .iter_mut()
            .zip(begun)
            .zip(accepted)
            .map(|((h, b), a)| h.finish(t, b, a))
            .collect();

        // The owner's month: the hustles' sums; no competitors of their
        // own; passivity on the totals.
        let mut total = [0.0; NMETRICS];
        for m in &done {
            for metric in [
                NetIncome,
                GrossRevenue,
                Customers,
                NewCustomers,
                Hours,
                CumulativeNet,
                PlatformFee,
                DeclinedCustomers,
            ] {
                total[metric as usize] += m.figures[metric as usize];
            }
        }
        // The owner judges a month in which at least one hustle is launched
        // and running (those that end by quitting or burnout in it
        // included); any other month breaks every streak.
        let mut burns_out = false;
        if done.iter().any(|m| m.launched) {
            let (passivity, burnout) = owner.month(
                t,
                total[NetIncome as usize],
                total[Hours as usize],
                total[CumulativeNet as usize],
            );
            total[Passivity as usize] = passivity;
            burns_out = burnout;
        } else {
            owner.idle();
        }

        // Ends: a hustle whose own quit rule completes this month is
        // dropped (abandoned), even if the owner burns out in it; burnout
        // ends every other hustle not already ended, those in setup and
        // those not yet started included.
        for (h, m) in hustles.iter_mut().zip(&done) {
            if m.quits {
                h.end(FailureCause::Abandoned, t);
            } else if burns_out && h.running {
                h.end(FailureCause::BurnedOut, t);
                burned_out_in = Some(t);
            }
        }

        record(0, t, total);
        for (j, m) in done.iter().enumerate() {
            record(j + 1, t, m.figures);
        }
    }

    // At the horizon: still running with cumulative net below 0.
    for h in hustles.iter_mut() {
        if h.running && h.cumulative_net < 0.0 {
            h.failure = Some((FailureCause::Unprofitable, horizon));
        }
    }
    burned_out_in
}

/// The owner's rules (`[owner]` but the quit rule, and `[semi_passive]`)
/// and their streaks and milestones, judged on the totals of their
/// hustles.
struct Owner {
    /// The capacity, when it is set.
    capacity: Option<f64>,
    hourly_value: f64,
    /// +inf when no burnout limit is set: never.
    burnout_hours: f64,
    burnout_after: u32,
    /// Semi-passive: the months in a row, when `[semi_passive]` is there,
    /// and its limits (an absent limit on hours or passivity does not
    /// apply).
    sustain: Option<u32>,
    min_net: f64,
    max_hours: Option<f64>,
    min_passivity: Option<f64>,

    burnout_streak: u32,
    semi_passive_streak: u32,
    semi_passive_month: Option<u32>,
    break_even_month: Option<u32>,
    qualifying: u128,
    passive_half: u128,
}

impl Owner {
    /// The owner `model`'s `[owner]` and `[semi_passive]` describe, with
    /// parameter values `params`.
    fn new(model: &Model, params: &Params) -> Owner {
        use Param::*;
        let v = |p: Param| params.get(p);
        let used = |p: Param| model.origin(p) != Origin::Unused;
        Owner {
            capacity: model.capacity_enabled().then(|| v(CapacityHoursMonthly)),
            hourly_value: v(HourlyValue),
            burnout_hours: v(BurnoutHoursMonthly),
            burnout_after: model.burnout_after_months,
            sustain: model.semi_passive_sustain_months,
            min_net: v(SemiPassiveMinNet),
            max_hours: used(SemiPassiveMaxHours).then(|| v(SemiPassiveMaxHours)),
            min_passivity: used(SemiPassiveMinPassivity).then(|| v(SemiPassiveMinPassivity)),
            burnout_streak: 0,
            semi_passive_streak: 0,
            semi_passive_month: None,
            break_even_month: None,
            qualifying: 0,
            passive_half: 0,
        }
    }

    /// How many of `new` customers, each taking `marginal` hours, fit when
    /// `committed` hours are spoken for: one at a time while committed +
    /// j marginal <= capacity; every one without a capacity or when a new
    /// customer takes no hours.
    fn accept(&self, new: u64, committed: f64, marginal: f64) -> u64 {
        let Some(capacity) = self.capacity else {
            return new;
        };
        if marginal <= 0.0 {
            return new;
        }
        let mut accepted = 0;
        while accepted < new && committed + (accepted + 1) as f64 * marginal <= capacity {
            accepted += 1;
        }
        accepted
    }

    /// Month `t`, in which at least one hustle is launched and running,
    /// with the totals `net`, `hours` and `cumulative_net`: break-even,
    /// passivity, semi-passive income and the burnout streak. Returns the
    /// month's passivity and whether the owner burns out in it (the month
    /// that completes the streak counts in full).
    fn month(&mut self, t: u32, net: f64, hours: f64, cumulative_net: f64) -> (f64, bool) {
        // Break-even: the first such month whose cumulative net (setup
        // included) is >= 0.
        if self.break_even_month.is_none() && cumulative_net >= 0.0 {
            self.break_even_month = Some(t);
        }

        // Passivity: the share of net beyond what the hours would have
        // earned at the owner's hourly value; 0 without a positive net.
        let passivity = if net > 0.0 {
            f64::max(0.0, 1.0 - self.hourly_value * hours / net)
        } else {
            0.0
        };
        if passivity >= 0.5 {
            self.passive_half |= 1 << (t - 1);
        }

        // Semi-passive: this month qualifies even if the owner stops in it.
        if let Some(sustain) = self.sustain {
            let hours_ok = self.max_hours.is_none_or(|m| hours <= m);
            let passivity_ok = self.min_passivity.is_none_or(|m| passivity >= m);
            if net >= self.min_net && hours_ok && passivity_ok {
                self.qualifying |= 1 << (t - 1);
                self.semi_passive_streak += 1;
                if self.semi_passive_streak == sustain && self.semi_passive_month.is_none() {
                    self.semi_passive_month = Some(t);
                }
            } else {
                self.semi_passive_streak = 0;
            }
        }

        // Burnout: over-long months in a row.
        if hours > self.burnout_hours {
            self.burnout_streak += 1;
        } else {
            self.burnout_streak = 0;
        }
        (passivity, self.burnout_streak == self.burnout_after)
    }

    /// A month in which no hustle is launched and running: it breaks the
    /// burnout and semi-passive streaks.
    fn idle(&mut self) {
        self.burnout_streak = 0;
        self.semi_passive_streak = 0;
    }
}

/// One hustle of a trajectory: its scenario's model on its own clock, from
/// the owner's month `start` on (its month 1).
struct Hustle<'m> {
    model: &'m Model,
    params: Params,
    /// The owner's month in which its month 1 falls.
    start: u32,
    /// Every random number of the hustle but rework's.
    rng: StreamRng,
    rework_rng: StreamRng,
    /// The owner's hourly value, at which its passivity is judged.
    hourly_value: f64,

    // The state (docs/model.md): active customers, each by the month (its
    // own) it was won; adopters A; competitors C; fee f; acquisition
    // multiplier s; last month's gross revenue R; the quit streak; whether
    // it runs.
    customers: Vec<u32>,
    adopters: u64,
    competitors: u64,
    fee: f64,
    s: f64,
    last_gross: f64,
    quit_streak: u32,
    running: bool,

    // What it reports.
    failure: Option<(FailureCause, u32)>,
    cumulative_net: f64,
    cumulative_hours: f64,
}

/// A hustle's month up to its new customers.
enum Begun {
    /// Before its start month: it does not exist.
    NotStarted,
    /// Not running (ended before, or banned this month), with C
    /// competitors.
    Ended { c: f64 },
    /// A setup month, with C competitors.
    Setup { c: f64 },
    /// A launched month of a running hustle.
    Launched(Launched),
}

/// Launched month k, up to its new customers.
struct Launched {
    k: u32,
    /// Competitors C.
    c: f64,
    /// Customers who renewed.
    survivors: u64,
    /// Rework hours this month.
    rework: f64,
    /// (1 - automation_monthly)^(k-1).
    automation: f64,
    /// New customers who would come, before the owner's capacity.
    new: u64,
}

/// A hustle's finished month.
struct HustleMonth {
    /// In [`Metric::ALL`] order.
    figures: [f64; NMETRICS],
    /// A launched month of a running hustle.
    launched: bool,
    /// The hustle's own quit rule completes this month.
    quits: bool,
}

impl<'m> Hustle<'m> {
    fn new(
        model: &'m Model,
        params: Params,
        start: u32,
        rng: StreamRng,
        rework_rng: StreamRng,
        hourly_value: f64,
    ) -> Hustle<'m> {
        Hustle {
            model,
            params,
            start,
            rng,
            rework_rng,
            hourly_value,
            customers: Vec::new(),
            adopters: 0,
            competitors: 0,
            fee: params.get(Param::PlatformFee),
            s: 1.0,
            last_gross: 0.0,
            quit_streak: 0,
            running: true,
            failure: None,
            cumulative_net: 0.0,
            cumulative_hours: 0.0,
        }
    }

    /// The owner's month `month`, up to and including the draw of new
    /// customers: 1 platform, 2 competitors, then 3 a setup month or 4 in a
    /// launched month churn, rework and acquisition.
    fn begin(&mut self, month: u32) -> Begun {
        use Param::*;
        if month < self.start {
            return Begun::NotStarted;
        }
        // The hustle's own month.
        let t = month - self.start + 1;
        let params = self.params;
        let v = |p: Param| params.get(p);
        let model = self.model;

        // 1. Platform: three independent chances, every month of a running
        // hustle, setup months included.
        if self.running {
            let banned = self.rng.random_bool(v(BanProbability));
            let fee_hiked = self.rng.random_bool(v(FeeHikeProbability));
            let shocked = self.rng.random_bool(v(PolicyShockProbability));
            if fee_hiked {
                self.fee = (self.fee + v(FeeHike)).min(1.0);
            }
            if shocked {
                self.s *= 1.0 - v(PolicyShockLoss);
            }
            if banned {
                // This month already has no customers, revenue, costs or
                // hours.
                self.running = false;
                self.customers.clear();
                self.failure = Some((FailureCause::Deplatformed, month));
            }
        }

        // 2. Competitors: the market goes on after an end (with R = 0).
        // The expected number in a month is capped (docs/errors.md,
        // "Simulation limits").
        let entry = v(EntryRate) + v(CopycatRate) * self.last_gross / 1000.0;
        self.competitors += poisson(&mut self.rng, entry.min(MAX_MONTHLY_ARRIVALS));
        let c = self.competitors as f64;

        if !self.running {
            return Begun::Ended { c };
        }

        // 3. Setup month.
        if t < model.launch_month() {
            return Begun::Setup { c };
        }

        // 4. Launched month k.
        let k = t - model.launch_month() + 1;

        // Churn: each customer already active renews (its n-th renewal,
        // n = t - a for a customer won in month a) with chance
        // (1 - h)(1 - churn_increase)^C, or leaves.
        let lured_by_none = (1.0 - v(ChurnIncrease)).powf(c);
        let rng = &mut self.rng;
        self.customers.retain(|&won| {
            let n = f64::from(t - won);
            let h = match model.churn {
                ChurnModel::Constant => v(ChurnMonthly),
                ChurnModel::Sbg => v(ChurnAlpha) / (v(ChurnAlpha) + v(ChurnBeta) + n - 1.0),
            };
            rng.random_bool((1.0 - h) * lured_by_none)
        });
        let survivors = self.customers.len() as u64;

        // Rework: with its chance, this launched month of a running hustle
        // takes rework_hours more.
        let rework = if self.rework_rng.random_bool(v(ReworkProbability)) {
            v(ReworkHours)
        } else {
            0.0
        };

        // Acquisition, with m = s (1 - acquisition_loss)^C.
        let m = self.s * (1.0 - v(AcquisitionLoss)).powf(c);
        let new = match model.acquisition {
            AcquisitionModel::Poisson => {
                let mean = v(AcquisitionRate) * (1.0 + v(AcquisitionGrowth)).powi(k as i32 - 1) * m;
                poisson(&mut self.rng, mean.min(MAX_MONTHLY_ARRIVALS))
            }
            AcquisitionModel::Bass => {
                // Bass: the market is whole people (docs/model.md,
                // "Choices").
                let market = v(MarketSize).floor() as u64; // M
                let share = self.adopters as f64 / market as f64; // A / M
                let p = ((v(Innovation) + v(Imitation) * share) * m).min(1.0);
                let won = binomial(&mut self.rng, market - self.adopters, p);
                // Every adopter is used up, whether the owner accepts them
                // or not.
                self.adopters += won;
                won
            }
        };
        let automation = (1.0 - v(AutomationMonthly)).powi(k as i32 - 1);
        Begun::Launched(Launched {
            k,
            c,
            survivors,
            rework,
            automation,
            new,
        })
    }

    /// The hours of this month apart from its new customers': a setup
    /// month's setup hours; a launched month's fixed hours, its renewed
    /// customers' service, rework and (in month 1 without setup months)
    /// the setup hours.
    fn committed(&self, begun: &Begun) -> f64 {
        use Param::*;
        let v = |p: Param| self.params.get(p);
        match begun {
            Begun::NotStarted | Begun::Ended { .. } => 0.0,
            Begun::Setup { .. } => v(SetupHours) / self.model.setup_months as f64,
            Begun::Launched(l) => {
                let setup_hours = if self.carries_setup(l) {
                    v(SetupHours)
                } else {
                    0.0
                };
                v(FixedHoursMonthly)
                    + v(HoursPerCustomerMonthly) * l.survivors as f64 * l.automation
                    + l.rework
                    + setup_hours
            }
        }
    }

    /// The hours of one more new customer: their own and a month of
    /// service.
    fn marginal(&self, l: &Launched) -> f64 {
        self.params.get(Param::HoursPerNewCustomer)
            + self.params.get(Param::HoursPerCustomerMonthly) * l.automation
    }

    /// With setup.months = 0, month 1 carries all setup hours and cost on
    /// top of its launched figures.
    fn carries_setup(&self, l: &Launched) -> bool {
        self.model.setup_months == 0 && l.k == 1
    }

    /// The owner's month `month`, with `accepted` of the new customers:
    /// money, hours, passivity and the quit streak; 5. R.
    fn finish(&mut self, month: u32, begun: Begun, accepted: u64) -> HustleMonth {
        use Param::*;
        let params = self.params;
        let v = |p: Param| params.get(p);
        let quiet = |figures| HustleMonth {
            figures,
            launched: false,
            quits: false,
        };
        let l = match begun {
            // Before its start every figure is 0.
            Begun::NotStarted => return quiet([0.0; NMETRICS]),
            // After an end every month is zero and cumulative net stays.
            Begun::Ended { c } => {
                self.last_gross = 0.0;
                return quiet([
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    self.cumulative_net,
                    c,
                    0.0,
                    0.0,
                    0.0,
                ]);
            }
            // 3. Setup month: hours and cost spread evenly; nothing else.
            Begun::Setup { c } => {
                let hours = v(SetupHours) / self.model.setup_months as f64;
                let net = -v(SetupCost) / self.model.setup_months as f64;
                self.cumulative_net += net;
                self.cumulative_hours += hours;
                self.last_gross = 0.0;
                return quiet([
                    net,
                    0.0,
                    0.0,
                    0.0,
                    hours,
                    self.cumulative_net,
                    c,
                    0.0,
                    0.0,
                    0.0,
                ]);
            }
            Begun::Launched(l) => l,
        };
        let t = month - self.start + 1;
        let declined = (l.new - accepted) as f64;
        let new = accepted;
        self.customers.extend(std::iter::repeat_n(t, new as usize));

        // Money, with price factor e = (1 - price_erosion)^C.
        let e = (1.0 - v(PriceErosion)).powf(l.c);
        let n_active = (l.survivors + new) as f64; // N
        let new = new as f64;
        let gross = n_active * v(PriceMonthly) * e + new * v(PriceOneTime) * e;
        let platform_fee = self.fee * gross;
        let costs = v(CostFixedMonthly) + v(CostPerCustomerMonthly) * n_active;
        let mut net = gross - platform_fee - costs;

        // Hours.
        let mut hours = v(FixedHoursMonthly)
            + v(HoursPerCustomerMonthly) * n_active * l.automation
            + v(HoursPerNewCustomer) * new
            + l.rework;

        // With setup.months = 0, month 1 carries all setup hours and cost
        // on top of its launched figures.
        if self.carries_setup(&l) {
            hours += v(SetupHours);
            net -= v(SetupCost);
        }
        self.cumulative_net += net;
        self.cumulative_hours += hours;

        // Passivity at the owner's hourly value; 0 without a positive net.
        let passivity = if net > 0.0 {
            f64::max(0.0, 1.0 - self.hourly_value * hours / net)
        } else {
            0.0
        };

        // The hustle's own quit rule: a bad month extends the streak; the
        // month that completes it counts in full.
        if net < v(QuitBelowNet) {
            self.quit_streak += 1;
        } else {
            self.quit_streak = 0;
        }
        let quits =
            self.model.quit_after_months > 0 && self.quit_streak == self.model.quit_after_months;

        // 5. R = this month's gross.
        self.last_gross = gross;
        HustleMonth {
            figures: [
                net,
                gross,
                n_active,
                new,
                hours,
                self.cumulative_net,
                l.c,
                platform_fee,
                passivity,
                declined,
            ],
            launched: true,
            quits,
        }
    }

    /// The owner ends the hustle in their month `month`.
    fn end(&mut self, cause: FailureCause, month: u32) {
        self.running = false;
        self.customers.clear();
        self.failure = Some((cause, month));
    }
}
