//! The owner's hours, rework and passivity (docs/model.md, One trajectory,
//! step 4): a scenario without them simulates and reports exactly what it
//! did before they existed, and with them the simulator meets their closed
//! forms and figures worked out by hand.
//!
//! Tolerance: statistical checks allow 5 standard errors of the simulated
//! statistic (a correct simulator misses a 5-SE band with probability
//! about 6e-7 per comparison); the seeds are fixed, so the tests are
//! deterministic. Hand-worked figures and "nothing changed" checks are
//! exact.

mod common;

use common::{mean_var, model, run, summary, trajectories};
use hustle_sim::Scenario;
use hustle_sim::model::{Model, Origin};
use hustle_sim::report::Summary;
use hustle_sim::scenario::keys::Param;
use hustle_sim::sim::{FailureCause, Metric, Outcome, Path};
use serde_json::Value;

const K_SE: f64 = 5.0;

/// The base metrics, those every run reports.
const BASE: [Metric; 8] = [
    Metric::NetIncome,
    Metric::GrossRevenue,
    Metric::Customers,
    Metric::NewCustomers,
    Metric::Hours,
    Metric::CumulativeNet,
    Metric::Competitors,
    Metric::PlatformFee,
];

/// A summary as JSON without its timing, and without the fields only a
/// scenario with the owner's hours keys reports.
fn base_fields(s: &Summary) -> Value {
    let mut v: Value = serde_json::from_slice(&s.to_json()).unwrap();
    let o = v.as_object_mut().unwrap();
    for k in [
        "elapsed_seconds",
        "trajectories_per_second",
        "passivity",
        "correlation",
    ] {
        o.remove(k);
    }
    for k in ["passivity", "declined_customers"] {
        o["series"].as_object_mut().unwrap().remove(k);
    }
    o["semi_passive"]
        .as_object_mut()
        .unwrap()
        .remove("at_horizon");
    v
}

/// The scenario text with every owner's hours key at a value that changes
/// nothing: a capacity of 1e9 hours, rework of chance 0 (but hours 5), a
/// passivity limit of 0 where the section and an hourly value above 0
/// allow it, and a correlation of rank 0 between the first two uncertain
/// parameters when there are two.
fn with_neutral_keys(text: &str) -> Model {
    let plain = model(text);
    let uncertain: Vec<Param> = Param::ALL
        .into_iter()
        .filter(|&p| plain.origin(p) != Origin::Unused && !plain.param(p).is_fixed())
        .collect();
    let mut text = text.to_string();
    if let [a, b, ..] = uncertain[..] {
        text.push_str(&format!(
            "\n[[correlation]]\nparams = [\"{}\", \"{}\"]\nrank = 0\n",
            a.key(),
            b.key()
        ));
    }
    let mut s = Scenario::parse(&text, "neutral.toml", "neutral").unwrap();
    s.set("owner.capacity_hours_monthly=1e9").unwrap();
    s.set("effort.rework_probability=0").unwrap();
    s.set("effort.rework_hours=5").unwrap();
    let hourly_value_zero =
        *plain.param(Param::HourlyValue) == hustle_sim::scenario::uncertain::Uncertain::fixed(0.0);
    if plain.semi_passive_sustain_months.is_some() && !hourly_value_zero {
        s.set("semi_passive.min_passivity=0").unwrap();
    }
    let m = s.model().unwrap();
    assert!(m.uses_owner_hours_keys());
    m
}

/// The library's scenarios and the benchmark, by name.
fn library() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files.push(root.join("tests/data/bench.toml"));
    files
        .iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(p).unwrap())
        })
        .collect()
}

/// The scenario text without the owner's hours keys (keys 35 to 38) and
/// correlations: the library's scenarios as a scenario without them.
fn without_owner_hours_keys(text: &str) -> String {
    let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
    for (section, key) in [
        ("effort", "rework_probability"),
        ("effort", "rework_hours"),
        ("owner", "capacity_hours_monthly"),
        ("semi_passive", "min_passivity"),
    ] {
        if let Some(t) = doc.get_mut(section).and_then(|s| s.as_table_mut()) {
            t.remove(key);
        }
    }
    doc.remove("correlation");
    doc.to_string()
}

#[test]
fn neutral_owner_hours_keys_change_no_result_of_the_library() {
    // The library's scenarios use these keys; without them (their bars keep
    // a limit on hours), and then with every key at a neutral value, each
    // gives the same results.
    for (name, text) in library() {
        let text = without_owner_hours_keys(&text);
        let plain = model(&text);
        assert!(!plain.uses_owner_hours_keys(), "{name}");
        let neutral = with_neutral_keys(&text);
        let (a, b) = (summary(&plain, 3_000, 5), summary(&neutral, 3_000, 5));
        // A scenario without the keys reports none of their fields.
        let json: Value = serde_json::from_slice(&a.to_json()).unwrap();
        assert!(json.get("passivity").is_none() && json.get("correlation").is_none());
        assert!(json["series"].get("passivity").is_none());
        assert!(json["semi_passive"].get("at_horizon").is_none());
        assert!(
            base_fields(&a) == base_fields(&b),
            "{name}: neutral owner's hours keys changed a result"
        );
        // ... and with them, every month's declined customers are 0 and
        // the correlation of rank 0 is measured near 0.
        let b = serde_json::from_slice::<Value>(&b.to_json()).unwrap();
        for d in b["series"]["declined_customers"]["p95"].as_array().unwrap() {
            assert_eq!(d.as_f64(), Some(0.0), "{name}");
        }
    }
}

/// A small seeded generator of valid scenarios without the owner's hours
/// keys, spread over the model's forces.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// A value on lo..hi, written fixed or (a third of the time) as an
    /// uncertain 90 % interval or a uniform.
    fn value(&mut self, lo: f64, hi: f64) -> String {
        let x = lo + (hi - lo) * self.unit();
        let y = x + (hi - x) * self.unit();
        match self.next() % 6 {
            0 if x > 0.0 && y > x => format!("\"{x} to {y}\""),
            1 if y > x => format!("{{ dist = \"uniform\", min = {x}, max = {y} }}"),
            _ => format!("{x}"),
        }
    }

    fn scenario(&mut self) -> String {
        let h = 3 + self.next() % 34;
        let setup = self.next() % 3.min(h);
        let mut t = format!("name = \"generated\"\nhorizon_months = {h}\n");
        t += &format!(
            "[setup]\nmonths = {setup}\nhours = {}\ncost = {}\n",
            self.value(0.0, 80.0),
            self.value(0.0, 800.0)
        );
        if self.chance(0.7) {
            t += &format!(
                "[acquisition]\nrate = {}\ngrowth = {}\n",
                self.value(0.0, 25.0),
                self.value(-0.05, 0.08)
            );
        } else {
            t += &format!(
                "[acquisition]\nmodel = \"bass\"\nmarket_size = {}\ninnovation = {}\nimitation = {}\n",
                self.value(20.0, 3000.0),
                self.value(0.0, 0.1),
                self.value(0.0, 0.8)
            );
        }
        if self.chance(0.5) {
            t += &format!("[churn]\nmonthly = {}\n", self.value(0.0, 0.3));
        } else {
            t += &format!(
                "[churn]\nmodel = \"sbg\"\nalpha = {}\nbeta = {}\n",
                self.value(0.3, 3.0),
                self.value(1.0, 20.0)
            );
        }
        t += &format!(
            "[pricing]\nmonthly = {}\none_time = {}\n[costs]\nfixed_monthly = {}\nper_customer_monthly = {}\n",
            self.value(0.0, 90.0),
            self.value(0.0, 150.0),
            self.value(0.0, 150.0),
            self.value(0.0, 3.0)
        );
        t += &format!(
            "[effort]\nfixed_hours_monthly = {}\nhours_per_customer_monthly = {}\nhours_per_new_customer = {}\nautomation_monthly = {}\n",
            self.value(0.0, 20.0),
            self.value(0.0, 1.0),
            self.value(0.0, 3.0),
            self.value(0.0, 0.1)
        );
        if self.chance(0.5) {
            t += &format!(
                "[competition]\nentry_rate = {}\ncopycat_rate = {}\nacquisition_loss = {}\nprice_erosion = {}\nchurn_increase = {}\n",
                self.value(0.0, 1.0),
                self.value(0.0, 1.0),
                self.value(0.0, 0.1),
                self.value(0.0, 0.05),
                self.value(0.0, 0.02)
            );
        }
        if self.chance(0.5) {
            t += &format!(
                "[platform]\nfee = {}\nfee_hike_probability = {}\nfee_hike = {}\npolicy_shock_probability = {}\npolicy_shock_loss = {}\nban_probability = {}\n",
                self.value(0.0, 0.3),
                self.value(0.0, 0.05),
                self.value(0.0, 0.1),
                self.value(0.0, 0.05),
                self.value(0.0, 0.4),
                self.value(0.0, 0.03)
            );
        }
        t += &format!(
            "[owner]\nquit_below_net = {}\nquit_after_months = {}\nhourly_value = {}\n",
            self.value(-100.0, 300.0),
            self.next() % 7,
            self.value(0.0, 50.0)
        );
        if self.chance(0.5) {
            t += &format!(
                "burnout_hours_monthly = {}\nburnout_after_months = {}\n",
                self.value(10.0, 150.0),
                1 + self.next() % 4
            );
        }
        if self.chance(0.6) {
            t += &format!(
                "[semi_passive]\nmin_net_monthly = {}\nmax_hours_monthly = {}\nsustain_months = {}\n",
                self.value(-50.0, 1500.0),
                self.value(0.0, 60.0),
                1 + self.next() % 4
            );
        }
        t
    }
}

/// Every base figure and every outcome field, bit for bit.
fn same_trajectory(a: &(Path, Outcome), b: &(Path, Outcome)) -> bool {
    let bits = |p: &Path| -> Vec<u64> {
        BASE.iter()
            .flat_map(|&m| p.row(m).iter().map(|x| x.to_bits()))
            .collect()
    };
    let (oa, ob) = (&a.1, &b.1);
    bits(&a.0) == bits(&b.0)
        && oa.failure == ob.failure
        && oa.semi_passive_month == ob.semi_passive_month
        && oa.break_even_month == ob.break_even_month
        && oa.cumulative_net.to_bits() == ob.cumulative_net.to_bits()
        && oa.cumulative_hours.to_bits() == ob.cumulative_hours.to_bits()
        && oa.hourly_value.to_bits() == ob.hourly_value.to_bits()
        && oa.qualifying == ob.qualifying
        && oa.clamped == ob.clamped
}

#[test]
fn neutral_owner_hours_keys_change_no_trajectory_of_generated_scenarios() {
    let mut generator = Gen(2024);
    let mut correlated = 0;
    for case in 0..150 {
        let text = generator.scenario();
        let Ok(plain) = Scenario::parse(&text, "g.toml", "g").and_then(|s| s.model()) else {
            panic!("generated scenario {case} is invalid:\n{text}");
        };
        let neutral = with_neutral_keys(&text);
        correlated += usize::from(!neutral.correlations.is_empty());
        let a = trajectories(&plain, 300, case);
        let b = trajectories(&neutral, 300, case);
        for (i, (x, y)) in a.zip(b).enumerate() {
            assert!(
                same_trajectory(&x, &y),
                "scenario {case}, trajectory {i} changed:\n{text}"
            );
        }
    }
    assert!(
        correlated >= 50,
        "only {correlated} scenarios had a correlation"
    );
}

/// P(N = j) for N ~ Poisson(lambda), j = 0..=m.
fn poisson_pmf(lambda: f64, m: usize) -> Vec<f64> {
    let mut p = vec![(-lambda).exp()];
    for j in 1..=m {
        p.push(p[j - 1] * lambda / j as f64);
    }
    p
}

#[test]
fn capacity_accepts_a_truncated_poisson() {
    // Only onboarding hours: committed = 0 and marginal = 2 hours, so with
    // a capacity of 8 hours the owner accepts min(N, 4) of N ~ Poisson(5)
    // new customers (the 4th exactly fills the month: a tie, accepted).
    // Every customer leaves after a month, so months are independent.
    let (lambda, m) = (5.0, 4usize);
    let text = "name = \"capacity\"\nhorizon_months = 12\n[setup]\nmonths = 0\n\
                [acquisition]\nrate = 5\n[churn]\nmonthly = 1\n\
                [effort]\nhours_per_new_customer = 2\n\
                [owner]\ncapacity_hours_monthly = 8\nquit_after_months = 0\n";
    let pmf = poisson_pmf(lambda, m);
    let below: f64 = pmf[..m].iter().sum();
    // E[min(N, m)] and E[min(N, m)^2], exactly.
    let mean: f64 = (0..m).map(|j| j as f64 * pmf[j]).sum::<f64>() + m as f64 * (1.0 - below);
    let square: f64 =
        (0..m).map(|j| (j * j) as f64 * pmf[j]).sum::<f64>() + (m * m) as f64 * (1.0 - below);
    let var = square - mean * mean;
    let n = 40_000;
    let mut accepted = vec![Vec::new(); 12];
    let mut declined = vec![Vec::new(); 12];
    for (path, _) in trajectories(&model(text), n as u64, 3) {
        for t in 1..=12 {
            accepted[t - 1].push(path.get(Metric::NewCustomers, t));
            declined[t - 1].push(path.get(Metric::DeclinedCustomers, t));
            assert!(path.get(Metric::Hours, t) <= 8.0);
        }
    }
    for t in 0..12 {
        let (got, _) = mean_var(&accepted[t]);
        let se = (var / n as f64).sqrt();
        assert!(
            (got - mean).abs() < K_SE * se,
            "month {}: mean accepted {got:.4} vs E[min(N, 4)] = {mean:.4} (SE {se:.4})",
            t + 1
        );
        // The share of full months is P(N >= 4).
        let full = accepted[t].iter().filter(|&&a| a == m as f64).count() as f64 / n as f64;
        let se = ((1.0 - below) * below / n as f64).sqrt();
        assert!((full - (1.0 - below)).abs() < K_SE * se, "month {}", t + 1);
        // Declined = N - accepted: mean lambda - E[min(N, 4)].
        let (got, var_d) = mean_var(&declined[t]);
        let se = (var_d / n as f64).sqrt();
        assert!(
            (got - (lambda - mean)).abs() < K_SE * se,
            "month {}: mean declined {got:.4} vs {:.4}",
            t + 1,
            lambda - mean
        );
    }
}

#[test]
fn rework_adds_its_hours_in_a_share_p_of_running_launched_months() {
    // The same hustle with and without rework, paired by seed: rework
    // draws from a stream of its own, so every other figure is the same bit
    // for bit, and each month's hours differ by 0 or by the trajectory's
    // rework hours (drawn from 4 to 12), in a share p = 0.2 of the launched
    // months of a running hustle: never in setup months, never after an
    // end (bans end some hustles).
    let base = "name = \"rework\"\nhorizon_months = 18\n[setup]\nmonths = 2\nhours = 30\n\
                [acquisition]\nrate = 6\n[churn]\nmonthly = 0.1\n[pricing]\nmonthly = 20\n\
                [effort]\nfixed_hours_monthly = 5\nhours_per_customer_monthly = 0.5\n\
                [platform]\nban_probability = 0.03\n[owner]\nquit_after_months = 0\n";
    let with = base.replace(
        "hours_per_customer_monthly = 0.5\n",
        "hours_per_customer_monthly = 0.5\nrework_probability = 0.2\nrework_hours = \"4 to 12\"\n",
    );
    let (plain, rework) = (model(base), model(&with));
    let n = 30_000u64;
    let p = 0.2;
    let (mut months, mut reworked, mut both, mut pairs) = (0u64, 0u64, 0u64, 0u64);
    // Hours added over all running launched months: observed, expected
    // (p times each month's rework hours) and the variance of the sum.
    let (mut added, mut expected, mut variance) = (0.0, 0.0, 0.0);
    let drawn = hustle_sim::sim::CompiledModel::new(&rework);
    for (i, (a, b)) in trajectories(&plain, n, 9)
        .zip(trajectories(&rework, n, 9))
        .enumerate()
    {
        let hours = drawn.draw_params(9, i as u64).get(Param::ReworkHours);
        let mut last = false;
        for t in 1..=18 {
            let diff = b.0.get(Metric::Hours, t) - a.0.get(Metric::Hours, t);
            for m in BASE.iter().filter(|&&m| m != Metric::Hours) {
                assert_eq!(a.0.get(*m, t), b.0.get(*m, t), "trajectory {i} month {t}");
            }
            // Launched in month 3; only a ban ends these hustles before the
            // horizon, and its month is no longer running.
            let banned =
                matches!(a.1.failure, Some((FailureCause::Deplatformed, end)) if end as usize <= t);
            let running = t >= 3 && !banned;
            if !running {
                assert_eq!(
                    diff, 0.0,
                    "trajectory {i} month {t}: rework outside a running month"
                );
                last = false;
                continue;
            }
            let now = diff != 0.0;
            if now {
                assert!(
                    (diff - hours).abs() <= 1e-9 * hours,
                    "trajectory {i} month {t}: {diff} vs {hours}"
                );
            }
            added += diff;
            expected += p * hours;
            variance += p * (1.0 - p) * hours * hours;
            months += 1;
            reworked += u64::from(now);
            if t > 3 {
                pairs += 1;
                both += u64::from(now && last);
            }
            last = now;
        }
    }
    let share = reworked as f64 / months as f64;
    let se = (p * (1.0 - p) / months as f64).sqrt();
    assert!(
        (share - p).abs() < K_SE * se,
        "share of reworked months {share:.5} vs {p}"
    );
    // Independent months: two in a row with chance p^2.
    let share = both as f64 / pairs as f64;
    let se = (p * p * (1.0 - p * p) / pairs as f64).sqrt();
    assert!(
        (share - p * p).abs() < K_SE * se,
        "reworked twice in a row {share:.5} vs {}",
        p * p
    );
    // Mean hours rise by p times the rework hours.
    let se = variance.sqrt();
    assert!(
        (added - expected).abs() < K_SE * se,
        "rework added {added:.1} hours, expected {expected:.1} (SE {se:.1})"
    );
}

/// A hustle whose every figure is fixed: 10 people in the market, all of
/// whom adopt in month 1 (Bass with p = 1), none of whom leaves, at 100 a
/// month with fixed costs of 200; upkeep 10 hours a month, 1 hour per
/// customer, 2 per new customer; an hour is worth 20. The owner gives at
/// most `capacity` hours.
fn by_hand(capacity: &str, setup_hours: f64) -> String {
    format!(
        "name = \"by hand\"\nhorizon_months = 6\n[setup]\nmonths = 0\nhours = {setup_hours}\n\
         [acquisition]\nmodel = \"bass\"\nmarket_size = 10\ninnovation = 1\nimitation = 0\n\
         [pricing]\nmonthly = 100\n[costs]\nfixed_monthly = 200\n\
         [effort]\nfixed_hours_monthly = 10\nhours_per_customer_monthly = 1\nhours_per_new_customer = 2\n\
         [owner]\nhourly_value = 20\nquit_after_months = 0\n{capacity}\n\
         [semi_passive]\nmin_net_monthly = 0\nmin_passivity = 0.5\nsustain_months = 3\n"
    )
}

fn stats(s: &Summary, m: Metric) -> Vec<f64> {
    s.series.metric(m).expect("the run reports it").mean.clone()
}

#[test]
fn passivity_and_capacity_by_hand() {
    // Without a capacity: month 1 wins all 10 (10 + 10 + 20 = 40 hours,
    // gross 1,000, net 800, passivity 1 - 20 x 40 / 800 = 0); later months
    // take 10 + 10 = 20 hours for the same 800: passivity 1 - 400 / 800 =
    // 0.5, which qualifies (net >= 0, passivity >= 0.5) from month 2, so
    // income is semi-passive in month 4.
    let s = summary(&model(&by_hand("", 0.0)), 50, 1);
    assert_eq!(
        stats(&s, Metric::NewCustomers),
        [10.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(stats(&s, Metric::DeclinedCustomers), [0.0; 6]);
    assert_eq!(
        stats(&s, Metric::Hours),
        [40.0, 20.0, 20.0, 20.0, 20.0, 20.0]
    );
    assert_eq!(stats(&s, Metric::Passivity), [0.0, 0.5, 0.5, 0.5, 0.5, 0.5]);
    let p = s.passivity.as_ref().unwrap();
    assert_eq!(p.share_by_month, [0.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
    assert_eq!(
        (p.month.p25, p.month.p50, p.month.p75),
        (Some(2), Some(2), Some(2))
    );
    assert_eq!(
        s.semi_passive.share_by_month,
        [0.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    );
    assert_eq!(s.semi_passive.month.p50, Some(4));
    assert_eq!(s.semi_passive.at_horizon, Some(1.0));

    // A capacity of 30 hours: committed = 10 in month 1 and marginal =
    // 2 + 1 = 3, so the owner accepts the largest j with 10 + 3 j <= 30,
    // j = 6 (28 hours), and declines 4, who are gone from the market for
    // good. Month 1: gross 600, net 400, passivity 1 - 20 x 28 / 400 = 0;
    // later months: 10 + 6 = 16 hours for 400, passivity 1 - 320 / 400 =
    // 0.2 (not passive: no semi-passive month).
    let s = summary(&model(&by_hand("capacity_hours_monthly = 30", 0.0)), 50, 1);
    assert_eq!(
        stats(&s, Metric::NewCustomers),
        [6.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(
        stats(&s, Metric::DeclinedCustomers),
        [4.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(stats(&s, Metric::Customers), [6.0; 6]);
    assert_eq!(
        stats(&s, Metric::Hours),
        [28.0, 16.0, 16.0, 16.0, 16.0, 16.0]
    );
    assert_eq!(stats(&s, Metric::NetIncome), [400.0; 6]);
    let pas = stats(&s, Metric::Passivity);
    assert_eq!(pas[0], 0.0);
    for &x in &pas[1..] {
        assert!((x - 0.2).abs() < 1e-15, "{x}");
    }
    assert_eq!(s.passivity.as_ref().unwrap().month.p25, None);
    assert_eq!(s.semi_passive.probability, 0.0);
    assert_eq!(s.semi_passive.at_horizon, Some(0.0));

    // 31 hours: 10 + 3 x 7 = 31 exactly, a tie, accepted.
    let s = summary(&model(&by_hand("capacity_hours_monthly = 31", 0.0)), 50, 1);
    assert_eq!(stats(&s, Metric::NewCustomers)[0], 7.0);
    assert_eq!(stats(&s, Metric::DeclinedCustomers)[0], 3.0);

    // Setup hours in month 1 (no setup months) count as committed: 12 of
    // them leave 30 - 22 = 8 hours, 2 customers (6 hours); month 1 works
    // 22 + 6 = 28 hours. And 25 of them exceed the capacity alone: no one
    // is accepted, and nobody is dropped either (there is no one yet).
    let s = summary(&model(&by_hand("capacity_hours_monthly = 30", 12.0)), 50, 1);
    assert_eq!(stats(&s, Metric::NewCustomers)[0], 2.0);
    assert_eq!(stats(&s, Metric::Hours)[0], 28.0);
    let s = summary(&model(&by_hand("capacity_hours_monthly = 30", 25.0)), 50, 1);
    assert_eq!(stats(&s, Metric::NewCustomers)[0], 0.0);
    assert_eq!(stats(&s, Metric::DeclinedCustomers)[0], 10.0);
    assert_eq!(stats(&s, Metric::Customers), [0.0; 6]);
}

#[test]
fn passivity_is_zero_without_a_positive_net_and_outside_running_months() {
    // Net below 0 (costs over revenue), a setup month, and months after a
    // ban (certain in month 4): passivity 0 in each.
    let text = "name = \"zero\"\nhorizon_months = 6\n[setup]\nmonths = 1\ncost = 100\n\
                [acquisition]\nmodel = \"bass\"\nmarket_size = 10\ninnovation = 1\nimitation = 0\n\
                [pricing]\nmonthly = 10\n[costs]\nfixed_monthly = 150\n\
                [effort]\nrework_probability = 0.5\nrework_hours = 3\n[owner]\nhourly_value = 5\nquit_after_months = 0\n";
    let s = summary(&model(text), 50, 1);
    assert_eq!(stats(&s, Metric::Passivity), [0.0; 6]);
    let text = text.replace("fixed_monthly = 150", "fixed_monthly = 50");
    // Net 50 for 0 hours (plus any rework): passivity 1 without rework, and
    // 1 - 5 x 3 / 50 = 0.7 with.
    let r = run(&model(&text), 2_000, 1, None);
    let s = Summary::from_run(&r, "zero.toml");
    let pas = stats(&s, Metric::Passivity);
    assert_eq!(pas[0], 0.0);
    for (t, &x) in pas.iter().enumerate().skip(1) {
        assert!((0.7..=1.0).contains(&x), "month {}: {x}", t + 1);
        let p5 = s.series.metric(Metric::Passivity).unwrap().p5[t];
        assert!((p5 - 0.7).abs() < 1e-12, "month {}: p5 {p5}", t + 1);
    }
}

#[test]
fn only_scenarios_with_the_owner_hours_keys_report_their_fields() {
    let text = include_str!("data/owner-hours.toml");
    let r = run(&model(text), 3_000, 2, None);
    assert_eq!(r.metrics().len(), 10);
    let json: Value = serde_json::from_slice(&Summary::from_run(&r, "o.toml").to_json()).unwrap();
    for stat in ["mean", "sd", "p5", "p25", "p50", "p75", "p95"] {
        for series in ["passivity", "declined_customers"] {
            assert_eq!(json["series"][series][stat].as_array().unwrap().len(), 24);
        }
    }
    assert!(json["semi_passive"]["at_horizon"].is_f64());
    assert!(json["passivity"]["month"].get("p50").is_some());
    let correlation = json["correlation"].as_array().unwrap();
    assert_eq!(correlation.len(), 2);
    assert_eq!(correlation[1]["params"][0], "effort.rework_hours");
    assert_eq!(correlation[1]["rank"], -0.5);
    let csv = String::from_utf8(Summary::from_run(&r, "o.toml").percentiles_csv()).unwrap();
    assert_eq!(
        csv.lines().filter(|l| l.contains(",passivity,")).count(),
        24
    );
    assert_eq!(
        csv.lines()
            .filter(|l| l.contains(",declined_customers,"))
            .count(),
        24
    );
}
