//! Every uncertain-parameter form, drawn through a trajectory's parameter
//! stream, against its CDF (statrs) with a one-sample Kolmogorov-Smirnov
//! test.
//!
//! Critical value: the asymptotic Kolmogorov distribution gives
//! P(sqrt(n) D > x) ~ 2 exp(-2 x^2); x = 2.694 makes that 1e-6, so a correct
//! sampler fails a test in about one run in a million, and the fixed seed
//! makes each run deterministic.

mod common;

use common::model;
use hustle_sim::scenario::keys::Param;
use hustle_sim::sim::CompiledModel;
use statrs::distribution::{Beta, ContinuousCDF, LogNormal, Normal, Triangular, Uniform};

const N: u64 = 20_000;
const KS_X: f64 = 2.694;

fn draws(value: &str, key: &str, param: Param, seed: u64) -> Vec<f64> {
    let (section, leaf) = key.split_once('.').unwrap();
    let m = model(&format!("name = \"ks\"\n[{section}]\n{leaf} = {value}\n"));
    let cm = CompiledModel::new(&m);
    let mut v: Vec<f64> = (0..N)
        .map(|i| cm.draw_params(seed, i).values[param as usize])
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

fn ks(sorted: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max)
}

fn assert_ks(name: &str, sorted: &[f64], cdf: impl Fn(f64) -> f64) {
    let d = ks(sorted, cdf);
    let crit = KS_X / (sorted.len() as f64).sqrt();
    assert!(d < crit, "{name}: KS D = {d:.5} >= critical {crit:.5}");
}

const Z95: f64 = 1.644_853_626_951_472_2;

#[test]
fn interval_with_positive_ends_is_lognormal() {
    let v = draws(
        "\"20 to 40\"",
        "acquisition.rate",
        Param::AcquisitionRate,
        1,
    );
    let (l20, l40) = (20f64.ln(), 40f64.ln());
    let d = LogNormal::new((l20 + l40) / 2.0, (l40 - l20) / (2.0 * Z95)).unwrap();
    assert_ks("\"20 to 40\"", &v, |x| d.cdf(x));
    // 5 % below a, 5 % above b: within 5 binomial SEs (sqrt(.05 .95 / n)).
    let se = (0.05f64 * 0.95 / N as f64).sqrt();
    let below = v.iter().filter(|&&x| x < 20.0).count() as f64 / N as f64;
    let above = v.iter().filter(|&&x| x > 40.0).count() as f64 / N as f64;
    assert!((below - 0.05).abs() < 5.0 * se, "below a: {below}");
    assert!((above - 0.05).abs() < 5.0 * se, "above b: {above}");
}

#[test]
fn interval_with_a_nonpositive_end_is_normal() {
    let v = draws(
        "\"-50 to 100\"",
        "owner.quit_below_net",
        Param::QuitBelowNet,
        2,
    );
    let d = Normal::new(25.0, 150.0 / (2.0 * Z95)).unwrap();
    assert_ks("\"-50 to 100\"", &v, |x| d.cdf(x));
    let se = (0.05f64 * 0.95 / N as f64).sqrt();
    let below = v.iter().filter(|&&x| x < -50.0).count() as f64 / N as f64;
    let above = v.iter().filter(|&&x| x > 100.0).count() as f64 / N as f64;
    assert!((below - 0.05).abs() < 5.0 * se && (above - 0.05).abs() < 5.0 * se);
}

#[test]
fn uniform() {
    let v = draws(
        "{ dist = \"uniform\", min = 20, max = 40 }",
        "acquisition.rate",
        Param::AcquisitionRate,
        3,
    );
    let d = Uniform::new(20.0, 40.0).unwrap();
    assert_ks("uniform", &v, |x| d.cdf(x));
}

#[test]
fn triangular() {
    let v = draws(
        "{ dist = \"triangular\", min = 10, mode = 30, max = 60 }",
        "acquisition.rate",
        Param::AcquisitionRate,
        4,
    );
    let d = Triangular::new(10.0, 60.0, 30.0).unwrap();
    assert_ks("triangular", &v, |x| d.cdf(x));
}

#[test]
fn pert_is_a_scaled_beta_with_shape_four() {
    let v = draws(
        "{ dist = \"pert\", min = 10, mode = 30, max = 60 }",
        "acquisition.rate",
        Param::AcquisitionRate,
        5,
    );
    // Beta(1 + 4 (30 - 10) / 50, 1 + 4 (60 - 30) / 50) = Beta(2.6, 3.4) on 10..60.
    let d = Beta::new(2.6, 3.4).unwrap();
    assert_ks("pert", &v, |x| d.cdf((x - 10.0) / 50.0));
}

#[test]
fn normal() {
    let v = draws(
        "{ dist = \"normal\", mean = 30, sd = 5 }",
        "acquisition.rate",
        Param::AcquisitionRate,
        6,
    );
    let d = Normal::new(30.0, 5.0).unwrap();
    assert_ks("normal", &v, |x| d.cdf(x));
}

#[test]
fn lognormal_by_median_and_p95() {
    let v = draws(
        "{ dist = \"lognormal\", median = 30, p95 = 60 }",
        "acquisition.rate",
        Param::AcquisitionRate,
        7,
    );
    let d = LogNormal::new(30f64.ln(), (60f64.ln() - 30f64.ln()) / Z95).unwrap();
    assert_ks("lognormal", &v, |x| d.cdf(x));
}

#[test]
fn beta() {
    let v = draws(
        "{ dist = \"beta\", alpha = 2, beta = 30 }",
        "churn.monthly",
        Param::ChurnMonthly,
        8,
    );
    let d = Beta::new(2.0, 30.0).unwrap();
    assert_ks("beta", &v, |x| d.cdf(x));
}

#[test]
fn clamped_draws_are_counted_and_land_on_the_bound() {
    // Normal(0.05, 0.05) for a share in 0..=1: P(x < 0) = Phi(-1) = 0.1587.
    let m =
        model("name = \"c\"\n[churn]\nmonthly = { dist = \"normal\", mean = 0.05, sd = 0.05 }\n");
    let r = common::run(&m, N, 9, None);
    let clamped = r.tally.counts.clamped[Param::ChurnMonthly as usize] as f64 / N as f64;
    let p = 0.158_655_253_931_457;
    assert!(
        (clamped - p).abs() < 5.0 * (p * (1.0 - p) / N as f64).sqrt(),
        "{clamped}"
    );
    let cm = CompiledModel::new(&m);
    let vals: Vec<f64> = (0..1000)
        .map(|i| cm.draw_params(9, i).values[Param::ChurnMonthly as usize])
        .collect();
    assert!(vals.iter().all(|&x| (0.0..=1.0).contains(&x)));
    assert!(vals.contains(&0.0));
}

#[test]
fn clamp_chance_is_the_share_of_draws_clamped() {
    // `check` warns of clamping from this chance: each form against the
    // share of N draws the run clamps, within 5 binomial standard errors
    // (a correct chance misses with probability about 6e-7), and exactly 0
    // where no draw can leave the range.
    let cases = [
        (
            "churn.monthly",
            r#"{ dist = "normal", mean = 0.05, sd = 0.05 }"#,
        ),
        (
            "platform.fee",
            r#"{ dist = "uniform", min = -0.2, max = 0.6 }"#,
        ),
        (
            "acquisition.growth",
            r#"{ dist = "triangular", min = -1.5, mode = 0, max = 0.5 }"#,
        ),
        (
            "effort.automation_monthly",
            r#"{ dist = "lognormal", median = 0.5, p95 = 2 }"#,
        ),
        (
            "setup.hours",
            r#"{ dist = "pert", min = -10, mode = 20, max = 100 }"#,
        ),
        ("acquisition.growth", r#""-1.2 to 0.3""#),
        ("acquisition.rate", r#""2 to 10""#),
        (
            "pricing.monthly",
            r#"{ dist = "beta", alpha = 2, beta = 30 }"#,
        ),
    ];
    for (key, value) in cases {
        let param = Param::from_key(key).unwrap();
        let (section, leaf) = key.split_once('.').unwrap();
        let m = model(&format!("name = \"c\"\n[{section}]\n{leaf} = {value}\n"));
        let p = m.clamp_chance(param);
        let clamped = common::run(&m, N, 11, None).tally.counts.clamped[param as usize];
        let share = clamped as f64 / N as f64;
        if p == 0.0 {
            assert_eq!(clamped, 0, "{key} = {value}");
        } else {
            let se = (p * (1.0 - p) / N as f64).sqrt();
            assert!(
                (share - p).abs() < 5.0 * se,
                "{key} = {value}: {share} vs {p}"
            );
        }
    }
}

#[test]
fn parameter_draws_do_not_depend_on_other_parameters() {
    // Pinning or changing one parameter never shifts another's draw.
    let a = model("name = \"a\"\n[acquisition]\nrate = \"5 to 15\"\n[churn]\nmonthly = 0.05\n");
    let b = model(
        "name = \"b\"\n[acquisition]\nrate = \"5 to 15\"\n[churn]\nmonthly = \"0.01 to 0.2\"\n[pricing]\nmonthly = { dist = \"beta\", alpha = 2, beta = 3 }\n",
    );
    let (ca, cb) = (CompiledModel::new(&a), CompiledModel::new(&b));
    for i in 0..100 {
        let (pa, pb) = (ca.draw_params(3, i), cb.draw_params(3, i));
        assert_eq!(
            pa.values[Param::AcquisitionRate as usize],
            pb.values[Param::AcquisitionRate as usize]
        );
    }
}
