//! `hustle-sim sensitivity` through the library and the binary: paired
//! runs (a parameter that cannot matter has exactly zero swing, a row's
//! metric equals an independent run with that value set), ordering, known
//! directions, uncertain parameters at their own p10, p50 and p90, the files
//! written and bad input.

mod common;

use common::bin;

use hustle_sim::Scenario;
use hustle_sim::model::Model;
use hustle_sim::report::Summary;
use hustle_sim::scenario::keys::Param;
use hustle_sim::sensitivity::{Analysis, Metric, Options, Spread, analyse};
use predicates::prelude::*;
use std::sync::atomic::AtomicBool;

/// Customers with constant churn, an uncertain rate, a semi-passive bar and
/// an hourly value that only labels results.
const SCENARIO: &str = r#"
name = "sensitivity test"
horizon_months = 18
[setup]
months = 1
hours = 20
cost = 200
[acquisition]
rate = "2 to 6"
growth = 0.03
[churn]
monthly = 0.06
[pricing]
monthly = 25
[costs]
fixed_monthly = 30
[effort]
fixed_hours_monthly = 4
hours_per_customer_monthly = 0.2
[owner]
quit_below_net = 50
hourly_value = 35
[semi_passive]
min_net_monthly = 300
max_hours_monthly = 12
"#;

const N: u64 = 2_000;
const SEED: u64 = 11;

fn model() -> Model {
    common::model(SCENARIO)
}

fn analysis(metric: Metric, threads: Option<usize>) -> Analysis {
    let opts = Options {
        metric,
        swing: 0.2,
        trajectories: N,
        seed: SEED,
        threads,
    };
    analyse(&model(), &opts, &|_| {}, &AtomicBool::new(false)).unwrap()
}

fn row(a: &Analysis, p: Param) -> &hustle_sim::sensitivity::Row {
    a.rows
        .iter()
        .find(|r| r.param == p)
        .unwrap_or_else(|| panic!("{} not analysed", p.key()))
}

/// The metric of an independent run of the scenario with `key` set to
/// `value` through `--set`'s code path, same N and seed.
fn metric_with(metric: Metric, key: &str, value: f64) -> f64 {
    let mut s = Scenario::parse(SCENARIO, "test.toml", "test").unwrap();
    s.set(&format!("{key}={value}")).unwrap();
    let m = s.model().unwrap();
    of_summary(
        metric,
        &Summary::from_run(&common::run(&m, N, SEED, None), "test"),
    )
}

/// The metric as `summary.json` of a plain run states it.
fn of_summary(metric: Metric, s: &Summary) -> f64 {
    match metric {
        Metric::SemiPassive => s.semi_passive.probability,
        Metric::Failure => s.failure.probability,
        Metric::CumulativeNetP50 => *s.series.cumulative_net.p50.last().unwrap(),
        Metric::SemiPassiveAtHorizon => s.semi_passive.at_horizon.unwrap(),
        Metric::Passivity => *s.passivity.as_ref().unwrap().share_by_month.last().unwrap(),
    }
}

#[test]
fn the_owner_hours_metrics_equal_a_plain_runs_summary() {
    // A scenario with the owner's hours keys reports the two metrics in
    // summary.json; the paired run gives each variant exactly those shares.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/owner-hours.toml"
    ))
    .unwrap();
    let m = common::model(&text);
    for metric in [Metric::SemiPassiveAtHorizon, Metric::Passivity] {
        let opts = Options {
            metric,
            swing: 0.2,
            trajectories: 1_000,
            seed: SEED,
            threads: None,
        };
        let a = analyse(&m, &opts, &|_| {}, &AtomicBool::new(false)).unwrap();
        let plain = of_summary(metric, &common::summary(&m, 1_000, SEED));
        assert_eq!(a.baseline, plain, "{metric:?}");
        assert!(a.rows.iter().any(|r| r.range() > 0.0), "{metric:?}");
        // A row is exactly an independent run with that value pinned.
        let r = &a.rows[0];
        let pinned = m.with_fixed(r.param, r.high_value).unwrap();
        assert_eq!(
            r.metric_high,
            of_summary(metric, &common::summary(&pinned, 1_000, SEED)),
            "{metric:?} {}",
            r.param.key()
        );
    }
    // Passivity is defined without those keys too: a paired run counts it.
    let a = analysis(Metric::Passivity, None);
    assert!((0.0..=1.0).contains(&a.baseline));
}

#[test]
fn a_parameter_that_cannot_matter_has_exactly_zero_swing() {
    for metric in [
        Metric::SemiPassive,
        Metric::Failure,
        Metric::CumulativeNetP50,
    ] {
        let a = analysis(metric, None);
        let r = row(&a, Param::HourlyValue);
        assert!(r.low_value < r.high_value);
        assert_eq!(r.swing(), 0.0, "{metric:?}");
        assert_eq!((r.metric_low, r.metric_high), (a.baseline, a.baseline));
        // Something else does move it: the zero is not a broken analysis.
        assert!(a.rows[0].swing().abs() > 0.0, "{metric:?}");
    }
}

#[test]
fn rows_are_ordered_by_the_range_the_chart_draws() {
    let a = analysis(Metric::SemiPassive, None);
    assert!(a.rows.len() > 10);
    for w in a.rows.windows(2) {
        assert!(
            w[0].range() >= w[1].range(),
            "{} ({}) before {} ({})",
            w[0].param.key(),
            w[0].range(),
            w[1].param.key(),
            w[1].range()
        );
    }
    // The range spans the three metrics, and a fixed parameter's middle is
    // the baseline itself.
    for r in &a.rows {
        let m = [r.metric_low, r.metric_mid, r.metric_high];
        let span =
            m.iter().copied().fold(f64::MIN, f64::max) - m.iter().copied().fold(f64::MAX, f64::min);
        assert_eq!(r.range(), span);
        if r.spread != Spread::Percentiles {
            assert_eq!(r.metric_mid, a.baseline, "{}", r.param.key());
        }
    }
}

#[test]
fn known_directions_have_the_right_sign() {
    let a = analysis(Metric::SemiPassive, None);
    // More churn, fewer customers: less often semi-passive.
    let churn = row(&a, Param::ChurnMonthly);
    assert!(churn.swing() < 0.0, "churn.monthly swing {}", churn.swing());
    // A higher price: more often.
    assert!(row(&a, Param::PriceMonthly).swing() > 0.0);
    // A higher bar: less often.
    assert!(row(&a, Param::SemiPassiveMinNet).swing() < 0.0);
    let f = analysis(Metric::Failure, None);
    // Quitting below a higher net: more failures.
    assert!(row(&f, Param::QuitBelowNet).swing() > 0.0);
}

#[test]
fn uncertain_parameters_use_their_own_p10_p50_and_p90() {
    let m = model();
    let a = analysis(Metric::SemiPassive, None);
    let r = row(&a, Param::AcquisitionRate);
    let s = m.param(Param::AcquisitionRate).sampler();
    assert_eq!(r.spread, Spread::Percentiles);
    assert_eq!(r.low_value, s.inverse_cdf(0.1));
    assert_eq!(r.mid_value, s.inverse_cdf(0.5));
    assert_eq!(r.high_value, s.inverse_cdf(0.9));
    // A fixed one keeps its value in the middle and moves by the swing.
    let c = row(&a, Param::ChurnMonthly);
    assert_eq!(c.spread, Spread::Relative);
    assert!((c.low_value - 0.048).abs() < 1e-15 && (c.high_value - 0.072).abs() < 1e-15);
    assert_eq!(c.mid_value, 0.06);
}

#[test]
fn every_run_is_paired_with_the_baseline() {
    let a = analysis(Metric::SemiPassive, None);
    // The baseline is the plain run with the same seed ...
    let plain = of_summary(Metric::SemiPassive, &common::summary(&model(), N, SEED));
    assert_eq!(a.baseline, plain);
    // ... and each row's metric is exactly that of an independent run with
    // the value set as `--set` would.
    for p in [
        Param::AcquisitionRate,
        Param::ChurnMonthly,
        Param::SetupCost,
    ] {
        let r = row(&a, p);
        assert_eq!(
            r.metric_low,
            metric_with(Metric::SemiPassive, p.key(), r.low_value)
        );
        assert_eq!(
            r.metric_high,
            metric_with(Metric::SemiPassive, p.key(), r.high_value)
        );
        assert_eq!(
            r.metric_mid,
            metric_with(Metric::SemiPassive, p.key(), r.mid_value)
        );
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let one = analysis(Metric::CumulativeNetP50, Some(1));
    let two = analysis(Metric::CumulativeNetP50, Some(2));
    assert_eq!(one.baseline, two.baseline);
    assert_eq!(one.rows, two.rows);
}

fn scenario_file(dir: &std::path::Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("hustle.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn the_command_writes_the_csv_and_the_tornado() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario_file(tmp.path(), SCENARIO);
    bin()
        .current_dir(tmp.path())
        .args(["sensitivity", file.to_str().unwrap(), "-n", "500"])
        .args(["--metric", "failure", "--seed", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Sensitivity of P(failure by month 18)",
        ))
        .stdout(predicate::str::contains("sensitivity.csv"));
    let out = tmp.path().join("output/hustle-sensitivity");
    let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "parameter,low_value,mid_value,high_value,metric_low,metric_mid,metric_high,\
             swing,range,monotone"
        )
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert!(rows.len() > 10);
    let mut last = f64::INFINITY;
    for r in &rows {
        assert_eq!(r.len(), 10, "{r:?}");
        assert!(Param::from_key(&r[0]).is_some(), "{}", r[0]);
        let num: Vec<f64> = r[1..9].iter().map(|x| x.parse().unwrap()).collect();
        assert!(num[0] <= num[1] && num[1] <= num[2], "{r:?}");
        // Rounded to 12 significant digits, as the CSV promises.
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-11 * a.abs().max(b.abs()).max(1e-300);
        assert!(
            close(num[6], num[5] - num[3]),
            "swing = metric_high - metric_low: {r:?}"
        );
        let (lo, hi) = (
            num[3].min(num[4]).min(num[5]),
            num[3].max(num[4]).max(num[5]),
        );
        assert!(close(num[7], hi - lo), "range: {r:?}");
        assert!(num[7] <= last, "ordered by range");
        last = num[7];
        assert!(r[9] == "true" || r[9] == "false", "{r:?}");
        for x in &r[1..9] {
            assert!(x.len() <= 20, "no 17-digit artefacts: {x}");
        }
    }
    assert!(
        rows.iter()
            .any(|r| r[0] == "owner.hourly_value" && r[8] == "0")
    );
    let png = std::fs::read(out.join("tornado.png")).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    assert_eq!((reader.info().width, reader.info().height), (1280, 720));
}

#[test]
fn sensitivity_takes_the_flags_run_takes() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario_file(tmp.path(), SCENARIO);
    let f = file.to_str().unwrap();
    let csv_of = |dir: &str, extra: &[&str]| -> (String, String) {
        let out = bin()
            .current_dir(tmp.path())
            .args(["sensitivity", f, "-n", "300", "--seed", "5", "-o", dir])
            .args(extra)
            .assert()
            .success();
        let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let csv = std::fs::read_to_string(tmp.path().join(dir).join("sensitivity.csv")).unwrap();
        (csv, stdout)
    };
    // --threads: the same figures on one thread and on two.
    let (one, _) = csv_of("one", &["--threads", "1"]);
    let (two, _) = csv_of("two", &["--threads", "2"]);
    assert_eq!(one, two);
    // --quiet prints nothing; --no-charts writes no tornado.
    let (_, quiet) = csv_of("quiet", &["--quiet", "--no-charts"]);
    assert_eq!(quiet, "");
    assert!(!tmp.path().join("quiet/tornado.png").exists());
    assert!(tmp.path().join("one/tornado.png").exists());
    // --set changes the scenario analysed: churn's middle value is the
    // override.
    let (set, _) = csv_of("set", &["--set", "churn.monthly=0.1"]);
    let churn = |csv: &str| -> Vec<String> {
        csv.lines()
            .find(|l| l.starts_with("churn.monthly,"))
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect()
    };
    assert_eq!(churn(&one)[2], "0.06");
    assert_eq!(churn(&set)[2], "0.1");
}

#[test]
fn bad_input_exits_with_code_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario_file(tmp.path(), SCENARIO);
    let f = file.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["--metric", "profit"], "invalid value 'profit'"),
        (&["--swing", "0"], "--swing must be"),
        (&["--swing", "1.5"], "--swing must be"),
        (&["--swing", "-0.2"], "--swing must be"),
        (&["-n", "0"], "0 is not in 1.."),
        (&["--swing", "lots"], "invalid value 'lots'"),
    ];
    for (args, message) in cases {
        bin()
            .current_dir(tmp.path())
            .args(["sensitivity", f])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    // semi_passive needs a [semi_passive] section.
    let bare = tmp.path().join("bare.toml");
    std::fs::write(&bare, "name = \"bare\"\n[acquisition]\nrate = 2").unwrap();
    bin()
        .current_dir(tmp.path())
        .args(["sensitivity", bare.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no [semi_passive] section"));
    bin()
        .current_dir(tmp.path())
        .args(["sensitivity", "missing.toml"])
        .assert()
        .code(2);
    assert!(!tmp.path().join("output").exists(), "nothing written");
}

#[test]
fn the_library_rejects_bad_options_as_input_errors() {
    let base = Options {
        metric: Metric::SemiPassive,
        swing: 0.2,
        trajectories: 0,
        seed: 1,
        threads: None,
    };
    let cancel = AtomicBool::new(false);
    let swing = Options {
        swing: 2.0,
        trajectories: 10,
        ..base
    };
    for opts in [base, swing] {
        let e = analyse(&model(), &opts, &|_| {}, &cancel).unwrap_err();
        assert_eq!(hustle_sim::error::exit_code(&e), 2, "{e}");
    }
}
