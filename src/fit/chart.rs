//! `fit.png`: observed survival against the fitted sbg curve, held-out
//! periods shaded and marked, the projection past the fitted periods
//! dashed, and constant churn for comparison.
//!
//! Drawn with plotters into memory and encoded as PNG bytes, so the caller
//! writes it atomically and tests need no files. Font and colours come from
//! the shared chart style ([`crate::chart::style`]).

use super::ChurnFit;
use super::report::format_sig;
use crate::chart::style::{self, FONT, palette};
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// Chart width in pixels.
pub const WIDTH: u32 = 1600;
/// Chart height in pixels (16:9).
pub const HEIGHT: u32 = 900;

const OBSERVED: RGBColor = style::INK;
const HELD_OUT: RGBColor = palette::VERMILLION;
const SBG: RGBColor = palette::BLUE;
const CONSTANT: RGBColor = style::MUTED;

fn plot_error<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow::anyhow!("cannot draw fit.png: {e}")
}

/// Renders the chart for `fit` as PNG bytes; `name` (the data file's name)
/// goes into the title.
pub fn render_png(fit: &ChurnFit, name: &str) -> anyhow::Result<Vec<u8>> {
    style::register_fonts();
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(fit, name, &mut rgb).map_err(plot_error)?;
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(plot_error)?;
        w.write_image_data(&rgb).map_err(plot_error)?;
    }
    Ok(png_bytes)
}

fn se(x: Option<f64>) -> String {
    x.map(|s| format!(" ± {}", format_sig(s)))
        .unwrap_or_default()
}

fn draw(fit: &ChurnFit, name: &str, rgb: &mut [u8]) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(120);
    head.draw(&Text::new(
        format!("Customer survival: {name}"),
        (60, 22),
        (FONT, 40).into_font().color(&BLACK),
    ))?;
    let sub = match fit.boundary {
        Some("homogeneous") => format!(
            "sbg fit: no spread of churn chances detectable, constant churn {:.1} % a month · log-likelihood {:.2}",
            fit.constant_churn.monthly * 100.0,
            fit.log_likelihood
        ),
        _ => format!(
            "sbg fit on periods 1–{}: alpha = {}{}, beta = {}{} · log-likelihood {:.2} (constant churn: {:.2})",
            fit.periods_fitted,
            format_sig(fit.alpha),
            se(fit.alpha_se),
            format_sig(fit.beta),
            se(fit.beta_se),
            fit.log_likelihood,
            fit.constant_churn.log_likelihood
        ),
    };
    head.draw(&Text::new(
        sub,
        (60, 76),
        (FONT, 24).into_font().color(&RGBColor(70, 70, 70)),
    ))?;

    let k = fit.periods_fitted as f64;
    let last = fit.data.last_period as f64;
    let horizon = fit
        .projection
        .last()
        .map(|r| r.period)
        .unwrap_or(fit.periods_fitted) as f64;
    let rows: Vec<_> = fit.fitted.iter().chain(&fit.projection).collect();

    let mut chart = ChartBuilder::on(&body)
        .margin_left(30)
        .margin_right(60)
        .margin_top(10)
        .margin_bottom(20)
        .x_label_area_size(80)
        .y_label_area_size(110)
        .build_cartesian_2d(0f64..horizon, 0f64..100f64)?;
    chart
        .configure_mesh()
        .x_desc("Renewal period (months since start)")
        .y_desc("Customers still active (%)")
        .x_labels(((horizon as usize) / 2).clamp(2, 25))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_labels(11)
        .y_label_formatter(&|v| format!("{v:.0} %"))
        .label_style((FONT, 24))
        .axis_desc_style((FONT, 26))
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(WHITE)
        .draw()?;

    if last > k {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(k, 0.0), (last, 100.0)],
                HELD_OUT.mix(0.08).filled(),
            )))?
            .label(format!(
                "held out: periods {}–{} (not fitted)",
                fit.periods_fitted + 1,
                fit.data.last_period
            ))
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 9), (x + 36, y + 9)], HELD_OUT.mix(0.15).filled())
            });
    }

    chart
        .draw_series(LineSeries::new(
            rows.iter()
                .map(|r| (r.period as f64, r.constant_survival * 100.0)),
            CONSTANT.stroke_width(2),
        ))?
        .label(format!(
            "constant churn, {:.1} % a month",
            fit.constant_churn.monthly * 100.0
        ))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 36, y)], CONSTANT.stroke_width(2)));

    chart
        .draw_series(LineSeries::new(
            fit.fitted
                .iter()
                .map(|r| (r.period as f64, r.survival * 100.0)),
            SBG.stroke_width(4),
        ))?
        .label("sbg fit")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 36, y)], SBG.stroke_width(4)));
    let tail: Vec<(f64, f64)> = fit
        .fitted
        .last()
        .into_iter()
        .chain(&fit.projection)
        .map(|r| (r.period as f64, r.survival * 100.0))
        .collect();
    chart
        .draw_series(DashedLineSeries::new(tail, 14, 9, SBG.stroke_width(4)))?
        .label("sbg projection")
        .legend(|(x, y)| {
            DashedPathElement::new(vec![(x, y), (x + 36, y)], 10, 6, SBG.stroke_width(4))
        });

    let observed = |held_out: bool| {
        rows.iter()
            .filter(move |r| r.held_out == held_out)
            .filter_map(|r| r.observed_survival.map(|s| (r.period as f64, s * 100.0)))
            .collect::<Vec<_>>()
    };
    chart
        .draw_series(
            observed(false)
                .into_iter()
                .map(|p| Circle::new(p, 7, OBSERVED.filled())),
        )?
        .label(if fit.fitted[0].observed_alive.is_some() {
            "observed"
        } else {
            "observed (Kaplan-Meier)"
        })
        .legend(|(x, y)| Circle::new((x + 18, y), 7, OBSERVED.filled()));
    let held = observed(true);
    if !held.is_empty() {
        chart
            .draw_series(
                held.into_iter()
                    .map(|p| Circle::new(p, 7, HELD_OUT.stroke_width(3))),
            )?
            .label("observed, held out")
            .legend(|(x, y)| Circle::new((x + 18, y), 7, HELD_OUT.stroke_width(3)));
    }

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .margin(20)
        .legend_area_size(50)
        .label_font((FONT, 24))
        .background_style(WHITE.mix(0.92))
        .border_style(RGBColor(200, 200, 200))
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::data::parse_survival;
    use crate::fit::fit_churn;

    #[test]
    fn the_chart_draws_its_title_and_keeps_its_margins_clear() {
        let ds = parse_survival(
            "period,alive\n0,1000\n1,631\n2,468\n3,382\n4,326\n5,289\n6,262\n7,241\n8,223\n",
            "t.csv",
        )
        .unwrap();
        let fit = fit_churn(&ds, Some(6)).unwrap();
        style::register_fonts();
        let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
        draw(&fit, "t.csv", &mut rgb).unwrap();
        let dark_in = |rows: std::ops::Range<u32>, cols: std::ops::Range<u32>| {
            rows.flat_map(|y| cols.clone().map(move |x| (x, y)))
                .filter(|&(x, y)| {
                    let i = ((y * WIDTH + x) * 3) as usize;
                    rgb[i..i + 3].iter().all(|&c| c < 100)
                })
                .count()
        };
        // The title is drawn (dark glyph pixels near the top left): a
        // missing font would leave the area blank.
        assert!(dark_in(20..70, 60..600) > 500);
        // Nothing is drawn in the corners' outer margin.
        assert_eq!(dark_in(0..8, 0..WIDTH), 0);
        assert_eq!(dark_in(HEIGHT - 8..HEIGHT, 0..WIDTH), 0);
        let png = render_png(&fit, "t.csv").unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
}
