//! Pearson's chi-square test of a sampler's draws against the exact PMF,
//! at a significance of one in a million: the samplers' tests compare their
//! counts with it from fixed seeds, so a correct sampler never fails them.

use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Pearson's chi-square of observed counts against a PMF, bins with
/// expected count < 5 pooled into their neighbour; returns (statistic,
/// degrees of freedom).
pub(crate) fn chi_square(counts: &[u64], pmf: impl Fn(u64) -> f64, draws: u64) -> (f64, usize) {
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
pub(crate) fn critical(df: usize) -> f64 {
    ChiSquared::new(df as f64).unwrap().inverse_cdf(1.0 - 1e-6)
}
