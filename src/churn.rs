//! Churn in people's terms (docs/model.md, A scenario file, *Churn in
//! people's terms*): the shifted-beta-geometric churn of alpha and beta
//! said as the churn at the first renewal and a polarisation, as Fader and
//! Hardie (2007) describe the Beta distribution of customers' churn
//! chances, and the churn at a few renewals that `check`, `compare`,
//! `sensitivity` and the tornado chart show.
//!
//! With customers' churn chances spread as Beta(alpha, beta), a customer
//! still active at its n-th renewal leaves with chance
//! alpha / (alpha + beta + n - 1). At the first renewal that is the mean of
//! the spread, `churn.monthly` = alpha / (alpha + beta); the polarisation
//! `churn.polarisation` = 1 / (alpha + beta + 1) says how unlike customers
//! are: near 0 they all churn alike (constant churn), near 1 some leave at
//! once and the rest hardly ever. Together they give back
//! alpha = monthly (1 / polarisation - 1) and
//! beta = (1 - monthly) (1 / polarisation - 1).

use crate::model::{ChurnModel, Model};
use crate::scenario::keys::{MAX_MAGNITUDE, Param};
use crate::sim::CompiledModel;

/// The renewals at which churn is shown: the first, and after half a year
/// and a year of renewals.
pub const RENEWALS: [u32; 3] = [1, 6, 12];

/// Draws of a model's parameters that [`ChurnByRenewal::of`] takes its
/// percentiles from.
pub const DRAWS: u64 = 4_000;

/// The seed of those draws: fixed, so that what is shown never changes
/// from one call to the next.
pub const DRAW_SEED: u64 = 42;

/// The chance that a customer still active at its `n`-th renewal leaves
/// then, under sbg churn with shapes `alpha` and `beta`.
pub fn at_renewal(alpha: f64, beta: f64, n: u32) -> f64 {
    // n - 1 first: (alpha + beta + 1) - 1 would lose a tiny alpha + beta.
    alpha / (alpha + beta + f64::from(n.saturating_sub(1)))
}

/// The first-renewal churn, alpha / (alpha + beta).
pub fn monthly(alpha: f64, beta: f64) -> f64 {
    alpha / (alpha + beta)
}

/// The polarisation, 1 / (alpha + beta + 1).
pub fn polarisation(alpha: f64, beta: f64) -> f64 {
    1.0 / (alpha + beta + 1.0)
}

/// Alpha and beta of a first-renewal churn `monthly` and a `polarisation`,
/// both strictly between 0 and 1. Alpha + beta is at most
/// [`MAX_MAGNITUDE`], as every parameter is: a polarisation below about
/// 1e-9 gives the spread of 1e-9 (customers all but alike).
pub fn alpha_beta(monthly: f64, polarisation: f64) -> (f64, f64) {
    let total = (1.0 / polarisation - 1.0).min(MAX_MAGNITUDE);
    (monthly * total, (1.0 - monthly) * total)
}

/// How a scenario under sbg churn gives its alpha and beta (docs/model.md,
/// *Churn in people's terms*): as written, from the first-renewal churn and
/// the polarisation, or alpha and beta as written with one of the two
/// replaced by an override. Each trajectory converts its own draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SbgForm {
    /// `churn.alpha` and `churn.beta`.
    AlphaBeta,
    /// `churn.monthly` and `churn.polarisation`.
    MonthlyPolarisation,
    /// `churn.alpha` and `churn.beta`, with the first-renewal churn set to
    /// `churn.monthly` and the polarisation they give kept.
    AlphaBetaAtMonthly,
    /// `churn.alpha` and `churn.beta`, with the polarisation set to
    /// `churn.polarisation` and the first-renewal churn they give kept.
    AlphaBetaAtPolarisation,
}

impl SbgForm {
    /// A trajectory's alpha and beta from its drawn `values` (indexed by
    /// [`Param`]): the churn keys as this form reads them.
    #[inline]
    pub fn alpha_beta(self, values: &[f64]) -> (f64, f64) {
        let v = |p: Param| values[p as usize];
        let (a, b) = (v(Param::ChurnAlpha), v(Param::ChurnBeta));
        match self {
            SbgForm::AlphaBeta => (a, b),
            SbgForm::MonthlyPolarisation => {
                alpha_beta(v(Param::ChurnMonthly), v(Param::ChurnPolarisation))
            }
            SbgForm::AlphaBetaAtMonthly => {
                let m = v(Param::ChurnMonthly);
                (m * (a + b), (1.0 - m) * (a + b))
            }
            SbgForm::AlphaBetaAtPolarisation => {
                alpha_beta(monthly(a, b), v(Param::ChurnPolarisation))
            }
        }
    }
}

/// A customer's own chance to leave at renewals 1, 6 and 12 ([`RENEWALS`])
/// across a model's parameter draws, before competitors lure any away:
/// the 10th, 50th and 90th percentiles of [`DRAWS`] draws (all equal for
/// fixed churn).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChurnByRenewal {
    /// 10th percentile at each renewal.
    pub p10: [f64; 3],
    /// Median at each renewal.
    pub p50: [f64; 3],
    /// 90th percentile at each renewal.
    pub p90: [f64; 3],
}

impl ChurnByRenewal {
    /// The churn at [`RENEWALS`] of a model's trajectories, from the
    /// parameters its first [`DRAWS`] trajectories of seed [`DRAW_SEED`]
    /// draw (clamped and converted as a run draws them).
    pub fn of(model: &Model) -> Self {
        let cm = CompiledModel::new(model);
        let mut by_renewal: [Vec<f64>; 3] = Default::default();
        for i in 0..DRAWS {
            let params = cm.draw_params(DRAW_SEED, i);
            for (k, n) in RENEWALS.iter().enumerate() {
                let h = match model.churn {
                    ChurnModel::Constant => params.get(Param::ChurnMonthly),
                    ChurnModel::Sbg => at_renewal(
                        params.get(Param::ChurnAlpha),
                        params.get(Param::ChurnBeta),
                        *n,
                    ),
                };
                by_renewal[k].push(h);
            }
        }
        let quantile = |xs: &mut Vec<f64>, q: f64| {
            xs.sort_by(f64::total_cmp);
            // The nearest rank: a value some draw had.
            let i = ((q * xs.len() as f64).ceil() as usize).clamp(1, xs.len()) - 1;
            xs[i]
        };
        let mut out = ChurnByRenewal {
            p10: [0.0; 3],
            p50: [0.0; 3],
            p90: [0.0; 3],
        };
        for (k, xs) in by_renewal.iter_mut().enumerate() {
            out.p10[k] = quantile(xs, 0.1);
            out.p50[k] = quantile(xs, 0.5);
            out.p90[k] = quantile(xs, 0.9);
        }
        out
    }

    /// Whether the churn differs from draw to draw.
    pub fn uncertain(&self) -> bool {
        self.p10 != self.p90
    }

    /// The medians in %: `"5.9 % / 4.5 % / 3.6 %"`.
    pub fn medians(&self) -> String {
        self.p50
            .iter()
            .map(|&h| percent(h))
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// Each renewal's 10th to 90th percentile in %:
    /// `"4.4-8.0 % / 3.5-5.9 % / 2.9-4.5 %"` (one value where they read
    /// the same).
    pub fn ranges(&self) -> String {
        (0..3)
            .map(|k| {
                if digits(self.p10[k]) == digits(self.p90[k]) {
                    percent(self.p10[k])
                } else {
                    format!("{}-{}", digits(self.p10[k]), percent(self.p90[k]))
                }
            })
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

/// A chance in % with one decimal, or two below 1 % (so 0.35 % does not
/// read 0.4 %), or in scientific form below 0.01 %.
fn digits(h: f64) -> String {
    let p = h * 100.0;
    if p != 0.0 && p.abs() < 0.01 {
        format!("{p:.1e}")
    } else if p.abs() < 1.0 {
        format!("{p:.2}")
    } else {
        format!("{p:.1}")
    }
}

/// A chance in % as `check` and the tables show churn: one decimal, two
/// below 1 %, scientific below 0.01 %.
pub fn percent(h: f64) -> String {
    format!("{} %", digits(h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn model(text: &str) -> Model {
        Scenario::parse(text, "t.toml", "t")
            .and_then(|s| s.model())
            .unwrap()
    }

    #[test]
    fn monthly_and_polarisation_give_back_alpha_and_beta() {
        for (a, b) in [(1.0, 15.0), (0.7036, 1.182), (3.0, 0.5), (1e-3, 2e5)] {
            let (m, p) = (monthly(a, b), polarisation(a, b));
            let (a2, b2) = alpha_beta(m, p);
            assert!((a2 - a).abs() <= 1e-12 * a.max(1.0), "{a} {a2}");
            assert!((b2 - b).abs() <= 1e-12 * b.max(1.0), "{b} {b2}");
            assert!((at_renewal(a, b, 1) - m).abs() <= 1e-15, "{a} {b}");
        }
        // Fader and Hardie's regular customers: alpha 0.704, beta 1.182.
        assert!((monthly(0.704, 1.182) - 0.3733).abs() < 1e-4);
        assert!((polarisation(0.704, 1.182) - 0.3465).abs() < 1e-4);
    }

    fn with_set(text: &str, sets: &[&str]) -> Model {
        let mut s = Scenario::parse(text, "t.toml", "t").unwrap();
        for a in sets {
            s.set(a).unwrap();
        }
        s.model().unwrap()
    }

    #[test]
    fn each_trajectory_converts_its_own_draws() {
        let ab =
            "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = \"0.5 to 2\"\nbeta = \"10 to 20\"\n";
        let base = CompiledModel::new(&with_set(ab, &[]));
        let at_monthly = CompiledModel::new(&with_set(ab, &["churn.monthly=\"6% to 10%\""]));
        let at_polarisation = CompiledModel::new(&with_set(ab, &["churn.polarisation=0.2"]));
        let mp = CompiledModel::new(&with_set(
            ab,
            &["churn.monthly=\"6% to 10%\"", "churn.polarisation=0.2"],
        ));
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(1.0);
        for i in 0..200 {
            let p = base.draw_params(7, i);
            let (a, b) = (p.get(Param::ChurnAlpha), p.get(Param::ChurnBeta));
            // A new first-renewal churn: alpha + beta (so the polarisation)
            // as drawn, the mean as drawn for churn.monthly.
            let q = at_monthly.draw_params(7, i);
            let (a2, b2) = (q.get(Param::ChurnAlpha), q.get(Param::ChurnBeta));
            assert!(close(a2 + b2, a + b), "{i}");
            assert!(close(monthly(a2, b2), q.get(Param::ChurnMonthly)), "{i}");
            // A new polarisation: the mean as drawn.
            let r = at_polarisation.draw_params(7, i);
            let (a3, b3) = (r.get(Param::ChurnAlpha), r.get(Param::ChurnBeta));
            assert!(close(monthly(a3, b3), monthly(a, b)), "{i}");
            assert!(close(polarisation(a3, b3), 0.2), "{i}");
            // Both: each as drawn; churn.monthly draws what it draws in
            // the variant that sets it alone.
            let s = mp.draw_params(7, i);
            let (a4, b4) = (s.get(Param::ChurnAlpha), s.get(Param::ChurnBeta));
            assert_eq!(s.get(Param::ChurnMonthly), q.get(Param::ChurnMonthly));
            assert!(close(monthly(a4, b4), s.get(Param::ChurnMonthly)), "{i}");
            assert!(close(polarisation(a4, b4), 0.2), "{i}");
        }
    }

    #[test]
    fn a_polarisation_of_5e_324_gives_finite_shapes_at_the_simulators_limit() {
        let (a, b) = alpha_beta(0.9999999999999999, 5e-324);
        assert!(a.is_finite() && b.is_finite(), "{a} {b}");
        assert!(a + b <= MAX_MAGNITUDE, "{a} {b}");
        assert!(at_renewal(a, b, 12).is_finite());
    }

    #[test]
    fn shapes_of_1e_300_give_their_ratio_at_the_first_renewal_not_infinity() {
        assert_eq!(at_renewal(1e-300, 5e-324, 1), monthly(1e-300, 5e-324));
        assert!(at_renewal(1e-300, 5e-324, 12).is_finite());
    }

    #[test]
    fn churn_by_renewal_falls_with_tenure_under_sbg_and_not_under_constant() {
        let sbg = ChurnByRenewal::of(&model(
            "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = 1\nbeta = 15",
        ));
        assert!(!sbg.uncertain());
        assert_eq!(sbg.p50, [1.0 / 16.0, 1.0 / 21.0, 1.0 / 27.0]);
        assert_eq!(sbg.medians(), "6.2 % / 4.8 % / 3.7 %");
        let constant = ChurnByRenewal::of(&model("name = \"x\"\n[churn]\nmonthly = 0.08"));
        assert_eq!(constant.p50, [0.08; 3]);
        let uncertain =
            ChurnByRenewal::of(&model("name = \"x\"\n[churn]\nmonthly = \"0.05 to 0.1\""));
        assert!(uncertain.uncertain());
        // The 90 % interval's own 10th and 90th percentiles: the standard
        // error of either from 4,000 draws is about 0.0003 (sqrt(0.09 /
        // 4000) over the density there, about 15); 0.002 is six of them.
        let z = 1.2816 / 1.6449;
        let (l5, l95) = (0.05f64.ln(), 0.1f64.ln());
        let (mu, half) = ((l5 + l95) / 2.0, (l95 - l5) / 2.0);
        assert!((uncertain.p10[0] - (mu - z * half).exp()).abs() < 0.002);
        assert!((uncertain.p90[0] - (mu + z * half).exp()).abs() < 0.002);
    }
}
