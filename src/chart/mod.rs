//! PNG charts of a run, drawn with plotters' bitmap backend and the bundled
//! DejaVu Sans font, so that neither building nor running needs a system
//! font library.
//!
//! A run writes six charts, seven when it reports passivity
//! (`docs/charts.md` describes each):
//!
//! - [`fan`]: `fan_net_income.png`, `fan_customers.png`, `fan_hours.png`
//!   and `fan_cumulative_net.png`, and `fan_passivity.png` for a run that
//!   reports passivity: one monthly metric's bands across all trajectories
//!   with a few single trajectories (`fan_customers.png` adds the customers
//!   declined for want of hours when the owner's capacity is limited);
//! - [`outcomes`]: `outcomes.png`, the shares semi-passive, broken even and
//!   failed (by cause) month by month;
//! - [`final_dist`]: `final.png`, histograms of cumulative net at the
//!   horizon and of the effective hourly rate.
//!
//! `sweep` draws [`sweep`]'s `sweep.png`; `compare` draws [`compare`]'s
//! `compare.png` and `diff_fan.png`.
//! `hustle-sim sensitivity` draws one more, [`tornado`]: `tornado.png`,
//! each parameter's low and high value against the metric's baseline.
//!
//! Every chart kind has a data function (plain numbers, unit-tested) and a
//! drawing function that returns PNG bytes; [`style`] is the one look they
//! share (font, palette, sizes, number formats), [`frame`] the header, axes
//! and side panel around every plot, [`axis`] the tick arithmetic.

pub mod axis;
pub mod compare;
pub mod fan;
pub mod final_dist;
pub mod frame;
pub mod hustles;
pub mod outcomes;
pub mod style;
pub mod sweep;
pub mod tornado;

use crate::model::Model;
use crate::output::Output;
use crate::report::Summary;
use crate::report::portfolio::PortfolioSummary;
use crate::report::summary::Series;
use crate::sim::portfolio::{CompiledPortfolio, simulate_portfolio};
use crate::sim::{CompiledModel, Path, RunResult, Scratch, simulate};
use fan::FanKind;
use frame::RunInfo;

/// Single trajectories drawn on each fan chart: trajectories 0, 1, ... of
/// the run's seed, the same ones the run simulated.
pub const SAMPLE_TRAJECTORIES: u64 = 5;

/// The file name of every chart a run can write, in order: a run writes
/// all but [`PASSIVITY_FILE_NAME`] always, and that one when it reports
/// passivity ([`file_names`]). A run's output set names them all, so a run
/// that does not write one removes an older one.
pub const FILE_NAMES: [&str; 7] = [
    "fan_net_income.png",
    "fan_customers.png",
    "fan_hours.png",
    "fan_cumulative_net.png",
    PASSIVITY_FILE_NAME,
    "outcomes.png",
    "final.png",
];

/// The chart of monthly passivity, written only by a run that reports
/// passivity (a scenario that uses the owner's hours keys).
pub const PASSIVITY_FILE_NAME: &str = "fan_passivity.png";

/// The charts a run writes, in [`FILE_NAMES`] order: every one, less
/// [`PASSIVITY_FILE_NAME`] unless the run reports passivity.
pub fn file_names(reports_passivity: bool) -> Vec<&'static str> {
    FILE_NAMES
        .into_iter()
        .filter(|&n| reports_passivity || n != PASSIVITY_FILE_NAME)
        .collect()
}

/// Re-simulates the first `k` trajectories of a run for the fan charts.
/// Trajectory i depends only on (seed, i), so these are exactly the paths
/// the run counted.
pub fn sample_paths(r: &RunResult, k: u64) -> Vec<Path> {
    let cm = CompiledModel::new(&r.model);
    let h = cm.horizon();
    let mut scratch = Scratch::new(h);
    (0..k.min(r.trajectories))
        .map(|i| {
            let mut path = Path::new(h);
            simulate(&cm, r.seed, i, &mut scratch, &mut path);
            path
        })
        .collect()
}

/// One chart of a run: its data, drawn into PNG bytes on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct RunChart {
    info: RunInfo,
    drawing: Drawing,
}

#[derive(Debug, Clone, PartialEq)]
enum Drawing {
    Fan(FanKind, fan::FanData),
    Outcomes(outcomes::OutcomesData),
    Final(Box<final_dist::FinalData>),
    Hustles(hustles::HustlesData),
}

impl RunChart {
    /// The run's facts its header shows: the title's scenario and the
    /// subtitle's overrides, trajectories, seed and horizon
    /// ([`RunInfo::subtitle`]).
    pub fn info(&self) -> &RunInfo {
        &self.info
    }

    /// The chart's file name, one of [`FILE_NAMES`].
    pub fn name(&self) -> &'static str {
        match &self.drawing {
            Drawing::Fan(kind, _) => kind.file_name(),
            Drawing::Outcomes(_) => "outcomes.png",
            Drawing::Final(_) => "final.png",
            Drawing::Hustles(_) => HUSTLES_FILE_NAME,
        }
    }
}

impl Output for RunChart {
    fn file_name(&self) -> &str {
        self.name()
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        match &self.drawing {
            Drawing::Fan(_, d) => fan::draw_fan(d, &self.info),
            Drawing::Outcomes(d) => outcomes::draw_outcomes(d, &self.info),
            Drawing::Final(d) => final_dist::draw_final(d, &self.info),
            Drawing::Hustles(d) => hustles::draw_hustles(d, &self.info),
        }
    }
}

/// Every chart of a run, in [`FILE_NAMES`] order, ready to draw: the
/// names of [`file_names`] for a run that reports passivity or not.
pub fn run_charts(r: &RunResult, s: &Summary) -> Vec<RunChart> {
    let info = RunInfo::from_summary(s);
    let paths = sample_paths(r, SAMPLE_TRAJECTORIES);
    let mut charts = fan_charts(&info, &r.model, &s.series, &paths);
    let passivity = s.series.passivity.is_some();
    for drawing in [
        Drawing::Outcomes(outcomes::outcomes_data(s, &r.model)),
        Drawing::Final(Box::new(final_dist::final_data(r, s))),
    ] {
        charts.push(RunChart {
            info: info.clone(),
            drawing,
        });
    }
    debug_assert!(charts.iter().map(RunChart::name).eq(file_names(passivity)));
    charts
}

/// The fan charts of every metric `series` reports (the base metrics
/// always, passivity when there), with the single trajectories of `paths`
/// and the reference lines of `model`'s owner and bar.
fn fan_charts(info: &RunInfo, model: &Model, series: &Series, paths: &[Path]) -> Vec<RunChart> {
    let passivity = series.passivity.is_some().then_some(FanKind::Passivity);
    FanKind::ALL
        .into_iter()
        .chain(passivity)
        .filter_map(|kind| series.metric(kind.metric()).map(|stats| (kind, stats)))
        .map(|(kind, stats)| {
            let rows: Vec<Vec<f64>> = paths
                .iter()
                .map(|p| p.row(kind.metric()).to_vec())
                .collect();
            let refs = fan::references(kind, model, &info.currency);
            let mut data = fan::fan_data(kind, stats, &rows, refs).with_notes(fan::metric_notes(
                kind,
                model,
                &info.currency,
            ));
            // Declined customers are drawn only when a capacity can decline
            // them: without one they are 0 in every month.
            if kind == FanKind::Customers
                && model.capacity_enabled()
                && let Some(declined) = &series.declined_customers
            {
                data = data.with_declined(fan::declined_data(declined, &series.new_customers));
            }
            RunChart {
                info: info.clone(),
                drawing: Drawing::Fan(kind, data),
            }
        })
        .collect()
}

/// The chart of each hustle's part in a portfolio.
pub const HUSTLES_FILE_NAME: &str = "hustles.png";

/// The file name of every chart a portfolio run writes, in order.
pub const PORTFOLIO_FILE_NAMES: [&str; 8] = [
    FILE_NAMES[0],
    FILE_NAMES[1],
    FILE_NAMES[2],
    FILE_NAMES[3],
    FILE_NAMES[4],
    FILE_NAMES[5],
    FILE_NAMES[6],
    HUSTLES_FILE_NAME,
];

/// Every chart of a portfolio run, in [`PORTFOLIO_FILE_NAMES`] order: the
/// person's fan, outcomes and final charts on the totals, and the hustles
/// chart.
pub fn portfolio_charts(r: &RunResult, p: &PortfolioSummary) -> Vec<RunChart> {
    let info = RunInfo {
        scenario: p.scenario.clone(),
        currency: p.currency.clone(),
        trajectories: p.trajectories,
        seed: p.seed,
        horizon: p.horizon_months,
        setup_months: 0,
        overrides: Vec::new(),
    };
    let paths = portfolio_sample_paths(r, SAMPLE_TRAJECTORIES);
    let mut charts = fan_charts(&info, &r.model, &p.series, &paths);
    for drawing in [
        Drawing::Outcomes(outcomes::portfolio_outcomes_data(p, &r.model)),
        Drawing::Final(Box::new(final_dist::final_data_of(
            r,
            &p.currency,
            &p.series.cumulative_net,
            &p.hourly_rate,
        ))),
        Drawing::Hustles(hustles::hustles_data(p)),
    ] {
        charts.push(RunChart {
            info: info.clone(),
            drawing,
        });
    }
    debug_assert!(charts.iter().map(RunChart::name).eq(PORTFOLIO_FILE_NAMES));
    charts
}

/// The person's paths of the first `k` trajectories of a portfolio run.
fn portfolio_sample_paths(r: &RunResult, k: u64) -> Vec<Path> {
    let p = r.portfolio.as_ref().expect("a portfolio's run");
    let cp = CompiledPortfolio::new(p);
    let h = cp.horizon();
    let mut scratch = cp.scratch();
    (0..k.min(r.trajectories))
        .map(|i| {
            let mut paths = vec![Path::new(h); 1 + p.hustles.len()];
            simulate_portfolio(&cp, r.seed, i, &mut scratch, &mut paths[..]);
            paths.swap_remove(0)
        })
        .collect()
}

/// Draws every chart of a run: (file name, PNG bytes), in [`FILE_NAMES`]
/// order ([`file_names`]).
pub fn render_charts(r: &RunResult, s: &Summary) -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
    run_charts(r, s)
        .iter()
        .map(|c| Ok((c.name(), c.bytes()?)))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::sim::{RunOptions, run};
    use std::sync::atomic::AtomicBool;

    fn run_scenario(toml: Option<&str>, n: u64) -> (RunResult, Summary) {
        let s = match toml {
            Some(t) => Scenario::parse(t, "test", "test").unwrap(),
            None => Scenario::builtin_default(),
        };
        let opts = RunOptions {
            trajectories: n,
            seed: 3,
            threads: Some(1),
        };
        let r = run(&s.model().unwrap(), &opts, &|_| {}, &AtomicBool::new(false)).unwrap();
        let summary = Summary::from_run(&r, "test");
        (r, summary)
    }

    /// Decodes PNG bytes and returns (width, height).
    pub(crate) fn png_size(bytes: &[u8]) -> (u32, u32) {
        let reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .expect("a valid PNG");
        let info = reader.info();
        (info.width, info.height)
    }

    /// Draws every chart of a run of `toml` and checks their names and
    /// sizes; returns the names.
    fn assert_all_charts(toml: Option<&str>) -> Vec<&'static str> {
        let (r, s) = run_scenario(toml, 500);
        let charts = render_charts(&r, &s).unwrap();
        let names: Vec<&str> = charts.iter().map(|c| c.0).collect();
        assert_eq!(names, file_names(s.series.passivity.is_some()));
        for (name, bytes) in &charts {
            let (w, h) = png_size(bytes);
            assert_eq!((w, h), (style::WIDTH, style::HEIGHT), "{name}");
            assert!(w >= 1200 && h >= 675, "{name} is {w}x{h}");
        }
        names
    }

    /// Every fan chart's data of a run of `toml`, by kind.
    fn fans(toml: &str) -> Vec<(FanKind, fan::FanData)> {
        let (r, s) = run_scenario(Some(toml), 200);
        run_charts(&r, &s)
            .into_iter()
            .filter_map(|c| match c.drawing {
                Drawing::Fan(kind, d) => Some((kind, d)),
                _ => None,
            })
            .collect()
    }

    /// A scenario with every key of the owner's hours: a capacity that
    /// declines customers, rework, a minimum passivity.
    const OWNER_HOURS: &str = "name = \"owner\"\nhorizon_months = 12\n\
         [setup]\nmonths = 1\nhours = 20\n\
         [acquisition]\nrate = \"3 to 12\"\n[churn]\nmonthly = 0.05\n\
         [pricing]\nmonthly = 30\n[costs]\nfixed_monthly = 40\n\
         [effort]\nfixed_hours_monthly = 8\nhours_per_customer_monthly = 0.3\n\
         hours_per_new_customer = 2\nrework_probability = 0.15\nrework_hours = \"4 to 12\"\n\
         [owner]\ncapacity_hours_monthly = { dist = \"uniform\", min = 25, max = 45 }\n\
         hourly_value = \"15 to 40\"\n\
         [semi_passive]\nmin_net_monthly = 300\nmin_passivity = \"0.3 to 0.6\"";

    #[test]
    fn a_scenario_without_the_owners_hours_draws_six_full_size_charts() {
        let names = assert_all_charts(Some(include_str!("../../tests/data/bench.toml")));
        assert_eq!(names.len(), 6);
        assert!(!names.contains(&PASSIVITY_FILE_NAME));
    }

    #[test]
    fn a_scenario_with_the_owners_hours_draws_seven_full_size_charts() {
        let names = assert_all_charts(Some(OWNER_HOURS));
        assert_eq!(names, FILE_NAMES);
    }

    #[test]
    fn declined_customers_are_drawn_only_when_a_capacity_can_decline_them() {
        let with_capacity = fans(OWNER_HOURS);
        let customers = |fans: &[(FanKind, fan::FanData)]| {
            fans.iter()
                .find(|(k, _)| *k == FanKind::Customers)
                .map(|(_, d)| d.clone())
                .unwrap()
        };
        let declined = customers(&with_capacity).declined.expect("a declined plot");
        assert!(declined.mean_total > 0.0, "{declined:?}");
        // The owner's hours keys without a capacity: passivity is drawn,
        // but nothing can be declined.
        let no_capacity = OWNER_HOURS.replace(
            "capacity_hours_monthly = { dist = \"uniform\", min = 25, max = 45 }\n",
            "",
        );
        let fans = fans(&no_capacity);
        assert!(fans.iter().any(|(k, _)| *k == FanKind::Passivity));
        assert_eq!(customers(&fans).declined, None);
        // Only the customers chart has one; the passivity chart has notes
        // about its metric, and it and the net income chart, which draw
        // limits of the semi-passive bar, state the whole bar.
        for (kind, d) in &with_capacity {
            assert_eq!(
                d.declined.is_some(),
                *kind == FanKind::Customers,
                "{kind:?}"
            );
            let notes = match kind {
                FanKind::Passivity => 3,
                FanKind::NetIncome => 1,
                _ => 0,
            };
            assert_eq!(d.notes.len(), notes, "{kind:?}");
            if notes > 0 {
                assert!(d.notes.last().unwrap().starts_with("Semi-passive: "));
            }
        }
    }

    #[test]
    fn the_owners_hours_charts_draw_for_a_one_month_horizon_and_a_long_one() {
        for (h, setup) in [("1", "0"), ("120", "1")] {
            let toml = OWNER_HOURS
                .replace("horizon_months = 12", &format!("horizon_months = {h}"))
                .replace("[setup]\nmonths = 1", &format!("[setup]\nmonths = {setup}"));
            assert_eq!(assert_all_charts(Some(&toml)), FILE_NAMES, "H = {h}");
        }
    }

    #[test]
    fn a_scenario_with_no_customers_hours_or_semi_passive_still_draws() {
        // Regression guard for empty sketches (no hourly rate at all) and
        // series that are 0 in every month.
        assert_all_charts(Some("name = \"bare\"\nhorizon_months = 6"));
    }

    #[test]
    fn a_one_month_horizon_draws() {
        assert_all_charts(Some(
            "name = \"one\"\nhorizon_months = 1\n[setup]\nmonths = 0\nhours = 10\ncost = 100\n\
             [acquisition]\nrate = 2\n[pricing]\nmonthly = 10",
        ));
    }

    #[test]
    fn a_long_horizon_with_uncertain_thresholds_and_bans_draws() {
        assert_all_charts(Some(
            "name = \"Ein sehr langer Szenarioname für einen Nebenerwerb, der nicht in eine Zeile passt\"\n\
             currency = \"EUR\"\nhorizon_months = 120\n\
             [setup]\nmonths = 3\nhours = 40\n\
             [acquisition]\nmodel = \"bass\"\nmarket_size = 400\ninnovation = 0.01\nimitation = 0.3\n\
             [churn]\nmonthly = 0.05\n[pricing]\nmonthly = 20\n\
             [effort]\nhours_per_customer_monthly = 0.3\n\
             [platform]\nfee = 0.2\nban_probability = 0.01\n\
             [owner]\nhourly_value = \"20 to 60\"\nburnout_hours_monthly = \"80 to 120\"\n\
             [semi_passive]\nmin_net_monthly = \"300 to 800\"\nmax_hours_monthly = 20",
        ));
    }

    #[test]
    fn sample_paths_are_the_runs_first_trajectories() {
        let (r, _) = run_scenario(None, 100);
        let paths = sample_paths(&r, SAMPLE_TRAJECTORIES);
        assert_eq!(paths.len(), SAMPLE_TRAJECTORIES as usize);
        assert_eq!(sample_paths(&r, 1)[0].data(), paths[0].data());
        // Never more than the run had.
        let (small, _) = run_scenario(None, 2);
        assert_eq!(sample_paths(&small, SAMPLE_TRAJECTORIES).len(), 2);
    }
}
