//! Failure causes, the semi-passive rule at its edges, break-even and setup
//! with `months = 0`: scenarios built so that docs/model.md, One trajectory,
//! fixes the answer exactly (deterministic figures), or in closed form (ban
//! timing).

mod common;

use common::{model, summary, trajectories};
use hustle_sim::sim::{FailureCause, Metric};

fn only_cause(text: &str) -> Vec<Option<(FailureCause, u32)>> {
    trajectories(&model(text), 200, 5)
        .map(|(_, o)| o.failure)
        .collect()
}

#[test]
fn abandoned_after_quit_after_months_bad_launched_months() {
    // No revenue, a fixed cost: every launched month nets -10 < 0. Launch in
    // month 3, so the 6th bad month in a row is month 8.
    let text = "name = \"a\"\n[setup]\nmonths = 2\n[costs]\nfixed_monthly = 10\n";
    for f in only_cause(text) {
        assert_eq!(f, Some((FailureCause::Abandoned, 8)));
    }
    let s = summary(&model(text), 2_000, 1);
    assert_eq!(s.failure.probability, 1.0);
    assert_eq!(s.failure.causes.abandoned, 1.0);
    assert_eq!(s.failure.failed_by_month[6], 0.0);
    assert_eq!(s.failure.failed_by_month[7], 1.0);
    // The quitting month counts in full, later months are zero.
    assert_eq!(s.series.net_income.mean[7], -10.0);
    assert_eq!(s.series.net_income.mean[8], 0.0);
    assert_eq!(s.series.cumulative_net.mean[23], -60.0);
}

#[test]
fn burned_out_after_burnout_after_months_long_months() {
    let text = "name = \"b\"\n[effort]\nfixed_hours_monthly = 200\n\
                [owner]\nquit_after_months = 0\nburnout_hours_monthly = 150\nburnout_after_months = 3\n";
    for f in only_cause(text) {
        assert_eq!(f, Some((FailureCause::BurnedOut, 4)));
    }
}

#[test]
fn quitting_and_burning_out_in_the_same_month_counts_as_abandoned() {
    let text = "name = \"ab\"\n[costs]\nfixed_monthly = 10\n[effort]\nfixed_hours_monthly = 200\n\
                [owner]\nquit_after_months = 3\nburnout_hours_monthly = 150\nburnout_after_months = 3\n";
    for f in only_cause(text) {
        assert_eq!(f, Some((FailureCause::Abandoned, 4)));
    }
}

#[test]
fn deplatformed_month_follows_the_geometric_law() {
    // Ban chance b per month from month 1: P(banned by t) = 1 - (1 - b)^t.
    // Tolerance: 5 binomial standard errors per month.
    let b: f64 = 0.05;
    let text = format!(
        "name = \"d\"\n[pricing]\nmonthly = 10\n[acquisition]\nrate = 5\n[platform]\nban_probability = {b}\n\
         [owner]\nquit_after_months = 0\n"
    );
    let n = 40_000;
    let s = summary(&model(&text), n, 2);
    for t in 1..=24 {
        let p = 1.0 - (1.0 - b).powi(t);
        let se = (p * (1.0 - p) / n as f64).sqrt();
        let got = s.failure.failed_by_month[t as usize - 1];
        assert!((got - p).abs() < 5.0 * se, "month {t}: {got} vs {p}");
    }
    assert_eq!(s.failure.causes.deplatformed, s.failure.probability);
}

#[test]
fn ban_in_month_one_ends_everything() {
    let text = "name = \"d1\"\n[setup]\nhours = 10\ncost = 100\n[platform]\nban_probability = 1\n";
    for (path, o) in trajectories(&model(text), 50, 3) {
        assert_eq!(o.failure, Some((FailureCause::Deplatformed, 1)));
        assert!(path.row(Metric::Hours).iter().all(|&h| h == 0.0));
        assert_eq!(o.cumulative_net, 0.0);
        assert_eq!(o.hourly_rate(), None);
    }
}

#[test]
fn unprofitable_when_running_at_the_horizon_below_zero() {
    let text = "name = \"u\"\n[setup]\ncost = 1000\n[owner]\nquit_after_months = 0\n";
    for f in only_cause(text) {
        assert_eq!(f, Some((FailureCause::Unprofitable, 24)));
    }
    let s = summary(&model(text), 1_000, 1);
    assert_eq!(s.failure.failed_by_month[22], 0.0);
    assert_eq!(s.failure.failed_by_month[23], 1.0);
    assert_eq!(s.failure.causes.unprofitable, 1.0);
    assert_eq!(s.break_even.probability, 0.0);
}

/// A hustle whose every launched month nets exactly -10 and takes exactly 5
/// hours, judged against thresholds `net`, `hours` over `horizon` months.
fn semi_passive_case(net: f64, hours: f64, sustain: u32, horizon: u32) -> String {
    format!(
        "name = \"sp\"\nhorizon_months = {horizon}\n[costs]\nfixed_monthly = 10\n[effort]\nfixed_hours_monthly = 5\n\
         [owner]\nquit_after_months = 0\n\
         [semi_passive]\nmin_net_monthly = {net}\nmax_hours_monthly = {hours}\nsustain_months = {sustain}\n"
    )
}

#[test]
fn semi_passive_equality_at_both_thresholds_qualifies() {
    // Launch in month 2; months 2, 3, 4 qualify: semi-passive in month 4.
    let s = summary(&model(&semi_passive_case(-10.0, 5.0, 3, 12)), 500, 1);
    assert_eq!(s.semi_passive.probability, 1.0);
    assert_eq!(s.semi_passive.reached_by_month[2], 0.0);
    assert_eq!(s.semi_passive.reached_by_month[3], 1.0);
    assert_eq!(s.semi_passive.month.p50, Some(4));
    assert_eq!(
        s.semi_passive.share_by_month[0], 0.0,
        "setup months never qualify"
    );
    assert_eq!(s.semi_passive.share_by_month[1], 1.0);
}

#[test]
fn semi_passive_just_past_either_threshold_never_qualifies() {
    for (net, hours) in [(-9.99, 5.0), (-10.0, 4.99)] {
        let s = summary(&model(&semi_passive_case(net, hours, 3, 12)), 200, 1);
        assert_eq!(s.semi_passive.probability, 0.0);
        assert!(s.semi_passive.share_by_month.iter().all(|&x| x == 0.0));
        assert_eq!(s.semi_passive.month.p50, None);
    }
}

#[test]
fn semi_passive_one_month_short_of_sustain_is_not_reached() {
    // Horizon 4, launch in month 2: only 3 launched months, sustain 4.
    let s = summary(&model(&semi_passive_case(-10.0, 5.0, 4, 4)), 200, 1);
    assert_eq!(s.semi_passive.probability, 0.0);
    assert_eq!(s.semi_passive.share_by_month[3], 1.0);
    // With one more month it is reached in the last one.
    let s = summary(&model(&semi_passive_case(-10.0, 5.0, 4, 5)), 200, 1);
    assert_eq!(s.semi_passive.probability, 1.0);
    assert_eq!(s.semi_passive.month.p25, Some(5));
}

#[test]
fn month_the_owner_quits_still_qualifies() {
    // Every month nets -10 < quit_below_net 0: quits in launched month 3
    // (month 4), which completes a run of 3 qualifying months.
    let text = "name = \"q\"\n[costs]\nfixed_monthly = 10\n[effort]\nfixed_hours_monthly = 5\n\
                [owner]\nquit_after_months = 3\n\
                [semi_passive]\nmin_net_monthly = -10\nmax_hours_monthly = 5\nsustain_months = 3\n";
    for (_, o) in trajectories(&model(text), 20, 1) {
        assert_eq!(o.failure, Some((FailureCause::Abandoned, 4)));
        assert_eq!(o.semi_passive_month, Some(4));
    }
}

#[test]
fn setup_months_zero_puts_setup_on_top_of_month_one() {
    // Month 1 is launched: 3 one-time sales of 100 (no churn matters), plus
    // setup 40 hours and 250 cost on top; later months have no setup.
    let text = "name = \"s0\"\n[setup]\nmonths = 0\nhours = 40\ncost = 250\n\
                [acquisition]\nrate = 3\n[pricing]\none_time = 100\n\
                [effort]\nfixed_hours_monthly = 2\nhours_per_new_customer = 1\n[owner]\nquit_after_months = 0\n";
    for (path, o) in trajectories(&model(text), 300, 9) {
        let new1 = path.get(Metric::NewCustomers, 1);
        assert_eq!(path.get(Metric::NetIncome, 1), 100.0 * new1 - 250.0);
        assert_eq!(path.get(Metric::Hours, 1), 2.0 + new1 + 40.0);
        let new2 = path.get(Metric::NewCustomers, 2);
        assert_eq!(path.get(Metric::Hours, 2), 2.0 + new2);
        // Break-even: the first month whose cumulative net is >= 0.
        let first = (1..=24).find(|&t| path.get(Metric::CumulativeNet, t) >= 0.0);
        assert_eq!(o.break_even_month, first.map(|t| t as u32));
    }
}

#[test]
fn setup_months_spread_hours_and_cost_evenly() {
    let text = "name = \"s3\"\n[setup]\nmonths = 3\nhours = 90\ncost = 300\n[owner]\nquit_after_months = 0\n";
    let s = summary(&model(text), 100, 1);
    for t in 0..3 {
        assert_eq!(s.series.hours.p50[t], 30.0);
        assert_eq!(s.series.net_income.p50[t], -100.0);
        assert_eq!(s.series.gross_revenue.p95[t], 0.0);
    }
    assert_eq!(s.series.hours.p50[3], 0.0);
    assert_eq!(s.launch_month, 4);
    // Hourly rate: -300 / 90 hours.
    assert!((s.hourly_rate.p50.unwrap() + 300.0 / 90.0).abs() < 1e-12);
}

#[test]
fn competitors_keep_arriving_after_the_end() {
    // Banned in month 1; competitors still enter at rate 0.5 a month, so
    // mean competitors in month t is 0.5 t (5 SE: sd sqrt(0.5 t) / sqrt(n)).
    let text = "name = \"c\"\n[competition]\nentry_rate = 0.5\n[platform]\nban_probability = 1\n";
    let n = 20_000;
    let s = summary(&model(text), n, 4);
    for t in 1..=24 {
        let mu = 0.5 * t as f64;
        let se = (mu / n as f64).sqrt();
        assert!(
            (s.series
                .competitors
                .as_ref()
                .expect("a scenario reports competitors")
                .mean[t - 1]
                - mu)
                .abs()
                < 5.0 * se
        );
    }
}
