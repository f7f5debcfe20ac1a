//! The tornado chart of a sensitivity analysis (`tornado.png`): one row per
//! parameter, largest range on top; in each row one bar from the metric at
//! the parameter's middle value (the baseline for a fixed parameter, the
//! metric at its median, marked, for an uncertain one) to the metric at
//! its low value and one to the metric at its high value, each labelled
//! with that input value; the baseline is a dashed line. A row's drawn
//! extent is its range, so the rows stand in the order they are ranked.
//!
//! [`tornado_data`] computes what is drawn (plain numbers and labels,
//! unit-tested); [`draw_tornado`] draws it.

use super::axis::Axis;
use super::frame::{
    self, AxisSpec, Dash, LegendItem, LineLook, RunInfo, Swatch, draw_line, drawing, legend, notes,
    panel_heading, plot,
};
use super::style::{
    HEIGHT, INK, MUTED, SUPERSAMPLE, WIDTH, anchored, decimals_for_step, palette, px, size, text,
    text_width, tick_label, width,
};
use crate::output::Output;
use crate::report::format::format_value;
use crate::sensitivity::{Analysis, Spread};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Rows the chart shows at most; the rest are in `sensitivity.csv`.
pub const MAX_ROWS: usize = 12;

/// One parameter's row.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoRow {
    /// The parameter's key, with " (p10, p50, p90)" when an uncertain
    /// parameter was pinned at its percentiles, and " *" when it is not
    /// monotone.
    pub label: String,
    /// Its low input value, as written on the chart.
    pub low_label: String,
    /// Its high input value, as written on the chart.
    pub high_label: String,
    /// The metric at the low value.
    pub metric_low: f64,
    /// The metric at the middle value, where both bars start.
    pub metric_mid: f64,
    /// The metric at the high value.
    pub metric_high: f64,
    /// Whether the middle value is an uncertain parameter's median (marked
    /// on the chart) rather than a fixed value's own (the baseline).
    pub median: bool,
}

impl TornadoRow {
    /// Whether none of the values moves the metric.
    pub fn no_effect(&self) -> bool {
        self.metric_low == self.metric_mid && self.metric_high == self.metric_mid
    }
}

/// Everything the tornado chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoData {
    /// What the metric is (the x axis description).
    pub metric: String,
    /// Whether the metric is a probability (ticks in %).
    pub probability: bool,
    /// What was analysed: "scenario" or "portfolio".
    pub subject: &'static str,
    /// The metric of the scenario (or portfolio) as it is.
    pub baseline: f64,
    /// The baseline as written on the chart.
    pub baseline_label: String,
    /// Rows, largest range first (drawn on top).
    pub rows: Vec<TornadoRow>,
    /// Parameters analysed but not shown (smaller ranges).
    pub hidden: usize,
    /// Parameters analysed whose range is exactly 0.
    pub no_effect: usize,
    /// Parameters shown that are not monotone (marked " *").
    pub not_monotone: usize,
    /// Whether a row shown is a key of an sbg churn, labelled with the
    /// churn at renewals 1, 6 and 12.
    pub churn_rows: bool,
    /// The semi-passive bar in words, when the metric is a share
    /// semi-passive.
    pub rule: Option<String>,
    /// How fixed values were moved, e.g. "-20 % and +20 %".
    pub swing_label: String,
    /// The metric axis: it spans the baseline and every bar's end.
    pub x: Axis,
}

/// The data of the tornado chart: the `max_rows` parameters with the
/// largest range, largest first.
pub fn tornado_data(a: &Analysis, max_rows: usize) -> TornadoData {
    let resolution = a.metric.resolution();
    let shown = &a.rows[..a.rows.len().min(max_rows)];
    let rows: Vec<TornadoRow> = shown
        .iter()
        .map(|r| {
            let median = r.spread == Spread::Percentiles;
            TornadoRow {
                label: format!(
                    "{}{}{}",
                    r.key(),
                    if median { " (p10, p50, p90)" } else { "" },
                    if r.monotone(resolution) { "" } else { " *" }
                ),
                low_label: value_label(r.low_value, r.churn.map(|c| c[0])),
                high_label: value_label(r.high_value, r.churn.map(|c| c[2])),
                metric_low: r.metric_low,
                metric_mid: r.metric_mid,
                metric_high: r.metric_high,
                median,
            }
        })
        .collect();
    let (lo, hi) = rows
        .iter()
        .flat_map(|r| [r.metric_low, r.metric_mid, r.metric_high])
        .fold((a.baseline, a.baseline), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let pct = a.swing * 100.0;
    TornadoData {
        subject: if a.portfolio { "portfolio" } else { "scenario" },
        metric: a.metric.describe(a.horizon, &a.currency),
        probability: a.metric.is_probability(),
        baseline: a.baseline,
        baseline_label: a.metric.format(a.baseline),
        hidden: a.rows.len() - rows.len(),
        rows,
        no_effect: a.no_effect(),
        not_monotone: shown.iter().filter(|r| !r.monotone(resolution)).count(),
        churn_rows: shown.iter().any(|r| r.churn.is_some()),
        rule: a.semi_passive_rule.clone(),
        swing_label: format!(
            "-{p} % and +{p} %",
            p = crate::report::format::format_number(pct, if pct.fract() == 0.0 { 0 } else { 1 })
        ),
        x: Axis::tight(lo, hi, 7),
    }
}

/// A bar's label: the input value, and for a key of an sbg churn the
/// churn at renewals 1, 6 and 12 there: `"13 (7.1/5.3/4.0 %)"`.
fn value_label(value: f64, churn: Option<[f64; 3]>) -> String {
    match churn {
        Some(h) => format!(
            "{} ({})",
            format_value(value),
            crate::report::sensitivity::churn_triple(&h)
        ),
        None => format_value(value),
    }
}

/// Colour of the bar to the metric at a parameter's low value.
pub const LOW: RGBColor = palette::BLUE;
/// Colour of the bar to the metric at a parameter's high value.
pub const HIGH: RGBColor = palette::ORANGE;

const BASELINE: LineLook = LineLook {
    color: INK,
    width: width::REFERENCE,
    dash: Dash::Dashed,
};

/// The mark of the metric at an uncertain parameter's median.
const MEDIAN: LineLook = LineLook {
    color: INK,
    width: width::MAIN,
    dash: Dash::Solid,
};

/// Space between a bar's end and its label, final pixels.
const LABEL_GAP: f64 = 6.0;

/// The side panel's legend.
fn panel_items(d: &TornadoData) -> [LegendItem; 4] {
    [
        LegendItem {
            swatch: Swatch::Fill(LOW),
            label: "parameter at its low value".into(),
        },
        LegendItem {
            swatch: Swatch::Fill(HIGH),
            label: "parameter at its high value".into(),
        },
        LegendItem {
            swatch: Swatch::Line(MEDIAN),
            label: "uncertain parameter at its median".into(),
        },
        LegendItem {
            swatch: Swatch::Line(BASELINE),
            label: format!("baseline: the {} as it is", d.subject),
        },
    ]
}

/// The side panel's notes below the legend: how to read the chart.
fn panel_notes(d: &TornadoData) -> Vec<String> {
    let mut paragraphs = vec![
        "Bars run from the metric at the middle value to the metric at the low and \
         the high value, labelled with the value there."
            .to_string(),
        format!(
            "Uncertain: its own p10, p50, p90. Fixed: its value, {} (a zero by a \
             related step). All runs share the baseline's random numbers.",
            d.swing_label
        ),
    ];
    if d.hidden > 0 {
        paragraphs.push(format!(
            "{} more, with smaller ranges, in sensitivity.csv.",
            d.hidden
        ));
    }
    if d.no_effect > 0 {
        paragraphs.push(format!(
            "{} have no effect at all (range exactly 0).",
            d.no_effect
        ));
    }
    if d.not_monotone > 0 {
        paragraphs
            .push("* Not monotone: the middle value beats both ends or trails both.".to_string());
    }
    if d.churn_rows {
        paragraphs.push(
            "Churn keys: the value (each customer's churn at renewals 1, 6 and 12 there)."
                .to_string(),
        );
    }
    paragraphs.extend(d.rule.clone());
    paragraphs
}

/// Draws the tornado chart and returns its PNG bytes: the usual canvas, or
/// a taller one when the side panel has more to say than fits.
pub fn draw_tornado(d: &TornadoData, info: &RunInfo) -> anyhow::Result<Vec<u8>> {
    let panel_w = px(frame::PANEL);
    let baseline_note = vec![format!("{}: {}", d.metric, d.baseline_label)];
    let paragraphs = panel_notes(d);
    let needed = px(30.0)
        + px(size::LEGEND * 1.6)
        + frame::notes_height(&baseline_note, panel_w)
        + px(6.0)
        + frame::legend_height(&panel_items(d), panel_w)
        + px(8.0)
        + frame::notes_height(&paragraphs, panel_w);
    let extra = (needed - frame::panel_height()).max(0);
    let height = HEIGHT + (extra as u32).div_ceil(SUPERSAMPLE);
    frame::render_png_sized(WIDTH, height, |root| {
        let title = format!("{}: which assumption matters most?", info.scenario);
        let what = format!(
            "Each parameter at a low, a middle and a high value, all else as in the {}",
            d.subject
        );
        let body = frame::header(root, &title, &info.subtitle(&what))?;
        let (plot_area, panel) = frame::split_panel(&body);

        let n = d.rows.len().max(1);
        let row_of = |v: f64| -> Option<&TornadoRow> {
            let i = n as i64 - 1 - v.floor() as i64;
            usize::try_from(i).ok().and_then(|i| d.rows.get(i))
        };
        let row_label = |v: f64| row_of(v).map(|r| r.label.clone()).unwrap_or_default();
        let y = AxisSpec {
            range: (0.0, n as f64),
            // Row i (0 on top) is centred at n - i - 0.5.
            ticks: (0..d.rows.len()).map(|i| (n - i) as f64 - 0.5).collect(),
            desc: String::new(),
            label: &row_label,
            grid: false,
        };
        let pct_decimals = decimals_for_step(d.x.step * 100.0);
        let x_label = |v: f64| {
            if d.probability {
                format!("{:.*} %", pct_decimals, v * 100.0)
            } else {
                tick_label(v, d.x.step)
            }
        };

        // Widen the metric axis so that the value labels beside the
        // outermost bars stay inside the plot: measure the plot's width
        // first, then add each side's widest label.
        let label_style = text(size::TICK, INK);
        let side_width = |left: bool| {
            d.rows
                .iter()
                .flat_map(|r| {
                    [
                        (r.metric_low, r.metric_mid, &r.low_label),
                        (r.metric_high, r.metric_mid, &r.high_label),
                    ]
                })
                .filter(|(m, c, _)| (m < c) == left)
                .map(|(_, _, l)| text_width(l, &label_style) + px(LABEL_GAP * 2.0))
                .max()
                .unwrap_or(0)
        };
        let (left_px, right_px) = (side_width(true), side_width(false));
        let probe = AxisSpec::gridded(&d.x, d.metric.clone(), &x_label);
        let plot_px = {
            let chart = plot(&plot_area, &probe, &y, 40.0)?;
            chart.plotting_area().dim_in_pixel().0 as f64
        };
        let span = d.x.hi - d.x.lo;
        let free = (plot_px - (left_px + right_px) as f64).max(plot_px * 0.3);
        let per_px = span / free;
        let x = AxisSpec {
            range: (
                d.x.lo - left_px as f64 * per_px,
                d.x.hi + right_px as f64 * per_px,
            ),
            ..probe
        };
        let mut chart = plot(&plot_area, &x, &y, 40.0)?;
        frame::draw_mesh(&mut chart, &x, &y)?;

        // Bars: the low value's in the upper half of its row, the high
        // value's in the lower half, both from the metric at the middle
        // value, which an uncertain parameter's row marks.
        let b = d.baseline;
        for (i, r) in d.rows.iter().enumerate() {
            let yc = (n - i) as f64 - 0.5;
            let c = r.metric_mid;
            for (m, label, color, (y0, y1)) in [
                (r.metric_low, &r.low_label, LOW, (yc + 0.03, yc + 0.36)),
                (r.metric_high, &r.high_label, HIGH, (yc - 0.36, yc - 0.03)),
            ] {
                if m != c {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(c.min(m), y0), (c.max(m), y1)],
                            color.filled(),
                        )))
                        .map_err(drawing)?;
                }
                if r.no_effect() {
                    continue;
                }
                let (ex, ey) = chart.backend_coord(&(m, (y0 + y1) / 2.0));
                let (h, dx) = if m < c {
                    (HPos::Right, -px(LABEL_GAP))
                } else {
                    (HPos::Left, px(LABEL_GAP))
                };
                let style = anchored(text(size::TICK, INK), h, VPos::Center);
                root.draw_text(label, &style, (ex + dx, ey))
                    .map_err(drawing)?;
            }
            if r.median {
                draw_line(&mut chart, &[(c, yc - 0.42), (c, yc + 0.42)], MEDIAN)?;
            }
            if r.no_effect() {
                let (ex, ey) = chart.backend_coord(&(c, yc));
                let style = anchored(text(size::TICK, MUTED), HPos::Left, VPos::Center);
                root.draw_text(
                    &format!("no effect ({} to {})", r.low_label, r.high_label),
                    &style,
                    (ex + px(LABEL_GAP), ey),
                )
                .map_err(drawing)?;
            }
        }
        draw_line(&mut chart, &[(b, 0.0), (b, n as f64)], BASELINE)?;
        let (bx, top) = chart.backend_coord(&(b, n as f64));
        let style = anchored(text(size::TICK, INK), HPos::Center, VPos::Bottom);
        root.draw_text(
            &format!("baseline {}", d.baseline_label),
            &style,
            (bx, top - px(8.0)),
        )
        .map_err(drawing)?;

        // Side panel: the baseline, the legend, how to read it.
        let mut y_pos = px(30.0);
        y_pos = panel_heading(&panel, "Baseline", y_pos)?;
        y_pos = notes(&panel, &baseline_note, y_pos)? + px(6.0);
        y_pos = legend(&panel, &panel_items(d), y_pos)?;
        notes(&panel, &paragraphs, y_pos + px(8.0))?;
        Ok(())
    })
}

/// `tornado.png`: the parameters that move a sensitivity analysis's metric most.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoChart {
    /// What is drawn.
    pub data: TornadoData,
    /// The baseline run's facts in the header.
    pub info: RunInfo,
}

impl Output for TornadoChart {
    fn file_name(&self) -> &str {
        "tornado.png"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        draw_tornado(&self.data, &self.info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::tests::png_size;
    use crate::scenario::keys::Param;
    use crate::sensitivity::{Metric, Row};
    use std::time::Duration;

    fn analysis(rows: Vec<Row>) -> Analysis {
        Analysis {
            clamped: Vec::new(),
            overrides: Vec::new(),
            semi_passive_rule: None,
            baseline_semi_passive: None,
            scenario: "test".into(),
            portfolio: false,
            currency: "USD".into(),
            horizon: 24,
            metric: Metric::SemiPassive,
            swing: 0.2,
            trajectories: 1000,
            seed: 1,
            baseline: 0.4,
            rows,
            runs: 5,
            elapsed: Duration::ZERO,
        }
    }

    fn row(p: Param, lo: f64, hi: f64) -> Row {
        Row {
            churn: None,
            param: p,
            hustle: None,
            low_value: 0.04,
            mid_value: 0.05,
            high_value: 0.06,
            metric_low: lo,
            metric_mid: 0.4,
            metric_high: hi,
            spread: Spread::Relative,
        }
    }

    fn sample() -> Analysis {
        analysis(vec![
            row(Param::ChurnMonthly, 0.55, 0.25),
            row(Param::PriceMonthly, 0.3, 0.48),
            row(Param::SetupCost, 0.41, 0.39),
            row(Param::HourlyValue, 0.4, 0.4),
        ])
    }

    #[test]
    fn rows_keep_the_analysis_order_and_labels() {
        let d = tornado_data(&sample(), 3);
        let labels: Vec<&str> = d.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            ["churn.monthly", "pricing.monthly", "setup.cost"],
            "largest first"
        );
        assert_eq!((d.hidden, d.no_effect), (1, 1));
        assert_eq!(
            (d.rows[0].low_label.as_str(), d.rows[0].high_label.as_str()),
            ("0.04", "0.06")
        );
        assert_eq!(d.baseline_label, "40.0 %");
        assert_eq!(d.metric, "P(semi-passive by month 24)");
        assert_eq!(d.swing_label, "-20 % and +20 %");
        let mut a = sample();
        a.rows[0].spread = Spread::Percentiles;
        assert_eq!(
            tornado_data(&a, 1).rows[0].label,
            "churn.monthly (p10, p50, p90)"
        );
        // A middle value that beats both ends is marked.
        a.rows[0].metric_mid = 0.7;
        let d = tornado_data(&a, 1);
        assert_eq!(d.rows[0].label, "churn.monthly (p10, p50, p90) *");
        assert_eq!(d.not_monotone, 1);
        assert!(d.x.hi >= 0.7, "the axis reaches the middle value's metric");
    }

    #[test]
    fn the_axis_spans_the_baseline_and_every_bar() {
        let d = tornado_data(&sample(), MAX_ROWS);
        assert!(d.x.lo <= 0.25 && d.x.hi >= 0.55, "{:?}", d.x);
        assert!(d.x.contains(d.baseline));
        assert!(d.rows[3].no_effect() && !d.rows[2].no_effect());
        // Nothing moves: the axis still has a width.
        let flat = tornado_data(&analysis(vec![row(Param::HourlyValue, 0.4, 0.4)]), 5);
        assert!(flat.x.hi > flat.x.lo);
    }

    #[test]
    fn draws_a_full_size_png_for_any_number_of_rows() {
        let info = RunInfo {
            scenario: "test".into(),
            currency: "USD".into(),
            trajectories: 1000,
            seed: 1,
            horizon: 24,
            setup_months: 1,
            overrides: Vec::new(),
        };
        for rows in [0, 1, 4] {
            let mut a = sample();
            a.rows.truncate(rows);
            if let Some(r) = a.rows.first_mut() {
                r.spread = Spread::Percentiles;
                r.metric_mid = 0.7;
            }
            let bytes = draw_tornado(&tornado_data(&a, MAX_ROWS), &info).unwrap();
            assert_eq!(
                png_size(&bytes),
                (super::super::style::WIDTH, super::super::style::HEIGHT)
            );
        }
    }
}
