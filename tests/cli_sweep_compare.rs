//! `hustle-sim sweep` and `hustle-sim compare` end to end: the files they
//! write, their default folders, and bad input (exit code 2, a message that
//! names the argument and what is allowed).

mod common;

use common::{bin, png_size, repo};

use predicates::prelude::*;

const SAAS: &str = "scenarios/niche-saas-tool.toml";

#[test]
fn sweep_writes_csv_png_and_a_table_into_the_default_folder() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .current_dir(tmp.path())
        .args([
            "sweep",
            &repo(SAAS),
            "--param",
            "platform.fee",
            "--range",
            "0:0.3:4",
            "-n",
            "800",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "sweep of platform.fee over 4 values",
        ))
        .stdout(predicate::str::contains("0.1 "))
        .stdout(predicate::function(|out: &str| {
            out.lines()
                .filter(|l| !l.trim_start().starts_with("Wrote"))
                .all(|l| l.chars().count() <= 100)
        }));
    let out = tmp.path().join("output/niche-saas-tool-sweep-platform.fee");
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for col in [
        "value",
        "semi_passive_probability",
        "semi_passive_ci_low",
        "semi_passive_ci_high",
        "failure_probability",
        "failure_ci_low",
        "failure_ci_high",
        "median_month_semi_passive",
        "cumulative_net_p5",
        "cumulative_net_p50",
        "cumulative_net_p95",
        "failure_abandoned",
        "failure_burned_out",
        "failure_deplatformed",
        "failure_unprofitable",
    ] {
        assert!(header.contains(&col), "sweep.csv lacks {col}");
    }
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let values: Vec<&str> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(values, ["0", "0.1", "0.2", "0.3"]);
    // A higher fee never makes semi-passive income more likely (paired).
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let sp: Vec<f64> = rows
        .iter()
        .map(|r| r[col("semi_passive_probability")].parse().unwrap())
        .collect();
    assert!(sp.windows(2).all(|w| w[1] <= w[0]), "{sp:?}");
    assert_eq!(png_size(&out.join("sweep.png")), (1280, 720));
}

#[test]
fn sweep_over_hourly_value_gives_the_same_probabilities_in_every_row() {
    // In a scenario whose bar does not ask for passivity (the benchmark's),
    // the hourly value only sets what the effective rate is compared with.
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .args([
            "sweep",
            &repo("tests/data/bench.toml"),
            "--param",
            "owner.hourly_value",
            "--values",
            "0,40,400",
        ])
        .args(["-n", "600", "--quiet", "--no-charts", "-o"])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout("");
    let csv = std::fs::read_to_string(tmp.path().join("sweep.csv")).unwrap();
    let rows: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split_once(',').unwrap().1.to_string())
        .collect();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r == &rows[0]), "{rows:?}");
    assert!(!tmp.path().join("sweep.png").exists());
}

#[test]
fn sweep_input_errors_exit_2_and_name_the_argument() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["--param", "horizon_months", "--values", "12"],
            "--param horizon_months: a whole number",
        ),
        (
            &["--param", "churn.montly", "--values", "0.1"],
            "did you mean `churn.monthly`",
        ),
        (
            &["--param", "platform.fee", "--values", "0.1,2"],
            "--values: 2 is not a valid platform.fee (it must be within 0..=1)",
        ),
        (
            &["--param", "platform.fee", "--range", "0:1"],
            "--range 0:1: needs three parts",
        ),
        (
            &["--param", "platform.fee", "--values", "0.1,x"],
            "`x` is not a number",
        ),
        (
            &["--param", "churn.monthly", "--values", "0,0.1"],
            "--values: 0 is not a valid churn.monthly (it must be strictly between 0 and 1)",
        ),
    ];
    for (args, says) in cases {
        let tmp = tempfile::tempdir().unwrap();
        bin()
            .current_dir(tmp.path())
            .args(["sweep", &repo(SAAS), "-n", "10"])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
        assert!(!tmp.path().join("output").exists(), "{args:?} wrote files");
    }
    // Neither --values nor --range: a usage error.
    bin()
        .args(["sweep", &repo(SAAS), "--param", "platform.fee"])
        .assert()
        .code(2);
}

#[test]
fn compare_writes_json_and_charts_and_a_self_comparison_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .current_dir(tmp.path())
        .args([
            "compare",
            &repo(SAAS),
            &repo(SAAS),
            "--with",
            "no hikes: platform.fee_hike=0.05",
        ])
        .args([
            "--with",
            "stickier, dearer: churn.beta={ dist = \"triangular\", min = 3, mode = 5, max = 8 }; pricing.monthly=59",
        ])
        .args(["-n", "1500", "--seed", "7"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Against niche-saas-tool, trajectory by trajectory",
        ))
        .stdout(predicate::str::contains("\n  stickier, dearer\n    semi-passive by 24: "))
        .stdout(predicate::function(|out: &str| {
            // Every line but the one naming the files written.
            out.lines()
                .filter(|l| !l.trim_start().starts_with("Wrote"))
                .all(|l| l.chars().count() <= 100)
        }));
    let out = tmp.path().join("output/niche-saas-tool-compare");
    let j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(j["trajectories"], 1500);
    assert_eq!(j["seed"], 7);
    let scenarios = j["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 4);
    for s in scenarios {
        for key in [
            "name",
            "label",
            "semi_passive_probability",
            "semi_passive_ci95",
            "failure_probability",
            "failure_ci95",
            "median_month_semi_passive",
        ] {
            assert!(s.get(key).is_some(), "scenario lacks {key}");
        }
        for q in ["p5", "p50", "p95"] {
            assert!(s["cumulative_net"][q].is_number());
        }
    }
    // A named variant is labelled by its name, its overrides recorded.
    assert_eq!(scenarios[2]["label"], "no hikes");
    assert_eq!(scenarios[3]["label"], "stickier, dearer");
    let paired = j["paired"].as_array().unwrap();
    assert_eq!(paired.len(), 3);
    // The file against itself, and a fee hike of a platform that never
    // raises its fee (the tool's fee_hike_probability is 0): nothing changes.
    for p in &paired[..2] {
        for k in [
            "semi_passive_gained",
            "semi_passive_lost",
            "failure_gained",
            "failure_avoided",
        ] {
            assert_eq!(p[k], 0, "{k}");
        }
        for q in ["mean", "p5", "p50", "p95"] {
            assert_eq!(p["cumulative_net_difference"][q], 0.0);
        }
        assert_eq!(p["semi_passive_probability_difference"], 0.0);
        assert_eq!(
            scenarios[1]["semi_passive_probability"],
            scenarios[0]["semi_passive_probability"]
        );
    }
    // Higher churn and a higher price: outcomes do change.
    let p = &paired[2];
    let changed =
        p["semi_passive_gained"].as_u64().unwrap() + p["semi_passive_lost"].as_u64().unwrap();
    assert!(changed > 0);
    let ci = p["semi_passive_difference_ci95"].as_array().unwrap();
    let d = p["semi_passive_probability_difference"].as_f64().unwrap();
    assert!(ci[0].as_f64().unwrap() <= d && d <= ci[1].as_f64().unwrap());
    assert!(p["interval_method"].as_str().unwrap().contains("Newcombe"));
    for chart in ["compare.png", "diff_fan.png"] {
        assert_eq!(png_size(&out.join(chart)), (1280, 720), "{chart}");
    }
}

#[test]
fn compare_input_errors_exit_2_and_name_the_argument() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["--with", "churn.beta"],
            "--with 'churn.beta': `churn.beta` is not KEY=VALUE",
        ),
        (&["--with", "platform.fee=7"], "--with 'platform.fee=7':"),
        (
            &["--with", "platfrom.fee=0.1"],
            "did you mean `platform.fee`",
        ),
        (&[], "compare needs two scenarios or more"),
    ];
    for (args, says) in cases {
        bin()
            .current_dir(tmp.path())
            .args(["compare", &repo(SAAS), "-n", "10"])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    bin()
        .current_dir(tmp.path())
        .args([
            "compare",
            &repo(SAAS),
            "--with",
            "horizon_months=12",
            "-n",
            "10",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("compare needs one horizon"));
    assert!(!tmp.path().join("output").exists());
}

#[test]
fn compare_charts_of_many_variants_name_every_one_or_refuse_beyond_their_limit() {
    // Regression: `compare` with 51 variants drew 51 lines of 21 looks and
    // a legend that showed 13 of them, the rest cut off below the canvas.
    // Up to 21 scenarios (7 colours x 3 dashes, each look its own) every
    // one is named: entries that do not fit beside the plot move to a key
    // below it on a taller canvas. More are refused before anything runs,
    // unless --no-charts, which compares them all.
    let tmp = tempfile::tempdir().unwrap();
    let variants = |n: usize| -> Vec<String> {
        (1..n)
            .flat_map(|i| {
                [
                    "--with".to_string(),
                    format!("pricing.monthly={}", 10 + 5 * i),
                ]
            })
            .collect()
    };
    let compare = |n: usize, out: &str| {
        let mut cmd = bin();
        cmd.current_dir(tmp.path())
            .args(["compare", &repo(SAAS), "-n", "300", "-q", "-o", out])
            .args(variants(n));
        cmd
    };
    // Two scenarios keep the usual canvas; 13 and 21 grow it for the key.
    compare(2, "two").assert().success();
    for chart in ["compare.png", "diff_fan.png"] {
        assert_eq!(png_size(&tmp.path().join("two").join(chart)), (1280, 720));
    }
    let mut heights = Vec::new();
    for n in [13, 21] {
        let out = format!("many{n}");
        compare(n, &out).assert().success();
        for chart in ["compare.png", "diff_fan.png"] {
            let (w, h) = png_size(&tmp.path().join(&out).join(chart));
            assert_eq!(w, 1280);
            assert!(h > 720, "{n} scenarios, {chart}: {h} pixels high");
            heights.push((n, chart, h));
        }
    }
    // More entries, no shorter a key.
    assert!(heights[2].2 >= heights[0].2 && heights[3].2 >= heights[1].2);
    compare(22, "refused")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "compare: 22 scenarios; its charts tell at most 21 apart (7 colours, 3 dash patterns)",
        ))
        .stderr(predicate::str::contains("--no-charts"));
    assert!(!tmp.path().join("refused").exists());
    compare(51, "all51").arg("--no-charts").assert().success();
    let j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("all51/compare.json")).unwrap())
            .unwrap();
    assert_eq!(j["scenarios"].as_array().unwrap().len(), 51);
    assert!(!tmp.path().join("all51/compare.png").exists());
}
