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
//! (0, S), so their largest ("top") is S times the largest of n uniforms
//! on (0, 1); the customer holding it leaves in the first month S falls to
//! or below it, and the next largest is top times the largest of n - 1
//! fresh uniforms. So a month costs a multiply and a comparison per cohort,
//! plus one such draw per customer who leaves.
//!
//! Each cohort draws from its own SplitMix64 sub-stream, keyed from the
//! trajectory's churn stream and the month it was won, so paired scenarios
//! (common random numbers) keep every cohort's draws aligned: with the same
//! customers won, a higher churn chance only makes the same departures come
//! earlier.
//!
//! A cohort of more than [`ORDER_STATISTICS_MAX`] active customers is renewed by a
//! binomial draw per month instead (cheaper for large counts), and switches
//! to the order-statistic form once it shrinks to that size.

use super::rng::open01;
use super::sample::binomial_with_log;
use rand::SeedableRng;
use rand_xoshiro::SplitMix64;

/// Largest cohort renewed by order statistics.
pub const ORDER_STATISTICS_MAX: u64 = 64;

#[derive(Debug, Clone)]
struct Cohort {
    /// Active customers.
    active: u64,
    /// S_a(t): chance that a customer won in this cohort is still active.
    survival: f64,
    /// The largest uniform among the active customers (order-statistic form).
    top: f64,
    /// This cohort's own random numbers.
    rng: SplitMix64,
}

/// The largest of n iid uniforms on (0, 1), n >= 1. Its distribution is
/// that of V^(1/n); small n draw it as the maximum of n cheap uniforms (or
/// the square root of one for n = 2), avoiding a logarithm and an
/// exponential.
#[inline]
fn top_of(rng: &mut SplitMix64, n: u64) -> f64 {
    match n {
        1 => open01(rng),
        2 => open01(rng).sqrt(),
        3..=MAX_BY_DRAWS => (0..n).map(|_| open01(rng)).fold(0.0, f64::max),
        _ => (open01(rng).ln() / n as f64).exp(),
    }
}

/// Up to this many customers the top uniform is the maximum of as many draws.
const MAX_BY_DRAWS: u64 = 3;

impl Cohort {
    /// Draws the top uniform of `active` customers on (0, survival).
    #[inline]
    fn draw_top(&mut self) {
        if self.active > 0 {
            self.top = self.survival * top_of(&mut self.rng, self.active);
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
                    survival: 1.0,
                    top: 0.0,
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
        c.survival = 1.0;
        c.rng = SplitMix64::seed_from_u64(key);
        if new <= ORDER_STATISTICS_MAX {
            c.draw_top();
        }
    }

    /// Renews the cohort won in month `a`, whose customers stay with chance
    /// `stay` this month, and returns its active customers.
    #[inline]
    pub fn renew(&mut self, a: usize, stay: f64) -> u64 {
        let c = &mut self.by_month[a - 1];
        if c.active == 0 || stay >= 1.0 {
            return c.active;
        }
        if stay <= 0.0 {
            c.active = 0;
            return 0;
        }
        c.survival *= stay;
        if c.active > ORDER_STATISTICS_MAX {
            c.active -= binomial_with_log(&mut c.rng, c.active, 1.0 - stay, stay.ln());
            if c.active <= ORDER_STATISTICS_MAX {
                // The survivors' uniforms are iid on (0, survival).
                c.draw_top();
            }
        } else {
            while c.top >= c.survival {
                c.active -= 1;
                if c.active == 0 {
                    break;
                }
                c.top *= top_of(&mut c.rng, c.active);
            }
        }
        c.active
    }
}
