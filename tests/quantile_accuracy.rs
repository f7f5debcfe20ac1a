//! The reported percentiles against exact order statistics (docs/model.md,
//! What a run reports): on the benchmark scenario every reported pXX must lie
//! between the exact p(XX - 0.5) and p(XX + 0.5) of the same trajectories.

mod common;

use common::{model, run, trajectories};
use hustle_sim::sim::Metric;

const BENCH: &str = include_str!("data/bench.toml");

/// NumPy's linear sample quantile of sorted data.
fn exact(sorted: &[f64], q: f64) -> f64 {
    let h = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[test]
fn reported_percentiles_lie_within_half_a_percentile_of_exact() {
    let m = model(BENCH);
    let n = 100_000;
    let seed = 7;
    let months = [1usize, 2, 3, 4, 6, 9, 12, 18, 24];
    let r = run(&m, n, seed, None);
    let mut cols: Vec<Vec<f64>> =
        vec![Vec::with_capacity(n as usize); months.len() * Metric::ALL.len()];
    let mut rates = Vec::new();
    for (path, o) in trajectories(&m, n, seed) {
        for (mi, metric) in Metric::ALL.iter().enumerate() {
            for (ti, &t) in months.iter().enumerate() {
                cols[mi * months.len() + ti].push(path.get(*metric, t));
            }
        }
        if let Some(rate) = o.hourly_rate() {
            rates.push(rate);
        }
    }
    let check = |name: String, col: &mut Vec<f64>, sketch: &hustle_sim::stats::QuantileSketch| {
        col.sort_by(f64::total_cmp);
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let got = sketch.quantile(q).unwrap();
            let (lo, hi) = (exact(col, q - 0.005), exact(col, q + 0.005));
            assert!(
                lo <= got && got <= hi,
                "{name} p{}: {got} outside {lo}..{hi}",
                q * 100.0
            );
        }
    };
    for (mi, metric) in Metric::ALL.iter().enumerate() {
        for (ti, &t) in months.iter().enumerate() {
            let col = &mut cols[mi * months.len() + ti];
            check(
                format!("{} month {t}", metric.name()),
                col,
                r.sketch(*metric, t),
            );
        }
    }
    check("hourly rate".into(), &mut rates, &r.tally.hourly_rate);
}
