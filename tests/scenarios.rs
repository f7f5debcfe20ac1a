//! The scenario library (`scenarios/`): every scenario is valid (the check
//! `hustle-sim check` makes), every number carries a comment giving its
//! source, there are at least ten, the built-in default is one of them, and
//! each scenario's results are plausible against the anecdote it is
//! calibrated from (docs/calibration.md, Hustles people try).
//!
//! The plausibility tests run 4,000 trajectories with a fixed seed, so they
//! are deterministic; each threshold is far enough from the simulated value
//! (see `docs/scenarios.md` for the 10,000-trajectory table) that it tests
//! the story, not the sampling noise, and says why it is what it is.

mod common;

use hustle_sim::Scenario;
use hustle_sim::model::Model;
use hustle_sim::report::Summary;
use hustle_sim::scenario::{DEFAULT_SCENARIO, DEFAULT_STEM};
use hustle_sim::sim::Metric;
use std::path::{Path, PathBuf};

const N: u64 = 4_000;
const SEED: u64 = 42;

fn library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(library())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// Loads and validates a scenario file exactly as `hustle-sim check` does.
fn load(path: &Path) -> Model {
    Scenario::from_file(path)
        .and_then(|s| s.model())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn summary(stem: &str) -> Summary {
    let m = load(&library().join(format!("{stem}.toml")));
    common::summary(&m, N, SEED)
}

/// The share of would-be customers declined for want of the owner's hours,
/// over all months and trajectories (the "Declined" line of `run`).
fn declined_share(s: &Summary) -> f64 {
    let declined: f64 = s
        .series
        .declined_customers
        .as_ref()
        .expect("the scenario has a capacity")
        .mean
        .iter()
        .sum();
    let accepted: f64 = s.series.new_customers.mean.iter().sum();
    declined / (declined + accepted)
}

/// The median month of failure among the trajectories that failed: the
/// first month by which half of all eventual failures had happened.
fn median_failure_month(s: &Summary) -> u32 {
    let f = &s.failure.failed_by_month;
    let total = *f.last().unwrap();
    assert!(total > 0.0, "{}: nothing failed", s.scenario);
    f.iter().position(|&x| x >= total / 2.0).unwrap() as u32 + 1
}

#[test]
fn every_scenario_is_valid_and_there_are_at_least_ten() {
    let files = scenario_files();
    assert!(
        files.len() >= 10,
        "the library should hold at least ten scenarios, found {}",
        files.len()
    );
    for f in &files {
        let m = load(f);
        assert!(!m.name.is_empty(), "{}: no name", f.display());
        assert!(!m.description.is_empty(), "{}: no description", f.display());
        // Every scenario is judged by a semi-passive bar, so the library's
        // table has a figure in every row.
        assert!(
            m.semi_passive_sustain_months.is_some(),
            "{}: no [semi_passive] section",
            f.display()
        );
    }
}

#[test]
fn the_builtin_default_is_a_library_scenario() {
    let path = library().join(format!("{DEFAULT_STEM}.toml"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), DEFAULT_SCENARIO);
}

/// What a number's comment may say to give its source: a published figure
/// collected in docs/calibration.md, a judgment call, a convention of the library
/// (described in docs/scenarios.md), or a value that follows from how the
/// hustle is put into the model.
const SOURCE_MARKS: [&str; 4] = [
    "docs/calibration.md",
    "judgment call",
    "docs/scenarios.md",
    "by construction",
];

fn gives_a_source(comment: &str) -> bool {
    let comment = comment.to_lowercase();
    SOURCE_MARKS.iter().any(|mark| comment.contains(mark))
}

#[test]
fn every_number_has_a_comment_giving_its_source() {
    // Every number in a scenario cites its source in docs/calibration.md, or says
    // it is a judgment call. Checked here as: every key line whose value
    // holds a digit (text values such as names are exempt) carries a `#`
    // comment, and that comment, or the comment block just above its group
    // of keys (a "see above" note), names docs/calibration.md or
    // docs/scenarios.md, or says "judgment call" or "by construction".
    for f in scenario_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut block = String::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if let Some(comment) = line.strip_prefix('#') {
                block.push_str(comment);
                block.push(' ');
                continue;
            }
            if line.is_empty() || line.starts_with('[') {
                block.clear();
                continue;
            }
            let Some((key, rest)) = line.split_once('=') else {
                continue;
            };
            if ["name", "description", "currency"].contains(&key.trim()) {
                continue;
            }
            let (value, comment) = rest.split_once('#').unwrap_or((rest, ""));
            if value.chars().any(|c| c.is_ascii_digit()) {
                assert!(
                    !comment.trim().is_empty(),
                    "{}:{}: `{line}` has no comment giving its source",
                    f.display(),
                    i + 1
                );
                assert!(
                    gives_a_source(comment) || gives_a_source(&block),
                    "{}:{}: `{line}`: its comment (or the block above) should \
                     cite docs/calibration.md or docs/scenarios.md, or say \
                     \"judgment call\" or \"by construction\"",
                    f.display(),
                    i + 1
                );
            }
        }
    }
}

#[test]
fn gpt_store_assistant_mostly_fails_and_fails_fast() {
    // Anecdote: "built in two days; dozens of users in week one; dozens of
    // similar apps in week two; better free ones by week three; unused soon
    // after". So most trajectories fail (> 50 %; "four of five AI projects
    // dead within a year" in the same table puts it higher still), and the
    // typical failure comes within the first year: the owner gives up after
    // six thin months, so half the failures by month 12 leaves room for a
    // slow fade but not for a hustle that lasts.
    let s = summary("gpt-store-assistant");
    assert!(s.failure.probability > 0.5, "{}", s.failure.probability);
    let month = median_failure_month(&s);
    assert!(month <= 12, "median failure month {month}");
    // Copied fast: it almost never becomes semi-passive.
    assert!(s.semi_passive.probability < 0.1);
}

#[test]
fn niche_tool_is_slow_but_durable() {
    // Anecdote: "a few targeted subscribers, steady $400-700 a month, low
    // churn". Durable: it fails less often than the GPT-store app, and most
    // trajectories are still running at the horizon (P(failure) < 50 %).
    // Slow: it does reach semi-passive income in a good share of futures
    // (> 25 %), but the subscriber base takes time, so not in the first
    // months: fewer than half of those that get there do so within six
    // months of launch (launch is month 3).
    let niche = summary("niche-saas-tool");
    let gpt = summary("gpt-store-assistant");
    assert!(
        niche.failure.probability < gpt.failure.probability,
        "niche {} vs GPT app {}",
        niche.failure.probability,
        gpt.failure.probability
    );
    assert!(niche.failure.probability < 0.5);
    let sp = &niche.semi_passive;
    assert!(sp.probability > 0.25, "{}", sp.probability);
    assert!(
        sp.reached_by_month[8] < sp.probability / 2.0,
        "{:?}",
        sp.reached_by_month
    );
}

#[test]
fn consulting_pays_but_is_not_passive() {
    // Anecdote: "$500+ per consultation; clients see the results; hours
    // scale with clients". It pays: the median effective hourly rate is
    // clearly positive, above $20 an hour (a consultation of $500+ takes
    // 8-24 hours, so even with setup and quiet months it earns tens of
    // dollars an hour). It is not passive: delivery hours grow with every
    // client, so income almost never qualifies as semi-passive (< 10 %).
    // Hours are what limits it: owners turn clients away at their capacity
    // (more than one would-be client in ten declined), and those whose
    // capacity lies above the 60 hours at which they burn out still do
    // (> 5 % of trajectories).
    let s = summary("ai-workflow-consulting");
    let rate = s.hourly_rate.p50.unwrap();
    assert!(rate > 20.0, "median hourly rate {rate}");
    assert!(
        s.semi_passive.probability < 0.1,
        "{}",
        s.semi_passive.probability
    );
    let declined = declined_share(&s);
    assert!(declined > 0.1, "declined {declined}");
    assert!(s.failure.causes.burned_out > 0.05, "{:?}", s.failure.causes);
}

#[test]
fn stock_images_rarely_sell_enough_to_keep_going() {
    // Anecdote: "hundreds of images uploaded; not one sale in two months".
    // With royalties under a dollar a download and a crowded market, the
    // owner almost always gives up (> 90 % fail) and the median cumulative
    // net is a loss. The anecdote is a common case: no download at all in
    // the two months after launch (months 2 and 3) in more than one
    // portfolio in ten (21 % at 10,000 trajectories).
    let s = summary("ai-stock-images");
    assert!(s.failure.probability > 0.9, "{}", s.failure.probability);
    assert!(s.series.cumulative_net.p50[s.horizon_months as usize - 1] < 0.0);
    let m = load(&library().join("ai-stock-images.toml"));
    let no_sale = common::trajectories(&m, N, SEED)
        .filter(|(path, _)| {
            path.row(Metric::NewCustomers)[1..3]
                .iter()
                .all(|&x| x == 0.0)
        })
        .count() as f64
        / N as f64;
    assert!(no_sale > 0.1, "{no_sale}");
}

#[test]
fn stock_images_fail_by_their_sales_not_by_construction() {
    // Regression: expected royalties of about $1 a month against $20 of
    // fixed costs made the quit rule fire in month 7 in every trajectory:
    // 100 % failure whatever the portfolio, and no portfolio that earns.
    // How well a portfolio sells now spreads widely (0.1 to 40 downloads in
    // the launch month, growing with uploads), so the long tail appears:
    // some portfolios pay back what they cost (break-even in more than 1 %
    // of trajectories; 4.2 % at 10,000) and some owners keep going (failure
    // below 99.9 %, that is more than a handful of the 4,000 survive).
    let s = summary("ai-stock-images");
    assert!(
        s.break_even.probability > 0.01,
        "{}",
        s.break_even.probability
    );
    assert!(s.failure.probability < 0.999, "{}", s.failure.probability);
}

#[test]
fn annotation_studio_is_a_business_and_60k_a_year_is_its_best_case() {
    // Anecdote: "over $60K in a year; more like running a business than a
    // side income; projects taken from big platforms and handed to a team
    // the owner organises". The library reads $60K as the owner's profit
    // (docs/scenarios.md). It makes money (median cumulative net over two
    // years above $20,000), and a year of $60K or more happens, but only in
    // its best futures: in the second year, between 0.5 % and 10 % of
    // trajectories (2.1 % at 10,000 trajectories; the bounds are more than
    // 6 standard errors of a share from it at this sample size).
    let s = summary("data-annotation-studio");
    let h = s.horizon_months as usize;
    assert!(s.series.cumulative_net.p50[h - 1] > 20_000.0);
    let m = load(&library().join("data-annotation-studio.toml"));
    let best_years = common::trajectories(&m, N, SEED)
        .filter(|(path, _)| path.row(Metric::NetIncome)[12..24].iter().sum::<f64>() >= 60_000.0)
        .count() as f64
        / N as f64;
    assert!((0.005..0.1).contains(&best_years), "{best_years}");
    // A business, not semi-passive income: management hours grow with
    // projects, so it reaches the bar less often than the niche tool, a
    // product, and the owner's hours are what limit it: projects turned
    // away for want of hours (> 10 % of those on offer) and owners who burn
    // out (> 5 % of trajectories).
    let niche = summary("niche-saas-tool");
    assert!(
        s.semi_passive.probability < niche.semi_passive.probability,
        "{} vs the niche tool's {}",
        s.semi_passive.probability,
        niche.semi_passive.probability
    );
    let declined = declined_share(&s);
    assert!(declined > 0.1, "declined {declined}");
    assert!(s.failure.causes.burned_out > 0.05, "{:?}", s.failure.causes);
}

/// The online course as its anecdote's author more likely sold it: at $300
/// a seat to their own audience on a self-hosted platform (Teachable's
/// starter plan, 7.5 %, plus card processing, about 10.5 % of a $300 sale),
/// a market of 30 to 600 buyers, and 8 to 20 hours a month keeping that
/// audience (docs/scenarios.md shows the same comparison).
const SELF_HOSTED_COURSE: [&str; 4] = [
    "pricing.one_time=300",
    "platform.fee=0.105",
    "acquisition.market_size=\"30 to 600\"",
    "effort.fixed_hours_monthly=\"8 to 20\"",
];

#[test]
fn online_course_at_marketplace_prices_is_a_different_business_from_a_300_seat() {
    // The anecdote's "$300 per seat" is not what a marketplace realises: its
    // deals sell courses at $10-20 and it keeps most of each sale
    // (docs/calibration.md, Platform fees). At those prices most owners
    // give up (P(failure) > 40 %) and few reach the bar (< 10 %).
    let course = summary("online-course-marketplace");
    assert!(
        course.failure.probability > 0.4,
        "{}",
        course.failure.probability
    );
    assert!(
        course.semi_passive.probability < 0.1,
        "{}",
        course.semi_passive.probability
    );
    // Sales are highest at launch (month 3), while the marketplace promotes
    // a new course, and fall as the market is used up: no month sells more
    // on average, and month 24 sells less than half as much.
    let new = &course.series.new_customers.mean;
    let launch = new[2];
    assert!(new.iter().all(|&x| x <= launch), "{new:?}");
    assert!(new[23] < launch / 2.0, "{new:?}");
    // Sold at $300 to the author's own audience the same course reaches
    // the bar in most trajectories: the price realised, not the course,
    // makes the difference.
    let mut s = Scenario::from_file(&library().join("online-course-marketplace.toml")).unwrap();
    for set in SELF_HOSTED_COURSE {
        s.set(set).unwrap();
    }
    let own = common::summary(&s.model().unwrap(), N, SEED);
    assert!(
        own.semi_passive.probability > 0.4,
        "{}",
        own.semi_passive.probability
    );
}

/// The new subscribers a month of the niche tool's sweep in
/// docs/scenarios.md.
const NICHE_RATES: [f64; 8] = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0];

/// P(semi-passive) of the niche tool at each of `NICHE_RATES` new
/// subscribers a month, with `sets` applied first, on the same seed and as
/// many trajectories as docs/scenarios.md's sweep (10,000).
fn niche_sweep(sets: &[&str]) -> Vec<f64> {
    NICHE_RATES
        .iter()
        .map(|rate| {
            let mut s = Scenario::from_file(&library().join("niche-saas-tool.toml")).unwrap();
            for set in sets {
                s.set(set).unwrap();
            }
            s.set(&format!("acquisition.rate={rate}")).unwrap();
            let m = s.model().unwrap_or_else(|e| panic!("{e}"));
            common::summary(&m, 10_000, SEED).semi_passive.probability
        })
        .collect()
}

/// The largest fall from one rate to the next, in standard errors of the
/// difference of two independent proportions of n = 10,000 trajectories,
/// sqrt(p1 (1 - p1) / n + p2 (1 - p2) / n) (0 when it never falls). The
/// runs share their random numbers, so the paired difference varies less
/// than that and the bound is conservative.
fn largest_fall_in_standard_errors(p: &[f64]) -> f64 {
    p.windows(2)
        .map(|w| {
            let se = ((w[0] * (1.0 - w[0]) + w[1] * (1.0 - w[1])) / 10_000.0).sqrt();
            if w[1] >= w[0] {
                0.0
            } else {
                (w[0] - w[1]) / se.max(1e-12)
            }
        })
        .fold(0.0, f64::max)
}

#[test]
fn more_subscribers_never_make_the_niche_tool_less_semi_passive() {
    // Regression: the library's bar was "$500 net for at most 15 hours a
    // month". More subscribers bring more support hours, so beyond 1.5 to 2
    // new subscribers a month the niche tool counted as semi-passive less
    // often the better it sold (93 % at 2, 14 % at 4). The bar now
    // asks for passivity (each hour earning at least twice the owner's
    // hourly value) and allows 30 hours, so across the sweep of
    // docs/scenarios.md, 0.5 to 4 new subscribers a month, P(semi-passive)
    // does not fall: no step down larger than 3 standard errors (sampling
    // noise alone exceeds that with probability about 0.1 % a step). The
    // rates span the tool's own prior, 0.5 to 3, and beyond.
    let p = niche_sweep(&[]);
    let fall = largest_fall_in_standard_errors(&p);
    assert!(fall <= 3.0, "P(semi-passive) {p:?} falls by {fall:.1} SE");
    // It rises over the sweep, from almost never to most trajectories.
    assert!(p[0] < 0.05 && p[7] > 0.5, "{p:?}");
    // The hours-only bar, put back, fails the same check: the test tells
    // the two bars apart.
    let old = niche_sweep(&[
        "semi_passive.min_passivity=",
        "semi_passive.max_hours_monthly=15",
    ]);
    let fall = largest_fall_in_standard_errors(&old);
    assert!(fall > 3.0, "hours-only bar {old:?}");
}

#[test]
fn newsletter_reaches_the_reported_1200_a_month_only_in_its_best_futures() {
    // Anecdote: "about $1,200 a month from ads and paid columns". Paying
    // readers of a $5 consumer subscription leave at 7-21 % a month
    // (docs/calibration.md, Churn), so the typical newsletter's gross in
    // month 24 is well below that (median under $600), and $1,200 is a
    // newsletter among the best one in twenty (p95 above it): a survivor's
    // figure. The bounds are over 7 standard errors of each percentile
    // from its simulated value at this sample size.
    let s = summary("ai-tech-newsletter");
    let h = s.horizon_months as usize - 1;
    let gross = &s.series.gross_revenue;
    assert!(gross.p50[h] < 600.0, "median {}", gross.p50[h]);
    assert!(gross.p95[h] > 1_200.0, "p95 {}", gross.p95[h]);
}

/// A library portfolio (`scenarios/portfolios/`), run as `run` runs it.
fn portfolio(stem: &str) -> hustle_sim::report::portfolio::PortfolioSummary {
    let path = library().join("portfolios").join(format!("{stem}.toml"));
    let p = hustle_sim::portfolio::Portfolio::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let opts = hustle_sim::RunOptions {
        trajectories: N,
        seed: SEED,
        threads: None,
    };
    hustle_sim::simulate_portfolio(&p, &opts).unwrap()
}

#[test]
fn the_evening_tool_starves_beside_consulting() {
    // docs/scenarios.md, Portfolios. Consulting comes first in the file, so
    // its clients take the person's hours first: the tool fails far more
    // often than alone (32.9 % against 19.2 % at 10,000 trajectories; the
    // 5-point margin is over 5 standard errors of the difference at 4,000),
    // and the person burns out more often than consulting's owner alone.
    // Consulting is the first hustle, paired with its scenario alone, so
    // that comparison needs no margin: the tool's hours only add.
    let p = portfolio("consulting-and-evening-tool");
    let tool_alone = summary("niche-saas-tool");
    let consulting_alone = summary("ai-workflow-consulting");
    let tool = &p.hustles[1];
    assert_eq!(tool.name, tool_alone.scenario);
    assert!(
        tool.failure.probability > tool_alone.failure.probability + 0.05,
        "the tool fails in {:.3} beside consulting, {:.3} alone",
        tool.failure.probability,
        tool_alone.failure.probability
    );
    assert!(tool.failure.causes.burned_out > 0.0);
    assert!(
        p.failure.causes.burned_out > consulting_alone.failure.causes.burned_out,
        "the person burns out in {:.3}, consulting alone in {:.3}",
        p.failure.causes.burned_out,
        consulting_alone.failure.causes.burned_out
    );
}

#[test]
fn a_newsletter_then_a_course_fade_rather_than_burn_out() {
    // docs/scenarios.md, Portfolios: few hours (a median 14.5 a month
    // together in month 24, against the burnout line at 60), so almost no
    // one burns out (none at 10,000 trajectories; 0.5 % allows the odd
    // owner of a long course build), and the way to fail is both hustles
    // abandoned (15.8 % at 10,000; 10 % is over 5 standard errors below).
    let p = portfolio("newsletter-and-course");
    assert!(p.failure.causes.burned_out < 0.005);
    assert!(p.failure.causes.all_failed > 0.10);
    assert!(*p.series.hours.p50.last().unwrap() < 30.0);
    assert_eq!(p.hustles[1].start_month, 7);
}
