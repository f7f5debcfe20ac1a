//! Fan charts: one monthly metric across all trajectories. The p5-p95 and
//! p25-p75 bands in two shades of one colour, the median solid, the mean
//! dashed, a few single trajectories as thin lines (one real path is
//! bumpier than the median), the setup months shaded, and reference lines
//! where they mean something. When the owner's capacity turns customers
//! away, the customers chart has a second plot below the first: customers
//! declined for want of hours, month by month ([`DeclinedData`]).
//!
//! [`fan_data`] computes what is drawn (plain numbers, unit-tested);
//! [`draw_fan`] draws it.

use super::axis::{Axis, at_positions, clip_polyline, extent, month_positions};
use super::frame::{
    self, AxisSpec, Dash, LegendItem, LineLook, RunInfo, Swatch, draw_line, drawing, legend, notes,
    plot,
};
use super::style::{
    MUTED, NO_BREAK, SETUP_SHADE, TRAJECTORY, amount, anchored, palette, px, share as share_text,
    size, text, tick_label, tint, width,
};
use crate::model::{Model, Origin};
use crate::report::format::format_number;
use crate::report::rule::semi_passive_rule;
use crate::report::summary::SeriesStats;
use crate::scenario::keys::Param;
use crate::sim::Metric;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The fan charts a run draws: the four of [`FanKind::ALL`] always, and
/// passivity when the run reports it.
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
    /// Passivity of each month, a share from 0 to 1 (docs/model.md, One
    /// trajectory, step 4); drawn only for runs that report it.
    Passivity,
}

impl FanKind {
    /// The fan charts every run draws, in the order they are written
    /// ([`FanKind::Passivity`] follows them when the run reports it).
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
            FanKind::Passivity => Metric::Passivity,
        }
    }

    /// File name in the run's output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            FanKind::NetIncome => "fan_net_income.png",
            FanKind::Customers => "fan_customers.png",
            FanKind::Hours => "fan_hours.png",
            FanKind::CumulativeNet => "fan_cumulative_net.png",
            FanKind::Passivity => "fan_passivity.png",
        }
    }

    /// What the chart shows, for its title.
    pub fn title(self) -> &'static str {
        match self {
            FanKind::NetIncome => "net income per month",
            FanKind::Customers => "active customers",
            FanKind::Hours => "hours worked per month",
            FanKind::CumulativeNet => "cumulative net income",
            FanKind::Passivity => "passivity by month",
        }
    }

    /// The value axis's description.
    pub fn axis_desc(self, currency: &str) -> String {
        match self {
            FanKind::NetIncome => format!("Net income per month ({currency})"),
            FanKind::Customers => "Active customers".into(),
            FanKind::Hours => "Hours per month".into(),
            FanKind::CumulativeNet => format!("Cumulative net, setup included ({currency})"),
            FanKind::Passivity => "Passivity of the month (%)".into(),
        }
    }

    /// Whether the values are whole numbers (ticks at least 1 apart).
    fn whole(self) -> bool {
        self == FanKind::Customers
    }

    /// Whether the values are shares from 0 to 1, shown in %.
    fn share(self) -> bool {
        self == FanKind::Passivity
    }
}

/// What a horizontal reference line marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// A semi-passive threshold (net floor or hours cap).
    SemiPassive,
    /// The burnout threshold on hours.
    Burnout,
    /// The owner's capacity in hours, beyond which new customers are
    /// declined.
    Capacity,
    /// Cumulative net of zero.
    BreakEven,
    /// Passivity of zero: a month that earned no more than its hours were
    /// worth at the owner's hourly value.
    HourlyValue,
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
    let value = model.bound(p).clamp(u.sampler().inverse_cdf(0.5));
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

    /// The value, a share, as a label shows it in %: whole percent when
    /// that is exact or when it is the median of a distribution (`"40 %"`),
    /// else with one decimal (`"42.5 %"`).
    pub fn percent_text(&self) -> String {
        percent(self.value, !self.uncertain)
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

/// A share in %: whole percent (`"40 %"`), or with one decimal
/// (`"42.5 %"`) when `exact` and whole percent would round it; the space
/// is a [`NO_BREAK`], so a wrapped label never starts a line with "%".
fn percent(share: f64, exact: bool) -> String {
    let p = share * 100.0;
    let decimals = if exact && (p - p.round()).abs() > 1e-9 {
        1
    } else {
        0
    };
    format!("{}{NO_BREAK}%", format_number(p, decimals))
}

/// `text` with the space before each "%" made a [`NO_BREAK`].
fn keep_percent_signs(text: &str) -> String {
    text.replace(" %", &format!("{NO_BREAK}%"))
}

/// The reference lines that mean something on a fan chart: the
/// semi-passive net floor on net income, the semi-passive hours cap, the
/// owner's capacity and the burnout threshold on hours, break-even on cumulative net, and on
/// passivity its 0 (no better than the owner's hourly value) and the
/// semi-passive minimum `semi_passive.min_passivity`.
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
            if model.capacity_enabled()
                && let Some(t) = threshold(model, Param::CapacityHoursMonthly)
            {
                refs.push(Reference {
                    kind: ReferenceKind::Capacity,
                    value: t.value,
                    label: format!(
                        "capacity: new customers declined beyond {} hours a month{}",
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
        FanKind::Passivity => {
            refs.push(Reference {
                kind: ReferenceKind::HourlyValue,
                value: 0.0,
                label: keep_percent_signs("0 %: no better than your hourly value"),
            });
            if semi_passive && let Some(t) = threshold(model, Param::SemiPassiveMinPassivity) {
                refs.push(Reference {
                    kind: ReferenceKind::SemiPassive,
                    value: t.value,
                    label: format!(
                        "semi-passive: passivity at least {}{}",
                        t.percent_text(),
                        t.note()
                    ),
                });
            }
        }
        _ => {}
    }
    refs
}

/// What a fan chart says about its metric beside the plot, beyond what
/// every fan chart says: for passivity, what it means, with the owner's
/// hourly value in `currency`; and on a chart that draws a limit of the
/// semi-passive bar, the whole bar ([`semi_passive_rule`]): one limit
/// alone is not the rule.
pub fn metric_notes(kind: FanKind, model: &Model, currency: &str) -> Vec<String> {
    let rule = references(kind, model, currency)
        .iter()
        .any(|r| r.kind == ReferenceKind::SemiPassive)
        .then(|| semi_passive_rule(model))
        .flatten()
        .map(|r| keep_percent_signs(&r));
    if kind != FanKind::Passivity {
        return rule.into_iter().collect();
    }
    let value = match threshold(model, Param::HourlyValue) {
        Some(t) if t.uncertain => format!(
            " ({} {currency} an hour at its median; each trajectory uses its own)",
            t.text()
        ),
        Some(t) => format!(" ({} {currency} an hour)", t.text()),
        None => String::new(),
    };
    let mut notes = vec![
        format!(
            "Passivity: the share of the month's net beyond what its hours \
             would earn at the owner's hourly value{value}."
        ),
        keep_percent_signs(
            "50 %: a net per hour twice the hourly value; 100 %: a month \
             without hours. Months with no positive net, setup months and \
             months after an end are at 0 %.",
        ),
    ];
    notes.extend(rule);
    notes
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
    /// What the chart says about its metric ([`metric_notes`]), before the
    /// notes every fan chart has.
    pub notes: Vec<String>,
    /// Customers declined for want of hours, drawn below the customers
    /// chart when the owner's capacity limits new customers.
    pub declined: Option<Box<DeclinedData>>,
}

impl FanData {
    /// The same chart with notes about its metric ([`metric_notes`]).
    pub fn with_notes(self, notes: Vec<String>) -> FanData {
        FanData { notes, ..self }
    }

    /// The same chart with a plot of declined customers below it.
    pub fn with_declined(self, declined: DeclinedData) -> FanData {
        FanData {
            declined: Some(Box::new(declined)),
            ..self
        }
    }
}

/// Customers declined for want of the owner's hours, month by month: the
/// second plot of the customers chart.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclinedData {
    /// Outer band: p5 and p95 by month, at the fan's month positions.
    pub outer: (Vec<f64>, Vec<f64>),
    /// Inner band: p25 and p75 by month.
    pub inner: (Vec<f64>, Vec<f64>),
    /// Median by month.
    pub median: Vec<f64>,
    /// Customers declined over the whole horizon, on average across
    /// trajectories (the sum of the monthly means).
    pub mean_total: f64,
    /// Those as a share of all customers who came, declined or accepted
    /// (ratio of the mean totals); `None` when none came.
    pub share: Option<f64>,
    /// The value axis: from 0, ticks at whole numbers.
    pub y: Axis,
}

/// The data of the declined customers' plot from the monthly statistics
/// of declined and of accepted (new) customers.
pub fn declined_data(declined: &SeriesStats, accepted: &SeriesStats) -> DeclinedData {
    let (lo, hi) = extent([&declined.p5[..], &declined.p95[..], &[0.0][..]]).unwrap_or((0.0, 0.0));
    let y = Axis::tight(lo, hi, 5);
    // Whole numbers: ticks at whole steps (2.5 becomes 5, anything below 1
    // becomes 1).
    let y = if y.step.fract() != 0.0 {
        let whole = (y.step * 2.0).max(1.0);
        y.at_least(whole)
    } else {
        y
    };
    let mean_total: f64 = declined.mean.iter().sum();
    let came = mean_total + accepted.mean.iter().sum::<f64>();
    DeclinedData {
        outer: (at_positions(&declined.p5), at_positions(&declined.p95)),
        inner: (at_positions(&declined.p25), at_positions(&declined.p75)),
        median: at_positions(&declined.p50),
        mean_total,
        share: (came > 0.0).then(|| mean_total / came),
        y,
    }
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
    let mut y = if kind.share() {
        share_axis(lo, hi)
    } else {
        Axis::tight(lo, hi, 9)
    };
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
        notes: Vec::new(),
        declined: None,
    }
}

/// Room below 0 on a share axis, as a share of its span: the 0 % line is a
/// labelled reference, kept clear of the month axis.
const SHARE_AXIS_FLOOR: f64 = 0.025;

/// The value axis of a share (passivity): snug around `lo..=hi` like the
/// others, 0 to 100 % when every value is 0, starting a little below 0 so
/// that the 0 % line shows, with ticks only from 0 up.
fn share_axis(lo: f64, hi: f64) -> Axis {
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let mut y = Axis::tight(lo - SHARE_AXIS_FLOOR * (hi - lo), hi, 9);
    y.ticks.retain(|&t| t >= 0.0);
    y
}

/// A tick label of a share axis: `"40 %"`, with as many decimals as the
/// step in % needs.
fn share_tick_label(v: f64, step: f64) -> String {
    format!("{} %", tick_label(v * 100.0, step * 100.0))
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
        ReferenceKind::Capacity => palette::BLUE,
        ReferenceKind::BreakEven => palette::VERMILLION,
        ReferenceKind::HourlyValue => palette::VERMILLION,
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
    let right = shade_setup_months(chart, setup_months, y)?;
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

/// Shades the setup months of a month-axis plot, without a label (for a
/// plot below one that has it), and returns the month position where they
/// end.
fn shade_setup_months(
    chart: &mut frame::Plot,
    setup_months: u32,
    y: (f64, f64),
) -> anyhow::Result<f64> {
    let right = setup_months as f64 + 0.5;
    if setup_months > 0 {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.5, y.0), (right, y.1)],
                SETUP_SHADE.filled(),
            )))
            .map_err(drawing)?;
    }
    Ok(right)
}

/// Draws a fan chart and returns its PNG bytes.
pub fn draw_fan(d: &FanData, info: &RunInfo) -> anyhow::Result<Vec<u8>> {
    frame::render_png(|root| {
        let title = match d.declined {
            None => format!("{}: {}", info.scenario, d.kind.title()),
            Some(_) => format!("{}: active and declined customers", info.scenario),
        };
        let what = "Bands, median and mean across all trajectories, month by month";
        let body = frame::header(root, &title, &info.subtitle(what))?;
        let (plot_area, panel) = frame::split_panel(&body);

        let step = d.y.step;
        let share = d.kind.share();
        let value_label = move |v: f64| {
            if share {
                share_tick_label(v, step)
            } else {
                tick_label(v, step)
            }
        };
        let y = AxisSpec::gridded(&d.y, d.kind.axis_desc(&info.currency), &value_label);
        let lower_top = match &d.declined {
            None => {
                let x = AxisSpec::months(d.horizon);
                let mut chart = plot(&plot_area, &x, &y, 34.0)?;
                draw_fan_plot(root, &mut chart, d, info, &x, &y)?;
                None
            }
            Some(declined) => Some(draw_with_declined(root, &plot_area, d, declined, info, &y)?),
        };
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
        let general = "Each month's band and median are taken across all trajectories; \
                       a single trajectory is bumpier than the median.";
        let mut paragraphs = d.notes.clone();
        paragraphs.push(general.to_string());
        if d.trajectories_cut {
            paragraphs.push("Single trajectories are cut off where they leave the plot.".into());
        }
        if !d.notes.is_empty() || d.declined.is_some() {
            // A chart with more to say drops the general note rather than
            // run past the bottom of the panel.
            let (w, h) = panel.dim_in_pixel();
            let below = d.declined.as_ref().map_or(0, |dec| {
                declined_legend_height(dec, info, w as i32) + px(8.0)
            });
            if y_end + px(16.0) + frame::notes_height(&paragraphs, w as i32) + below > h as i32 {
                paragraphs.retain(|p| p != general);
            }
        }
        let y_end = notes(&panel, &paragraphs, y_end + px(16.0))?;
        if let (Some(declined), Some(top)) = (&d.declined, lower_top) {
            declined_legend(&panel, declined, info, top.max(y_end + px(8.0)))?;
        }
        Ok(())
    })
}

/// Draws the fan itself in a plot: setup months, axes, bands, single
/// trajectories, reference lines, median and mean.
fn draw_fan_plot(
    root: &frame::Canvas,
    chart: &mut frame::Plot,
    d: &FanData,
    info: &RunInfo,
    x: &AxisSpec,
    y: &AxisSpec,
) -> anyhow::Result<()> {
    shade_setup(root, chart, info.setup_months, (d.y.lo, d.y.hi))?;
    frame::draw_mesh(chart, x, y)?;

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
        draw_line(chart, &x_ends, zero)?;
    }
    for pieces in &d.trajectories {
        for piece in pieces {
            draw_line(chart, piece, SINGLE)?;
        }
    }
    for r in &d.references {
        let pts = [(x_ends[0].0, r.value), (x_ends[1].0, r.value)];
        draw_line(chart, &pts, reference_look(r.kind))?;
    }
    let line = |v: &[f64]| -> Vec<(f64, f64)> {
        d.months.iter().copied().zip(v.iter().copied()).collect()
    };
    draw_line(chart, &line(&d.median), MEDIAN)?;
    draw_line(chart, &line(&d.mean), MEAN)?;
    Ok(())
}

/// Share of the plot area's height the customers' fan takes when declined
/// customers are drawn below it.
const UPPER_SHARE: f64 = 0.58;

/// Colour of the declined customers' bands and median.
const DECLINED_COLOR: RGBColor = palette::VERMILLION;

fn declined_outer_band() -> RGBColor {
    tint(DECLINED_COLOR, 0.78)
}

fn declined_inner_band() -> RGBColor {
    tint(DECLINED_COLOR, 0.5)
}

const DECLINED_MEDIAN: LineLook = LineLook {
    color: DECLINED_COLOR,
    width: width::MAIN,
    dash: Dash::Solid,
};

/// Draws the customers' fan in the upper part of `area` and the declined
/// customers below it, their value axes lined up; returns the top of the
/// lower plot (canvas pixels from the top of `area`), where its legend
/// goes in the side panel.
fn draw_with_declined(
    root: &frame::Canvas,
    area: &frame::Canvas,
    d: &FanData,
    declined: &DeclinedData,
    info: &RunInfo,
    y: &AxisSpec,
) -> anyhow::Result<i32> {
    let (_, height) = area.dim_in_pixel();
    let split = (height as f64 * UPPER_SHARE).round() as i32;
    let (upper, lower) = area.split_vertically(split);
    let step = declined.y.step;
    let count_label = move |v: f64| tick_label(v, step);
    let y_lower = AxisSpec::gridded(&declined.y, "Declined per month", &count_label);
    let y_area = frame::y_label_area(y).max(frame::y_label_area(&y_lower));
    // The month axis is described once, under the lower plot.
    let x_upper = AxisSpec {
        desc: String::new(),
        ..AxisSpec::months(d.horizon)
    };
    let mut chart = frame::plot_with_y_area(&upper, &x_upper, y, 34.0, y_area)?;
    draw_fan_plot(root, &mut chart, d, info, &x_upper, y)?;

    let x = AxisSpec::months(d.horizon);
    let top_margin = 8.0;
    let mut chart = frame::plot_with_y_area(&lower, &x, &y_lower, top_margin, y_area)?;
    shade_setup_months(
        &mut chart,
        info.setup_months,
        (declined.y.lo, declined.y.hi),
    )?;
    frame::draw_mesh(&mut chart, &x, &y_lower)?;
    for (band, color) in [
        (&declined.outer, declined_outer_band()),
        (&declined.inner, declined_inner_band()),
    ] {
        chart
            .draw_series(std::iter::once(Polygon::new(
                band_polygon(&d.months, &band.0, &band.1),
                color.filled(),
            )))
            .map_err(drawing)?;
    }
    let median: Vec<(f64, f64)> = d
        .months
        .iter()
        .copied()
        .zip(declined.median.iter().copied())
        .collect();
    draw_line(&mut chart, &median, DECLINED_MEDIAN)?;
    Ok(split + px(top_margin))
}

/// The heading of the declined customers' legend.
const DECLINED_HEADING: &str = "Below: declined for want of hours";

/// The legend entries of the declined customers' plot.
fn declined_items() -> [LegendItem; 3] {
    [
        LegendItem {
            swatch: Swatch::Fill(declined_outer_band()),
            label: "90 % of trajectories (p5 to p95)".into(),
        },
        LegendItem {
            swatch: Swatch::Fill(declined_inner_band()),
            label: "middle half (p25 to p75)".into(),
        },
        LegendItem {
            swatch: Swatch::Line(DECLINED_MEDIAN),
            label: "median declined per month".into(),
        },
    ]
}

/// The note under the declined customers' legend.
fn declined_note(d: &DeclinedData, info: &RunInfo) -> String {
    let total = format_number(d.mean_total, if d.mean_total < 10.0 { 1 } else { 0 });
    let of_all = match d.share {
        Some(s) => format!(", {} of all who came", keep_percent_signs(&share_text(s))),
        None => String::new(),
    };
    let months = match info.horizon {
        1 => "the 1 month".to_string(),
        h => format!("{h} months"),
    };
    format!(
        "New customers the owner had no hours for are lost, not queued: \
         on average {total} a trajectory over {months}{of_all}."
    )
}

/// Height (canvas pixels) of the declined customers' legend and note in a
/// panel `width` wide.
fn declined_legend_height(d: &DeclinedData, info: &RunInfo, width: i32) -> i32 {
    px(size::LEGEND * 1.6)
        + frame::legend_height(&declined_items(), width)
        + px(4.0)
        + frame::notes_height(&[declined_note(d, info)], width)
}

/// The legend and note of the declined customers' plot, in the side panel
/// from `y` (canvas pixels) down.
fn declined_legend(
    panel: &frame::Canvas,
    d: &DeclinedData,
    info: &RunInfo,
    y: i32,
) -> anyhow::Result<i32> {
    let y = frame::panel_heading(panel, DECLINED_HEADING, y)?;
    let y = legend(panel, &declined_items(), y)?;
    notes(panel, &[declined_note(d, info)], y + px(4.0))
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
                (ReferenceKind::SemiPassive, 30.0),
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

    /// A scenario with the owner's hours keys: a capacity and a minimum
    /// passivity, `extra` lines appended.
    fn owner_hours_model(extra: &str) -> Model {
        let mut s = Scenario::builtin_default();
        s.set("owner.capacity_hours_monthly=30").unwrap();
        s.set("semi_passive.min_passivity=0.425").unwrap();
        for a in extra.lines().filter(|l| !l.is_empty()) {
            s.set(a).unwrap();
        }
        s.model().unwrap()
    }

    #[test]
    fn passivity_has_its_zero_line_and_the_semi_passive_minimum() {
        let m = owner_hours_model("");
        let refs = references(FanKind::Passivity, &m, "USD");
        let lines: Vec<_> = refs.iter().map(|r| (r.kind, r.value)).collect();
        assert_eq!(
            lines,
            vec![
                (ReferenceKind::HourlyValue, 0.0),
                (ReferenceKind::SemiPassive, 0.425)
            ]
        );
        assert_eq!(
            refs[0].label,
            format!("0{NO_BREAK}%: no better than your hourly value")
        );
        assert_eq!(
            refs[1].label,
            format!("semi-passive: passivity at least 42.5{NO_BREAK}%")
        );
        // The minimum is drawn only when the scenario gives one.
        let mut s = Scenario::builtin_default();
        s.set("owner.capacity_hours_monthly=30").unwrap();
        s.set("semi_passive.min_passivity=").unwrap();
        let refs = references(FanKind::Passivity, &s.model().unwrap(), "USD");
        assert_eq!(refs.len(), 1);
        // Passivity's lines are on no other chart, and the other charts'
        // lines are not on passivity's.
        assert!(
            FanKind::ALL
                .iter()
                .flat_map(|&k| references(k, &m, "USD"))
                .all(|r| r.kind != ReferenceKind::HourlyValue)
        );
    }

    #[test]
    fn an_uncertain_minimum_passivity_is_drawn_at_its_median_and_says_so() {
        let m = owner_hours_model(
            "semi_passive.min_passivity={ dist = \"uniform\", min = 0.3, max = 0.6 }",
        );
        let refs = references(FanKind::Passivity, &m, "USD");
        assert!((refs[1].value - 0.45).abs() < 1e-12, "{refs:?}");
        assert_eq!(
            refs[1].label,
            format!(
                "semi-passive: passivity at least 45{NO_BREAK}% (median of its uncertain value)"
            )
        );
    }

    #[test]
    fn the_passivity_chart_says_what_passivity_is_with_the_hourly_value() {
        let m = owner_hours_model("owner.hourly_value=25");
        let notes = metric_notes(FanKind::Passivity, &m, "EUR");
        assert!(
            notes[0].starts_with(
                "Passivity: the share of the month's net beyond what its hours \
                 would earn at the owner's hourly value (25 EUR an hour)"
            ),
            "{notes:?}"
        );
        let m = owner_hours_model("owner.hourly_value=20 to 60");
        let notes = metric_notes(FanKind::Passivity, &m, "EUR");
        assert!(notes[0].contains("at its median; each trajectory uses its own"));
        // No "%" can start a wrapped line.
        assert!(notes.iter().all(|n| !n.contains(" %")), "{notes:?}");
        // Each chart that draws a limit of the semi-passive bar states the
        // whole bar; the others say nothing of their metric.
        let rule = crate::report::rule::semi_passive_rule(&m).unwrap();
        assert_eq!(notes.last(), Some(&keep_percent_signs(&rule)));
        // The default scenario caps hours too.
        for kind in [FanKind::NetIncome, FanKind::Hours] {
            assert_eq!(
                metric_notes(kind, &m, "EUR"),
                [keep_percent_signs(&rule)],
                "{kind:?}"
            );
        }
        for kind in [FanKind::Customers, FanKind::CumulativeNet] {
            assert!(metric_notes(kind, &m, "EUR").is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn the_passivity_axis_shows_zero_with_room_below_and_ticks_in_percent() {
        let s = SeriesStats {
            mean: vec![0.0, 0.2, 0.4],
            sd: vec![0.1; 3],
            p5: vec![0.0; 3],
            p25: vec![0.0, 0.1, 0.3],
            p50: vec![0.0, 0.2, 0.4],
            p75: vec![0.0, 0.3, 0.5],
            p95: vec![0.0, 0.4, 0.62],
        };
        let refs = vec![Reference {
            kind: ReferenceKind::HourlyValue,
            value: 0.0,
            label: "0".into(),
        }];
        let d = fan_data(FanKind::Passivity, &s, &[vec![0.0, 0.9, 0.1]], refs);
        assert!(d.y.lo < 0.0, "the 0 line is clear of the month axis");
        assert_eq!(d.y.ticks[0], 0.0, "no tick below 0 %");
        assert!(
            d.y.hi >= 0.62 && d.y.hi < 1.0,
            "snug, not 0 to 100 %: {:?}",
            d.y
        );
        assert_eq!(share_tick_label(0.3, 0.1), "30 %");
        assert_eq!(share_tick_label(0.025, 0.025), "2.5 %");
        // A run in which no month is ever passive still has a readable axis.
        let zero = stats(vec![0.0; 4], 0.0);
        let d = fan_data(FanKind::Passivity, &zero, &[], vec![]);
        assert!(
            d.y.lo < 0.0 && d.y.hi >= 1.0 && d.y.ticks[0] == 0.0,
            "{:?}",
            d.y
        );
    }

    #[test]
    fn declined_customers_have_whole_number_ticks_a_mean_total_and_a_share() {
        let declined = SeriesStats {
            mean: vec![1.0, 2.0, 3.0],
            sd: vec![1.0; 3],
            p5: vec![0.0; 3],
            p25: vec![0.0, 1.0, 1.0],
            p50: vec![1.0, 2.0, 3.0],
            p75: vec![2.0, 3.0, 4.0],
            p95: vec![3.0, 4.0, 7.0],
        };
        let accepted = stats(vec![4.0, 5.0, 9.0], 1.0); // means 4.1 + 5.1 + 9.1
        let d = declined_data(&declined, &accepted);
        assert_eq!(d.mean_total, 6.0);
        let came = 6.0 + 4.1 + 5.1 + 9.1;
        assert!((d.share.unwrap() - 6.0 / came).abs() < 1e-12);
        assert!(d.y.lo == 0.0 && d.y.hi >= 7.0, "{:?}", d.y);
        assert!(d.y.ticks.iter().all(|t| t.fract() == 0.0), "{:?}", d.y);
        // A range whose round step would be 2.5 gets whole ticks too.
        let wide = SeriesStats {
            p95: vec![12.0; 3],
            ..declined.clone()
        };
        let y = declined_data(&wide, &accepted).y;
        assert!(
            y.ticks.iter().all(|t| t.fract() == 0.0) && y.hi >= 12.0,
            "{y:?}"
        );
        assert_eq!(d.outer.1, vec![3.0, 4.0, 7.0]);
        assert_eq!(d.median, vec![1.0, 2.0, 3.0]);
        // Nobody came: no share to give.
        let none = stats(vec![0.0; 3], 0.0);
        let none = SeriesStats {
            mean: vec![0.0; 3],
            ..none
        };
        assert_eq!(declined_data(&none, &none).share, None);
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
