//! Tweaking a scenario from the command line, as a user does it: a run with
//! `--set` says so wherever its results appear and keeps to a folder of its
//! own; churn is tweaked in people's terms on either model; a percentage
//! where a fraction belongs is refused with the fraction it may mean;
//! clamped draws are a warning even with `--quiet`; and every command uses
//! the same words for "semi-passive by month H", "in month H" and the
//! median month.

mod common;

use common::bin;
use hustle_sim::Scenario;
use hustle_sim::chart::run_charts;
use hustle_sim::report::Summary;
use hustle_sim::sim::RunOptions;
use predicates::prelude::*;
use std::path::Path;

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Every file in a folder with its bytes, sorted by name.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_tweaked_run_says_so_everywhere_and_leaves_the_untweaked_folder_alone() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .current_dir(tmp.path())
        .args(["run", "-n", "300", "-q"])
        .assert()
        .success();
    let plain = tmp.path().join("output/niche-saas-tool");
    let before = contents(&plain);
    assert!(json(&plain.join("summary.json")).get("overrides").is_none());

    // Given in any order, the overrides are reported in key order.
    let out = bin()
        .current_dir(tmp.path())
        .args(["run", "-n", "300", "--set", "pricing.monthly=39"])
        .args(["--set", "churn.beta=5"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let header: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("Niche industry SaaS tool: 300 trajectories"))
        .take(2)
        .collect();
    assert_eq!(
        header[1], "  with churn.beta=5; pricing.monthly=39 (not as in the file)",
        "{out}"
    );
    let tweaked = tmp
        .path()
        .join("output/niche-saas-tool+churn.beta=5+pricing.monthly=39");
    assert!(
        out.contains("Wrote output/niche-saas-tool+churn.beta=5+pricing.monthly=39/summary.json")
    );
    let s = json(&tweaked.join("summary.json"));
    assert_eq!(
        s["overrides"],
        serde_json::json!(["churn.beta=5", "pricing.monthly=39"])
    );
    assert_eq!(s["source"], "built-in default scenario");
    assert!(tweaked.join("fan_net_income.png").is_file());
    // The untweaked results are as they were, byte for byte.
    assert_eq!(contents(&plain), before);

    // The same tweak again replaces its own folder; -o writes where asked.
    bin()
        .current_dir(tmp.path())
        .args(["run", "-n", "300", "-q", "--set", "churn.beta=5"])
        .args(["--set", "pricing.monthly=39", "--no-charts"])
        .assert()
        .success();
    let folders = std::fs::read_dir(tmp.path().join("output"))
        .unwrap()
        .count();
    assert_eq!(folders, 2);
    let asked = tmp.path().join("asked");
    bin()
        .current_dir(tmp.path())
        .args([
            "run",
            "-n",
            "300",
            "-q",
            "--no-charts",
            "--set",
            "churn.beta=5",
        ])
        .arg("-o")
        .arg(&asked)
        .assert()
        .success();
    assert_eq!(
        json(&asked.join("summary.json"))["overrides"],
        serde_json::json!(["churn.beta=5"])
    );
    assert_eq!(contents(&plain), before);
}

#[test]
fn every_chart_of_a_tweaked_run_has_its_overrides_in_its_subtitle() {
    let mut scenario = Scenario::builtin_default();
    scenario.set("churn.beta=5").unwrap();
    scenario.set("semi_passive.min_passivity=0.3").unwrap();
    let overrides = scenario.overrides();
    assert_eq!(
        overrides,
        ["churn.beta=5", "semi_passive.min_passivity=0.3"]
    );
    let opts = RunOptions {
        trajectories: 200,
        seed: 1,
        threads: Some(1),
    };
    let r = hustle_sim::sim::run(
        &scenario.model().unwrap(),
        &opts,
        &|_| {},
        &std::sync::atomic::AtomicBool::new(false),
    )
    .unwrap();
    let s = Summary::from_run(&r, &scenario.source).with_overrides(overrides.clone());
    let charts = run_charts(&r, &s);
    // The six charts, and passivity's: min_passivity is an owner's hours key.
    assert_eq!(charts.len(), 7);
    for c in &charts {
        assert_eq!(c.info().overrides, overrides, "{}", c.name());
        let line = c.info().subtitle("what is shown");
        assert_eq!(
            line,
            "with churn.beta=5; semi_passive.min_passivity=0.3  ·  200 trajectories  ·  seed 1  ·  \
             24 months  ·  what is shown",
            "{}",
            c.name()
        );
    }
    // A run of the file as it is has none, and its subtitle is as before.
    let plain = Summary::from_run(&r, &scenario.source);
    for c in run_charts(&r, &plain) {
        assert!(c.info().overrides.is_empty());
        assert!(
            c.info()
                .subtitle("what")
                .starts_with("what  ·  200 trajectories")
        );
    }
}

#[test]
fn sweep_and_sensitivity_with_set_say_so_and_keep_to_folders_of_their_own() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = bin()
        .current_dir(tmp.path())
        .args(["sweep", "niche-saas-tool", "--param", "platform.fee"])
        .args([
            "--values",
            "0,0.1",
            "-n",
            "200",
            "--set",
            "pricing.monthly=39",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let sweep = String::from_utf8(sweep).unwrap();
    assert!(
        sweep.contains("\n  with pricing.monthly=39 (not as in the file)\n"),
        "{sweep}"
    );
    assert!(
        tmp.path()
            .join("output/niche-saas-tool+pricing.monthly=39-sweep-platform.fee/sweep.png")
            .is_file()
    );
    let sens = bin()
        .current_dir(tmp.path())
        .args(["sensitivity", "niche-saas-tool", "-n", "100", "--no-charts"])
        .args(["--set", "pricing.monthly=39"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let sens = String::from_utf8(sens).unwrap();
    assert!(
        sens.contains("\n  with pricing.monthly=39 (not as in the file)\n"),
        "{sens}"
    );
    assert!(
        tmp.path()
            .join("output/niche-saas-tool+pricing.monthly=39-sensitivity/sensitivity.csv")
            .is_file()
    );
    // Without --set, their folders are as they were.
    bin()
        .current_dir(tmp.path())
        .args(["sweep", "niche-saas-tool", "--param", "platform.fee"])
        .args(["--values", "0,0.1", "-n", "50", "-q", "--no-charts"])
        .assert()
        .success();
    assert!(
        tmp.path()
            .join("output/niche-saas-tool-sweep-platform.fee/sweep.csv")
            .is_file()
    );
}

#[test]
fn a_compared_variant_says_what_it_changes_even_when_named() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .current_dir(tmp.path())
        .args(["compare", "niche-saas-tool", "-n", "300", "--no-charts"])
        .args(["--with", "high churn: churn.monthly=0.08"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Variants of the first scenario, with what they change:\n    high churn: churn.monthly=0.08\n",
        ));
    let c = json(
        &tmp.path()
            .join("output/niche-saas-tool-compare/compare.json"),
    );
    assert_eq!(c["scenarios"][1]["label"], "high churn");
    assert_eq!(
        c["scenarios"][1]["overrides"],
        serde_json::json!(["churn.monthly=0.08"])
    );
    // The named variant's first-renewal churn is 8 %.
    let churn = c["scenarios"][1]["churn_at_renewals"].as_array().unwrap();
    assert!(
        (churn[0].as_f64().unwrap() - 0.08).abs() < 1e-12,
        "{churn:?}"
    );
}

/// A market of 1,000 that all adopt in month 1 and never come back (Bass
/// with p = 1, q = 0), free of charge, with no competitors and an owner
/// who never quits: month 2's customers are those left after their first
/// renewal, month 3's after their second.
const COHORT: &str = "name = \"one cohort\"\nhorizon_months = 3\n\
    [setup]\nmonths = 0\n\
    [acquisition]\nmodel = \"bass\"\nmarket_size = 1000\ninnovation = 1\nimitation = 0\n\
    [churn]\nmodel = \"sbg\"\nalpha = 1\nbeta = 15\n\
    [owner]\nquit_after_months = 0\n";

/// Mean customers in months 2 and 3 of a run of the cohort scenario with
/// these overrides, over 4,000 trajectories.
fn survivors(dir: &Path, sets: &[&str]) -> [f64; 2] {
    let file = dir.join("cohort.toml");
    std::fs::write(&file, COHORT).unwrap();
    let out = dir.join(sets.join("+").replace(['=', '.'], "_"));
    let mut cmd = bin();
    cmd.args(["run", "-n", "4000", "-q", "--no-charts", "--seed", "11"])
        .arg(&file)
        .arg("-o")
        .arg(&out);
    for s in sets {
        cmd.args(["--set", s]);
    }
    cmd.assert().success();
    let s = json(&out.join("summary.json"));
    let mean = &s["series"]["customers"]["mean"];
    [mean[1].as_f64().unwrap(), mean[2].as_f64().unwrap()]
}

#[test]
fn churn_monthly_on_an_sbg_scenario_means_the_first_renewal_churn_and_keeps_the_polarisation() {
    let tmp = tempfile::tempdir().unwrap();
    // The same first-renewal churn of 8 % under either model: 920
    // customers expected in month 2. Each trajectory's count is binomial
    // (sd sqrt(1000 x 0.08 x 0.92) = 8.6), so the mean of 4,000 has a
    // standard error of 0.14; 5 of them is 0.7.
    let sbg = survivors(tmp.path(), &["churn.monthly=0.08"]);
    let constant = survivors(tmp.path(), &["churn.model=constant", "churn.monthly=0.08"]);
    for (name, s) in [("sbg", sbg), ("constant", constant)] {
        assert!((s[0] - 920.0).abs() < 0.7, "{name}: {s:?}");
    }
    // At the second renewal they part: constant churn stays at 8 %
    // (846.4 expected), sbg keeps the file's polarisation 1 / 17 (alpha +
    // beta = 16: alpha = 1.28, beta = 14.72) and churns 1.28 / 17 = 7.53 %
    // (850.7). Month 3's count has an sd of about 11.3, a standard error
    // of 0.18: the two lie 24 standard errors apart, each within 5 of its
    // own expectation.
    assert!((constant[1] - 846.4).abs() < 0.9, "{constant:?}");
    assert!(
        (sbg[1] - 920.0 * (1.0 - 1.28 / 17.0)).abs() < 0.9,
        "{sbg:?}"
    );
    // Written in people's terms, the same churn gives the same customers.
    let polarised = survivors(
        tmp.path(),
        &[
            "churn.monthly=0.08",
            "churn.polarisation=0.058823529411764705",
        ],
    );
    for t in 0..2 {
        assert!(
            (polarised[t] - sbg[t]).abs() < 0.05,
            "{polarised:?} {sbg:?}"
        );
    }

    // check shows churn in people's terms at renewals 1, 6 and 12:
    // 1.28 / (16 + n - 1).
    let file = tmp.path().join("cohort.toml");
    bin()
        .arg("check")
        .arg(&file)
        .args(["--set", "churn.monthly=0.08"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(
            r"churn at renewals 1/6/12 += 8\.0 % / 6\.1 % / 4\.7 % +# each customer's chance to leave then",
        ).unwrap());
    // And the built-in default, written with alpha and beta, runs with it.
    bin()
        .current_dir(tmp.path())
        .args([
            "run",
            "-n",
            "200",
            "-q",
            "--no-charts",
            "--set",
            "churn.monthly=0.08",
        ])
        .assert()
        .success();
}

#[test]
fn a_percentage_where_a_fraction_belongs_is_refused_with_the_fraction_it_may_mean() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in ["run", "check"] {
        let mut c = bin();
        c.current_dir(tmp.path()).arg(cmd);
        if cmd == "check" {
            c.arg("niche-saas-tool");
        }
        c.args(["--set", "churn.monthly=\"5 to 10\""])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "churn.monthly: 100 % of the draws of \"5 to 10\" fall outside its valid range \
                 (strictly between 0 and 1) and would be clamped; churn.monthly is a fraction: \
                 did you mean \"0.05 to 0.1\" (or \"5% to 10%\")?",
            ));
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    // Written as percentages, it runs, and the summary says how it was set.
    bin()
        .current_dir(tmp.path())
        .args(["run", "-n", "200", "-q", "--no-charts"])
        .args(["--set", "churn.monthly=5% to 10%"])
        .assert()
        .success();
    let s = json(
        &tmp.path()
            .join("output/niche-saas-tool+churn.monthly=5pct_to_10pct/summary.json"),
    );
    assert_eq!(
        s["overrides"],
        serde_json::json!(["churn.monthly=\"5% to 10%\""])
    );
}

#[test]
fn clamped_draws_are_a_warning_on_stderr_even_with_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("clamps.toml");
    // A quarter of the draws below 0: clamped to 0, and allowed.
    std::fs::write(
        &file,
        "name = \"clamps\"\n[acquisition]\nrate = 3\n[pricing]\nmonthly = 20\n\
         [churn]\nmonthly = { dist = \"uniform\", min = -0.1, max = 0.3 }\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let warning = predicate::str::is_match(
        r"warning: [\d,]+ of 2,000 draws of churn\.monthly \(\d+\.\d %\) fell outside its valid range \(within 0\.\.=1\) and were clamped into it",
    )
    .unwrap();
    let runs: [&[&str]; 4] = [
        &["run", f, "-n", "2000", "--no-charts"],
        &[
            "sweep",
            f,
            "--param",
            "pricing.monthly",
            "--values",
            "10,30",
            "-n",
            "2000",
        ],
        &["compare", f, f, "-n", "2000", "--no-charts"],
        &[
            "sensitivity",
            f,
            "-n",
            "2000",
            "--no-charts",
            "--metric",
            "failure",
        ],
    ];
    for args in runs {
        bin()
            .current_dir(tmp.path())
            .args(args)
            .arg("--quiet")
            .assert()
            .success()
            .stdout("")
            .stderr(warning.clone());
    }
    // Clamped alike in every variant: one warning, not one per variant.
    let out = bin()
        .current_dir(tmp.path())
        .args(runs[1])
        .arg("--quiet")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    // list --run warns of the scenario's clamped draws too, and check of
    // the share to expect.
    bin()
        .args(["list", "--run", "-n", "2000", tmp.path().to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("draws of churn.monthly"));
    bin()
        .args(["check", f])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "about 25 % of churn.monthly's draws fall outside its valid range (within 0..=1) \
             and will be clamped into it",
        ));
}

/// The cells of a Markdown table row.
fn cells(line: &str) -> Vec<String> {
    line.trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}

fn pct(p: f64) -> String {
    format!("{:.1} %", p * 100.0)
}

/// A hustle most owners make semi-passive within the horizon, some of
/// whom outgrow the 10-hour cap again by month 24: the share by month 24,
/// the share in month 24 and the median month all differ.
const QUICK: &str = "name = \"quick\"\n\
    [acquisition]\nrate = \"2 to 6\"\n[churn]\nmonthly = 0.03\n\
    [pricing]\nmonthly = 40\n[costs]\nfixed_monthly = 20\n\
    [effort]\nfixed_hours_monthly = 2\nhours_per_customer_monthly = 0.1\n\
    [platform]\nfee = 0.1\n\
    [semi_passive]\nmin_net_monthly = 300\nmax_hours_monthly = 10\n";

/// The columns of a line of `sweep`'s or `compare`'s table: cells are two
/// or more spaces apart (a cell holds single spaces).
fn columns(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut spaces = 0;
    for c in line.trim().chars() {
        if c == ' ' {
            spaces += 1;
            continue;
        }
        if spaces >= 2 {
            out.push(std::mem::take(&mut cell));
        } else if spaces == 1 {
            cell.push(' ');
        }
        spaces = 0;
        cell.push(c);
    }
    out.push(cell);
    out
}

#[test]
fn every_command_says_semi_passive_by_and_in_month_h_and_means_one_median_month() {
    let tmp = tempfile::tempdir().unwrap();
    let course = tmp.path().join("quick.toml");
    std::fs::write(&course, QUICK).unwrap();
    let run = tmp.path().join("run");
    bin()
        .args(["run", "-n", "1000", "-q", "--no-charts"])
        .arg(&course)
        .arg("-o")
        .arg(&run)
        .assert()
        .success();
    let s = json(&run.join("summary.json"));
    let by = s["semi_passive"]["probability"].as_f64().unwrap();
    let within = s["semi_passive"]["share_by_month"][23].as_f64().unwrap();
    let median = s["semi_passive"]["month"]["p50"]
        .as_u64()
        .unwrap()
        .to_string();
    // The scenario tells the three apart.
    assert!(by > 0.5 && (by - within).abs() > 0.01, "{by} {within}");

    // list --run: by 24, in 24 and the median month, as run's summary has
    // them (the median of all trajectories, not of those that got there).
    let list = bin()
        .args(["list", "--run", "-n", "1000", tmp.path().to_str().unwrap()])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list = String::from_utf8(list).unwrap();
    let head = list.lines().find(|l| l.starts_with("| scenario")).unwrap();
    assert_eq!(&cells(head)[1..4], ["by 24", "in 24", "when"]);
    let row = list.lines().find(|l| l.starts_with("| quick")).unwrap();
    assert_eq!(cells(row)[1..4], [pct(by), pct(within), median.clone()]);
    let words = list.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("When: the median month, the first month by which half of all trajectories"),
        "{list}"
    );

    // sweep (at the file's own fee) and compare: the same three, in the
    // same words.
    let sweep = bin()
        .arg("sweep")
        .arg(&course)
        .args(["--param", "platform.fee", "--values", "0.1", "-n", "1000"])
        .args(["--no-charts", "-o"])
        .arg(tmp.path().join("sweep"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let compare = bin()
        .args(["compare"])
        .arg(&course)
        .arg(&course)
        .args(["-n", "1000", "--no-charts", "-o"])
        .arg(tmp.path().join("compare"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    for (out, first) in [(sweep, "0.1"), (compare, "quick")] {
        let out = String::from_utf8(out).unwrap();
        let top = out
            .lines()
            .find(|l| l.contains("semi-passive by 24"))
            .unwrap();
        assert_eq!(
            &columns(top)[..3],
            ["semi-passive by 24", "in 24", "median"],
            "{top}"
        );
        let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains("Median month: the first month by which half of all trajectories"),
            "{out}"
        );
        let row = out
            .lines()
            .find(|l| l.starts_with(&format!("  {first} ")))
            .unwrap();
        let c = columns(row);
        assert!(c[1].starts_with(&pct(by)), "{row}");
        assert_eq!(c[2..4], [pct(within), median.clone()], "{row}");
    }

    // sensitivity: the baseline by and in month 24 whatever the metric.
    bin()
        .arg("sensitivity")
        .arg(&course)
        .args(["-n", "1000", "--no-charts", "--metric", "failure", "-o"])
        .arg(tmp.path().join("sens"))
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "  baseline semi-passive by month 24: {}, in month 24: {}\n",
            pct(by),
            pct(within)
        )));
}
