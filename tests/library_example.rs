//! `examples/library.rs`, the front door as a program: its code is compiled
//! into this test and run on a scenario and on a missing file (a smaller
//! run than the example's default, so the test stays fast).

#[path = "../examples/library.rs"]
#[allow(dead_code)] // its `main` is the example's, not the test's
mod library;

use hustle_sim::RunOptions;

fn run(path: &str) -> (i32, String, String) {
    let opts = RunOptions {
        trajectories: 2_000,
        ..RunOptions::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = library::run(&[path.to_string()], &opts, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn prints_both_probabilities_with_their_intervals() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/niche-saas-tool.toml"
    );
    let (code, out, err) = run(path);
    assert_eq!(code, 0, "{err}");
    let line = |label: &str| {
        out.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label} line in:\n{out}"))
            .to_string()
    };
    for label in ["P(semi-passive) = ", "P(failure) = "] {
        let l = line(label);
        assert!(l.contains("% (95 % interval "), "{l}");
        // Three percentages: the probability and its interval, in order.
        let numbers: Vec<f64> = l.split(' ').filter_map(|w| w.parse::<f64>().ok()).collect();
        let [p, lo, hi] = numbers[..] else {
            panic!("not three percentages: {l}")
        };
        assert!(
            lo <= p && p <= hi && (0.0..=100.0).contains(&lo) && hi <= 100.0,
            "{l}"
        );
    }
    assert!(
        out.starts_with("Niche industry SaaS tool: 2000 trajectories"),
        "{out}"
    );
}

#[test]
fn a_bad_path_prints_the_error_and_exits_with_its_code() {
    let (code, out, err) = run("no-such-file.toml");
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("error: no-such-file.toml: cannot read the scenario"),
        "{err}"
    );
}
