//! The reported percentiles of whole runs against exact order statistics
//! (docs/model.md, What a run reports): every reported pXX, of every
//! series in every month and of the hourly rate, must lie between the
//! exact p(XX - 0.5) and p(XX + 0.5) of the same trajectories, simulated
//! one by one. No tolerance: the guarantee is exact.
//!
//! The scenarios are the benchmark (every force on, spread-out figures),
//! a Bass app in a two-million market (customers in the hundreds of
//! thousands within a few hundred of each other: the narrow distributions
//! a log-linear histogram cannot place), a long horizon of atoms (a setup
//! month's exact cost, fixed fees, zeros after an end), a scenario with the
//! owner's hours keys (passivity, spread out between atoms at 0 and 1, and
//! declined customers), and small runs.

mod common;

use common::{model, run, trajectories};
use hustle_sim::sim::Metric;

const BENCH: &str = include_str!("data/bench.toml");
const BASS_MARKET: &str = include_str!("data/bass-market.toml");
const LONG_ATOMS: &str = include_str!("data/ten-years-of-atoms.toml");
const OWNER_HOURS: &str = include_str!("data/owner-hours.toml");

/// NumPy's linear sample quantile of sorted data.
fn exact(sorted: &[f64], q: f64) -> f64 {
    let h = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

const QS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// Checks every reported percentile of a run of `text` with `n`
/// trajectories against the exact window; returns how many were checked.
fn check_run(text: &str, n: u64, seed: u64) -> usize {
    let m = model(text);
    let h = m.horizon_months as usize;
    let r = run(&m, n, seed, None);
    let metrics = r.metrics();
    let mut cols: Vec<Vec<f64>> = vec![Vec::with_capacity(n as usize); h * metrics.len()];
    let mut rates = Vec::new();
    for (path, o) in trajectories(&m, n, seed) {
        for (mi, metric) in metrics.iter().enumerate() {
            for t in 1..=h {
                cols[mi * h + t - 1].push(path.get(*metric, t));
            }
        }
        if let Some(rate) = o.hourly_rate() {
            rates.push(rate);
        }
    }
    let mut checked = 0;
    let mut misses = Vec::new();
    let mut check = |name: String, col: &mut Vec<f64>, got: &[f64; 5]| {
        col.sort_by(f64::total_cmp);
        for (i, &q) in QS.iter().enumerate() {
            let (lo, hi) = (exact(col, q - 0.005), exact(col, q + 0.005));
            checked += 1;
            if !(lo <= got[i] && got[i] <= hi) {
                misses.push(format!(
                    "{name} p{}: {} outside {lo}..={hi}",
                    q * 100.0,
                    got[i]
                ));
            }
        }
    };
    for (mi, metric) in metrics.iter().enumerate() {
        for t in 1..=h {
            check(
                format!("{} month {t}", metric.name()),
                &mut cols[mi * h + t - 1],
                r.percentiles(*metric, t),
            );
        }
    }
    match r.percentiles.hourly_rate {
        Some(got) => check("hourly rate".into(), &mut rates, &got),
        None => assert!(rates.is_empty()),
    }
    assert!(
        misses.is_empty(),
        "{}: {} of {checked} percentiles outside the window:\n{}",
        m.name,
        misses.len(),
        misses.join("\n")
    );
    checked
}

#[test]
fn bench_percentiles_lie_within_half_a_percentile_of_exact() {
    assert_eq!(check_run(BENCH, 100_000, 7), (8 * 24 + 1) * 5);
}

#[test]
fn narrow_distributions_of_a_large_market_lie_within_the_window() {
    check_run(BASS_MARKET, 20_000, 3);
}

#[test]
fn a_long_horizon_of_atoms_lies_within_the_window() {
    check_run(LONG_ATOMS, 30_000, 11);
}

#[test]
fn passivity_and_declined_customers_lie_within_the_window() {
    // Every series of the base metrics and of passivity and declined
    // customers, and the hourly rate.
    assert_eq!(check_run(OWNER_HOURS, 50_000, 13), (10 * 24 + 1) * 5);
}

#[test]
fn small_runs_lie_within_the_window() {
    for (n, seed) in [(1, 1), (2, 2), (100, 3), (1_000, 4), (5_000, 5)] {
        check_run(BENCH, n, seed);
        check_run(BASS_MARKET, n, seed);
        check_run(OWNER_HOURS, n, seed);
    }
}

#[test]
fn paired_runs_report_percentiles_within_the_window() {
    // compare's figures: each variant's cumulative net at the horizon and
    // net income by month, and the paired differences, against the same
    // trajectories simulated one by one (common random numbers: the same
    // seed and index under each variant).
    use hustle_sim::sim::{PairedSpec, RunOptions, run_paired};
    let models = [
        model(BASS_MARKET),
        model(&BASS_MARKET.replace("monthly = 0.03", "monthly = 0.035")),
    ];
    let (n, seed) = (10_000u64, 5u64);
    let opts = RunOptions {
        trajectories: n,
        seed,
        threads: None,
    };
    let spec = PairedSpec {
        monthly: true,
        pairs: true,
    };
    let r = run_paired(&models, &opts, spec, &|_| {}, &Default::default()).unwrap();
    let h = models[0].horizon_months as usize;
    let paths: Vec<Vec<_>> = models
        .iter()
        .map(|m| trajectories(m, n, seed).map(|(p, _)| p).collect())
        .collect();
    let cum = |v: usize, i: usize, t: usize| paths[v][i].get(Metric::CumulativeNet, t);
    let mut misses = Vec::new();
    let mut check = |name: String, mut col: Vec<f64>, got: &[f64; 5]| {
        col.sort_by(f64::total_cmp);
        for (i, &q) in QS.iter().enumerate() {
            let (lo, hi) = (exact(&col, q - 0.005), exact(&col, q + 0.005));
            if !(lo <= got[i] && got[i] <= hi) {
                misses.push(format!("{name} q {q}: {} outside {lo}..={hi}", got[i]));
            }
        }
    };
    let all = 0..n as usize;
    for (v, variant) in r.variants.iter().enumerate() {
        check(
            format!("variant {v} cumulative net"),
            all.clone().map(|i| cum(v, i, h)).collect(),
            &variant.cumulative_net_percentiles,
        );
        for t in 1..=h {
            check(
                format!("variant {v} net income month {t}"),
                all.clone()
                    .map(|i| paths[v][i].get(Metric::NetIncome, t))
                    .collect(),
                &variant.net_income_percentiles[t - 1],
            );
        }
    }
    let pair = &r.pairs[0];
    check(
        "difference".into(),
        all.clone().map(|i| cum(1, i, h) - cum(0, i, h)).collect(),
        &pair.difference_percentiles,
    );
    for t in 1..=h {
        check(
            format!("difference month {t}"),
            all.clone().map(|i| cum(1, i, t) - cum(0, i, t)).collect(),
            &pair.difference_by_month_percentiles[t - 1],
        );
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}
