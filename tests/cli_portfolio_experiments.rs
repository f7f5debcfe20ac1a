//! `hustle-sim compare`, `sweep` and `sensitivity` of portfolios end to
//! end: the files they write, the person's figures and causes, a portfolio
//! compared with its first hustle alone on the same random numbers, the
//! keys a portfolio takes (`owner.*`, `semi_passive.*`, `hustle.N.KEY`)
//! and bad input (exit code 2, nothing written).

mod common;

use common::{bin, png_size, repo};
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

const PORTFOLIO: &str = "tests/data/portfolio.toml";

/// Every line of a command's output but the one naming the files written
/// fits in 100 columns.
fn fits(out: &str) -> bool {
    out.lines()
        .filter(|l| !l.trim_start().starts_with("Wrote") && !l.contains(" runs in "))
        .all(|l| l.chars().count() <= 100)
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The benchmark alone in a portfolio whose person has the benchmark's own
/// owner and semi-passive keys, written beside a copy of the benchmark.
fn bench_alone(dir: &Path) -> std::path::PathBuf {
    std::fs::copy(repo("tests/data/bench.toml"), dir.join("bench.toml")).unwrap();
    let path = dir.join("alone.toml");
    std::fs::write(
        &path,
        "name = \"the bench alone\"\nhorizon_months = 24\n\
         [owner]\nburnout_hours_monthly = 140\nburnout_after_months = 3\nhourly_value = 30\n\
         [semi_passive]\nmin_net_monthly = 1500\nmax_hours_monthly = 40\nsustain_months = 3\n\
         [[hustle]]\nscenario = \"bench.toml\"\n",
    )
    .unwrap();
    path
}

#[test]
fn compare_of_a_portfolio_with_its_first_hustle_alone_is_paired_trajectory_by_trajectory() {
    // The portfolio's one hustle draws what the scenario alone draws, and
    // its person judges the hustle as the scenario's owner does: no
    // trajectory ends differently and the difference is exactly 0.
    let tmp = tempfile::tempdir().unwrap();
    let alone = bench_alone(tmp.path());
    bin()
        .current_dir(tmp.path())
        .arg("compare")
        .arg(&alone)
        .arg(tmp.path().join("bench.toml"))
        .args(["-n", "1500", "--seed", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Comparison of 2 scenarios and portfolios: 1,500 trajectories each",
        ))
        .stdout(predicate::str::contains(
            "A portfolio's figures are its person's",
        ))
        .stdout(predicate::str::contains(
            "semi-passive by 24: 0 gained, 0 lost: +0.0 pp",
        ))
        .stdout(predicate::function(fits));
    let out = tmp.path().join("output/alone-compare");
    let j = json(&out.join("compare.json"));
    let (p, s) = (&j["scenarios"][0], &j["scenarios"][1]);
    assert_eq!(p["portfolio"], true);
    assert!(s.get("portfolio").is_none(), "a scenario is not marked");
    assert_eq!(p["name"], "the bench alone");
    // Each with its own summary.json's causes.
    let causes = |v: &Value| -> Vec<String> {
        v["failure_causes"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(causes(p), ["all_failed", "burned_out"]);
    assert_eq!(
        causes(s),
        ["abandoned", "burned_out", "deplatformed", "unprofitable"]
    );
    for key in [
        "semi_passive_probability",
        "failure_probability",
        "cumulative_net",
    ] {
        assert_eq!(p[key], s[key], "{key}");
    }
    let pair = &j["paired"][0];
    for key in [
        "semi_passive_gained",
        "semi_passive_lost",
        "failure_gained",
        "failure_avoided",
    ] {
        assert_eq!(pair[key], 0, "{key}");
    }
    for q in ["mean", "p5", "p50", "p95"] {
        assert_eq!(pair["cumulative_net_difference"][q], 0.0, "{q}");
    }
    assert_eq!(png_size(&out.join("compare.png")), (1280, 720));
    assert!(out.join("diff_fan.png").exists());
}

#[test]
fn compare_with_on_a_portfolio_changes_the_persons_keys_and_a_hustles() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .current_dir(tmp.path())
        .args([
            "compare",
            &repo(PORTFOLIO),
            "--with",
            "less time: owner.capacity_hours_monthly=30",
            "--with",
            "hustle.2.churn.monthly=0.2",
            "-n",
            "1000",
            "--no-charts",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\n  less time\n    semi-passive by 30: ",
        ))
        .stdout(predicate::function(fits));
    let j = json(&tmp.path().join("output/portfolio-compare/compare.json"));
    let s = j["scenarios"].as_array().unwrap();
    assert!(s.iter().all(|e| e["portfolio"] == true));
    assert_eq!(s[1]["overrides"][0], "owner.capacity_hours_monthly=30");
    assert_eq!(s[2]["label"], "portfolio with hustle.2.churn.monthly=0.2");
    assert_eq!(s[2]["overrides"][0], "hustle.2.churn.monthly=0.2");
    // Fewer hours for new customers, or customers who leave sooner: less
    // money on average, trajectory by trajectory.
    for p in j["paired"].as_array().unwrap() {
        let mean = p["cumulative_net_difference"]["mean"].as_f64().unwrap();
        assert!(mean < 0.0, "{}: {mean}", p["label"]);
    }
}

#[test]
fn compare_with_on_a_portfolio_refuses_other_keys_and_bad_values_and_writes_nothing() {
    for (with, says) in [
        (
            "churn.monthly=0.1",
            "as hustle.N.churn.monthly (N within 1..=2)",
        ),
        (
            "hustle.3.churn.monthly=0.1",
            "the portfolio has no hustle 3",
        ),
        (
            "hustle.1.churn.montly=0.1",
            "did you mean `hustle.1.churn.monthly`?",
        ),
        (
            "owner.quit_after_months=3",
            "quitting is each hustle's own rule",
        ),
        (
            "hustle.2.churn.monthly=1.5",
            "[[hustle]] 2 (\"weekend-shop.toml\"): churn.monthly must be within 0..=1, got 1.5",
        ),
        (
            "hustle.1.acquisition.market_size=1000",
            "[[hustle]] 1 (\"bench.toml\"): acquisition.market_size does not apply to acquisition.model = \"poisson\"",
        ),
        (
            "semi_passive.min_net_monthly=",
            "semi_passive.min_net_monthly is required",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        bin()
            .current_dir(tmp.path())
            .args(["compare", &repo(PORTFOLIO), "--with", with, "-n", "10"])
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with(format!(
                "error: --with '{with}': "
            )))
            .stderr(predicate::str::contains(says));
        assert!(!tmp.path().join("output").exists(), "{with} wrote files");
    }
}

#[test]
fn sweep_of_a_portfolio_reports_the_persons_outcomes_and_causes() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .current_dir(tmp.path())
        .args([
            "sweep",
            &repo(PORTFOLIO),
            "--param",
            "hustle.2.churn.monthly",
            "--values",
            "0.02,0.2",
            "-n",
            "800",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "a subscription tool and a print shop: sweep of hustle.2.churn.monthly over 2 values",
        ))
        .stdout(predicate::function(fits));
    let out = tmp
        .path()
        .join("output/portfolio-sweep-hustle.2.churn.monthly");
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    // The person's causes, and the owner's hours figures a portfolio's
    // summary.json always has.
    for col in [
        "failure_burned_out",
        "failure_all_failed",
        "semi_passive_at_horizon",
        "passive_at_horizon",
    ] {
        assert!(header.contains(&col), "sweep.csv lacks {col}");
    }
    for col in ["failure_abandoned", "failure_deplatformed"] {
        assert!(!header.contains(&col), "sweep.csv has {col}");
    }
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2);
    let net: Vec<f64> = rows
        .iter()
        .map(|r| r[col("cumulative_net_mean")].parse().unwrap())
        .collect();
    assert!(net[1] < net[0], "churn 0.2 earns less than 0.02: {net:?}");
    assert_eq!(png_size(&out.join("sweep.png")), (1280, 720));
}

#[test]
fn a_portfolio_sweep_row_is_what_run_reports_for_the_portfolio_at_that_value() {
    // The person's figures of a sweep value equal summary.json of `run`
    // of the portfolio file with that value written, same N and seed.
    let tmp = tempfile::tempdir().unwrap();
    for f in ["bench.toml", "weekend-shop.toml"] {
        std::fs::copy(repo(&format!("tests/data/{f}")), tmp.path().join(f)).unwrap();
    }
    let text = std::fs::read_to_string(repo(PORTFOLIO)).unwrap();
    let at = text.replace("burnout_hours_monthly = 120", "burnout_hours_monthly = 50");
    assert_ne!(at, text);
    std::fs::write(tmp.path().join("at50.toml"), at).unwrap();
    std::fs::write(tmp.path().join("p.toml"), &text).unwrap();
    bin()
        .current_dir(tmp.path())
        .args([
            "sweep",
            "p.toml",
            "--param",
            "owner.burnout_hours_monthly",
            "--values",
            "50",
            "-n",
            "700",
            "--seed",
            "5",
            "--quiet",
            "--no-charts",
            "-o",
            "sweep",
        ])
        .assert()
        .success()
        .stdout("");
    bin()
        .current_dir(tmp.path())
        .args(["run", "at50.toml", "-n", "700", "--seed", "5", "--quiet"])
        .args(["--no-charts", "-o", "run"])
        .assert()
        .success();
    let csv = std::fs::read_to_string(tmp.path().join("sweep/sweep.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let cell = |name: &str| -> f64 {
        row[header.iter().position(|h| *h == name).unwrap()]
            .parse()
            .unwrap()
    };
    let s = json(&tmp.path().join("run/summary.json"));
    let f = |v: &Value| v.as_f64().unwrap();
    assert!(
        f(&s["failure"]["causes"]["burned_out"]) > 0.0,
        "burnout happens"
    );
    assert_eq!(cell("failure_probability"), f(&s["failure"]["probability"]));
    assert_eq!(
        cell("failure_burned_out"),
        f(&s["failure"]["causes"]["burned_out"])
    );
    assert_eq!(
        cell("semi_passive_probability"),
        f(&s["semi_passive"]["probability"])
    );
    assert_eq!(
        cell("cumulative_net_p50"),
        f(&s["series"]["cumulative_net"]["p50"][29])
    );
}

#[test]
fn sweep_of_a_portfolio_refuses_keys_it_cannot_sweep_and_set() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--param", "owner.burnout_after_months", "--values", "2"],
            "--param owner.burnout_after_months: a whole number, not a real-valued parameter",
        ),
        (
            &["--param", "hustle.2.churn.model", "--values", "1"],
            "a choice of model, not a real-valued parameter",
        ),
        (
            &["--param", "acquisition.rate", "--values", "1"],
            "as hustle.N.acquisition.rate",
        ),
        (
            &["--param", "owner.capacity_hours_monthly", "--values", "0"],
            "--values: 0 is not a valid owner.capacity_hours_monthly (it must be > 0)",
        ),
        (
            &[
                "--param",
                "owner.hourly_value",
                "--values",
                "1",
                "--set",
                "owner.hourly_value=2",
            ],
            "--set owner.hourly_value=2: a portfolio's keys are changed in its file",
        ),
    ];
    for (args, says) in cases {
        let tmp = tempfile::tempdir().unwrap();
        bin()
            .current_dir(tmp.path())
            .args(["sweep", &repo(PORTFOLIO), "-n", "10"])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
        assert!(!tmp.path().join("output").exists(), "{args:?} wrote files");
    }
}

#[test]
fn sensitivity_of_a_portfolio_ranks_the_persons_keys_and_each_hustles() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .current_dir(tmp.path())
        .args(["sensitivity", &repo(PORTFOLIO), "-n", "300", "--seed", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Sensitivity of P(semi-passive by month 30): a subscription tool and a print shop",
        ))
        .stdout(predicate::str::contains(
            "hustle.N.KEY: a key of hustle N's",
        ))
        .stdout(predicate::function(fits));
    let out = tmp.path().join("output/portfolio-sensitivity");
    let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let keys: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    for k in [
        "owner.capacity_hours_monthly",
        "semi_passive.min_net_monthly",
        "hustle.1.acquisition.rate",
        "hustle.2.churn.monthly",
    ] {
        assert!(keys.contains(&k), "{k} missing from {keys:?}");
    }
    assert!(
        !keys
            .iter()
            .any(|k| k.starts_with("hustle.") && k.contains(".semi_passive.")),
        "a hustle's own bar does not take part: {keys:?}"
    );
    // The usual width; taller than the usual 720 only when the side panel
    // has more to say than fits (the semi-passive rule, the churn note).
    let (w, h) = png_size(&out.join("tornado.png"));
    assert_eq!(w, 1280);
    assert!(h >= 720, "{h}");
}

#[test]
fn sensitivity_semi_passive_needs_the_portfolios_own_section() {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["bench.toml", "weekend-shop.toml"] {
        std::fs::copy(repo(&format!("tests/data/{f}")), tmp.path().join(f)).unwrap();
    }
    // The example portfolio without its [semi_passive] section: its
    // hustles' own bars are not the person's.
    let text = std::fs::read_to_string(repo(PORTFOLIO)).unwrap();
    let start = text.find("[semi_passive]").unwrap();
    let end = text.find("[[hustle]]").unwrap();
    let without = format!("{}{}", &text[..start], &text[end..]);
    std::fs::write(tmp.path().join("bare.toml"), without).unwrap();
    bin()
        .current_dir(tmp.path())
        .args(["sensitivity", "bare.toml", "-n", "10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--metric semi_passive: the portfolio has no [semi_passive] section, so it never \
             becomes semi-passive; add one or choose --metric failure, cumulative_net_p50 or \
             passivity",
        ));
    assert!(!tmp.path().join("output").exists());
    bin()
        .current_dir(tmp.path())
        .args([
            "sensitivity",
            "bare.toml",
            "-n",
            "50",
            "--metric",
            "failure",
        ])
        .args(["--quiet", "--no-charts"])
        .assert()
        .success();
}
