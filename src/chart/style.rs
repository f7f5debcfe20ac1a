//! The one look every chart shares: the embedded font, the colour-blind-safe
//! palette, the canvas and its sizes, line widths, and how numbers are
//! written on axes (through [`crate::report::format`], the same formats as
//! the terminal table).
//!
//! Charts are drawn at [`SUPERSAMPLE`] times their final size and averaged
//! down, because plotters' bitmap backend does not anti-alias lines or
//! polygon edges; every size here is in final pixels and goes through
//! [`px`].

use crate::report::format::format_number;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use std::sync::Once;

/// Width of every chart in pixels.
pub const WIDTH: u32 = 1280;
/// Height of every chart in pixels.
pub const HEIGHT: u32 = 720;
/// Charts are drawn this many times larger in each direction, then averaged
/// down: anti-aliasing for lines and polygon edges.
pub const SUPERSAMPLE: u32 = 2;

/// The font family name the bundled font is registered under.
pub const FONT: &str = "DejaVu Sans";
/// DejaVu Sans 2.37 (Bitstream Vera licence, `assets/fonts/LICENSE`).
static FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold 2.37, same licence.
static FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled font with plotters, once per process. Every
/// drawing function calls this first, so no system font library is needed.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (style, bytes) in [
            (FontStyle::Normal, FONT_REGULAR),
            (FontStyle::Bold, FONT_BOLD),
        ] {
            if register_font(FONT, style, bytes).is_err() {
                panic!("the bundled {FONT} font does not parse");
            }
        }
    });
}

/// A length in final pixels, scaled to the supersampled canvas.
pub fn px(v: f64) -> i32 {
    (v * SUPERSAMPLE as f64).round() as i32
}

/// A line width in final pixels, scaled to the supersampled canvas (at
/// least one canvas pixel).
pub fn stroke(v: f64) -> u32 {
    px(v).max(1) as u32
}

/// The Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"):
/// eight colours that stay distinct for the common forms of colour
/// blindness. Charts take their colours from here and from [`tint`]s of
/// them, and never rely on colour alone: lines also differ in width or dash.
pub mod palette {
    use plotters::style::RGBColor;

    /// Black.
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    /// Sky blue.
    pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    /// Bluish green.
    pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    /// Yellow.
    pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    /// Blue.
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    /// Vermillion.
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    /// Reddish purple.
    pub const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
}

/// Main text.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Subtitles, notes and axis labels.
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Horizontal grid lines.
pub const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
/// Background of the setup months.
pub const SETUP_SHADE: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);
/// Individual trajectories: a neutral grey that reads on every band.
pub const TRAJECTORY: RGBColor = RGBColor(0x4D, 0x4D, 0x4D);

/// `c` mixed with white: `amount` 0 gives `c`, 1 gives white. Bands use
/// opaque tints rather than transparency, so overlapping bands keep their
/// shades and the grid does not show through unevenly.
pub fn tint(c: RGBColor, amount: f64) -> RGBColor {
    let mix = |v: u8| (v as f64 + (255.0 - v as f64) * amount).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// Font sizes in final pixels.
pub mod size {
    /// Chart title.
    pub const TITLE: f64 = 30.0;
    /// Line under the title.
    pub const SUBTITLE: f64 = 19.0;
    /// Axis descriptions.
    pub const AXIS: f64 = 19.0;
    /// Tick labels.
    pub const TICK: f64 = 17.0;
    /// Legend and notes.
    pub const LEGEND: f64 = 17.0;
}

/// Line widths in final pixels.
pub mod width {
    /// Medians and headline curves.
    pub const MAIN: f64 = 3.0;
    /// Means and secondary curves.
    pub const SECONDARY: f64 = 2.5;
    /// Reference lines.
    pub const REFERENCE: f64 = 2.0;
    /// Individual trajectories.
    pub const TRAJECTORY: f64 = 1.0;
}

/// A text style of the bundled font at `size` final pixels.
pub fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    register_fonts();
    TextStyle {
        font: (FONT, px(size) as f64).into_font(),
        color: color.to_backend_color(),
        pos: Pos::default(),
    }
}

/// Like [`text`], in bold.
pub fn bold(size: f64, color: RGBColor) -> TextStyle<'static> {
    register_fonts();
    TextStyle {
        font: (FONT, px(size) as f64, FontStyle::Bold).into_font(),
        color: color.to_backend_color(),
        pos: Pos::default(),
    }
}

/// `style` anchored at (`h`, `v`).
pub fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Width of `s` in canvas pixels.
pub fn text_width(s: &str, style: &TextStyle) -> i32 {
    style.font.box_size(s).map(|(w, _)| w as i32).unwrap_or(0)
}

/// `s` shortened with an ellipsis to fit `max` canvas pixels: the longest
/// prefix that fits with the ellipsis, found by bisection (a prefix's width
/// never falls as it grows), so a name of any length costs a few dozen
/// measurements of at most `max` characters each.
pub fn fit(s: &str, style: &TextStyle, max: i32) -> String {
    // Every glyph is at least a pixel wide, so no more than `max`
    // characters can fit.
    let chars: Vec<char> = s.chars().take(max.max(0) as usize + 1).collect();
    if chars.len() < s.chars().count() || text_width(s, style) > max {
        let shortened =
            |n: usize| chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        let fits = |n: usize| text_width(&shortened(n), style) <= max;
        // The largest n in 1..=len with fits(n): fits is true up to it and
        // false after.
        let (mut lo, mut hi) = (0, chars.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if fits(mid) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return if lo == 0 { "…".into() } else { shortened(lo) };
    }
    s.to_string()
}

/// A no-break space: [`wrap`] never breaks a line there, so a number and
/// its unit written with one (`"40\u{a0}%"`) stay on one line.
pub const NO_BREAK: char = '\u{a0}';

/// `s` broken into lines at spaces so that each fits `max` canvas pixels
/// (a single word longer than that is shortened with [`fit`]); a
/// [`NO_BREAK`] space joins the words on either side.
pub fn wrap(s: &str, style: &TextStyle, max: i32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let words = s
        .split(|c: char| c.is_whitespace() && c != NO_BREAK)
        .filter(|w| !w.is_empty());
    for word in words {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || text_width(&candidate, style) <= max {
            line = candidate;
        } else {
            lines.push(fit(&line, style, max));
            line = word.to_string();
        }
    }
    if !line.is_empty() {
        lines.push(fit(&line, style, max));
    }
    lines
}

/// Decimals that show every multiple of `step` exactly (0 for 25, 1 for
/// 2.5, 2 for 0.05).
pub fn decimals_for_step(step: f64) -> usize {
    (0..10)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() <= 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(10)
}

/// A tick label: thousands separators, as many decimals as the tick step
/// needs.
pub fn tick_label(v: f64, step: f64) -> String {
    format_number(v, decimals_for_step(step))
}

/// An amount in a sentence: whole numbers without decimals (`"1,234"`,
/// `"40"`), others as money (`"12.50"`, `"1,235"`).
pub fn amount(v: f64) -> String {
    if v == v.round() {
        format_number(v, 0)
    } else {
        crate::report::format::format_money(v)
    }
}

/// A share in a sentence: `"12.3 %"`, and `"< 0.1 %"` for a share that is
/// not zero but would read as 0.0 %.
pub fn share(p: f64) -> String {
    if p > 0.0 && p < 0.0005 {
        "< 0.1 %".into()
    } else {
        crate::report::format::format_percent(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_register_and_measure() {
        register_fonts();
        let s = text(size::TICK, INK);
        assert!(text_width("1,234", &s) > 0);
        let b = bold(size::TITLE, INK);
        assert!(text_width("Title", &b) > text_width("Title", &s));
    }

    #[test]
    fn decimals_follow_the_step() {
        assert_eq!(decimals_for_step(25.0), 0);
        assert_eq!(decimals_for_step(2.5), 1);
        assert_eq!(decimals_for_step(0.05), 2);
        assert_eq!(decimals_for_step(1000.0), 0);
        assert_eq!(tick_label(-12500.0, 2500.0), "-12,500");
        assert_eq!(tick_label(0.25, 0.25), "0.25");
    }

    #[test]
    fn amounts_and_shares_read_naturally() {
        assert_eq!(amount(40.0), "40");
        assert_eq!(amount(1500.0), "1,500");
        assert_eq!(amount(12.5), "12.50");
        assert_eq!(share(0.0), "0.0 %");
        assert_eq!(share(0.0002), "< 0.1 %");
        assert_eq!(share(0.1234), "12.3 %");
    }

    #[test]
    fn tints_run_from_the_colour_to_white() {
        assert_eq!(tint(palette::BLUE, 0.0), palette::BLUE);
        assert_eq!(tint(palette::BLUE, 1.0), RGBColor(255, 255, 255));
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let s = text(size::LEGEND, INK);
        let max = px(200.0);
        let sentence = "semi-passive threshold: net of at least 500 USD a month";
        let lines = wrap(sentence, &s, max);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, &s) <= max));
        assert_eq!(lines.join(" "), sentence);
        // A number and its unit joined by a no-break space stay together
        // wherever the line would break.
        for n in 0..30 {
            let text = format!("{}passivity at least 40{NO_BREAK}%", "x ".repeat(n));
            let lines = wrap(&text, &s, max);
            assert!(lines.iter().any(|l| l.ends_with(&format!("40{NO_BREAK}%"))));
            assert!(lines.iter().all(|l| l != "%" && !l.starts_with("% ")));
        }
        let short = fit("a very long title that cannot possibly fit", &s, px(80.0));
        assert!(short.ends_with('…') && text_width(&short, &s) <= px(80.0));
    }

    #[test]
    fn fitting_keeps_the_longest_prefix_that_fits_whatever_the_length() {
        // Regression: a title was shortened one character at a time,
        // measuring the whole rest each time, so a name of 100,000
        // characters took minutes. The bisection keeps what the
        // one-at-a-time search kept.
        let s = text(size::LEGEND, INK);
        let max = px(120.0);
        let one_at_a_time = |t: &str| {
            let chars: Vec<char> = t.chars().collect();
            (1..=chars.len())
                .rev()
                .map(|n| chars[..n].iter().collect::<String>().trim_end().to_string() + "…")
                .find(|c| text_width(c, &s) <= max)
                .unwrap_or_else(|| "…".into())
        };
        for t in [
            "Niche industry SaaS tool with a long name",
            "a b c d e f g h i j k l m n o p q r s t u v w x y z",
            "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
        ] {
            assert_eq!(fit(t, &s, max), one_at_a_time(t), "{t}");
        }
        assert_eq!(fit("fits", &s, max), "fits");
        // A few dozen measurements of at most `max` characters each.
        let short = fit(&"x".repeat(100_000), &s, max);
        assert!(short.ends_with('…') && text_width(&short, &s) <= max);
    }
}
