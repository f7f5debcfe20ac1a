//! Exact samplers for the small counts that dominate the model.
//!
//! Most cohorts hold a handful of customers and most monthly means are
//! small, so the general-purpose algorithms of `rand_distr` (BTPE, PTRS),
//! with their setup cost per call, are kept for large counts only. The fast
//! paths are exact in distribution, and inversion makes one uniform decide
//! one draw, which keeps paired scenarios (common random numbers) tightly
//! coupled: a higher churn chance never yields more survivors from the same
//! uniform.

use super::rng::open01;
use rand::Rng;
use rand_distr::{Binomial, Distribution, Poisson};

/// Cohorts up to this size are renewed by one Bernoulli trial per customer.
const BERNOULLI_MAX_N: u64 = 12;
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
    if n <= BERNOULLI_MAX_N {
        // Successes are the uniforms below p: 2^-64 resolution.
        let threshold = (p * 18_446_744_073_709_551_616.0) as u64;
        return (0..n).filter(|_| rng.next_u64() < threshold).count() as u64;
    }
    let (q, flip) = if p <= 0.5 {
        (p, false)
    } else {
        (1.0 - p, true)
    };
    let k = if (n as f64) * q < INVERSION_MAX_MEAN {
        binomial_inversion(rng, n, q)
    } else {
        Binomial::new(n, q).expect("0 < q <= 0.5").sample(rng)
    };
    if flip { n - k } else { k }
}

/// Sequential search of the binomial CDF from 0 (Kachitvichyanukul and
/// Schmeiser 1988, algorithm BINV); expected work n q + 1 steps.
fn binomial_inversion<R: Rng + ?Sized>(rng: &mut R, n: u64, q: f64) -> u64 {
    let u = open01(rng);
    let s = q / (1.0 - q);
    let mut pmf = ((n as f64) * (-q).ln_1p()).exp();
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
            pmf *= lambda / k as f64;
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
        // (n, p) covering Bernoulli trials, inversion from both sides, BTPE.
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
