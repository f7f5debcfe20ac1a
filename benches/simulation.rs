//! The simulator's hot paths on the benchmark scenario
//! (`tests/data/bench.toml`: every force on, sbg churn, uncertain
//! parameters): one trajectory, a whole 10,000-trajectory run, a
//! two-hustle portfolio against its hustles alone, and the
//! statistics accumulators fed one chunk column. Speed against the NumPy
//! reference implementation is measured side by side in
//! docs/performance.md; these benches track regressions.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hustle_sim::Scenario;
use hustle_sim::portfolio::Portfolio;
use hustle_sim::sim::{CompiledModel, Path, RunOptions, Scratch, run, run_portfolio, simulate};
use hustle_sim::stats::{QuantileSketch, ShiftedSums};
use std::hint::black_box;
use std::sync::atomic::AtomicBool;

const BENCH: &str = include_str!("../tests/data/bench.toml");

fn bench_model() -> hustle_sim::Model {
    Scenario::parse(BENCH, "bench.toml", "bench")
        .unwrap()
        .model()
        .unwrap()
}

fn one_trajectory(c: &mut Criterion) {
    let cm = CompiledModel::new(&bench_model());
    let mut scratch = Scratch::new(cm.horizon());
    let mut path = Path::new(cm.horizon());
    let mut i = 0u64;
    c.bench_function("trajectory/bench_scenario", |b| {
        b.iter(|| {
            i += 1;
            black_box(simulate(&cm, 7, i, &mut scratch, &mut path))
        })
    });
}

fn whole_run(c: &mut Criterion) {
    let model = bench_model();
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    for threads in [1usize, 2] {
        group.bench_with_input(
            BenchmarkId::new("bench_10k_trajectories", threads),
            &threads,
            |b, &t| {
                let opts = RunOptions {
                    trajectories: 10_000,
                    seed: 7,
                    threads: Some(t),
                };
                b.iter(|| run(&model, &opts, &|_| {}, &AtomicBool::new(false)).unwrap())
            },
        );
    }
    group.finish();
}

/// The owner's hours keys (capacity, rework, two correlations) against the
/// same bench scenario without them: 10,000 trajectories on two threads.
fn owner_hours(c: &mut Criterion) {
    let plain = bench_model();
    let with_keys = Scenario::parse(
        include_str!("../tests/data/bench-owner-hours.toml"),
        "bench-owner-hours.toml",
        "bench-owner-hours",
    )
    .and_then(|s| s.model())
    .expect("the bench scenario with the owner's hours is valid");
    let mut group = c.benchmark_group("owner_hours");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    let opts = RunOptions {
        trajectories: 10_000,
        seed: 7,
        threads: Some(2),
    };
    for (name, model) in [("bench", &plain), ("bench_with_owner_hours", &with_keys)] {
        group.bench_function(name, |b| {
            b.iter(|| run(model, &opts, &|_| {}, &AtomicBool::new(false)).unwrap())
        });
    }
    group.finish();
}

/// A two-hustle portfolio (the bench scenario and a weekend print shop from
/// month 1, one person's capacity and burnout) against each hustle run
/// alone: 10,000 trajectories on two threads.
fn portfolio(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let p =
        Portfolio::load(&dir.join("bench-portfolio.toml")).expect("the bench portfolio is valid");
    let mut group = c.benchmark_group("portfolio");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    let opts = RunOptions {
        trajectories: 10_000,
        seed: 7,
        threads: Some(2),
    };
    for h in &p.hustles {
        group.bench_function(BenchmarkId::new("alone", &h.scenario), |b| {
            b.iter(|| run(&h.model, &opts, &|_| {}, &AtomicBool::new(false)).unwrap())
        });
    }
    group.bench_function("two_hustles", |b| {
        b.iter(|| run_portfolio(&p, &opts, &|_| {}, &AtomicBool::new(false)).unwrap())
    });
    group.finish();
}

fn accumulators(c: &mut Criterion) {
    // One chunk column of the bench scenario's net income in month 12:
    // discrete values (exact counting) and cumulative net in month 24
    // (nearly continuous: the histogram).
    let cm = CompiledModel::new(&bench_model());
    let mut scratch = Scratch::new(cm.horizon());
    let mut path = Path::new(cm.horizon());
    let (mut net12, mut cum24) = (Vec::new(), Vec::new());
    for i in 0..4096 {
        simulate(&cm, 7, i, &mut scratch, &mut path);
        net12.push(path.get(hustle_sim::sim::Metric::NetIncome, 12));
        cum24.push(path.get(hustle_sim::sim::Metric::CumulativeNet, 24));
    }
    let mut group = c.benchmark_group("accumulators");
    group.throughput(Throughput::Elements(4096));
    for (name, column) in [("net_income_m12", &net12), ("cumulative_net_m24", &cum24)] {
        // A sketch that has already seen many chunks, as in a long run.
        let mut warm = QuantileSketch::new();
        for _ in 0..8 {
            warm.extend(column);
        }
        group.bench_function(BenchmarkId::new("sketch_extend", name), |b| {
            b.iter_batched_ref(
                || warm.clone(),
                |s| s.extend(black_box(column)),
                criterion::BatchSize::LargeInput,
            )
        });
        group.bench_function(BenchmarkId::new("shifted_sums", name), |b| {
            b.iter(|| {
                let mut s = ShiftedSums::default();
                column.iter().for_each(|&v| s.push(v));
                black_box(s.moments())
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // See benches/charts.rs: criterion's plots need a font this crate's
    // plotters features do not register.
    config = Criterion::default().without_plots();
    targets = one_trajectory, whole_run, owner_hours, portfolio, accumulators
}
criterion_main!(benches);
