//! The charts of `compare`:
//!
//! - `compare.png`: net income per month of every scenario, its median as
//!   a line and its middle half (p25-p75) as a translucent band, one colour
//!   and dash each;
//! - `diff_fan.png`: the paired difference in cumulative net, each other
//!   scenario minus the first, trajectory by trajectory, month by month:
//!   p5-p95 and p25-p75 bands, median and mean, around a line at zero.
//!
//! [`compare_data`] and [`diff_fan_data`] compute what is drawn (plain
//! numbers, unit-tested); [`draw_compare`] and [`draw_diff_fan`] draw it.

use super::axis::{Axis, at_positions, extent, month_positions};
use super::fan::{band_polygon, shade_setup};
use super::frame::{
    self, AxisSpec, Dash, LegendItem, LineLook, MARGIN, PANEL, RunInfo, Swatch, draw_line, drawing,
    notes, plot,
};
use super::style::{
    HEIGHT, MUTED, SETUP_SHADE, SUPERSAMPLE, WIDTH, palette, px, tick_label, tint, width,
};
use crate::error::InputError;
use crate::output::Output;
use crate::report::compare::CompareReport;
use crate::sim::paired::PairedResult;
use plotters::prelude::*;

/// Colours of the scenarios, in order (Okabe-Ito, yellow left out: it does
/// not read on white); past the last they repeat with another dash.
pub const COLORS: [RGBColor; 7] = [
    palette::BLUE,
    palette::VERMILLION,
    palette::BLUISH_GREEN,
    palette::REDDISH_PURPLE,
    palette::ORANGE,
    palette::SKY_BLUE,
    palette::BLACK,
];

/// The line of scenario `i`: its colour, and a dash that also tells it
/// apart without colour.
pub fn scenario_look(i: usize) -> LineLook {
    LineLook {
        color: COLORS[i % COLORS.len()],
        width: width::MAIN,
        dash: [Dash::Solid, Dash::Dashed, Dash::Dotted][i % 3],
    }
}

/// Most scenarios a comparison's charts draw: each has a look of its own
/// (one of 7 colours and one of 3 dash patterns), so that no line can be
/// taken for another. A comparison of more is refused unless it draws no
/// charts ([`check_scenario_count`]).
pub const MAX_SCENARIOS: usize = COLORS.len() * 3;

/// Most scenarios whose bands are drawn: beyond, the bands cover one
/// another and the lines, and only the lines are drawn.
pub const MAX_BANDED: usize = 4;

/// Refuses a comparison of more scenarios than its charts can tell apart
/// ([`MAX_SCENARIOS`]): bad input naming the number and the limit, and
/// how to compare them all without charts.
pub fn check_scenario_count(n: usize) -> Result<(), InputError> {
    if n <= MAX_SCENARIOS {
        return Ok(());
    }
    Err(InputError::new(format!(
        "compare: {n} scenarios; its charts tell at most {MAX_SCENARIOS} apart \
         ({} colours, 3 dash patterns). Compare at most {MAX_SCENARIOS}, or add --no-charts \
         to compare all {n} in compare.json and the table",
        COLORS.len()
    ))
    .with_source("compare")
    .with_value(n.to_string())
    .with_allowed(format!("at most {MAX_SCENARIOS} scenarios with charts")))
}

/// The header facts of the comparison charts.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareInfo {
    /// Facts of the run (the first scenario's name and currency).
    pub run: RunInfo,
    /// Label of the first scenario.
    pub first: String,
}

impl CompareInfo {
    /// The facts of a comparison; `setup_months` of the first scenario.
    pub fn new(r: &CompareReport, setup_months: u32) -> Self {
        CompareInfo {
            run: RunInfo {
                scenario: r.scenarios[0].name.clone(),
                currency: r.currency.clone(),
                trajectories: r.trajectories,
                seed: r.seed,
                horizon: r.horizon_months,
                setup_months,
                // Each variant's overrides are in its label.
                overrides: Vec::new(),
            },
            first: r.scenarios[0].label.clone(),
        }
    }
}

/// Monthly series of the reported percentiles (p5, p25, p50, p75, p95) of
/// each month.
fn monthly(by_month: &[[f64; 5]]) -> Vec<Vec<f64>> {
    (0..5)
        .map(|i| at_positions(&by_month.iter().map(|v| v[i]).collect::<Vec<_>>()))
        .collect()
}

/// One scenario's net income by month.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioBand {
    /// Its label.
    pub label: String,
    /// p25 by month.
    pub p25: Vec<f64>,
    /// Median by month.
    pub p50: Vec<f64>,
    /// p75 by month.
    pub p75: Vec<f64>,
}

/// Everything `compare.png` draws, in data units.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareChartData {
    /// Months simulated.
    pub horizon: usize,
    /// Where each month is drawn.
    pub months: Vec<f64>,
    /// Every scenario, in order.
    pub scenarios: Vec<ScenarioBand>,
    /// Setup months shaded: those of every scenario when they agree, else
    /// none.
    pub setup_months: u32,
    /// The value axis.
    pub y: Axis,
}

/// The data of `compare.png` (the paired run must have collected monthly
/// figures).
pub fn compare_data(r: &PairedResult, labels: &[String]) -> CompareChartData {
    let scenarios: Vec<ScenarioBand> = r
        .variants
        .iter()
        .zip(labels)
        .map(|(v, label)| {
            let q = monthly(&v.net_income_percentiles);
            ScenarioBand {
                label: label.clone(),
                p25: q[1].clone(),
                p50: q[2].clone(),
                p75: q[3].clone(),
            }
        })
        .collect();
    let setup = r.variants[0].model.setup_months;
    let same_setup = r.variants.iter().all(|v| v.model.setup_months == setup);
    // The axis holds what is drawn: the bands, or for many scenarios the
    // lines alone.
    let banded = scenarios.len() <= MAX_BANDED;
    let all = scenarios
        .iter()
        .flat_map(|s| {
            if banded {
                vec![&s.p25[..], &s.p75[..]]
            } else {
                vec![&s.p50[..]]
            }
        })
        .chain([&[0.0][..]]);
    let (lo, hi) = extent(all).unwrap_or((0.0, 1.0));
    CompareChartData {
        horizon: r.horizon,
        months: month_positions(r.horizon),
        scenarios,
        setup_months: if same_setup { setup } else { 0 },
        y: Axis::tight(lo, hi, 9),
    }
}

/// One scenario's paired difference against the first, by month.
#[derive(Debug, Clone, PartialEq)]
pub struct DifferenceFan {
    /// Label of the other scenario.
    pub label: String,
    /// Its index among the scenarios (for its colour).
    pub index: usize,
    /// p5 and p95 by month.
    pub outer: (Vec<f64>, Vec<f64>),
    /// p25 and p75 by month.
    pub inner: (Vec<f64>, Vec<f64>),
    /// Median by month.
    pub median: Vec<f64>,
    /// Mean by month.
    pub mean: Vec<f64>,
}

/// Everything `diff_fan.png` draws, in data units.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffFanData {
    /// Months simulated.
    pub horizon: usize,
    /// Where each month is drawn.
    pub months: Vec<f64>,
    /// One fan per scenario after the first.
    pub fans: Vec<DifferenceFan>,
    /// The value axis (always shows 0).
    pub y: Axis,
}

/// The data of `diff_fan.png` (the paired run must have collected monthly
/// figures and pairs).
pub fn diff_fan_data(r: &PairedResult, labels: &[String]) -> DiffFanData {
    let fans: Vec<DifferenceFan> = r
        .pairs
        .iter()
        .map(|p| {
            let q = monthly(&p.difference_by_month_percentiles);
            DifferenceFan {
                label: labels[p.variant].clone(),
                index: p.variant,
                outer: (q[0].clone(), q[4].clone()),
                inner: (q[1].clone(), q[3].clone()),
                median: q[2].clone(),
                mean: at_positions(
                    &p.difference_by_month
                        .iter()
                        .map(|m| m.mean)
                        .collect::<Vec<_>>(),
                ),
            }
        })
        .collect();
    // The axis holds what is drawn: the fans, or for many scenarios the
    // medians alone.
    let banded = fans.len() < MAX_BANDED;
    let all = fans
        .iter()
        .flat_map(|f| {
            if banded {
                vec![&f.outer.0[..], &f.outer.1[..], &f.mean[..]]
            } else {
                vec![&f.median[..]]
            }
        })
        .chain([&[0.0][..]]);
    let (lo, hi) = extent(all).unwrap_or((0.0, 0.0));
    DiffFanData {
        horizon: r.horizon,
        months: month_positions(r.horizon),
        fans,
        y: Axis::tight(lo, hi, 9),
    }
}

fn zero_line(chart: &mut frame::Plot, horizon: usize) -> anyhow::Result<()> {
    draw_line(
        chart,
        &[(0.5, 0.0), (horizon as f64 + 0.5, 0.0)],
        LineLook {
            color: MUTED,
            width: 1.5,
            dash: Dash::Solid,
        },
    )
}

/// What the legend of a comparison chart shows.
struct Legend {
    /// One entry per scenario's line, as the side panel shows it.
    lines: Vec<LegendItem>,
    /// The same entries as a key below the plot shows them (under
    /// `key_heading`), when they do not fit the side panel.
    key: Vec<LegendItem>,
    /// The heading of that key.
    key_heading: String,
    /// Entries shared by every scenario (bands, reference lines), always
    /// in the side panel.
    shared: Vec<LegendItem>,
    /// Notes below the legend in the side panel.
    notes: Vec<String>,
}

/// Where a comparison chart's scenario entries go: the side panel when
/// they fit there with everything else, else a key below the plot, for
/// which the canvas grows (so that every scenario is named, however many).
fn key_below(legend: &Legend) -> Option<frame::KeyLayout> {
    let panel = px(PANEL);
    let all: Vec<LegendItem> = legend.lines.iter().chain(&legend.shared).cloned().collect();
    let needed = px(34.0)
        + frame::legend_height(&all, panel)
        + px(16.0)
        + frame::notes_height(&legend.notes, panel);
    (needed > frame::panel_height())
        .then(|| frame::key_layout(&legend.key, px(WIDTH as f64 - 2.0 * MARGIN)))
}

/// What both comparison charts share: the header, a money axis over `y`
/// against the months, setup months shaded (none when 0), then what `draw`
/// draws in the plot, and the legend: in the side panel, or, for many
/// scenarios, their entries in a key below the plot on a taller canvas.
fn money_by_month(
    info: &CompareInfo,
    title: &str,
    what: &str,
    desc: String,
    (horizon, y_axis, setup_months): (usize, &Axis, u32),
    legend: &Legend,
    draw: impl FnOnce(&mut frame::Plot) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<u8>> {
    let key = key_below(legend);
    // Canvas pixels below the usual body, for the key.
    let extra = key.as_ref().map_or(0, |k| k.height + px(28.0));
    let height = HEIGHT + (extra as u32).div_ceil(SUPERSAMPLE);
    frame::render_png_sized(WIDTH, height, |root| {
        let body = frame::header(root, title, &info.run.subtitle(what))?;
        let (_, body_h) = body.dim_in_pixel();
        let (upper, lower) = body.split_vertically(body_h as i32 - extra);
        let (plot_area, panel) = frame::split_panel(&upper);
        let x = AxisSpec::months(horizon);
        let step = y_axis.step;
        let value_label = move |v: f64| tick_label(v, step);
        let y = AxisSpec::gridded(y_axis, desc, &value_label);
        let mut chart = plot(&plot_area, &x, &y, 34.0)?;
        shade_setup(root, &mut chart, setup_months, (y_axis.lo, y_axis.hi))?;
        frame::draw_mesh(&mut chart, &x, &y)?;
        draw(&mut chart)?;
        let y_end = match &key {
            None => {
                let all: Vec<LegendItem> =
                    legend.lines.iter().chain(&legend.shared).cloned().collect();
                frame::legend(&panel, &all, px(34.0))?
            }
            Some(layout) => {
                let area = lower.margin(px(28.0), 0, px(MARGIN * 0.5), 0);
                frame::draw_key(&area, &legend.key_heading, &legend.key, layout)?;
                frame::legend(&panel, &legend.shared, px(34.0))?
            }
        };
        notes(&panel, &legend.notes, y_end + px(16.0))?;
        Ok(())
    })
}

/// The note on bands left out, for a chart of `n` scenarios.
fn bands_note(n: usize) -> Option<String> {
    (n > MAX_BANDED).then(|| {
        format!(
            "With more than {MAX_BANDED} scenarios only the lines are drawn: their bands \
             would cover one another."
        )
    })
}

/// Draws `compare.png` and returns its PNG bytes.
pub fn draw_compare(d: &CompareChartData, info: &CompareInfo) -> anyhow::Result<Vec<u8>> {
    let banded = d.scenarios.len() <= MAX_BANDED;
    let entry = |i: usize, label: &str| LegendItem {
        swatch: Swatch::Line(scenario_look(i)),
        label: label.to_string(),
    };
    let lines: Vec<LegendItem> = d
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| entry(i, &s.label))
        .collect();
    let mut shared = Vec::new();
    if banded {
        shared.push(LegendItem {
            swatch: Swatch::Fill(tint(palette::BLACK, 0.82)),
            label: "band: middle half (p25 to p75) in the scenario's colour".into(),
        });
    }
    if d.setup_months > 0 {
        shared.push(LegendItem {
            swatch: Swatch::Fill(SETUP_SHADE),
            label: "setup months: building, no revenue".into(),
        });
    }
    let mut notes_text = vec![
        "Lines: the median net income of each month across all trajectories. \
         diff_fan.png shows the difference trajectory by trajectory."
            .to_string(),
    ];
    notes_text.extend(bands_note(d.scenarios.len()));
    let legend = Legend {
        key: lines.clone(),
        lines,
        key_heading: "Median net income per month of each scenario".into(),
        shared,
        notes: notes_text,
    };
    let what = if banded {
        "Median and middle half of each scenario, on the same random numbers"
    } else {
        "Median of each scenario, on the same random numbers"
    };
    money_by_month(
        info,
        &format!("{}: net income per month, compared", info.run.scenario),
        what,
        format!("Net income per month ({})", info.run.currency),
        (d.horizon, &d.y, d.setup_months),
        &legend,
        |chart| {
            if d.y.lo < 0.0 {
                zero_line(chart, d.horizon)?;
            }
            if banded {
                for (i, s) in d.scenarios.iter().enumerate() {
                    chart
                        .draw_series(std::iter::once(Polygon::new(
                            band_polygon(&d.months, &s.p25, &s.p75),
                            scenario_look(i).color.mix(0.18).filled(),
                        )))
                        .map_err(drawing)?;
                }
            }
            for (i, s) in d.scenarios.iter().enumerate() {
                let pts: Vec<(f64, f64)> = d
                    .months
                    .iter()
                    .copied()
                    .zip(s.p50.iter().copied())
                    .collect();
                draw_line(chart, &pts, scenario_look(i))?;
            }
            Ok(())
        },
    )
}

/// Draws `diff_fan.png` and returns its PNG bytes.
pub fn draw_diff_fan(d: &DiffFanData, info: &CompareInfo) -> anyhow::Result<Vec<u8>> {
    let single = d.fans.len() == 1;
    // Fans of this many scenarios (the first included) have their bands
    // and means drawn; beyond, only the medians, each in its own look.
    let banded = d.fans.len() < MAX_BANDED;
    let median_look = |f: &DifferenceFan| {
        let look = scenario_look(f.index);
        if banded {
            // The mean is dashed: the median is solid.
            LineLook {
                dash: Dash::Solid,
                ..look
            }
        } else {
            look
        }
    };
    let lines: Vec<LegendItem> = d
        .fans
        .iter()
        .map(|f| LegendItem {
            swatch: Swatch::Line(median_look(f)),
            label: format!("median: {} minus {}", f.label, info.first),
        })
        .collect();
    let key: Vec<LegendItem> = d
        .fans
        .iter()
        .map(|f| LegendItem {
            swatch: Swatch::Line(median_look(f)),
            label: f.label.clone(),
        })
        .collect();
    let c = scenario_look(d.fans.first().map_or(1, |f| f.index)).color;
    let mut shared = Vec::new();
    if banded {
        shared.extend([
            LegendItem {
                swatch: Swatch::Fill(tint(c, 0.78)),
                label: "90 % of trajectories (p5 to p95)".into(),
            },
            LegendItem {
                swatch: Swatch::Fill(tint(c, 0.5)),
                label: "middle half (p25 to p75)".into(),
            },
            LegendItem {
                swatch: Swatch::Line(LineLook {
                    color: if single { palette::BLACK } else { c },
                    width: width::SECONDARY,
                    dash: Dash::Dashed,
                }),
                label: "mean difference".into(),
            },
        ]);
    }
    shared.push(LegendItem {
        swatch: Swatch::Line(LineLook {
            color: MUTED,
            width: 1.5,
            dash: Dash::Solid,
        }),
        label: "no difference".into(),
    });
    let mut notes_text = vec![
        "Trajectory i of every scenario uses the same random numbers, so the \
         difference is what the change did to that one future; a band that hugs \
         zero means the change rarely mattered."
            .to_string(),
    ];
    if !banded {
        notes_text.push(format!(
            "With more than {MAX_BANDED} scenarios only the medians are drawn: bands and \
             means would cover one another. compare.json holds every figure at the horizon."
        ));
    }
    let legend = Legend {
        lines,
        key,
        key_heading: format!(
            "Median difference in cumulative net: each scenario minus {}",
            info.first
        ),
        shared,
        notes: notes_text,
    };
    money_by_month(
        info,
        &format!("{}: paired difference in cumulative net", info.run.scenario),
        &format!(
            "Each scenario minus {}, trajectory by trajectory",
            info.first
        ),
        format!("Difference in cumulative net ({})", info.run.currency),
        (d.horizon, &d.y, 0),
        &legend,
        |chart| {
            if banded {
                for f in &d.fans {
                    let c = scenario_look(f.index).color;
                    let (outer, inner) = if single {
                        (tint(c, 0.78).filled(), tint(c, 0.5).filled())
                    } else {
                        (c.mix(0.12).filled(), c.mix(0.25).filled())
                    };
                    for (band, style) in [(&f.outer, outer), (&f.inner, inner)] {
                        chart
                            .draw_series(std::iter::once(Polygon::new(
                                band_polygon(&d.months, &band.0, &band.1),
                                style,
                            )))
                            .map_err(drawing)?;
                    }
                }
            }
            zero_line(chart, d.horizon)?;
            let line = |v: &[f64]| -> Vec<(f64, f64)> {
                d.months.iter().copied().zip(v.iter().copied()).collect()
            };
            for f in &d.fans {
                draw_line(chart, &line(&f.median), median_look(f))?;
                if banded {
                    let mean = LineLook {
                        color: if single {
                            palette::BLACK
                        } else {
                            scenario_look(f.index).color
                        },
                        width: width::SECONDARY,
                        dash: Dash::Dashed,
                    };
                    draw_line(chart, &line(&f.mean), mean)?;
                }
            }
            Ok(())
        },
    )
}

/// `compare.png`: each scenario's cumulative net and outcomes side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareChart {
    /// What is drawn.
    pub data: CompareChartData,
    /// The comparison's facts in the header.
    pub info: CompareInfo,
}

impl Output for CompareChart {
    fn file_name(&self) -> &str {
        "compare.png"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        draw_compare(&self.data, &self.info)
    }
}

/// `diff_fan.png`: the paired differences against the first scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffFanChart {
    /// What is drawn.
    pub data: DiffFanData,
    /// The comparison's facts in the header.
    pub info: CompareInfo,
}

impl Output for DiffFanChart {
    fn file_name(&self) -> &str {
        "diff_fan.png"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        draw_diff_fan(&self.data, &self.info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::sim::{PairedSpec, RunOptions, run_paired};
    use std::sync::atomic::AtomicBool;

    fn paired(withs: &[&str]) -> (PairedResult, Vec<String>) {
        let s = Scenario::builtin_default();
        let mut models = vec![s.model().unwrap()];
        let mut labels = vec!["first".to_string()];
        for w in withs {
            let mut v = s.clone();
            v.set(w).unwrap();
            models.push(v.model().unwrap());
            labels.push(w.to_string());
        }
        let opts = RunOptions {
            trajectories: 600,
            seed: 5,
            threads: Some(1),
        };
        let spec = PairedSpec {
            monthly: true,
            pairs: true,
        };
        let r = run_paired(&models, &opts, spec, &|_| {}, &AtomicBool::new(false)).unwrap();
        (r, labels)
    }

    #[test]
    fn compare_data_has_a_band_per_scenario_within_the_axis() {
        let (r, labels) = paired(&["pricing.monthly=79"]);
        let d = compare_data(&r, &labels);
        assert_eq!(d.scenarios.len(), 2);
        assert_eq!(d.months.len(), 24);
        for s in &d.scenarios {
            assert_eq!(s.p50.len(), 24);
            for t in 0..24 {
                assert!(s.p25[t] <= s.p50[t] && s.p50[t] <= s.p75[t]);
                assert!(d.y.contains(s.p25[t]) && d.y.contains(s.p75[t]));
            }
        }
        // A higher price never lowers the median month by month here.
        let (a, b) = (&d.scenarios[0], &d.scenarios[1]);
        assert!(a.p50.iter().zip(&b.p50).all(|(x, y)| y >= x));
        assert_eq!(d.setup_months, 2, "the built-in scenario's setup months");
    }

    #[test]
    fn every_scenario_a_chart_draws_has_a_look_of_its_own() {
        for i in 0..MAX_SCENARIOS {
            for j in 0..i {
                assert_ne!(scenario_look(i), scenario_look(j), "{i} and {j}");
            }
        }
        assert_eq!(scenario_look(MAX_SCENARIOS), scenario_look(0));
        assert!(check_scenario_count(MAX_SCENARIOS).is_ok());
        let e = check_scenario_count(MAX_SCENARIOS + 1).unwrap_err();
        assert_eq!(e.allowed(), Some("at most 21 scenarios with charts"));
    }

    #[test]
    fn many_scenarios_are_drawn_without_bands_on_an_axis_of_their_medians() {
        let withs: Vec<String> = (1..13)
            .map(|i| format!("pricing.monthly={}", 10 + 5 * i))
            .collect();
        let withs: Vec<&str> = withs.iter().map(String::as_str).collect();
        let (r, labels) = paired(&withs);
        let d = compare_data(&r, &labels);
        assert_eq!(d.scenarios.len(), 13);
        let medians = d.scenarios.iter().flat_map(|s| &s.p50);
        let top = medians.clone().fold(f64::MIN, |a, &b| a.max(b));
        // The axis ends within a tick step of the highest median, not at
        // the highest p75 (bands are not drawn).
        assert!(d.y.hi >= top && d.y.hi - top <= d.y.step, "{:?} {top}", d.y);
        let f = diff_fan_data(&r, &labels);
        let lowest = f
            .fans
            .iter()
            .flat_map(|f| &f.median)
            .fold(0.0f64, |a, &b| a.min(b));
        assert!(
            f.y.lo <= lowest && lowest - f.y.lo <= f.y.step,
            "{:?} {lowest}",
            f.y
        );
    }

    #[test]
    fn a_variant_that_changes_nothing_has_a_flat_zero_fan() {
        let (r, labels) = paired(&["owner.hourly_value=99"]);
        let d = diff_fan_data(&r, &labels);
        assert_eq!(d.fans.len(), 1);
        let f = &d.fans[0];
        for v in [
            &f.outer.0, &f.outer.1, &f.inner.0, &f.inner.1, &f.median, &f.mean,
        ] {
            assert!(v.iter().all(|x| *x == 0.0), "{v:?}");
        }
        assert!(d.y.contains(0.0) && d.y.hi > d.y.lo);
    }

    #[test]
    fn both_charts_draw_full_size_pngs() {
        let (r, labels) = paired(&["churn.beta=4", "pricing.monthly=29"]);
        let report_info = CompareInfo {
            run: RunInfo {
                scenario: "test".into(),
                currency: "USD".into(),
                trajectories: 600,
                seed: 5,
                horizon: 24,
                setup_months: 1,
                overrides: Vec::new(),
            },
            first: "first".into(),
        };
        for bytes in [
            draw_compare(&compare_data(&r, &labels), &report_info).unwrap(),
            draw_diff_fan(&diff_fan_data(&r, &labels), &report_info).unwrap(),
        ] {
            let reader = png::Decoder::new(std::io::Cursor::new(bytes))
                .read_info()
                .unwrap();
            let info = reader.info();
            assert_eq!(
                (info.width, info.height),
                (super::super::style::WIDTH, super::super::style::HEIGHT)
            );
        }
    }
}
