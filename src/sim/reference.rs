//! The reference simulator: a second, literal implementation of one
//! trajectory, written to be obviously right rather than fast.
//!
//! This module is the executable statement of the model. Read [`simulate`]
//! line by line beside docs/model.md, "One trajectory": every step is there
//! in the model's order and with the model's names, every chance is one
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
//! The fast simulator ([`super::trajectory`]) must agree with it in
//! distribution (`tests/reference_model.rs`). A change to the model is made
//! here first, then in the fast simulator, and the comparison tells whether
//! the fast one still follows.
//!
//! The parameters of trajectory i are the fast simulator's, drawn by the
//! same function ([`CompiledModel::draw_params`]) from the same parameter
//! stream, so trajectory i has identical parameter values in both. All its
//! other random numbers come from one generator of its own, keyed by
//! [`PURPOSE`], except rework's, which come from a second one keyed by
//! [`REWORK_PURPOSE`] (as the fast simulator keeps rework apart, so a
//! scenario without rework draws exactly what it drew before rework
//! existed): they are not paired with the fast simulator's.

use super::rng::purpose_rng;
use super::{CompiledModel, FailureCause, MAX_MONTHLY_ARRIVALS, Outcome, Record};
use crate::model::{AcquisitionModel, ChurnModel, Origin};
use crate::scenario::keys::Param;
use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution, Poisson};

/// The purpose key of the reference simulator's generator (the ASCII of
/// "REFERENC"), far from the fast simulator's stream keys (1 to 5), so the
/// two never share random numbers beyond the parameters.
pub const PURPOSE: u64 = 0x5245_4645_5245_4e43;

/// The purpose key of the reference simulator's rework generator (the ASCII
/// of "REFWORK!").
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
/// `path` in [`super::Metric::ALL`] order, and returns its outcome.
///
/// `cm` is the fast simulator's prepared model: only its
/// [`CompiledModel::model`] and its parameter draw are used.
pub fn simulate(cm: &CompiledModel, seed: u64, i: u64, path: &mut impl Record) -> Outcome {
    use Param::*;
    let model = &cm.model;
    // Uncertain parameters are drawn once, before month 1, exactly as the
    // fast simulator draws them.
    let params = cm.draw_params(seed, i);
    let v = |p: Param| params.get(p);
    let mut rng = purpose_rng(seed, i, PURPOSE);
    let mut rework_rng = purpose_rng(seed, i, REWORK_PURPOSE);

    let horizon = model.horizon_months;
    let setup_months = model.setup_months;
    let launch = model.launch_month(); // L = setup.months + 1
    // Bass: the market is whole people (docs/model.md, "Choices").
    let market = v(MarketSize).floor() as u64; // M
    // Absent when the scenario sets no burnout limit (+inf: never).
    let burnout_hours = v(BurnoutHoursMonthly);
    // The owner's capacity, when the scenario sets one.
    let capacity = model.capacity_enabled().then(|| v(CapacityHoursMonthly));
    // Semi-passive limits: an absent one does not apply.
    let max_hours = model
        .origin(SemiPassiveMaxHours)
        .ne(&Origin::Unused)
        .then(|| v(SemiPassiveMaxHours));
    let min_passivity = model
        .origin(SemiPassiveMinPassivity)
        .ne(&Origin::Unused)
        .then(|| v(SemiPassiveMinPassivity));

    // The state (docs/model.md): active customers, each by the month
    // it was won; adopters A; competitors C; fee f; acquisition multiplier
    // s; last month's gross revenue R; streaks; whether it has ended.
    let mut customers: Vec<u32> = Vec::new();
    let mut adopters: u64 = 0;
    let mut competitors: u64 = 0;
    let mut fee = v(PlatformFee);
    let mut s = 1.0;
    let mut last_gross = 0.0;
    let mut quit_streak = 0;
    let mut burnout_streak = 0;
    let mut semi_passive_streak = 0;
    let mut running = true;

    // What the outcome reports.
    let mut failure = None;
    let mut semi_passive_month = None;
    let mut break_even_month = None;
    let mut qualifying = 0u128;
    let mut passive_half = 0u128;
    let mut cumulative_net = 0.0;
    let mut cumulative_hours = 0.0;

    for t in 1..=horizon {
        // 1. Platform: three independent chances, every month of a running
        // hustle, setup months included.
        if running {
            let banned = rng.random_bool(v(BanProbability));
            let fee_hiked = rng.random_bool(v(FeeHikeProbability));
            let shocked = rng.random_bool(v(PolicyShockProbability));
            if fee_hiked {
                fee = (fee + v(FeeHike)).min(1.0);
            }
            if shocked {
                s *= 1.0 - v(PolicyShockLoss);
            }
            if banned {
                // This month already has no customers, revenue, costs or
                // hours.
                running = false;
                customers.clear();
                failure = Some((FailureCause::Deplatformed, t));
            }
        }

        // 2. Competitors: the market goes on after an end (with R = 0).
        // The expected number in a month is capped (docs/errors.md,
        // "Simulation limits").
        let entry = v(EntryRate) + v(CopycatRate) * last_gross / 1000.0;
        competitors += poisson(&mut rng, entry.min(MAX_MONTHLY_ARRIVALS));
        let c = competitors as f64;

        if !running {
            // After an end every month is zero and cumulative net stays.
            path.record(
                t as usize,
                [0.0, 0.0, 0.0, 0.0, 0.0, cumulative_net, c, 0.0, 0.0, 0.0],
            );
            last_gross = 0.0;
            continue;
        }

        // 3. Setup month: hours and cost spread evenly; nothing else.
        if t < launch {
            let hours = v(SetupHours) / setup_months as f64;
            let net = -v(SetupCost) / setup_months as f64;
            cumulative_net += net;
            cumulative_hours += hours;
            path.record(
                t as usize,
                [net, 0.0, 0.0, 0.0, hours, cumulative_net, c, 0.0, 0.0, 0.0],
            );
            last_gross = 0.0;
            continue;
        }

        // 4. Launched month k.
        let k = t - launch + 1;

        // Churn: each customer already active renews (its n-th renewal,
        // n = t - a for a customer won in month a) with chance
        // (1 - h)(1 - churn_increase)^C, or leaves.
        let lured_by_none = (1.0 - v(ChurnIncrease)).powf(c);
        customers.retain(|&won| {
            let n = f64::from(t - won);
            let h = match model.churn {
                ChurnModel::Constant => v(ChurnMonthly),
                ChurnModel::Sbg => v(ChurnAlpha) / (v(ChurnAlpha) + v(ChurnBeta) + n - 1.0),
            };
            rng.random_bool((1.0 - h) * lured_by_none)
        });
        let survivors = customers.len() as u64;

        // Rework: with its chance, this launched month of a running hustle
        // takes rework_hours more.
        let rework = if rework_rng.random_bool(v(ReworkProbability)) {
            v(ReworkHours)
        } else {
            0.0
        };

        // Acquisition, with m = s (1 - acquisition_loss)^C.
        let m = s * (1.0 - v(AcquisitionLoss)).powf(c);
        let new = match model.acquisition {
            AcquisitionModel::Poisson => {
                let mean = v(AcquisitionRate) * (1.0 + v(AcquisitionGrowth)).powi(k as i32 - 1) * m;
                poisson(&mut rng, mean.min(MAX_MONTHLY_ARRIVALS))
            }
            AcquisitionModel::Bass => {
                let share = adopters as f64 / market as f64; // A / M
                let p = ((v(Innovation) + v(Imitation) * share) * m).min(1.0);
                let won = binomial(&mut rng, market - adopters, p);
                // Every adopter is used up, whether the owner accepts them
                // or not.
                adopters += won;
                won
            }
        };

        // The owner's capacity: committed is every hour of the month but
        // new customers' (setup hours included in month 1 without setup
        // months), marginal the hours of one more new customer; accept one
        // at a time while committed + j marginal <= capacity.
        let automation = (1.0 - v(AutomationMonthly)).powi(k as i32 - 1);
        let mut accepted = new;
        if let Some(capacity) = capacity {
            let setup_hours = if setup_months == 0 && t == 1 {
                v(SetupHours)
            } else {
                0.0
            };
            let committed = v(FixedHoursMonthly)
                + v(HoursPerCustomerMonthly) * survivors as f64 * automation
                + rework
                + setup_hours;
            let marginal = v(HoursPerNewCustomer) + v(HoursPerCustomerMonthly) * automation;
            if marginal > 0.0 {
                accepted = 0;
                while accepted < new && committed + (accepted + 1) as f64 * marginal <= capacity {
                    accepted += 1;
                }
            }
        }
        let declined = (new - accepted) as f64;
        let new = accepted;
        customers.extend(std::iter::repeat_n(t, new as usize));

        // Money, with price factor e = (1 - price_erosion)^C.
        let e = (1.0 - v(PriceErosion)).powf(c);
        let n_active = (survivors + new) as f64; // N
        let new = new as f64;
        let gross = n_active * v(PriceMonthly) * e + new * v(PriceOneTime) * e;
        let platform_fee = fee * gross;
        let costs = v(CostFixedMonthly) + v(CostPerCustomerMonthly) * n_active;
        let mut net = gross - platform_fee - costs;

        // Hours.
        let mut hours = v(FixedHoursMonthly)
            + v(HoursPerCustomerMonthly) * n_active * automation
            + v(HoursPerNewCustomer) * new
            + rework;

        // With setup.months = 0, month 1 carries all setup hours and cost
        // on top of its launched figures.
        if setup_months == 0 && t == 1 {
            hours += v(SetupHours);
            net -= v(SetupCost);
        }
        cumulative_net += net;
        cumulative_hours += hours;

        // Break-even: the first launched month of a running hustle whose
        // cumulative net (setup included) is >= 0.
        if break_even_month.is_none() && cumulative_net >= 0.0 {
            break_even_month = Some(t);
        }

        // Passivity: in this launched month of a running hustle, the share
        // of net beyond what its hours would have earned at the owner's
        // hourly value; 0 without a positive net.
        let passivity = if net > 0.0 {
            f64::max(0.0, 1.0 - v(HourlyValue) * hours / net)
        } else {
            0.0
        };
        if passivity >= 0.5 {
            passive_half |= 1 << (t - 1);
        }

        // Semi-passive: this month qualifies even if the owner quits in it.
        if let Some(sustain) = model.semi_passive_sustain_months {
            let hours_ok = max_hours.is_none_or(|m| hours <= m);
            let passivity_ok = min_passivity.is_none_or(|m| passivity >= m);
            if net >= v(SemiPassiveMinNet) && hours_ok && passivity_ok {
                qualifying |= 1 << (t - 1);
                semi_passive_streak += 1;
                if semi_passive_streak == sustain && semi_passive_month.is_none() {
                    semi_passive_month = Some(t);
                }
            } else {
                semi_passive_streak = 0;
            }
        }

        // Owner: quit streak and burnout streak; quitting wins a tie. The
        // month that completes a streak counts in full.
        if net < v(QuitBelowNet) {
            quit_streak += 1;
        } else {
            quit_streak = 0;
        }
        if hours > burnout_hours {
            burnout_streak += 1;
        } else {
            burnout_streak = 0;
        }
        let quits = model.quit_after_months > 0 && quit_streak == model.quit_after_months;
        let burns_out = burnout_streak == model.burnout_after_months;
        if quits {
            failure = Some((FailureCause::Abandoned, t));
        } else if burns_out {
            failure = Some((FailureCause::BurnedOut, t));
        }
        if quits || burns_out {
            running = false;
            customers.clear();
        }

        path.record(
            t as usize,
            [
                net,
                gross,
                n_active,
                new,
                hours,
                cumulative_net,
                c,
                platform_fee,
                passivity,
                declined,
            ],
        );
        // 5. R = this month's gross.
        last_gross = gross;
    }

    // At the horizon: still running with cumulative net below 0.
    if running && cumulative_net < 0.0 {
        failure = Some((FailureCause::Unprofitable, horizon));
    }
    Outcome {
        failure,
        semi_passive_month,
        break_even_month,
        cumulative_net,
        cumulative_hours,
        hourly_value: v(HourlyValue),
        qualifying,
        passive_half,
        clamped: params.clamped,
    }
}
