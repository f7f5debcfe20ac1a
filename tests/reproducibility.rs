//! Same seed, same results, for any thread count (docs/model.md,
//! Random streams).

mod common;

use common::{model, run};
use hustle_sim::report::Summary;

const BENCH: &str = include_str!("data/bench.toml");

fn summary_json(threads: usize, n: u64) -> String {
    summary_json_of(BENCH, threads, n)
}

fn summary_json_of(text: &str, threads: usize, n: u64) -> String {
    let m = model(text);
    let mut s = Summary::from_run(&run(&m, n, 7, Some(threads)), "bench.toml");
    s.elapsed_seconds = 0.0;
    s.trajectories_per_second = 0.0;
    String::from_utf8(s.to_json()).unwrap()
}

#[test]
fn summary_is_identical_for_one_and_four_threads() {
    // Not a multiple of the chunk size, so the last chunk is partial.
    let n = 20_000 + 37;
    let one = summary_json(1, n);
    let four = summary_json(4, n);
    assert!(one == four, "summary.json differs between 1 and 4 threads");
    // And a different seed really changes it.
    let m = model(BENCH);
    let mut other = Summary::from_run(&run(&m, n, 8, Some(2)), "bench.toml");
    other.elapsed_seconds = 0.0;
    other.trajectories_per_second = 0.0;
    assert_ne!(String::from_utf8(other.to_json()).unwrap(), one);
}

#[test]
fn summary_is_identical_for_every_batch_of_chunks() {
    // Workers simulate one to three chunks before feeding the sketches
    // (`run` picks the batch from the machine's cache); moments are still
    // merged chunk by chunk, so every output is the same. A partial last
    // chunk and two threads, so batches of every length meet.
    let m = model(BENCH);
    let n = 3 * hustle_sim::internals::CHUNK * 3 + 999;
    let json = |batch: u64| {
        let opts = hustle_sim::sim::RunOptions {
            trajectories: n,
            seed: 7,
            threads: Some(2),
        };
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let result =
            hustle_sim::internals::run_with_batch(&m, &opts, batch, &|_| {}, &cancel).unwrap();
        let mut s = Summary::from_run(&result, "bench.toml");
        s.elapsed_seconds = 0.0;
        s.trajectories_per_second = 0.0;
        String::from_utf8(s.to_json()).unwrap()
    };
    let one = json(1);
    assert!(one == json(2), "batches of 2 chunks change summary.json");
    assert!(one == json(3), "batches of 3 chunks change summary.json");
}

#[test]
fn recounted_percentiles_are_identical_for_one_and_three_threads() {
    // Narrow distributions whose percentiles are settled by simulating the
    // trajectories again: the recounts merge from every thread alike.
    let text = &include_str!("data/bass-market.toml")
        .replace("horizon_months = 24", "horizon_months = 12");
    let n = 3 * hustle_sim::internals::CHUNK + 17;
    assert!(summary_json_of(text, 1, n) == summary_json_of(text, 3, n));
}
