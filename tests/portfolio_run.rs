//! `hustle-sim run PORTFOLIO.toml` end to end: what it writes and prints,
//! the person's summary and each hustle's, reproducibility for any thread
//! count, the pairing of the first hustle with its scenario run alone, and
//! what it refuses.

mod common;

use common::{bin, repo};
use hustle_sim::RunOptions;
use hustle_sim::portfolio::Portfolio;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn summary(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

/// The summary without its timing fields, which change from run to run.
fn without_timing(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    o.remove("elapsed_seconds");
    o.remove("trajectories_per_second");
    v
}

#[test]
fn run_of_a_portfolio_writes_the_persons_and_each_hustles_results() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("res");
    bin()
        .args(["run", &repo("tests/data/portfolio.toml"), "-n", "2000"])
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "a subscription tool and a print shop: 2,000 trajectories over 30 months",
        ))
        .stdout(predicate::str::contains("burned out"))
        .stdout(predicate::str::contains("all failed"))
        .stdout(predicate::str::contains(
            "1. bench: niche subscription tool",
        ))
        .stdout(predicate::str::contains("2. weekend print shop"));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "fan_cumulative_net.png",
            "fan_customers.png",
            "fan_hours.png",
            "fan_net_income.png",
            "fan_passivity.png",
            "final.png",
            "hustles.png",
            "outcomes.png",
            "percentiles.csv",
            "summary.json",
        ]
    );

    let s = summary(&out);
    assert_eq!(s["portfolio"], true);
    assert_eq!(s["horizon_months"], 30);
    // The person has no competitors of their own; failure is by burnout or
    // every hustle failing.
    assert!(s["series"].get("competitors").is_none());
    for key in ["net_income", "hours", "passivity", "declined_customers"] {
        assert_eq!(s["series"][key]["p50"].as_array().unwrap().len(), 30);
    }
    let causes: Vec<&String> = s["failure"]["causes"].as_object().unwrap().keys().collect();
    assert_eq!(causes, ["all_failed", "burned_out"]);
    assert!(s["semi_passive"]["at_horizon"].is_number());
    assert!(s["passivity"]["share_by_month"].is_array());

    let hustles = s["hustles"].as_array().unwrap();
    assert_eq!(hustles.len(), 2);
    assert_eq!(hustles[0]["scenario"], "bench.toml");
    assert_eq!(hustles[1]["start_month"], 3);
    assert_eq!(hustles[0]["seed"], 42);
    for h in hustles {
        let series = &h["series"];
        assert!(series.get("competitors").is_some());
        let running = h["running_at_horizon"].as_f64().unwrap();
        let failed = h["failure"]["probability"].as_f64().unwrap();
        assert!((running + failed - 1.0).abs() < 1e-12);
    }
    // The second hustle does not exist before its start month: every
    // figure is 0 in months 1 and 2, and not in month 3 (its setup).
    let net = &hustles[1]["series"]["net_income"];
    for t in 0..2 {
        for stat in ["mean", "p5", "p95"] {
            assert_eq!(net[stat][t], 0.0, "{stat} in month {}", t + 1);
        }
    }
    assert!(
        net["mean"][2].as_f64().unwrap() < 0.0,
        "setup cost in month 3"
    );

    // percentiles.csv: the person's rows (no hustle number), then each
    // hustle's, month by month.
    let csv = std::fs::read_to_string(out.join("percentiles.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("month,hustle,metric,mean,sd,p5,p25,p50,p75,p95")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 30 * (9 + 2 * 10));
    assert!(rows[0].starts_with("1,,net_income,"));
    assert!(rows[9].starts_with("1,1,net_income,"));
    assert!(rows[19].starts_with("1,2,net_income,"));
}

#[test]
fn a_portfolio_run_is_the_same_for_any_thread_count() {
    let p = Portfolio::load(Path::new(&repo("tests/data/portfolio-strained.toml"))).unwrap();
    let run = |threads| {
        let opts = RunOptions {
            trajectories: 5000,
            seed: 11,
            threads: Some(threads),
        };
        let s = hustle_sim::simulate_portfolio(&p, &opts).unwrap();
        without_timing(serde_json::from_slice(&s.to_json()).unwrap())
    };
    assert_eq!(run(1), run(3));
}

#[test]
fn the_first_hustle_is_paired_with_its_scenario_run_alone() {
    // Without a capacity and with burnout out of reach, the first hustle
    // of a portfolio draws exactly what its scenario alone draws with the
    // same seed: its figures are those of the scenario run alone.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(repo("tests/data/bench.toml"), tmp.path().join("bench.toml")).unwrap();
    std::fs::write(
        tmp.path().join("p.toml"),
        "name = \"p\"\nhorizon_months = 24\n[owner]\nburnout_hours_monthly = 1e9\n\
         hourly_value = 30\n[[hustle]]\nscenario = \"bench.toml\"\n\
         [[hustle]]\nscenario = \"bench.toml\"\nstart_month = 7\n",
    )
    .unwrap();
    let p = Portfolio::load(&tmp.path().join("p.toml")).unwrap();
    let opts = RunOptions {
        trajectories: 3000,
        seed: 5,
        threads: Some(2),
    };
    let ps = hustle_sim::simulate_portfolio(&p, &opts).unwrap();
    let alone = hustle_sim::simulate(&p.hustles[0].model, &opts).unwrap();
    let (a, b) = (&ps.hustles[0].series, &alone.series);
    assert_eq!(a.net_income.mean, b.net_income.mean);
    assert_eq!(a.net_income.p50, b.net_income.p50);
    assert_eq!(a.customers.p95, b.customers.p95);
    assert_eq!(a.hours.sd, b.hours.sd);
    assert_eq!(ps.hustles[0].failure.causes, alone.failure.causes);
}

#[test]
fn set_is_refused_for_a_portfolio() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .current_dir(tmp.path())
        .args([
            "run",
            &repo("tests/data/portfolio.toml"),
            "--set",
            "churn.monthly=0.1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--set churn.monthly=0.1"));
    assert!(!tmp.path().join("output").exists(), "nothing written");
}

#[test]
fn library_portfolios_are_listed_and_run_by_name_from_any_folder() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .current_dir(tmp.path())
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::contains("consulting-and-evening-tool"))
        .stdout(predicate::str::contains("newsletter-and-course"));
    bin()
        .current_dir(tmp.path())
        .args(["run", "newsletter-and-course", "-n", "500", "--no-charts"])
        .assert()
        .success()
        .stdout(predicate::str::contains("A newsletter, then a course"));
    let s = summary(&tmp.path().join("output/newsletter-and-course"));
    assert_eq!(s["hustles"][1]["start_month"], 7);
    assert_eq!(s["source"], "library portfolio newsletter-and-course");
}
