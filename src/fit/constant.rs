//! Constant churn: every customer leaves at each renewal with the same
//! chance p, so lifetimes are geometric. It is the sbg model's limit with no
//! spread of churn chances, and the alternative the likelihood-ratio test
//! compares against.
//!
//! A customer who churned in period t contributes `(1-p)^(t-1) p`, one
//! censored after t renewals `(1-p)^t`. With D churn events and E renewals
//! survived in all, `ll(p) = D ln p + E ln(1-p)`, maximised in closed form
//! at `p = D / (D + E)`: churn events per renewal faced. The observed
//! information there is `(D + E) / (p (1 - p))`.

use super::lifetimes::Lifetimes;

/// A maximum-likelihood constant-churn fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConstantFit {
    /// Estimated churn at every renewal.
    pub monthly: f64,
    /// Its standard error, from the observed information.
    pub monthly_se: f64,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
}

/// Churn events D and renewals survived E.
fn events_and_exposure(lt: &Lifetimes) -> (f64, f64) {
    let mut d = 0.0;
    let mut e = 0.0;
    for t in 0..=lt.last_period() {
        let churned = lt.churned(t) as f64;
        d += churned;
        e += churned * f64::from(t.saturating_sub(1)) + lt.censored(t) as f64 * f64::from(t);
    }
    (d, e)
}

/// `n ln x`, taken as 0 when n = 0 (so p = 0 or 1 is allowed).
fn xlogy(n: f64, x: f64) -> f64 {
    if n == 0.0 { 0.0 } else { n * x.ln() }
}

/// The log-likelihood of `lt` under constant churn `p`.
pub fn log_likelihood(lt: &Lifetimes, p: f64) -> f64 {
    let (d, e) = events_and_exposure(lt);
    xlogy(d, p) + xlogy(e, 1.0 - p)
}

/// The closed-form maximum-likelihood fit. With no renewal faced at all the
/// rate is undefined and reported as 0.
pub fn fit(lt: &Lifetimes) -> ConstantFit {
    let (d, e) = events_and_exposure(lt);
    let n = d + e;
    let p = if n > 0.0 { d / n } else { 0.0 };
    ConstantFit {
        monthly: p,
        monthly_se: if n > 0.0 {
            (p * (1.0 - p) / n).sqrt()
        } else {
            0.0
        },
        log_likelihood: xlogy(d, p) + xlogy(e, 1.0 - p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_is_churn_per_renewal_faced() {
        // 10 customers: 3 leave at renewal 1, 2 at renewal 2, 5 remain after
        // 2 renewals. Renewals faced: 10 + 7 = 17, churn events 5.
        let lt = Lifetimes::from_survival(&[10, 7, 5]).unwrap();
        let f = fit(&lt);
        assert!((f.monthly - 5.0 / 17.0).abs() < 1e-15);
        let direct = 5.0 * (5.0f64 / 17.0).ln() + 12.0 * (12.0f64 / 17.0).ln();
        assert!((f.log_likelihood - direct).abs() < 1e-12);
        assert_eq!(log_likelihood(&lt, f.monthly), f.log_likelihood);
        // The maximum: nearby rates do worse.
        assert!(log_likelihood(&lt, f.monthly + 1e-4) < f.log_likelihood);
        assert!(log_likelihood(&lt, f.monthly - 1e-4) < f.log_likelihood);
        assert!((f.monthly_se - (f.monthly * (1.0 - f.monthly) / 17.0).sqrt()).abs() < 1e-15);
    }
}
