//! The fast simulator against the reference simulator
//! (`hustle_sim::sim::reference`), the model's literal statement: two
//! implementations of docs/model.md, "One trajectory", with independent
//! random numbers (different seeds), must agree in distribution on every
//! library scenario and on hand-written scenarios that reach every branch of
//! the fast simulator.
//!
//! For each scenario both simulators run N = 3.6 million / H trajectories
//! (see Scale) and are compared on:
//!
//! - every monthly series in every month: the mean, by the difference of
//!   two independent means against K_SE standard errors,
//!   sqrt(sd_a^2 / n_a + sd_b^2 / n_b); and the whole distribution by the
//!   two-sample Kolmogorov-Smirnov statistic D against its critical value
//!   at significance ALPHA, c(ALPHA) sqrt((n_a + n_b) / (n_a n_b)) with
//!   c(a) = sqrt(ln(2 / a) / 2). D bounds every percentile: whenever
//!   D <= d, each simulator's p-th percentile lies between the other's
//!   (p - d)-th and (p + d)-th, so the KS check compares p5, p25, p50, p75
//!   and p95 (and every other percentile) by a rank window; a failure
//!   prints them. For discrete data (most series) the KS test is
//!   conservative. Values within 1e-9 (relative) of each other count as
//!   equal, since the two simulators compute the same figure by different
//!   arithmetic (powers by `powf` against exp and logs);
//! - shares by the two-proportion standard error
//!   sqrt(p (1 - p) (1 / n_a + 1 / n_b)), p pooled, against K_SE: failure
//!   and each cause, failed by month t, semi-passive reached by month t,
//!   qualifying in month t, break-even reached by month t, passivity >= 0.5
//!   in month t, any hours worked;
//! - the hourly rate's mean (over trajectories that worked any hours).
//!
//! Tolerance (Bonferroni): every comparison is made at significance
//! ALPHA = 1e-9 (K_SE = 6.11, the two-sided normal quantile; c = 3.27 for
//! KS). Each test counts its comparisons (those where either sample
//! varies) and asserts at most MAX_COMPARISONS; with 10 tests, a correct
//! pair of simulators fails anywhere in this file with probability at most
//! 10 * 6,000 * 1e-9 < 1e-4. The seeds are fixed, so the tests are
//! deterministic and never flake.
//!
//! Scale: 3.6 million trajectory-months of each simulator per scenario
//! (150,000 trajectories at 24 months, 60,000 at 60, 36,000 at 100), the
//! most that keeps the file within about two minutes on two cores (each
//! sample keeps every figure, about 230 MB). That detects errors of a
//! percent or so in a mean or a share, not a defect of a few parts in
//! 10,000: `tests/closed_forms.rs` checks the fast simulator alone against
//! closed forms at a million trajectories for that (the exponential
//! sampler's old tail defect passed every comparison here).

mod common;

use common::model;
use hustle_sim::internals::NMETRICS;
use hustle_sim::model::Model;
use hustle_sim::sim::{CompiledModel, FailureCause, Metric, Outcome, Path, Scratch, reference};

/// Significance of each comparison.
const ALPHA: f64 = 1e-9;
/// The two-sided normal quantile at ALPHA: P(|Z| > 6.109) = 1.0e-9.
const K_SE: f64 = 6.109;
/// Comparisons a test may make (the Bonferroni budget, see the module doc).
const MAX_COMPARISONS: usize = 6_000;
/// Trajectory-months of each simulator per scenario: N = this / H
/// trajectories (150,000 at 24 months), which bounds the memory the
/// samples take (each keeps every figure) and the time.
const TRAJECTORY_MONTHS: u64 = 3_600_000;
/// Seeds of the fast and the reference simulator: different, so the two
/// samples are independent (the same seed would share parameters, which
/// only makes the comparisons conservative).
const FAST_SEED: u64 = 11;
const REFERENCE_SEED: u64 = 12;

/// N trajectories of one simulator: each (metric, month) column and each
/// outcome.
struct Sample {
    horizon: usize,
    /// Column `metric * H + t - 1` holds every trajectory's figure.
    columns: Vec<Vec<f64>>,
    outcomes: Vec<Outcome>,
}

impl Sample {
    fn new(cm: &CompiledModel, n: u64, mut one: impl FnMut(u64, &mut Path) -> Outcome) -> Sample {
        let horizon = cm.horizon();
        let mut columns = vec![Vec::with_capacity(n as usize); NMETRICS * horizon];
        let mut outcomes = Vec::with_capacity(n as usize);
        let mut path = Path::new(horizon);
        for i in 0..n {
            outcomes.push(one(i, &mut path));
            for (column, v) in columns.iter_mut().zip(path.data()) {
                column.push(*v);
            }
        }
        Sample {
            horizon,
            columns,
            outcomes,
        }
    }

    fn fast(cm: &CompiledModel, n: u64, seed: u64) -> Sample {
        let mut scratch = Scratch::new(cm.horizon());
        Sample::new(cm, n, |i, path| {
            hustle_sim::sim::simulate(cm, seed, i, &mut scratch, path)
        })
    }

    fn reference(cm: &CompiledModel, n: u64, seed: u64) -> Sample {
        Sample::new(cm, n, |i, path| reference::simulate(cm, seed, i, path))
    }

    fn column(&self, metric: Metric, t: usize) -> &[f64] {
        &self.columns[metric as usize * self.horizon + t - 1]
    }

    /// The share of trajectories for which `f` holds.
    fn share(&self, f: impl Fn(&Outcome) -> bool) -> (u64, u64) {
        let k = self.outcomes.iter().filter(|o| f(o)).count();
        (k as u64, self.outcomes.len() as u64)
    }
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Within 1e-9 relative (or absolute near 0): the same figure computed by
/// different arithmetic.
fn tolerance(x: f64) -> f64 {
    1e-9 * x.abs().max(1.0)
}

/// The two-sample KS statistic with values within [`tolerance`] taken as
/// equal: the largest of #{a <= x - tol} / n_a - #{b <= x + tol} / n_b and
/// the same with a and b swapped, over every sample value x. It is at most
/// the plain statistic, so its critical value holds.
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

/// The percentiles p5, p25, p50, p75, p95 (lower sample quantiles), for
/// messages.
fn percentiles(xs: &[f64]) -> [f64; 5] {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    [0.05, 0.25, 0.5, 0.75, 0.95].map(|q| v[((q * v.len() as f64).ceil() as usize).max(1) - 1])
}

/// Collects the comparisons of one test and their failures.
#[derive(Default)]
struct Checks {
    made: usize,
    failures: Vec<String>,
}

impl Checks {
    /// Means of two independent samples within K_SE standard errors.
    fn mean(&mut self, what: &str, a: &[f64], b: &[f64]) {
        let ((ma, sa), (mb, sb)) = (mean_sd(a), mean_sd(b));
        if sa == 0.0 && sb == 0.0 {
            // Both constant: no randomness to allow for.
            if (ma - mb).abs() > tolerance(ma) {
                self.failures
                    .push(format!("{what}: constant {ma} (fast) vs {mb} (reference)"));
            }
            return;
        }
        self.made += 1;
        let se = (sa * sa / a.len() as f64 + sb * sb / b.len() as f64).sqrt();
        if (ma - mb).abs() > K_SE * se {
            self.failures.push(format!(
                "{what}: mean {ma:.6} (fast) vs {mb:.6} (reference), z = {:.2}",
                (ma - mb) / se
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
            self.failures.push(format!(
                "{what}: KS D = {d:.5} > {critical:.5}; p5..p95 {:?} (fast) vs {:?} (reference)",
                percentiles(a),
                percentiles(b)
            ));
        }
    }

    /// Two shares, k_a of n_a and k_b of n_b, within K_SE pooled standard
    /// errors.
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
    fn samples(&mut self, name: &str, fast: &Sample, reference: &Sample) {
        let h = fast.horizon;
        for metric in Metric::ALL {
            for t in 1..=h {
                let what = format!("{name}: {} month {t}", metric.name());
                let (a, b) = (fast.column(metric, t), reference.column(metric, t));
                self.mean(&what, a, b);
                self.distribution(&what, a, b);
            }
        }
        let both = |f: &dyn Fn(&Outcome) -> bool| (fast.share(f), reference.share(f));
        let (a, b) = both(&|o| o.failure.is_some());
        self.share(&format!("{name}: failure"), a, b);
        for cause in FailureCause::ALL {
            let (a, b) = both(&|o| matches!(o.failure, Some((c, _)) if c == cause));
            self.share(&format!("{name}: failure {}", cause.name()), a, b);
        }
        for t in 1..=h as u32 {
            let by = |m: Option<u32>| m.is_some_and(|m| m <= t);
            let (a, b) = both(&|o| by(o.failure.map(|f| f.1)));
            self.share(&format!("{name}: failed by month {t}"), a, b);
            let (a, b) = both(&|o| by(o.semi_passive_month));
            self.share(&format!("{name}: semi-passive by month {t}"), a, b);
            let (a, b) = both(&|o| o.qualifying >> (t - 1) & 1 == 1);
            self.share(&format!("{name}: qualifying in month {t}"), a, b);
            let (a, b) = both(&|o| by(o.break_even_month));
            self.share(&format!("{name}: break-even by month {t}"), a, b);
            let (a, b) = both(&|o| o.passive_half >> (t - 1) & 1 == 1);
            self.share(&format!("{name}: passivity >= 0.5 in month {t}"), a, b);
        }
        let (a, b) = both(&|o| o.hourly_rate().is_some());
        self.share(&format!("{name}: any hours worked"), a, b);
        let rates = |s: &Sample| -> Vec<f64> {
            s.outcomes.iter().filter_map(Outcome::hourly_rate).collect()
        };
        let (ra, rb) = (rates(fast), rates(reference));
        if ra.len() > 1 && rb.len() > 1 {
            self.mean(&format!("{name}: hourly rate"), &ra, &rb);
        }
    }

    /// Simulates `m` with both simulators and compares them.
    fn scenario(&mut self, name: &str, m: &Model) {
        let cm = CompiledModel::new(m);
        let n = TRAJECTORY_MONTHS / cm.horizon() as u64;
        let start = std::time::Instant::now();
        let fast = Sample::fast(&cm, n, FAST_SEED);
        let fast_time = start.elapsed();
        let reference = Sample::reference(&cm, n, REFERENCE_SEED);
        let reference_time = start.elapsed() - fast_time;
        self.samples(name, &fast, &reference);
        eprintln!(
            "{name}: {n} trajectories each; fast {:.1} s, reference {:.1} s, comparisons {:.1} s",
            fast_time.as_secs_f64(),
            reference_time.as_secs_f64(),
            (start.elapsed() - fast_time - reference_time).as_secs_f64()
        );
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

/// The library's scenarios, in file-name order.
fn library() -> Vec<(String, Model)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    files
        .iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, model(&std::fs::read_to_string(p).unwrap()))
        })
        .collect()
}

/// Half of the library (`part` 0 or 1), so two tests share the cores.
fn library_part(part: usize) {
    let mut checks = Checks::default();
    for (name, m) in library().into_iter().skip(part).step_by(2) {
        checks.scenario(&name, &m);
    }
    checks.finish();
}

#[test]
fn library_scenarios_agree_first_half() {
    library_part(0);
}

#[test]
fn library_scenarios_agree_second_half() {
    library_part(1);
}

/// Compares the simulators on each named scenario text.
fn agree(scenarios: &[(&str, &str)]) {
    let mut checks = Checks::default();
    for (name, text) in scenarios {
        checks.scenario(name, &model(text));
    }
    checks.finish();
}

/// Cohorts above 64 customers (renewed by binomial draws in the fast
/// simulator, then by order statistics once they shrink to 64), under
/// constant and sbg churn, with competitors luring customers away;
/// setup.months = 0 (month 1 carries the setup) and 2.
#[test]
fn large_cohorts_agree() {
    agree(&[
        (
            "large cohorts, constant churn, no setup months",
            r#"
name = "large cohorts constant"
horizon_months = 30
[setup]
months = 0
hours = 40
cost = 500
[acquisition]
rate = "100 to 200"
growth = -0.05
[churn]
monthly = 0.1
[pricing]
monthly = 5
one_time = 3
[costs]
fixed_monthly = 100
per_customer_monthly = 0.5
[effort]
fixed_hours_monthly = 5
hours_per_customer_monthly = 0.05
hours_per_new_customer = 0.1
automation_monthly = 0.03
[competition]
entry_rate = 0.3
copycat_rate = 0.5
acquisition_loss = 0.05
price_erosion = 0.02
churn_increase = 0.02
[platform]
fee = 0.1
[owner]
quit_below_net = 0
quit_after_months = 6
[semi_passive]
min_net_monthly = 2000
max_hours_monthly = 60
sustain_months = 3
"#,
        ),
        (
            "large cohorts, sbg churn, two setup months, burnout",
            r#"
name = "large cohorts sbg"
horizon_months = 24
[setup]
months = 2
hours = 60
cost = 200
[acquisition]
rate = 70
growth = 0.02
[churn]
model = "sbg"
alpha = 1.2
beta = 5
[pricing]
monthly = 10
[costs]
fixed_monthly = 50
[effort]
fixed_hours_monthly = 10
hours_per_customer_monthly = 0.2
automation_monthly = 0.01
[competition]
entry_rate = 0.2
acquisition_loss = 0.03
churn_increase = 0.05
[platform]
fee = 0.05
[owner]
burnout_hours_monthly = 170
burnout_after_months = 3
[semi_passive]
min_net_monthly = 3000
max_hours_monthly = 150
sustain_months = 2
"#,
        ),
        (
            "one large cohort shrinking, strong sbg churn",
            r#"
name = "one large cohort"
horizon_months = 24
[setup]
months = 1
hours = 20
[acquisition]
rate = 150
growth = -1
[churn]
model = "sbg"
alpha = 3
beta = 4
[pricing]
monthly = 2
[owner]
quit_after_months = 0
"#,
        ),
    ]);
}

/// Competitor entry on both sides of the fast simulator's switch from its
/// arrivals clock to direct Poisson draws at a mean of 8 a month: an
/// uncertain entry rate around 8, copycats whose revenue-driven rate
/// crosses 8 within a trajectory (with uncertain competition parameters, so
/// no factor table), and a fixed rate of 14 whose count passes the factor
/// table's 256.
#[test]
fn competitor_entry_agrees() {
    agree(&[
        (
            "entry rate around 8",
            r#"
name = "entry around the switch"
horizon_months = 24
[setup]
months = 1
[acquisition]
rate = 20
[churn]
monthly = 0.05
[pricing]
monthly = 10
[competition]
entry_rate = { dist = "uniform", min = 7.5, max = 8.5 }
acquisition_loss = 0.02
price_erosion = 0.01
churn_increase = 0.01
[owner]
quit_after_months = 0
"#,
        ),
        (
            "copycats crossing 8 a month",
            r#"
name = "copycats"
horizon_months = 24
[setup]
months = 0
cost = 1000
[acquisition]
rate = 30
growth = 0.03
[churn]
monthly = 0.1
[pricing]
monthly = 30
[costs]
fixed_monthly = 200
[competition]
entry_rate = 2
copycat_rate = { dist = "uniform", min = 1, max = 3 }
acquisition_loss = { dist = "uniform", min = 0.0, max = 0.02 }
price_erosion = 0.005
churn_increase = { dist = "uniform", min = 0.0, max = 0.004 }
[owner]
quit_below_net = 500
quit_after_months = 4
[semi_passive]
min_net_monthly = 3000
max_hours_monthly = 10
"#,
        ),
        (
            "flooded market, 14 entrants a month",
            r#"
name = "flooded"
horizon_months = 24
[setup]
months = 1
[acquisition]
rate = 40
[churn]
monthly = 0.05
[pricing]
monthly = 10
[competition]
entry_rate = 14
acquisition_loss = 0.004
price_erosion = 0.002
churn_increase = 0.001
[owner]
quit_after_months = 0
"#,
        ),
    ]);
}

/// The platform fee reaching its cap of 1; Bass acquisition at its cap
/// min(1, (p + q A / M) m), with policy shocks; Bass over an uncertain
/// market (rounded down) with uncertain parameters drawn outside their
/// valid ranges and clamped.
#[test]
fn platform_and_bass_agree() {
    agree(&[
        (
            "fee hiked to its cap",
            r#"
name = "fee cap"
horizon_months = 24
[setup]
months = 1
hours = 10
[acquisition]
rate = 10
[churn]
monthly = 0.05
[pricing]
monthly = 20
[costs]
fixed_monthly = 10
[platform]
fee = 0.8
fee_hike_probability = 0.25
fee_hike = 0.15
[owner]
quit_below_net = 50
quit_after_months = 3
[semi_passive]
min_net_monthly = 40
max_hours_monthly = 100
sustain_months = 1
"#,
        ),
        (
            "bass at its cap, policy shocks",
            r#"
name = "bass cap"
horizon_months = 18
[setup]
months = 0
[acquisition]
model = "bass"
market_size = 1000
innovation = 0.3
imitation = 2.5
[churn]
monthly = 0.02
[pricing]
monthly = 5
[competition]
entry_rate = 0.5
acquisition_loss = 0.02
[platform]
policy_shock_probability = 0.1
policy_shock_loss = 0.2
[owner]
quit_after_months = 0
"#,
        ),
        (
            "bass, clamped uncertain parameters",
            r#"
name = "clamps"
horizon_months = 24
[setup]
months = 1
hours = { dist = "normal", mean = 10, sd = 20 }
[acquisition]
model = "bass"
market_size = "50 to 500"
innovation = { dist = "normal", mean = 0.02, sd = 0.03 }
imitation = { dist = "normal", mean = 0.3, sd = 0.4 }
[churn]
model = "sbg"
alpha = { dist = "normal", mean = 0.5, sd = 0.5 }
beta = "1 to 8"
[pricing]
monthly = 20
[effort]
hours_per_customer_monthly = 0.5
automation_monthly = { dist = "normal", mean = 0.5, sd = 0.5 }
[platform]
fee = { dist = "normal", mean = 0.1, sd = 0.3 }
[owner]
quit_below_net = 100
quit_after_months = 5
[semi_passive]
min_net_monthly = 500
max_hours_monthly = 20
"#,
        ),
    ]);
}

/// Quitting, burnout (and both completing in the same month, which is
/// abandoned), bans (in setup months too), fee hikes and policy shocks, and
/// hustles unprofitable at the horizon.
#[test]
fn owner_and_ends_agree() {
    agree(&[
        (
            "service: quitting and burnout",
            r#"
name = "service"
horizon_months = 24
[setup]
months = 1
hours = 30
[acquisition]
rate = "2 to 8"
growth = 0.02
[churn]
monthly = 0.3
[pricing]
one_time = 250
[costs]
fixed_monthly = 50
[effort]
fixed_hours_monthly = 10
hours_per_new_customer = 15
# A month with 3 new customers nets 700 for 55 hours: it extends both
# streaks, so two in a row complete both (abandoned); fewer new customers
# extend the quit streak, more the burnout streak.
[owner]
quit_below_net = 800
quit_after_months = 2
burnout_hours_monthly = 50
burnout_after_months = 2
hourly_value = 30
[semi_passive]
min_net_monthly = 300
max_hours_monthly = 60
sustain_months = 2
"#,
        ),
        (
            "bans during and after setup, shocks, unprofitable",
            r#"
name = "bans"
horizon_months = 36
[setup]
months = 4
hours = 80
cost = 3000
[acquisition]
rate = 8
growth = 0.1
[churn]
model = "sbg"
alpha = 2
beta = 3
[pricing]
monthly = 15
one_time = 10
[costs]
fixed_monthly = 30
per_customer_monthly = 1
[effort]
fixed_hours_monthly = 4
hours_per_customer_monthly = 0.1
[platform]
fee = 0.15
fee_hike_probability = 0.05
fee_hike = 0.05
policy_shock_probability = 0.15
policy_shock_loss = 0.3
ban_probability = 0.06
[owner]
quit_after_months = 0
[semi_passive]
min_net_monthly = 200
max_hours_monthly = 30
sustain_months = 3
"#,
        ),
    ]);
}

/// Long horizons: 100 months (the fast simulator renews cohorts in blocks
/// of 64, so months 66 on have a second block) and the constant-churn
/// business of `tests/closed_forms.rs` (Poisson 50 a month, churn 8 %, 60
/// months, about 600 customers).
#[test]
fn long_horizons_agree() {
    agree(&[
        (
            "100 months",
            r#"
name = "long"
horizon_months = 100
[setup]
months = 0
[acquisition]
rate = 6
[churn]
monthly = 0.03
[pricing]
monthly = 4
[competition]
entry_rate = 0.05
churn_increase = 0.01
[owner]
quit_after_months = 0
"#,
        ),
        (
            "constant churn, Poisson 50, 60 months",
            r#"
name = "closed form"
horizon_months = 60
[setup]
months = 0
[acquisition]
rate = 50
[churn]
monthly = 0.08
[owner]
quit_after_months = 0
"#,
        ),
    ]);
}

/// The owner's hours, rework, passivity and correlations: every key at
/// once (the owner's-hours data file: capacity and rework both uncertain
/// and correlated, month 1 carrying the setup hours, a passivity limit);
/// Bass under a capacity (declined adopters still use up the market) with
/// rework, quitting and bans; capacity decided by exact ties (whole hours)
/// and by upkeep and rework alone exceeding it; and customers that cost no
/// hours, all accepted whatever the capacity.
#[test]
fn owner_hours_agree() {
    agree(&[
        (
            "every owner's hours key",
            include_str!("data/owner-hours.toml"),
        ),
        (
            "bass under a capacity, rework, quitting and bans",
            r#"
name = "bass capacity"
horizon_months = 24
[setup]
months = 2
hours = 40
cost = 300
[acquisition]
model = "bass"
market_size = 400
innovation = 0.03
imitation = 0.5
[churn]
monthly = 0.04
[pricing]
monthly = 15
one_time = 20
[costs]
fixed_monthly = 30
[effort]
fixed_hours_monthly = 6
hours_per_customer_monthly = 0.15
hours_per_new_customer = 1.5
automation_monthly = 0.03
rework_probability = { dist = "uniform", min = 0.05, max = 0.4 }
rework_hours = 10
[platform]
ban_probability = 0.02
[owner]
capacity_hours_monthly = "30 to 70"
quit_below_net = 50
quit_after_months = 4
hourly_value = "10 to 40"
[semi_passive]
min_net_monthly = 400
max_hours_monthly = 45
min_passivity = 0.3
sustain_months = 2
"#,
        ),
        (
            "exact ties and committed hours over the capacity",
            r#"
name = "ties"
horizon_months = 18
[setup]
months = 1
[acquisition]
rate = 6
[churn]
monthly = 0.5
[pricing]
one_time = 100
[effort]
fixed_hours_monthly = 10
hours_per_new_customer = 5
rework_probability = 0.3
rework_hours = 25
[owner]
capacity_hours_monthly = 30
quit_after_months = 0
hourly_value = 20
[semi_passive]
min_net_monthly = 100
min_passivity = 0.4
"#,
        ),
        (
            "customers that cost no hours",
            r#"
name = "no hours per customer"
horizon_months = 12
[setup]
months = 0
[acquisition]
rate = "2 to 9"
[churn]
monthly = 0.2
[pricing]
monthly = 10
[effort]
fixed_hours_monthly = 8
[owner]
capacity_hours_monthly = 5
quit_after_months = 0
"#,
        ),
    ]);
}

/// The reference draws trajectory i's parameters exactly as the fast
/// simulator does: with the same seed, a hustle whose months depend only
/// on its parameters (no customers, competitors or platform events) gives
/// the same figures and outcome in both, and on a library scenario every
/// trajectory has the same clamped parameters and hourly value.
#[test]
fn parameters_are_the_fast_simulators() {
    let deterministic = model(
        r#"
name = "parameters only"
horizon_months = 12
[setup]
months = 2
hours = "10 to 60"
cost = { dist = "normal", mean = 200, sd = 300 }
[costs]
fixed_monthly = "5 to 40"
[effort]
fixed_hours_monthly = { dist = "triangular", min = 0, mode = 3, max = 12 }
[owner]
quit_below_net = { dist = "uniform", min = -50, max = 0 }
quit_after_months = 3
burnout_hours_monthly = "2 to 12"
burnout_after_months = 2
hourly_value = "10 to 50"
[semi_passive]
min_net_monthly = { dist = "uniform", min = -30, max = 0 }
max_hours_monthly = "2 to 10"
sustain_months = 2
"#,
    );
    let cm = CompiledModel::new(&deterministic);
    let h = cm.horizon();
    let mut scratch = Scratch::new(h);
    let (mut a, mut b) = (Path::new(h), Path::new(h));
    let mut ended = 0;
    for i in 0..2_000 {
        let oa = hustle_sim::sim::simulate(&cm, 3, i, &mut scratch, &mut a);
        let ob = reference::simulate(&cm, 3, i, &mut b);
        for (x, y) in a.data().iter().zip(b.data()) {
            assert!((x - y).abs() <= tolerance(*x), "trajectory {i}: {x} vs {y}");
        }
        assert_eq!(oa.failure, ob.failure, "trajectory {i}");
        assert_eq!(
            oa.semi_passive_month, ob.semi_passive_month,
            "trajectory {i}"
        );
        assert_eq!(oa.break_even_month, ob.break_even_month, "trajectory {i}");
        assert_eq!(oa.qualifying, ob.qualifying, "trajectory {i}");
        assert_eq!(oa.hourly_value, ob.hourly_value, "trajectory {i}");
        assert_eq!(oa.clamped, ob.clamped, "trajectory {i}");
        ended += usize::from(oa.failure.is_some());
    }
    assert!(
        ended > 0,
        "no trajectory ended: the outcomes were not tested"
    );

    // Rework certain every month (from the fast simulator's waiting times
    // and the reference's monthly draws alike), its hours correlated with
    // the setup's: the same figures in both.
    let certain = model(
        r#"
name = "certain rework"
horizon_months = 10
[setup]
months = 1
hours = "10 to 60"
[costs]
fixed_monthly = 5
[effort]
fixed_hours_monthly = 2
rework_probability = 1
rework_hours = { dist = "uniform", min = 1, max = 9 }
[owner]
quit_after_months = 0
capacity_hours_monthly = 40
hourly_value = 10
[[correlation]]
params = ["setup.hours", "effort.rework_hours"]
rank = 0.7
"#,
    );
    let cm = CompiledModel::new(&certain);
    let h = cm.horizon();
    let mut scratch = Scratch::new(h);
    let (mut a, mut b) = (Path::new(h), Path::new(h));
    for i in 0..500 {
        let oa = hustle_sim::sim::simulate(&cm, 6, i, &mut scratch, &mut a);
        let ob = reference::simulate(&cm, 6, i, &mut b);
        for (x, y) in a.data().iter().zip(b.data()) {
            assert!((x - y).abs() <= tolerance(*x), "trajectory {i}: {x} vs {y}");
        }
        let rework = cm
            .draw_params(6, i)
            .get(hustle_sim::scenario::keys::Param::ReworkHours);
        assert_eq!(a.get(Metric::Hours, 2), 2.0 + rework, "trajectory {i}");
        assert_eq!((oa.failure, oa.qualifying), (ob.failure, ob.qualifying));
    }

    let (_, library_model) = library().swap_remove(0);
    let cm = CompiledModel::new(&library_model);
    let h = cm.horizon();
    let mut scratch = Scratch::new(h);
    let (mut a, mut b) = (Path::new(h), Path::new(h));
    for i in 0..2_000 {
        let oa = hustle_sim::sim::simulate(&cm, 4, i, &mut scratch, &mut a);
        let ob = reference::simulate(&cm, 4, i, &mut b);
        assert_eq!(
            (oa.clamped, oa.hourly_value),
            (ob.clamped, ob.hourly_value),
            "trajectory {i}"
        );
    }
}
