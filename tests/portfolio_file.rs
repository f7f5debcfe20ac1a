//! The portfolio file format (docs/model.md, Portfolios, A portfolio file):
//! what a valid file means, every error it can give (naming the file, the
//! hustle, the key, the value and what is allowed), and `hustle-sim check`
//! on a portfolio.

use assert_cmd::Command;
use hustle_sim::InputError;
use hustle_sim::Scenario;
use hustle_sim::model::{Model, Origin};
use hustle_sim::portfolio::{MAX_HUSTLES, Portfolio, is_portfolio, is_portfolio_file};
use hustle_sim::scenario::keys::Param;
use hustle_sim::scenario::library::LIBRARY;
use hustle_sim::scenario::uncertain::Uncertain;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A portfolio from text, its hustles found beside tests/data's files.
fn parse(text: &str) -> Result<Portfolio, InputError> {
    Portfolio::parse(text, "p.toml", "p", Some(&data("")))
}

fn parse_err(text: &str) -> InputError {
    parse(text).unwrap_err()
}

/// A minimal portfolio: `name`, then `rest`.
fn with_name(rest: &str) -> String {
    format!("name = \"p\"\n{rest}\n")
}

/// One hustle of the library's default scenario, with `more` keys.
fn one_hustle(more: &str) -> String {
    with_name(&format!(
        "[[hustle]]\nscenario = \"niche-saas-tool\"\n{more}"
    ))
}

/// The model the hustle's scenario gives with `--set` overrides, as a
/// scenario on its own.
fn scenario_model(path: &Path, overrides: &[&str]) -> Model {
    let mut s = Scenario::from_file(path).unwrap();
    for o in overrides {
        s.set(o).unwrap();
    }
    s.model().unwrap()
}

fn json(m: &Model) -> serde_json::Value {
    serde_json::to_value(m).unwrap()
}

#[test]
fn the_example_portfolio_reads_as_written() {
    let p = Portfolio::load(&data("portfolio.toml")).unwrap();
    assert_eq!(p.name, "a subscription tool and a print shop");
    assert_eq!(p.description, "Two hustles, one person's hours.");
    assert_eq!(p.currency, "USD");
    assert_eq!(p.horizon_months, 30);
    assert_eq!(p.stem, "portfolio");
    assert_eq!(p.source, data("portfolio.toml").display().to_string());
    let m = &p.person;
    assert_eq!(m.horizon_months, 30);
    assert_eq!(m.burnout_after_months, 3);
    assert_eq!(
        *m.param(Param::CapacityHoursMonthly),
        Uncertain::parse_interval("60 to 90").unwrap()
    );
    assert_eq!(
        *m.param(Param::BurnoutHoursMonthly),
        Uncertain::fixed(120.0)
    );
    assert_eq!(*m.param(Param::HourlyValue), Uncertain::fixed(30.0));
    assert_eq!(m.semi_passive_sustain_months, Some(3));
    assert_eq!(*m.param(Param::SemiPassiveMinNet), Uncertain::fixed(2000.0));
    assert_eq!(*m.param(Param::SemiPassiveMaxHours), Uncertain::fixed(50.0));
    assert_eq!(m.origin(Param::SemiPassiveMinPassivity), Origin::Unused);

    assert_eq!(p.hustles.len(), 2);
    let [a, b] = [&p.hustles[0], &p.hustles[1]];
    assert_eq!(a.scenario, "bench.toml");
    assert_eq!(a.path.as_deref(), Some(data("bench.toml").as_path()));
    assert_eq!((a.start_month, p.months_of(0)), (1, 30));
    assert!(a.overrides.is_empty());
    assert_eq!(b.scenario, "weekend-shop.toml");
    assert_eq!((b.start_month, p.months_of(1)), (3, 28));
    assert_eq!(b.overrides, ["churn.monthly=0.08", "pricing.monthly=12"]);
    // Each hustle's model is its scenario's, overridden as --set does,
    // with only its horizon changed to the months it runs.
    for (h, overrides, months) in [
        (a, &[][..], 30),
        (b, &["churn.monthly=0.08", "pricing.monthly=12"][..], 28),
    ] {
        let mut own = scenario_model(h.path.as_ref().unwrap(), overrides);
        assert_ne!(own.horizon_months, months);
        own.horizon_months = months;
        assert_eq!(json(&h.model), json(&own), "{}", h.scenario);
    }
    assert_eq!(b.model.origin(Param::ChurnMonthly), Origin::Override);
    assert_eq!(*b.model.param(Param::ChurnMonthly), Uncertain::fixed(0.08));
    assert_eq!(b.model.quit_after_months, 4);
    assert_eq!(a.model.quit_after_months, 6);
}

#[test]
fn absent_keys_take_their_defaults() {
    let p = parse(&one_hustle("")).unwrap();
    assert_eq!((p.currency.as_str(), p.horizon_months), ("USD", 24));
    assert_eq!(p.description, "");
    assert!(!p.person.burnout_enabled());
    assert!(!p.person.capacity_enabled());
    assert_eq!(p.person.burnout_after_months, 3);
    assert_eq!(p.person.semi_passive_sustain_months, None);
    assert_eq!(*p.person.param(Param::HourlyValue), Uncertain::fixed(0.0));
    let h = &p.hustles[0];
    assert_eq!((h.start_month, h.path.as_deref()), (1, None));
    assert!(h.overrides.is_empty());
    assert_eq!(h.model.horizon_months, 24);
}

#[test]
fn any_horizon_is_valid_and_a_hustle_may_start_in_its_last_month() {
    for h in [1, 2, 120] {
        let p = parse(&with_name(&format!(
            "horizon_months = {h}\n[[hustle]]\nscenario = \"niche-saas-tool\"\nstart_month = {h}"
        )))
        .unwrap();
        assert_eq!(p.horizon_months, h);
        assert_eq!(p.months_of(0), 1);
        assert_eq!(p.hustles[0].model.horizon_months, 1);
    }
}

#[test]
fn the_person_takes_every_uncertain_form_a_scenario_takes() {
    let p = parse(&with_name(
        "[owner]\n\
         capacity_hours_monthly = { dist = \"triangular\", min = 40, mode = 60, max = 90 }\n\
         burnout_hours_monthly = { dist = \"lognormal\", median = 120, p95 = 160 }\n\
         burnout_after_months = 2\n\
         hourly_value = \"0 to 40\"\n\
         [semi_passive]\n\
         min_net_monthly = { dist = \"normal\", mean = 1500, sd = 200 }\n\
         min_passivity = { dist = \"beta\", alpha = 4, beta = 4 }\n\
         max_hours_monthly = { dist = \"uniform\", min = 30, max = 50 }\n\
         sustain_months = 4\n\
         [[hustle]]\nscenario = \"niche-saas-tool\"",
    ))
    .unwrap();
    let m = &p.person;
    assert!(matches!(
        m.param(Param::CapacityHoursMonthly),
        Uncertain::Triangular { .. }
    ));
    assert!(matches!(
        m.param(Param::BurnoutHoursMonthly),
        Uncertain::Lognormal { .. }
    ));
    assert!(matches!(
        m.param(Param::HourlyValue),
        Uncertain::NormalInterval { .. }
    ));
    assert!(matches!(
        m.param(Param::SemiPassiveMinNet),
        Uncertain::Normal { .. }
    ));
    assert!(matches!(
        m.param(Param::SemiPassiveMinPassivity),
        Uncertain::Beta { .. }
    ));
    assert!(matches!(
        m.param(Param::SemiPassiveMaxHours),
        Uncertain::Uniform { .. }
    ));
    assert_eq!(
        (m.burnout_after_months, m.semi_passive_sustain_months),
        (2, Some(4))
    );
}

#[test]
fn set_takes_every_form_and_means_what_dash_dash_set_means() {
    // The same overrides written flat, nested, as dotted keys and as
    // [hustle.set] sections.
    let dist = "{ dist = \"uniform\", min = 0.02, max = 0.06 }";
    let forms = [
        format!(
            "set = {{ \"churn.monthly\" = {dist}, \"pricing.monthly\" = \"20 to 40\", \"setup.months\" = 0 }}"
        ),
        format!(
            "set = {{ churn = {{ monthly = {dist} }}, pricing = {{ monthly = \"20 to 40\" }}, setup = {{ months = 0 }} }}"
        ),
        format!(
            "set = {{ churn.monthly = {dist}, pricing.monthly = \"20 to 40\", setup.months = 0 }}"
        ),
        format!(
            "[hustle.set]\nchurn.monthly = {dist}\n\"pricing.monthly\" = \"20 to 40\"\n[hustle.set.setup]\nmonths = 0"
        ),
    ];
    let expected = scenario_model(
        &data("weekend-shop.toml"),
        &[
            &format!("churn.monthly={dist}"),
            "pricing.monthly=20 to 40",
            "setup.months=0",
        ],
    );
    assert_eq!(expected.horizon_months, 24);
    for form in &forms {
        let p = parse(&with_name(&format!(
            "[[hustle]]\nscenario = \"weekend-shop.toml\"\n{form}"
        )))
        .unwrap_or_else(|e| panic!("{form}: {e}"));
        let h = &p.hustles[0];
        assert_eq!(
            h.overrides,
            [
                "churn.monthly={ dist = \"uniform\", max = 0.06, min = 0.02 }",
                "pricing.monthly=\"20 to 40\"",
                "setup.months=0",
            ],
            "{form}"
        );
        assert_eq!(json(&h.model), json(&expected), "{form}");
        assert_eq!(h.model.origin(Param::PriceMonthly), Origin::Override);
    }
}

#[test]
fn overrides_are_listed_in_file_order() {
    let p = parse(&with_name(
        "[[hustle]]\nscenario = \"bench.toml\"\n\
         set = { pricing = { one_time = 5, monthly = 12 }, \"churn.alpha\" = 1.5, setup.hours = 10 }",
    ))
    .unwrap();
    assert_eq!(
        p.hustles[0].overrides,
        [
            "pricing.one_time=5",
            "pricing.monthly=12",
            "churn.alpha=1.5",
            "setup.hours=10"
        ]
    );
}

#[test]
fn currencies_are_compared_after_the_overrides_as_exact_text() {
    let p = parse(&with_name(
        "currency = \"EUR\"\n[[hustle]]\nscenario = \"niche-saas-tool\"\nset = { currency = \"EUR\" }",
    ))
    .unwrap();
    assert_eq!(p.hustles[0].model.currency, "EUR");
    let e = parse_err(&with_name(
        "currency = \"usd\"\n[[hustle]]\nscenario = \"niche-saas-tool\"",
    ));
    assert_eq!(e.key(), Some("currency"));
    assert_eq!(e.value(), Some("\"USD\""));
    assert_eq!(e.allowed(), Some("\"usd\", the portfolio's currency"));
}

#[test]
fn a_file_beside_the_portfolio_comes_before_the_library() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("niche-saas-tool.toml"),
        "name = \"my own\"\n",
    )
    .unwrap();
    let text = with_name("[[hustle]]\nscenario = \"niche-saas-tool.toml\"");
    let p = Portfolio::parse(&text, "p.toml", "p", Some(dir.path())).unwrap();
    assert_eq!(p.hustles[0].model.name, "my own");
    assert_eq!(
        p.hustles[0].path.as_deref(),
        Some(dir.path().join("niche-saas-tool.toml").as_path())
    );
    // Without one, the library's.
    let p = Portfolio::parse(&text, "p.toml", "p", Some(&data(""))).unwrap();
    assert_eq!(p.hustles[0].path, None);
    assert_eq!(p.hustles[0].model.name, library_name("niche-saas-tool"));
    let p = parse(&with_name(
        "[[hustle]]\nscenario = \"gpt-store-assistant.toml\"",
    ))
    .unwrap();
    assert_eq!(p.hustles[0].model.name, library_name("gpt-store-assistant"));
}

fn library_name(stem: &str) -> String {
    let text = LIBRARY.iter().find(|(n, _)| *n == stem).unwrap().1;
    Scenario::parse(text, stem, stem)
        .unwrap()
        .model()
        .unwrap()
        .name
}

#[test]
fn a_library_portfolio_finds_its_hustles_in_the_library_only() {
    let text = with_name(
        "[[hustle]]\nscenario = \"niche-saas-tool\"\n[[hustle]]\nscenario = \"ai-stock-images\"",
    );
    let p = Portfolio::parse(&text, "lib (built-in library)", "lib", None).unwrap();
    assert!(p.hustles.iter().all(|h| h.path.is_none()));
    // bench.toml exists in tests/data, but a library portfolio has no
    // folder to find it in.
    let e = Portfolio::parse(
        &with_name("[[hustle]]\nscenario = \"bench.toml\""),
        "lib (built-in library)",
        "lib",
        None,
    )
    .unwrap_err();
    assert!(
        e.message()
            .contains("no library scenario of that name; the hustles of a library portfolio"),
        "{e}"
    );
    assert_eq!(e.key(), Some("hustle.scenario"));
}

#[test]
fn is_portfolio_tells_portfolios_from_scenarios() {
    for text in [
        "name = \"p\"\n[[hustle]]\nscenario = \"a\"",
        "name = \"p\"\nhustle = [{ scenario = \"a\" }]",
        "hustle = []",
        "[hustle]\nscenario = \"a\"",
    ] {
        assert!(is_portfolio(text), "{text}");
    }
    for text in [
        "name = \"my hustle\"\n# not a [[hustle]] table\ndescription = \"a hustle\"",
        "name = \"x\"\n[[hustle]\n",
        "",
    ] {
        assert!(!is_portfolio(text), "{text}");
    }
    for (name, text) in LIBRARY {
        assert!(!is_portfolio(text), "{name}");
    }
    assert!(is_portfolio_file(&data("portfolio.toml")));
    assert!(!is_portfolio_file(&data("bench.toml")));
    assert!(!is_portfolio_file(&data("no-such-file.toml")));
    assert!(!is_portfolio_file(&data("")));
}

/// One bad input: the portfolio text, a part of the message, and the
/// error's key, value and what is allowed.
struct Case {
    text: String,
    message: &'static str,
    key: Option<&'static str>,
    value: Option<&'static str>,
    allowed: Option<&'static str>,
}

fn case(
    text: impl Into<String>,
    message: &'static str,
    key: &'static str,
    value: Option<&'static str>,
    allowed: Option<&'static str>,
) -> Case {
    Case {
        text: text.into(),
        message,
        key: Some(key),
        value,
        allowed,
    }
}

fn seventeen_hustles() -> String {
    let one = "{ scenario = \"niche-saas-tool\" }";
    with_name(&format!(
        "hustle = [{}]",
        vec![one; MAX_HUSTLES + 1].join(", ")
    ))
}

#[test]
fn every_bad_portfolio_is_named_with_its_key_value_and_what_is_allowed() {
    const OWNER: &str =
        "capacity_hours_monthly, burnout_hours_monthly, burnout_after_months, hourly_value";
    let hustle = "[[hustle]]\nscenario = \"niche-saas-tool\"";
    let cases = [
        case(
            with_name(&format!("horizon = 12\n{hustle}")),
            "p.toml: unknown key `horizon`; did you mean `horizon_months`?",
            "horizon",
            Some("12"),
            None,
        ),
        case(
            with_name(&format!("[churn]\nmonthly = 0.1\n{hustle}")),
            "a hustle's scenario keys go in its scenario file or its set",
            "churn",
            None,
            None,
        ),
        case(
            one_hustle("start = 2"),
            "p.toml: [[hustle]] 1 (\"niche-saas-tool\"): unknown key `start`; did you mean `start_month`?",
            "hustle.start",
            Some("2"),
            Some("scenario, start_month and set"),
        ),
        case(
            with_name(&format!("[owner]\ncapacity_hours = 40\n{hustle}")),
            "p.toml: unknown key `owner.capacity_hours`; did you mean `owner.capacity_hours_monthly`?",
            "owner.capacity_hours",
            Some("40"),
            Some(OWNER),
        ),
        case(
            with_name(&format!(
                "[semi_passive]\nmin_net_monthly = 100\nmax_hours = 40\n{hustle}"
            )),
            "unknown key `semi_passive.max_hours`; did you mean `semi_passive.max_hours_monthly`?",
            "semi_passive.max_hours",
            Some("40"),
            Some("min_net_monthly, max_hours_monthly, min_passivity, sustain_months"),
        ),
        case(
            format!("description = \"no name\"\n{hustle}"),
            "p.toml: `name` is required",
            "name",
            None,
            None,
        ),
        case(
            with_name("hustle = []"),
            "p.toml: a portfolio needs at least one hustle",
            "hustle",
            Some("0"),
            Some("1 to 16 [[hustle]] tables, each with scenario = \"FILE\""),
        ),
        case(
            seventeen_hustles(),
            "p.toml: 17 [[hustle]] tables; a portfolio may have at most 16 hustles",
            "hustle",
            Some("17"),
            Some("1 to 16 [[hustle]] tables, each with scenario = \"FILE\""),
        ),
        case(
            with_name("[hustle]\nscenario = \"niche-saas-tool\""),
            "hustles are written as [[hustle]] tables, each with scenario = \"FILE\", got a single table ([hustle])",
            "hustle",
            None,
            None,
        ),
        case(
            with_name("hustle = [{ scenario = \"niche-saas-tool\" }, \"bench.toml\"]"),
            "[[hustle]] 2 must be a table with scenario = \"FILE\", got a string",
            "hustle",
            Some("\"bench.toml\""),
            None,
        ),
        case(
            with_name("[[hustle]]\nstart_month = 2"),
            "p.toml: [[hustle]] 1: needs scenario = \"FILE\"",
            "hustle.scenario",
            None,
            None,
        ),
        case(
            with_name("[[hustle]]\nscenario = 5"),
            "p.toml: [[hustle]] 1: scenario must name a scenario file or library scenario, got 5",
            "hustle.scenario",
            Some("5"),
            None,
        ),
        case(
            with_name("[[hustle]]\nscenario = \" \""),
            "scenario must name a scenario file or library scenario, got \" \"",
            "hustle.scenario",
            Some("\" \""),
            None,
        ),
        case(
            with_name(
                "[[hustle]]\nscenario = \"niche-saas-tool\"\n[[hustle]]\nscenario = \"no-such-file.toml\"",
            ),
            "p.toml: [[hustle]] 2 (\"no-such-file.toml\"): no scenario file",
            "hustle.scenario",
            Some("\"no-such-file.toml\""),
            None,
        ),
        case(
            one_hustle("start_month = 25"),
            "p.toml: [[hustle]] 1 (\"niche-saas-tool\"): start_month must be within 1..=24 (the portfolio's horizon_months is 24), got 25",
            "hustle.start_month",
            Some("25"),
            Some("within 1..=24"),
        ),
        case(
            one_hustle("start_month = 0"),
            "start_month must be within 1..=24",
            "hustle.start_month",
            Some("0"),
            Some("within 1..=24"),
        ),
        case(
            one_hustle("start_month = 2.5"),
            "start_month must be a whole number within 1..=24 (the portfolio's horizon_months is 24), got 2.5",
            "hustle.start_month",
            Some("2.5"),
            Some("a whole number within 1..=24"),
        ),
        case(
            one_hustle("start_month = \"3\""),
            "start_month must be a whole number within 1..=24 (the portfolio's horizon_months is 24), got \"3\"",
            "hustle.start_month",
            Some("\"3\""),
            Some("a whole number within 1..=24"),
        ),
        case(
            with_name(&format!("currency = \"EUR\"\n{hustle}")),
            "p.toml: [[hustle]] 1 (\"niche-saas-tool\"): the scenario's currency is \"USD\" and the portfolio's is \"EUR\"",
            "currency",
            Some("\"USD\""),
            Some("\"EUR\", the portfolio's currency"),
        ),
        case(
            one_hustle("set = { \"churn.montly\" = 0.1 }"),
            "p.toml: [[hustle]] 1 (\"niche-saas-tool\"): set: unknown key `churn.montly`; did you mean `churn.monthly`?",
            "churn.montly",
            Some("0.1"),
            Some("churn.monthly"),
        ),
        case(
            one_hustle("set = { chrun = { monthly = 0.1 } }"),
            "set: unknown key `chrun.monthly`; did you mean `churn.monthly`?",
            "chrun.monthly",
            Some("0.1"),
            None,
        ),
        case(
            one_hustle("set = { \"churn.monthly\" = 2 }"),
            "p.toml: [[hustle]] 1 (\"niche-saas-tool\"): set: churn.monthly must be strictly between 0 and 1, got 2",
            "churn.monthly",
            Some("2"),
            Some("strictly between 0 and 1"),
        ),
        case(
            one_hustle("set = { horizon_months = \"long\" }"),
            "set: horizon_months must be a whole number within 1..=120, got \"long\"",
            "horizon_months",
            Some("\"long\""),
            Some("a whole number within 1..=120"),
        ),
        case(
            one_hustle("set = { churn = { monthly = 0.1 }, \"churn.monthly\" = 0.2 }"),
            "set gives churn.monthly twice; give each key once",
            "churn.monthly",
            None,
            Some("each key once"),
        ),
        case(
            one_hustle("set = \"churn.monthly=0.1\""),
            "set must be a table of scenario keys and their values, as set = { \"churn.monthly\" = 0.08 }, got a string",
            "hustle.set",
            Some("\"churn.monthly=0.1\""),
            None,
        ),
        case(
            with_name("[[hustle]]\nscenario = \"portfolio.toml\""),
            "p.toml: [[hustle]] 1 (\"portfolio.toml\"): ",
            "hustle.scenario",
            Some("\"portfolio.toml\""),
            Some("a scenario, not a portfolio"),
        ),
        case(
            with_name(&format!(
                "{hustle}\n[[correlation]]\nparams = [\"owner.hourly_value\", \"owner.capacity_hours_monthly\"]\nrank = 0.3"
            )),
            "p.toml: [[correlation]] is not part of a portfolio",
            "correlation",
            None,
            None,
        ),
        case(
            with_name(&format!("[owner]\nquit_below_net = 100\n{hustle}")),
            "p.toml: owner.quit_below_net is not part of a portfolio's [owner]: quitting is each hustle's own rule",
            "owner.quit_below_net",
            Some("100"),
            Some(OWNER),
        ),
        case(
            with_name(&format!("[owner]\nquit_after_months = 3\n{hustle}")),
            "p.toml: owner.quit_after_months is not part of a portfolio's [owner]",
            "owner.quit_after_months",
            Some("3"),
            Some(OWNER),
        ),
        case(
            with_name(&format!("[owner]\ncapacity_hours_monthly = 0\n{hustle}")),
            "p.toml: owner.capacity_hours_monthly must be > 0, got 0",
            "owner.capacity_hours_monthly",
            Some("0"),
            Some("> 0"),
        ),
        case(
            with_name(&format!(
                "[semi_passive]\nmin_net_monthly = 100\nmin_passivity = 0.5\n{hustle}"
            )),
            "p.toml: semi_passive.min_passivity needs owner.hourly_value above 0",
            "semi_passive.min_passivity",
            Some("0.5"),
            None,
        ),
        case(
            with_name(&format!("[semi_passive]\nmin_net_monthly = 100\n{hustle}")),
            "p.toml: [semi_passive] needs semi_passive.max_hours_monthly or semi_passive.min_passivity",
            "semi_passive",
            None,
            None,
        ),
        case(
            with_name(&format!("horizon_months = 0\n{hustle}")),
            "p.toml: horizon_months must be within 1..=120, got 0",
            "horizon_months",
            Some("0"),
            Some("within 1..=120"),
        ),
        case(
            with_name(&format!("owner = 3\n{hustle}")),
            "p.toml: `owner` must be a section ([owner]), got an integer",
            "owner",
            Some("3"),
            None,
        ),
    ];
    for c in &cases {
        let e = match parse(&c.text) {
            Ok(_) => panic!("no error for:\n{}", c.text),
            Err(e) => e,
        };
        assert!(
            e.message().contains(c.message),
            "expected `{}` in: {e}",
            c.message
        );
        assert_eq!(e.source_name(), Some("p.toml"), "{e}");
        assert_eq!(e.key(), c.key, "{e}");
        if c.value.is_some() {
            assert_eq!(e.value(), c.value, "{e}");
        }
        if c.allowed.is_some() {
            assert_eq!(e.allowed(), c.allowed, "{e}");
        } else {
            assert!(e.allowed().is_some() || c.key == Some("name"), "{e}");
        }
    }
}

#[test]
fn a_scenario_invalid_on_its_own_keeps_its_key_and_names_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "name = \"bad\"\n[churn]\nmonthly = 1.3\n").unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(
        &p,
        with_name(
            "[[hustle]]\nscenario = \"niche-saas-tool\"\n[[hustle]]\nscenario = \"bad.toml\"",
        ),
    )
    .unwrap();
    let e = Portfolio::load(&p).unwrap_err();
    assert_eq!(
        e.message(),
        format!(
            "{}: [[hustle]] 2 (\"bad.toml\"): the scenario is not valid: {}: churn.monthly must be within 0..=1, got 1.3; churn.monthly is a fraction: did you mean 0.013 (or \"1.3%\")?",
            p.display(),
            bad.display()
        )
    );
    // The bad value is written in the scenario file: its source.
    assert_eq!(e.source_name(), Some(bad.display().to_string().as_str()));
    assert_eq!(
        [e.key(), e.value(), e.allowed()],
        [Some("churn.monthly"), Some("1.3"), Some("within 0..=1")]
    );
    // A set that makes it invalid says so.
    std::fs::write(
        &p,
        with_name(
            "[[hustle]]\nscenario = \"niche-saas-tool\"\nset = { \"owner.hourly_value\" = 0 }",
        ),
    )
    .unwrap();
    let e = Portfolio::load(&p).unwrap_err();
    assert!(
        e.message()
            .contains("(\"niche-saas-tool\"): the scenario is not valid with its set: "),
        "{e}"
    );
    // A file that is not TOML, and a folder.
    std::fs::write(dir.path().join("notes.toml"), "keep me").unwrap();
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    for (name, part) in [
        ("notes.toml", "TOML parse error"),
        ("folder", "is a directory, not a scenario file"),
    ] {
        std::fs::write(&p, with_name(&format!("[[hustle]]\nscenario = \"{name}\""))).unwrap();
        let e = Portfolio::load(&p).unwrap_err();
        assert!(
            e.message()
                .starts_with(&format!("{}: [[hustle]] 1 (\"{name}\"): ", p.display())),
            "{e}"
        );
        assert!(e.message().contains(part), "{e}");
        assert_eq!(e.key(), Some("hustle.scenario"), "{e}");
    }
}

#[test]
fn a_portfolio_may_name_neither_itself_nor_another_portfolio() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(&p, with_name("[[hustle]]\nscenario = \"p.toml\"")).unwrap();
    let e = Portfolio::load(&p).unwrap_err();
    assert_eq!(
        e.message(),
        format!(
            "{}: [[hustle]] 1 (\"p.toml\"): names this portfolio itself; a hustle runs a scenario",
            p.display()
        )
    );
    assert_eq!(e.key(), Some("hustle.scenario"));
    std::fs::write(dir.path().join("q.toml"), one_hustle("")).unwrap();
    std::fs::write(&p, with_name("[[hustle]]\nscenario = \"q.toml\"")).unwrap();
    let e = Portfolio::load(&p).unwrap_err();
    assert!(
        e.message().contains(&format!(
            "{} is a portfolio, not a scenario; a hustle runs a scenario (portfolios do not nest)",
            dir.path().join("q.toml").display()
        )),
        "{e}"
    );
}

#[test]
fn a_hustle_path_is_relative_to_the_portfolio_folder() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(dir.path().join("s.toml"), "name = \"beside\"\n").unwrap();
    std::fs::write(
        sub.join("p.toml"),
        with_name("[[hustle]]\nscenario = \"../s.toml\""),
    )
    .unwrap();
    let p = Portfolio::load(&sub.join("p.toml")).unwrap();
    assert_eq!(p.hustles[0].model.name, "beside");
    // s.toml is beside the portfolio's folder, not in it.
    std::fs::write(
        sub.join("p.toml"),
        with_name("[[hustle]]\nscenario = \"s.toml\""),
    )
    .unwrap();
    let e = Portfolio::load(&sub.join("p.toml")).unwrap_err();
    assert!(
        e.message().contains(&format!(
            "no scenario file {} (a hustle's path is relative to the portfolio's folder)",
            sub.join("s.toml").display()
        )),
        "{e}"
    );
}

#[test]
fn reading_the_file_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let e = Portfolio::load(dir.path()).unwrap_err();
    assert!(
        e.message().contains("is a directory, not a portfolio file"),
        "{e}"
    );
    let e = Portfolio::load(&dir.path().join("none.toml")).unwrap_err();
    assert!(e.message().contains("cannot read the portfolio"), "{e}");
    let e = parse_err("name = \"p\"\n[[hustle]\n");
    assert!(e.message().starts_with("p.toml: TOML parse error"), "{e}");
    #[cfg(unix)]
    {
        let e = Portfolio::load(Path::new("/dev/zero")).unwrap_err();
        assert!(
            e.message().contains("portfolio files may be at most 1 MiB"),
            "{e}"
        );
    }
}

#[test]
fn no_edit_of_the_example_panics() {
    // Every line of the example removed, and the file cut after every
    // line: each is valid or an input error, never a panic.
    let text = std::fs::read_to_string(data("portfolio.toml")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for i in 0..lines.len() {
        let mut without = lines.clone();
        without.remove(i);
        let _ = parse(&without.join("\n"));
        let _ = parse(&lines[..i].join("\n"));
    }
}

fn hustle_sim() -> Command {
    Command::cargo_bin("hustle-sim").unwrap()
}

#[test]
fn check_shows_the_person_and_every_hustle() {
    let out = hustle_sim()
        .arg("check")
        .arg(data("portfolio.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "portfolio.toml: valid portfolio of 2 hustles",
        "name                           = \"a subscription tool and a print shop\"",
        "horizon_months                 = 30",
        "owner.capacity_hours_monthly   = \"60 to 90\" (lognormal, 90 % interval) # file",
        "owner.burnout_hours_monthly    = 120",
        "owner.hourly_value             = 30",
        "semi_passive.min_net_monthly   = 2000",
        "semi_passive.max_hours_monthly = 50",
        "[[hustle]] 1: \"bench.toml\"",
        "[[hustle]] 2: \"weekend-shop.toml\"",
        "name                    = \"weekend print shop\"",
        "start_month             = 3 (the portfolio's months 3..=30: 28 months)",
        "owner.quit_after_months = 4",
        "owner.quit_after_months = 6",
        "owner.quit_below_net    = 100",
        "churn.monthly           = 0.08",
        "pricing.monthly         = 12",
    ] {
        assert!(text.contains(line), "expected `{line}` in:\n{text}");
    }
    // The hustles in order, each with its own lines after its heading.
    let first = text.find("[[hustle]] 1").unwrap();
    let second = text.find("[[hustle]] 2").unwrap();
    assert!(first < second);
    assert!(text[first..second].contains("start_month             = 1 "));
    assert!(!text[first..second].contains("# set"));
    assert_eq!(text[second..].matches("# set").count(), 2);
}

#[test]
fn check_takes_scenarios_and_portfolios_together() {
    let out = hustle_sim()
        .arg("check")
        .arg(data("bench.toml"))
        .arg(data("portfolio.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("bench.toml: valid\n"), "{text}");
    assert!(
        text.contains("portfolio.toml: valid portfolio of 2 hustles"),
        "{text}"
    );
}

#[test]
fn check_of_a_portfolio_exits_2_when_bad_and_0_when_valid() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(&p, one_hustle("start_month = 30")).unwrap();
    let out = hustle_sim().arg("check").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "error: {}: [[hustle]] 1 (\"niche-saas-tool\"): start_month must be within 1..=24",
            p.display()
        )),
        "{err}"
    );
    assert!(err.contains("1 of 1 inputs are invalid"), "{err}");
    // One hustle is one hustle.
    std::fs::write(&p, one_hustle("start_month = 3")).unwrap();
    let out = hustle_sim().arg("check").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!("{}: valid portfolio of 1 hustle\n", p.display())),
        "{text}"
    );
    assert!(text.contains("(built-in library)"), "{text}");
    // --set overrides a scenario, not a portfolio.
    let out = hustle_sim()
        .args(["check", "--set", "churn.monthly=0.1"])
        .arg(data("portfolio.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("is a portfolio; --set overrides a scenario's keys"),
        "{err}"
    );
}

#[test]
fn the_example_in_docs_model_md_is_the_example_portfolio() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/model.md")).unwrap();
    let section = &doc[doc.find("### A portfolio file").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let text = &section[start..start + section[start..].find("```").unwrap()];
    let mut shown = parse(text).unwrap();
    let file = Portfolio::load(&data("portfolio.toml")).unwrap();
    // The docs leave the description out.
    shown.person.description = file.person.description.clone();
    assert_eq!(json(&shown.person), json(&file.person));
    assert_eq!(shown.hustles.len(), file.hustles.len());
    for (a, b) in shown.hustles.iter().zip(&file.hustles) {
        assert_eq!(
            (&a.scenario, a.start_month, &a.overrides),
            (&b.scenario, b.start_month, &b.overrides)
        );
        assert_eq!(json(&a.model), json(&b.model));
    }
}

#[test]
fn a_portfolio_read_as_a_scenario_is_named_as_one() {
    let e = Scenario::from_file(&data("portfolio.toml"))
        .unwrap()
        .model()
        .unwrap_err();
    assert!(
        e.message().ends_with(
            "portfolio.toml: is a portfolio ([[hustle]] tables), not a scenario; this command takes scenarios"
        ),
        "{e}"
    );
    assert_eq!([e.key(), e.allowed()], [Some("hustle"), Some("a scenario")]);
}
