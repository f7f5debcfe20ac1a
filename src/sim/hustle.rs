//! One hustle's month, split where the owner decides: docs/model.md, One
//! trajectory, steps 1-5.
//!
//! [`Hustle::open`] does the platform (step 1), the competitors (step 2)
//! and, in a launched month, churn, rework and the draw of new customers
//! (step 4 up to acquisition). The owner then decides how many of the new
//! customers fit in their hours ([`accepted`]), and [`Hustle::close`] takes
//! those: money, hours, passivity and the hustle's own quit streak. Ending
//! the hustle is the owner's call ([`Hustle::end`]): its own quit, or the
//! owner's burnout. One scenario is one hustle with its own owner
//! (`super::trajectory`); a portfolio is several with one person
//! (`super::portfolio`).

use super::cohort::{Cohorts, TenureChances};
use super::competitors::CompetitorFactors;
use super::count;
use super::events::{MonthlyEvent, PoissonArrivals};
use super::outcome::{FailureCause, NMETRICS};
use super::params::{CompiledModel, Params};
use super::rng::{Stream, StreamRng, stream_rng};
use super::sample::{binomial, poisson};
use super::trajectory::{MAX_MONTHLY_ARRIVALS, Scratch};
use crate::model::{AcquisitionModel, ChurnModel};
use crate::scenario::keys::Param;
use rand::Rng;

/// What a month of a hustle is, once its platform and competitors have
/// moved: the owner's capacity acts on a launched month's new customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opening {
    /// The hustle has ended (or ends this month by a ban).
    Ended,
    /// A setup month.
    Setup,
    /// A launched month of a running hustle, with the new customers drawn.
    Launched {
        /// New customers who would come, before the owner's capacity.
        new: u64,
    },
}

/// A hustle's figures for one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Month {
    /// Net income.
    pub(crate) net: f64,
    /// Gross revenue.
    pub(crate) gross: f64,
    /// Active customers at the month's end.
    pub(crate) customers: f64,
    /// New customers accepted.
    pub(crate) new: f64,
    /// Hours worked.
    pub(crate) hours: f64,
    /// Net so far, setup included.
    pub(crate) cumulative_net: f64,
    /// Competitors in the market.
    pub(crate) competitors: f64,
    /// The platform's cut.
    pub(crate) platform_fee: f64,
    /// Passivity at the owner's hourly value.
    pub(crate) passivity: f64,
    /// New customers declined for want of the owner's hours.
    pub(crate) declined: f64,
    /// A launched month of a running hustle.
    pub(crate) launched: bool,
    /// The hustle's own quit rule is met this month (the owner quits it).
    pub(crate) quitting: bool,
}

impl Month {
    /// The month of an ended hustle: nothing but its cumulative net and
    /// the market's competitors.
    pub(crate) fn ended(cumulative_net: f64, competitors: f64) -> Self {
        Month {
            net: 0.0,
            gross: 0.0,
            customers: 0.0,
            new: 0.0,
            hours: 0.0,
            cumulative_net,
            competitors,
            platform_fee: 0.0,
            passivity: 0.0,
            declined: 0.0,
            launched: false,
            quitting: false,
        }
    }

    /// The figures in [`super::Metric::ALL`] order.
    #[inline(always)]
    pub(crate) fn figures(&self) -> [f64; NMETRICS] {
        [
            self.net,
            self.gross,
            self.customers,
            self.new,
            self.hours,
            self.cumulative_net,
            self.competitors,
            self.platform_fee,
            self.passivity,
            self.declined,
        ]
    }
}

/// One hustle of one trajectory, month by month. `FULL`: the owner's
/// hours keys (capacity, rework, passivity) are worked out; without it
/// none of their work is compiled in.
pub(crate) struct Hustle<'s, const FULL: bool> {
    // The parameters, as the month uses them.
    launch: usize,
    setup_months: usize,
    acquisition: AcquisitionModel,
    hike: f64,
    shock_keep: f64,
    entry_rate: f64,
    copycat_per_unit: f64,
    price_m: f64,
    price_once: f64,
    cost_fixed: f64,
    cost_per: f64,
    hours_fixed: f64,
    hours_per: f64,
    hours_new: f64,
    automation_keep: f64,
    setup_hours_monthly: f64,
    setup_net: f64,
    growth: f64,
    market: u64,
    bass_p: f64,
    bass_q: f64,
    quit_below: f64,
    quit_after: u32,
    rework_on: bool,
    rework_hours: f64,
    hourly_value: f64,

    // Random streams and the events drawn by their waiting times.
    ban: MonthlyEvent,
    fee_hike: MonthlyEvent,
    shock: MonthlyEvent,
    rework: MonthlyEvent,
    competitor_rng: StreamRng,
    acquisition_rng: StreamRng,
    entrants: PoissonArrivals,
    cohorts: &'s mut Cohorts,
    tenure: &'s TenureChances,
    factors: CompetitorFactors<'s>,
    factors_for: u64,

    /// Months before the hustle's month 1 on the owner's calendar, on
    /// which its end is reported.
    offset: u32,

    // The state the months carry.
    alive: bool,
    failure: Option<(FailureCause, u32)>,
    competitors: u64,
    fee: f64,
    acq_mult: f64,     // s
    last_gross: f64,   // R
    adopters: u64,     // A
    poisson_rate: f64, // rate (1 + growth)^(k-1)
    automation: f64,   // (1 - automation)^(k-1)
    quit_streak: u32,
    cum_net: f64,
    cum_hours: f64,

    // The month under way, from open to close.
    c: f64,
    survivors: u64,
    new_drawn: u64,
    rework_w: f64,
    setup_now: bool,
}

impl<'s, const FULL: bool> Hustle<'s, FULL> {
    /// Trajectory `i` of a run with `seed` of the hustle `cm` with drawn
    /// parameters `prm`, judged at the owner's `hourly_value`.
    #[inline(always)]
    pub(crate) fn new(
        cm: &'s CompiledModel,
        prm: &Params,
        seed: u64,
        i: u64,
        scratch: &'s mut Scratch,
        hourly_value: f64,
    ) -> Self {
        use Param::*;
        let m = &cm.model;
        let mut platform_rng = stream_rng(seed, i, Stream::Platform);
        let mut competitor_rng = stream_rng(seed, i, Stream::Competitors);
        let mut churn_rng = stream_rng(seed, i, Stream::Churn);
        let acquisition_rng = stream_rng(seed, i, Stream::Acquisition);
        // Rework draws only from its own stream, by waiting times over the
        // launched months of a running hustle; without a chance and hours
        // it never happens and nothing is drawn.
        let rework_hours = prm.get(ReworkHours);
        let rework_on = FULL && cm.rework && prm.get(ReworkProbability) > 0.0 && rework_hours > 0.0;
        let rework = if rework_on {
            MonthlyEvent::new(
                prm.get(ReworkProbability),
                stream_rng(seed, i, Stream::Rework).next_u64(),
            )
        } else {
            MonthlyEvent::never()
        };
        // Each platform event has its own sub-stream, keyed from the
        // platform stream.
        let ban = MonthlyEvent::new(prm.get(BanProbability), platform_rng.next_u64());
        let fee_hike = MonthlyEvent::new(prm.get(FeeHikeProbability), platform_rng.next_u64());
        let shock = MonthlyEvent::new(prm.get(PolicyShockProbability), platform_rng.next_u64());
        // Setup hours and cost, spread evenly over the setup months (all in
        // month 1 without any).
        let setup_share = cm.setup_months.max(1) as f64;

        let Scratch { cohorts, tenure } = scratch;
        cohorts.reset(churn_rng.next_u64());
        // No customer renews more than H - L times, and none at all when the
        // hustle never launches (in a portfolio a late start can leave fewer
        // months than its setup takes).
        let tenures = cm.horizon.saturating_sub(cm.launch);
        match m.churn {
            ChurnModel::Constant => tenure.constant(prm.get(ChurnMonthly), tenures),
            ChurnModel::Sbg => tenure.sbg(prm.get(ChurnAlpha), prm.get(ChurnBeta), tenures),
        }
        let factors = CompetitorFactors::new(
            [
                prm.get(ChurnIncrease),
                prm.get(AcquisitionLoss),
                prm.get(PriceErosion),
            ],
            cm.factor_table.as_ref(),
        );
        let entrants = PoissonArrivals::new(&mut competitor_rng);
        Hustle {
            launch: cm.launch,
            setup_months: cm.setup_months,
            acquisition: m.acquisition,
            hike: prm.get(FeeHike),
            shock_keep: 1.0 - prm.get(PolicyShockLoss),
            entry_rate: prm.get(EntryRate),
            copycat_per_unit: prm.get(CopycatRate) / 1000.0,
            price_m: prm.get(PriceMonthly),
            price_once: prm.get(PriceOneTime),
            cost_fixed: prm.get(CostFixedMonthly),
            cost_per: prm.get(CostPerCustomerMonthly),
            hours_fixed: prm.get(FixedHoursMonthly),
            hours_per: prm.get(HoursPerCustomerMonthly),
            hours_new: prm.get(HoursPerNewCustomer),
            automation_keep: 1.0 - prm.get(AutomationMonthly),
            setup_hours_monthly: prm.get(SetupHours) / setup_share,
            setup_net: -prm.get(SetupCost) / setup_share,
            growth: prm.get(AcquisitionGrowth),
            market: prm.get(MarketSize).floor() as u64,
            bass_p: prm.get(Innovation),
            bass_q: prm.get(Imitation),
            quit_below: prm.get(QuitBelowNet),
            quit_after: m.quit_after_months,
            rework_on,
            rework_hours,
            hourly_value,
            ban,
            fee_hike,
            shock,
            rework,
            competitor_rng,
            acquisition_rng,
            entrants,
            cohorts,
            tenure,
            factors,
            factors_for: 0,
            offset: 0,
            alive: true,
            failure: None,
            competitors: 0,
            fee: prm.get(PlatformFee),
            acq_mult: 1.0,
            last_gross: 0.0,
            adopters: 0,
            poisson_rate: prm.get(AcquisitionRate),
            automation: 1.0,
            quit_streak: 0,
            cum_net: 0.0,
            cum_hours: 0.0,
            c: 0.0,
            survivors: 0,
            new_drawn: 0,
            rework_w: 0.0,
            setup_now: false,
        }
    }

    /// The hustle as one of a person's, started in the person's month
    /// `start`: its ends are reported on the person's calendar.
    pub(crate) fn starting_in(mut self, start: usize) -> Self {
        self.offset = start as u32 - 1;
        self
    }

    /// Month `t` (the hustle's own) up to the draw of new customers:
    /// 1 platform, 2 competitors, then a setup month, or in a launched
    /// month churn, rework and acquisition.
    #[inline(always)]
    pub(crate) fn open(&mut self, t: usize) -> Opening {
        // 1. Platform: each event by its waiting times (a comparison a
        // month).
        if self.alive {
            let month = t as u64;
            if self.ban.happens(month) {
                self.alive = false;
                self.failure = Some((FailureCause::Deplatformed, t as u32 + self.offset));
            }
            if self.fee_hike.happens(month) {
                self.fee = (self.fee + self.hike).min(1.0);
            }
            if self.shock.happens(month) {
                self.acq_mult *= self.shock_keep;
            }
        }

        // 2. Competitors: the market goes on after an end, with R = 0.
        self.competitors += self.entrants.count(
            &mut self.competitor_rng,
            (self.entry_rate + self.copycat_per_unit * self.last_gross).min(MAX_MONTHLY_ARRIVALS),
        );
        self.c = count(self.competitors);

        if !self.alive {
            return Opening::Ended;
        }
        if t < self.launch {
            // 3. Setup month.
            return Opening::Setup;
        }

        // 4. Launched month k.
        let k = t - self.launch + 1;
        if k > 1 {
            self.poisson_rate = (self.poisson_rate * (1.0 + self.growth)).min(1e300);
            self.automation *= self.automation_keep;
        }
        if self.competitors != self.factors_for {
            self.factors.update(self.competitors);
            self.factors_for = self.competitors;
        }
        let now = &self.factors.now;

        // Churn: each customer stays with chance (1 - h)(1 - churn_increase)^C
        // at its n-th renewal (a customer won in month a renews first in a + 1).
        self.survivors = self
            .cohorts
            .renew(t, &self.tenure.renewal(now.lure, now.ln_lure));

        // Rework: W hours with its chance, independently each launched
        // month of a running hustle (k counts them).
        self.rework_w = if self.rework_on && self.rework.happens(k as u64) {
            self.rework_hours
        } else {
            0.0
        };
        // With no setup months, month 1 carries the setup's hours and cost.
        self.setup_now = self.setup_months == 0 && t == 1;

        // Acquisition.
        let mult = self.acq_mult * now.acquisition;
        self.new_drawn = match self.acquisition {
            AcquisitionModel::Poisson => poisson(
                &mut self.acquisition_rng,
                (self.poisson_rate * mult).min(MAX_MONTHLY_ARRIVALS),
            ),
            AcquisitionModel::Bass => {
                let remaining = self.market.saturating_sub(self.adopters);
                let share = self.adopters as f64 / self.market as f64;
                let p = ((self.bass_p + self.bass_q * share) * mult).min(1.0);
                let won = binomial(&mut self.acquisition_rng, remaining, p);
                // Every adopter is used up, accepted or not.
                self.adopters += won;
                won
            }
        };
        Opening::Launched {
            new: self.new_drawn,
        }
    }

    /// The hours this month takes apart from its new customers' (setup
    /// hours and rework included): what it commits of the owner's
    /// capacity before any new customer is accepted.
    #[inline(always)]
    pub(crate) fn committed(&self, opening: Opening) -> f64 {
        match opening {
            Opening::Ended => 0.0,
            Opening::Setup => self.setup_hours_monthly,
            Opening::Launched { .. } => {
                let setup_hours = if self.setup_now {
                    self.setup_hours_monthly
                } else {
                    0.0
                };
                self.hours_fixed
                    + self.hours_per * count(self.survivors) * self.automation
                    + self.rework_w
                    + setup_hours
            }
        }
    }

    /// The hours one more new customer takes this month: their own and a
    /// month of service.
    #[inline(always)]
    pub(crate) fn marginal(&self) -> f64 {
        self.hours_new + self.hours_per * self.automation
    }

    /// Month `t` with `accepted` of its new customers (all of them without
    /// a capacity): money, hours, passivity and the quit streak.
    #[inline(always)]
    pub(crate) fn close(&mut self, t: usize, opening: Opening, accepted: u64) -> Month {
        match opening {
            Opening::Ended => {
                self.last_gross = 0.0;
                Month::ended(self.cum_net, self.c)
            }
            Opening::Setup => {
                self.cum_net += self.setup_net;
                self.cum_hours += self.setup_hours_monthly;
                self.last_gross = 0.0;
                Month {
                    net: self.setup_net,
                    hours: self.setup_hours_monthly,
                    ..Month::ended(self.cum_net, self.c)
                }
            }
            Opening::Launched { new: drawn } => self.close_launched(t, drawn, accepted),
        }
    }

    #[inline(always)]
    fn close_launched(&mut self, t: usize, drawn: u64, new: u64) -> Month {
        self.cohorts.win(t, new);

        // Money.
        let erosion = self.factors.now.price;
        let n_active = count(self.survivors + new);
        let new_f = count(new);
        let gross = n_active * self.price_m * erosion + new_f * self.price_once * erosion;
        let platform_fee = self.fee * gross;
        let costs = self.cost_fixed + self.cost_per * n_active;
        let mut net = gross - platform_fee - costs;

        // Hours.
        let mut hours = self.hours_fixed
            + self.hours_per * n_active * self.automation
            + self.hours_new * new_f
            + self.rework_w;
        if self.setup_now {
            hours += self.setup_hours_monthly;
            net += self.setup_net;
        }

        self.cum_net += net;
        self.cum_hours += hours;

        // The hustle's own quit rule: the month that completes the streak
        // still counts in full.
        self.quit_streak = if net < self.quit_below {
            self.quit_streak + 1
        } else {
            0
        };
        let quitting = self.quit_after > 0 && self.quit_streak >= self.quit_after;
        // 5. R = this month's gross (kept after an end, for next month's
        // copycats).
        self.last_gross = gross;
        Month {
            net,
            gross,
            customers: n_active,
            new: new_f,
            hours,
            cumulative_net: self.cum_net,
            competitors: self.c,
            platform_fee,
            passivity: if FULL {
                passivity(net, hours, self.hourly_value)
            } else {
                0.0
            },
            declined: count(drawn - new),
            launched: true,
            quitting,
        }
    }

    /// Whether the hustle is still running.
    #[inline(always)]
    pub(crate) fn running(&self) -> bool {
        self.alive
    }

    /// The owner ends the hustle in month `t` of the owner's calendar (the
    /// month counts in full).
    #[inline(always)]
    pub(crate) fn end(&mut self, cause: FailureCause, t: usize) {
        self.alive = false;
        self.failure = Some((cause, t as u32));
    }

    /// At the horizon `h` (of the owner's calendar): a hustle still running
    /// with cumulative net below 0 ends unprofitable. Returns its end, its cumulative net and
    /// hours.
    #[inline(always)]
    pub(crate) fn finish(&mut self, h: usize) -> (Option<(FailureCause, u32)>, f64, f64) {
        if self.alive && self.cum_net < 0.0 {
            self.failure = Some((FailureCause::Unprofitable, h as u32));
        }
        (self.failure, self.cum_net, self.cum_hours)
    }
}

/// Passivity: the share of a month's net beyond what its hours would have
/// earned at the owner's hourly value; 0 when net <= 0.
#[inline(always)]
pub(crate) fn passivity(net: f64, hours: f64, hourly_value: f64) -> f64 {
    if net > 0.0 {
        (1.0 - hourly_value * hours / net).max(0.0)
    } else {
        0.0
    }
}

/// How many of `new` customers the owner accepts: every one when a new
/// customer costs no hours (`marginal` = 0), otherwise the largest whole j,
/// 0 <= j <= `new`, with `committed` + j `marginal` <= `capacity`, tested
/// literally (a tie is accepted), and 0 when `committed` alone exceeds the
/// capacity: a customer already won is never dropped.
pub(crate) fn accepted(new: u64, committed: f64, marginal: f64, capacity: f64) -> u64 {
    if marginal == 0.0 {
        return new;
    }
    let fits = |j: u64| committed + count(j) * marginal <= capacity;
    if !fits(0) {
        return 0;
    }
    // The quotient's floor is the answer to within rounding; the literal
    // test settles it (it is monotone in j).
    let guess = ((capacity - committed) / marginal).floor();
    let mut j = if guess >= count(new) {
        new
    } else {
        guess as u64
    };
    while j < new && fits(j + 1) {
        j += 1;
    }
    while j > 0 && !fits(j) {
        j -= 1;
    }
    j
}
