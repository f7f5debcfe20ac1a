//! Wilson score intervals for a binomial proportion (Wilson 1927).

/// Two-sided 95 % standard normal quantile.
pub const Z95_TWO_SIDED: f64 = 1.959_963_984_540_054;

/// The Wilson score interval for `successes` out of `n` at normal quantile
/// `z`; `[0, 1]` when `n == 0`. Unlike the Wald interval it stays inside
/// 0..1 and keeps its coverage near p = 0 or 1, where many hustle outcomes
/// sit.
pub fn wilson_interval(successes: u64, n: u64, z: f64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let n_f = n as f64;
    let p = successes as f64 / n_f;
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = z / denom * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt();
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_published_example() {
        // Newcombe (1998), Statistics in Medicine 17, table I: 81 of 263
        // gives 0.2553 to 0.3662 (method 3, Wilson without correction).
        let [lo, hi] = wilson_interval(81, 263, Z95_TWO_SIDED);
        assert!((lo - 0.2553).abs() < 5e-5, "{lo}");
        assert!((hi - 0.3662).abs() < 5e-5, "{hi}");
    }

    #[test]
    fn extremes_stay_inside_unit_interval() {
        let [lo, hi] = wilson_interval(0, 10, Z95_TWO_SIDED);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.2 && hi < 0.35);
        let [lo, hi] = wilson_interval(10, 10, Z95_TWO_SIDED);
        assert!(lo > 0.65 && (hi - 1.0).abs() < 1e-12);
    }
}
