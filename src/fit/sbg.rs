//! The shifted-beta-geometric (sbg) churn model and its maximum-likelihood
//! fit (Fader & Hardie 2007, "How to Project Customer Retention", Journal of
//! Interactive Marketing 21(1), 76-90).
//!
//! Each customer has its own chance theta of leaving at every renewal, and
//! theta is spread across customers as Beta(alpha, beta). Averaged over
//! customers, survival after t renewals is
//! `S(t) = B(alpha, beta + t) / B(alpha, beta)`, computed by the recursion
//! `S(t) = S(t-1) * (beta + t - 1) / (alpha + beta + t - 1)`, and the churn
//! among those who reached renewal n (the hazard) is
//! `alpha / (alpha + beta + n - 1)`: it falls with tenure because the
//! customers most likely to leave leave first.
//!
//! The fit maximises the log-likelihood of censored lifetimes,
//! `sum_t churned(t) ln P(T = t) + sum_t censored(t) ln S(t)` with
//! `P(T = t) = S(t-1) - S(t)`, by Newton's method with a backtracking line
//! search on `(ln alpha, ln beta)` (so both stay positive), started from the
//! best point of a coarse grid. Gradient and Hessian are exact (the
//! recursion differentiates term by term); standard errors come from the
//! inverse of the observed information, minus the Hessian on the alpha and
//! beta scale, at the optimum.
//!
//! Constant churn is the limit alpha, beta -> infinity with
//! alpha / (alpha + beta) = p fixed: every customer has the same chance.
//! When the data show no spread of churn chances, the likelihood rises all
//! the way to that limit (the score for the polarisation index
//! rho = 1 / (alpha + beta + 1) at rho = 0, [`heterogeneity_score`], is not
//! positive), or it is so flat along the way that the search stops at some
//! huge alpha and beta that are no estimate at all (exactly geometric data
//! leave the score zero up to rounding). [`fit`] therefore reports
//! [`Boundary::Homogeneous`] whenever sbg improves on constant churn by
//! less than [`HOMOGENEOUS_LR`] in the likelihood-ratio statistic, instead
//! of a meaningless finite estimate.

use super::constant;
use super::lifetimes::Lifetimes;

/// Lower and upper limits of alpha and beta in the search. The lower limit
/// is far below any churn spread seen in practice; at the upper one the
/// Beta spread of churn chances has a standard deviation below 0.001, which
/// is constant churn for every practical purpose.
pub const PARAM_RANGE: (f64, f64) = (1e-6, 1e6);

/// The likelihood-ratio statistic 2 (ll_sbg - ll_constant) below which no
/// spread of churn chances is detected and the fit is the constant-churn
/// limit. Far below any evidence (against the 50:50 mixture of chi-square
/// 0 and 1 df, a statistic of 0.01 has p = 0.46), and ten times what
/// rounding gives: survival counts of constant churn rounded to whole
/// customers give statistics of about 1e-3 and below.
pub const HOMOGENEOUS_LR: f64 = 0.01;

/// alpha + beta used to report a homogeneous fit: a point on the
/// constant-churn ridge whose churn at renewal 24 differs from the constant
/// rate by less than 0.003 % of it.
const HOMOGENEOUS_SCALE: f64 = 1e6;

/// Survival after `t` renewals, S(t).
pub fn survival(alpha: f64, beta: f64, t: u32) -> f64 {
    (1..=t).fold(1.0, |s, i| {
        let i = f64::from(i);
        s * (beta + i - 1.0) / (alpha + beta + i - 1.0)
    })
}

/// [`survival`] for t = 0..=`last`, by one running product: the same
/// products, bit for bit, in time linear in `last`.
pub fn survival_curve(alpha: f64, beta: f64, last: u32) -> Vec<f64> {
    let mut s = 1.0;
    std::iter::once(1.0)
        .chain((1..=last).map(|i| {
            let i = f64::from(i);
            s = s * (beta + i - 1.0) / (alpha + beta + i - 1.0);
            s
        }))
        .collect()
}

/// Churn at the `n`-th renewal among customers who reached it (n >= 1):
/// alpha / (alpha + beta + n - 1).
pub fn churn_at_renewal(alpha: f64, beta: f64, n: u32) -> f64 {
    alpha / (alpha + beta + f64::from(n) - 1.0)
}

/// Probability that a new customer churns in period `t` (t >= 1):
/// S(t-1) - S(t).
pub fn churn_probability(alpha: f64, beta: f64, t: u32) -> f64 {
    survival(alpha, beta, t - 1) * churn_at_renewal(alpha, beta, t)
}

/// The log-likelihood of `lt` under sbg(alpha, beta).
pub fn log_likelihood(lt: &Lifetimes, alpha: f64, beta: f64) -> f64 {
    let mut ll = 0.0;
    let mut ln_s = 0.0; // ln S(t - 1)
    for t in 1..=lt.last_period() {
        let r = alpha + beta + f64::from(t) - 1.0;
        let d = lt.churned(t) as f64;
        if d > 0.0 {
            ll += d * (alpha.ln() - r.ln() + ln_s);
        }
        ln_s += (beta + f64::from(t) - 1.0).ln() - r.ln();
        let c = lt.censored(t) as f64;
        if c > 0.0 {
            ll += c * ln_s;
        }
    }
    ll
}

/// Log-likelihood with its exact gradient and Hessian in (alpha, beta).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Derivatives {
    /// The log-likelihood.
    pub ll: f64,
    /// d ll / d(alpha, beta).
    pub gradient: [f64; 2],
    /// Second derivatives, symmetric.
    pub hessian: [[f64; 2]; 2],
}

/// The log-likelihood and its first and second derivatives at
/// (alpha, beta), by differentiating the survival recursion:
/// `d ln S(t)/d alpha = -sum 1/r_i`, `d ln S(t)/d beta = sum 1/(beta+i-1) -
/// 1/r_i` with `r_i = alpha + beta + i - 1`, and so on.
pub fn derivatives(lt: &Lifetimes, alpha: f64, beta: f64) -> Derivatives {
    let (mut ll, mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    // ln S(t-1) and its derivatives.
    let (mut s, mut sa, mut sb, mut saa, mut sab, mut sbb) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for t in 1..=lt.last_period() {
        let r = alpha + beta + f64::from(t) - 1.0;
        let q = beta + f64::from(t) - 1.0;
        let d = lt.churned(t) as f64;
        if d > 0.0 {
            // ln P(T = t) = ln alpha - ln r + ln S(t-1)
            ll += d * (alpha.ln() - r.ln() + s);
            ga += d * (1.0 / alpha - 1.0 / r + sa);
            gb += d * (-1.0 / r + sb);
            haa += d * (-1.0 / (alpha * alpha) + 1.0 / (r * r) + saa);
            hab += d * (1.0 / (r * r) + sab);
            hbb += d * (1.0 / (r * r) + sbb);
        }
        s += q.ln() - r.ln();
        sa -= 1.0 / r;
        sb += 1.0 / q - 1.0 / r;
        saa += 1.0 / (r * r);
        sab += 1.0 / (r * r);
        sbb += -1.0 / (q * q) + 1.0 / (r * r);
        let c = lt.censored(t) as f64;
        if c > 0.0 {
            ll += c * s;
            ga += c * sa;
            gb += c * sb;
            haa += c * saa;
            hab += c * sab;
            hbb += c * sbb;
        }
    }
    Derivatives {
        ll,
        gradient: [ga, gb],
        hessian: [[haa, hab], [hab, hbb]],
    }
}

/// Why a fit lies on the edge of the parameter space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundary {
    /// No spread of churn chances is detectable: sbg improves on constant
    /// churn by less than [`HOMOGENEOUS_LR`], and the fit is the
    /// constant-churn limit (alpha, beta -> infinity).
    Homogeneous,
    /// alpha or beta ran into [`PARAM_RANGE`]; the estimate is a limit, not
    /// an interior maximum, so it has no standard errors.
    Limit,
}

/// A maximum-likelihood sbg fit.
#[derive(Debug, Clone, PartialEq)]
pub struct SbgFit {
    /// Estimated alpha.
    pub alpha: f64,
    /// Estimated beta.
    pub beta: f64,
    /// Covariance of (alpha, beta): the inverse observed information.
    /// `None` on a boundary or if the information is not positive definite.
    pub covariance: Option<[[f64; 2]; 2]>,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// Set when the maximum lies on the edge of the parameter space.
    pub boundary: Option<Boundary>,
    /// Newton iterations used.
    pub iterations: u32,
}

impl SbgFit {
    /// Standard error of alpha.
    pub fn alpha_se(&self) -> Option<f64> {
        self.covariance.map(|c| c[0][0].sqrt())
    }

    /// Standard error of beta.
    pub fn beta_se(&self) -> Option<f64> {
        self.covariance.map(|c| c[1][1].sqrt())
    }
}

/// Data that cannot identify the sbg model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    /// Nobody faced a second renewal, so only the first-renewal churn is
    /// known and the spread of churn chances is not identifiable.
    #[error(
        "the data reach only {0} renewal period(s); fitting sbg needs customers observed through at least 2 renewals"
    )]
    TooFewPeriods(u32),
    /// No churn in the fitted periods: the estimate would be alpha -> 0.
    #[error("no customer churned in the fitted periods, so churn cannot be estimated")]
    NoChurn,
}

/// Checks that `lt` can identify sbg.
pub fn check_identifiable(lt: &Lifetimes) -> Result<(), FitError> {
    let last = lt.last_period();
    if last < 2 || lt.at_risk(2) == 0 {
        let reached = (1..=last).rev().find(|&t| lt.at_risk(t) > 0).unwrap_or(0);
        return Err(FitError::TooFewPeriods(reached));
    }
    // Someone faced renewal 2, so someone renewed at least once: churn is
    // below 100 %. It must also be above 0.
    if lt.total_churned() == 0 {
        return Err(FitError::NoChurn);
    }
    Ok(())
}

/// The score (first derivative of the log-likelihood) for the polarisation
/// index rho = 1 / (alpha + beta + 1) at rho = 0, holding the mean churn
/// chance p = alpha / (alpha + beta) at `p`. With hazard
/// `h_n = p (1 - rho) / (1 + (n - 2) rho)`, `dh_n/drho = -p (n - 1)` at 0,
/// which gives `sum_t churned(t) [-(t-1) + p/(1-p) (t-1)(t-2)/2] +
/// sum_t censored(t) p/(1-p) t(t-1)/2`. At the constant-churn estimate of p,
/// a score <= 0 means no spread of churn chances improves on constant
/// churn.
pub fn heterogeneity_score(lt: &Lifetimes, p: f64) -> f64 {
    let odds = p / (1.0 - p);
    (1..=lt.last_period())
        .map(|t| {
            let t = f64::from(t);
            lt.churned(t as u32) as f64 * (-(t - 1.0) + odds * (t - 1.0) * (t - 2.0) / 2.0)
                + lt.censored(t as u32) as f64 * odds * t * (t - 1.0) / 2.0
        })
        .sum()
}

/// Fits sbg to `lt` by maximum likelihood.
pub fn fit(lt: &Lifetimes) -> Result<SbgFit, FitError> {
    check_identifiable(lt)?;
    let (lo, hi) = (PARAM_RANGE.0.ln(), PARAM_RANGE.1.ln());
    let ll_at = |th: [f64; 2]| log_likelihood(lt, th[0].exp(), th[1].exp());

    // Start from the best point of a coarse grid in log space.
    let mut start = [0.0, 0.0];
    let mut best = f64::NEG_INFINITY;
    for i in -3..=6 {
        for j in -3..=6 {
            let th = [f64::from(i), f64::from(j)];
            let ll = ll_at(th);
            if ll > best {
                best = ll;
                start = th;
            }
        }
    }

    let mut th = start;
    let mut iterations = 0;
    for _ in 0..500 {
        iterations += 1;
        let (a, b) = (th[0].exp(), th[1].exp());
        let d = derivatives(lt, a, b);
        // Chain rule to theta = ln(alpha), ln(beta).
        let x = [a, b];
        let g = [d.gradient[0] * a, d.gradient[1] * b];
        let mut h = [[0.0; 2]; 2];
        for i in 0..2 {
            for j in 0..2 {
                h[i][j] = x[i] * x[j] * d.hessian[i][j];
            }
            h[i][i] += x[i] * d.gradient[i];
        }
        // Newton step on the negative Hessian, damped (Levenberg) until it
        // is positive definite so the step goes uphill.
        let scale = h[0][0].abs() + h[1][1].abs() + 1e-12;
        let mut lambda = 0.0;
        let step = loop {
            let m = [[-h[0][0] + lambda, -h[0][1]], [-h[1][0], -h[1][1] + lambda]];
            let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
            if m[0][0] > 0.0 && det > 0.0 {
                break [
                    (m[1][1] * g[0] - m[0][1] * g[1]) / det,
                    (m[0][0] * g[1] - m[1][0] * g[0]) / det,
                ];
            }
            lambda = if lambda == 0.0 {
                1e-6 * scale
            } else {
                lambda * 4.0
            };
        };
        // Predicted increase of a full step; below rounding noise we stop.
        if 0.5 * (g[0] * step[0] + g[1] * step[1]) < 1e-11 * (1.0 + d.ll.abs()) {
            break;
        }
        let mut s = 1.0;
        let mut moved = false;
        for _ in 0..60 {
            let cand = [
                (th[0] + s * step[0]).clamp(lo, hi),
                (th[1] + s * step[1]).clamp(lo, hi),
            ];
            if ll_at(cand) > d.ll {
                th = cand;
                moved = true;
                break;
            }
            s *= 0.5;
        }
        if !moved {
            break;
        }
    }

    let (alpha, beta) = (th[0].exp(), th[1].exp());
    let ll = log_likelihood(lt, alpha, beta);
    let constant = constant::fit(lt);
    let on_edge = th.iter().any(|&v| v - lo < 1e-6 || hi - v < 1e-6);
    if 2.0 * (ll - constant.log_likelihood) < HOMOGENEOUS_LR {
        let p = constant.monthly;
        return Ok(SbgFit {
            alpha: p * HOMOGENEOUS_SCALE,
            beta: (1.0 - p) * HOMOGENEOUS_SCALE,
            covariance: None,
            // The supremum: the limit, or the search's last point if that
            // is (insignificantly) higher.
            log_likelihood: ll.max(constant.log_likelihood),
            boundary: Some(Boundary::Homogeneous),
            iterations,
        });
    }
    let covariance = if on_edge {
        None
    } else {
        let hm = derivatives(lt, alpha, beta).hessian;
        let info = [[-hm[0][0], -hm[0][1]], [-hm[1][0], -hm[1][1]]];
        let det = info[0][0] * info[1][1] - info[0][1] * info[1][0];
        (info[0][0] > 0.0 && det > 0.0).then(|| {
            [
                [info[1][1] / det, -info[0][1] / det],
                [-info[1][0] / det, info[0][0] / det],
            ]
        })
    };
    Ok(SbgFit {
        alpha,
        beta,
        covariance,
        log_likelihood: ll,
        boundary: on_edge.then_some(Boundary::Limit),
        iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fader & Hardie (2007), regular customers, periods 0..=12.
    const REGULAR: [u64; 13] = [
        1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173,
    ];

    #[test]
    fn the_survival_curve_is_survival_at_every_period_bit_for_bit() {
        // Regression: the fit's table called survival(t) for every period,
        // a product of t terms each, so 96,000 periods took half a minute.
        for (a, b) in [(0.704, 1.182), (3.0, 40.0), (1e-3, 1e3)] {
            let curve = survival_curve(a, b, 500);
            assert_eq!(curve.len(), 501);
            for (t, s) in curve.iter().enumerate() {
                assert_eq!(s.to_bits(), survival(a, b, t as u32).to_bits(), "t = {t}");
            }
        }
    }

    #[test]
    fn survival_matches_the_beta_function_form() {
        // S(t) = B(a, b + t) / B(a, b), via ln Gamma.
        use statrs::function::gamma::ln_gamma;
        let ln_b = |a: f64, b: f64| ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
        for &(a, b) in &[(0.704, 1.182), (2.0, 30.0), (0.1, 0.3)] {
            for t in [0, 1, 5, 24] {
                let direct = (ln_b(a, b + f64::from(t)) - ln_b(a, b)).exp();
                let s = survival(a, b, t);
                assert!(
                    (s - direct).abs() < 1e-12 * direct.max(1e-300),
                    "{a} {b} {t}"
                );
            }
        }
    }

    #[test]
    fn log_likelihood_at_alpha_beta_one_matches_the_published_value() {
        // Reported for these data (Fader & Hardie 2007, periods 1..7): about
        // -1741.73 at alpha = beta = 1.
        let lt = Lifetimes::from_survival(&REGULAR[..=7]).unwrap();
        let ll = log_likelihood(&lt, 1.0, 1.0);
        assert!((ll - -1741.73).abs() < 0.005, "{ll}");
        assert_eq!(derivatives(&lt, 1.0, 1.0).ll, ll);
    }

    #[test]
    fn exact_derivatives_agree_with_finite_differences() {
        // Central differences have error O(h^2) ~ 1e-8 relative at h = 1e-4;
        // the tolerance 1e-5 relative leaves room for rounding in ll ~ 1e3.
        let lt = Lifetimes::from_survival(&REGULAR[..=7]).unwrap();
        let (a, b) = (0.9, 1.4);
        let d = derivatives(&lt, a, b);
        let h = 1e-4;
        let f = |a: f64, b: f64| log_likelihood(&lt, a, b);
        let ga = (f(a + h, b) - f(a - h, b)) / (2.0 * h);
        let gb = (f(a, b + h) - f(a, b - h)) / (2.0 * h);
        let haa = (f(a + h, b) - 2.0 * f(a, b) + f(a - h, b)) / (h * h);
        let hbb = (f(a, b + h) - 2.0 * f(a, b) + f(a, b - h)) / (h * h);
        let hab =
            (f(a + h, b + h) - f(a + h, b - h) - f(a - h, b + h) + f(a - h, b - h)) / (4.0 * h * h);
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-5 * y.abs().max(1.0);
        assert!(close(ga, d.gradient[0]), "{ga} {:?}", d.gradient);
        assert!(close(gb, d.gradient[1]), "{gb} {:?}", d.gradient);
        assert!(close(haa, d.hessian[0][0]), "{haa} {:?}", d.hessian);
        assert!(close(hab, d.hessian[0][1]), "{hab} {:?}", d.hessian);
        assert!(close(hbb, d.hessian[1][1]), "{hbb} {:?}", d.hessian);
    }

    #[test]
    fn heterogeneity_score_is_the_derivative_along_rho() {
        // Differentiate ll along rho at fixed p numerically, from the side
        // rho > 0 (alpha = p (1 - rho) / rho, beta = (1 - p)(1 - rho) / rho).
        let lt = Lifetimes::from_survival(&REGULAR[..=7]).unwrap();
        let p = 0.3;
        let at = |rho: f64| {
            let k = (1.0 - rho) / rho;
            log_likelihood(&lt, p * k, (1.0 - p) * k)
        };
        let (r1, r2) = (1e-6, 2e-6);
        // One-sided difference with Richardson extrapolation: O(rho^2).
        let slope = 2.0 * (at(r1) - constant::log_likelihood(&lt, p)) / r1
            - (at(r2) - constant::log_likelihood(&lt, p)) / r2;
        let score = heterogeneity_score(&lt, p);
        assert!(
            (slope - score).abs() < 1e-3 * score.abs(),
            "{slope} {score}"
        );
    }

    #[test]
    fn fader_hardie_regular_fit_reproduces_the_paper() {
        let fit = fit(&Lifetimes::from_survival(&REGULAR[..=7]).unwrap()).unwrap();
        // Published to 3 decimals (alpha, beta) and 2 (log-likelihood).
        assert!((fit.alpha - 0.704).abs() < 5e-4, "{}", fit.alpha);
        assert!((fit.beta - 1.182).abs() < 5e-4, "{}", fit.beta);
        assert!(
            (fit.log_likelihood - -1680.27).abs() < 5e-3,
            "{}",
            fit.log_likelihood
        );
        assert!(fit.boundary.is_none());
        // At a maximum the gradient vanishes.
        let g = derivatives(
            &Lifetimes::from_survival(&REGULAR[..=7]).unwrap(),
            fit.alpha,
            fit.beta,
        )
        .gradient;
        assert!(g[0].abs() < 1e-5 && g[1].abs() < 1e-5, "{g:?}");
    }

    #[test]
    fn homogeneous_data_fit_the_constant_churn_limit() {
        // Exactly geometric survival, 10 % churn every period: no spread.
        let alive: Vec<u64> = (0..=10)
            .map(|t| (1_000_000.0 * 0.9f64.powi(t)).round() as u64)
            .collect();
        let lt = Lifetimes::from_survival(&alive).unwrap();
        let fit = fit(&lt).unwrap();
        assert_eq!(fit.boundary, Some(Boundary::Homogeneous));
        assert!(fit.covariance.is_none());
        assert!((churn_at_renewal(fit.alpha, fit.beta, 1) - 0.1).abs() < 1e-6);
        assert!((churn_at_renewal(fit.alpha, fit.beta, 24) - 0.1).abs() < 1e-5);
    }

    #[test]
    fn exactly_constant_churn_is_recognised_as_the_homogeneous_boundary() {
        // Regression: exactly 10 % churn a month (100,000 customers, so
        // every count is whole: 100000, 90000, 81000, 72900, 65610, 59049)
        // fitted alpha ~ 1e4, beta ~ 1e5 with standard errors in the
        // millions and no boundary, as rounding left the score a hair above
        // zero. The same for 10 % churn rounded to whole customers, and
        // rounded down, over 12 and 24 periods.
        let exact: Vec<u64> = (0..=5)
            .map(|t| 100_000 * 9u64.pow(t) / 10u64.pow(t))
            .collect();
        assert_eq!(exact, [100000, 90000, 81000, 72900, 65610, 59049]);
        let mut tables = vec![exact];
        for (n, periods) in [(1_000.0, 24), (10_000.0, 12), (10_000.0, 24), (1e6, 12)] {
            let curve = |t: i32| n * 0.9f64.powi(t);
            tables.push((0..=periods).map(|t| curve(t).round() as u64).collect());
            tables.push((0..=periods).map(|t| curve(t).floor() as u64).collect());
        }
        for alive in &tables {
            let lt = Lifetimes::from_survival(alive).unwrap();
            let fit = fit(&lt).unwrap();
            assert_eq!(fit.boundary, Some(Boundary::Homogeneous), "{alive:?}");
            let lr = 2.0 * (fit.log_likelihood - constant::fit(&lt).log_likelihood);
            assert!((0.0..HOMOGENEOUS_LR).contains(&lr), "{lr}");
            // Rounding moves each count by less than one customer, and the
            // rate (churn events over renewals faced, thousands of them)
            // by well under 1e-3.
            let p = churn_at_renewal(fit.alpha, fit.beta, 1);
            assert!((p - 0.1).abs() < 1e-3, "{p} for {alive:?}");
        }
    }

    #[test]
    fn unidentifiable_data_are_refused() {
        assert_eq!(
            fit(&Lifetimes::from_survival(&[100, 80]).unwrap()),
            Err(FitError::TooFewPeriods(1))
        );
        assert_eq!(
            fit(&Lifetimes::from_survival(&[100, 100, 100]).unwrap()),
            Err(FitError::NoChurn)
        );
        // Everyone who reached renewal 1 left at it; the rest are too new.
        let mut lt = Lifetimes::new();
        lt.add_churned(1, 10);
        lt.add_censored(0, 5);
        assert_eq!(fit(&lt), Err(FitError::TooFewPeriods(1)));
        // Customers censored after 3 renewals, but nobody churned.
        let mut lt = Lifetimes::new();
        lt.add_censored(3, 7);
        assert_eq!(fit(&lt), Err(FitError::NoChurn));
    }
}
