//! Events that are rare month by month, drawn by their waiting times so
//! that a quiet month costs a comparison and no random number:
//! [`MonthlyEvent`] (platform events of a fixed monthly chance, geometric
//! waits) and [`PoissonArrivals`] (competitor entry, exponential gaps on a
//! clock of expected arrivals).
//!
//! Both are exact: the waits give event months distributed exactly as
//! drawing every month would (independent Bernoulli months; independent
//! Poisson counts), and both pair the same way: a higher rate brings the
//! same events sooner.

use super::rng::{SplitMix64, open01};
use super::sample::{Exp1Sampler, poisson};
use rand::Rng;

/// Monthly means up to this are counted on a [`PoissonArrivals`] clock;
/// larger ones, where a draw by inversion is cheaper than an exponential per
/// arrival, are drawn directly.
const ARRIVALS_CLOCK_MAX: f64 = 8.0;

/// Month-by-month counts of a Poisson process whose monthly means are mostly
/// small (new competitors: a fraction of one a month).
///
/// The process runs on a clock of expected arrivals: the gaps between
/// arrivals are independent standard exponentials, and a month of mean λ
/// moves the clock on by λ. Its count, the arrivals within those λ units,
/// is Poisson(λ) and independent of every other month's (the independent
/// increments of a unit-rate Poisson process). So a month costs one
/// comparison, and only an arrival costs a draw, where inversion spends an
/// exponential function and a uniform on every month. A larger mean also
/// pairs well: the same arrivals, only sooner.
///
/// A month with a mean above 8 (`ARRIVALS_CLOCK_MAX`) is drawn by
/// [`poisson`] instead and leaves the clock where it was; the time to the
/// next arrival is still a standard exponential independent of everything
/// drawn so far (memorylessness), so the months after it stay exact. Such
/// a month pairs by inversion instead: two scenarios whose means fall on
/// either side of the limit in the same month are paired less tightly
/// there, though still exactly distributed (the library's stock-image and
/// GPT-store scenarios draw entry rates of 2 to 10 and 2 to 20 a month).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PoissonArrivals {
    /// Clock units until the next arrival.
    next: f64,
    exp1: Exp1Sampler,
}

impl PoissonArrivals {
    /// A process whose first arrival is drawn from `rng`.
    pub(crate) fn new<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let exp1 = Exp1Sampler::new();
        PoissonArrivals {
            next: exp1.sample(rng),
            exp1,
        }
    }

    /// The arrivals in the next month, of mean `lambda` (finite, >= 0).
    #[inline]
    pub(crate) fn count<R: Rng + ?Sized>(&mut self, rng: &mut R, lambda: f64) -> u64 {
        if lambda > ARRIVALS_CLOCK_MAX {
            return poisson(rng, lambda);
        }
        let mut left = lambda;
        let mut n = 0;
        while self.next <= left {
            left -= self.next;
            n += 1;
            self.next = self.exp1.sample(rng);
        }
        self.next -= left;
        n
    }
}

/// A monthly event of fixed chance p, independently every month (a ban, a
/// fee hike, a policy shock), drawn by its waiting times rather than month
/// by month.
///
/// The wait from one event to the next (or from the start to the first) is
/// Geometric(p): 1 + floor(ln U / ln(1 - p)) months for a uniform U, since
/// P(wait > k) = P(U <= (1 - p)^k) = (1 - p)^k. So a month costs a
/// comparison and only an event costs a draw, where drawing month by month
/// spends a uniform on every month for events that mostly never happen.
/// Each event has its own SplitMix64 sub-stream, so changing one event's
/// chance never moves another's months, and from the same U a larger p
/// never gives a longer wait (pairing).
#[derive(Debug, Clone)]
pub(crate) struct MonthlyEvent {
    /// The month (1-based) of the next event; `u64::MAX` for never.
    next: u64,
    /// ln(1 - p): 0 for p = 0, -inf for p = 1.
    ln_miss: f64,
    rng: SplitMix64,
}

impl MonthlyEvent {
    /// An event of chance `p` (0 <= p <= 1) a month, from the sub-stream
    /// keyed by `key`.
    pub(crate) fn new(p: f64, key: u64) -> Self {
        let mut event = MonthlyEvent {
            next: 0,
            ln_miss: if p > 0.0 { (-p.min(1.0)).ln_1p() } else { 0.0 },
            rng: SplitMix64::new(key),
        };
        event.next = event.wait();
        event
    }

    /// An event that never happens (chance 0), drawing nothing.
    pub(crate) fn never() -> Self {
        MonthlyEvent {
            next: u64::MAX,
            ln_miss: 0.0,
            rng: SplitMix64::new(0),
        }
    }

    /// Months to the next event (at least 1; saturates for never).
    fn wait(&mut self) -> u64 {
        if self.ln_miss == 0.0 {
            return u64::MAX;
        }
        // ln U <= 0 over ln(1 - p) < 0: at least 0 (+0 for p = 1); the
        // conversion saturates for waits beyond any horizon.
        let whole = (open01(&mut self.rng).ln() / self.ln_miss).floor();
        (whole as u64).saturating_add(1)
    }

    /// Whether the event happens in month `t`. Ask about the months in
    /// order (a run may stop asking, once the hustle has ended).
    #[inline]
    pub(crate) fn happens(&mut self, t: u64) -> bool {
        if t < self.next {
            return false;
        }
        self.next = self.next.saturating_add(self.wait());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::{Stream, stream_rng};
    use crate::sim::sample::goodness_of_fit::{chi_square, critical};
    use statrs::distribution::{Binomial as SBinomial, Discrete, Poisson as SPoisson};

    #[test]
    fn arrivals_are_independent_poisson_counts_month_by_month() {
        // Means around a year of competitor entry, on both sides of the
        // clock's limit (12 is drawn by inversion, between clock months).
        let lambdas = [0.15, 0.0, 2.3, 0.4, 7.9, 12.0, 0.6, 1e-3, 5.0];
        let total: f64 = lambdas.iter().sum();
        let runs = 100_000u64;
        let mut counts = vec![vec![0u64; 40]; lambdas.len()];
        let mut sums = vec![0u64; 120];
        // Adjacent months' counts: their sample covariance against 0.
        let (mut cov_sum, mut cov_sq) =
            (vec![0.0; lambdas.len() - 1], vec![0.0; lambdas.len() - 1]);
        for r in 0..runs {
            let mut rng = stream_rng(13, r, Stream::Competitors);
            let mut arrivals = PoissonArrivals::new(&mut rng);
            let n: Vec<u64> = lambdas
                .iter()
                .map(|&l| arrivals.count(&mut rng, l))
                .collect();
            for (t, &k) in n.iter().enumerate() {
                counts[t][(k as usize).min(39)] += 1;
            }
            sums[(n.iter().sum::<u64>() as usize).min(119)] += 1;
            for t in 0..lambdas.len() - 1 {
                let x = (n[t] as f64 - lambdas[t]) * (n[t + 1] as f64 - lambdas[t + 1]);
                cov_sum[t] += x;
                cov_sq[t] += x * x;
            }
        }
        // Each month's count is Poisson(lambda): chi-square at p = 1e-6.
        for (t, &lambda) in lambdas.iter().enumerate() {
            if lambda == 0.0 {
                assert_eq!(counts[t][0], runs, "a month of mean 0 has arrivals");
                continue;
            }
            let exact = SPoisson::new(lambda).unwrap();
            let (stat, df) = chi_square(&counts[t], |k| exact.pmf(k), runs);
            assert!(
                stat < critical(df),
                "month {t}, Poisson({lambda}): chi2 = {stat:.1} on {df} df"
            );
        }
        // The year's total is Poisson(sum of the means), as independent
        // Poisson months add up to.
        let exact = SPoisson::new(total).unwrap();
        let (stat, df) = chi_square(&sums, |k| exact.pmf(k), runs);
        assert!(
            stat < critical(df),
            "total, Poisson({total}): chi2 = {stat:.1} on {df} df"
        );
        // Neighbouring months are uncorrelated: each covariance within 5
        // standard errors of 0 (|z| > 5 has chance 6e-7 per pair). Beside
        // the month of mean 0 every product is exactly 0, and so is its
        // standard error.
        for t in 0..lambdas.len() - 1 {
            let mean = cov_sum[t] / runs as f64;
            let se = ((cov_sq[t] / runs as f64 - mean * mean) / runs as f64).sqrt();
            assert!(
                mean.abs() <= 5.0 * se,
                "months {t}, {}: covariance {mean} (se {se})",
                t + 1
            );
        }
    }

    #[test]
    fn arrivals_pair_a_higher_mean_with_no_fewer_arrivals() {
        // Same clock, larger means (all on the clock): the same arrivals,
        // sooner, so never fewer in total by any month.
        for seed in 0..500 {
            let mut low = PoissonArrivals::new(&mut stream_rng(seed, 0, Stream::Competitors));
            let mut high = low;
            let (mut rl, mut rh) = (
                stream_rng(seed, 1, Stream::Competitors),
                stream_rng(seed, 1, Stream::Competitors),
            );
            let (mut a, mut b) = (0, 0);
            for t in 0..24 {
                let lambda = 0.1 + 0.05 * t as f64;
                a += low.count(&mut rl, lambda);
                b += high.count(&mut rh, 1.5 * lambda);
                assert!(b >= a, "seed {seed}, month {t}: {b} < {a}");
            }
        }
    }

    #[test]
    fn monthly_events_are_independent_bernoulli_months() {
        // Event months must be iid Bernoulli(p) over a horizon: each
        // month's frequency and each pair of neighbouring months' joint
        // frequency within 5 standard errors of p and p^2 (|z| > 5 has
        // chance 6e-7), and the number of events in 24 months
        // Binomial(24, p) by chi-square at p = 1e-6.
        let runs = 200_000u64;
        for (case, &p) in [0.3, 0.02, 0.002].iter().enumerate() {
            let mut months = [0u64; 24];
            let mut pairs = [0u64; 23];
            let mut totals = vec![0u64; 25];
            for r in 0..runs {
                let mut event = MonthlyEvent::new(
                    p,
                    stream_rng(14, r, Stream::Platform).next_u64() ^ case as u64,
                );
                let hit: Vec<bool> = (1..=24).map(|t| event.happens(t)).collect();
                for (m, &h) in months.iter_mut().zip(&hit) {
                    *m += h as u64;
                }
                for (pair, h) in pairs.iter_mut().zip(hit.windows(2)) {
                    *pair += (h[0] && h[1]) as u64;
                }
                totals[hit.iter().filter(|&&h| h).count()] += 1;
            }
            let within = |count: u64, q: f64, what: &str| {
                let se = (q * (1.0 - q) / runs as f64).sqrt();
                let f = count as f64 / runs as f64;
                assert!(
                    (f - q).abs() <= 5.0 * se,
                    "p = {p}, {what}: {f} against {q} (se {se})"
                );
            };
            for (t, &m) in months.iter().enumerate() {
                within(m, p, &format!("month {}", t + 1));
            }
            for (t, &pair) in pairs.iter().enumerate() {
                within(pair, p * p, &format!("months {} and {}", t + 1, t + 2));
            }
            let exact = SBinomial::new(p, 24).unwrap();
            let (stat, df) = chi_square(&totals, |k| exact.pmf(k), runs);
            assert!(stat < critical(df), "p = {p}: chi2 = {stat:.1} on {df} df");
        }
    }

    #[test]
    fn monthly_events_at_the_edges_and_paired() {
        let mut never = MonthlyEvent::new(0.0, 1);
        let mut always = MonthlyEvent::new(1.0, 2);
        for t in 1..=1000 {
            assert!(!never.happens(t));
            assert!(always.happens(t));
        }
        // Same sub-stream, larger chance: the first event never later.
        for key in 0..1000 {
            let first = |p: f64| {
                let mut e = MonthlyEvent::new(p, key);
                (1..=10_000).find(|&t| e.happens(t)).unwrap_or(u64::MAX)
            };
            assert!(first(0.05) <= first(0.01), "key {key}");
        }
    }
}
