//! A 20-point sweep of the bench scenario (`tests/data/bench.toml`, every
//! force of the model on) at 10,000 trajectories per point: the sweep
//! workload the project aims to finish in about a second. Measured two
//! ways: the paired driver running all 20 values in lockstep (what
//! `hustle-sim sweep` does), and 20 separate `sim::run` calls with the same
//! seed (also paired, but each computing every monthly statistic).

use criterion::{Criterion, criterion_group, criterion_main};
use hustle_sim::Scenario;
use hustle_sim::model::Model;
use hustle_sim::sim::{PairedSpec, RunOptions, run, run_paired};
use std::hint::black_box;
use std::sync::atomic::AtomicBool;

const BENCH: &str = include_str!("../tests/data/bench.toml");

fn models() -> Vec<Model> {
    let base = Scenario::parse(BENCH, "bench.toml", "bench").expect("bench scenario");
    (0..20)
        .map(|k| {
            let mut s = base.clone();
            s.set(&format!("platform.fee={:?}", 0.4 * k as f64 / 19.0))
                .expect("a valid fee");
            s.model().expect("a valid model")
        })
        .collect()
}

fn sweep(c: &mut Criterion) {
    let models = models();
    let opts = RunOptions {
        trajectories: 10_000,
        seed: 42,
        threads: None,
    };
    let cancel = AtomicBool::new(false);
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    group.bench_function("bench_20_values_10k_paired_driver", |b| {
        b.iter(|| {
            run_paired(
                black_box(&models),
                &opts,
                PairedSpec::default(),
                &|_| {},
                &cancel,
            )
            .expect("sweep")
        })
    });
    group.bench_function("bench_20_values_10k_separate_runs", |b| {
        b.iter(|| {
            for m in &models {
                run(black_box(m), &opts, &|_| {}, &cancel).expect("run");
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Criterion's own plots would use plotters with the `ab_glyph` font
    // backend this crate enables, which has no "sans-serif" font
    // registered; the numbers are what matter here.
    config = Criterion::default().without_plots();
    targets = sweep
}
criterion_main!(benches);
