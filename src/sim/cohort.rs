//! Active customers grouped by the month they were won, and their renewals
//! (MODEL.md section 2, step 4, *Churn*).
//!
//! A customer of the cohort won in month a is still active in month t with
//! probability S_a(t), the product of the cohort's chances to stay at each
//! renewal so far: (1 - h_n)(1 - churn_increase)^C. Giving each customer
//! one uniform U when won and keeping it while U < S_a(t) is exactly the
//! model: P(U < S(t) | U < S(t - 1)) = S(t) / S(t - 1), independently for
//! every customer. With each cohort's uniforms sorted, a renewal is a
//! multiply and a comparison per leaver instead of a binomial draw, and two
//! paired scenarios keep every customer's fate coupled (a higher churn
//! chance never keeps a customer the lower one loses).
//!
//! A cohort of more than [`EXPLICIT_MAX`] customers is instead renewed by a
//! binomial draw each month, which is cheaper for large counts.

use super::rng::{StreamRng, open01};
use super::sample::binomial_with_log;

/// Largest cohort that keeps one uniform per customer.
pub const EXPLICIT_MAX: u64 = 64;

#[derive(Debug, Clone, Copy, Default)]
struct Cohort {
    /// Start of this cohort's uniforms in [`Cohorts::uniforms`].
    start: usize,
    /// Active customers.
    active: u64,
    /// S_a(t): chance that a customer won in this cohort is still active.
    survival: f64,
    /// Renewed by binomial draws rather than by its customers' uniforms.
    counted: bool,
}

/// Every cohort of one trajectory.
#[derive(Debug, Clone)]
pub struct Cohorts {
    by_month: Vec<Cohort>,
    /// Sorted uniforms of each explicit cohort's customers, cohort after
    /// cohort.
    uniforms: Vec<f64>,
}

impl Cohorts {
    /// Room for a horizon of H months.
    pub fn new(horizon: usize) -> Self {
        Cohorts {
            by_month: vec![Cohort::default(); horizon],
            uniforms: Vec::with_capacity(64 * horizon),
        }
    }

    /// Forgets every customer.
    pub fn clear(&mut self) {
        self.by_month.fill(Cohort::default());
        self.uniforms.clear();
    }

    /// Records the `new` customers won in month `t`, drawing their uniforms
    /// from `rng` (the churn stream).
    pub fn win(&mut self, t: usize, new: u64, rng: &mut StreamRng) {
        let start = self.uniforms.len();
        let counted = new > EXPLICIT_MAX;
        if !counted {
            // Insertion sort as they are drawn: cohorts are small.
            for _ in 0..new {
                let u = open01(rng);
                self.uniforms.push(u);
                let mut i = self.uniforms.len() - 1;
                while i > start && self.uniforms[i - 1] > u {
                    self.uniforms[i] = self.uniforms[i - 1];
                    i -= 1;
                }
                self.uniforms[i] = u;
            }
        }
        self.by_month[t - 1] = Cohort {
            start,
            active: new,
            survival: 1.0,
            counted,
        };
    }

    /// Renews the cohort won in month `a`, whose customers face their
    /// renewal with chance `stay` to stay, and returns its active customers.
    #[inline]
    pub fn renew(&mut self, a: usize, stay: f64, rng: &mut StreamRng) -> u64 {
        let c = &mut self.by_month[a - 1];
        if c.active == 0 || stay >= 1.0 {
            return c.active;
        }
        if stay <= 0.0 {
            c.active = 0;
            return 0;
        }
        if c.counted {
            c.active -= binomial_with_log(rng, c.active, 1.0 - stay, stay.ln());
        } else {
            c.survival *= stay;
            // The largest uniforms leave first.
            while c.active > 0 && self.uniforms[c.start + c.active as usize - 1] >= c.survival {
                c.active -= 1;
            }
        }
        c.active
    }
}
