//! `sweep.png`: what a sweep found, against the swept value. Top panel:
//! P(semi-passive) and P(failure) with their Wilson 95 % ribbons; bottom
//! panel: median cumulative net at the horizon with its p5-p95 band. A
//! marker at every value swept, so that it is clear where the lines only
//! join the dots; for more than [`MAX_MARKED`] values the markers would
//! run together into a beaded band hiding the lines' dashes, and are left
//! out.
//!
//! [`sweep_data`] computes what is drawn (plain numbers, unit-tested);
//! [`draw_sweep`] draws it.

use super::axis::{Axis, extent};
use super::frame::{
    self, AxisSpec, Dash, LegendItem, LineLook, RunInfo, Swatch, draw_line, drawing, legend, notes,
};
use super::style::{MUTED, palette, px, tick_label, tint, width};
use crate::output::Output;
use crate::report::sweep::{SweepReport, value_text};
use plotters::prelude::*;

/// One probability with its interval, at every value.
#[derive(Debug, Clone, PartialEq)]
pub struct Ribbon {
    /// Share of trajectories.
    pub share: Vec<f64>,
    /// Lower end of its 95 % interval.
    pub low: Vec<f64>,
    /// Upper end.
    pub high: Vec<f64>,
}

/// Everything `sweep.png` draws, in data units.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepChartData {
    /// Header facts.
    pub info: RunInfo,
    /// The swept key.
    pub key: String,
    /// The values swept, in the order given.
    pub values: Vec<f64>,
    /// P(semi-passive by month H); `None` when the scenario defines no
    /// semi-passive months.
    pub semi_passive: Option<Ribbon>,
    /// The share semi-passive in month H itself, when defined.
    pub semi_passive_in: Option<Vec<f64>>,
    /// The semi-passive bar in words, when defined.
    pub rule: Option<String>,
    /// P(failure).
    pub failure: Ribbon,
    /// Cumulative net at the horizon: p5, median, p95 at every value.
    pub net: (Vec<f64>, Vec<f64>, Vec<f64>),
    /// The value axis (shared by both panels).
    pub x: Axis,
    /// The probability axis: 0 to the highest interval end, in steps of
    /// 10 or 20 points.
    pub p: Axis,
    /// The money axis: the p5-p95 band and 0.
    pub money: Axis,
}

/// The data of `sweep.png`, with rows sorted by value (a sweep given in
/// any order is drawn left to right).
pub fn sweep_data(r: &SweepReport) -> SweepChartData {
    let mut rows: Vec<_> = r.rows.iter().collect();
    rows.sort_by(|a, b| a.value.total_cmp(&b.value));
    let values: Vec<f64> = rows.iter().map(|r| r.value).collect();
    let ribbon = |f: &dyn Fn(&crate::report::paired::OutcomeStats) -> (f64, [f64; 2])| {
        let (mut share, mut low, mut high) = (Vec::new(), Vec::new(), Vec::new());
        for r in &rows {
            let (p, [lo, hi]) = f(&r.stats);
            share.push(p);
            low.push(lo);
            high.push(hi);
        }
        Ribbon { share, low, high }
    };
    let defined = rows.iter().all(|r| r.stats.semi_passive_defined);
    let semi_passive =
        defined.then(|| ribbon(&|s| (s.semi_passive_probability, s.semi_passive_ci95)));
    let semi_passive_in = defined.then(|| {
        rows.iter()
            .map(|r| r.stats.semi_passive_at_horizon)
            .collect()
    });
    let failure = ribbon(&|s| (s.failure_probability, s.failure_ci95));
    let net = (
        rows.iter()
            .map(|r| r.stats.cumulative_net.p5)
            .collect::<Vec<_>>(),
        rows.iter()
            .map(|r| r.stats.cumulative_net.p50)
            .collect::<Vec<_>>(),
        rows.iter()
            .map(|r| r.stats.cumulative_net.p95)
            .collect::<Vec<_>>(),
    );
    let (vlo, vhi) = extent([&values[..]]).unwrap_or((0.0, 1.0));
    let x = Axis::tight(vlo, vhi, 10);
    let top = semi_passive
        .iter()
        .flat_map(|r| r.high.iter())
        .chain(&failure.high)
        .fold(0.0f64, |a, &b| a.max(b));
    let p = Axis::with_step(0.0, top.max(0.1), if top > 0.5 { 0.2 } else { 0.1 });
    let (mlo, mhi) = extent([&net.0[..], &net.2[..], &[0.0][..]]).unwrap_or((0.0, 1.0));
    let money = Axis::tight(mlo, mhi, 6);
    SweepChartData {
        info: RunInfo {
            scenario: r.scenario.clone(),
            currency: r.currency.clone(),
            trajectories: r.trajectories,
            seed: r.seed,
            horizon: r.horizon_months,
            setup_months: 0,
            overrides: r.overrides.clone(),
        },
        key: r.key.clone(),
        values,
        semi_passive,
        semi_passive_in,
        rule: r.semi_passive_rule.clone().filter(|_| defined),
        failure,
        net,
        x,
        p,
        money,
    }
}

/// Most values drawn with a marker each.
pub const MAX_MARKED: usize = 40;

const SEMI_PASSIVE: RGBColor = palette::BLUISH_GREEN;
const FAILURE: RGBColor = palette::VERMILLION;
const NET: RGBColor = palette::BLUE;

/// The share semi-passive in month H: thinner and dotted, beside the
/// share by month H.
const SEMI_PASSIVE_IN: LineLook = LineLook {
    color: SEMI_PASSIVE,
    width: width::SECONDARY,
    dash: Dash::Dotted,
};

fn line(color: RGBColor, dash: Dash) -> LineLook {
    LineLook {
        color,
        width: width::MAIN,
        dash,
    }
}

/// Draws `sweep.png` and returns its PNG bytes.
pub fn draw_sweep(d: &SweepChartData) -> anyhow::Result<Vec<u8>> {
    let marked = d.values.len() <= MAX_MARKED;
    frame::render_png(|root| {
        let title = format!("{}: sweep of {}", d.info.scenario, d.key);
        let what = "Each value on the same random numbers";
        let body = frame::header(root, &title, &d.info.subtitle(what))?;
        let (plot_area, panel) = frame::split_panel(&body);
        let (_, h) = plot_area.dim_in_pixel();
        let (top_area, bottom_area) = plot_area.split_vertically(h as i32 / 2);

        let x_step = d.x.step;
        let x_label = move |v: f64| tick_label(v, x_step);
        let x = AxisSpec::plain(&d.x, d.key.clone(), &x_label);
        let pct = |v: f64| format!("{:.0} %", v * 100.0);
        let y_top = AxisSpec::gridded(&d.p, "Share of trajectories".to_string(), &pct);
        let m_step = d.money.step;
        let m_label = move |v: f64| tick_label(v, m_step);
        let y_bottom = AxisSpec::gridded(
            &d.money,
            format!("Cumulative net ({})", d.info.currency),
            &m_label,
        );

        // One label width for both panels, so that their value axes line up.
        let y_area = frame::y_label_area(&y_top).max(frame::y_label_area(&y_bottom));
        let mut top = frame::plot_with_y_area(&top_area, &x, &y_top, 12.0, y_area)?;
        frame::draw_mesh(&mut top, &x, &y_top)?;
        let mut ribbons = vec![(&d.failure, FAILURE, Dash::Dashed)];
        if let Some(sp) = &d.semi_passive {
            ribbons.insert(0, (sp, SEMI_PASSIVE, Dash::Solid));
        }
        for (r, color, _) in &ribbons {
            top.draw_series(std::iter::once(Polygon::new(
                super::fan::band_polygon(&d.values, &r.low, &r.high),
                color.mix(0.22).filled(),
            )))
            .map_err(drawing)?;
        }
        for (r, color, dash) in &ribbons {
            let pts: Vec<(f64, f64)> = d
                .values
                .iter()
                .copied()
                .zip(r.share.iter().copied())
                .collect();
            draw_line(&mut top, &pts, line(*color, *dash))?;
            if marked {
                top.draw_series(pts.iter().map(|p| Circle::new(*p, px(4.0), color.filled())))
                    .map_err(drawing)?;
            }
        }

        if let Some(within) = &d.semi_passive_in {
            let pts: Vec<(f64, f64)> = d
                .values
                .iter()
                .copied()
                .zip(within.iter().copied())
                .collect();
            draw_line(&mut top, &pts, SEMI_PASSIVE_IN)?;
        }

        let mut bottom = frame::plot_with_y_area(&bottom_area, &x, &y_bottom, 12.0, y_area)?;
        frame::draw_mesh(&mut bottom, &x, &y_bottom)?;
        bottom
            .draw_series(std::iter::once(Polygon::new(
                super::fan::band_polygon(&d.values, &d.net.0, &d.net.2),
                tint(NET, 0.75).filled(),
            )))
            .map_err(drawing)?;
        if d.money.lo < 0.0 {
            let zero = [(d.x.lo, 0.0), (d.x.hi, 0.0)];
            draw_line(
                &mut bottom,
                &zero,
                LineLook {
                    color: MUTED,
                    width: 1.0,
                    dash: Dash::Solid,
                },
            )?;
        }
        let median: Vec<(f64, f64)> = d
            .values
            .iter()
            .copied()
            .zip(d.net.1.iter().copied())
            .collect();
        draw_line(&mut bottom, &median, line(NET, Dash::Solid))?;
        if marked {
            bottom
                .draw_series(
                    median
                        .iter()
                        .map(|p| Circle::new(*p, px(4.0), NET.filled())),
                )
                .map_err(drawing)?;
        }

        let mut items = Vec::new();
        if d.semi_passive.is_some() {
            items.push(LegendItem {
                swatch: Swatch::Line(line(SEMI_PASSIVE, Dash::Solid)),
                label: format!("semi-passive by month {}", d.info.horizon),
            });
        }
        if d.semi_passive_in.is_some() {
            items.push(LegendItem {
                swatch: Swatch::Line(SEMI_PASSIVE_IN),
                label: format!("semi-passive in month {}", d.info.horizon),
            });
        }
        items.push(LegendItem {
            swatch: Swatch::Line(line(FAILURE, Dash::Dashed)),
            label: format!("failed by month {}", d.info.horizon),
        });
        items.push(LegendItem {
            swatch: Swatch::Fill(tint(palette::BLACK, 0.8)),
            label: "95 % interval (Wilson)".into(),
        });
        items.push(LegendItem {
            swatch: Swatch::Line(line(NET, Dash::Solid)),
            label: format!("median cumulative net by month {}", d.info.horizon),
        });
        items.push(LegendItem {
            swatch: Swatch::Fill(tint(NET, 0.75)),
            label: "90 % of trajectories (p5 to p95)".into(),
        });
        let y_end = legend(&panel, &items, px(12.0))?;
        let swept = if marked {
            format!(
                "Dots: the {} values swept; lines only join them.",
                d.values.len()
            )
        } else {
            format!(
                "Lines join the {} values swept (too many to mark each).",
                d.values.len()
            )
        };
        let mut paragraphs = vec![format!(
            "{swept} Every value uses the same random numbers, \
             so the differences between values come from {}, not from noise.",
            d.key
        )];
        if d.semi_passive.is_none() {
            paragraphs.push("The scenario defines no semi-passive income.".into());
        }
        paragraphs.extend(d.rule.clone());
        if let (Some(a), Some(b)) = (d.values.first(), d.values.last()) {
            paragraphs.push(format!(
                "{} from {} to {}.",
                d.key,
                value_text(*a),
                value_text(*b)
            ));
        }
        notes(&panel, &paragraphs, y_end + px(16.0))?;
        Ok(())
    })
}

/// `sweep.png`: a sweep's chart, drawn from its data.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepChart(pub SweepChartData);

impl Output for SweepChart {
    fn file_name(&self) -> &str {
        "sweep.png"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        draw_sweep(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::paired::{Distribution, FailureCauses, OutcomeStats};
    use crate::report::summary::Causes;
    use crate::report::sweep::SweepRow;

    fn row(value: f64, sp: f64, fail: f64, net: f64) -> SweepRow {
        SweepRow {
            value,
            stats: OutcomeStats {
                semi_passive_defined: true,
                semi_passive_probability: sp,
                semi_passive_ci95: [sp - 0.01, sp + 0.01],
                semi_passive_at_horizon: sp * 0.8,
                semi_passive_at_horizon_ci95: [sp * 0.8 - 0.01, sp * 0.8 + 0.01],
                median_month_semi_passive: None,
                median_month_semi_passive_if_reached: Some(9),
                failure_probability: fail,
                failure_ci95: [fail - 0.01, fail + 0.01],
                failure_causes: FailureCauses::Hustle(Causes {
                    abandoned: fail,
                    burned_out: 0.0,
                    deplatformed: 0.0,
                    unprofitable: 0.0,
                }),
                cumulative_net: Distribution {
                    mean: net,
                    p5: net - 1000.0,
                    p50: net,
                    p95: net + 3000.0,
                },
                owner_hours: None,
            },
        }
    }

    pub(crate) fn report(rows: Vec<SweepRow>) -> SweepReport {
        SweepReport {
            clamped: Vec::new(),
            overrides: Vec::new(),
            semi_passive_rule: None,
            scenario: "test".into(),
            key: "churn.monthly".into(),
            currency: "USD".into(),
            trajectories: 1000,
            seed: 1,
            horizon_months: 24,
            elapsed_seconds: 0.1,
            rows,
        }
    }

    #[test]
    fn rows_are_drawn_in_value_order_on_axes_that_hold_everything() {
        let r = report(vec![
            row(0.08, 0.30, 0.40, 2000.0),
            row(0.02, 0.55, 0.10, 9000.0),
            row(0.05, 0.45, 0.20, 5000.0),
        ]);
        let d = sweep_data(&r);
        assert_eq!(d.values, vec![0.02, 0.05, 0.08]);
        assert_eq!(
            d.semi_passive.as_ref().unwrap().share,
            vec![0.55, 0.45, 0.30]
        );
        for (got, want) in d.failure.high.iter().zip([0.11, 0.21, 0.41]) {
            assert!((got - want).abs() < 1e-12, "{got} {want}");
        }
        assert_eq!(d.net.1, vec![9000.0, 5000.0, 2000.0]);
        assert!(d.x.lo <= 0.02 && d.x.hi >= 0.08);
        assert!(d.p.lo == 0.0 && d.p.hi >= 0.56);
        assert!(d.money.lo <= 1000.0 && d.money.hi >= 12_000.0);
    }

    #[test]
    fn no_semi_passive_ribbon_without_a_definition_and_one_value_still_has_ranges() {
        let mut one = row(0.05, 0.0, 0.2, -50.0);
        one.stats.semi_passive_defined = false;
        let d = sweep_data(&report(vec![one]));
        assert!(d.semi_passive.is_none());
        assert!(d.x.hi > d.x.lo && d.money.hi > d.money.lo);
        assert!(d.money.lo <= -1050.0 && d.money.hi >= 0.0);
    }
}
