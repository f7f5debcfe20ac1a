//! Agreement with an independent implementation of the model: the
//! benchmark scenario (`tests/data/bench.toml`) run by hustle-sim and by a
//! NumPy implementation written independently to the same specification
//! (docs/model.md), with different random streams, must agree in
//! distribution.
//!
//! Tolerance: 5 standard errors of the difference between two independent
//! estimates, sqrt(sd_a^2 / n_a + sd_b^2 / n_b) for means and
//! sqrt(p (1 - p) (1 / n_a + 1 / n_b)) for shares. About 300 comparisons are
//! made; at 5 SE a correct pair of implementations disagrees somewhere with
//! probability below 2e-4, and fixed seeds make the test deterministic.
//!
//! The NumPy implementation is kept by the maintainers, not in this
//! repository, so the check is ignored by a plain `cargo test`. To run it,
//! name the script in `HUSTLE_SIM_NUMPY_REFERENCE` (python3 with numpy
//! needed):
//!
//! ```text
//! HUSTLE_SIM_NUMPY_REFERENCE=/path/to/numpy_reference.py \
//!     cargo test --test reference_agreement -- --ignored
//! ```

mod common;

use common::{model, summary};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const N: u64 = 40_000;
const K_SE: f64 = 5.0;

const SCRIPT_VAR: &str = "HUSTLE_SIM_NUMPY_REFERENCE";

/// The NumPy implementation's script, named by `HUSTLE_SIM_NUMPY_REFERENCE`.
fn reference_script() -> PathBuf {
    match std::env::var_os(SCRIPT_VAR) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!(
            "{SCRIPT_VAR} is not set: this check needs the NumPy reference \
             implementation of the model; set {SCRIPT_VAR} to the path of its \
             script (run with python3, numpy installed)"
        ),
    }
}

/// The repository's own benchmark scenario, which both implementations run.
fn bench_scenario() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/bench.toml")
}

fn reference_run() -> Value {
    let script = reference_script();
    assert!(
        script.is_file(),
        "{SCRIPT_VAR} names {}, which is not a file",
        script.display()
    );
    let out = tempfile::NamedTempFile::new().unwrap();
    let status = Command::new("python3")
        .arg(&script)
        .arg(bench_scenario())
        .arg(N.to_string())
        .arg("7")
        .arg("--json")
        .arg(out.path())
        .status()
        .expect("python3 must be installed to run the NumPy reference implementation");
    assert!(
        status.success(),
        "the NumPy reference implementation ({}) failed: is numpy installed? (pip install numpy)",
        script.display()
    );
    serde_json::from_slice(&std::fs::read(out.path()).unwrap()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close_share(what: &str, a: f64, b: f64, failures: &mut Vec<String>) {
    let p = (a + b) / 2.0;
    let se = (p * (1.0 - p) * 2.0 / N as f64).sqrt();
    if (a - b).abs() > K_SE * se && (a - b).abs() > 1e-12 {
        failures.push(format!(
            "{what}: ours {a:.5} vs reference {b:.5} (SE {se:.5})"
        ));
    }
}

#[test]
#[ignore = "needs the NumPy reference implementation: set HUSTLE_SIM_NUMPY_REFERENCE"]
fn bench_scenario_agrees_with_the_numpy_reference() {
    let text = std::fs::read_to_string(bench_scenario()).unwrap();
    let ours = summary(&model(&text), N, 7);
    let ours: Value = serde_json::from_slice(&ours.to_json()).unwrap();
    let theirs = reference_run();
    let mut failures = Vec::new();

    for metric in [
        "net_income",
        "gross_revenue",
        "customers",
        "new_customers",
        "hours",
        "cumulative_net",
        "competitors",
        "platform_fee",
    ] {
        let (a, b) = (&ours["series"][metric], &theirs["series"][metric]);
        let (ma, sa, mb, sb) = (
            floats(&a["mean"]),
            floats(&a["sd"]),
            floats(&b["mean"]),
            floats(&b["sd"]),
        );
        for t in 0..ma.len() {
            let se = (sa[t].powi(2) / N as f64 + sb[t].powi(2) / N as f64).sqrt();
            let diff = (ma[t] - mb[t]).abs();
            let ok = if se == 0.0 {
                diff < 1e-9 * ma[t].abs().max(1.0)
            } else {
                diff <= K_SE * se
            };
            if !ok {
                failures.push(format!(
                    "{metric} month {}: mean {:.4} vs {:.4} (SE {se:.4})",
                    t + 1,
                    ma[t],
                    mb[t]
                ));
            }
        }
    }
    close_share(
        "failure",
        ours["failure"]["probability"].as_f64().unwrap(),
        theirs["failure"]["probability"].as_f64().unwrap(),
        &mut failures,
    );
    for cause in ["abandoned", "burned_out", "deplatformed", "unprofitable"] {
        close_share(
            cause,
            ours["failure"]["causes"][cause].as_f64().unwrap(),
            theirs["failure"]["causes"][cause].as_f64().unwrap(),
            &mut failures,
        );
    }
    close_share(
        "semi-passive",
        ours["semi_passive"]["probability"].as_f64().unwrap(),
        theirs["semi_passive"]["probability"].as_f64().unwrap(),
        &mut failures,
    );
    close_share(
        "break-even",
        ours["break_even"]["probability"].as_f64().unwrap(),
        theirs["break_even"]["probability"].as_f64().unwrap(),
        &mut failures,
    );
    for (section, key) in [
        ("failure", "failed_by_month"),
        ("semi_passive", "reached_by_month"),
        ("semi_passive", "share_by_month"),
    ] {
        let (a, b) = (floats(&ours[section][key]), floats(&theirs[section][key]));
        for t in 0..a.len() {
            close_share(
                &format!("{section}.{key} month {}", t + 1),
                a[t],
                b[t],
                &mut failures,
            );
        }
    }
    // Hourly rate: mean over trajectories that worked any hours.
    let (ha, hb) = (&ours["hourly_rate"], &theirs["hourly_rate"]);
    let se = (ha["sd"].as_f64().unwrap().powi(2) / ha["trajectories"].as_f64().unwrap()
        + hb["sd"].as_f64().unwrap().powi(2) / hb["n"].as_f64().unwrap())
    .sqrt();
    let diff = (ha["mean"].as_f64().unwrap() - hb["mean"].as_f64().unwrap()).abs();
    if diff > K_SE * se {
        failures.push(format!(
            "hourly rate mean differs by {diff:.4} (SE {se:.4})"
        ));
    }
    assert!(
        failures.is_empty(),
        "disagreements with the reference:\n{}",
        failures.join("\n")
    );
}
