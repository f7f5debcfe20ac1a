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
        .stdout(predicate::str::contains(
            "running the built-in default, niche-saas-tool",
        ))
        .stdout(predicate::str::contains(
            "To edit a copy: hustle-sim new --from niche-saas-tool",
        ))
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
    // The default uses the owner's hours keys (its bar asks for passivity),
    // so passivity and declined customers join the eight base metrics.
    assert_eq!(csv.lines().count(), 1 + 24 * 10);
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

/// Runs `hustle-sim run` with `args` into a fresh folder and returns its
/// terminal text and summary.json.
fn run_table(args: &[&str]) -> (String, serde_json::Value) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let done = bin()
        .args(["run", "--no-charts", "-o", out.to_str().unwrap()])
        .args(args)
        .assert()
        .success();
    let stdout = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    (stdout, summary(&out))
}

/// The table's line that starts with `label` (after its indent).
fn table_line<'a>(stdout: &'a str, label: &str) -> Option<&'a str> {
    stdout.lines().find(|l| l.trim_start().starts_with(label))
}

fn f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Every line of the table but its first, which holds the scenario's name
/// (the user's text, of any length), fits in 100 columns.
fn assert_fits_in_100_columns(stdout: &str) {
    for line in stdout
        .lines()
        .filter(|l| !l.contains(" trajectories over "))
    {
        assert!(line.chars().count() <= 100, "wider than 100: {line:?}");
    }
}

#[test]
fn run_table_shows_passivity_and_customers_declined_for_want_of_hours() {
    use hustle_sim::report::format::format_percent;
    for horizon in ["24", "120"] {
        let (stdout, s) = run_table(&[
            &repo("tests/data/owner-hours.toml"),
            "-n",
            "2000",
            "--set",
            &format!("horizon_months={horizon}"),
        ]);
        let h: usize = horizon.parse().unwrap();
        assert_fits_in_100_columns(&stdout);
        // Ever semi-passive, then the share whose month H itself qualifies.
        let by = table_line(&stdout, &format!("Semi-passive by month {h} ")).unwrap();
        assert!(by.contains(&format_percent(
            s["semi_passive"]["probability"].as_f64().unwrap()
        )));
        let last = f64s(&s["semi_passive"]["share_by_month"])[h - 1];
        assert_eq!(last, s["semi_passive"]["at_horizon"].as_f64().unwrap());
        let in_h = table_line(&stdout, &format!("Semi-passive in month {h} ")).unwrap();
        assert!(in_h.contains(&format_percent(last)), "{in_h}");
        // Passivity in month H: median and quartiles.
        let p = &s["series"]["passivity"];
        let at = |q: &str| f64s(&p[q])[h - 1];
        let line = table_line(&stdout, &format!("Passivity in month {h}, median")).unwrap();
        assert!(line.contains(&format_percent(at("p50"))), "{line}");
        assert!(
            line.contains(&format!(
                "(p25-p75 {:.1}-{:.1} %)",
                at("p25") * 100.0,
                at("p75") * 100.0
            )),
            "{line}"
        );
        let half = match s["passivity"]["month"]["p50"].as_u64() {
            Some(m) => format!("month {m}"),
            None => "not within the horizon".into(),
        };
        assert!(stdout.contains(&format!(
            "first month with half of trajectories at passivity >= 50 %: {half}\n"
        )));
        // Declined: the share of would-be customers, the mean a month and
        // month H's mean.
        let declined = f64s(&s["series"]["declined_customers"]["mean"]);
        let accepted: f64 = f64s(&s["series"]["new_customers"]["mean"]).iter().sum();
        let total: f64 = declined.iter().sum();
        assert!(total > 0.0, "the capacity binds in this scenario");
        let line = table_line(&stdout, "Declined for want of hours").unwrap();
        assert!(
            line.contains(&format_percent(total / (total + accepted))),
            "{line}"
        );
        assert!(stdout.contains(&format!(
            "on average {:.1} a month over {h} months, {:.1} in month {h}\n",
            total / h as f64,
            declined[h - 1]
        )));
    }
}

#[test]
fn run_table_shows_declined_customers_only_when_some_were_declined() {
    // Rework alone: the passivity lines, no capacity and nothing declined.
    let (stdout, s) = run_table(&["-n", "500", "--set", "effort.rework_probability=0.1"]);
    assert!(s["series"]["declined_customers"].is_object());
    assert!(table_line(&stdout, "Passivity in month 24, median").is_some());
    assert!(!stdout.contains("Declined"), "{stdout}");
    // A capacity no month can reach declines nobody.
    let (stdout, _) = run_table(&["-n", "500", "--set", "owner.capacity_hours_monthly=100000"]);
    assert!(table_line(&stdout, "Passivity in month 24, median").is_some());
    assert!(!stdout.contains("Declined"), "{stdout}");
}

#[test]
fn run_table_of_a_scenario_without_the_owner_hours_keys_adds_only_the_last_month_share() {
    let (stdout, s) = run_table(&[&repo("tests/data/bench.toml"), "-n", "500"]);
    assert_fits_in_100_columns(&stdout);
    let last = f64s(&s["semi_passive"]["share_by_month"])[23];
    let line = table_line(&stdout, "Semi-passive in month 24 ").unwrap();
    assert!(
        line.contains(&hustle_sim::report::format::format_percent(last)),
        "{line}"
    );
    for absent in ["Passivity", "passivity", "Declined"] {
        assert!(!stdout.contains(absent), "{stdout}");
    }
    // Without a [semi_passive] section there is neither semi-passive line.
    let tmp = tempfile::tempdir().unwrap();
    let bare = tmp.path().join("bare.toml");
    std::fs::write(&bare, "name = \"bare\"\n[acquisition]\nrate = 2\n").unwrap();
    let (stdout, _) = run_table(&[bare.to_str().unwrap(), "-n", "100"]);
    assert!(stdout.contains("not defined (the scenario has no [semi_passive] section)"));
    assert!(!stdout.contains("Semi-passive in month"), "{stdout}");
}

/// The lines `check` prints from its correlations heading on.
fn correlation_block(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("Correlations"))
        .collect()
}

#[test]
fn check_prints_each_correlation_with_the_rank_it_gives_and_notes_clamping() {
    let done = bin()
        .args(["check", &repo("tests/data/owner-hours.toml")])
        .assert()
        .success()
        .stdout(predicate::str::contains("Spearman rank correlation"))
        .stdout(
            predicate::str::is_match(r"\n {4}acquisition.rate and churn.beta +rank +0.4\n")
                .unwrap(),
        )
        .stdout(
            predicate::str::is_match(
                r"\n {4}effort.rework_hours and owner.capacity_hours_monthly +rank +-0.5\n",
            )
            .unwrap(),
        );
    let stdout = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    // Neither pair's distributions reach outside their keys' ranges.
    assert!(!stdout.contains("clamped"), "{stdout}");

    // Normal(0.05, 0.05) for churn.monthly puts Phi(-1) = 15.9 % of its
    // draws below 0; the lognormal acquisition.rate none. The longest keys
    // of the table, one of them half outside its range, still fit.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("clamps.toml");
    std::fs::write(
        &file,
        r#"name = "clamps"
[acquisition]
rate = "2 to 10"
[churn]
monthly = { dist = "normal", mean = 0.05, sd = 0.05 }
[competition]
acquisition_loss = { dist = "uniform", min = -1, max = 1 }
[platform]
policy_shock_probability = "0.01 to 0.05"
[[correlation]]
params = ["acquisition.rate", "churn.monthly"]
rank = -0.3
[[correlation]]
params = ["platform.policy_shock_probability", "competition.acquisition_loss"]
rank = 0.25
"#,
    )
    .unwrap();
    let done = bin()
        .args(["check", file.to_str().unwrap()])
        .assert()
        .success();
    let stdout = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    let block = correlation_block(&stdout);
    for line in &block {
        assert!(line.chars().count() <= 100, "wider than 100: {line:?}");
    }
    let text = block.join(" ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains(
            "about 16 % of churn.monthly's draws (valid: within 0..=1) are clamped, so the \
             values the trajectories use may be less correlated than that."
        ),
        "{text}"
    );
    assert!(
        text.contains("about 50 % of competition.acquisition_loss's draws"),
        "{text}"
    );
    for unclamped in ["acquisition.rate's", "policy_shock_probability's"] {
        assert!(!text.contains(unclamped), "{text}");
    }
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
        "by 24",
        "in 24",
        "when",
        "failure",
        "main cause",
        "net USD",
        "USD/h",
    ] {
        assert!(header.contains(column), "no column {column}: {header}");
    }
    assert!(
        out.lines().all(|l| l.chars().count() <= 100),
        "the table fits 100 columns:\n{out}"
    );
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
    // The page's first table is the library's; later tables are its own.
    let documented: Vec<&str> = docs
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(
        documented,
        table,
        "docs/scenarios.md is out of date; paste the table of `hustle-sim list --run`:\n{}",
        table.join("\n")
    );
}

/// Splits a command line as a POSIX shell would for the examples in the
/// docs: words separated by spaces, with '...' and "..." quoting.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, ' ') => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn docs_scenarios_examples_are_what_the_commands_print() {
    // Each example of docs/scenarios.md, a block that starts with
    // `$ hustle-sim ...`, is that command's output line for line (run from
    // the repository, without charts, into a temporary folder), but for the
    // line naming the files it wrote.
    let docs = std::fs::read_to_string(repo("docs/scenarios.md")).unwrap();
    let mut examples = 0;
    let mut rest = docs.as_str();
    while let Some(at) = rest.find("```\n$ hustle-sim ") {
        let block = &rest[at + "```\n$ hustle-sim ".len()..];
        let (command, shown) = block.split_once('\n').unwrap();
        let shown = &shown[..shown.find("```").expect("the example's block ends")];
        rest = &block[command.len()..];
        let tmp = tempfile::tempdir().unwrap();
        let out = bin()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(shell_words(command))
            .args(["--no-charts", "-o"])
            .arg(tmp.path())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        let printed: Vec<&str> = out
            .lines()
            .filter(|l| !l.trim_start().starts_with("Wrote "))
            .collect();
        let printed = printed.join("\n");
        assert_eq!(
            printed.trim_end(),
            shown.trim_end(),
            "docs/scenarios.md is out of date; paste the output of `hustle-sim {command}`"
        );
        examples += 1;
    }
    assert!(examples >= 1, "no examples found in docs/scenarios.md");
}

/// A table row: stem, P(semi-passive by H), P(semi-passive in H), median
/// month, P(failure), main cause (share), median cumulative net, median
/// hourly rate.
fn regex_row(stem: &str) -> predicates::str::RegexPredicate {
    predicate::str::is_match(format!(
        r"^\| {stem} +\| +\d+\.\d % \| +\d+\.\d % \| +(\d+|-) \| +\d+\.\d % \| [a-z ]+ \d+ % +\| +-?[\d,.]+ \| +-?[\d,.]+ \|$"
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
            "churn.monthly must be within 0..=1, got 1.3; churn.monthly is a fraction: did you mean 0.013 (or \"1.3%\")? (skipped)",
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

#[test]
fn the_library_is_at_hand_from_an_empty_folder() {
    // An installed binary run anywhere: no scenarios/ folder beside it.
    let tmp = tempfile::tempdir().unwrap();
    let names: Vec<String> = std::fs::read_dir(repo("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let listed = bin().current_dir(tmp.path()).arg("list").assert().success();
    let stdout = String::from_utf8(listed.get_output().stdout.clone()).unwrap();
    for n in &names {
        assert!(stdout.contains(n.as_str()), "list lacks {n}:\n{stdout}");
    }
    // A library scenario runs by name, into output/NAME/, and says where it
    // came from.
    bin()
        .current_dir(tmp.path())
        .args(["run", "gpt-store-assistant", "-n", "200", "--no-charts"])
        .assert()
        .success();
    let s = summary(&tmp.path().join("output/gpt-store-assistant"));
    assert_eq!(s["source"], "gpt-store-assistant (built-in library)");
    // check, list --run and --from work by name too.
    bin()
        .current_dir(tmp.path())
        .args(["check", "ai-stock-images"])
        .assert()
        .success();
    bin()
        .current_dir(tmp.path())
        .args(["list", "--run", "-n", "50"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Scenarios in the built-in library",
        ));
    let copy = tmp.path().join("mine.toml");
    bin()
        .current_dir(tmp.path())
        .args(["new", "--from", "ai-stock-images", "mine.toml"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(repo("scenarios/ai-stock-images.toml")).unwrap()
    );
    // A file of that name wins over the library.
    std::fs::write(
        tmp.path().join("niche-saas-tool"),
        "name = \"my own\"\n[acquisition]\nrate = 1\n[pricing]\nmonthly = 5",
    )
    .unwrap();
    bin()
        .current_dir(tmp.path())
        .args([
            "run",
            "niche-saas-tool",
            "-n",
            "50",
            "--no-charts",
            "-o",
            "own",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("my own"));
    // An unknown name says where to look.
    bin()
        .current_dir(tmp.path())
        .args(["run", "no-such-hustle"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nor is it a library scenario"));
    bin()
        .current_dir(tmp.path())
        .args(["new", "--from", "no-such-hustle", "x.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no library scenario of that name"));
    assert!(!tmp.path().join("x.toml").exists());
}

#[test]
fn the_template_uses_the_library_owner_and_bar() {
    let template = hustle_sim::Scenario::parse(
        hustle_sim::scenario::template::TEMPLATE,
        "template",
        "template",
    )
    .unwrap()
    .model()
    .unwrap();
    let library = hustle_sim::load(repo("scenarios/niche-saas-tool.toml")).unwrap();
    for key in [
        "owner.quit_below_net",
        "owner.hourly_value",
        "owner.burnout_hours_monthly",
        "semi_passive.min_net_monthly",
        "semi_passive.min_passivity",
        "semi_passive.max_hours_monthly",
    ] {
        let p = hustle_sim::scenario::keys::Param::from_key(key).unwrap();
        assert_eq!(
            template.param(p).to_string(),
            library.param(p).to_string(),
            "{key}"
        );
    }
    assert_eq!(
        (template.burnout_after_months, template.quit_after_months),
        (library.burnout_after_months, library.quit_after_months)
    );
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
        "churn.monthly must be strictly between 0 and 1, got 2",
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
    // Not even the output folder it created is left behind.
    assert!(!out.exists(), "{} left behind", out.display());
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

#[cfg(unix)]
#[test]
fn terminal_escapes_in_user_text_are_printed_escaped_by_every_command() {
    // Regression: `run` printed a scenario named "\u001b[31mred\u0007" raw
    // (the terminal turned red and rang), while `check` escaped it. Every
    // command escapes a name, description, currency, file name or label the
    // same way, as `\u{1b}`.
    use common::assert_terminal_safe;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let scenario = r#"name = "\u001b[31mred\u0007"
description = "wipe\u001b[2J\u009b2J\u202eevil"
currency = "U\u0008SD"
[semi_passive]
min_net_monthly = 100
max_hours_monthly = 40
"#;
    let file = dir.join("esc.toml");
    std::fs::write(&file, scenario).unwrap();
    // A file whose own name holds an escape sequence.
    let odd = dir.join("odd\u{1b}[1m.toml");
    std::fs::write(&odd, scenario).unwrap();
    let data = dir.join("data\u{1b}[1m.csv");
    std::fs::copy(repo("tests/data/fader_hardie_2007_regular.csv"), &data).unwrap();
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let out = |name: &str| path(&dir.join(name));
    let name = r"\u{1b}[31mred\u{7}";
    let odd_stem = r"odd\u{1b}[1m";
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["check".into(), path(&file)], name),
        (
            vec![
                "run".into(),
                path(&file),
                "-n".into(),
                "200".into(),
                "--no-charts".into(),
                "-o".into(),
                out("run"),
            ],
            name,
        ),
        (
            vec![
                "compare".into(),
                path(&file),
                path(&odd),
                "-n".into(),
                "200".into(),
                "--no-charts".into(),
                "-o".into(),
                out("compare"),
            ],
            odd_stem,
        ),
        (
            vec![
                "sweep".into(),
                path(&file),
                "--param".into(),
                "pricing.monthly".into(),
                "--values".into(),
                "10,20".into(),
                "-n".into(),
                "200".into(),
                "--no-charts".into(),
                "-o".into(),
                out("sweep"),
            ],
            name,
        ),
        (
            vec![
                "sensitivity".into(),
                path(&file),
                "-n".into(),
                "100".into(),
                "-o".into(),
                out("sensitivity"),
            ],
            name,
        ),
        (vec!["list".into(), path(dir)], odd_stem),
        (
            vec![
                "list".into(),
                path(dir),
                "--run".into(),
                "-n".into(),
                "100".into(),
            ],
            odd_stem,
        ),
        (
            vec!["fit-churn".into(), path(&data), "-o".into(), out("fit")],
            r"data\u{1b}[1m.csv",
        ),
        // An error quoting a file name.
        (
            vec!["run".into(), out("gone\u{1b}[31m.toml")],
            r"gone\u{1b}[31m.toml",
        ),
    ];
    for (args, shown) in cases {
        let o = bin().args(&args).output().unwrap();
        let what = args[..2].join(" ");
        assert_terminal_safe(&o.stdout, &format!("{what} (stdout)"));
        assert_terminal_safe(&o.stderr, &format!("{what} (stderr)"));
        let all =
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        assert!(all.contains(shown), "{what}: {shown} not shown in:\n{all}");
    }
    // `check` and `list` show the description's escapes too.
    let o = bin().args(["list", &path(dir)]).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(r"wipe\u{1b}[2J\u{9b}2J\u{202e}evil"),
        "{text}"
    );
    // JSON on stdout stays JSON and escapes them its own way.
    let o = bin()
        .args(["fit-churn", &path(&data), "--json", "-o", &out("fit")])
        .output()
        .unwrap();
    assert_terminal_safe(&o.stdout, "fit-churn --json");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(json.to_string().contains(r"data\u001b[1m.csv"), "{json}");
}

#[test]
fn huge_or_endless_input_files_are_refused_at_their_size_limit() {
    // Regression: `check /dev/zero` read until memory ran out. Scenario
    // files may be 1 MiB and fit-churn's data files 64 MiB; no more than
    // the limit and one byte is ever read.
    let tmp = tempfile::tempdir().unwrap();
    let mib = 1u64 << 20;
    // A valid scenario of exactly 1 MiB (padded with a comment) is read.
    let exact = tmp.path().join("exact.toml");
    let head = "name = \"padded\"\n#";
    let text = format!("{head}{}\n", "x".repeat(mib as usize - head.len() - 1));
    assert_eq!(text.len() as u64, mib);
    std::fs::write(&exact, &text).unwrap();
    bin()
        .args(["check", exact.to_str().unwrap()])
        .assert()
        .success();
    // One byte more is refused, naming the file, its size and the limit;
    // a sparse file of 5 GiB too, without reading it.
    let over = tmp.path().join("over.toml");
    std::fs::write(&over, format!("{text} ")).unwrap();
    let huge = tmp.path().join("huge.toml");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(5 << 30)
        .unwrap();
    for (file, size) in [
        (&over, "1 MiB (1,048,577 bytes)"),
        (&huge, "5 GiB (5,368,709,120 bytes)"),
    ] {
        for command in ["check", "run"] {
            bin()
                .args([command, file.to_str().unwrap()])
                .timeout(std::time::Duration::from_secs(60))
                .assert()
                .code(2)
                .stderr(predicate::str::contains(format!(
                    "{}: is {size}; scenario files may be at most 1 MiB (1,048,576 bytes)",
                    file.display()
                )));
        }
    }
    let big_csv = tmp.path().join("big.csv");
    std::fs::File::create(&big_csv)
        .unwrap()
        .set_len((64 << 20) + 1)
        .unwrap();
    bin()
        .args(["fit-churn", big_csv.to_str().unwrap(), "-o"])
        .arg(tmp.path().join("fit"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}: is 64 MiB (67,108,865 bytes); data files may be at most 64 MiB (67,108,864 bytes)",
            big_csv.display()
        )));
    assert!(!tmp.path().join("fit").exists());
    #[cfg(unix)]
    for (args, limit) in [
        (&["check", "/dev/zero"][..], "1 MiB"),
        (&["run", "/dev/zero", "-o", "never"][..], "1 MiB"),
        (&["fit-churn", "/dev/zero", "-o", "never"][..], "64 MiB"),
    ] {
        bin()
            .current_dir(tmp.path())
            .args(args)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "/dev/zero: is larger than {limit} (reading stopped after"
            )));
        assert!(!tmp.path().join("never").exists());
    }
}
