//! Active customers grouped by the month they were won, and their renewals
//! (MODEL.md section 2, step 4, *Churn*).
//!
//! A customer won in month a is still active in month t with probability
//! S_a(t), the product of its cohort's chances to stay at each renewal so
//! far: (1 - h_n)(1 - churn_increase)^C. Think of each customer as holding
//! a uniform U, active while U < S_a(t): that is exactly the model, since
//! P(U < S(t) | U < S(t - 1)) = S(t) / S(t - 1) independently for every
//! customer. The simulation never draws those uniforms one by one. Given
//! the survival S so far, the n active customers' uniforms are iid on
//! (0, S), so their largest ("top") is S V^(1/n) for a fresh uniform V;
//! the customer holding it leaves in the first month S falls to or below
//! it, and the next largest is top V'^(1/(n-1)). The simulation works in
//! logarithms: ln S is a running sum of the log chances to stay, and
//! ln V^(1/n) = -E/n with E exponential (an exact ziggurat draw), so a month
//! costs an addition and a comparison per cohort, plus one exponential draw
//! and a division per customer who leaves.
//!
//! Each cohort draws from its own SplitMix64 sub-stream, keyed from the
//! trajectory's churn stream and the month it was won, so paired scenarios
//! (common random numbers) keep every cohort's draws aligned: with the same
//! customers won, a higher churn chance only makes the same departures come
//! earlier.
//!
//! A cohort of more than [`ORDER_STATISTICS_MAX`] active customers is
//! renewed by a binomial draw per month instead (cheaper for large counts),
//! and switches to the order-statistic form once it shrinks to that size.

use super::sample::binomial_with_log;
use rand::{RngExt, SeedableRng};
use rand_distr::Exp1;
use rand_xoshiro::SplitMix64;

/// Largest cohort renewed by order statistics.
pub const ORDER_STATISTICS_MAX: u64 = 64;

#[derive(Debug, Clone)]
struct Cohort {
    /// Active customers.
    active: u64,
    /// ln S_a(t): log of the chance that a customer won in this cohort is
    /// still active.
    level: f64,
    /// ln of the largest uniform among the active customers (order-statistic
    /// form): that customer leaves once `level` falls to it.
    threshold: f64,
    /// This cohort's own random numbers.
    rng: SplitMix64,
}

impl Cohort {
    /// Draws ln of the top uniform of the active customers on (0, S):
    /// ln S + ln V^(1/n) = level - E / n with E ~ Exp(1).
    #[inline]
    fn draw_top(&mut self) {
        if self.active > 0 {
            let e: f64 = self.rng.sample(Exp1);
            self.threshold = self.level - e / self.active as f64;
        }
    }
}

/// Every cohort of one trajectory.
#[derive(Debug, Clone)]
pub struct Cohorts {
    by_month: Vec<Cohort>,
    /// Key of this trajectory's cohort sub-streams.
    key: u64,
}

impl Cohorts {
    /// Room for a horizon of H months.
    pub fn new(horizon: usize) -> Self {
        Cohorts {
            by_month: vec![
                Cohort {
                    active: 0,
                    level: 0.0,
                    threshold: 0.0,
                    rng: SplitMix64::seed_from_u64(0),
                };
                horizon
            ],
            key: 0,
        }
    }

    /// Forgets every customer; `key` (one draw from the trajectory's churn
    /// stream) seeds the cohorts' sub-streams.
    pub fn reset(&mut self, key: u64) {
        self.key = key;
        for c in &mut self.by_month {
            c.active = 0;
        }
    }

    /// Records the `new` customers won in month `t`.
    pub fn win(&mut self, t: usize, new: u64) {
        let key = self.key ^ (t as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let c = &mut self.by_month[t - 1];
        c.active = new;
        c.level = 0.0;
        c.rng = SplitMix64::seed_from_u64(key);
        if new <= ORDER_STATISTICS_MAX {
            c.draw_top();
        }
    }

    /// Renews the cohort won in month `a`, whose customers stay with chance
    /// `stay` this month (`ln_stay` its log), and returns its active
    /// customers.
    #[inline]
    pub fn renew(&mut self, a: usize, stay: f64, ln_stay: f64) -> u64 {
        let c = &mut self.by_month[a - 1];
        if c.active == 0 || stay >= 1.0 {
            return c.active;
        }
        if stay <= 0.0 {
            c.active = 0;
            return 0;
        }
        c.level += ln_stay;
        if c.active > ORDER_STATISTICS_MAX {
            c.active -= binomial_with_log(&mut c.rng, c.active, 1.0 - stay, ln_stay);
            if c.active <= ORDER_STATISTICS_MAX {
                // The survivors' uniforms are iid on (0, S).
                c.draw_top();
            }
        } else {
            while c.level <= c.threshold {
                c.active -= 1;
                if c.active == 0 {
                    break;
                }
                // The next largest: ln top + ln V^(1/(n - 1)).
                let e: f64 = c.rng.sample(Exp1);
                c.threshold -= e / c.active as f64;
            }
        }
        c.active
    }
}
