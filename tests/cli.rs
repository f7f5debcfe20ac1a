//! The `hustle-sim` binary end to end: run, check, list, new, `--set`, the
//! built-in default scenario, and exit codes (0 success, 2 bad input).

mod common;

use common::{bin, repo};

use predicates::prelude::*;
use std::path::Path;

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn run_without_a_scenario_uses_the_builtin_default() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .current_dir(tmp.path())
        .args(["run", "-n", "500", "--no-charts"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Niche industry SaaS tool"))
        .stdout(predicate::str::contains("Semi-passive by month 24"))
        .stdout(predicate::str::contains("Failure by month 24"));
    let out = tmp.path().join("output/niche-saas-tool");
    let s = summary(&out);
    assert_eq!(s["trajectories"], 500);
    assert_eq!(s["seed"], 42);
    for key in [
        "generator",
        "version",
        "trajectories_per_second",
        "elapsed_seconds",
    ] {
        assert!(s.get(key).is_some(), "summary.json lacks {key}");
    }
    let csv = std::fs::read_to_string(out.join("percentiles.csv")).unwrap();
    assert!(csv.starts_with("month,metric,mean,sd,p5,p25,p50,p75,p95\n"));
    assert_eq!(csv.lines().count(), 1 + 24 * 8);
}

#[test]
fn run_writes_into_out_and_set_overrides_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("res");
    bin()
        .args([
            "run",
            &repo("scenarios/niche-saas-tool.toml"),
            "-n",
            "300",
            "--seed",
            "9",
            "--quiet",
            "--no-charts",
        ])
        .args([
            "-o",
            out.to_str().unwrap(),
            "--set",
            "horizon_months=12",
            "--set",
            "platform.ban_probability=1",
        ])
        .assert()
        .success()
        .stdout("");
    let s = summary(&out);
    assert_eq!(s["horizon_months"], 12);
    assert_eq!(s["seed"], 9);
    assert_eq!(s["failure"]["causes"]["deplatformed"], 1.0);
    assert_eq!(
        s["series"]["net_income"]["mean"].as_array().unwrap().len(),
        12
    );
}

#[test]
fn same_seed_same_numbers_across_thread_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for threads in ["1", "3"] {
        let out = tmp.path().join(threads);
        bin()
            .args([
                "run",
                "-n",
                "3000",
                "--quiet",
                "--no-charts",
                "--threads",
                threads,
                "-o",
                out.to_str().unwrap(),
            ])
            .assert()
            .success();
        let mut s = summary(&out);
        s["elapsed_seconds"] = 0.into();
        s["trajectories_per_second"] = 0.into();
        outs.push(s);
    }
    assert_eq!(outs[0], outs[1]);
}

#[test]
fn check_prints_resolved_parameters_with_defaults() {
    bin()
        .args(["check", &repo("scenarios/niche-saas-tool.toml")])
        .assert()
        .success()
        .stdout(predicate::str::contains("valid"))
        .stdout(predicate::str::contains("churn.beta"))
        .stdout(predicate::str::contains("triangular"));
    let tmp = tempfile::tempdir().unwrap();
    let minimal = tmp.path().join("minimal.toml");
    std::fs::write(&minimal, "name = \"minimal\"\n").unwrap();
    bin()
        .args([
            "check",
            minimal.to_str().unwrap(),
            "--set",
            "churn.monthly=0.07",
        ])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"churn.monthly += 0.07 +# --set").unwrap())
        .stdout(predicate::str::is_match(r"horizon_months += 24").unwrap())
        .stdout(predicate::str::is_match(r"pricing.monthly += 0 +# default").unwrap());
}

#[test]
fn list_shows_names_and_descriptions() {
    bin()
        .args(["list", &repo("scenarios")])
        .assert()
        .success()
        .stdout(predicate::str::contains("niche-saas-tool"))
        .stdout(predicate::str::contains("Niche industry SaaS tool"));
}

#[test]
fn list_run_prints_one_row_per_scenario_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bin()
        .current_dir(tmp.path())
        .args(["list", "--run", "-n", "200", &repo("scenarios")])
        .assert()
        .success()
        .stdout(predicate::str::contains("200 trajectories each, seed 42"))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let header = out.lines().find(|l| l.starts_with("| scenario")).unwrap();
    for column in [
        "months",
        "P(semi-passive)",
        "median month",
        "P(failure)",
        "main cause",
        "median cumulative net (USD)",
        "median hourly rate (USD)",
    ] {
        assert!(header.contains(column), "no column {column}: {header}");
    }
    // One row per scenario file, e.g. the built-in default's.
    let rows = out.lines().filter(|l| l.starts_with("| ")).count() - 2; // less header and rule
    let files = std::fs::read_dir(repo("scenarios"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count();
    assert_eq!(rows, files);
    let row = regex_row("niche-saas-tool");
    assert!(
        out.lines().any(|l| row.eval(l)),
        "no niche-saas-tool row in\n{out}"
    );
    // Nothing written into the working folder.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn docs_scenarios_table_is_the_output_of_list_run() {
    // docs/scenarios.md says its table is the output of `hustle-sim list
    // --run` (10,000 trajectories, seed 42); runs are identical on every
    // machine and thread count, so the docs must match it line for line.
    let out = bin()
        .args(["list", "--run", &repo("scenarios")])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let table: Vec<&str> = out.lines().filter(|l| l.starts_with('|')).collect();
    let docs = std::fs::read_to_string(repo("docs/scenarios.md")).unwrap();
    let documented: Vec<&str> = docs.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        documented,
        table,
        "docs/scenarios.md is out of date; paste the table of `hustle-sim list --run`:\n{}",
        table.join("\n")
    );
}

/// A table row: stem, horizon, P(semi-passive), median month, P(failure),
/// main cause (share), median cumulative net, median hourly rate.
fn regex_row(stem: &str) -> predicates::str::RegexPredicate {
    predicate::str::is_match(format!(
        r"^\| {stem} +\| +24 \| +\d+\.\d % \| +(\d+|-) \| +\d+\.\d % \| [a-z ]+ \(\d+\.\d %\) +\| +-?[\d,.]+ \| +-?[\d,.]+ \|$"
    ))
    .unwrap()
}

#[test]
fn list_run_skips_invalid_scenarios_and_exits_with_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo("scenarios/niche-saas-tool.toml"),
        tmp.path().join("niche-saas-tool.toml"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("broken.toml"),
        "name = \"x\"\n[churn]\nmonthly = 1.3\n",
    )
    .unwrap();
    bin()
        .args(["list", "--run", "-n", "50", tmp.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stdout(predicate::function(|out: &str| {
            out.lines().any(|l| regex_row("niche-saas-tool").eval(l))
        }))
        .stdout(predicate::str::contains("broken").not())
        .stderr(predicate::str::contains(
            "churn.monthly must be within 0..=1, got 1.3 (skipped)",
        ))
        .stderr(predicate::str::contains("1 of 2 scenarios"));
    // Plain `list` reports it too, and also exits with code 2.
    bin()
        .args(["list", tmp.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("broken"))
        .stdout(predicate::str::contains("INVALID"));
    // -n and --seed belong to --run.
    bin()
        .args(["list", "-n", "5", tmp.path().to_str().unwrap()])
        .assert()
        .code(2);
}

#[test]
fn new_writes_a_valid_template_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("mine.toml");
    bin()
        .args(["new", file.to_str().unwrap()])
        .assert()
        .success();
    let first = std::fs::read(&file).unwrap();
    bin()
        .args(["check", file.to_str().unwrap()])
        .assert()
        .success();
    bin()
        .args(["new", file.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(std::fs::read(&file).unwrap(), first);
}

fn bad_input(args: &[&str], message: &str) {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .current_dir(tmp.path())
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
}

#[test]
fn bad_input_exits_with_code_2_and_says_what_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "name = \"x\"\n[churn]\nmonthly = 1.3\n").unwrap();
    let bad = bad.to_str().unwrap();
    bad_input(&["run", bad], "churn.monthly must be within 0..=1, got 1.3");
    bad_input(
        &["check", bad],
        "churn.monthly must be within 0..=1, got 1.3",
    );
    let typo = tmp.path().join("typo.toml");
    std::fs::write(&typo, "name = \"x\"\n[churn]\nmontly = 0.1\n").unwrap();
    bad_input(
        &["run", typo.to_str().unwrap()],
        "did you mean `churn.monthly`",
    );
    let syntax = tmp.path().join("syntax.toml");
    std::fs::write(&syntax, "name = \"x\"\n[churn\nmonthly = 0.1\n").unwrap();
    bad_input(&["run", syntax.to_str().unwrap()], "line 2");
    bad_input(
        &["run", "does-not-exist.toml"],
        "does-not-exist.toml: cannot read",
    );
    bad_input(&["run", tmp.path().to_str().unwrap()], "is a directory");
    bad_input(&["run", "-n", "0"], "0 is not in 1..=1000000000");
    bad_input(&["run", "-n", "many"], "invalid value");
    bad_input(
        &["run", "--set", "churn.montly=0.1"],
        "did you mean `churn.monthly`",
    );
    bad_input(
        &["run", "--set", "churn.monthly=2"],
        "churn.monthly must be within 0..=1, got 2",
    );
    bad_input(
        &["run", "--set", "horizon_months=\"long\""],
        "horizon_months must be a whole number",
    );
    bad_input(&["run", "--set", "nonsense"], "expected KEY=VALUE");
}

#[test]
fn out_naming_an_existing_file_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("keep.txt");
    std::fs::write(&file, "precious").unwrap();
    bin()
        .args([
            "run",
            "-n",
            "10",
            "--no-charts",
            "-o",
            file.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a folder"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
}

#[test]
fn ctrl_c_stops_a_long_run_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("interrupted");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hustle-sim"))
        .args([
            "run",
            &repo("scenarios/niche-saas-tool.toml"),
            "-n",
            "1000000000",
            "--quiet",
        ])
        .arg("-o")
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Let it start simulating, then press Ctrl-C.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // A billion trajectories would take hours: only the interrupt ends it.
    // (The wait guards against a hang; it is not a speed check.)
    let mut waited = 0;
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s.code();
        }
        assert!(waited < 1200, "the run ignored Ctrl-C");
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 1;
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted; no results were written"),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

#[test]
fn hours_too_small_for_a_finite_hourly_rate_report_no_nan() {
    // Regression: `[setup] hours = 5e-324` (or 1e-300 with a large cost)
    // made net over hours overflow: NaN in the table, null hourly-rate
    // percentiles beside a count of trajectories that had a rate, and
    // "Median NaN USD/h" in final.png. Such a rate now counts as no rate.
    for (hours, cost) in [("5e-324", "300"), ("1e-300", "900000000")] {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("tiny.toml");
        std::fs::write(
            &file,
            format!("name = \"tiny hours\"\n[setup]\nhours = {hours}\ncost = {cost}\n"),
        )
        .unwrap();
        let out = tmp.path().join("out");
        let assert = bin()
            .args(["run", file.to_str().unwrap(), "-n", "200", "-o"])
            .arg(&out)
            .assert()
            .success();
        let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        assert!(
            !stdout.contains("NaN") && !stdout.contains("inf"),
            "{stdout}"
        );
        let json = std::fs::read_to_string(out.join("summary.json")).unwrap();
        assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
        let s = summary(&out);
        assert_eq!(s["hourly_rate"]["trajectories"], 0, "{hours} hours");
    }
}

#[test]
fn threads_far_beyond_the_cores_are_refused() {
    // Regression: --threads 1000 on two cores ran for minutes in gigabytes
    // (every thread keeps its own sketches).
    for cmd in [
        &["run"][..],
        &["sweep", "--param", "platform.fee", "--values", "0,0.1"],
    ] {
        let mut args: Vec<&str> = cmd.to_vec();
        if cmd[0] == "sweep" {
            args.push(repo_bench());
        }
        bin()
            .args(&args)
            .args([
                "--threads",
                "1000",
                "-n",
                "100",
                "--no-charts",
                "-o",
                "/nonexistent/never",
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("threads must be within 1..="))
            .stderr(predicate::str::contains("per core), got 1000"));
    }
}

/// Too many threads were refused only once the output folder had been
/// created, though bad input is refused before anything is written.
#[test]
fn too_many_threads_are_refused_before_the_output_folder_is_created() {
    let tmp = tempfile::tempdir().unwrap();
    let bench = repo_bench();
    let commands: [&[&str]; 3] = [
        &["run", bench],
        &[
            "sweep",
            bench,
            "--param",
            "platform.fee",
            "--values",
            "0,0.1",
        ],
        &["compare", bench, "--with", "platform.fee=0.1"],
    ];
    for cmd in commands {
        let out = tmp.path().join(format!("out-{}", cmd[0]));
        bin()
            .args(cmd)
            .args(["--threads", "1000", "-n", "10", "--no-charts", "-o"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("per core), got 1000"));
        assert!(!out.exists(), "{}: {} was created", cmd[0], out.display());
    }
}

fn repo_bench() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bench.toml")
}

#[test]
fn names_beyond_their_documented_length_are_refused() {
    // Regression: a 100,000-character name hung the charts for minutes;
    // names are capped at 200 characters, descriptions at 2,000.
    let tmp = tempfile::tempdir().unwrap();
    for (text, message) in [
        (
            format!("name = \"{}\"\n", "n".repeat(201)),
            "name is 201 characters long; at most 200 are allowed",
        ),
        (
            format!("name = \"ok\"\ndescription = \"{}\"\n", "d".repeat(2001)),
            "description is 2001 characters long; at most 2000 are allowed",
        ),
    ] {
        let file = tmp.path().join("long.toml");
        std::fs::write(&file, text).unwrap();
        bin()
            .args(["check", file.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    let file = tmp.path().join("edge.toml");
    std::fs::write(&file, format!("name = \"{}\"\n", "é".repeat(200))).unwrap();
    bin()
        .args(["check", file.to_str().unwrap()])
        .assert()
        .success();
}
