//! One trajectory, month by month: docs/model.md, One trajectory.
//!
//! One scenario is one hustle run by its own owner: [`simulate_with`]
//! takes each month in the model's order, the hustle's steps in
//! `hustle.rs` (1 platform, 2 competitors, 3 a setup month or 4 a launched
//! month: churn, rework, acquisition; then money, hours, passivity and its
//! quit streak; 5 R) with the owner's in `owner.rs` between and after them
//! (the capacity that accepts new customers, burnout, break-even,
//! semi-passive), and the names are the model's. The machinery that makes a
//! step fast lives in files of its own, each exact and tested there: the
//! renewals of the customers won in each month (`cohort.rs`), the
//! competitors' factors (`competitors.rs`), the platform events and
//! competitor arrivals drawn by their waiting times (`events.rs`), and
//! where the figures go (`record.rs`). [`super::reference`] simulates the same
//! steps literally, and the tests hold the two to the same distributions.

use super::cohort::{Cohorts, TenureChances};
use super::hustle::{Hustle, Opening};
use super::outcome::{FailureCause, NMETRICS, Outcome};
use super::owner::Owner;
use super::params::{CompiledModel, Params};
use super::record::Record;

/// Largest expected number of new customers, or of new competitors, in one
/// month: a simulation limit that keeps counts and money finite whatever the
/// growth (documented in docs/errors.md, "Simulation limits").
pub(crate) const MAX_MONTHLY_ARRIVALS: f64 = 1e7;

/// Reusable per-thread buffers.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Active customers by the month they were won.
    pub(crate) cohorts: Cohorts,
    /// Chances to stay by tenure.
    pub(crate) tenure: TenureChances,
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

/// Simulates trajectory `i` with given parameter values: one hustle, run
/// by its own owner.
pub fn simulate_with<R: Record>(
    cm: &CompiledModel,
    prm: &Params,
    seed: u64,
    i: u64,
    scratch: &mut Scratch,
    path: &mut R,
) -> Outcome {
    // A recorder of only the base metrics is for a scenario without the
    // owner's hours keys (no capacity, rework or passivity limit): then
    // none of their work is compiled into the month.
    if R::METRICS == NMETRICS {
        one_hustle::<true, R>(cm, prm, seed, i, scratch, path)
    } else {
        assert!(
            cm.metrics < NMETRICS,
            "a scenario with the owner's hours keys records every metric"
        );
        one_hustle::<false, R>(cm, prm, seed, i, scratch, path)
    }
}

#[inline(always)]
fn one_hustle<const FULL: bool, R: Record>(
    cm: &CompiledModel,
    prm: &Params,
    seed: u64,
    i: u64,
    scratch: &mut Scratch,
    path: &mut R,
) -> Outcome {
    let h_months = cm.horizon;
    let mut owner = Owner::<FULL>::new(cm, prm);
    let mut hustle = Hustle::<FULL>::new(cm, prm, seed, i, scratch, owner.hourly_value);
    for t in 1..=h_months {
        // 1-4: the hustle's month, up to its new customers.
        let opening = hustle.open(t);
        // The owner's capacity: new customers whose hours would not fit
        // are declined; from here on the month has only the accepted.
        let accepted = match opening {
            Opening::Launched { new } if owner.has_capacity() => {
                owner.accept(new, hustle.committed(opening), hustle.marginal())
            }
            Opening::Launched { new } => new,
            _ => 0,
        };
        let month = hustle.close(t, opening, accepted);
        if month.launched {
            // The owner: quitting the hustle comes before burning out.
            let burned_out = owner.month(
                t,
                month.net,
                month.hours,
                month.cumulative_net,
                month.passivity,
            );
            if month.quitting {
                hustle.end(FailureCause::Abandoned, t);
            } else if burned_out {
                hustle.end(FailureCause::BurnedOut, t);
            }
        } else {
            owner.idle();
        }
        path.record(t, month.figures());
    }
    let (failure, cumulative_net, cumulative_hours) = hustle.finish(h_months);
    Outcome {
        failure,
        semi_passive_month: owner.semi_passive_month,
        break_even_month: owner.break_even_month,
        cumulative_net,
        cumulative_hours,
        hourly_value: owner.hourly_value,
        qualifying: owner.qualifying,
        passive_half: owner.passive_half,
        clamped: prm.clamped,
    }
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
