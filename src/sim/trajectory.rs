//! One trajectory, month by month: docs/model.md, One trajectory.
//!
//! Read this file beside it: [`simulate_with`] follows its steps in order
//! (1 platform, 2 competitors, 3 a setup month or 4 a launched month:
//! churn, rework, acquisition and the owner's capacity, money, hours,
//! passivity, owner, semi-passive; 5 R), and the names are the model's.
//! The machinery that makes a step fast lives in
//! files of its own, each exact and tested there: the renewals of the
//! customers won in each month (`cohort.rs`), the competitors'
//! factors (`competitors.rs`), the platform events and competitor
//! arrivals drawn by their waiting times (`events.rs`), and where the
//! figures go (`record.rs`). [`super::reference`] simulates the same
//! steps literally, and the tests hold the two to the same distributions.

use super::cohort::{Cohorts, TenureChances};
use super::competitors::CompetitorFactors;
use super::count;
use super::events::{MonthlyEvent, PoissonArrivals};
use super::outcome::{FailureCause, NMETRICS, Outcome};
use super::params::{CompiledModel, Params};
use super::record::Record;
use super::rng::{Stream, stream_rng};
use super::sample::{binomial, poisson};
use crate::model::{AcquisitionModel, ChurnModel};
use crate::scenario::keys::Param;
use rand::Rng;

/// Largest expected number of new customers, or of new competitors, in one
/// month: a simulation limit that keeps counts and money finite whatever the
/// growth (documented in docs/errors.md, "Simulation limits").
pub(crate) const MAX_MONTHLY_ARRIVALS: f64 = 1e7;

/// Reusable per-thread buffers.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Active customers by the month they were won.
    cohorts: Cohorts,
    /// Chances to stay by tenure.
    tenure: TenureChances,
}

impl Scratch {
    /// Buffers for horizon H.
    pub fn new(horizon: usize) -> Self {
        Scratch {
            cohorts: Cohorts::new(horizon),
            tenure: TenureChances::new(horizon),
        }
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
pub fn simulate_with<R: Record>(
    cm: &CompiledModel,
    prm: &Params,
    seed: u64,
    i: u64,
    scratch: &mut Scratch,
    path: &mut R,
) -> Outcome {
    use Param::*;
    let m = &cm.model;
    let (h_months, setup_months, launch) = (cm.horizon, cm.setup_months, cm.launch);
    let mut platform_rng = stream_rng(seed, i, Stream::Platform);
    let mut competitor_rng = stream_rng(seed, i, Stream::Competitors);
    let mut churn_rng = stream_rng(seed, i, Stream::Churn);
    let mut acquisition_rng = stream_rng(seed, i, Stream::Acquisition);
    // Rework draws only from its own stream, by waiting times over the
    // launched months of a running hustle; without a chance and hours it
    // never happens and nothing is drawn.
    let rework_hours = prm.get(ReworkHours);
    // A recorder of only the base metrics is for a scenario without the
    // owner's hours keys (no capacity, rework or passivity limit): then
    // none of their work is compiled into the month.
    let full = R::METRICS == NMETRICS;
    assert!(
        full || cm.metrics < NMETRICS,
        "a scenario with the owner's hours keys records every metric"
    );
    let rework_on = full && cm.rework && prm.get(ReworkProbability) > 0.0 && rework_hours > 0.0;
    let mut rework = if rework_on {
        MonthlyEvent::new(
            prm.get(ReworkProbability),
            stream_rng(seed, i, Stream::Rework).next_u64(),
        )
    } else {
        MonthlyEvent::never()
    };
    let capacity_set = full && cm.capacity;
    let capacity = prm.get(CapacityHoursMonthly);
    let hourly_value = prm.get(HourlyValue);

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
    // An absent limit on hours is +inf, on passivity -inf: never binding.
    let (sp_net, sp_hours, sp_passivity) = (
        prm.get(SemiPassiveMinNet),
        prm.get(SemiPassiveMaxHours),
        prm.get(SemiPassiveMinPassivity),
    );
    let sustain = m.semi_passive_sustain_months;
    let quit_after = m.quit_after_months;
    let burnout_after = m.burnout_after_months;

    let cohorts = &mut scratch.cohorts;
    cohorts.reset(churn_rng.next_u64());
    // No customer renews more than H - L times.
    let tenure = &mut scratch.tenure;
    match m.churn {
        ChurnModel::Constant => tenure.constant(churn_monthly, h_months - launch),
        ChurnModel::Sbg => tenure.sbg(alpha, beta, h_months - launch),
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
    let mut passive_half = 0u128;
    let mut cum_net = 0.0;
    let mut cum_hours = 0.0;
    // rate (1 + growth)^(k-1), held below 1e300 so that times m it stays
    // finite; the month's mean is capped, not this.
    let mut poisson_rate = rate;
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
            path.record(t, [0.0, 0.0, 0.0, 0.0, 0.0, cum_net, c, 0.0, 0.0, 0.0]);
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
                    0.0,
                    0.0,
                ],
            );
            last_gross = 0.0;
            continue;
        }

        // 4. Launched month k.
        let k = t - launch + 1;
        if k > 1 {
            poisson_rate = (poisson_rate * (1.0 + growth)).min(1e300);
            automation *= automation_keep;
        }
        if competitors != factors_for {
            factors.update(competitors);
            factors_for = competitors;
        }

        // Churn: each customer stays with chance (1 - h)(1 - churn_increase)^C
        // at its n-th renewal (a customer won in month a renews first in a + 1).
        let survivors = cohorts.renew(t, &tenure.renewal(factors.now.lure, factors.now.ln_lure));

        // Rework: W hours with its chance, independently each launched
        // month of a running hustle (k counts them).
        let rework_w = if rework_on && rework.happens(k as u64) {
            rework_hours
        } else {
            0.0
        };
        // With no setup months, month 1 carries the setup's hours and cost.
        let setup_now = setup_months == 0 && t == 1;

        // Acquisition.
        let mult = acq_mult * factors.now.acquisition;
        let new = match m.acquisition {
            AcquisitionModel::Poisson => poisson(
                &mut acquisition_rng,
                (poisson_rate * mult).min(MAX_MONTHLY_ARRIVALS),
            ),
            AcquisitionModel::Bass => {
                let remaining = market.saturating_sub(adopters);
                let share = adopters as f64 / market as f64;
                let p = ((bass_p + bass_q * share) * mult).min(1.0);
                let won = binomial(&mut acquisition_rng, remaining, p);
                // Every adopter is used up, accepted or not.
                adopters += won;
                won
            }
        };
        // The owner's capacity: new customers whose hours would not fit
        // are declined; from here on the month has only the accepted.
        let (new, declined) = if capacity_set {
            let setup_hours = if setup_now { setup_hours_monthly } else { 0.0 };
            let per_customer = hours_per * automation;
            let committed =
                hours_fixed + hours_per * count(survivors) * automation + rework_w + setup_hours;
            let accepted = accepted(new, committed, hours_new + per_customer, capacity);
            (accepted, new - accepted)
        } else {
            (new, 0)
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
        let mut hours =
            hours_fixed + hours_per * n_active * automation + hours_new * new_f + rework_w;
        if setup_now {
            hours += setup_hours_monthly;
            net += setup_net;
        }

        // Passivity: the share of net beyond what the hours would have
        // earned at the owner's hourly value.
        let passivity = if full && net > 0.0 {
            (1.0 - hourly_value * hours / net).max(0.0)
        } else {
            0.0
        };
        if full && passivity >= 0.5 {
            passive_half |= 1u128 << (t - 1);
        }

        cum_net += net;
        cum_hours += hours;
        if break_even.is_none() && cum_net >= 0.0 {
            break_even = Some(t as u32);
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

        // Semi-passive: this month counts even if the owner quits in it.
        if let Some(sustain) = sustain {
            if net >= sp_net && hours <= sp_hours && (!full || passivity >= sp_passivity) {
                qualifying |= 1u128 << (t - 1);
                sp_streak += 1;
                if sp_streak >= sustain && sp_month.is_none() {
                    sp_month = Some(t as u32);
                }
            } else {
                sp_streak = 0;
            }
        }

        path.record(
            t,
            [
                net,
                gross,
                n_active,
                new_f,
                hours,
                cum_net,
                c,
                platform_fee,
                passivity,
                count(declined),
            ],
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
        hourly_value,
        qualifying,
        passive_half,
        clamped: prm.clamped,
    }
}

/// How many of `new` customers the owner accepts: every one when a new
/// customer costs no hours (`marginal` = 0), otherwise the largest whole j,
/// 0 <= j <= `new`, with `committed` + j `marginal` <= `capacity`, tested
/// literally (a tie is accepted), and 0 when `committed` alone exceeds the
/// capacity: a customer already won is never dropped.
fn accepted(new: u64, committed: f64, marginal: f64, capacity: f64) -> u64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;
    use crate::sim::competitors::FACTOR_TABLE_LEN;
    use crate::sim::{Metric, Path};

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

    #[test]
    fn the_cap_on_new_customers_applies_to_the_months_mean() {
        // Regression: the cap held the rate itself at 1e7 before growth, so
        // a huge rate that shrinks fell below the cap a month early: with
        // rate 1e8 and growth -50 %, month 2's mean is min(5e7, 1e7) = 1e7,
        // not 5e6, and month 5's is 6.25e6. Within 6 Poisson SDs.
        let model = Scenario::parse(
            "name = \"cap\"\nhorizon_months = 5\n[setup]\nmonths = 0\n\
             [acquisition]\nrate = 1e8\ngrowth = -0.5\n",
            "cap.toml",
            "cap",
        )
        .unwrap()
        .model()
        .unwrap();
        let cm = CompiledModel::new(&model);
        let mut scratch = Scratch::new(5);
        let mut path = Path::new(5);
        simulate(&cm, 1, 0, &mut scratch, &mut path);
        for (t, mean) in [(1, 1e7), (2, 1e7), (3, 1e7), (4, 1e7), (5, 6.25e6)] {
            let got = path.get(Metric::NewCustomers, t);
            assert!(
                (got - mean).abs() < 6.0 * f64::sqrt(mean),
                "month {t}: {got} new customers, mean {mean}"
            );
        }
    }
}
