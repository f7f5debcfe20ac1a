//! Rendering every chart of a run: the default scenario's six PNGs, from a
//! finished run to encoded bytes (no file writing). The target is well
//! under half a second for all six.

use criterion::{Criterion, criterion_group, criterion_main};
use hustle_sim::Scenario;
use hustle_sim::chart::render_charts;
use hustle_sim::report::Summary;
use hustle_sim::sim::{RunOptions, run};
use std::hint::black_box;
use std::sync::atomic::AtomicBool;

fn charts(c: &mut Criterion) {
    let model = Scenario::builtin_default()
        .model()
        .expect("default scenario");
    let opts = RunOptions {
        trajectories: 10_000,
        seed: 42,
        threads: None,
    };
    let result = run(&model, &opts, &|_| {}, &AtomicBool::new(false)).expect("run");
    let summary = Summary::from_run(&result, "bench");
    let mut group = c.benchmark_group("charts");
    group.sample_size(20);
    group.bench_function("render_all_default_scenario", |b| {
        b.iter(|| render_charts(black_box(&result), black_box(&summary)).expect("charts"))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Criterion's own plots would use plotters with the `ab_glyph` font
    // backend this crate enables, which has no "sans-serif" font
    // registered; the numbers are what matter here.
    config = Criterion::default().without_plots();
    targets = charts
}
criterion_main!(benches);
