//! Portfolios (docs/model.md, Portfolios): the fast simulator
//! (`hustle_sim::sim::portfolio`) against the reference simulator
//! (`hustle_sim::sim::reference::simulate_portfolio`) in distribution, and
//! against what the model says exactly:
//!
//! - a one-hustle portfolio whose person has the scenario's own owner is
//!   the scenario, bit for bit;
//! - without the person's capacity and burnout, each hustle is its scenario
//!   run alone (hustle 0 with the run's seed, hustle j with
//!   `hustle_seed(seed, j)`, shifted to its start month), bit for bit, and
//!   the person's mean monthly net is the sum of the hustles' means;
//! - file order is priority for new customers;
//! - a hustle's own quit ends only it, burnout ends every hustle, and the
//!   person fails (all failed) when every hustle has failed;
//! - a hustle whose setup outlasts its months stays in setup.
//!
//! Tolerances. Fast against reference (different seeds, independent
//! samples): every comparison at significance ALPHA = 1e-9, the mean of a
//! monthly figure by the difference of two means against K_SE = 6.109
//! standard errors, sqrt(sd_a^2 / n_a + sd_b^2 / n_b), its distribution by
//! the two-sample Kolmogorov-Smirnov statistic against its critical value
//! c(ALPHA) sqrt((n_a + n_b) / (n_a n_b)), c(a) = sqrt(ln(2 / a) / 2) =
//! 3.27, a share by the pooled two-proportion standard error against K_SE.
//! Each test counts its comparisons and asserts at most MAX_COMPARISONS, so
//! a correct pair of simulators fails anywhere in the file with probability
//! below 3 * 4,000 * 1e-9 < 2e-5 (Bonferroni). The sum of the hustles'
//! means is checked at 4 standard errors in each of 24 months (two-sided
//! 6.3e-5 each: below 1.6e-3 in all). The seeds are fixed, so every test
//! is deterministic.
//!
//! Scale: TRAJECTORY_MONTHS person-months of each simulator per portfolio
//! (100,000 trajectories at 24 months, 80,000 at 30): a difference of about 3 % of a
//! figure's standard deviation in a monthly mean (K_SE sqrt(2 / n)), or of
//! 0.8 percentage points in a share of 10 %, is detected. Each sample keeps
//! the figures of DISTRIBUTIONS, about 230 MB at 24 months and 3 hustles.

mod common;

use common::model;
use hustle_sim::internals::NMETRICS;
use hustle_sim::model::Model;
use hustle_sim::portfolio::{Hustle, Portfolio};
use hustle_sim::scenario::keys::Param;
use hustle_sim::sim::portfolio::{
    CompiledPortfolio, PortfolioOutcome, hustle_seed, simulate_portfolio,
};
use hustle_sim::sim::{
    self, CompiledModel, FailureCause, Metric, Outcome, Path, Scratch, reference,
};

/// Significance of each comparison.
const ALPHA: f64 = 1e-9;
/// The two-sided normal quantile at ALPHA: P(|Z| > 6.109) = 1.0e-9.
const K_SE: f64 = 6.109;
/// Comparisons a test may make (the Bonferroni budget, see the module doc).
const MAX_COMPARISONS: usize = 4_000;
/// Person-months of each simulator per portfolio: N = this / H.
const TRAJECTORY_MONTHS: u64 = 2_400_000;
/// Seeds of the fast and the reference simulator: different, so the two
/// samples are independent.
const FAST_SEED: u64 = 21;
const REFERENCE_SEED: u64 = 22;

/// The monthly figures whose means are compared, and those whose whole
/// distributions are.
const MEANS: [Metric; 7] = [
    Metric::NetIncome,
    Metric::Hours,
    Metric::Customers,
    Metric::NewCustomers,
    Metric::DeclinedCustomers,
    Metric::Passivity,
    Metric::CumulativeNet,
];
const DISTRIBUTIONS: [Metric; 3] = [Metric::NetIncome, Metric::Hours, Metric::Customers];

/// A portfolio: the person from `person` (a scenario text of name,
/// horizon, `[owner]` and `[semi_passive]`), and each hustle from a
/// scenario text with its start month, its horizon set to the months it
/// runs in (H - start + 1).
fn portfolio(person: &str, hustles: &[(&str, u32)]) -> Portfolio {
    portfolio_of(
        person,
        hustles
            .iter()
            .map(|&(text, start)| (model(text), start))
            .collect(),
    )
}

/// A portfolio of the person from `person` and scenario models with their
/// start months.
fn portfolio_of(person: &str, hustles: Vec<(Model, u32)>) -> Portfolio {
    let person = model(person);
    let h = person.horizon_months;
    Portfolio {
        source: "test.toml".into(),
        stem: "test".into(),
        name: person.name.clone(),
        description: String::new(),
        currency: person.currency.clone(),
        horizon_months: h,
        hustles: hustles
            .into_iter()
            .map(|(mut m, start)| {
                m.horizon_months = h - start + 1;
                Hustle {
                    scenario: m.name.clone(),
                    path: None,
                    start_month: start,
                    overrides: Vec::new(),
                    model: m,
                }
            })
            .collect(),
        person,
    }
}

/// One path per figure set: the person's, then each hustle's.
fn paths(cp: &CompiledPortfolio) -> Vec<Path> {
    vec![Path::new(cp.horizon()); cp.hustles.len() + 1]
}

fn fast(cp: &CompiledPortfolio, seed: u64, i: u64, paths: &mut [Path]) -> PortfolioOutcome {
    simulate_portfolio(cp, seed, i, &mut cp.scratch(), paths)
}

fn bits(p: &Path) -> Vec<u64> {
    p.data().iter().map(|v| v.to_bits()).collect()
}

/// Running mean and variance (Welford), and whether the figure varies.
#[derive(Clone, Default)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
    first: Option<f64>,
    varies: bool,
}

impl Moments {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let d = x - self.mean;
        self.mean += d / self.n;
        self.m2 += d * (x - self.mean);
        match self.first {
            None => self.first = Some(x),
            Some(f) => self.varies |= (x - f).abs() > tolerance(f),
        }
    }

    fn var(&self) -> f64 {
        self.m2 / (self.n - 1.0)
    }
}

/// Within 1e-9 (relative, or absolute near 0): the same figure computed
/// by different arithmetic.
fn tolerance(x: f64) -> f64 {
    1e-9 * x.abs().max(1.0)
}

/// N trajectories of one simulator: the moments of every compared
/// (figure set, metric, month), the values of those whose distributions
/// are compared, and every outcome.
struct Sample {
    horizon: usize,
    moments: Vec<Moments>,
    columns: Vec<Vec<f64>>,
    outcomes: Vec<PortfolioOutcome>,
    /// Trajectories in which each figure set declined a customer.
    declining: Vec<u64>,
}

impl Sample {
    fn new(
        cp: &CompiledPortfolio,
        n: u64,
        mut one: impl FnMut(u64, &mut [Path]) -> PortfolioOutcome,
    ) -> Sample {
        let h = cp.horizon();
        let sets = cp.hustles.len() + 1;
        let mut s = Sample {
            horizon: h,
            moments: vec![Moments::default(); sets * MEANS.len() * h],
            columns: vec![Vec::with_capacity(n as usize); sets * DISTRIBUTIONS.len() * h],
            outcomes: Vec::with_capacity(n as usize),
            declining: vec![0; sets],
        };
        let mut paths = paths(cp);
        for i in 0..n {
            s.outcomes.push(one(i, &mut paths));
            for (who, path) in paths.iter().enumerate() {
                s.declining[who] +=
                    u64::from(path.row(Metric::DeclinedCustomers).iter().any(|&d| d > 0.0));
                for (k, &metric) in MEANS.iter().enumerate() {
                    for (t, &x) in path.row(metric).iter().enumerate() {
                        s.moments[(who * MEANS.len() + k) * h + t].push(x);
                    }
                }
                for (k, &metric) in DISTRIBUTIONS.iter().enumerate() {
                    for (t, &x) in path.row(metric).iter().enumerate() {
                        s.columns[(who * DISTRIBUTIONS.len() + k) * h + t].push(x);
                    }
                }
            }
        }
        s
    }

    fn fast(cp: &CompiledPortfolio, n: u64, seed: u64) -> Sample {
        let mut scratch = cp.scratch();
        Sample::new(cp, n, |i, paths| {
            simulate_portfolio(cp, seed, i, &mut scratch, paths)
        })
    }

    fn reference(cp: &CompiledPortfolio, n: u64, seed: u64) -> Sample {
        Sample::new(cp, n, |i, paths| {
            reference::simulate_portfolio(cp, seed, i, paths)
        })
    }

    fn moments(&self, who: usize, k: usize, t: usize) -> &Moments {
        &self.moments[(who * MEANS.len() + k) * self.horizon + t - 1]
    }

    fn column(&self, who: usize, k: usize, t: usize) -> &[f64] {
        &self.columns[(who * DISTRIBUTIONS.len() + k) * self.horizon + t - 1]
    }

    /// The fraction of trajectories for which `f` holds.
    fn fraction(&self, f: impl Fn(&PortfolioOutcome) -> bool) -> f64 {
        let (k, n) = self.share(f);
        k as f64 / n as f64
    }

    /// The fraction of trajectories in which figure set `who` (0 the
    /// person, j + 1 hustle j) ended by `cause`.
    fn ended(&self, who: usize, cause: FailureCause) -> f64 {
        self.fraction(|o| {
            let end = if who == 0 {
                o.person.failure
            } else {
                o.hustles[who - 1].0
            };
            matches!(end, Some((c, _)) if c == cause)
        })
    }

    /// The fraction of trajectories in which `who` declined a customer.
    fn declining(&self, who: usize) -> f64 {
        self.declining[who] as f64 / self.outcomes.len() as f64
    }

    /// The share of trajectories for which `f` holds.
    fn share(&self, f: impl Fn(&PortfolioOutcome) -> bool) -> (u64, u64) {
        let k = self.outcomes.iter().filter(|o| f(o)).count();
        (k as u64, self.outcomes.len() as u64)
    }
}

/// The two-sample KS statistic with values within [`tolerance`] taken as
/// equal (at most the plain statistic, so its critical value holds).
fn ks_statistic(a: &[f64], b: &[f64]) -> f64 {
    let sorted = |xs: &[f64]| {
        let mut v = xs.to_vec();
        v.sort_by(f64::total_cmp);
        v
    };
    let (a, b) = (sorted(a), sorted(b));
    let at_most = |xs: &[f64], x: f64| xs.partition_point(|v| *v <= x) as f64 / xs.len() as f64;
    let mut points: Vec<f64> = a.iter().chain(&b).copied().collect();
    points.sort_by(f64::total_cmp);
    points.dedup();
    let mut d: f64 = 0.0;
    for x in &points {
        let tol = tolerance(*x);
        d = d
            .max(at_most(&a, x - tol) - at_most(&b, x + tol))
            .max(at_most(&b, x - tol) - at_most(&a, x + tol));
    }
    d
}

/// Collects the comparisons of one test and their failures.
#[derive(Default)]
struct Checks {
    made: usize,
    failures: Vec<String>,
}

impl Checks {
    /// Means of two independent samples within K_SE standard errors.
    fn mean(&mut self, what: &str, a: &Moments, b: &Moments) {
        if !a.varies && !b.varies {
            // Both constant: no randomness to allow for.
            if (a.mean - b.mean).abs() > tolerance(a.mean) {
                self.failures.push(format!(
                    "{what}: constant {} (fast) vs {} (reference)",
                    a.mean, b.mean
                ));
            }
            return;
        }
        self.made += 1;
        let se = (a.var() / a.n + b.var() / b.n).sqrt();
        if (a.mean - b.mean).abs() > K_SE * se {
            self.failures.push(format!(
                "{what}: mean {:.6} (fast) vs {:.6} (reference), z = {:.2}",
                a.mean,
                b.mean,
                (a.mean - b.mean) / se
            ));
        }
    }

    /// Distributions by the two-sample KS test at ALPHA.
    fn distribution(&mut self, what: &str, a: &[f64], b: &[f64]) {
        let (na, nb) = (a.len() as f64, b.len() as f64);
        let d = ks_statistic(a, b);
        let varies = |xs: &[f64]| xs.iter().any(|x| (x - xs[0]).abs() > tolerance(xs[0]));
        if !varies(a) && !varies(b) && d == 0.0 {
            return;
        }
        self.made += 1;
        let critical = ((2.0 / ALPHA).ln() / 2.0).sqrt() * ((na + nb) / (na * nb)).sqrt();
        if d > critical {
            self.failures
                .push(format!("{what}: KS D = {d:.5} > {critical:.5}"));
        }
    }

    /// Two shares within K_SE pooled standard errors.
    fn share(&mut self, what: &str, (ka, na): (u64, u64), (kb, nb): (u64, u64)) {
        let (pa, pb) = (ka as f64 / na as f64, kb as f64 / nb as f64);
        let p = (ka + kb) as f64 / (na + nb) as f64;
        if p == 0.0 || p == 1.0 {
            return;
        }
        self.made += 1;
        let se = (p * (1.0 - p) * (1.0 / na as f64 + 1.0 / nb as f64)).sqrt();
        if (pa - pb).abs() > K_SE * se {
            self.failures.push(format!(
                "{what}: share {pa:.5} (fast) vs {pb:.5} (reference), z = {:.2}",
                (pa - pb) / se
            ));
        }
    }

    /// Every comparison of the module doc between the two samples.
    fn samples(&mut self, fast: &Sample, reference: &Sample, hustles: &[String]) {
        let h = fast.horizon;
        let name = |who: usize| match who {
            0 => "person".to_string(),
            j => format!("hustle {} ({})", j - 1, hustles[j - 1]),
        };
        for who in 0..=hustles.len() {
            for t in 1..=h {
                for (k, metric) in MEANS.iter().enumerate() {
                    let what = format!("{}: {} month {t}", name(who), metric.name());
                    self.mean(&what, fast.moments(who, k, t), reference.moments(who, k, t));
                }
                for (k, metric) in DISTRIBUTIONS.iter().enumerate() {
                    let what = format!("{}: {} month {t}", name(who), metric.name());
                    self.distribution(&what, fast.column(who, k, t), reference.column(who, k, t));
                }
            }
        }
        let both = |f: &dyn Fn(&PortfolioOutcome) -> bool| (fast.share(f), reference.share(f));

        // The person's.
        let (a, b) = both(&|o| o.person.failure.is_some());
        self.share("person: failure", a, b);
        for cause in FailureCause::PERSON {
            let (a, b) = both(&|o| matches!(o.person.failure, Some((c, _)) if c == cause));
            self.share(&format!("person: failure {}", cause.name()), a, b);
        }
        let (a, b) = both(&|o| o.person.semi_passive_month.is_some());
        self.share("person: semi-passive", a, b);
        for t in 1..=h as u32 {
            let by = |m: Option<u32>| m.is_some_and(|m| m <= t);
            let (a, b) = both(&|o| by(o.person.failure.map(|f| f.1)));
            self.share(&format!("person: failed by month {t}"), a, b);
            let (a, b) = both(&|o| by(o.person.semi_passive_month));
            self.share(&format!("person: semi-passive by month {t}"), a, b);
            let (a, b) = both(&|o| o.person.qualifying >> (t - 1) & 1 == 1);
            self.share(&format!("person: qualifying in month {t}"), a, b);
            let (a, b) = both(&|o| by(o.person.break_even_month));
            self.share(&format!("person: break-even by month {t}"), a, b);
        }
        let hours = |s: &Sample| -> Vec<f64> {
            s.outcomes
                .iter()
                .map(|o| o.person.cumulative_hours)
                .collect()
        };
        let mut ma = Moments::default();
        hours(fast).into_iter().for_each(|x| ma.push(x));
        let mut mb = Moments::default();
        hours(reference).into_iter().for_each(|x| mb.push(x));
        self.mean("person: cumulative hours", &ma, &mb);

        // Each hustle's.
        for j in 0..hustles.len() {
            let who = name(j + 1);
            let (a, b) = both(&|o| o.hustles[j].0.is_none());
            self.share(&format!("{who}: running at the horizon"), a, b);
            for cause in FailureCause::ALL {
                let (a, b) = both(&|o| matches!(o.hustles[j].0, Some((c, _)) if c == cause));
                self.share(&format!("{who}: failure {}", cause.name()), a, b);
            }
            for t in 1..=h as u32 {
                let (a, b) = both(&|o| o.hustles[j].0.is_some_and(|f| f.1 <= t));
                self.share(&format!("{who}: ended by month {t}"), a, b);
            }
        }
    }

    /// Simulates `p` with both simulators and compares them; returns the
    /// fast simulator's sample.
    fn portfolio(&mut self, p: &Portfolio) -> Sample {
        let cp = CompiledPortfolio::new(p);
        let n = TRAJECTORY_MONTHS / cp.horizon() as u64;
        let start = std::time::Instant::now();
        let fast = Sample::fast(&cp, n, FAST_SEED);
        let fast_time = start.elapsed();
        let reference = Sample::reference(&cp, n, REFERENCE_SEED);
        let reference_time = start.elapsed() - fast_time;
        let names: Vec<String> = p.hustles.iter().map(|h| h.scenario.clone()).collect();
        self.samples(&fast, &reference, &names);
        eprintln!(
            "{}: {n} trajectories each; fast {:.1} s, reference {:.1} s",
            p.name,
            fast_time.as_secs_f64(),
            reference_time.as_secs_f64(),
        );
        fast
    }

    /// Asserts that nothing failed and the budget held.
    fn finish(self) {
        assert!(
            self.made <= MAX_COMPARISONS,
            "{} comparisons: over the Bonferroni budget of {MAX_COMPARISONS}",
            self.made
        );
        assert!(
            self.failures.is_empty(),
            "{} of {} comparisons failed:\n{}",
            self.failures.len(),
            self.made,
            self.failures.join("\n")
        );
        eprintln!("{} comparisons, all within tolerance", self.made);
    }
}

/// A tutoring service that fills the person's hours (Poisson, month 1
/// carrying the setup).
const TUTORING: &str = r#"
name = "tutoring"
horizon_months = 24
[setup]
months = 0
hours = 12
cost = 200
[acquisition]
rate = "2 to 6"
growth = 0.02
[churn]
monthly = 0.15
[pricing]
monthly = 60
one_time = 20
[costs]
fixed_monthly = 20
[effort]
fixed_hours_monthly = 4
hours_per_customer_monthly = 2
hours_per_new_customer = 3
[owner]
quit_after_months = 0
"#;

/// Templates sold by subscription on a platform (Bass over a small
/// market, two setup months, rework, bans).
const TEMPLATES: &str = r#"
name = "templates"
horizon_months = 24
[setup]
months = 2
hours = 30
cost = 100
[acquisition]
model = "bass"
market_size = 400
innovation = 0.01
imitation = 0.4
[churn]
model = "sbg"
alpha = 1
beta = 4
[pricing]
monthly = 8
[costs]
per_customer_monthly = 1
[effort]
fixed_hours_monthly = 3
hours_per_customer_monthly = 0.2
hours_per_new_customer = 0.5
automation_monthly = 0.03
rework_probability = 0.2
rework_hours = 6
[platform]
fee = 0.1
ban_probability = 0.01
[owner]
quit_after_months = 0
"#;

/// A newsletter that its owner drops after three thin months.
const NEWSLETTER: &str = r#"
name = "newsletter"
horizon_months = 24
[setup]
months = 1
hours = 10
[acquisition]
rate = "1 to 5"
[churn]
monthly = 0.1
[pricing]
monthly = 10
[costs]
fixed_monthly = 30
[effort]
fixed_hours_monthly = 5
hours_per_customer_monthly = 0.1
hours_per_new_customer = 1
[owner]
quit_below_net = 0
quit_after_months = 3
"#;

/// The person's capacity binding every month for many trajectories,
/// shared by three hustles: Poisson without setup months, Bass with two
/// and rework and bans, and from month 7 one that quits.
#[test]
fn capacity_binding_agrees() {
    let mut checks = Checks::default();
    let fast = checks.portfolio(&portfolio(
        r#"
name = "capacity"
horizon_months = 24
[owner]
capacity_hours_monthly = 80
hourly_value = 30
[semi_passive]
min_net_monthly = 1500
max_hours_monthly = 75
sustain_months = 2
"#,
        &[(TUTORING, 1), (TEMPLATES, 1), (NEWSLETTER, 7)],
    ));
    checks.finish();
    // What the portfolio is for happens often enough to be compared.
    use FailureCause::*;
    assert!(fast.declining(0) > 0.5 && fast.declining(3) > 0.5);
    assert!(fast.ended(2, Deplatformed) > 0.1 && fast.ended(3, Abandoned) > 0.1);
    assert!(fast.fraction(|o| o.person.semi_passive_month.is_some()) > 0.1);
}

/// The person's burnout binding: a growing service whose hours pass the
/// limit for the better draws, with its own quit rule, and from month 10 a
/// Bass hustle without setup months whose setup cost often leaves it
/// unprofitable, and bans.
#[test]
fn burnout_binding_agrees() {
    let mut checks = Checks::default();
    let fast = checks.portfolio(&portfolio(
        r#"
name = "burnout"
horizon_months = 30
[owner]
burnout_hours_monthly = 90
burnout_after_months = 3
hourly_value = 20
[semi_passive]
min_net_monthly = 300
max_hours_monthly = 40
sustain_months = 3
"#,
        &[
            (
                r#"
name = "repairs"
horizon_months = 30
[setup]
months = 1
hours = 20
[acquisition]
rate = "1 to 4"
[churn]
monthly = 0.07
[pricing]
monthly = 25
[costs]
fixed_monthly = 40
[effort]
fixed_hours_monthly = 10
hours_per_customer_monthly = 1
hours_per_new_customer = 2
[owner]
quit_below_net = 50
quit_after_months = 4
"#,
                1,
            ),
            (
                r#"
name = "course"
horizon_months = 21
[setup]
months = 0
hours = 25
cost = 12000
[acquisition]
model = "bass"
market_size = "100 to 300"
innovation = 0.03
imitation = 0.5
[churn]
monthly = 0.2
[pricing]
monthly = 15
one_time = 30
[effort]
hours_per_customer_monthly = 0.3
hours_per_new_customer = 1
[platform]
fee = 0.2
ban_probability = 0.02
[owner]
quit_after_months = 0
"#,
                10,
            ),
        ],
    ));
    checks.finish();
    // What the portfolio is for happens often enough to be compared.
    use FailureCause::*;
    assert!(fast.ended(0, BurnedOut) > 0.1 && fast.ended(0, AllFailed) > 0.02);
    assert!(fast.ended(1, Abandoned) > 0.05);
    assert!(fast.ended(2, Deplatformed) > 0.1 && fast.ended(2, Unprofitable) > 0.1);
}

/// Capacity and burnout together, with the person's own values uncertain
/// (drawn from the person's stream), a passivity limit, competitors, and a
/// later hustle with three setup months and uncertain rework.
#[test]
fn capacity_and_burnout_with_competitors_agree() {
    let mut checks = Checks::default();
    let fast = checks.portfolio(&portfolio(
        r#"
name = "both"
horizon_months = 24
[owner]
capacity_hours_monthly = "40 to 80"
burnout_hours_monthly = { dist = "uniform", min = 45, max = 70 }
burnout_after_months = 2
hourly_value = "15 to 40"
[semi_passive]
min_net_monthly = 500
min_passivity = 0.3
sustain_months = 2
"#,
        &[
            (
                r#"
name = "design"
horizon_months = 24
[setup]
months = 0
hours = 15
[acquisition]
rate = "3 to 8"
[churn]
monthly = 0.2
[pricing]
monthly = 40
one_time = 60
[costs]
per_customer_monthly = 5
[effort]
fixed_hours_monthly = 2
hours_per_customer_monthly = 1.5
hours_per_new_customer = 2
[competition]
entry_rate = 0.3
copycat_rate = 0.5
churn_increase = 0.01
acquisition_loss = 0.03
price_erosion = 0.01
[owner]
quit_below_net = 100
quit_after_months = 3
"#,
                1,
            ),
            (
                r#"
name = "app"
horizon_months = 20
[setup]
months = 3
hours = 60
cost = 300
[acquisition]
rate = 4
growth = 0.05
[churn]
model = "sbg"
alpha = 1.5
beta = 5
[pricing]
monthly = 12
[effort]
fixed_hours_monthly = 6
hours_per_customer_monthly = 0.4
hours_per_new_customer = 1
rework_probability = "0.05 to 0.3"
rework_hours = 10
[owner]
quit_after_months = 0
"#,
                5,
            ),
        ],
    ));
    checks.finish();
    // What the portfolio is for happens often enough to be compared.
    assert!(fast.declining(0) > 0.3 && fast.ended(0, FailureCause::BurnedOut) > 0.1);
    assert!(fast.fraction(|o| o.person.semi_passive_month.is_some()) > 0.02);
}

/// The `[owner]` and `[semi_passive]` sections of a scenario text.
fn owner_sections(text: &str) -> String {
    let mut keep = false;
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with('[') {
            keep = line == "[owner]" || line == "[semi_passive]";
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The portfolio of one hustle, `m` from `text`, run by a person with the
/// scenario's own `[owner]` and `[semi_passive]`.
fn alone_as_portfolio(text: &str, m: &Model) -> Portfolio {
    let person = format!(
        "name = \"person\"\nhorizon_months = {}\n{}",
        m.horizon_months,
        owner_sections(text)
    );
    portfolio_of(&person, vec![(m.clone(), 1)])
}

/// What the person's outcome is when its one hustle ended as `o` says:
/// the person burns out with it, and otherwise fails (all failed) when it
/// failed; the person's own parameters are fixed, so none is clamped.
fn person_of(o: &Outcome) -> Outcome {
    Outcome {
        failure: o.failure.map(|(cause, t)| match cause {
            FailureCause::BurnedOut => (cause, t),
            _ => (FailureCause::AllFailed, t),
        }),
        clamped: 0,
        ..*o
    }
}

/// A one-hustle portfolio whose person has the scenario's own owner rules
/// is the scenario: the hustle's figures, and the person's but for the
/// competitors (0), bit for bit, and the outcomes, over every library
/// scenario and the owner's-hours scenario (capacity fixed, rework,
/// a passivity limit, correlations).
#[test]
fn one_hustle_portfolio_is_its_scenario() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts: Vec<String> = std::fs::read_dir(dir.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    texts.sort();
    // The person's values must be the scenario's own: an uncertain
    // capacity (the services') is pinned at 60 in both, since the person
    // draws from a stream of their own.
    let mut scenarios: Vec<(String, Model)> = texts
        .into_iter()
        .map(|text| {
            let m = model(&text);
            if m.param(Param::CapacityHoursMonthly).is_fixed() {
                return (text, m);
            }
            let pinned: String = text
                .lines()
                .map(|l| {
                    if l.starts_with("capacity_hours_monthly") {
                        "capacity_hours_monthly = 60".to_string()
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            let m = m.with_fixed(Param::CapacityHoursMonthly, 60.0).unwrap();
            (pinned, m)
        })
        .collect();
    // Consulting without its capacity, whose owners burn out often.
    let consulting =
        std::fs::read_to_string(dir.join("scenarios/ai-workflow-consulting.toml")).unwrap();
    let uncapped: String = consulting
        .lines()
        .filter(|l| !l.starts_with("capacity_hours_monthly"))
        .collect::<Vec<_>>()
        .join("\n");
    let m = model(&uncapped);
    assert!(!m.capacity_enabled());
    scenarios.push((uncapped, m));
    // The person's values are fixed: the capacity is pinned at 35 (it
    // keeps its correlation, which only moves the hustle's rework hours).
    let owner_hours = include_str!("data/owner-hours.toml");
    let pinned = "capacity_hours_monthly = 35";
    scenarios.push((
        owner_hours.replace(
            "capacity_hours_monthly = { dist = \"uniform\", min = 25, max = 45 }",
            pinned,
        ),
        model(owner_hours)
            .with_fixed(Param::CapacityHoursMonthly, 35.0)
            .unwrap(),
    ));
    assert!(scenarios.len() >= 5 && scenarios.last().unwrap().0.contains(pinned));
    let (mut declined, mut burned_out) = (0, 0);
    for (text, m) in &scenarios {
        let cm = CompiledModel::new(m);
        let cp = CompiledPortfolio::new(&alone_as_portfolio(text, m));
        let h = cm.horizon();
        let mut scratch = Scratch::new(h);
        let mut alone = Path::new(h);
        let mut scratch_p = cp.scratch();
        let mut paths = paths(&cp);
        for i in 0..2_000 {
            let o = sim::simulate(&cm, 3, i, &mut scratch, &mut alone);
            let po = simulate_portfolio(&cp, 3, i, &mut scratch_p, &mut paths[..]);
            assert_eq!(bits(&paths[1]), bits(&alone), "{}: trajectory {i}", m.name);
            let mut person = paths[0].clone();
            let mut expected = alone.clone();
            // The person has no competitors of their own.
            for t in 1..=h {
                assert_eq!(person.get(Metric::Competitors, t), 0.0);
            }
            zero_competitors(&mut person);
            zero_competitors(&mut expected);
            assert_eq!(bits(&person), bits(&expected), "{}: trajectory {i}", m.name);
            assert_eq!(po.hustles, vec![(o.failure, o.clamped)], "{}: {i}", m.name);
            assert_eq!(po.person, person_of(&o), "{}: trajectory {i}", m.name);
            declined += usize::from(
                alone
                    .row(Metric::DeclinedCustomers)
                    .iter()
                    .any(|&d| d > 0.0),
            );
            burned_out += usize::from(matches!(o.failure, Some((FailureCause::BurnedOut, _))));
        }
    }
    // The capacity and burnout were at work.
    assert!(
        declined > 100 && burned_out > 100,
        "{declined} declined, {burned_out} burned out"
    );
}

/// `p` with every month's competitors set to 0.
fn zero_competitors(p: &mut Path) {
    let h = p.row(Metric::Competitors).len();
    let mut figures = Vec::with_capacity(NMETRICS);
    for t in 1..=h {
        figures.clear();
        figures.extend(Metric::ALL.map(|m| p.get(m, t)));
        figures[Metric::Competitors as usize] = 0.0;
        sim::Record::record(p, t, figures.clone().try_into().unwrap());
    }
}

/// `text` with the owner's hourly value set to 40, the person's in the
/// paired tests (a hustle's passivity is judged at the person's).
fn at_40_an_hour(text: &str) -> String {
    text.replace("[owner]\n", "[owner]\nhourly_value = 40\n")
}

/// A person with neither capacity nor burnout (the limit out of reach).
const FREE_PERSON: &str = r#"
name = "free"
horizon_months = 24
[owner]
burnout_hours_monthly = 1e9
burnout_after_months = 1
hourly_value = 40
[semi_passive]
min_net_monthly = 500
max_hours_monthly = 60
sustain_months = 2
"#;

/// Bass with rework and bans first, a quitting newsletter from month 7,
/// a Poisson service from month 4.
fn free_portfolio() -> Portfolio {
    let texts = [TEMPLATES, NEWSLETTER, TUTORING].map(at_40_an_hour);
    portfolio(
        FREE_PERSON,
        &[(&texts[0], 1), (&texts[1], 7), (&texts[2], 4)],
    )
}

/// Without the person's capacity and burnout, each hustle is its scenario
/// run alone, bit for bit: hustle 0 with the run's seed, hustle j with
/// `hustle_seed(seed, j)`, over its own months shifted to its start month
/// (every figure 0 before it, competitors included), its end on the
/// person's calendar. In the reference simulator too for hustle 0, whose
/// generators are its scenario's.
#[test]
fn hustles_without_capacity_or_burnout_are_their_scenarios_alone() {
    let p = free_portfolio();
    let cp = CompiledPortfolio::new(&p);
    let h = cp.horizon();
    let alone: Vec<CompiledModel> = p
        .hustles
        .iter()
        .map(|x| CompiledModel::new(&x.model))
        .collect();
    let mut scratch = cp.scratch();
    let mut paths = paths(&cp);
    let mut quit = 0;
    for seed in [5, u64::MAX - 2] {
        for i in 0..3_000 {
            let po = simulate_portfolio(&cp, seed, i, &mut scratch, &mut paths[..]);
            for (j, cm) in alone.iter().enumerate() {
                let start = p.hustles[j].start_month as usize;
                let mut path = Path::new(cm.horizon());
                let o = sim::simulate(
                    cm,
                    hustle_seed(seed, j),
                    i,
                    &mut Scratch::new(cm.horizon()),
                    &mut path,
                );
                for metric in Metric::ALL {
                    for t in 1..=h {
                        let expected = if t < start {
                            0.0
                        } else {
                            path.get(metric, t - start + 1)
                        };
                        assert_eq!(
                            paths[j + 1].get(metric, t).to_bits(),
                            expected.to_bits(),
                            "seed {seed}, trajectory {i}, hustle {j}, {} month {t}",
                            metric.name()
                        );
                    }
                }
                let shifted = o.failure.map(|(c, t)| (c, t + start as u32 - 1));
                assert_eq!(
                    po.hustles[j],
                    (shifted, o.clamped),
                    "trajectory {i}, hustle {j}"
                );
                quit += usize::from(matches!(o.failure, Some((FailureCause::Abandoned, _))));
            }
            // The reference: hustle 0 is its scenario alone.
            reference::simulate_portfolio(&cp, seed, i, &mut paths);
            let mut path = Path::new(h);
            reference::simulate(&alone[0], seed, i, &mut path);
            assert_eq!(bits(&paths[1]), bits(&path), "reference, trajectory {i}");
        }
    }
    assert!(quit > 100, "{quit} quits");
}

/// Without capacity or burnout the person's net is the sum of the hustles':
/// the person's mean monthly net equals the sum of the hustles' means run
/// alone (each with a seed of its own, so the samples are independent),
/// within 4 standard errors, sqrt(var_person / n + sum_j var_j / n), in
/// every month.
#[test]
fn the_persons_mean_net_is_the_sum_of_the_hustles_alone() {
    const N: u64 = 20_000;
    let p = free_portfolio();
    let cp = CompiledPortfolio::new(&p);
    let h = cp.horizon();
    let mut person = vec![Moments::default(); h];
    let mut scratch = cp.scratch();
    let mut paths = paths(&cp);
    for i in 0..N {
        simulate_portfolio(&cp, 31, i, &mut scratch, &mut paths[..]);
        for (m, &x) in person.iter_mut().zip(paths[0].row(Metric::NetIncome)) {
            m.push(x);
        }
    }
    let mut sum_mean = vec![0.0; h];
    let mut sum_var = vec![0.0; h];
    for (j, hustle) in p.hustles.iter().enumerate() {
        let start = hustle.start_month as usize;
        let cm = CompiledModel::new(&hustle.model);
        let mut alone = vec![Moments::default(); cm.horizon()];
        let mut scratch = Scratch::new(cm.horizon());
        let mut path = Path::new(cm.horizon());
        for i in 0..N {
            sim::simulate(&cm, 40 + j as u64, i, &mut scratch, &mut path);
            for (m, &x) in alone.iter_mut().zip(path.row(Metric::NetIncome)) {
                m.push(x);
            }
        }
        for (k, m) in alone.iter().enumerate() {
            sum_mean[start - 1 + k] += m.mean;
            sum_var[start - 1 + k] += m.var();
        }
    }
    for t in 0..h {
        let se = ((person[t].var() + sum_var[t]) / N as f64).sqrt();
        let diff = person[t].mean - sum_mean[t];
        assert!(
            diff.abs() <= 4.0 * se,
            "month {}: person {} vs sum of hustles {}, z = {:.2}",
            t + 1,
            person[t].mean,
            sum_mean[t],
            diff / se
        );
    }
}

/// Two hustles whose new customers take the same hours (2 of their own
/// and 1 of service; no automation, no setup hours).
const SAME_HOURS: &str = r#"
name = "same hours"
horizon_months = 18
[setup]
months = 0
[acquisition]
rate = 6
[churn]
monthly = 0.3
[pricing]
monthly = 20
[effort]
hours_per_customer_monthly = 1
hours_per_new_customer = 2
[owner]
quit_after_months = 0
"#;

/// File order is priority: under a binding capacity, with the same hours
/// per new customer in both hustles, the first is never declined a
/// customer in a month in which the second accepts one (both simulators).
#[test]
fn file_order_is_priority_for_new_customers() {
    let p = portfolio(
        r#"
name = "priority"
horizon_months = 18
[owner]
capacity_hours_monthly = 30
"#,
        &[
            (SAME_HOURS, 1),
            (&SAME_HOURS.replace("rate = 6", "rate = 4"), 1),
        ],
    );
    let cp = CompiledPortfolio::new(&p);
    let mut paths = paths(&cp);
    let (mut first_declined, mut second_accepted) = (0, 0);
    for i in 0..3_000 {
        for which in ["fast", "reference"] {
            if which == "fast" {
                fast(&cp, 8, i, &mut paths);
            } else {
                reference::simulate_portfolio(&cp, 8, i, &mut paths);
            }
            for t in 1..=cp.horizon() {
                let declined = paths[1].get(Metric::DeclinedCustomers, t);
                let accepted = paths[2].get(Metric::NewCustomers, t);
                assert!(
                    !(declined > 0.0 && accepted > 0.0),
                    "{which}, trajectory {i}, month {t}: the first hustle declined {declined} \
                     while the second accepted {accepted}"
                );
                first_declined += usize::from(declined > 0.0);
                second_accepted += usize::from(accepted > 0.0);
            }
        }
    }
    // The capacity binds, and the second hustle still gets customers.
    assert!(
        first_declined > 1_000 && second_accepted > 1_000,
        "{first_declined} months the first declined, {second_accepted} the second accepted"
    );
}

/// A hustle with one customer a month whose owner drops it after two
/// months below 1,000 a month: it ends abandoned in its month 2.
const DROPPED: &str = r#"
name = "dropped"
horizon_months = 24
[setup]
months = 0
[acquisition]
rate = 1
[churn]
monthly = 0.1
[pricing]
monthly = 5
[effort]
fixed_hours_monthly = 2
[owner]
quit_below_net = 1000
quit_after_months = 2
"#;

/// A profitable hustle that runs to the horizon: its fixed hour shows
/// every month it runs.
const STEADY: &str = r#"
name = "steady"
horizon_months = 24
[setup]
months = 0
[acquisition]
rate = 5
[churn]
monthly = 0.05
[pricing]
monthly = 50
[effort]
fixed_hours_monthly = 1
[owner]
quit_after_months = 0
"#;

/// Both simulators' figures and outcome of trajectory `i`.
fn both(cp: &CompiledPortfolio, i: u64) -> [(&'static str, Vec<Path>, PortfolioOutcome); 2] {
    let mut a = paths(cp);
    let oa = fast(cp, 9, i, &mut a);
    let mut b = paths(cp);
    let ob = reference::simulate_portfolio(cp, 9, i, &mut b);
    [("fast", a, oa), ("reference", b, ob)]
}

/// A hustle's own quit ends only it: the first hustle is dropped in
/// month 2; the second runs to the horizon, the third (from month 5) too,
/// and the person does not fail.
#[test]
fn a_hustles_own_quit_ends_only_it() {
    let p = portfolio(
        "name = \"person\"\nhorizon_months = 24\n",
        &[(DROPPED, 1), (STEADY, 1), (STEADY, 5)],
    );
    let cp = CompiledPortfolio::new(&p);
    for i in 0..500 {
        for (which, paths, o) in both(&cp, i) {
            assert_eq!(
                o.hustles.iter().map(|e| e.0).collect::<Vec<_>>(),
                [Some((FailureCause::Abandoned, 2)), None, None],
                "{which}, trajectory {i}"
            );
            assert_eq!(o.person.failure, None, "{which}, trajectory {i}");
            for t in 1..=24 {
                let hours = |who: usize| paths[who].get(Metric::Hours, t);
                assert_eq!(hours(1) > 0.0, t <= 2, "{which} {i}: dropped, month {t}");
                assert!(hours(2) >= 1.0, "{which} {i}: steady, month {t}");
                assert_eq!(hours(3) >= 1.0, t >= 5, "{which} {i}: later, month {t}");
            }
        }
    }
}

/// When every hustle has failed by its own rule the person fails (all
/// failed) in the month the last one ended: two dropped hustles, the
/// second from month 4 (its month 2 is the person's 5).
#[test]
fn the_person_fails_when_every_hustle_has_failed() {
    let p = portfolio(
        "name = \"person\"\nhorizon_months = 24\n",
        &[(DROPPED, 1), (DROPPED, 4)],
    );
    let cp = CompiledPortfolio::new(&p);
    for i in 0..200 {
        for (which, _, o) in both(&cp, i) {
            assert_eq!(
                o.hustles.iter().map(|e| e.0).collect::<Vec<_>>(),
                [
                    Some((FailureCause::Abandoned, 2)),
                    Some((FailureCause::Abandoned, 5))
                ],
                "{which}, trajectory {i}"
            );
            assert_eq!(
                o.person.failure,
                Some((FailureCause::AllFailed, 5)),
                "{which}, trajectory {i}"
            );
        }
    }
}

/// Burnout ends every hustle: a hustle of 30 fixed hours a month passes the
/// person's limit of 20 in months 1 and 2, so the person burns out in
/// month 2, and every hustle not already ended ends burned out that month
/// (the month counts in full): one in setup, one not yet started (it never
/// works an hour) included; one whose own quit completes in month 2 ends
/// abandoned.
#[test]
fn burnout_ends_every_hustle_even_one_not_yet_started() {
    let p = portfolio(
        r#"
name = "person"
horizon_months = 24
[owner]
burnout_hours_monthly = 20
burnout_after_months = 2
"#,
        &[
            (
                &STEADY.replace("fixed_hours_monthly = 1", "fixed_hours_monthly = 30"),
                1,
            ),
            (
                &STEADY.replace("[setup]\nmonths = 0", "[setup]\nmonths = 5\nhours = 10"),
                1,
            ),
            (STEADY, 6),
            (DROPPED, 1),
        ],
    );
    let cp = CompiledPortfolio::new(&p);
    let burned = Some((FailureCause::BurnedOut, 2));
    for i in 0..500 {
        for (which, paths, o) in both(&cp, i) {
            assert_eq!(o.person.failure, burned, "{which}, trajectory {i}");
            assert_eq!(
                o.hustles.iter().map(|e| e.0).collect::<Vec<_>>(),
                [burned, burned, burned, Some((FailureCause::Abandoned, 2))],
                "{which}, trajectory {i}"
            );
            for t in 1..=24 {
                let hours = |who: usize| paths[who].get(Metric::Hours, t);
                assert_eq!(hours(0) > 0.0, t <= 2, "{which} {i}: person, month {t}");
                assert_eq!(hours(1) >= 30.0, t <= 2, "{which} {i}: month {t}");
                assert_eq!(hours(2) == 2.0, t <= 2, "{which} {i}: setup, month {t}");
                assert_eq!(hours(3), 0.0, "{which} {i}: not started, month {t}");
            }
        }
    }
}

/// Regression: the fast simulator tabulated H - L renewals for each
/// hustle, which underflowed (a panic) for a hustle that starts so late
/// that its setup outlasts the horizon (its months in the portfolio,
/// H - start + 1 = 3, are fewer than its 5 setup months). Such a hustle is
/// in setup to the end: setup hours and cost each month from its start, no
/// customers, and unprofitable at the horizon (both simulators).
#[test]
fn a_late_hustle_whose_setup_outlasts_the_horizon_does_not_panic() {
    let late = STEADY.replace(
        "[setup]\nmonths = 0",
        "[setup]\nmonths = 5\nhours = 10\ncost = 50",
    );
    let p = portfolio(
        "name = \"person\"\nhorizon_months = 24\n",
        &[(STEADY, 1), (&late, 22)],
    );
    let cp = CompiledPortfolio::new(&p);
    for i in 0..100 {
        for (which, paths, o) in both(&cp, i) {
            assert_eq!(
                o.hustles.iter().map(|e| e.0).collect::<Vec<_>>(),
                [None, Some((FailureCause::Unprofitable, 24))],
                "{which}, trajectory {i}"
            );
            for t in 1..=24 {
                let (hours, net) = if t >= 22 { (2.0, -10.0) } else { (0.0, 0.0) };
                assert_eq!(
                    paths[2].get(Metric::Hours, t),
                    hours,
                    "{which} {i}: month {t}"
                );
                assert_eq!(
                    paths[2].get(Metric::NetIncome, t),
                    net,
                    "{which} {i}: month {t}"
                );
                assert_eq!(
                    paths[2].get(Metric::Customers, t),
                    0.0,
                    "{which} {i}: month {t}"
                );
            }
        }
    }
}
