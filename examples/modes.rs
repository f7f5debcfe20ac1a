use hustle_sim::sim::*;
use std::sync::atomic::AtomicBool;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: u64 = std::env::args().nth(2).unwrap().parse().unwrap();
    let sc = hustle_sim::scenario::Scenario::from_file(std::path::Path::new(&path)).unwrap();
    let model = sc.model().unwrap();
    let r = run(&model, &RunOptions { trajectories: n, seed: 7, threads: None }, &|_| {}, &AtomicBool::new(false)).unwrap();
    for m in Metric::ALL {
        let s: String = (1..=r.horizon()).map(|t| if r.sketch(m, t).is_exact() { 'E' } else { 'h' }).collect();
        println!("{:15} {}", m.name(), s);
    }
}
