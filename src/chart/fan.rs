//! Fan charts: one monthly metric across all trajectories. The p5-p95 and
//! p25-p75 bands in two shades of one colour, the median solid, the mean
//! dashed, a few single trajectories as thin lines (one real path is
//! bumpier than the median), the setup months shaded, and reference lines
//! where they mean something.
//!
//! [`fan_data`] computes what is drawn (plain numbers, unit-tested);
//! [`draw_fan`] draws it.

use super::axis::{Axis, at_positions, clip_polyline, extent, month_positions};
use super::frame::{
    self, AxisSpec, Dash, LegendItem, LineLook, RunInfo, Swatch, draw_line, drawing, legend, notes,
    plot,
};
use super::style::{
    MUTED, SETUP_SHADE, TRAJECTORY, amount, anchored, palette, px, size, text, tick_label, tint,
    width,
};
use crate::model::{Model, Origin};
use crate::report::format::format_number;
use crate::report::summary::SeriesStats;
use crate::scenario::keys::Param;
use crate::sim::Metric;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The four fan charts a run draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FanKind {
    /// Net income per month.
    NetIncome,
    /// Active customers.
    Customers,
    /// Hours worked per month.
    Hours,
    /// Cumulative net, setup included.
    CumulativeNet,
}

impl FanKind {
    /// Every fan chart, in the order they are written.
    pub const ALL: [FanKind; 4] = [
        FanKind::NetIncome,
        FanKind::Customers,
        FanKind::Hours,
        FanKind::CumulativeNet,
    ];

    /// The metric shown.
    pub fn metric(self) -> Metric {
        match self {
            FanKind::NetIncome => Metric::NetIncome,
            FanKind::Customers => Metric::Customers,
            FanKind::Hours => Metric::Hours,
            FanKind::CumulativeNet => Metric::CumulativeNet,
        }
    }

    /// File name in the run's output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            FanKind::NetIncome => "fan_net_income.png",
            FanKind::Customers => "fan_customers.png",
            FanKind::Hours => "fan_hours.png",
            FanKind::CumulativeNet => "fan_cumulative_net.png",
        }
    }

    /// What the chart shows, for its title.
    pub fn title(self) -> &'static str {
        match self {
            FanKind::NetIncome => "net income per month",
            FanKind::Customers => "active customers",
            FanKind::Hours => "hours worked per month",
            FanKind::CumulativeNet => "cumulative net income",
        }
    }

    /// The value axis's description.
    pub fn axis_desc(self, currency: &str) -> String {
        match self {
            FanKind::NetIncome => format!("Net income per month ({currency})"),
            FanKind::Customers => "Active customers".into(),
            FanKind::Hours => "Hours per month".into(),
            FanKind::CumulativeNet => format!("Cumulative net, setup included ({currency})"),
        }
    }

    /// Whether the values are whole numbers (ticks at least 1 apart).
    fn whole(self) -> bool {
        self == FanKind::Customers
    }
}

/// What a horizontal reference line marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// A semi-passive threshold (net floor or hours cap).
    SemiPassive,
    /// The burnout threshold on hours.
    Burnout,
    /// Cumulative net of zero.
    BreakEven,
}

/// A horizontal reference line.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// What it marks.
    pub kind: ReferenceKind,
    /// Its height.
    pub value: f64,
    /// Its legend label.
    pub label: String,
}

/// A threshold parameter's value for a reference line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// The fixed value, or the median of the parameter's distribution
    /// (clamped into its valid range as draws are).
    pub value: f64,
    /// Whether the parameter is uncertain (so `value` is a median).
    pub uncertain: bool,
}

/// The value of a threshold parameter: fixed, or for an uncertain one the
/// median of its distribution; `None` when the scenario does not use it.
pub fn threshold(model: &Model, p: Param) -> Option<Threshold> {
    if model.origin(p) == Origin::Unused {
        return None;
    }
    let u = model.param(p);
    let value = p.spec().bound.clamp(u.sampler().inverse_cdf(0.5));
    Some(Threshold {
        value,
        uncertain: !u.is_fixed(),
    })
}

impl Threshold {
    /// The value as a label shows it: exact when fixed, rounded when it is
    /// the median of a distribution.
    pub fn text(&self) -> String {
        if self.uncertain {
            format_number(self.value, if self.value.abs() >= 10.0 { 0 } else { 1 })
        } else {
            amount(self.value)
        }
    }

    /// What to add to a label of an uncertain threshold.
    pub fn note(&self) -> &'static str {
        if self.uncertain {
            " (median of its uncertain value)"
        } else {
            ""
        }
    }
}

/// The reference lines that mean something on a fan chart: the
/// semi-passive net floor on net income, the semi-passive hours cap and the
/// burnout threshold on hours, break-even on cumulative net.
pub fn references(kind: FanKind, model: &Model, currency: &str) -> Vec<Reference> {
    let semi_passive = model.semi_passive_sustain_months.is_some();
    let mut refs = Vec::new();
    match kind {
        FanKind::NetIncome if semi_passive => {
            if let Some(t) = threshold(model, Param::SemiPassiveMinNet) {
                refs.push(Reference {
                    kind: ReferenceKind::SemiPassive,
                    value: t.value,
                    label: format!(
                        "semi-passive: net at least {} {currency} a month{}",
                        t.text(),
                        t.note()
                    ),
                });
            }
        }
        FanKind::Hours => {
            if semi_passive && let Some(t) = threshold(model, Param::SemiPassiveMaxHours) {
                refs.push(Reference {
                    kind: ReferenceKind::SemiPassive,
                    value: t.value,
                    label: format!(
                        "semi-passive: at most {} hours a month{}",
                        t.text(),
                        t.note()
                    ),
                });
            }
            if model.burnout_enabled()
                && let Some(t) = threshold(model, Param::BurnoutHoursMonthly)
            {
                refs.push(Reference {
                    kind: ReferenceKind::Burnout,
                    value: t.value,
                    label: format!(
                        "burnout: above {} hours for {} months in a row after launch{}",
                        t.text(),
                        model.burnout_after_months,
                        t.note()
                    ),
                });
            }
        }
        FanKind::CumulativeNet => refs.push(Reference {
            kind: ReferenceKind::BreakEven,
            value: 0.0,
            label: "break-even".into(),
        }),
        _ => {}
    }
    refs
}

/// How far single trajectories may stretch the value axis beyond the bands,
/// the mean and the reference lines, as a share of their span. Beyond that a
/// trajectory is cut at the edge of the plot, so that one extreme path does
/// not flatten the bands that summarise all of them.
pub const TRAJECTORY_ROOM: f64 = 0.25;

/// Everything a fan chart draws, in data units.
#[derive(Debug, Clone, PartialEq)]
pub struct FanData {
    /// Which chart.
    pub kind: FanKind,
    /// Months simulated, H.
    pub horizon: usize,
    /// Where each month's values are drawn ([`month_positions`]); every
    /// series below has one value per position.
    pub months: Vec<f64>,
    /// Outer band: p5 and p95 by month.
    pub outer: (Vec<f64>, Vec<f64>),
    /// Inner band: p25 and p75 by month.
    pub inner: (Vec<f64>, Vec<f64>),
    /// Median by month.
    pub median: Vec<f64>,
    /// Mean by month.
    pub mean: Vec<f64>,
    /// Single trajectories, each as the pieces that lie inside the value
    /// axis.
    pub trajectories: Vec<Vec<Vec<(f64, f64)>>>,
    /// Whether any trajectory was cut at the edge.
    pub trajectories_cut: bool,
    /// Reference lines.
    pub references: Vec<Reference>,
    /// The value axis.
    pub y: Axis,
}

/// The data of one fan chart: the metric's monthly statistics across all
/// trajectories, a few single trajectories (each an H-long row), and the
/// reference lines. The value axis always shows 0, the bands, the mean and
/// the reference lines, and the trajectories up to [`TRAJECTORY_ROOM`].
pub fn fan_data(
    kind: FanKind,
    stats: &SeriesStats,
    trajectories: &[Vec<f64>],
    references: Vec<Reference>,
) -> FanData {
    let h = stats.p50.len();
    let months = month_positions(h);
    let ref_values: Vec<f64> = references.iter().map(|r| r.value).collect();
    let (core_lo, core_hi) = extent([
        &stats.p5[..],
        &stats.p95[..],
        &stats.p25[..],
        &stats.p75[..],
        &stats.p50[..],
        &stats.mean[..],
        &ref_values[..],
        &[0.0][..],
    ])
    .unwrap_or((0.0, 0.0));
    let room = (core_hi - core_lo) * TRAJECTORY_ROOM;
    let (lo, hi) = match extent(trajectories.iter().map(|t| &t[..])) {
        Some((tlo, thi)) => (
            core_lo.min(tlo.max(core_lo - room)),
            core_hi.max(thi.min(core_hi + room)),
        ),
        None => (core_lo, core_hi),
    };
    let mut y = Axis::tight(lo, hi, 9);
    if kind.whole() {
        y = y.at_least(1.0);
    }
    let mut cut = false;
    let pieces = trajectories
        .iter()
        .map(|row| {
            let pts: Vec<(f64, f64)> = months.iter().copied().zip(at_positions(row)).collect();
            cut |= pts.iter().any(|p| !y.contains(p.1));
            clip_polyline(&pts, y.lo, y.hi)
        })
        .collect();
    FanData {
        kind,
        horizon: h,
        months,
        outer: (at_positions(&stats.p5), at_positions(&stats.p95)),
        inner: (at_positions(&stats.p25), at_positions(&stats.p75)),
        median: at_positions(&stats.p50),
        mean: at_positions(&stats.mean),
        trajectories: pieces,
        trajectories_cut: cut,
        references,
        y,
    }
}

/// The polygon of a band between a lower and an upper line.
pub fn band_polygon(xs: &[f64], lower: &[f64], upper: &[f64]) -> Vec<(f64, f64)> {
    let top = xs.iter().copied().zip(upper.iter().copied());
    let bottom = xs.iter().copied().zip(lower.iter().copied()).rev();
    top.chain(bottom).collect()
}

const BAND_COLOR: RGBColor = palette::BLUE;

fn outer_band() -> RGBColor {
    tint(BAND_COLOR, 0.78)
}

fn inner_band() -> RGBColor {
    tint(BAND_COLOR, 0.5)
}

const MEDIAN: LineLook = LineLook {
    color: palette::BLUE,
    width: width::MAIN,
    dash: Dash::Solid,
};

const MEAN: LineLook = LineLook {
    color: palette::BLACK,
    width: width::SECONDARY,
    dash: Dash::Dashed,
};

const SINGLE: LineLook = LineLook {
    color: TRAJECTORY,
    width: width::TRAJECTORY,
    dash: Dash::Solid,
};

fn reference_look(kind: ReferenceKind) -> LineLook {
    let color = match kind {
        ReferenceKind::SemiPassive => palette::BLUISH_GREEN,
        ReferenceKind::Burnout => palette::VERMILLION,
        ReferenceKind::BreakEven => palette::VERMILLION,
    };
    LineLook {
        color,
        width: width::REFERENCE,
        dash: Dash::Dotted,
    }
}

/// Shades the setup months of a month-axis plot and labels them above it.
pub fn shade_setup(
    root: &frame::Canvas,
    chart: &mut frame::Plot,
    setup_months: u32,
    y: (f64, f64),
) -> anyhow::Result<()> {
    if setup_months == 0 {
        return Ok(());
    }
    let right = setup_months as f64 + 0.5;
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(0.5, y.0), (right, y.1)],
            SETUP_SHADE.filled(),
        )))
        .map_err(drawing)?;
    let (x0, top) = chart.backend_coord(&(0.5, y.1));
    let (x1, _) = chart.backend_coord(&(right, y.1));
    let label = if setup_months == 1 {
        "setup".to_string()
    } else {
        format!("setup ({setup_months} months)")
    };
    let style = anchored(text(size::TICK, MUTED), HPos::Center, VPos::Bottom);
    let label = if super::style::text_width(&label, &style) <= x1 - x0 + px(40.0) {
        label
    } else {
        "setup".to_string()
    };
    root.draw_text(&label, &style, ((x0 + x1) / 2, top - px(6.0)))
        .map_err(drawing)
}

/// Draws a fan chart and returns its PNG bytes.
pub fn draw_fan(d: &FanData, info: &RunInfo) -> anyhow::Result<Vec<u8>> {
    frame::render_png(|root| {
        let title = format!("{}: {}", info.scenario, d.kind.title());
        let what = "Bands, median and mean across all trajectories, month by month";
        let body = frame::header(root, &title, &info.subtitle(what))?;
        let (plot_area, panel) = frame::split_panel(&body);

        let step = d.y.step;
        let value_label = move |v: f64| tick_label(v, step);
        let x = AxisSpec::months(d.horizon);
        let y = AxisSpec::gridded(&d.y, d.kind.axis_desc(&info.currency), &value_label);
        let mut chart = plot(&plot_area, &x, &y, 34.0)?;
        shade_setup(root, &mut chart, info.setup_months, (d.y.lo, d.y.hi))?;
        frame::draw_mesh(&mut chart, &x, &y)?;

        for (band, color) in [(&d.outer, outer_band()), (&d.inner, inner_band())] {
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band_polygon(&d.months, &band.0, &band.1),
                    color.filled(),
                )))
                .map_err(drawing)?;
        }
        let x_ends = [(0.5, 0.0), (d.horizon as f64 + 0.5, 0.0)];
        if d.y.lo < 0.0 && !d.references.iter().any(|r| r.value == 0.0) {
            let zero = LineLook {
                color: MUTED,
                width: 1.0,
                dash: Dash::Solid,
            };
            draw_line(&mut chart, &x_ends, zero)?;
        }
        for pieces in &d.trajectories {
            for piece in pieces {
                draw_line(&mut chart, piece, SINGLE)?;
            }
        }
        for r in &d.references {
            let pts = [(x_ends[0].0, r.value), (x_ends[1].0, r.value)];
            draw_line(&mut chart, &pts, reference_look(r.kind))?;
        }
        let line = |v: &[f64]| -> Vec<(f64, f64)> {
            d.months.iter().copied().zip(v.iter().copied()).collect()
        };
        draw_line(&mut chart, &line(&d.median), MEDIAN)?;
        draw_line(&mut chart, &line(&d.mean), MEAN)?;
        let mut items = vec![
            LegendItem {
                swatch: Swatch::Fill(outer_band()),
                label: "90 % of trajectories (p5 to p95)".into(),
            },
            LegendItem {
                swatch: Swatch::Fill(inner_band()),
                label: "middle half (p25 to p75)".into(),
            },
            LegendItem {
                swatch: Swatch::Line(MEDIAN),
                label: "median".into(),
            },
            LegendItem {
                swatch: Swatch::Line(MEAN),
                label: "mean".into(),
            },
        ];
        if !d.trajectories.is_empty() {
            items.push(LegendItem {
                swatch: Swatch::Line(LineLook {
                    width: 2.0,
                    ..SINGLE
                }),
                label: format!("{} single trajectories", d.trajectories.len()),
            });
        }
        items.extend(d.references.iter().map(|r| LegendItem {
            swatch: Swatch::Line(reference_look(r.kind)),
            label: r.label.clone(),
        }));
        if info.setup_months > 0 {
            items.push(LegendItem {
                swatch: Swatch::Fill(SETUP_SHADE),
                label: "setup months: building, no revenue".into(),
            });
        }
        let y_end = legend(&panel, &items, px(34.0))?;
        let mut paragraphs = vec![
            "Each month's band and median are taken across all trajectories; \
             a single trajectory is bumpier than the median."
                .to_string(),
        ];
        if d.trajectories_cut {
            paragraphs.push("Single trajectories are cut off where they leave the plot.".into());
        }
        notes(&panel, &paragraphs, y_end + px(16.0))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn stats(p50: Vec<f64>, spread: f64) -> SeriesStats {
        let shift = |d: f64| p50.iter().map(|v| v + d).collect::<Vec<_>>();
        SeriesStats {
            mean: shift(0.1 * spread),
            sd: vec![spread; p50.len()],
            p5: shift(-2.0 * spread),
            p25: shift(-spread),
            p50: p50.clone(),
            p75: shift(spread),
            p95: shift(2.0 * spread),
        }
    }

    #[test]
    fn axis_shows_bands_mean_references_and_zero() {
        let s = stats(vec![100.0, 200.0, 300.0], 50.0);
        let refs = vec![Reference {
            kind: ReferenceKind::SemiPassive,
            value: 800.0,
            label: "x".into(),
        }];
        let d = fan_data(FanKind::NetIncome, &s, &[], refs);
        assert!(d.y.lo <= 0.0, "zero is on the axis");
        assert!(d.y.hi >= 800.0, "the reference line is on the axis");
        assert!(d.y.contains(400.0) && d.y.contains(0.0));
        assert_eq!(d.months, vec![1.0, 2.0, 3.0]);
        assert_eq!(d.horizon, 3);
        assert_eq!(d.outer.1, vec![200.0, 300.0, 400.0]);
    }

    #[test]
    fn extreme_trajectories_are_cut_not_allowed_to_flatten_the_bands() {
        let s = stats(vec![100.0; 4], 10.0); // bands 80..120 plus 0
        let wild = vec![100.0, 10_000.0, 100.0, 100.0];
        let d = fan_data(FanKind::NetIncome, &s, &[wild], vec![]);
        // Core span 0..120; room 30 -> axis up to about 150.
        assert!(d.y.hi <= 200.0, "axis {:?}", d.y);
        assert!(d.trajectories_cut);
        assert_eq!(d.trajectories[0].len(), 2, "cut into two pieces");
        for piece in &d.trajectories[0] {
            assert!(piece.iter().all(|p| d.y.contains(p.1)));
        }
        // A tame trajectory stretches the axis instead.
        let tame = vec![100.0, 140.0, 100.0, 100.0];
        let d = fan_data(FanKind::NetIncome, &s, &[tame], vec![]);
        assert!(d.y.hi >= 140.0 && !d.trajectories_cut);
        assert_eq!(d.trajectories[0].len(), 1);
    }

    #[test]
    fn customers_ticks_are_whole_numbers_and_flat_series_get_a_range() {
        let s = stats(vec![0.0, 1.0, 1.0], 0.2);
        let d = fan_data(FanKind::Customers, &s, &[], vec![]);
        assert!(d.y.step >= 1.0);
        let flat = stats(vec![0.0; 5], 0.0);
        let d = fan_data(FanKind::Customers, &flat, &[], vec![]);
        assert!(d.y.hi > d.y.lo);
    }

    #[test]
    fn a_one_month_horizon_is_drawn_across_the_month() {
        let s = stats(vec![-80.0], 10.0);
        let d = fan_data(FanKind::NetIncome, &s, &[vec![-75.0]], vec![]);
        assert_eq!((d.horizon, d.months.len()), (1, 2));
        assert_eq!(d.median, vec![-80.0, -80.0]);
        assert_eq!(d.trajectories[0], vec![vec![(0.7, -75.0), (1.3, -75.0)]]);
    }

    #[test]
    fn band_polygon_goes_out_along_the_top_and_back_along_the_bottom() {
        let p = band_polygon(&[1.0, 2.0], &[0.0, 1.0], &[5.0, 6.0]);
        assert_eq!(p, vec![(1.0, 5.0), (2.0, 6.0), (2.0, 1.0), (1.0, 0.0)]);
    }

    #[test]
    fn reference_lines_follow_the_scenario() {
        let m = Scenario::builtin_default().model().unwrap();
        let net = references(FanKind::NetIncome, &m, "USD");
        assert_eq!(net.len(), 1);
        assert_eq!(net[0].value, 500.0);
        assert_eq!(net[0].label, "semi-passive: net at least 500 USD a month");
        let hours = references(FanKind::Hours, &m, "USD");
        let kinds: Vec<_> = hours.iter().map(|r| (r.kind, r.value)).collect();
        assert_eq!(
            kinds,
            vec![
                (ReferenceKind::SemiPassive, 15.0),
                (ReferenceKind::Burnout, 60.0)
            ]
        );
        assert!(references(FanKind::Customers, &m, "USD").is_empty());
        let cum = references(FanKind::CumulativeNet, &m, "USD");
        assert_eq!(cum[0].value, 0.0);
    }

    #[test]
    fn uncertain_thresholds_are_drawn_at_their_median_and_say_so() {
        let mut s = Scenario::builtin_default();
        s.set("semi_passive.min_net_monthly=400 to 900").unwrap();
        let m = s.model().unwrap();
        let refs = references(FanKind::NetIncome, &m, "USD");
        let expected = (400.0f64 * 900.0).sqrt(); // the lognormal's median
        assert!((refs[0].value - expected).abs() < 1e-6, "{refs:?}");
        assert!(refs[0].label.ends_with("(median of its uncertain value)"));
    }

    #[test]
    fn no_semi_passive_lines_without_a_semi_passive_section() {
        let m = Scenario::parse("name = \"bare\"", "test", "bare")
            .unwrap()
            .model()
            .unwrap();
        assert!(references(FanKind::NetIncome, &m, "USD").is_empty());
        assert!(references(FanKind::Hours, &m, "USD").is_empty());
    }
}
