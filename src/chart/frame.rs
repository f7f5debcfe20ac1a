//! What every chart has around its data: the canvas (drawn supersampled,
//! averaged down and encoded as PNG bytes), the header with the scenario's
//! name and the run's facts, plot axes in the shared style, and a side
//! panel for the legend and notes, so that neither ever covers the data.

use super::axis::{Axis, month_ticks};
use super::style::{
    self, GRID, HEIGHT, INK, MUTED, SUPERSAMPLE, WIDTH, anchored, bold, px, size, stroke, text,
};
use crate::report::Summary;
use crate::report::format::format_number;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A drawing area on the supersampled canvas.
pub type Canvas<'b> = DrawingArea<BitMapBackend<'b>, Shift>;

/// A plot with two [`Ticked`] axes.
pub type Plot<'a, 'b> = ChartContext<'a, BitMapBackend<'b>, Cartesian2d<Ticked, Ticked>>;

/// A linear `f64` coordinate whose ticks (and grid lines) are exactly the
/// given values. (plotters' own `with_key_points` on an `f64` range has no
/// label formatting, so its mesh cannot be drawn with [`draw_mesh`].)
#[derive(Debug, Clone)]
pub struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ticked {
    /// `lo..hi` with ticks at `ticks`.
    pub fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Ticked {
        Ticked { lo, hi, ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        if self.hi == self.lo {
            return (limit.0 + limit.1) / 2;
        }
        let f = (value - self.lo) / (self.hi - self.lo);
        limit.0 + (f * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// Height of the header (title and subtitle), final pixels.
pub const HEADER: f64 = 96.0;
/// Width of the side panel with legend and notes, final pixels.
pub const PANEL: f64 = 300.0;
/// Outer margin, final pixels.
pub const MARGIN: f64 = 24.0;

/// The facts about a run that every chart's header shows.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// The scenario's name.
    pub scenario: String,
    /// Currency label of money amounts.
    pub currency: String,
    /// Number of trajectories N.
    pub trajectories: u64,
    /// Run seed.
    pub seed: u64,
    /// Months simulated, H.
    pub horizon: u32,
    /// Setup months before launch.
    pub setup_months: u32,
    /// The keys the run changed from its scenario file, as `KEY=VALUE`
    /// (empty for the file as it is).
    pub overrides: Vec<String>,
}

impl RunInfo {
    /// The facts of a run's summary.
    pub fn from_summary(s: &Summary) -> RunInfo {
        RunInfo {
            scenario: s.scenario.clone(),
            currency: s.currency.clone(),
            trajectories: s.trajectories,
            seed: s.seed,
            horizon: s.horizon_months,
            setup_months: s.launch_month.saturating_sub(1),
            overrides: s.overrides.clone(),
        }
    }

    /// The line under every title: what is shown, then N, seed and horizon.
    /// A run that differs from its file starts with its overrides
    /// (`with churn.beta=5; ...`) and ends with what is shown, so that a
    /// line too long for the chart loses the description, which the title
    /// also gives, before the overrides.
    pub fn subtitle(&self, what: &str) -> String {
        let facts = format!(
            "{} trajectories  ·  seed {}  ·  {} months",
            format_number(self.trajectories as f64, 0),
            self.seed,
            self.horizon
        );
        if self.overrides.is_empty() {
            format!("{what}  ·  {facts}")
        } else {
            format!("with {}  ·  {facts}  ·  {what}", self.overrides.join("; "))
        }
    }
}

/// Draws a chart with `draw` on a white supersampled canvas and returns it
/// as PNG bytes of [`WIDTH`] x [`HEIGHT`] pixels.
pub fn render_png(draw: impl FnOnce(&Canvas) -> anyhow::Result<()>) -> anyhow::Result<Vec<u8>> {
    render_png_sized(WIDTH, HEIGHT, draw)
}

/// Like [`render_png`], `width` x `height` final pixels: for a chart whose
/// key needs more room than the usual canvas gives.
pub fn render_png_sized(
    width: u32,
    height: u32,
    draw: impl FnOnce(&Canvas) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<u8>> {
    style::register_fonts();
    let (w, h) = (width * SUPERSAMPLE, height * SUPERSAMPLE);
    let mut big = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut big, (w, h)).into_drawing_area();
        draw(&root)?;
        root.present()
            .map_err(|e| anyhow::anyhow!("drawing a chart: {e}"))?;
    }
    let small = downsample(&big, w as usize, h as usize, SUPERSAMPLE as usize);
    encode_png(&small, width, height)
}

/// Averages each `f` x `f` block of an RGB image into one pixel (rounding
/// half up).
pub fn downsample(rgb: &[u8], w: usize, h: usize, f: usize) -> Vec<u8> {
    let (ow, oh) = (w / f, h / f);
    if f == 2 {
        // The common case, written so that the compiler can vectorise it
        // (it would otherwise be the largest cost of a chart): add each pair
        // of rows, then each pair of pixels.
        let mut out = vec![0u8; ow * oh * 3];
        let mut rows_sum = vec![0u16; w * 3];
        for (rows, o) in rgb
            .chunks_exact(2 * w * 3)
            .zip(out.chunks_exact_mut(ow * 3))
        {
            let (r0, r1) = rows.split_at(w * 3);
            for ((s, &a), &b) in rows_sum.iter_mut().zip(r0).zip(r1) {
                *s = a as u16 + b as u16;
            }
            for (o, s) in o.chunks_exact_mut(3).zip(rows_sum.chunks_exact(6)) {
                o[0] = ((s[0] + s[3] + 2) >> 2) as u8;
                o[1] = ((s[1] + s[4] + 2) >> 2) as u8;
                o[2] = ((s[2] + s[5] + 2) >> 2) as u8;
            }
        }
        return out;
    }
    let n = (f * f) as u32;
    let mut out = Vec::with_capacity(ow * oh * 3);
    let mut sums = vec![0u32; ow * 3];
    for oy in 0..oh {
        sums.fill(0);
        for row in rgb[oy * f * w * 3..(oy + 1) * f * w * 3].chunks_exact(w * 3) {
            for (ox, block) in row[..ow * f * 3].chunks_exact(f * 3).enumerate() {
                for px in block.chunks_exact(3) {
                    sums[ox * 3] += px[0] as u32;
                    sums[ox * 3 + 1] += px[1] as u32;
                    sums[ox * 3 + 2] += px[2] as u32;
                }
            }
        }
        out.extend(sums.iter().map(|&s| ((s + n / 2) / n) as u8));
    }
    out
}

/// PNG bytes of an 8-bit RGB image.
pub fn encode_png(rgb: &[u8], w: u32, h: u32) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut enc = png::Encoder::new(&mut bytes, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    // fdeflate: a few milliseconds per chart, and flat chart colours still
    // compress well.
    enc.set_compression(png::Compression::Fast);
    let mut writer = enc.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(bytes)
}

/// Any plotters drawing error, as an `anyhow` error.
pub fn drawing<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow::anyhow!("drawing a chart: {e}")
}

/// Draws the title and subtitle on the (white) canvas and returns the area
/// below them (inside the outer margin).
pub fn header<'b>(root: &Canvas<'b>, title: &str, subtitle: &str) -> anyhow::Result<Canvas<'b>> {
    let (w, _) = root.dim_in_pixel();
    let max = w as i32 - 2 * px(MARGIN);
    let t = anchored(bold(size::TITLE, INK), HPos::Left, VPos::Top);
    let s = anchored(text(size::SUBTITLE, MUTED), HPos::Left, VPos::Top);
    root.draw_text(&style::fit(title, &t, max), &t, (px(MARGIN), px(22.0)))
        .map_err(drawing)?;
    root.draw_text(&fit_parts(subtitle, &s, max), &s, (px(MARGIN), px(62.0)))
        .map_err(drawing)?;
    let body = root.margin(px(HEADER), px(MARGIN * 0.5), px(MARGIN * 0.5), px(MARGIN));
    Ok(body)
}

/// A subtitle of parts joined by [`SEPARATOR`], within `max` pixels: whole
/// parts dropped from the end while it is too wide (the first always
/// stays), then cut with an ellipsis ([`style::fit`]) if the first alone
/// is.
pub fn fit_parts(subtitle: &str, style: &TextStyle, max: i32) -> String {
    let mut parts: Vec<&str> = subtitle.split(SEPARATOR).collect();
    while parts.len() > 1 && style::text_width(&parts.join(SEPARATOR), style) > max {
        parts.pop();
    }
    style::fit(&parts.join(SEPARATOR), style, max)
}

/// What separates the parts of a subtitle.
pub const SEPARATOR: &str = "  ·  ";

/// Splits the body into the plot (left) and the side panel (right).
pub fn split_panel<'b>(body: &Canvas<'b>) -> (Canvas<'b>, Canvas<'b>) {
    let (w, _) = body.dim_in_pixel();
    body.split_horizontally(w as i32 - px(PANEL))
}

/// How one axis is drawn.
pub struct AxisSpec<'f> {
    /// Range shown.
    pub range: (f64, f64),
    /// Positions of ticks, labels and grid lines.
    pub ticks: Vec<f64>,
    /// Axis description.
    pub desc: String,
    /// Tick label.
    pub label: &'f dyn Fn(f64) -> String,
    /// Whether to draw grid lines at the ticks.
    pub grid: bool,
}

impl<'f> AxisSpec<'f> {
    /// An axis over `axis`'s range and ticks, with grid lines at the ticks.
    pub fn gridded(axis: &Axis, desc: impl Into<String>, label: &'f dyn Fn(f64) -> String) -> Self {
        AxisSpec {
            range: (axis.lo, axis.hi),
            ticks: axis.ticks.clone(),
            desc: desc.into(),
            label,
            grid: true,
        }
    }

    /// [`AxisSpec::gridded`] without the grid lines.
    pub fn plain(axis: &Axis, desc: impl Into<String>, label: &'f dyn Fn(f64) -> String) -> Self {
        AxisSpec {
            grid: false,
            ..Self::gridded(axis, desc, label)
        }
    }
}

impl AxisSpec<'static> {
    /// The month axis of every by-month chart: months 1..=H, ticks from
    /// [`month_ticks`], no grid.
    pub fn months(horizon: usize) -> Self {
        AxisSpec {
            range: (0.5, horizon as f64 + 0.5),
            ticks: month_ticks(horizon as u32),
            desc: "Month".into(),
            label: &month_label,
            grid: false,
        }
    }
}

/// A month tick's label: the month number.
fn month_label(v: f64) -> String {
    format!("{}", v.round() as i64)
}

/// A plot in `area` with the shared fonts: label areas sized to their
/// labels, nothing drawn yet (call [`draw_mesh`] after any background).
pub fn plot<'a, 'b>(
    area: &'a Canvas<'b>,
    x: &AxisSpec,
    y: &AxisSpec,
    top_margin: f64,
) -> anyhow::Result<Plot<'a, 'b>> {
    plot_with_y_area(area, x, y, top_margin, y_label_area(y))
}

/// Width (canvas pixels) of the label area left of a plot with value axis
/// `y`: its widest tick label and its description.
pub fn y_label_area(y: &AxisSpec) -> i32 {
    let tick = text(size::TICK, MUTED);
    let widest = y
        .ticks
        .iter()
        .map(|v| style::text_width(&(y.label)(*v), &tick))
        .max()
        .unwrap_or(0);
    widest + px(size::AXIS * 1.5 + 22.0)
}

/// Like [`plot`] with a given label area left of the plot (canvas pixels),
/// so that plots stacked above each other line up.
pub fn plot_with_y_area<'a, 'b>(
    area: &'a Canvas<'b>,
    x: &AxisSpec,
    y: &AxisSpec,
    top_margin: f64,
    y_area: i32,
) -> anyhow::Result<Plot<'a, 'b>> {
    let x_area = px(size::TICK * 1.5 + size::AXIS * 1.5 + 14.0);
    let chart = ChartBuilder::on(area)
        .margin_top(px(top_margin))
        .margin_right(px(16.0))
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            Ticked::new(x.range.0, x.range.1, x.ticks.clone()),
            Ticked::new(y.range.0, y.range.1, y.ticks.clone()),
        )
        .map_err(drawing)?;
    Ok(chart)
}

/// Grid, axes, ticks and labels of a plot.
pub fn draw_mesh(chart: &mut Plot, x: &AxisSpec, y: &AxisSpec) -> anyhow::Result<()> {
    let grid = ShapeStyle::from(&GRID).stroke_width(stroke(1.0));
    let x_fmt = |v: &f64| (x.label)(*v);
    let y_fmt = |v: &f64| (y.label)(*v);
    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(grid)
        .light_line_style(TRANSPARENT)
        .axis_style(ShapeStyle::from(&MUTED).stroke_width(stroke(1.0)))
        .set_all_tick_mark_size(px(5.0))
        .x_label_style(text(size::TICK, MUTED))
        .y_label_style(text(size::TICK, MUTED))
        .axis_desc_style(text(size::AXIS, INK))
        .x_desc(x.desc.clone())
        .y_desc(y.desc.clone())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt);
    if !x.grid {
        mesh.disable_x_mesh();
    }
    if !y.grid {
        mesh.disable_y_mesh();
    }
    mesh.draw().map_err(drawing)
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// Unbroken.
    Solid,
    /// Long dashes.
    Dashed,
    /// Short dashes.
    Dotted,
}

/// A line's colour, width (final pixels) and dash.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineLook {
    /// Colour.
    pub color: RGBColor,
    /// Width in final pixels.
    pub width: f64,
    /// Dash pattern.
    pub dash: Dash,
}

/// Draws a line through data points in a plot.
pub fn draw_line(chart: &mut Plot, points: &[(f64, f64)], look: LineLook) -> anyhow::Result<()> {
    let style = ShapeStyle::from(&look.color).stroke_width(stroke(look.width));
    let pts = points.iter().copied();
    match look.dash {
        Dash::Solid => chart.draw_series(std::iter::once(PathElement::new(points.to_vec(), style))),
        Dash::Dashed => chart.draw_series(DashedLineSeries::new(pts, px(12.0), px(7.0), style)),
        Dash::Dotted => chart.draw_series(DashedLineSeries::new(pts, px(4.0), px(4.0), style)),
    }
    .map_err(drawing)?;
    Ok(())
}

/// Draws a line through canvas points (for legend swatches).
fn draw_canvas_line(
    area: &Canvas,
    from: (i32, i32),
    to: (i32, i32),
    look: LineLook,
) -> anyhow::Result<()> {
    let style = ShapeStyle::from(&look.color).stroke_width(stroke(look.width));
    let pts = [from, to];
    match look.dash {
        Dash::Solid => area.draw(&PathElement::new(pts.to_vec(), style)),
        Dash::Dashed => area.draw(&DashedPathElement::new(pts, px(12.0), px(7.0), style)),
        Dash::Dotted => area.draw(&DashedPathElement::new(pts, px(4.0), px(4.0), style)),
    }
    .map_err(drawing)
}

/// What a legend entry shows beside its label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// A filled box (a band or an area).
    Fill(RGBColor),
    /// A line.
    Line(LineLook),
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    /// Swatch.
    pub swatch: Swatch,
    /// Label (wrapped to the panel's width).
    pub label: String,
}

/// Draws a heading in the side panel at `y` (canvas pixels) and returns the
/// y below it.
pub fn panel_heading(panel: &Canvas, heading: &str, y: i32) -> anyhow::Result<i32> {
    let style = anchored(bold(size::LEGEND, INK), HPos::Left, VPos::Top);
    let (w, _) = panel.dim_in_pixel();
    panel
        .draw_text(&style::fit(heading, &style, w as i32), &style, (0, y))
        .map_err(drawing)?;
    Ok(y + px(size::LEGEND * 1.6))
}

/// Width of a legend entry's swatch, and the gap before its label (canvas
/// pixels).
fn swatch_and_gap() -> (i32, i32) {
    (px(36.0), px(10.0))
}

/// Height of one line of legend or note text (canvas pixels).
fn text_line_height() -> i32 {
    px(size::LEGEND * 1.35)
}

/// An entry's label broken into lines for an entry `width` wide (canvas
/// pixels), swatch included.
fn entry_lines(item: &LegendItem, width: i32) -> Vec<String> {
    let style = anchored(text(size::LEGEND, INK), HPos::Left, VPos::Top);
    let (swatch_w, gap) = swatch_and_gap();
    style::wrap(&item.label, &style, width - swatch_w - gap)
}

/// Height an entry takes in a legend `width` wide, the space below it
/// included (canvas pixels).
fn entry_height(item: &LegendItem, width: i32) -> i32 {
    text_line_height() * entry_lines(item, width).len().max(1) as i32 + px(9.0)
}

/// Draws one legend entry with its top-left corner at `(x, y)` in an
/// entry `width` wide, and returns the y below it.
fn draw_entry(
    area: &Canvas,
    item: &LegendItem,
    (x, y): (i32, i32),
    width: i32,
) -> anyhow::Result<i32> {
    let style = anchored(text(size::LEGEND, INK), HPos::Left, VPos::Top);
    let (swatch_w, gap) = swatch_and_gap();
    let line_h = text_line_height();
    let lines = entry_lines(item, width);
    let mid = y + line_h / 2 - px(2.0);
    match item.swatch {
        Swatch::Fill(c) => area
            .draw(&Rectangle::new(
                [(x, mid - px(8.0)), (x + swatch_w, mid + px(8.0))],
                c.filled(),
            ))
            .map_err(drawing)?,
        Swatch::Line(look) => draw_canvas_line(area, (x, mid), (x + swatch_w, mid), look)?,
    }
    for (i, line) in lines.iter().enumerate() {
        area.draw_text(line, &style, (x + swatch_w + gap, y + i as i32 * line_h))
            .map_err(drawing)?;
    }
    Ok(y + entry_height(item, width))
}

/// Draws legend entries in the side panel from `y` (canvas pixels) down
/// and returns the y below the last one.
pub fn legend(panel: &Canvas, items: &[LegendItem], mut y: i32) -> anyhow::Result<i32> {
    let (w, _) = panel.dim_in_pixel();
    for item in items {
        y = draw_entry(panel, item, (0, y), w as i32)?;
    }
    Ok(y)
}

/// Height [`legend`] takes for `items` in a panel `width` wide (canvas
/// pixels).
pub fn legend_height(items: &[LegendItem], width: i32) -> i32 {
    items.iter().map(|i| entry_height(i, width)).sum()
}

/// Height [`notes`] takes for `paragraphs` in a panel `width` wide
/// (canvas pixels).
pub fn notes_height(paragraphs: &[String], width: i32) -> i32 {
    let style = anchored(text(size::LEGEND, MUTED), HPos::Left, VPos::Top);
    paragraphs
        .iter()
        .map(|p| text_line_height() * style::wrap(p, &style, width).len() as i32 + px(8.0))
        .sum()
}

/// Height of the side panel of a canvas of the usual [`HEIGHT`] (canvas
/// pixels): what its legend and notes must fit in.
pub fn panel_height() -> i32 {
    px(HEIGHT as f64) - px(HEADER) - px(MARGIN * 0.5)
}

/// How a key of many entries is laid out below a plot: in columns, filled
/// top to bottom and then left to right, like a table.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyLayout {
    /// Number of columns.
    pub columns: usize,
    /// Width of each column (canvas pixels).
    pub column_width: i32,
    /// Entries per column (the last may hold fewer).
    pub rows: usize,
    /// Height of the key, heading included (canvas pixels).
    pub height: i32,
}

/// Gap between the columns of a key (canvas pixels).
fn column_gap() -> i32 {
    px(28.0)
}

/// The layout of a key of `items` under a heading, `width` wide (canvas
/// pixels): as many columns (up to four) as leave every label on one line,
/// else one column with labels wrapped.
pub fn key_layout(items: &[LegendItem], width: i32) -> KeyLayout {
    let n = items.len().max(1);
    let fits_one_line = |column_width: i32| {
        items
            .iter()
            .all(|i| entry_lines(i, column_width).len() <= 1)
    };
    let column_width = |c: usize| (width - column_gap() * (c as i32 - 1)) / c as i32;
    let columns = (1..=4.min(n))
        .rev()
        .find(|&c| fits_one_line(column_width(c)))
        .unwrap_or(1);
    let rows = n.div_ceil(columns);
    let cw = column_width(columns);
    let tallest = items
        .chunks(rows)
        .map(|col| col.iter().map(|i| entry_height(i, cw)).sum::<i32>())
        .max()
        .unwrap_or(0);
    KeyLayout {
        columns,
        column_width: cw,
        rows,
        height: px(size::LEGEND * 1.6) + tallest,
    }
}

/// Draws a key laid out by [`key_layout`] in `area`: the heading, then the
/// entries in columns.
pub fn draw_key(
    area: &Canvas,
    heading: &str,
    items: &[LegendItem],
    layout: &KeyLayout,
) -> anyhow::Result<()> {
    let top = panel_heading(area, heading, 0)?;
    for (c, column) in items.chunks(layout.rows.max(1)).enumerate() {
        let x = c as i32 * (layout.column_width + column_gap());
        let mut y = top;
        for item in column {
            y = draw_entry(area, item, (x, y), layout.column_width)?;
        }
    }
    Ok(())
}

/// Draws legend entries side by side from `(x, y)` (canvas pixels) and
/// returns the y below them.
pub fn legend_row(area: &Canvas, items: &[LegendItem], (x, y): (i32, i32)) -> anyhow::Result<i32> {
    let style = anchored(text(size::LEGEND, INK), HPos::Left, VPos::Top);
    let swatch_w = px(26.0);
    let line_h = px(size::LEGEND * 1.35);
    let mid = y + line_h / 2 - px(2.0);
    let mut x = x;
    for item in items {
        match item.swatch {
            Swatch::Fill(c) => area
                .draw(&Rectangle::new(
                    [(x, mid - px(7.0)), (x + swatch_w, mid + px(7.0))],
                    c.filled(),
                ))
                .map_err(drawing)?,
            Swatch::Line(look) => draw_canvas_line(area, (x, mid), (x + swatch_w, mid), look)?,
        }
        x += swatch_w + px(7.0);
        area.draw_text(&item.label, &style, (x, y))
            .map_err(drawing)?;
        x += style::text_width(&item.label, &style) + px(18.0);
    }
    Ok(y + line_h)
}

/// Draws paragraphs of notes in the side panel from `y` (canvas pixels)
/// down and returns the y below them.
pub fn notes(panel: &Canvas, paragraphs: &[String], mut y: i32) -> anyhow::Result<i32> {
    let style = anchored(text(size::LEGEND, MUTED), HPos::Left, VPos::Top);
    let (w, _) = panel.dim_in_pixel();
    let line_h = px(size::LEGEND * 1.35);
    for p in paragraphs {
        for line in style::wrap(p, &style, w as i32) {
            panel.draw_text(&line, &style, (0, y)).map_err(drawing)?;
            y += line_h;
        }
        y += px(8.0);
    }
    Ok(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsampling_averages_blocks() {
        // 4 x 2 pixels -> 2 x 1: black+white halves average to grey.
        let px = |v: u8| [v, v, v];
        let rgb: Vec<u8> = [0, 255, 10, 10, 255, 0, 10, 10]
            .into_iter()
            .flat_map(px)
            .collect();
        assert_eq!(downsample(&rgb, 4, 2, 2), vec![128, 128, 128, 10, 10, 10]);
    }

    #[test]
    fn both_downsampling_paths_agree() {
        let (w, h) = (8, 6);
        let rgb: Vec<u8> = (0..w * h * 3).map(|i| (i * 37 % 251) as u8).collect();
        let fast = downsample(&rgb, w, h, 2);
        // The general path, by hand.
        let mut slow = Vec::new();
        for oy in 0..h / 2 {
            for ox in 0..w / 2 {
                for c in 0..3 {
                    let at = |x: usize, y: usize| rgb[(y * w + x) * 3 + c] as u32;
                    let s = at(2 * ox, 2 * oy)
                        + at(2 * ox + 1, 2 * oy)
                        + at(2 * ox, 2 * oy + 1)
                        + at(2 * ox + 1, 2 * oy + 1);
                    slow.push(((s + 2) / 4) as u8);
                }
            }
        }
        assert_eq!(fast, slow);
        assert_eq!(downsample(&rgb, w, h, 3).len(), (w / 3) * (h / 3) * 3);
    }

    #[test]
    fn png_bytes_decode_to_the_same_image() {
        let rgb: Vec<u8> = (0..6 * 4 * 3).map(|i| (i * 7 % 256) as u8).collect();
        let bytes = encode_png(&rgb, 6, 4).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (6, 4));
        assert_eq!(&buf[..info.buffer_size()], &rgb[..]);
    }

    fn entries(labels: &[String]) -> Vec<LegendItem> {
        labels
            .iter()
            .map(|l| LegendItem {
                swatch: Swatch::Fill(INK),
                label: l.clone(),
            })
            .collect()
    }

    #[test]
    fn a_key_places_every_entry_in_columns_that_fit_its_width() {
        let width = px(1232.0);
        let short: Vec<String> = (0..21).map(|i| format!("variant {i}")).collect();
        let k = key_layout(&entries(&short), width);
        assert_eq!(k.columns, 4);
        assert!(k.columns * k.rows >= 21 && (k.columns - 1) * k.rows < 21);
        assert!(k.columns as i32 * k.column_width <= width);
        // Labels too long for two columns: one column, wrapped, taller.
        let long: Vec<String> = (0..21)
            .map(|i| format!("variant {i} with {}", "a long override; ".repeat(6)))
            .collect();
        let l = key_layout(&entries(&long), width);
        assert_eq!((l.columns, l.rows), (1, 21));
        assert!(l.height > k.height);
        // The side panel's legend measures what it draws.
        let items = entries(&short[..3]);
        assert_eq!(
            legend_height(&items, px(PANEL)),
            3 * (text_line_height() + px(9.0))
        );
    }

    #[test]
    fn subtitle_names_n_seed_and_horizon() {
        let info = RunInfo {
            scenario: "x".into(),
            currency: "EUR".into(),
            trajectories: 10_000,
            seed: 42,
            horizon: 24,
            setup_months: 2,
            overrides: Vec::new(),
        };
        assert_eq!(
            info.subtitle("Net income per month"),
            "Net income per month  ·  10,000 trajectories  ·  seed 42  ·  24 months"
        );
        let tweaked = RunInfo {
            overrides: vec!["churn.beta=5".into(), "pricing.monthly=39".into()],
            ..info
        };
        assert_eq!(
            tweaked.subtitle("Net income per month"),
            "with churn.beta=5; pricing.monthly=39  ·  10,000 trajectories  ·  seed 42  ·  24 months  ·  Net income per month"
        );
    }
}
