//! Exact samplers for the small counts that dominate the model.
//!
//! Most cohorts hold a handful of customers and most monthly means are
//! small, so the general-purpose algorithms of `rand_distr` (BTPE, PTRS),
//! with their setup cost per call, are kept for large counts only; small
//! ones are drawn by inversion of the exact CDF, one uniform per draw, with
//! the logarithm the hot loop already knows. Inversion also keeps paired
//! scenarios (common random numbers) tightly coupled: a higher churn chance
//! never yields more survivors from the same uniform.

use super::rng::open01;
use rand::Rng;
use rand_distr::{Binomial, Distribution, Poisson};

/// Binomials with a smaller mean (of the rarer outcome) use inversion.
const INVERSION_MAX_MEAN: f64 = 24.0;
/// Poisson means below this use inversion.
const POISSON_INVERSION_MAX: f64 = 30.0;

/// A draw from Binomial(n, p).
#[inline]
pub fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    binomial_with_log(rng, n, p, (-p).ln_1p())
}

/// A draw from Binomial(n, p) given `ln_1mp` = ln(1 - p), which callers in
/// the hot loop compute once for many draws. Needs 0 < p < 1.
#[inline]
pub fn binomial_with_log<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64, ln_1mp: f64) -> u64 {
    if n == 0 {
        return 0;
    }
    if p <= 0.5 {
        if (n as f64) * p < INVERSION_MAX_MEAN {
            binomial_inversion(rng, n, p, ln_1mp)
        } else {
            Binomial::new(n, p).expect("0 < p <= 0.5").sample(rng)
        }
    } else {
        // Count the rarer outcome: failures ~ Binomial(n, 1 - p).
        let q = 1.0 - p;
        let failures = if (n as f64) * q < INVERSION_MAX_MEAN {
            binomial_inversion(rng, n, q, p.ln())
        } else {
            Binomial::new(n, q).expect("0 < q < 0.5").sample(rng)
        };
        n - failures
    }
}

/// Sequential search of the binomial CDF from 0 (Kachitvichyanukul and
/// Schmeiser 1988, algorithm BINV) given ln(1 - q); expected work n q + 1
/// steps.
#[inline]
fn binomial_inversion<R: Rng + ?Sized>(rng: &mut R, n: u64, q: f64, ln_1mq: f64) -> u64 {
    let u = open01(rng);
    let s = q / (1.0 - q);
    // P(0) = (1 - q)^n: binary powering for the small n that dominate
    // (a few roundings, far cheaper than exp), exp of the known log beyond.
    let mut pmf = if n <= 64 {
        powu(1.0 - q, n)
    } else {
        ((n as f64) * ln_1mq).exp()
    };
    let mut cdf = pmf;
    let mut k = 0;
    while u > cdf && k < n {
        pmf *= s * (n - k) as f64 / (k + 1) as f64;
        k += 1;
        cdf += pmf;
        if pmf <= 0.0 {
            // The remaining tail is below f64 resolution.
            break;
        }
    }
    k
}

/// 1/k for the Poisson inversion loop (a multiply instead of a division;
/// past the table, which means below 30 almost never reach, it divides).
const RECIPROCALS: [f64; 128] = {
    let mut t = [0.0; 128];
    let mut k = 1;
    while k < 128 {
        t[k] = 1.0 / k as f64;
        k += 1;
    }
    t
};

/// x^n by binary powering.
#[inline]
fn powu(mut x: f64, mut n: u64) -> f64 {
    let mut p = 1.0;
    while n > 0 {
        if n & 1 == 1 {
            p *= x;
        }
        x *= x;
        n >>= 1;
    }
    p
}

/// A draw from Poisson(lambda), lambda finite and >= 0.
#[inline]
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda < POISSON_INVERSION_MAX {
        let u = open01(rng);
        let mut pmf = (-lambda).exp();
        let mut cdf = pmf;
        let mut k = 0u64;
        while u > cdf {
            k += 1;
            pmf *= lambda
                * RECIPROCALS
                    .get(k as usize)
                    .copied()
                    .unwrap_or(1.0 / k as f64);
            cdf += pmf;
            if pmf <= 0.0 {
                break;
            }
        }
        k
    } else {
        Poisson::new(lambda).expect("finite lambda > 0").sample(rng) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::{Stream, stream_rng};
    use statrs::distribution::{
        Binomial as SBinomial, ChiSquared, ContinuousCDF, Discrete, Poisson as SPoisson,
    };

    /// Pearson's chi-square of observed counts against a PMF, bins with
    /// expected count < 5 pooled into their neighbour; returns (statistic,
    /// degrees of freedom).
    fn chi_square(counts: &[u64], pmf: impl Fn(u64) -> f64, draws: u64) -> (f64, usize) {
        let mut stat = 0.0;
        let mut df = 0usize;
        let (mut obs, mut exp) = (0.0, 0.0);
        let mut tail_p = 1.0;
        for (k, &c) in counts.iter().enumerate() {
            let pk = pmf(k as u64);
            tail_p -= pk;
            obs += c as f64;
            exp += pk * draws as f64;
            if exp >= 5.0 && tail_p * draws as f64 >= 5.0 {
                stat += (obs - exp).powi(2) / exp;
                df += 1;
                obs = 0.0;
                exp = 0.0;
            }
        }
        exp += tail_p.max(0.0) * draws as f64;
        if exp > 0.0 {
            stat += (obs - exp).powi(2) / exp;
            df += 1;
        }
        (stat, df - 1)
    }

    /// Critical value at significance 1e-6: a correct sampler fails one run
    /// in a million, and the seeds are fixed, so the test never flakes.
    fn critical(df: usize) -> f64 {
        ChiSquared::new(df as f64).unwrap().inverse_cdf(1.0 - 1e-6)
    }

    #[test]
    fn binomial_matches_its_pmf_on_every_path() {
        // (n, p) covering inversion and BTPE, each from both sides.
        let cases = [
            (5, 0.3),
            (12, 0.97),
            (40, 0.05),
            (40, 0.9),
            (300, 0.02),
            (500, 0.4),
        ];
        let draws = 200_000u64;
        for (i, &(n, p)) in cases.iter().enumerate() {
            let mut rng = stream_rng(11, i as u64, Stream::Churn);
            let mut counts = vec![0u64; n as usize + 1];
            for _ in 0..draws {
                counts[binomial(&mut rng, n, p) as usize] += 1;
            }
            let exact = SBinomial::new(p, n).unwrap();
            let (stat, df) = chi_square(&counts, |k| exact.pmf(k), draws);
            assert!(
                stat < critical(df),
                "Bin({n}, {p}): chi2 = {stat:.1} on {df} df"
            );
        }
    }

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
    fn edge_probabilities_are_deterministic() {
        let mut rng = stream_rng(1, 1, Stream::Churn);
        assert_eq!(binomial(&mut rng, 50, 0.0), 0);
        assert_eq!(binomial(&mut rng, 50, 1.0), 50);
        assert_eq!(binomial(&mut rng, 0, 0.5), 0);
        assert_eq!(poisson(&mut rng, 0.0), 0);
    }

    #[test]
    fn inversion_is_monotone_in_p() {
        // Same uniform, larger p: never fewer successes (pairing).
        for seed in 0..200 {
            let a = binomial(&mut stream_rng(seed, 0, Stream::Churn), 60, 0.1);
            let b = binomial(&mut stream_rng(seed, 0, Stream::Churn), 60, 0.2);
            assert!(b >= a);
        }
    }
}
