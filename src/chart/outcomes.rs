//! The outcomes chart: month by month, the share of all trajectories whose
//! income has become semi-passive (a rising curve), the share that has
//! broken even, and the share that has failed, stacked by cause; annotated
//! with P(semi-passive by H) and P(failure) and their 95 % intervals.
//!
//! [`outcomes_data`] computes what is drawn (plain numbers, unit-tested);
//! [`draw_outcomes`] draws it.

use super::axis::{Axis, at_positions, month_positions};
use super::fan::{band_polygon, shade_setup};
use super::frame::{
    self, AxisSpec, Dash, LegendItem, LineLook, RunInfo, Swatch, draw_line, drawing, legend, notes,
    panel_heading, plot,
};
use super::style::{SETUP_SHADE, palette, px, share, tint, width};
use crate::model::Model;
use crate::report::Summary;
use crate::report::format::format_percent;
use crate::report::portfolio::PortfolioSummary;
use crate::report::rule::semi_passive_rule;
use crate::report::summary::{BreakEven, Failure, SemiPassive};
use crate::sim::FailureCause;
use plotters::prelude::*;

/// One cause's layer of the stacked failure area.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureLayer {
    /// The cause.
    pub cause: FailureCause,
    /// Bottom of the layer by month: the causes stacked below it.
    pub lower: Vec<f64>,
    /// Top of the layer by month: `lower` plus this cause's share failed by
    /// then.
    pub upper: Vec<f64>,
    /// Share of all trajectories that failed of this cause by the horizon.
    pub total: f64,
}

/// A probability and its Wilson 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Share of trajectories.
    pub p: f64,
    /// Wilson 95 % interval.
    pub ci95: [f64; 2],
}

impl Estimate {
    /// `"31.2 % (95 % CI 30.3 to 32.1 %)"`.
    pub fn describe(&self) -> String {
        format!(
            "{} (95 % interval {:.1} to {})",
            format_percent(self.p),
            self.ci95[0] * 100.0,
            format_percent(self.ci95[1])
        )
    }
}

/// Everything the outcomes chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomesData {
    /// Months simulated, H.
    pub horizon: usize,
    /// Where each month's values are drawn ([`month_positions`]); every
    /// series below has one value per position.
    pub months: Vec<f64>,
    /// Share semi-passive by month t (income has become semi-passive);
    /// `None` when the scenario does not define semi-passive income.
    pub semi_passive: Option<Vec<f64>>,
    /// Share semi-passive in month t (that month meets the bar), when
    /// defined.
    pub semi_passive_in: Option<Vec<f64>>,
    /// The semi-passive bar in words ([`semi_passive_rule`]), when defined.
    pub rule: Option<String>,
    /// Share broken even by month t.
    pub break_even: Vec<f64>,
    /// Failure layers, bottom first, for the causes that occurred.
    pub layers: Vec<FailureLayer>,
    /// P(semi-passive by H), when defined.
    pub semi_passive_by_h: Option<Estimate>,
    /// First month by which half of all trajectories were semi-passive.
    pub semi_passive_median_month: Option<u32>,
    /// P(failure).
    pub failure: Estimate,
    /// The share axis: 0 to 100 %.
    pub y: Axis,
}

/// The data of the outcomes chart, from a run's summary and its model.
pub fn outcomes_data(s: &Summary, model: &Model) -> OutcomesData {
    let causes: Vec<(FailureCause, f64)> = FailureCause::ALL
        .iter()
        .map(|&c| (c, s.failure.causes.get(c)))
        .collect();
    outcomes_data_of(&s.semi_passive, &s.break_even, &s.failure, &causes, model)
}

/// The data of the outcomes chart of a portfolio's person (`person` their
/// model): failed by burnout, or by every hustle failing.
pub fn portfolio_outcomes_data(p: &PortfolioSummary, person: &Model) -> OutcomesData {
    let c = &p.failure.causes;
    let causes = [
        (FailureCause::BurnedOut, c.burned_out),
        (FailureCause::AllFailed, c.all_failed),
    ];
    outcomes_data_of(&p.semi_passive, &p.break_even, &p.failure, &causes, person)
}

/// The data of the outcomes chart: the failure layers of `causes` (each
/// with its share by the horizon), bottom first, and the semi-passive
/// rule of `model`.
fn outcomes_data_of<C>(
    sp: &SemiPassive,
    break_even: &BreakEven,
    failure: &Failure<C>,
    causes: &[(FailureCause, f64)],
    model: &Model,
) -> OutcomesData {
    let h = break_even.reached_by_month.len();
    let months = month_positions(h);
    let mut lower = vec![0.0; months.len()];
    let mut layers = Vec::new();
    for &(cause, total) in causes {
        let Some(by_month) = failure.failed_by_month_by_cause.get(cause.name()) else {
            continue;
        };
        if total <= 0.0 {
            continue;
        }
        let upper: Vec<f64> = lower
            .iter()
            .zip(at_positions(by_month))
            .map(|(l, v)| l + v)
            .collect();
        layers.push(FailureLayer {
            cause,
            lower: std::mem::replace(&mut lower, upper.clone()),
            upper,
            total,
        });
    }
    OutcomesData {
        horizon: h,
        months,
        semi_passive: sp.defined.then(|| at_positions(&sp.reached_by_month)),
        semi_passive_in: sp.defined.then(|| at_positions(&sp.share_by_month)),
        rule: semi_passive_rule(model),
        break_even: at_positions(&break_even.reached_by_month),
        layers,
        semi_passive_by_h: sp.defined.then_some(Estimate {
            p: sp.probability,
            ci95: sp.ci95,
        }),
        semi_passive_median_month: if sp.defined { sp.month.p50 } else { None },
        failure: Estimate {
            p: failure.probability,
            ci95: failure.ci95,
        },
        y: Axis::with_step(0.0, 1.0, 0.2),
    }
}

/// Colour of a failure cause.
pub fn cause_color(c: FailureCause) -> RGBColor {
    match c {
        FailureCause::Abandoned => palette::ORANGE,
        FailureCause::BurnedOut => palette::REDDISH_PURPLE,
        FailureCause::Deplatformed => palette::VERMILLION,
        FailureCause::Unprofitable => palette::SKY_BLUE,
        FailureCause::AllFailed => palette::VERMILLION,
    }
}

/// How a failure cause reads in a legend.
pub fn cause_label(c: FailureCause) -> &'static str {
    match c {
        FailureCause::Abandoned => "failed: abandoned after too many bad months",
        FailureCause::BurnedOut => "failed: burned out after too many long months",
        FailureCause::Deplatformed => "failed: de-platformed",
        FailureCause::Unprofitable => "failed: unprofitable at the horizon",
        FailureCause::AllFailed => "failed: every hustle ended by a failure of its own",
    }
}

const SEMI_PASSIVE: LineLook = LineLook {
    color: palette::BLUISH_GREEN,
    width: width::MAIN + 0.5,
    dash: Dash::Solid,
};

const SEMI_PASSIVE_IN: LineLook = LineLook {
    color: palette::BLUISH_GREEN,
    width: width::SECONDARY,
    dash: Dash::Dotted,
};

const BREAK_EVEN: LineLook = LineLook {
    color: palette::BLUE,
    width: width::SECONDARY,
    dash: Dash::Dashed,
};

/// Draws the outcomes chart and returns its PNG bytes.
pub fn draw_outcomes(d: &OutcomesData, info: &RunInfo) -> anyhow::Result<Vec<u8>> {
    frame::render_png(|root| {
        let title = format!("{}: outcomes by month", info.scenario);
        let what = "Share of all trajectories";
        let body = frame::header(root, &title, &info.subtitle(what))?;
        let (plot_area, panel) = frame::split_panel(&body);
        let h = d.horizon;
        let share_label = |v: f64| format!("{:.0} %", v * 100.0);
        let x = AxisSpec::months(h);
        let y = AxisSpec::gridded(&d.y, "Share of trajectories, by month", &share_label);
        let mut chart = plot(&plot_area, &x, &y, 34.0)?;
        shade_setup(root, &mut chart, info.setup_months, (d.y.lo, d.y.hi))?;
        frame::draw_mesh(&mut chart, &x, &y)?;

        for layer in &d.layers {
            let color = cause_color(layer.cause);
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band_polygon(&d.months, &layer.lower, &layer.upper),
                    tint(color, 0.45).filled(),
                )))
                .map_err(drawing)?;
            let top: Vec<(f64, f64)> = d.months.iter().copied().zip(layer.upper.clone()).collect();
            let edge = LineLook {
                color,
                width: 1.5,
                dash: Dash::Solid,
            };
            draw_line(&mut chart, &top, edge)?;
        }
        let line = |v: &[f64]| -> Vec<(f64, f64)> {
            d.months.iter().copied().zip(v.iter().copied()).collect()
        };
        draw_line(&mut chart, &line(&d.break_even), BREAK_EVEN)?;
        if let Some(sp) = &d.semi_passive_in {
            draw_line(&mut chart, &line(sp), SEMI_PASSIVE_IN)?;
        }
        if let Some(sp) = &d.semi_passive {
            draw_line(&mut chart, &line(sp), SEMI_PASSIVE)?;
        }

        // The headline numbers first, then the legend.
        let mut y_pos = px(30.0);
        let horizon = format!("by month {h}");
        if let Some(e) = d.semi_passive_by_h {
            y_pos = panel_heading(&panel, &format!("Semi-passive {horizon}"), y_pos)?;
            let mut lines = vec![e.describe()];
            if let Some(last) = d.semi_passive_in.as_ref().and_then(|v| v.last()) {
                lines.push(format!("in month {h} itself: {}", share(*last)));
            }
            y_pos = notes(&panel, &lines, y_pos)?;
        }
        y_pos = panel_heading(&panel, &format!("Failed {horizon}"), y_pos)?;
        y_pos = notes(&panel, &[d.failure.describe()], y_pos)? + px(10.0);

        let mut items = Vec::new();
        if d.semi_passive.is_some() {
            items.push(LegendItem {
                swatch: Swatch::Line(SEMI_PASSIVE),
                label: "semi-passive by then (has become)".into(),
            });
            items.push(LegendItem {
                swatch: Swatch::Line(SEMI_PASSIVE_IN),
                label: "semi-passive in that month".into(),
            });
        }
        items.push(LegendItem {
            swatch: Swatch::Line(BREAK_EVEN),
            label: "has broken even".into(),
        });
        for layer in d.layers.iter().rev() {
            items.push(LegendItem {
                swatch: Swatch::Fill(tint(cause_color(layer.cause), 0.45)),
                label: format!("{} ({})", cause_label(layer.cause), share(layer.total)),
            });
        }
        if info.setup_months > 0 {
            items.push(LegendItem {
                swatch: Swatch::Fill(SETUP_SHADE),
                label: "setup months".into(),
            });
        }
        y_pos = legend(&panel, &items, y_pos)?;
        let mut paragraphs = Vec::new();
        match (&d.semi_passive, d.semi_passive_median_month) {
            (None, _) => paragraphs
                .push("This scenario has no [semi_passive] section, so no curve for it.".into()),
            (Some(_), Some(m)) => paragraphs.push(format!(
                "Median month {m}: half of all trajectories had become semi-passive by then."
            )),
            (Some(_), None) => paragraphs.push(format!(
                "No median month: fewer than half became semi-passive within {h} months."
            )),
        }
        paragraphs.extend(d.rule.clone());
        if !d.layers.is_empty() {
            paragraphs
                .push("Failure areas are stacked: their top edge is the share failed.".into());
        }
        notes(&panel, &paragraphs, y_pos + px(8.0))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::sim::{RunOptions, run};
    use std::sync::atomic::AtomicBool;

    fn summary(toml: Option<&str>) -> (Summary, Model) {
        let s = match toml {
            Some(t) => Scenario::parse(t, "test", "test").unwrap(),
            None => Scenario::builtin_default(),
        };
        let opts = RunOptions {
            trajectories: 3000,
            seed: 7,
            threads: Some(1),
        };
        let m = s.model().unwrap();
        let r = run(&m, &opts, &|_| {}, &AtomicBool::new(false)).unwrap();
        (Summary::from_run(&r, "test"), m)
    }

    #[test]
    fn failure_layers_stack_up_to_the_share_failed() {
        let (s, m) = summary(None);
        let d = outcomes_data(&s, &m);
        assert!(!d.layers.is_empty());
        let top = &d.layers.last().unwrap().upper;
        for (t, (a, b)) in top.iter().zip(&s.failure.failed_by_month).enumerate() {
            assert!((a - b).abs() < 1e-12, "month {}: {a} vs {b}", t + 1);
        }
        for w in d.layers.windows(2) {
            assert_eq!(w[0].upper, w[1].lower, "layers touch");
        }
        assert_eq!(d.layers[0].lower, vec![0.0; d.months.len()]);
        let totals: f64 = d.layers.iter().map(|l| l.total).sum();
        assert!((totals - s.failure.probability).abs() < 1e-12);
        // Only causes that occurred get a layer: the default scenario has no
        // platform that bans.
        assert!(
            d.layers
                .iter()
                .all(|l| l.cause != FailureCause::Deplatformed)
        );
    }

    #[test]
    fn semi_passive_curve_rises_and_ends_at_its_probability() {
        let (s, m) = summary(None);
        let d = outcomes_data(&s, &m);
        let sp = d.semi_passive.as_ref().unwrap();
        assert!(sp.windows(2).all(|w| w[0] <= w[1]));
        assert!((sp.last().unwrap() - s.semi_passive.probability).abs() < 1e-12);
        let e = d.semi_passive_by_h.unwrap();
        assert!(e.ci95[0] <= e.p && e.p <= e.ci95[1]);
        // Beside it, the share in each month itself, and the whole bar.
        let within = d.semi_passive_in.as_ref().unwrap();
        assert_eq!(
            *within.last().unwrap(),
            *s.semi_passive.share_by_month.last().unwrap()
        );
        assert_eq!(
            d.rule.as_deref(),
            Some(
                "Semi-passive: a launched month netting at least 500 USD with at most 30 \
                 hours and a passivity of at least 50 %; income becomes semi-passive \
                 after 3 such months in a row."
            )
        );
        assert_eq!(d.y.ticks.len(), 6);
    }

    #[test]
    fn no_semi_passive_curve_without_a_definition() {
        let (s, m) = summary(Some("name = \"bare\"\nhorizon_months = 6"));
        let d = outcomes_data(&s, &m);
        assert!(d.semi_passive.is_none() && d.semi_passive_by_h.is_none());
        assert!(d.semi_passive_in.is_none() && d.rule.is_none());
        assert_eq!((d.horizon, d.months.len()), (6, 6));
    }

    #[test]
    fn estimates_read_as_percentages_with_intervals() {
        let e = Estimate {
            p: 0.3123,
            ci95: [0.3031, 0.3215],
        };
        assert_eq!(e.describe(), "31.2 % (95 % interval 30.3 to 32.1 %)");
    }
}
