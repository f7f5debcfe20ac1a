//! Portfolios in experiments, as a library: the paired driver (a
//! portfolio variant's figures are its person's, a portfolio runs in
//! lockstep with scenarios and other portfolios on the same random
//! numbers, and its first hustle is paired with its scenario run alone,
//! docs/model.md, Portfolios, Random numbers); changes to a portfolio's
//! keys (the person's, and a hustle's as `hustle.N.KEY`); and `compare`,
//! `sweep` and `sensitivity` of portfolios, each on the person's figures.

mod common;

use common::repo;
use hustle_sim::experiment::{Sweep, compare, entrants};
use hustle_sim::model::Model;
use hustle_sim::portfolio::{Portfolio, PortfolioSet};
use hustle_sim::report::paired::{OutcomeStats, PairedStats};
use hustle_sim::report::portfolio::PortfolioSummary;
use hustle_sim::scenario::keys::Param;
use hustle_sim::scenario::uncertain::Uncertain;
use hustle_sim::sensitivity::{
    Metric, Options, PERSON_PARAMS, analyse_portfolio, pinned_portfolio,
};
use hustle_sim::sim::{
    self, FailureCause, PairedResult, PairedSpec, RunOptions, Subject, run_paired_subjects,
};
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn paired(subjects: &[Subject], n: u64, seed: u64, threads: usize) -> PairedResult {
    let opts = RunOptions {
        trajectories: n,
        seed,
        threads: Some(threads),
    };
    let spec = PairedSpec {
        monthly: true,
        pairs: true,
    };
    run_paired_subjects(subjects, &opts, spec, &|_| {}, &AtomicBool::new(false)).unwrap()
}

fn pair_stats(r: &PairedResult, p: usize) -> PairedStats {
    let pair = &r.pairs[p];
    PairedStats::new(
        pair,
        &r.variants[0],
        &r.variants[pair.variant],
        ("first", "other"),
        r.trajectories,
    )
}

/// The benchmark scenario.
fn bench() -> Model {
    hustle_sim::load(repo("tests/data/bench.toml")).unwrap()
}

/// A portfolio written into `dir` beside a copy of the benchmark scenario.
fn portfolio_in(dir: &Path, text: &str) -> Portfolio {
    std::fs::copy(repo("tests/data/bench.toml"), dir.join("bench.toml")).unwrap();
    let path = dir.join("p.toml");
    std::fs::write(&path, text).unwrap();
    Portfolio::load(&path).unwrap()
}

/// The benchmark alone in a portfolio whose person has the benchmark's own
/// owner and semi-passive keys: the same hustle, judged the same way.
const BENCH_ALONE: &str = "name = \"the bench alone\"\nhorizon_months = 24\n\
    [owner]\nburnout_hours_monthly = 140\nburnout_after_months = 3\nhourly_value = 30\n\
    [semi_passive]\nmin_net_monthly = 1500\nmax_hours_monthly = 40\nsustain_months = 3\n\
    [[hustle]]\nscenario = \"bench.toml\"\n";

#[test]
fn a_portfolio_of_one_hustle_with_its_scenarios_owner_is_paired_exactly_with_it() {
    // Its first hustle draws what the scenario alone draws, and with the
    // scenario's own owner and bar the person's totals are the hustle's:
    // every trajectory ends the same way, so nothing is gained or lost and
    // the difference in cumulative net is exactly 0, month by month.
    let tmp = tempfile::tempdir().unwrap();
    let p = portfolio_in(tmp.path(), BENCH_ALONE);
    let r = paired(
        &[Subject::Scenario(bench()), Subject::Portfolio(p)],
        4_000,
        13,
        2,
    );
    let (a, b) = (
        OutcomeStats::new(&r.variants[0], r.trajectories),
        OutcomeStats::new(&r.variants[1], r.trajectories),
    );
    assert!(a.semi_passive_probability > 0.1 && a.failure_probability > 0.05);
    assert_eq!(a.semi_passive_probability, b.semi_passive_probability);
    assert_eq!(a.failure_probability, b.failure_probability);
    assert_eq!(a.cumulative_net, b.cumulative_net);
    assert!(r.variants[1].portfolio.is_some() && r.variants[0].portfolio.is_none());
    let s = pair_stats(&r, 0);
    assert_eq!(
        (
            s.semi_passive_gained,
            s.semi_passive_lost,
            s.failure_gained,
            s.failure_avoided
        ),
        (0, 0, 0, 0)
    );
    for (t, sketch) in r.pairs[0].tally.difference_by_month.iter().enumerate() {
        assert_eq!(
            (sketch.min(), sketch.max()),
            (Some(0.0), Some(0.0)),
            "month {}",
            t + 1
        );
    }
    // The person's failures are the portfolio's causes: the hustle's own
    // ends are "every hustle failed", its burnout the person's.
    let by_cause = r.variants[1].tally.counts.failures_by_cause();
    let alone = r.variants[0].tally.counts.failures_by_cause();
    assert_eq!(by_cause[1], alone[1], "burned out");
    assert_eq!(by_cause[4], alone[0] + alone[2] + alone[3], "all failed");
}

#[test]
fn a_portfolio_variant_counts_what_its_plain_run_counts() {
    // Lockstep changes nothing about a portfolio: its person's outcome
    // counts and cumulative net equal those of `run_portfolio` with the
    // same seed, beside a scenario and another portfolio.
    let p = Portfolio::load(Path::new(&repo("tests/data/portfolio.toml"))).unwrap();
    let mut bench30 =
        hustle_sim::Scenario::from_file(Path::new(&repo("tests/data/bench.toml"))).unwrap();
    bench30.set("horizon_months=30").unwrap();
    // The strained portfolio over 30 months, as the other two run.
    let tmp = tempfile::tempdir().unwrap();
    for f in ["bench.toml", "weekend-shop.toml"] {
        std::fs::copy(repo(&format!("tests/data/{f}")), tmp.path().join(f)).unwrap();
    }
    let text = std::fs::read_to_string(repo("tests/data/portfolio-strained.toml"))
        .unwrap()
        .replace("horizon_months = 24", "horizon_months = 30");
    std::fs::write(tmp.path().join("s30.toml"), text).unwrap();
    let strained30 = Portfolio::load(&tmp.path().join("s30.toml")).unwrap();
    assert_eq!(strained30.horizon_months, 30);
    let n = 3_000;
    let r = paired(
        &[
            Subject::Scenario(bench30.model().unwrap()),
            Subject::Portfolio(p.clone()),
            Subject::Portfolio(strained30),
        ],
        n,
        5,
        2,
    );
    let opts = RunOptions {
        trajectories: n,
        seed: 5,
        threads: Some(2),
    };
    let plain = sim::run_portfolio(&p, &opts, &|_| {}, &AtomicBool::new(false)).unwrap();
    let v = &r.variants[1];
    assert_eq!(v.tally.counts, plain.tally.counts);
    assert_eq!(v.model.name, p.name);
    let last = plain.sketch(sim::Metric::CumulativeNet, 30);
    let qs = [0.05, 0.5, 0.95];
    assert_eq!(v.tally.cumulative_net.quantiles(&qs), last.quantiles(&qs));
    // Net income by month is the person's too.
    for t in [1, 12, 30] {
        let plain_net = plain.sketch(sim::Metric::NetIncome, t);
        assert_eq!(
            v.tally.net_income[t - 1].quantiles(&qs),
            plain_net.quantiles(&qs),
            "month {t}"
        );
    }
}

#[test]
fn paired_portfolios_are_identical_for_one_and_three_threads() {
    let p = Portfolio::load(Path::new(&repo("tests/data/portfolio.toml"))).unwrap();
    let mut lighter = p.clone();
    lighter.person = p
        .person
        .with_fixed(
            hustle_sim::scenario::keys::Param::CapacityHoursMonthly,
            40.0,
        )
        .unwrap();
    let subjects = [Subject::Portfolio(p), Subject::Portfolio(lighter)];
    let n = 4_096 + 17; // a partial last chunk
    let a = paired(&subjects, n, 9, 1);
    let b = paired(&subjects, n, 9, 3);
    for (x, y) in a.variants.iter().zip(&b.variants) {
        assert_eq!(OutcomeStats::new(x, n), OutcomeStats::new(y, n));
        assert_eq!(x.cumulative_net, y.cumulative_net);
    }
    assert_eq!(pair_stats(&a, 0), pair_stats(&b, 0));
    // A lower capacity declines customers: the change shows.
    let s = pair_stats(&a, 0);
    assert!(s.semi_passive_lost + s.semi_passive_gained > 0);
}

#[test]
fn a_portfolio_and_a_scenario_of_another_horizon_are_an_input_error() {
    let p = Portfolio::load(Path::new(&repo("tests/data/portfolio.toml"))).unwrap();
    let opts = RunOptions {
        trajectories: 10,
        seed: 1,
        threads: Some(1),
    };
    let e = run_paired_subjects(
        &[Subject::Portfolio(p), Subject::Scenario(bench())],
        &opts,
        PairedSpec::default(),
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert_eq!(hustle_sim::error::exit_code(&e), 2);
    assert!(
        e.to_string()
            .contains("has horizon_months = 30 but \"bench: niche subscription tool\" has 24"),
        "{e}"
    );
}

/// The example portfolio with `changes` (`KEY=VALUE` each).
fn changed(changes: &[&str]) -> Result<Portfolio, hustle_sim::InputError> {
    let sets: Vec<PortfolioSet> = changes
        .iter()
        .map(|c| PortfolioSet::parse(c, 2).unwrap())
        .collect();
    Portfolio::load_with(Path::new(&repo("tests/data/portfolio.toml")), &sets)
}

#[test]
fn a_change_sets_the_persons_key_or_a_hustles_as_set_does() {
    let p = changed(&[
        "owner.capacity_hours_monthly=40",
        "hustle.2.churn.monthly=0.1",
        "hustle.1.platform.fee=0.2",
        "semi_passive.min_net_monthly=2500",
    ])
    .unwrap();
    let fixed = |m: &Model, q: Param| (m.param(q).clone(), m.origin(q));
    let set = hustle_sim::model::Origin::Override;
    assert_eq!(
        fixed(&p.person, Param::CapacityHoursMonthly),
        (Uncertain::fixed(40.0), set)
    );
    assert_eq!(
        fixed(&p.person, Param::SemiPassiveMinNet),
        (Uncertain::fixed(2500.0), set)
    );
    assert_eq!(
        fixed(&p.hustles[0].model, Param::PlatformFee),
        (Uncertain::fixed(0.2), set)
    );
    assert_eq!(
        fixed(&p.hustles[1].model, Param::ChurnMonthly),
        (Uncertain::fixed(0.1), set)
    );
    // The later value of a key the file's set gives too takes its place.
    assert_eq!(
        p.hustles[1].overrides,
        ["churn.monthly=0.1", "pricing.monthly=12"]
    );
    assert_eq!(p.hustles[0].overrides, ["platform.fee=0.2"]);
    // Everything else is the portfolio as written.
    let plain = changed(&[]).unwrap();
    assert_eq!(p.hustles[1].start_month, 3);
    assert_eq!(p.hustles[1].model.horizon_months, 28);
    assert_eq!(
        fixed(&p.hustles[1].model, Param::PriceMonthly),
        fixed(&plain.hustles[1].model, Param::PriceMonthly)
    );
    assert_eq!(
        fixed(&p.person, Param::HourlyValue),
        fixed(&plain.person, Param::HourlyValue)
    );
}

#[test]
fn a_bad_change_names_the_portfolio_the_hustle_the_key_and_what_is_allowed() {
    let e = changed(&["hustle.2.churn.monthly=1.5"]).unwrap_err();
    assert!(
        e.message().ends_with(
            "tests/data/portfolio.toml: [[hustle]] 2 (\"weekend-shop.toml\"): churn.monthly \
             must be within 0..=1, got 1.5; churn.monthly is a fraction: did you mean 0.015 (or \"1.5%\")?"
        ),
        "{e}"
    );
    assert_eq!(
        [e.key(), e.value(), e.allowed()],
        [
            Some("hustle.2.churn.monthly"),
            Some("1.5"),
            Some("within 0..=1")
        ]
    );
    let e = changed(&["owner.capacity_hours_monthly=-5"]).unwrap_err();
    assert!(
        e.message().ends_with(
            "tests/data/portfolio.toml: owner.capacity_hours_monthly must be > 0, got -5"
        ),
        "{e}"
    );
    assert_eq!(e.key(), Some("owner.capacity_hours_monthly"));
    // A key the hustle's model does not use, as --set says it.
    let e = changed(&["hustle.1.acquisition.market_size=1000"]).unwrap_err();
    assert!(
        e.message().contains(
            "[[hustle]] 1 (\"bench.toml\"): acquisition.market_size does not apply to \
             acquisition.model = \"poisson\""
        ),
        "{e}"
    );
    // The hustle's currency must still be the portfolio's.
    let e = changed(&["hustle.1.currency=\"EUR\""]).unwrap_err();
    assert!(e.message().contains("every hustle's currency"), "{e}");
    // A number beyond the hustles.
    let sets = [PortfolioSet::parse("hustle.3.churn.monthly=0.1", 3).unwrap()];
    let e = Portfolio::load_with(Path::new(&repo("tests/data/portfolio.toml")), &sets).unwrap_err();
    assert!(e.message().contains("the portfolio has 2 hustles"), "{e}");
}

/// The metric as a portfolio's `summary.json` states it for its person.
fn person_metric(metric: Metric, s: &PortfolioSummary) -> f64 {
    match metric {
        Metric::SemiPassive => s.semi_passive.probability,
        Metric::Failure => s.failure.probability,
        Metric::CumulativeNetP50 => *s.series.cumulative_net.p50.last().unwrap(),
        Metric::SemiPassiveAtHorizon => s.semi_passive.at_horizon.unwrap(),
        Metric::Passivity => *s.passivity.share_by_month.last().unwrap(),
    }
}

#[test]
fn sensitivity_of_a_portfolio_varies_the_persons_keys_and_each_hustles() {
    let p = Portfolio::load(Path::new(&repo("tests/data/portfolio.toml"))).unwrap();
    let (n, seed) = (800, 21);
    let opts = Options {
        metric: Metric::SemiPassive,
        swing: 0.2,
        trajectories: n,
        seed,
        threads: Some(2),
    };
    let a = analyse_portfolio(&p, &opts, &|_| {}, &AtomicBool::new(false)).unwrap();
    assert!(a.portfolio);
    assert_eq!(a.scenario, p.name);
    let keys: Vec<String> = a.rows.iter().map(|r| r.key()).collect();
    // The person's keys, as the portfolio has them.
    for k in [
        "owner.capacity_hours_monthly",
        "owner.burnout_hours_monthly",
        "owner.hourly_value",
        "semi_passive.min_net_monthly",
        "semi_passive.max_hours_monthly",
        "hustle.1.acquisition.rate",
        "hustle.1.churn.beta",
        "hustle.1.owner.quit_below_net",
        "hustle.2.churn.monthly",
        "hustle.2.pricing.one_time",
    ] {
        assert!(keys.iter().any(|x| x == k), "{k} missing from {keys:?}");
    }
    // A hustle's owner hours, hourly value and bar are the person's in a
    // portfolio: they do not take part.
    for k in PERSON_PARAMS.map(|p| p.key()) {
        for n in [1, 2] {
            let k = format!("hustle.{n}.{k}");
            assert!(!keys.contains(&k), "{k} should not be analysed");
        }
    }
    // The baseline is the person's figure of a plain run of the portfolio,
    // and a row is exactly a plain run with that value pinned.
    let run_opts = RunOptions {
        trajectories: n,
        seed,
        threads: Some(2),
    };
    let plain = hustle_sim::simulate_portfolio(&p, &run_opts).unwrap();
    assert_eq!(a.baseline, person_metric(Metric::SemiPassive, &plain));
    for key in ["semi_passive.min_net_monthly", "hustle.2.churn.monthly"] {
        let r = a.rows.iter().find(|r| r.key() == key).unwrap();
        assert!(r.range() > 0.0, "{key} moves the metric");
        let pinned = pinned_portfolio(&p, r.hustle, r.param, r.high_value).unwrap();
        let s = hustle_sim::simulate_portfolio(&pinned, &run_opts).unwrap();
        assert_eq!(
            r.metric_high,
            person_metric(Metric::SemiPassive, &s),
            "{key}"
        );
    }
    // The hourly value labels the person's results only: with no
    // min_passivity it moves no trajectory's semi-passive income.
    let hv = a
        .rows
        .iter()
        .find(|r| r.key() == "owner.hourly_value")
        .unwrap();
    assert_eq!(hv.range(), 0.0);
}

#[test]
fn a_portfolio_sweep_row_is_a_plain_run_of_the_portfolio_at_that_value() {
    let path = repo("tests/data/portfolio.toml");
    let p = Portfolio::load(Path::new(&path)).unwrap();
    let values = vec![40.0, 75.0];
    let sweep = Sweep::portfolio(
        Path::new(&path),
        &p,
        "owner.capacity_hours_monthly",
        values.clone(),
        "--values",
    )
    .unwrap();
    assert_eq!(sweep.key, "owner.capacity_hours_monthly");
    let opts = RunOptions {
        trajectories: 1_000,
        seed: 4,
        threads: Some(2),
    };
    let report = sweep.run(&opts, &|_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(report.scenario, p.name);
    for (row, v) in report.rows.iter().zip(values) {
        let set = PortfolioSet::parse(&format!("owner.capacity_hours_monthly={v}"), 2).unwrap();
        let at = Portfolio::load_with(Path::new(&path), &[set]).unwrap();
        let s = hustle_sim::simulate_portfolio(&at, &opts).unwrap();
        assert_eq!(
            row.stats.semi_passive_probability,
            s.semi_passive.probability
        );
        assert_eq!(row.stats.failure_probability, s.failure.probability);
        assert_eq!(
            row.stats.cumulative_net.p50,
            *s.series.cumulative_net.p50.last().unwrap()
        );
        assert!(row.stats.is_portfolio());
        assert_eq!(
            row.stats.failure_causes.get(FailureCause::BurnedOut),
            s.failure.causes.burned_out
        );
    }
    // A key the person's or a hustle's model cannot take is refused with
    // the argument named, before anything runs.
    let e = Sweep::portfolio(
        Path::new(&path),
        &p,
        "hustle.1.acquisition.market_size",
        vec![1000.0],
        "--values",
    )
    .unwrap_err();
    let e = e.to_string();
    assert!(
        e.starts_with(&format!(
            "--values: hustle.1.acquisition.market_size = 1000: {path}: "
        )),
        "{e}"
    );
    assert!(
        e.contains(
            "[[hustle]] 1 (\"bench.toml\"): acquisition.market_size does not apply to \
             acquisition.model = \"poisson\""
        ),
        "{e}"
    );
}

#[test]
fn compare_entrants_may_be_portfolios_and_their_variants() {
    let files = [std::path::PathBuf::from(repo("tests/data/portfolio.toml"))];
    let with = [
        "tight: owner.capacity_hours_monthly=30".to_string(),
        "hustle.2.churn.monthly=0.2; hustle.1.platform.fee=0.1".to_string(),
    ];
    let e = entrants(&files, &with).unwrap();
    assert_eq!(e.len(), 3);
    assert!(e.iter().all(|e| e.portfolio.is_some()));
    assert_eq!(e[1].label, "tight");
    assert_eq!(e[1].overrides, ["owner.capacity_hours_monthly=30"]);
    assert_eq!(
        e[2].label,
        "portfolio with hustle.2.churn.monthly=0.2; hustle.1.platform.fee=0.1"
    );
    let opts = RunOptions {
        trajectories: 1_500,
        seed: 8,
        threads: Some(2),
    };
    let c = compare(&e, &opts, false, &|_| {}, &AtomicBool::new(false)).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&c.report.to_json()).unwrap();
    let first = &json["scenarios"][0];
    assert_eq!(first["portfolio"], true);
    let causes: Vec<&String> = first["failure_causes"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(causes, ["all_failed", "burned_out"]);
    // Less of the person's time, or customers who leave sooner and a
    // platform's cut: less money, trajectory by trajectory on average.
    for p in &c.report.paired {
        assert!(p.cumulative_net_difference.mean < 0.0, "{}", p.label);
    }
}
