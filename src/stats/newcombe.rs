//! A 95 % interval for the difference between two paired proportions:
//! Newcombe's hybrid score interval (Newcombe 1998, "Improved confidence
//! intervals for the difference between binomial proportions based on
//! paired data", Statistics in Medicine 17, 2635-2650, method 10).
//!
//! With the paired 2 x 2 table
//!
//! ```text
//!                 second: yes   second: no
//!   first: yes        n11           n12
//!   first: no         n21           n22
//! ```
//!
//! the proportions are p1 = (n11 + n12) / n and p2 = (n11 + n21) / n, and
//! the difference p1 - p2 = (n12 - n21) / n depends only on the discordant
//! cells. The interval combines the [Wilson](super::wilson_interval)
//! intervals (l1, u1) and (l2, u2) of the two proportions by "square and
//! add", corrected for their correlation phi:
//!
//! ```text
//!   lower = (p1 - p2) - sqrt((p1 - l1)^2 - 2 phi (p1 - l1)(u2 - p2) + (u2 - p2)^2)
//!   upper = (p1 - p2) + sqrt((p2 - l2)^2 - 2 phi (p2 - l2)(u1 - p1) + (u1 - p1)^2)
//! ```
//!
//! where phi is the correlation of the table, (n11 n22 - n12 n21) /
//! sqrt(product of the four margins), with Newcombe's adjustment: a
//! positive numerator A is replaced by max(A - n/2, 0); phi is 0 when a
//! margin is 0. Unlike the Wald interval it keeps its coverage when the
//! discordant counts are small or zero, which is the usual case for paired
//! scenarios on common random numbers, and it never collapses to a point.

/// Newcombe's hybrid score interval for p1 - p2 from a paired 2 x 2 table
/// (`n11`: yes under both, `n12`: yes under the first only, `n21`: yes
/// under the second only, `n22`: neither) at normal quantile `z`;
/// `[-1, 1]` for an empty table.
pub(crate) fn newcombe_paired_interval(n11: u64, n12: u64, n21: u64, n22: u64, z: f64) -> [f64; 2] {
    let n = n11 + n12 + n21 + n22;
    if n == 0 {
        return [-1.0, 1.0];
    }
    let nf = n as f64;
    let (r1, r2) = (n11 + n12, n21 + n22); // first: yes, no
    let (c1, c2) = (n11 + n21, n12 + n22); // second: yes, no
    let p1 = r1 as f64 / nf;
    let p2 = c1 as f64 / nf;
    let [l1, u1] = super::wilson_interval(r1, n, z);
    let [l2, u2] = super::wilson_interval(c1, n, z);
    let phi = if r1 == 0 || r2 == 0 || c1 == 0 || c2 == 0 {
        0.0
    } else {
        let a = n11 as f64 * n22 as f64 - n12 as f64 * n21 as f64;
        let adjusted = if a > 0.0 { (a - nf / 2.0).max(0.0) } else { a };
        adjusted / (r1 as f64 * r2 as f64 * c1 as f64 * c2 as f64).sqrt()
    };
    let d = p1 - p2;
    let below = (p1 - l1).powi(2) - 2.0 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2).powi(2);
    let above = (p2 - l2).powi(2) - 2.0 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1).powi(2);
    [
        (d - below.max(0.0).sqrt()).max(-1.0),
        (d + above.max(0.0).sqrt()).min(1.0),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::{Z95_TWO_SIDED, wilson_interval};
    use super::*;

    #[test]
    fn matches_the_published_cavo_example() {
        // Fagerland, Lydersen and Laake (2017), "Statistical Analysis of
        // Contingency Tables", chapter 8: complete response before and
        // after consolidation therapy (Cavo et al. 2012), table
        // [[59, 6], [16, 80]]: estimate -0.0621, Newcombe square-and-add
        // 95 % CI -0.1186 to -0.0046 (printed to 4 decimals, hence the
        // tolerance of half a unit in the last place).
        let [lo, hi] = newcombe_paired_interval(59, 6, 16, 80, Z95_TWO_SIDED);
        assert!((lo - -0.1186).abs() < 5e-5, "{lo}");
        assert!((hi - -0.0046).abs() < 5e-5, "{hi}");
    }

    #[test]
    fn without_correlation_it_is_square_and_add_of_wilson_intervals() {
        // A table with n11 n22 - n12 n21 = 0 (phi = 0): the interval is the
        // plain square-and-add combination, computed here directly.
        let (n11, n12, n21, n22) = (10, 20, 30, 60);
        let n = n11 + n12 + n21 + n22;
        let (p1, p2) = ((n11 + n12) as f64 / n as f64, (n11 + n21) as f64 / n as f64);
        let [l1, u1] = wilson_interval(n11 + n12, n, Z95_TWO_SIDED);
        let [l2, u2] = wilson_interval(n11 + n21, n, Z95_TWO_SIDED);
        let lo = p1 - p2 - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
        let hi = p1 - p2 + ((p2 - l2).powi(2) + (u1 - p1).powi(2)).sqrt();
        let [a, b] = newcombe_paired_interval(n11, n12, n21, n22, Z95_TWO_SIDED);
        assert!((a - lo).abs() < 1e-15 && (b - hi).abs() < 1e-15);
    }

    #[test]
    fn identical_outcomes_give_a_narrow_interval_around_zero() {
        // No discordant pairs: the difference is 0, the interval contains
        // it and is far narrower than either proportion's own interval.
        let [lo, hi] = newcombe_paired_interval(4_000, 0, 0, 6_000, Z95_TWO_SIDED);
        assert!(lo < 0.0 && hi > 0.0);
        let [wl, wh] = wilson_interval(4_000, 10_000, Z95_TWO_SIDED);
        assert!(hi - lo < 0.1 * (wh - wl), "{lo}..{hi}");
        // Every count on one side: still inside -1..1.
        let [lo, hi] = newcombe_paired_interval(0, 0, 10, 0, Z95_TWO_SIDED);
        assert!((-1.0..=hi).contains(&lo) && hi <= 0.0);
        assert_eq!(
            newcombe_paired_interval(0, 0, 0, 0, Z95_TWO_SIDED),
            [-1.0, 1.0]
        );
    }
}
