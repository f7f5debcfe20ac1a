//! Correlated inputs (docs/model.md, A scenario file, *Correlated inputs*;
//! Random streams): the Gaussian copula gives each named pair of uncertain
//! parameters its Spearman rank correlation, leaves every parameter's own
//! distribution as it was, and draws every other parameter exactly as
//! without correlations; a run reports the correlation it measured.
//!
//! Tolerances:
//! - a Spearman correlation r_s of N pairs against its target rho: Fisher's
//!   z, atanh(r_s), is close to normal with variance 1.06 / (N - 3)
//!   (Fieller, Hartley and Pearson 1957), so |atanh(r_s) - atanh(rho)| is
//!   allowed 4 standard errors (a correct copula misses with probability
//!   about 6e-5 per comparison; about 20 comparisons here);
//! - a marginal: the share of draws at most the distribution's q-quantile
//!   is Binomial(N, q) / N, allowed 5 standard errors sqrt(q (1 - q) / N).
//!
//! The draws used here stay inside their parameters' valid ranges, so the
//! values drawn are the values used (nothing is clamped).

mod common;

use common::{model, summary};
use hustle_sim::model::Model;
use hustle_sim::scenario::keys::Param;
use hustle_sim::sim::CompiledModel;

const N: u64 = 20_000;

/// Ranks 1..=n, ties sharing their average rank.
fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && xs[order[j + 1]] == xs[order[i]] {
            j += 1;
        }
        let average = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = average;
        }
        i = j + 1;
    }
    r
}

/// The sample Spearman correlation: Pearson's on the ranks.
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// Whether a Spearman correlation of n pairs is within 4 standard errors
/// of `rho` on Fisher's z scale.
fn within_four_se(r: f64, rho: f64, n: usize) -> bool {
    let se = (1.06 / (n as f64 - 3.0)).sqrt();
    (r.atanh() - rho.atanh()).abs() <= 4.0 * se
}

/// Every trajectory's value of each parameter.
fn draws(m: &Model, params: &[Param], seed: u64) -> Vec<Vec<f64>> {
    let cm = CompiledModel::new(m);
    let mut out = vec![Vec::with_capacity(N as usize); params.len()];
    for i in 0..N {
        let p = cm.draw_params(seed, i);
        for (col, &q) in out.iter_mut().zip(params) {
            col.push(p.get(q));
        }
    }
    out
}

/// A scenario with these uncertain parameters (`key = value` lines, by
/// section) and correlations.
fn scenario(sections: &str, pairs: &[(&str, &str, f64)]) -> Model {
    let mut text = format!("name = \"correlated\"\n{sections}");
    for (a, b, r) in pairs {
        text.push_str(&format!(
            "[[correlation]]\nparams = [\"{a}\", \"{b}\"]\nrank = {r}\n"
        ));
    }
    model(&text)
}

/// Every distribution form, each on a parameter whose valid range holds
/// all of its draws.
const FORMS: &str = "[acquisition]\nrate = \"2 to 20\"\ngrowth = { dist = \"normal\", mean = 0.02, sd = 0.01 }\n\
    [churn]\nmodel = \"sbg\"\nalpha = { dist = \"beta\", alpha = 2, beta = 5 }\nbeta = { dist = \"pert\", min = 2, mode = 4, max = 10 }\n\
    [pricing]\nmonthly = { dist = \"uniform\", min = 10, max = 30 }\none_time = { dist = \"lognormal\", median = 50, p95 = 120 }\n\
    [costs]\nfixed_monthly = { dist = \"triangular\", min = 10, mode = 20, max = 60 }\n\
    [owner]\nquit_below_net = \"-50 to 50\"\n";

#[test]
fn each_pair_has_its_rank_correlation_for_every_form_and_sign() {
    use Param::*;
    let cases: [(Param, Param, f64); 6] = [
        (AcquisitionRate, ChurnBeta, 0.4),
        (PriceMonthly, CostFixedMonthly, -0.7),
        (ChurnAlpha, PriceOneTime, 0.85),
        (AcquisitionGrowth, QuitBelowNet, -0.2),
        (ChurnBeta, PriceOneTime, 0.0),
        (QuitBelowNet, AcquisitionRate, 0.6),
    ];
    for (k, &(a, b, rho)) in cases.iter().enumerate() {
        let m = scenario(FORMS, &[(a.key(), b.key(), rho)]);
        let d = draws(&m, &[a, b], k as u64);
        let r = spearman(&d[0], &d[1]);
        assert!(
            within_four_se(r, rho, N as usize),
            "{} and {}: Spearman {r:.4}, rank {rho}",
            a.key(),
            b.key()
        );
        // The run measures the same, on the same draws.
        let s = summary(&m, N, k as u64);
        let reported = s.correlation.as_ref().unwrap()[0].spearman.unwrap();
        assert!(
            within_four_se(reported, rho, N as usize),
            "{} and {}: reported {reported:.4}, rank {rho}",
            a.key(),
            b.key()
        );
        assert!(
            (reported - r).abs() < 0.02,
            "reported {reported} vs ranks {r}"
        );
    }
}

#[test]
fn several_correlations_hold_together() {
    use Param::*;
    // A chain and a triangle over five parameters, with both signs.
    let pairs = [
        (AcquisitionRate, ChurnBeta, 0.5),
        (ChurnBeta, PriceMonthly, -0.3),
        (AcquisitionRate, PriceMonthly, -0.4),
        (CostFixedMonthly, QuitBelowNet, 0.6),
        (PriceMonthly, QuitBelowNet, 0.2),
    ];
    let named: Vec<(&str, &str, f64)> = pairs
        .iter()
        .map(|&(a, b, r)| (a.key(), b.key(), r))
        .collect();
    let m = scenario(FORMS, &named);
    let params = [
        AcquisitionRate,
        ChurnBeta,
        PriceMonthly,
        CostFixedMonthly,
        QuitBelowNet,
    ];
    let d = draws(&m, &params, 77);
    let at = |p: Param| params.iter().position(|&q| q == p).unwrap();
    for (a, b, rho) in pairs {
        let r = spearman(&d[at(a)], &d[at(b)]);
        assert!(
            within_four_se(r, rho, N as usize),
            "{} and {}: {r:.4} vs {rho}",
            a.key(),
            b.key()
        );
    }
    // A pair not named is not correlated by itself beyond what the others
    // imply; R holds 0 for it, so its normal scores are uncorrelated and
    // its Spearman correlation is 0 (acquisition.rate and
    // costs.fixed_monthly share no correlation in R).
    let r = spearman(&d[at(AcquisitionRate)], &d[at(CostFixedMonthly)]);
    assert!(within_four_se(r, 0.0, N as usize), "unnamed pair: {r:.4}");
}

#[test]
fn correlated_parameters_keep_their_distributions() {
    use Param::*;
    let m = scenario(
        FORMS,
        &[
            ("acquisition.rate", "churn.beta", 0.8),
            ("pricing.monthly", "churn.beta", -0.5),
        ],
    );
    let params = [AcquisitionRate, ChurnBeta, PriceMonthly];
    let d = draws(&m, &params, 5);
    for (col, p) in d.iter().zip(params) {
        let sampler = m.param(p).sampler();
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let x = sampler.inverse_cdf(q);
            let share = col.iter().filter(|&&v| v <= x).count() as f64 / N as f64;
            let se = (q * (1.0 - q) / N as f64).sqrt();
            assert!(
                (share - q).abs() < 5.0 * se,
                "{}: {share:.4} of draws at most its {q}-quantile",
                p.key()
            );
        }
    }
}

#[test]
fn parameters_outside_the_correlations_are_drawn_as_without_them() {
    use Param::*;
    let plain = scenario(FORMS, &[]);
    let correlated = scenario(FORMS, &[("churn.beta", "pricing.monthly", 0.6)]);
    let (a, b) = (CompiledModel::new(&plain), CompiledModel::new(&correlated));
    let mut moved = 0;
    for i in 0..2_000 {
        let (pa, pb) = (a.draw_params(3, i), b.draw_params(3, i));
        for p in Param::ALL {
            if p == PriceMonthly {
                moved += usize::from(pa.get(p) != pb.get(p));
            } else {
                // churn.beta is the first correlated parameter in table
                // order: it keeps its own uniform, like every parameter
                // outside the correlation.
                assert_eq!(
                    pa.get(p).to_bits(),
                    pb.get(p).to_bits(),
                    "{} in trajectory {i}",
                    p.key()
                );
            }
        }
    }
    assert!(
        moved > 1_900,
        "pricing.monthly kept its draw in {} of 2,000",
        2_000 - moved
    );
}

#[test]
fn pinning_a_correlated_parameter_keeps_the_others_draws() {
    // A sensitivity analysis pins one parameter of a correlated pair: the
    // other keeps its draws, so the comparison stays paired.
    use Param::*;
    let m = scenario(FORMS, &[("churn.beta", "pricing.monthly", 0.6)]);
    let pinned = m.with_fixed(ChurnBeta, 5.0).unwrap();
    assert_eq!(pinned.correlations, m.correlations);
    let (a, b) = (CompiledModel::new(&m), CompiledModel::new(&pinned));
    for i in 0..500 {
        let (pa, pb) = (a.draw_params(1, i), b.draw_params(1, i));
        assert_eq!(pb.get(ChurnBeta), 5.0);
        assert_eq!(
            pa.get(PriceMonthly).to_bits(),
            pb.get(PriceMonthly).to_bits()
        );
    }
    // A pinned value has no rank correlation to report.
    let s = summary(&pinned, 100, 1);
    assert_eq!(s.correlation.as_ref().unwrap()[0].spearman, None);
    assert!(
        summary(&m, 100, 1).correlation.unwrap()[0]
            .spearman
            .is_some()
    );
}

#[test]
fn the_measured_correlation_is_the_same_for_every_thread_count() {
    let m = model(include_str!("data/owner-hours.toml"));
    let json = |threads| {
        let r = common::run(&m, 5_000, 3, Some(threads));
        let s = hustle_sim::report::Summary::from_run(&r, "o.toml");
        serde_json::to_string(&s.correlation).unwrap()
    };
    assert_eq!(json(1), json(3));
}
