//! Active customers grouped by the month they were won, and their renewals
//! (docs/model.md, One trajectory, step 4, *Churn*).
//!
//! A customer won in month w is still active in month t with probability
//! S_w(t), the product of its chances to stay at each renewal so far:
//! (1 - h_n)(1 - churn_increase)^C. Think of each customer as holding a
//! uniform U, active while U < S_w(t): that is exactly the model, since
//! P(U < S(t) | U < S(t - 1)) = S(t) / S(t - 1) independently for every
//! customer. The simulation never draws those uniforms one by one. Given
//! the survival S so far, the n active customers' uniforms are iid on
//! (0, S), so their largest ("top") is S V^(1/n) for a fresh uniform V;
//! the customer holding it leaves in the first month S falls below it, and
//! the next largest is top V'^(1/(n-1)).
//!
//! The simulation works in logarithms, with the survival split into a part
//! that depends on tenure and one that depends on the calendar:
//! ln S_w(t) = K(t - w) + Λ(t) - Λ(w), where K(n) is the sum of the log
//! chances to stay (1 - h) over the first n renewals and Λ(t) the sum of
//! ln (1 - churn_increase)^C over the months so far. A cohort keeps one
//! number, its threshold θ_w = Λ(w) + ln(top), and a customer leaves in the
//! first month with K(t - w) + Λ(t) < θ_w. So a month costs an addition and
//! a comparison per cohort (no branch: the comparisons make a bit mask),
//! plus, per customer who leaves, one exponential draw and a
//! multiplication: ln V^(1/n) = -E/n with E exponential (an exact ziggurat
//! draw).
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

use super::count;
use super::rng::SplitMix64;
use super::sample::{Exp1Sampler, binomial_with_log, ln_in_place};
use wide::f64x2;

/// Largest cohort renewed by order statistics.
pub(crate) const ORDER_STATISTICS_MAX: u64 = 64;

/// 1/n for n = 0..128, +inf at 0 as in IEEE arithmetic: a cohort's last
/// customer leaving takes its threshold to -inf (every exponential draw is
/// positive), without a branch.
const RECIPROCALS: [f64; 128] = {
    let mut t = [f64::INFINITY; 128];
    let mut k = 1;
    while k < 128 {
        t[k] = 1.0 / k as f64;
        k += 1;
    }
    t
};

/// 1/n for the order-statistic steps (n <= [`ORDER_STATISTICS_MAX`]): a
/// multiply instead of a division on the departures' dependency chain.
#[inline(always)]
fn reciprocal(n: u64) -> f64 {
    RECIPROCALS[n as usize & 127]
}

/// The cohorts with a departure this month, as bits: bit j is set when
/// `tenure_log[j] + calendar < threshold[j]`, for an even number of
/// cohorts (at most 64).
///
/// Two cohorts at a time (`wide`'s two-lane vectors: SSE2 on x86-64, part
/// of every x86-64 CPU): one addition, one comparison and a two-bit mask
/// for the pair, the masks gathered from the top down by shift-and-or.
#[inline(always)]
fn departures(tenure_log: &[f64], threshold: &[f64], calendar: f64) -> u64 {
    debug_assert!(tenure_log.len() == threshold.len() && threshold.len() <= 64);
    debug_assert!(threshold.len().is_multiple_of(2));
    let calendar = f64x2::splat(calendar);
    let mut leaving = 0u64;
    for (k, th) in tenure_log
        .chunks_exact(2)
        .zip(threshold.chunks_exact(2))
        .rev()
    {
        let level = f64x2::new([k[0], k[1]]) + calendar;
        let below = level.simd_lt(f64x2::new([th[0], th[1]]));
        leaving = (leaving << 2) | below.to_bitmask() as u64;
    }
    leaving
}

/// Every cohort of one trajectory, as parallel arrays indexed by the month
/// won minus one.
#[derive(Debug, Clone)]
pub(crate) struct Cohorts {
    /// Active customers.
    active: Vec<u64>,
    /// θ_w: a customer of the cohort leaves once K(tenure) + Λ(t) falls
    /// below it; -inf for an empty cohort and for one renewed by binomial
    /// draws, so neither ever matches.
    threshold: Vec<f64>,
    /// Each cohort's own random numbers.
    rng: Vec<SplitMix64>,
    /// Cohorts renewed by binomial draws (more than
    /// [`ORDER_STATISTICS_MAX`] active customers), by month won.
    large: Vec<usize>,
    /// Λ(t): sum of the monthly log chances of being lured away by none.
    calendar: f64,
    /// First month won whose cohort may still hold customers.
    first: usize,
    /// Active customers over all cohorts.
    total: u64,
    /// Key of this trajectory's cohort sub-streams.
    key: u64,
    /// Departure draws.
    exp1: Exp1Sampler,
}

/// Each customer's chances to stay by tenure, before competitors: at its
/// n-th renewal 1 - h with h = `churn.monthly` (constant) or
/// alpha / (alpha + beta + n - 1) (sbg), and K(n), the log of the product
/// of the first n, which the cohorts' order statistics compare against.
#[derive(Debug, Clone)]
pub(crate) struct TenureChances {
    /// Chance to stay at renewal n (index n - 1).
    keep: Vec<f64>,
    /// K(n) at index H - n (read as [`Renewal::tenure_log`]).
    tenure_log: Vec<f64>,
}

impl TenureChances {
    /// Room for a horizon of H months.
    pub(crate) fn new(horizon: usize) -> Self {
        TenureChances {
            keep: vec![0.0; horizon],
            tenure_log: vec![0.0; horizon + 1],
        }
    }

    /// Constant churn `monthly`, for the first `tenures` renewals.
    pub(crate) fn constant(&mut self, monthly: f64, tenures: usize) {
        let h = self.keep.len();
        let ln_stay = (-monthly).ln_1p();
        for n in 0..tenures {
            self.keep[n] = 1.0 - monthly;
            self.tenure_log[h - n - 1] = (n + 1) as f64 * ln_stay;
        }
    }

    /// Shifted-beta-geometric churn, for the first `tenures` renewals:
    /// K(n) as the log of the running product, the logs taken in one pass.
    pub(crate) fn sbg(&mut self, alpha: f64, beta: f64, tenures: usize) {
        let h = self.keep.len();
        let mut survival = 1.0;
        for n in 0..tenures {
            self.keep[n] = 1.0 - alpha / (alpha + beta + count(n as u64));
            survival *= self.keep[n];
            self.tenure_log[h - n - 1] = survival;
        }
        ln_in_place(&mut self.tenure_log[h - tenures..h]);
    }

    /// One month's renewal chances, with C competitors' `lure`, (1 -
    /// churn_increase)^C, and its log.
    #[inline]
    pub(crate) fn renewal(&self, lure: f64, ln_lure: f64) -> Renewal<'_> {
        Renewal {
            keep: &self.keep,
            tenure_log: &self.tenure_log,
            lure,
            ln_lure,
        }
    }
}

/// One renewal month's chances, shared by every cohort.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Renewal<'a> {
    /// Chance to stay at renewal n (index n - 1), before competitors.
    pub(crate) keep: &'a [f64],
    /// K(n) for n = H down to 0: `tenure_log[H - n]` is the sum of the log
    /// chances to stay over the first n renewals.
    pub(crate) tenure_log: &'a [f64],
    /// (1 - churn_increase)^C: lured away by none of C competitors.
    pub(crate) lure: f64,
    /// Its log.
    pub(crate) ln_lure: f64,
}

impl Cohorts {
    /// Room for a horizon of H months.
    pub(crate) fn new(horizon: usize) -> Self {
        Cohorts {
            active: vec![0; horizon],
            threshold: vec![f64::NEG_INFINITY; horizon],
            rng: vec![SplitMix64::new(0); horizon],
            large: Vec::new(),
            calendar: 0.0,
            first: 1,
            total: 0,
            key: 0,
            exp1: Exp1Sampler::new(),
        }
    }

    /// Forgets every customer; `key` (one draw from the trajectory's churn
    /// stream) seeds the cohorts' sub-streams.
    pub(crate) fn reset(&mut self, key: u64) {
        self.key = key;
        self.active.fill(0);
        self.threshold.fill(f64::NEG_INFINITY);
        self.large.clear();
        self.calendar = 0.0;
        self.first = 1;
        self.total = 0;
    }

    /// Records the `new` customers won in month `t`, after month t's
    /// renewals.
    pub(crate) fn win(&mut self, t: usize, new: u64) {
        let key = self.key ^ (t as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let i = t - 1;
        let mut stream = SplitMix64::new(key);
        self.active[i] = new;
        self.total += new;
        self.threshold[i] = if new > ORDER_STATISTICS_MAX {
            self.large.push(t);
            f64::NEG_INFINITY
        } else if new > 0 {
            // Level ln S = 0 now; θ = Λ(t) + ln(top).
            let e: f64 = self.exp1.sample(&mut stream);
            self.calendar - e * reciprocal(new)
        } else {
            f64::NEG_INFINITY
        };
        self.rng[i] = stream;
    }

    /// Renews every cohort won before month `t` and returns the active
    /// customers after the renewals.
    pub(crate) fn renew(&mut self, t: usize, r: &Renewal) -> u64 {
        if self.total == 0 {
            return 0;
        }
        if r.lure <= 0.0 {
            // Every competitor lures every customer away.
            self.active.fill(0);
            self.threshold.fill(f64::NEG_INFINITY);
            self.large.clear();
            self.total = 0;
            return 0;
        }
        self.calendar += r.ln_lure;
        let (calendar, exp1) = (self.calendar, self.exp1);
        let horizon = self.active.len();
        while self.first < t && self.active[self.first - 1] == 0 {
            self.first += 1;
        }
        // Cohorts won in months first..t, tenures t - first down to 1.
        let (lo, hi) = (self.first - 1, t - 1);
        // K(t - w) for w = first..t: one more than the cohorts renewed, the
        // last (K(0), for this month's cohort, not yet won) read only as
        // the pad of an odd block.
        let tenure_log = &r.tenure_log[horizon + 1 - (t - lo)..];
        // The arrays' addresses and lengths, and the running total, stay in
        // registers (through `self` every store might change them, as far as
        // the compiler can tell).
        let (active, threshold, rng) = (
            &mut self.active[..],
            &mut self.threshold[..],
            &mut self.rng[..],
        );
        let mut total = self.total;
        let mut block = lo;
        while block < hi {
            let end = (block + 64).min(hi);
            // Whole pairs of cohorts: an odd last block takes cohort t as
            // its pad, whose threshold is -inf until it is won (and t <= H,
            // so it exists).
            let pairs = (end - block + 1) & !1;
            debug_assert!(block + pairs == end || threshold[end] == f64::NEG_INFINITY);
            let ks = &tenure_log[block - lo..block - lo + pairs];
            let (act, ths, rngs) = (
                &mut active[block..block + pairs],
                &mut threshold[block..block + pairs],
                &mut rng[block..block + pairs],
            );
            // Bit j set: cohort block + j has a departure.
            let mut leaving = departures(ks, ths, calendar);
            // In passes: each pass takes one customer from every cohort in
            // `leaving` and notes those that lose another, so whether a
            // second one goes is asked once a pass, not once a cohort.
            while leaving != 0 {
                let (mut bits, mut again) = (leaving, 0u64);
                while bits != 0 {
                    let j = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let n = act[j] - 1;
                    // The next largest: ln top + ln V^(1/n). For the last
                    // customer (n = 0) the draw still happens (the cohort's
                    // stream is never read again) and θ becomes -inf.
                    let e: f64 = exp1.sample(&mut rngs[j]);
                    let th = ths[j] - e * reciprocal(n);
                    act[j] = n;
                    ths[j] = th;
                    total -= 1;
                    again |= ((ks[j] + calendar < th) as u64) << j;
                }
                leaving = again;
            }
            block = end;
        }
        self.total = total;
        if !self.large.is_empty() {
            self.renew_large(t, r);
        }
        self.total
    }

    /// Binomial renewals of the cohorts too large for order statistics.
    #[cold]
    fn renew_large(&mut self, t: usize, r: &Renewal) {
        let horizon = self.active.len();
        let mut k = 0;
        while k < self.large.len() {
            let w = self.large[k];
            if w >= t {
                k += 1;
                continue;
            }
            let (i, n) = (w - 1, t - w);
            let stay = r.keep[n - 1] * r.lure;
            let before = self.active[i];
            let mut after = before;
            if stay <= 0.0 {
                after = 0;
            } else if stay < 1.0 {
                let ln_stay = r.keep[n - 1].ln() + r.ln_lure;
                after -= binomial_with_log(&mut self.rng[i], before, 1.0 - stay, ln_stay);
            }
            self.active[i] = after;
            self.total -= before - after;
            if after <= ORDER_STATISTICS_MAX {
                if after > 0 {
                    let exp1 = self.exp1;
                    // The survivors' uniforms are iid on (0, S): θ = Λ(w) +
                    // ln S + ln V^(1/n) = K(n) + Λ(t) - E / n.
                    let e: f64 = exp1.sample(&mut self.rng[i]);
                    self.threshold[i] =
                        r.tenure_log[horizon - n] + self.calendar - e * reciprocal(after);
                }
                self.large.swap_remove(k);
            } else {
                k += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departures_match_the_comparison_cohort_by_cohort() {
        // Levels below, equal to (strictly below is required) and above
        // their thresholds, -inf thresholds (empty cohorts and the pad),
        // for every even length up to 64: each bit is its cohort's
        // comparison, made one cohort at a time.
        let calendar = -0.75;
        let mut rng = SplitMix64::new(11);
        for len in (0..=64).step_by(2) {
            let ks: Vec<f64> = (0..len).map(|j| -(j as f64) * 0.1).collect();
            let ths: Vec<f64> = (0..len)
                .map(|j| {
                    let level = ks[j] + calendar;
                    match rand::Rng::next_u64(&mut rng) % 4 {
                        0 => level,
                        1 => level - 1e-12,
                        2 => level + 1e-12,
                        _ => f64::NEG_INFINITY,
                    }
                })
                .collect();
            let want = (0..len).fold(0u64, |m, j| m | (((ks[j] + calendar) < ths[j]) as u64) << j);
            assert_eq!(departures(&ks, &ths, calendar), want, "{len} cohorts");
        }
    }
}
