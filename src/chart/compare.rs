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
    self, AxisSpec, Dash, LegendItem, LineLook, RunInfo, Swatch, draw_line, drawing, legend, notes,
    plot,
};
use super::style::{MUTED, SETUP_SHADE, palette, px, tick_label, tint, width};
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
    let all = scenarios
        .iter()
        .flat_map(|s| [&s.p25[..], &s.p75[..]])
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
    let all = fans
        .iter()
        .flat_map(|f| [&f.outer.0[..], &f.outer.1[..], &f.mean[..]])
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

/// What both comparison charts share: the header, a money axis over `y`
/// against the months, setup months shaded (none when 0), then what `draw`
/// draws in the plot, its legend items in the side panel and one note
/// below them.
fn money_by_month(
    info: &CompareInfo,
    title: &str,
    what: &str,
    desc: String,
    (horizon, y_axis, setup_months): (usize, &Axis, u32),
    note: &str,
    draw: impl FnOnce(&mut frame::Plot) -> anyhow::Result<Vec<LegendItem>>,
) -> anyhow::Result<Vec<u8>> {
    frame::render_png(|root| {
        let body = frame::header(root, title, &info.run.subtitle(what))?;
        let (plot_area, panel) = frame::split_panel(&body);
        let x = AxisSpec::months(horizon);
        let step = y_axis.step;
        let value_label = move |v: f64| tick_label(v, step);
        let y = AxisSpec::gridded(y_axis, desc, &value_label);
        let mut chart = plot(&plot_area, &x, &y, 34.0)?;
        shade_setup(root, &mut chart, setup_months, (y_axis.lo, y_axis.hi))?;
        frame::draw_mesh(&mut chart, &x, &y)?;
        let items = draw(&mut chart)?;
        let y_end = legend(&panel, &items, px(34.0))?;
        notes(&panel, &[note.to_string()], y_end + px(16.0))?;
        Ok(())
    })
}

/// Draws `compare.png` and returns its PNG bytes.
pub fn draw_compare(d: &CompareChartData, info: &CompareInfo) -> anyhow::Result<Vec<u8>> {
    money_by_month(
        info,
        &format!("{}: net income per month, compared", info.run.scenario),
        "Median and middle half of each scenario, on the same random numbers",
        format!("Net income per month ({})", info.run.currency),
        (d.horizon, &d.y, d.setup_months),
        "Lines: the median net income of each month across all trajectories. \
         diff_fan.png shows the difference trajectory by trajectory.",
        |chart| {
            if d.y.lo < 0.0 {
                zero_line(chart, d.horizon)?;
            }
            for (i, s) in d.scenarios.iter().enumerate() {
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        band_polygon(&d.months, &s.p25, &s.p75),
                        scenario_look(i).color.mix(0.18).filled(),
                    )))
                    .map_err(drawing)?;
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
            let mut items: Vec<LegendItem> = d
                .scenarios
                .iter()
                .enumerate()
                .map(|(i, s)| LegendItem {
                    swatch: Swatch::Line(scenario_look(i)),
                    label: s.label.clone(),
                })
                .collect();
            items.push(LegendItem {
                swatch: Swatch::Fill(tint(palette::BLACK, 0.82)),
                label: "band: middle half (p25 to p75) in the scenario's colour".into(),
            });
            if d.setup_months > 0 {
                items.push(LegendItem {
                    swatch: Swatch::Fill(SETUP_SHADE),
                    label: "setup months: building, no revenue".into(),
                });
            }
            Ok(items)
        },
    )
}

/// Draws `diff_fan.png` and returns its PNG bytes.
pub fn draw_diff_fan(d: &DiffFanData, info: &CompareInfo) -> anyhow::Result<Vec<u8>> {
    money_by_month(
        info,
        &format!("{}: paired difference in cumulative net", info.run.scenario),
        &format!(
            "Each scenario minus {}, trajectory by trajectory",
            info.first
        ),
        format!("Difference in cumulative net ({})", info.run.currency),
        (d.horizon, &d.y, 0),
        "Trajectory i of every scenario uses the same random numbers, so the \
         difference is what the change did to that one future; a band that hugs \
         zero means the change rarely mattered.",
        |chart| {
            let single = d.fans.len() == 1;
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
            zero_line(chart, d.horizon)?;
            let line = |v: &[f64]| -> Vec<(f64, f64)> {
                d.months.iter().copied().zip(v.iter().copied()).collect()
            };
            for f in &d.fans {
                let look = scenario_look(f.index);
                draw_line(
                    chart,
                    &line(&f.median),
                    LineLook {
                        dash: Dash::Solid,
                        ..look
                    },
                )?;
                let mean = LineLook {
                    color: if single { palette::BLACK } else { look.color },
                    width: width::SECONDARY,
                    dash: Dash::Dashed,
                };
                draw_line(chart, &line(&f.mean), mean)?;
            }
            let mut items = Vec::new();
            for f in &d.fans {
                let look = scenario_look(f.index);
                items.push(LegendItem {
                    swatch: Swatch::Line(LineLook {
                        dash: Dash::Solid,
                        ..look
                    }),
                    label: format!("median: {} minus {}", f.label, info.first),
                });
            }
            let c = scenario_look(d.fans.first().map_or(1, |f| f.index)).color;
            items.extend([
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
                LegendItem {
                    swatch: Swatch::Line(LineLook {
                        color: MUTED,
                        width: 1.5,
                        dash: Dash::Solid,
                    }),
                    label: "no difference".into(),
                },
            ]);
            Ok(items)
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
