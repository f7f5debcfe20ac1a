//! Fitting churn to a hustle's own data (`hustle-sim fit-churn`).
//!
//! Data in either format ([`data`]) become [`Lifetimes`]: churn and
//! right-censoring counts by renewal period. On them the shifted-beta-
//! geometric model ([`sbg`]) is fitted by maximum likelihood, and constant
//! churn ([`constant`]), its limit without spread of churn chances, in
//! closed form; a likelihood-ratio test compares the two. [`ChurnFit`]
//! gathers the estimates, the implied churn by renewal and survival
//! projected past the data, as the command prints and serialises them;
//! [`report`] renders it for the terminal, [`chart`] draws `fit.png`, and
//! [`rewrite`] puts the fit into a scenario's `[churn]` section.
//!
//! The method is documented for users in `docs/fit-churn.md`.

pub mod chart;
pub mod constant;
pub mod data;
pub mod lifetimes;
pub mod report;
pub mod rewrite;
pub mod sbg;

use crate::error::InputError;
use data::{Dataset, Observations};
pub use lifetimes::Lifetimes;
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Renewals at which the implied churn is reported.
pub const REPORTED_RENEWALS: [u32; 4] = [1, 6, 12, 24];

/// Survival is projected through period max(this, last observed + 12).
pub const MIN_PROJECTION_HORIZON: u32 = 24;

/// Everything `fit-churn` reports; serialised as its `--json` output.
#[derive(Debug, Clone, Serialize)]
pub struct ChurnFit {
    /// The fitted model: always `"sbg"`.
    pub model: &'static str,
    /// sbg alpha: with beta, the Beta spread of customers' churn chances.
    pub alpha: f64,
    /// sbg beta.
    pub beta: f64,
    /// Standard error of alpha from the observed information; null when the
    /// fit lies on a boundary.
    pub alpha_se: Option<f64>,
    /// Standard error of beta, likewise.
    pub beta_se: Option<f64>,
    /// Correlation of the alpha and beta estimates (null with the SEs).
    pub alpha_beta_correlation: Option<f64>,
    /// Maximised log-likelihood of the fitted periods under sbg.
    pub log_likelihood: f64,
    /// The fit used renewal periods 1..=this.
    pub periods_fitted: u32,
    /// `"homogeneous"` when no spread of churn chances is detectable (sbg
    /// improves on constant churn by less than
    /// [`sbg::HOMOGENEOUS_LR`] in the likelihood-ratio statistic, so the
    /// fit is the constant-churn limit; alpha and beta are then a point with
    /// alpha + beta = 1e6 on that limit), `"limit"` when alpha or beta hit
    /// the search range 1e-6..1e6; null for an ordinary interior maximum.
    pub boundary: Option<&'static str>,
    /// The constant-churn fit of the same periods.
    pub constant_churn: ConstantChurn,
    /// sbg against constant churn.
    pub likelihood_ratio: LikelihoodRatio,
    /// Churn implied at renewals 1, 6, 12 and 24.
    pub churn_at_renewal: Vec<RenewalChurn>,
    /// What the data held.
    pub data: DataSummary,
    /// Periods 0..=periods_fitted: observed against fitted survival.
    pub fitted: Vec<PeriodRow>,
    /// Periods after periods_fitted: held-out observations (with
    /// `--fit-periods`) and survival projected past the data.
    pub projection: Vec<PeriodRow>,
}

/// The constant-churn alternative.
#[derive(Debug, Clone, Serialize)]
pub struct ConstantChurn {
    /// Churn at every renewal.
    pub monthly: f64,
    /// Its standard error.
    pub monthly_se: f64,
    /// Its maximised log-likelihood.
    pub log_likelihood: f64,
}

/// The likelihood-ratio test of sbg against constant churn.
#[derive(Debug, Clone, Serialize)]
pub struct LikelihoodRatio {
    /// 2 * (sbg log-likelihood - constant log-likelihood).
    pub statistic: f64,
    /// Degrees of freedom of the chi-square reference: 1.
    pub df: u32,
    /// P(chi-square with 1 df >= statistic).
    pub p_value: f64,
    /// The same against the 50:50 mixture of chi-square 0 and 1 df, the
    /// correct reference because constant churn lies on the boundary of
    /// the sbg parameter space (Self & Liang 1987): half of `p_value`.
    pub p_value_boundary: f64,
}

/// Churn at one renewal.
#[derive(Debug, Clone, Serialize)]
pub struct RenewalChurn {
    /// The renewal, 1 = the first.
    pub renewal: u32,
    /// Share of the customers reaching it who leave, under sbg.
    pub sbg: f64,
    /// The same under constant churn.
    pub constant: f64,
}

/// The data, described.
#[derive(Debug, Clone, Serialize)]
pub struct DataSummary {
    /// The data file.
    pub file: String,
    /// `"survival"` or `"customers"`.
    pub format: &'static str,
    /// Customers in the data.
    pub customers: u64,
    /// Cohorts in a survival table (null for a customer list).
    pub cohorts: Option<usize>,
    /// Customers still active in a customer list (null for a table).
    pub active: Option<u64>,
    /// The date active customers are censored at (customer lists).
    pub as_of: Option<String>,
    /// The last renewal period observed.
    pub last_period: u32,
}

/// Survival at one period.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodRow {
    /// Renewal period; 0 is the start.
    pub period: u32,
    /// Share of customers surviving this many renewals under sbg.
    pub survival: f64,
    /// The same under constant churn.
    pub constant_survival: f64,
    /// sbg churn at this renewal among those who reached it (null at 0).
    pub churn: Option<f64>,
    /// Customers expected active, `survival` times the cohort's size
    /// (single-cohort survival tables only).
    pub expected_alive: Option<f64>,
    /// Observed survival (Kaplan-Meier over all the data, which for a
    /// single cohort is alive / size); null past the data.
    pub observed_survival: Option<f64>,
    /// Observed customers active (single-cohort survival tables only).
    pub observed_alive: Option<u64>,
    /// True for observed periods left out of the fit by `--fit-periods`.
    pub held_out: bool,
}

/// Fits sbg and constant churn to `ds`, on periods 1..=`fit_periods` if
/// given, else on all of them.
pub fn fit_churn(ds: &Dataset, fit_periods: Option<u32>) -> Result<ChurnFit, InputError> {
    let all = &ds.lifetimes;
    let last = all.last_period();
    let k = match fit_periods {
        Some(k) if k < 2 => {
            return Err(InputError::new(format!(
                "--fit-periods {k}: must be at least 2; the spread of churn chances shows only from the second renewal on"
            )));
        }
        Some(k) if k > last => {
            return Err(InputError::new(format!(
                "--fit-periods {k}: {} ends at period {last}; choose at most {last}",
                ds.source
            )));
        }
        Some(k) => k,
        None => last,
    };
    let lt = all.truncated(k);
    let sbg_fit = sbg::fit(&lt).map_err(|e| {
        let scope = if k < last {
            format!(" (periods 1..={k} fitted)")
        } else {
            String::new()
        };
        InputError::new(format!("{}: {e}{scope}", ds.source))
    })?;
    let constant_fit = constant::fit(&lt);
    let (a, b) = (sbg_fit.alpha, sbg_fit.beta);
    let p = constant_fit.monthly;

    let statistic = (2.0 * (sbg_fit.log_likelihood - constant_fit.log_likelihood)).max(0.0);
    let p_value = ChiSquared::new(1.0)
        .expect("1 degree of freedom")
        .sf(statistic);
    let likelihood_ratio = LikelihoodRatio {
        statistic,
        df: 1,
        p_value,
        p_value_boundary: if statistic > 0.0 { 0.5 * p_value } else { 1.0 },
    };

    let km = all.kaplan_meier();
    let single = ds.single_cohort();
    let horizon = MIN_PROJECTION_HORIZON.max(last + 12);
    let curve = sbg::survival_curve(a, b, horizon);
    let row = |t: u32| {
        let s = curve[t as usize];
        PeriodRow {
            period: t,
            survival: s,
            constant_survival: (1.0 - p).powi(t as i32),
            churn: (t > 0).then(|| sbg::churn_at_renewal(a, b, t)),
            expected_alive: single.map(|alive| alive[0] as f64 * s),
            observed_survival: match single {
                Some(alive) => alive.get(t as usize).map(|&n| n as f64 / alive[0] as f64),
                None => km.get(t as usize).copied(),
            },
            observed_alive: single.and_then(|alive| alive.get(t as usize).copied()),
            held_out: t > k && t <= last,
        }
    };
    let (customers, cohorts, active, as_of) = match &ds.observations {
        Observations::Survival { cohorts } => (all.customers(), Some(cohorts.len()), None, None),
        Observations::Customers {
            customers,
            active,
            as_of,
        } => (*customers, None, Some(*active), Some(as_of.to_string())),
    };
    Ok(ChurnFit {
        model: "sbg",
        alpha: a,
        beta: b,
        alpha_se: sbg_fit.alpha_se(),
        beta_se: sbg_fit.beta_se(),
        alpha_beta_correlation: sbg_fit
            .covariance
            .map(|c| c[0][1] / (c[0][0] * c[1][1]).sqrt()),
        log_likelihood: sbg_fit.log_likelihood,
        periods_fitted: k,
        boundary: sbg_fit.boundary.map(|b| match b {
            sbg::Boundary::Homogeneous => "homogeneous",
            sbg::Boundary::Limit => "limit",
        }),
        constant_churn: ConstantChurn {
            monthly: p,
            monthly_se: constant_fit.monthly_se,
            log_likelihood: constant_fit.log_likelihood,
        },
        likelihood_ratio,
        churn_at_renewal: REPORTED_RENEWALS
            .iter()
            .map(|&n| RenewalChurn {
                renewal: n,
                sbg: sbg::churn_at_renewal(a, b, n),
                constant: p,
            })
            .collect(),
        data: DataSummary {
            file: ds.source.clone(),
            format: ds.format().name(),
            customers,
            cohorts,
            active,
            as_of,
            last_period: last,
        },
        fitted: (0..=k).map(row).collect(),
        projection: (k + 1..=horizon).map(row).collect(),
    })
}

impl ChurnFit {
    /// The `--json` output: pretty-printed, with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("a fit serialises");
        v.push(b'\n');
        v
    }

    /// What `--into` writes into a scenario: sbg, or constant churn when
    /// the fit found no spread of churn chances (a homogeneous boundary),
    /// where alpha and beta would only be an arbitrary point on the way to
    /// infinity.
    pub fn scenario_churn(&self) -> rewrite::ChurnSetting {
        if self.boundary == Some("homogeneous") {
            rewrite::ChurnSetting::Constant {
                monthly: self.constant_churn.monthly,
            }
        } else {
            rewrite::ChurnSetting::Sbg {
                alpha: self.alpha,
                beta: self.beta,
            }
        }
    }
}
