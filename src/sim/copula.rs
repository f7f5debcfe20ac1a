//! Correlated inputs: the Gaussian copula that gives pairs of uncertain
//! parameters their rank correlations (docs/model.md, A scenario file,
//! *Correlated inputs*).
//!
//! Let S be every parameter named in a correlation, in table order, and R
//! the matrix on S with 1 on the diagonal, R_ij = 2 sin(pi rank_ij / 6) for
//! a correlated pair and 0 otherwise. Each parameter still takes its one
//! uniform u_j from the parameter stream; those of S become normal scores
//! z = Phi^-1(u_S), are mixed by the lower Cholesky factor L of R, z' = L z,
//! and each is drawn by its inverse CDF from Phi(z'_j) instead of u_j. The
//! scores z' are standard normal with correlation matrix R, whose Pearson
//! correlation 2 sin(pi r / 6) is the one whose Spearman correlation is r,
//! so each named pair has rank correlation r before clamping, and every
//! parameter keeps its own distribution.

use crate::model::Correlation;
use crate::scenario::keys::NPARAMS;
use crate::scenario::uncertain::{normal_cdf, normal_quantile};

/// The smallest pivot the Cholesky factorisation accepts: a matrix with a
/// pivot at or below it is not positive definite (docs/model.md).
pub(crate) const MIN_PIVOT: f64 = 1e-12;

/// The smallest and largest uniform the parameter stream gives
/// (`super::rng::open01`): a mixed score's Phi is kept within them, so
/// that no inverse CDF is asked for its 0 or 1.
const LOWEST_UNIFORM: f64 = 1.0 / (1u64 << 54) as f64;
const HIGHEST_UNIFORM: f64 = 1.0 - f64::EPSILON / 2.0;

/// The copula of a scenario's correlations, ready to mix uniforms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Copula {
    /// S: the indices of the correlated parameters, in table order.
    pub(crate) members: Vec<usize>,
    /// L, the lower Cholesky factor of R, row-major and |S| x |S|.
    factor: Vec<f64>,
    /// For each correlation in file order, the positions of its two
    /// parameters in `members`.
    pub(crate) pairs: Vec<(usize, usize)>,
}

impl Copula {
    /// The copula of these correlations (each naming two different
    /// parameters, no pair twice), or `None` when R is not positive
    /// definite: some pivot of its Cholesky factorisation is at most
    /// [`MIN_PIVOT`].
    pub(crate) fn new(correlations: &[Correlation]) -> Option<Copula> {
        let mut members: Vec<usize> = correlations
            .iter()
            .flat_map(|c| c.params.map(|p| p as usize))
            .collect();
        members.sort_unstable();
        members.dedup();
        let n = members.len();
        let at = |k: usize| members.binary_search(&k).expect("a member");
        let mut r = vec![0.0; n * n];
        for i in 0..n {
            r[i * n + i] = 1.0;
        }
        let mut pairs = Vec::with_capacity(correlations.len());
        for c in correlations {
            let (a, b) = (at(c.params[0] as usize), at(c.params[1] as usize));
            let rho = 2.0 * (std::f64::consts::PI * c.rank / 6.0).sin();
            r[a * n + b] = rho;
            r[b * n + a] = rho;
            pairs.push((a, b));
        }
        let factor = cholesky(&r, n)?;
        Some(Copula {
            members,
            factor,
            pairs,
        })
    }

    /// Replaces the uniforms of the correlated parameters (`u`, indexed by
    /// parameter) with their mixed ones, Phi(z'_j). A parameter whose row
    /// of L is the unit row (the first of S, and any correlated only with
    /// parameters after it in table order) has z'_j = z_j: it keeps its own
    /// uniform exactly, rather than Phi(Phi^-1(u_j)) to within rounding.
    pub(crate) fn mix(&self, u: &mut [f64; NPARAMS]) {
        let n = self.members.len();
        let mut z = [0.0; NPARAMS];
        for (zj, &k) in z.iter_mut().zip(&self.members) {
            *zj = normal_quantile(u[k]);
        }
        for (i, &k) in self.members.iter().enumerate() {
            let row = &self.factor[i * n..i * n + i + 1];
            if row[..i].iter().all(|&l| l == 0.0) && row[i] == 1.0 {
                continue;
            }
            let mixed: f64 = row.iter().zip(&z).map(|(l, z)| l * z).sum();
            u[k] = normal_cdf(mixed).clamp(LOWEST_UNIFORM, HIGHEST_UNIFORM);
        }
    }
}

/// The lower Cholesky factor of the symmetric n x n matrix `r`
/// (row-major), or `None` when a pivot is at most [`MIN_PIVOT`].
fn cholesky(r: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let pivot = r[j * n + j] - (0..j).map(|k| l[j * n + k] * l[j * n + k]).sum::<f64>();
        if pivot.is_nan() || pivot <= MIN_PIVOT {
            return None;
        }
        let d = pivot.sqrt();
        l[j * n + j] = d;
        for i in j + 1..n {
            let s = r[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            l[i * n + j] = s / d;
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::keys::Param;

    fn corr(a: Param, b: Param, rank: f64) -> Correlation {
        Correlation {
            params: [a, b],
            rank,
        }
    }

    #[test]
    fn the_factor_reproduces_the_matrix() {
        use Param::*;
        let c = Copula::new(&[
            corr(ChurnBeta, AcquisitionRate, 0.4),
            corr(AcquisitionRate, PriceMonthly, -0.3),
            corr(HourlyValue, ChurnBeta, 0.7),
        ])
        .unwrap();
        let members = [AcquisitionRate, ChurnBeta, PriceMonthly, HourlyValue].map(|p| p as usize);
        assert_eq!(c.members, members);
        assert_eq!(c.pairs, vec![(1, 0), (0, 2), (3, 1)]);
        let n = 4;
        let rho = |r: f64| 2.0 * (std::f64::consts::PI * r / 6.0).sin();
        let mut want = [[0.0; 4]; 4];
        for (i, row) in want.iter_mut().enumerate() {
            row[i] = 1.0;
        }
        for ((a, b), r) in [((1, 0), 0.4), ((0, 2), -0.3), ((3, 1), 0.7)] {
            want[a][b] = rho(r);
            want[b][a] = rho(r);
        }
        for (i, row) in want.iter().enumerate() {
            for (j, w) in row.iter().enumerate() {
                let got: f64 = (0..n)
                    .map(|k| c.factor[i * n + k] * c.factor[j * n + k])
                    .sum();
                assert!((got - w).abs() < 1e-14, "R[{i}][{j}] = {got}, want {w}");
            }
        }
    }

    #[test]
    fn inconsistent_correlations_have_no_copula() {
        use Param::*;
        // a with b and a with c strongly positive, b with c strongly
        // negative: no joint distribution has all three.
        let bad = [
            corr(AcquisitionRate, ChurnBeta, 0.9),
            corr(AcquisitionRate, PriceMonthly, 0.9),
            corr(ChurnBeta, PriceMonthly, -0.9),
        ];
        assert!(Copula::new(&bad).is_none());
        let mut good = bad;
        good[2].rank = 0.9;
        assert!(Copula::new(&good).is_some());
        // Two strong correlations with a third parameter force one between
        // the other two: without it (R_bc = 0) the matrix fails too.
        assert!(Copula::new(&bad[..2]).is_none());
        assert!(Copula::new(&[bad[0], corr(AcquisitionRate, PriceMonthly, 0.3)]).is_some());
    }

    #[test]
    fn the_first_parameter_keeps_its_uniform_and_others_stay_uniform() {
        use Param::*;
        let c = Copula::new(&[corr(AcquisitionRate, ChurnBeta, 0.5)]).unwrap();
        let mut u = [0.5; NPARAMS];
        u[AcquisitionRate as usize] = 0.123_456_789;
        u[ChurnBeta as usize] = 0.987_654_321;
        let before = u;
        c.mix(&mut u);
        assert_eq!(
            u[AcquisitionRate as usize],
            before[AcquisitionRate as usize]
        );
        assert_ne!(u[ChurnBeta as usize], before[ChurnBeta as usize]);
        // Every parameter outside S is untouched.
        for k in (0..NPARAMS).filter(|&k| !c.members.contains(&k)) {
            assert_eq!(u[k], before[k]);
        }
        // Extreme scores stay inside the stream's open interval.
        let mut u = [0.5; NPARAMS];
        u[AcquisitionRate as usize] = HIGHEST_UNIFORM;
        u[ChurnBeta as usize] = HIGHEST_UNIFORM;
        c.mix(&mut u);
        assert!(u[ChurnBeta as usize] > 0.0 && u[ChurnBeta as usize] < 1.0);
    }
}
