//! Draws from Binomial(n, p): how many of a cohort's customers leave in a
//! month, how many of the remaining market a month wins.
//!
//! The count of the rarer outcome is drawn. While its mean is small it is
//! found by sequential search of the exact CDF from 0 (BINV), one uniform
//! per draw: exact up to the rounding of the CDF's terms, and from the same
//! uniform a larger p never gives fewer successes (pairing). Larger means
//! go to `rand_distr`'s BTPE, exact as well, whose setup cost a large count
//! repays.

use crate::sim::rng::open01;
use rand::Rng;
use rand_distr::{Binomial, Distribution};

/// Binomials with a smaller mean (of the rarer outcome) use inversion.
const INVERSION_MAX_MEAN: f64 = 24.0;

/// A draw from Binomial(n, p).
#[inline]
pub(crate) fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
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
pub(crate) fn binomial_with_log<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64, ln_1mp: f64) -> u64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::{Stream, stream_rng};
    use crate::sim::sample::goodness_of_fit::{chi_square, critical};
    use crate::sim::sample::poisson;
    use statrs::distribution::{Binomial as SBinomial, Discrete};

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
