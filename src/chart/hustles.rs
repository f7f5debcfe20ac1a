//! The hustles chart of a portfolio (`hustles.png`): how each hustle adds
//! to the person's income, month by month (its mean net income, which add
//! up to the person's mean), and how each ends by the horizon: still
//! running, or failed and why.
//!
//! [`hustles_data`] computes what is drawn (plain numbers, unit-tested);
//! [`draw_hustles`] draws it.

use super::axis::{Axis, at_positions, extent, month_positions};
use super::compare::scenario_look;
use super::fan::keep_percent_signs;
use super::frame::{
    self, AxisSpec, LegendItem, LineLook, RunInfo, Swatch, draw_line, legend, notes, panel_heading,
    plot,
};
use super::style::{INK, px, share, tick_label, width};
use crate::report::portfolio::PortfolioSummary;
use crate::sim::FailureCause;

/// How one hustle ended by the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct HustleEnd {
    /// "1. Niche SaaS tool, from month 3".
    pub label: String,
    /// Share of trajectories in which it still ran at the horizon.
    pub running: f64,
    /// Its failure causes that occurred, with their shares, largest first.
    pub causes: Vec<(FailureCause, f64)>,
}

/// Everything the hustles chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct HustlesData {
    /// Months simulated, H.
    pub horizon: usize,
    /// Where each month's values are drawn.
    pub months: Vec<f64>,
    /// Each hustle's mean net income by month, on the person's calendar.
    pub mean_net: Vec<Vec<f64>>,
    /// The person's mean net income by month: the sum of the hustles'.
    pub total: Vec<f64>,
    /// How each hustle ended.
    pub ends: Vec<HustleEnd>,
    /// The value axis.
    pub y: Axis,
}

/// The data of the hustles chart, from a portfolio run's summary.
pub fn hustles_data(p: &PortfolioSummary) -> HustlesData {
    let h = p.horizon_months as usize;
    let mean_net: Vec<Vec<f64>> = p
        .hustles
        .iter()
        .map(|hs| at_positions(&hs.series.net_income.mean))
        .collect();
    let total = at_positions(&p.series.net_income.mean);
    let (lo, hi) = extent(
        mean_net
            .iter()
            .map(Vec::as_slice)
            .chain([total.as_slice(), &[0.0][..]]),
    )
    .unwrap_or((0.0, 1.0));
    let ends = p
        .hustles
        .iter()
        .enumerate()
        .map(|(j, hs)| {
            let mut causes: Vec<(FailureCause, f64)> = FailureCause::ALL
                .iter()
                .map(|&c| (c, hs.failure.causes.get(c)))
                .filter(|(_, s)| *s > 0.0)
                .collect();
            causes.sort_by(|a, b| b.1.total_cmp(&a.1));
            HustleEnd {
                label: format!("{}. {}, from month {}", j + 1, hs.name, hs.start_month),
                running: hs.running_at_horizon,
                causes,
            }
        })
        .collect();
    HustlesData {
        horizon: h,
        months: month_positions(h),
        mean_net,
        total,
        ends,
        y: Axis::tight(lo, hi, 8),
    }
}

/// The person's total.
const TOTAL: LineLook = LineLook {
    color: INK,
    width: width::MAIN + 1.0,
    dash: frame::Dash::Solid,
};

/// Draws the hustles chart and returns its PNG bytes.
pub fn draw_hustles(d: &HustlesData, info: &RunInfo) -> anyhow::Result<Vec<u8>> {
    frame::render_png(|root| {
        let title = format!("{}: each hustle's part", info.scenario);
        let what = "Mean net income by month, across all trajectories";
        let body = frame::header(root, &title, &info.subtitle(what))?;
        let (plot_area, panel) = frame::split_panel(&body);
        let step = d.y.step;
        let label = move |v: f64| tick_label(v, step);
        let x = AxisSpec::months(d.horizon);
        let y = AxisSpec::gridded(
            &d.y,
            format!("Mean net income per month ({})", info.currency),
            &label,
        );
        let mut chart = plot(&plot_area, &x, &y, 34.0)?;
        frame::draw_mesh(&mut chart, &x, &y)?;
        let line = |v: &[f64]| -> Vec<(f64, f64)> {
            d.months.iter().copied().zip(v.iter().copied()).collect()
        };
        for (j, net) in d.mean_net.iter().enumerate() {
            draw_line(&mut chart, &line(net), scenario_look(j))?;
        }
        draw_line(&mut chart, &line(&d.total), TOTAL)?;

        let mut items = vec![LegendItem {
            swatch: Swatch::Line(TOTAL),
            label: "the person: all hustles together".into(),
        }];
        for (j, end) in d.ends.iter().enumerate() {
            items.push(LegendItem {
                swatch: Swatch::Line(scenario_look(j)),
                label: end.label.clone(),
            });
        }
        let mut y_pos = legend(&panel, &items, px(30.0))?;
        y_pos = panel_heading(&panel, &format!("By month {}", d.horizon), y_pos)?;
        let lines: Vec<String> = d
            .ends
            .iter()
            .map(|e| {
                let failed: Vec<String> = e
                    .causes
                    .iter()
                    .map(|(c, s)| format!("{} {}", c.name().replace('_', " "), share(*s)))
                    .collect();
                keep_percent_signs(&format!(
                    "{}: running {}{}",
                    e.label.split(',').next().unwrap_or(&e.label),
                    share(e.running),
                    if failed.is_empty() {
                        String::new()
                    } else {
                        format!("; failed: {}", failed.join(", "))
                    }
                ))
            })
            .collect();
        let mut lines = lines;
        lines
            .push("A hustle is 0 before its start month. The means add up to the person's.".into());
        // What does not fit below the legend is left out, not clipped.
        let width = panel.dim_in_pixel().0 as i32;
        while !lines.is_empty()
            && y_pos + frame::notes_height(&lines, width) > frame::panel_height()
        {
            lines.pop();
        }
        notes(&panel, &lines, y_pos)?;
        Ok(())
    })
}
