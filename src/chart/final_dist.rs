//! The final chart: how trajectories end up. Two histograms side by side:
//! cumulative net at the horizon with break-even marked, and the effective
//! hourly rate (cumulative net over cumulative hours) with the owner's
//! `owner.hourly_value` marked. Bars left of the mark are drawn in a warm
//! colour, the others in blue.
//!
//! Histograms come from the run's quantile sketches
//! ([`QuantileSketch::count_at_most`]), so they cost no memory per
//! trajectory. [`final_data`] computes what is drawn (plain numbers,
//! unit-tested); [`draw_final`] draws it.

use super::axis::{Axis, nice_step, widen};
use super::fan::threshold;
use super::frame::{
    self, AxisSpec, Canvas, Dash, LegendItem, LineLook, RunInfo, Swatch, draw_line, drawing, plot,
};
use super::style::{
    INK, MUTED, amount, anchored, bold, palette, px, share, size, text, text_width, tick_label,
    tint, width,
};
use crate::report::Summary;
use crate::report::summary::{HourlyRate, SeriesStats};
use crate::scenario::keys::Param;
use crate::sim::{Metric, RunResult};
use crate::stats::QuantileSketch;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Share of values left out at each end of a histogram, so that a few
/// extreme trajectories do not squeeze the rest into a couple of bars.
pub const TAIL: f64 = 0.005;
/// Bars per histogram, roughly.
pub const BINS: usize = 36;

/// A histogram: bins `[edges[i], edges[i + 1])` and the share of all values
/// in each. Bins are closed on the left, like break-even (cumulative net
/// >= 0): a value on an edge belongs to the bar on its right.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Bin edges, ascending, equally spaced on multiples of the bin width
    /// (so 0 is an edge whenever it lies inside).
    pub edges: Vec<f64>,
    /// Share of all values in each bin.
    pub shares: Vec<f64>,
    /// Share of values below the first edge.
    pub below: f64,
    /// Share of values at or above the last edge.
    pub above: f64,
    /// Number of values.
    pub count: u64,
}

/// A histogram of about `bins` bars covering the sketch's values from its
/// [`TAIL`] to its 1 - [`TAIL`] quantile; `None` for an empty sketch.
pub fn histogram(sketch: &QuantileSketch, bins: usize) -> Option<Histogram> {
    let n = sketch.count();
    let lo = sketch.quantile(TAIL)?;
    let hi = sketch.quantile(1.0 - TAIL)?;
    let (lo, hi) = widen(lo, hi);
    let step = nice_step((hi - lo) / bins.max(1) as f64);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).floor() as i64 + 1;
    let edges: Vec<f64> = (first..=last).map(|k| k as f64 * step + 0.0).collect();
    // Values strictly below each edge.
    let below: Vec<f64> = edges
        .iter()
        .map(|&e| sketch.count_at_most(e.next_down()))
        .collect();
    let shares = below
        .windows(2)
        .map(|w| ((w[1] - w[0]) / n as f64).max(0.0))
        .collect();
    Some(Histogram {
        below: below[0] / n as f64,
        above: (1.0 - below[below.len() - 1] / n as f64).max(0.0),
        edges,
        shares,
        count: n,
    })
}

/// A vertical line marking a value that matters.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Where.
    pub value: f64,
    /// Its label above the plot.
    pub label: String,
}

/// One of the two histograms of the final chart.
#[derive(Debug, Clone, PartialEq)]
pub struct DistPanel {
    /// Heading above the plot.
    pub heading: String,
    /// Description of the value axis.
    pub axis_desc: String,
    /// The histogram; `None` when there are no values.
    pub histogram: Option<Histogram>,
    /// The marked value: bars left of it are drawn warm.
    pub marker: Marker,
    /// Legend labels of the bars left of the marker and the others.
    pub sides: [String; 2],
    /// Value axis: the histogram and the marker.
    pub x: Axis,
    /// Share axis.
    pub y: Axis,
    /// Notes under the heading (quantiles, shares).
    pub notes: Vec<String>,
}

impl DistPanel {
    fn new(
        heading: String,
        axis_desc: String,
        histogram: Option<Histogram>,
        marker: Marker,
        sides: [String; 2],
        notes: Vec<String>,
    ) -> DistPanel {
        let (x, y) = match &histogram {
            Some(hg) => {
                let lo = hg.edges[0].min(marker.value);
                let hi = hg.edges[hg.edges.len() - 1].max(marker.value);
                let top = hg.shares.iter().copied().fold(0.0, f64::max);
                (Axis::tight(lo, hi, 8), Axis::tight(0.0, top, 6))
            }
            None => (
                Axis::tight(marker.value, marker.value, 4),
                Axis::tight(0.0, 1.0, 6),
            ),
        };
        DistPanel {
            heading,
            axis_desc,
            histogram,
            marker,
            sides,
            x,
            y,
            notes,
        }
    }
}

/// Everything the final chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct FinalData {
    /// Cumulative net at the horizon.
    pub cumulative: DistPanel,
    /// Effective hourly rate.
    pub hourly: DistPanel,
}

/// The data of the final chart.
pub fn final_data(r: &RunResult, s: &Summary) -> FinalData {
    final_data_of(r, &s.currency, &s.series.cumulative_net, &s.hourly_rate)
}

/// The data of the final chart from a run, its currency and its reported
/// cumulative net and hourly rate (a scenario's, or a portfolio person's).
pub fn final_data_of(r: &RunResult, cur: &str, cum: &SeriesStats, hr: &HourlyRate) -> FinalData {
    let h = r.horizon();
    let cum_sketch = r.sketch(Metric::CumulativeNet, h);
    let mut cum_notes = vec![format!(
        "Median {} {cur}; 90 % between {} and {} {cur}.",
        amount(cum.p50[h - 1]),
        amount(cum.p5[h - 1]),
        amount(cum.p95[h - 1]),
    )];
    if cum_sketch.count() > 0 {
        // Strictly below 0: at most the largest negative number.
        let below = cum_sketch.count_at_most(-f64::MIN_POSITIVE) / cum_sketch.count() as f64;
        cum_notes.push(format!(
            "{} of trajectories ended below break-even.",
            share(below)
        ));
    }
    let cumulative = DistPanel::new(
        format!("Cumulative net at month {h}"),
        format!("Cumulative net at month {h}, setup included ({cur})"),
        histogram(cum_sketch, BINS),
        Marker {
            value: 0.0,
            label: "break-even".into(),
        },
        ["lost money".into(), "broke even or better".into()],
        cum_notes,
    );

    let hv = threshold(&r.model, Param::HourlyValue);
    let hv_value = hv.map_or(0.0, |t| t.value);
    let hv_label = match hv {
        Some(t) if t.uncertain => format!("hourly value {} {cur}/h (median)", t.text()),
        _ => format!("hourly value {} {cur}/h", amount(hv_value)),
    };
    let mut hr_notes = Vec::new();
    if let (Some(p5), Some(p50), Some(p95)) = (hr.p5, hr.p50, hr.p95) {
        hr_notes.push(format!(
            "Median {} {cur}/h; 90 % between {} and {} {cur}/h.",
            amount(p50),
            amount(p5),
            amount(p95)
        ));
    }
    match hr.beats_hourly_value {
        Some(b) => hr_notes.push(format!(
            "{} of trajectories earned at least the owner's hourly value.",
            share(b)
        )),
        None => hr_notes.push("No trajectory worked any hours.".into()),
    }
    let hourly = DistPanel::new(
        "Effective hourly rate".into(),
        format!("Cumulative net / cumulative hours ({cur} per hour)"),
        histogram(&r.tally.hourly_rate, BINS),
        Marker {
            value: hv_value,
            label: hv_label,
        },
        ["below hourly value".into(), "at or above".into()],
        hr_notes,
    );
    FinalData { cumulative, hourly }
}

const BELOW: RGBColor = palette::VERMILLION;
const ABOVE: RGBColor = palette::BLUE;

fn bar_color(side_below: bool) -> RGBColor {
    tint(if side_below { BELOW } else { ABOVE }, 0.35)
}

const MARKER: LineLook = LineLook {
    color: palette::BLACK,
    width: width::REFERENCE,
    dash: Dash::Dashed,
};

fn draw_panel(root: &Canvas, area: &Canvas, p: &DistPanel) -> anyhow::Result<()> {
    let (w, _) = area.dim_in_pixel();
    let heading = anchored(bold(size::SUBTITLE + 2.0, INK), HPos::Left, VPos::Top);
    let left = px(8.0);
    area.draw_text(
        &super::style::fit(&p.heading, &heading, w as i32 - left),
        &heading,
        (left, px(4.0)),
    )
    .map_err(drawing)?;
    let mut y = px(36.0);
    let note_style = anchored(text(size::LEGEND, MUTED), HPos::Left, VPos::Top);
    for line in p
        .notes
        .iter()
        .flat_map(|n| super::style::wrap(n, &note_style, w as i32 - left))
    {
        area.draw_text(&line, &note_style, (left, y))
            .map_err(drawing)?;
        y += px(size::LEGEND * 1.35);
    }
    let Some(hg) = &p.histogram else {
        return Ok(());
    };
    let items = [
        LegendItem {
            swatch: Swatch::Fill(bar_color(true)),
            label: p.sides[0].clone(),
        },
        LegendItem {
            swatch: Swatch::Fill(bar_color(false)),
            label: p.sides[1].clone(),
        },
    ];
    y = frame::legend_row(area, &items, (left, y + px(4.0)))?;
    let plot_area = area.margin(y + px(4.0), 0, 0, 0);
    let (xs, ys) = (p.x.step, p.y.step * 100.0);
    let x_label = move |v: f64| tick_label(v, xs);
    let y_label = move |v: f64| format!("{} %", tick_label(v * 100.0, ys));
    let x = AxisSpec::plain(&p.x, p.axis_desc.clone(), &x_label);
    let yspec = AxisSpec::gridded(&p.y, "Share of trajectories per bar", &y_label);
    let mut chart = plot(&plot_area, &x, &yspec, 30.0)?;
    frame::draw_mesh(&mut chart, &x, &yspec)?;
    let gap = px(1.0).max(1) as u32;
    chart
        .draw_series(hg.shares.iter().enumerate().map(|(i, &share)| {
            let (a, b) = (hg.edges[i], hg.edges[i + 1]);
            // A bar is on the marker's left when its values are below it;
            // a bar that straddles it goes by its middle.
            let color = bar_color((a + b) / 2.0 < p.marker.value);
            let mut r = Rectangle::new([(a, 0.0), (b, share)], color.filled());
            r.set_margin(0, 0, gap, gap);
            r
        }))
        .map_err(drawing)?;
    let m = p.marker.value;
    draw_line(&mut chart, &[(m, p.y.lo), (m, p.y.hi)], MARKER)?;
    let (mx, top) = chart.backend_coord(&(m, p.y.hi));
    let label_style = anchored(text(size::TICK, INK), HPos::Center, VPos::Bottom);
    let half = text_width(&p.marker.label, &label_style) / 2;
    let (ax, _) = area.get_base_pixel();
    let lo = ax + half + px(4.0);
    let hi = ax + w as i32 - half - px(4.0);
    let cx = mx.clamp(lo, hi.max(lo));
    root.draw_text(&p.marker.label, &label_style, (cx, top - px(6.0)))
        .map_err(drawing)?;
    Ok(())
}

/// Draws the final chart and returns its PNG bytes.
pub fn draw_final(d: &FinalData, info: &RunInfo) -> anyhow::Result<Vec<u8>> {
    frame::render_png(|root| {
        let title = format!("{}: where trajectories end up", info.scenario);
        let what = format!("At month {}", info.horizon);
        let body = frame::header(root, &title, &info.subtitle(&what))?;
        let (w, _) = body.dim_in_pixel();
        let (left, right) = body.split_horizontally(w as i32 / 2);
        draw_panel(root, &left.margin(0, 0, 0, px(16.0)), &d.cumulative)?;
        draw_panel(root, &right.margin(0, 0, px(16.0), 0), &d.hourly)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch(values: impl IntoIterator<Item = f64>) -> QuantileSketch {
        let mut s = QuantileSketch::new();
        for v in values {
            s.insert(v);
        }
        s
    }

    #[test]
    fn histogram_shares_add_up_with_the_tails() {
        let s = sketch((0..10_000).map(|i| (i as f64 - 3000.0) * 1.37));
        let h = histogram(&s, BINS).unwrap();
        let total: f64 = h.shares.iter().sum::<f64>() + h.below + h.above;
        assert!((total - 1.0).abs() < 1e-9, "total {total}");
        assert!(h.below <= TAIL + 1e-3 && h.above <= TAIL + 1e-3);
        assert_eq!(h.edges.len(), h.shares.len() + 1);
        assert!(h.shares.len() >= BINS / 2 && h.shares.len() <= 2 * BINS + 2);
        // Edges are multiples of one step, so 0 is an edge.
        assert!(h.edges.contains(&0.0));
        let step = h.edges[1] - h.edges[0];
        assert!(
            h.edges
                .windows(2)
                .all(|w| ((w[1] - w[0]) - step).abs() < 1e-9)
        );
    }

    #[test]
    fn an_atom_at_the_low_end_is_counted_in_the_first_bar() {
        // 40 % of trajectories lose exactly 300 (say, a fixed setup cost).
        let s = sketch((0..1000).map(|i| if i < 400 { -300.0 } else { i as f64 }));
        let h = histogram(&s, 20).unwrap();
        assert_eq!(h.below, 0.0);
        assert!((h.shares[0] - 0.4).abs() < 1e-9, "{:?}", &h.shares[..3]);
    }

    #[test]
    fn a_value_on_an_edge_counts_to_the_right() {
        // Half the trajectories end exactly at break-even: they broke even,
        // so they belong to the bar starting at 0.
        let s = sketch((0..1000).map(|i| if i < 500 { 0.0 } else { -(i as f64) }));
        let h = histogram(&s, 20).unwrap();
        let zero = h.edges.iter().position(|&e| e == 0.0).unwrap();
        assert!((h.shares[zero] - 0.5).abs() < 1e-9, "{h:?}");
    }

    #[test]
    fn a_single_value_still_gets_a_bar() {
        let s = sketch(std::iter::repeat_n(42.0, 100));
        let h = histogram(&s, BINS).unwrap();
        let total: f64 = h.shares.iter().sum();
        assert!((total - 1.0).abs() < 1e-9);
        assert!(histogram(&QuantileSketch::new(), BINS).is_none());
    }

    #[test]
    fn axes_show_the_histogram_and_the_marker() {
        let s = sketch((0..1000).map(|i| i as f64 / 100.0)); // 0..10
        let hg = histogram(&s, BINS);
        let p = DistPanel::new(
            "h".into(),
            "x".into(),
            hg,
            Marker {
                value: 40.0,
                label: "hourly value".into(),
            },
            ["a".into(), "b".into()],
            vec![],
        );
        assert!(p.x.contains(40.0) && p.x.contains(0.0) && p.x.contains(10.0));
        let top = p
            .histogram
            .unwrap()
            .shares
            .iter()
            .copied()
            .fold(0.0, f64::max);
        assert!(p.y.lo == 0.0 && p.y.hi >= top);
    }
}
