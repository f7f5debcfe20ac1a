//! Draws from Poisson(λ): a month's new customers, and competitor entries
//! in months too busy for the arrival clock of
//! [`PoissonArrivals`](crate::sim::events::PoissonArrivals).
//!
//! Means below 30 are drawn by inversion of the exact CDF, one uniform per
//! draw: exact up to the rounding of the CDF's partial sums, and from the
//! same uniform a larger mean never gives fewer arrivals (pairing). Larger
//! means go to `rand_distr`'s PTRS, exact as well.

use super::math::fast_exp;
use crate::sim::rng::open01;
use rand::Rng;
use rand_distr::{Distribution, Poisson};

/// Poisson means below this use inversion.
const POISSON_INVERSION_MAX: f64 = 30.0;

/// 1 / (m (m - 1) (m - 2) (m - 3)) for m = 4..128 (0 below): the ratio of
/// Poisson terms four apart, over lambda^4.
const INV_FALLING4: [f64; 128] = {
    let mut t = [0.0; 128];
    let mut m = 4;
    while m < 128 {
        let f = m as f64;
        t[m] = 1.0 / (f * (f - 1.0) * (f - 2.0) * (f - 3.0));
        m += 1;
    }
    t
};

/// A draw from Poisson(lambda), lambda finite and >= 0.
///
/// Means below 30 by inversion: the smallest k with u <= P(X <= k) for a
/// uniform u, which pairs a larger mean with no fewer arrivals. The search
/// compares u e^lambda with the partial sums of lambda^j / j!, four terms
/// at a time: terms four apart differ by the factor lambda^4 / (j (j - 1)
/// (j - 2) (j - 3)), so the terms run on four independent chains and a
/// block's sums wait on the previous block's by one addition; the
/// comparisons within a block are added up without branches. A step of
/// the search so costs about a quarter of the latency of a product and a
/// sum in a row.
#[inline]
pub(crate) fn poisson<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda < POISSON_INVERSION_MAX {
        let v = open01(rng) * fast_exp(lambda);
        let l2 = lambda * lambda;
        let l4 = l2 * l2;
        let mut q = [1.0, lambda, l2 * 0.5, l2 * lambda * (1.0 / 6.0)];
        let s1 = 1.0 + lambda;
        let s2 = s1 + q[2];
        let mut s = s2 + q[3];
        if v <= s {
            return (v > 1.0) as u64 + (v > s1) as u64 + (v > s2) as u64;
        }
        let mut k = 4;
        while k + 4 <= INV_FALLING4.len() {
            for (j, q) in q.iter_mut().enumerate() {
                *q *= l4 * INV_FALLING4[k + j];
            }
            let t2 = q[0] + q[1];
            let t3 = t2 + q[2];
            let end = s + (t3 + q[3]);
            if v <= end {
                let within =
                    (v > s + q[0]) as usize + (v > s + t2) as usize + (v > s + t3) as usize;
                return (k + within) as u64;
            }
            s = end;
            k += 4;
        }
        // Beyond the table (means below 30 all but never get here): one
        // term at a time, until the terms no longer change the sum.
        let mut term = q[3];
        loop {
            term *= lambda / k as f64;
            let next = s + term;
            if v <= next || next == s {
                return k as u64;
            }
            s = next;
            k += 1;
        }
    } else {
        Poisson::new(lambda).expect("finite lambda > 0").sample(rng) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::{ConstantRng, Stream, stream_rng};
    use crate::sim::sample::goodness_of_fit::{chi_square, critical};
    use statrs::distribution::{Discrete, Poisson as SPoisson};

    #[test]
    fn poisson_matches_its_pmf_on_both_paths() {
        let draws = 200_000u64;
        for (i, &lambda) in [0.2, 3.5, 17.0, 29.9, 80.0].iter().enumerate() {
            let mut rng = stream_rng(12, i as u64, Stream::Acquisition);
            let mut counts = vec![0u64; (lambda * 4.0 + 40.0) as usize];
            for _ in 0..draws {
                let k = poisson(&mut rng, lambda) as usize;
                let last = counts.len() - 1;
                counts[k.min(last)] += 1;
            }
            let exact = SPoisson::new(lambda).unwrap();
            let (stat, df) = chi_square(&counts, |k| exact.pmf(k), draws);
            assert!(
                stat < critical(df),
                "Poisson({lambda}): chi2 = {stat:.1} on {df} df"
            );
        }
    }

    #[test]
    fn poisson_inversion_ends_well_at_both_ends_of_the_unit_interval() {
        // The smallest uniform open01 gives (2^-54): k = 0, since P(0) =
        // e^-lambda is far above it for every lambda < 30. The largest
        // (1 - 2^-53): the search runs through every block it needs and
        // must stop in the far upper tail (its exact spot there is down to
        // rounding, at a chance of 2^-53), inside the four-term table.
        let pmf = |lambda: f64, j: u64| {
            (-lambda + j as f64 * lambda.ln() - statrs::function::gamma::ln_gamma(j as f64 + 1.0))
                .exp()
        };
        for lambda in [1e-300, 0.2, 3.0, 3.99, 7.5, 17.0, 29.99] {
            assert_eq!(poisson(&mut ConstantRng(0), lambda), 0, "lambda {lambda}");
            let k = poisson(&mut ConstantRng(u64::MAX), lambda);
            let tail: f64 = (k + 1..k + 400).map(|j| pmf(lambda, j)).sum();
            assert!(
                tail <= 1e-12 && k < 128,
                "lambda {lambda}: k = {k}, tail {tail:e}"
            );
        }
    }

    #[test]
    fn poisson_inversion_is_monotone_in_lambda() {
        // Same uniform, larger mean: never fewer (pairing), across the
        // first block, the block boundaries and the switch at 30.
        for seed in 0..2000 {
            let mut last = 0;
            for step in 1..=350 {
                let lambda = step as f64 * 0.1;
                let k = poisson(&mut stream_rng(seed, 0, Stream::Acquisition), lambda);
                if lambda < POISSON_INVERSION_MAX {
                    assert!(k >= last, "seed {seed}, lambda {lambda}: {k} < {last}");
                }
                last = k;
            }
        }
    }
}
