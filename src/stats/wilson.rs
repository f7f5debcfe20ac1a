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
    // The interval always holds p (exactly 1 at p = 1, where rounding left
    // centre + half an ulp short); the bounds keep it within 0..1.
    [(centre - half).clamp(0.0, p), (centre + half).clamp(p, 1.0)]
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

    #[test]
    fn the_interval_holds_the_share_itself() {
        // Regression: with every trajectory a success the upper bound came
        // out as 0.9999999999999999, below the share of 1 it bounds.
        for n in [1, 2, 3, 7, 10, 100, 10_000, 1_000_000, 20_000_000] {
            for s in [0, 1, n / 3, n / 2, n - 1, n] {
                let p = s as f64 / n as f64;
                let [lo, hi] = wilson_interval(s, n, Z95_TWO_SIDED);
                assert!(
                    0.0 <= lo && lo <= p && p <= hi && hi <= 1.0,
                    "{s}/{n}: {lo}..{hi}"
                );
            }
            assert_eq!(wilson_interval(n, n, Z95_TWO_SIDED)[1], 1.0);
            assert_eq!(wilson_interval(0, n, Z95_TWO_SIDED)[0], 0.0);
        }
    }
}
