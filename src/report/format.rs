//! Number formats shared by the terminal table and the charts, and the one
//! way text from a user (a scenario's name, a file name, a label) is made
//! safe to print on a terminal.

use std::borrow::Cow;

/// `x` rounded to 12 significant digits, so that a value computed as
/// 0.04000000000000001 or 0.12000000000000001 reads 0.04 or 0.12.
pub fn round_12_digits(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// `x` rounded to `decimals` places with thousands separators:
/// `format_number(-12345.678, 0) == "-12,346"`.
pub fn format_number(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let negative = x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Widest line of a note under a terminal table, indent included.
pub const NOTE_COLUMNS: usize = 88;

/// `text` broken at spaces into lines of at most [`NOTE_COLUMNS`]
/// characters, each starting with `indent` and ending in a line break (a
/// word longer than a line stands alone).
pub fn wrap_note(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    let width = |s: &str| s.chars().count();
    for word in text.split_whitespace() {
        if width(&line) > width(indent) && width(&line) + 1 + width(word) > NOTE_COLUMNS {
            out.push_str(&line);
            out.push('\n');
            line = String::from(indent);
        }
        if width(&line) > width(indent) {
            line.push(' ');
        }
        line.push_str(word);
    }
    if width(&line) > width(indent) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A money amount: whole units from 100 up, cents below.
pub fn format_money(x: f64) -> String {
    format_number(x, if x.abs() >= 100.0 { 0 } else { 2 })
}

/// A share as a percentage with one decimal: `0.1234 -> "12.3 %"`.
pub fn format_percent(p: f64) -> String {
    format!("{:.1} %", p * 100.0)
}

/// A parameter value with about three significant digits and thousands
/// separators: `0.0432`, `0.8`, `12.5`, `1,250`.
pub fn format_value(v: f64) -> String {
    let a = v.abs();
    let decimals = if a == 0.0 || a >= 100.0 {
        0
    } else {
        // Three significant digits, at most 6 decimals.
        (2 - a.log10().floor() as i32).clamp(0, 6) as usize
    };
    let s = format_number(v, decimals);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Whether `c` is escaped before it reaches a terminal: control characters
/// (C0, DEL and C1, which include ESC and the 8-bit CSI that start terminal
/// escape sequences, BEL, backspace and carriage return) and the Unicode
/// bidirectional overrides and isolates, which reorder what is displayed.
fn escaped_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` safe to print on a terminal: every control character (and
/// bidirectional override) written as Rust writes it in a quoted string,
/// `\u{1b}` for ESC, `\u{7}` for BEL, `\n`, `\t`, `\r` and `\0`; anything
/// else as it is. A user's text (a scenario's name or description, a file
/// name) can then never move the cursor, change colours, ring the bell or
/// rewrite what is shown. Every command prints user text through this
/// function (or [`terminal_lines`]); `check` shows the same escapes inside
/// its quoted values. The result holds no control character, so escaping
/// it again changes nothing.
pub fn terminal_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(escaped_on_terminal) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if escaped_on_terminal(c) {
            let e = c.escape_debug();
            if e.len() > 1 {
                out.extend(e);
            } else {
                // Written as is by escape_debug (it deems it printable):
                // spelt out all the same.
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text of several lines made safe for a terminal: each line through
/// [`terminal_text`], the line breaks between them kept. For whole messages
/// and tables the program lays out in lines (error messages quoting a line
/// of a file, the summary table).
pub fn terminal_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && escaped_on_terminal(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.split('\n')
            .map(terminal_text)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_as_check_shows_them() {
        let name = "\u{1b}[31mred\u{7}";
        assert_eq!(terminal_text(name), "\\u{1b}[31mred\\u{7}");
        // The same escapes as a quoted value (Debug), without the quotes.
        assert_eq!(format!("{name:?}"), format!("\"{}\"", terminal_text(name)));
        assert_eq!(terminal_text("a\tb\nc\r\0"), "a\\tb\\nc\\r\\0");
        // DEL, the 8-bit CSI and a right-to-left override.
        assert_eq!(
            terminal_text("x\u{7f}\u{9b}2J\u{202e}y"),
            "x\\u{7f}\\u{9b}2J\\u{202e}y"
        );
        // Ordinary text, accents and symbols are untouched (and not copied).
        for plain in ["Niche SaaS · €5", "Ünïcødé – ok", "a \"quoted\" \\ path"] {
            assert!(matches!(terminal_text(plain), Cow::Borrowed(_)), "{plain}");
        }
        // Escaping twice changes nothing more.
        let once = terminal_text(name).into_owned();
        assert_eq!(terminal_text(&once), once);
    }

    #[test]
    fn lines_keep_their_breaks_and_escape_the_rest() {
        assert_eq!(
            terminal_lines("first \u{1b}[2J\nsecond\u{7}\n"),
            "first \\u{1b}[2J\nsecond\\u{7}\n"
        );
        assert!(matches!(terminal_lines("a\nb\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn thousands_and_signs() {
        assert_eq!(format_number(-12345.678, 0), "-12,346");
        assert_eq!(format_number(1234567.0, 0), "1,234,567");
        assert_eq!(format_number(999.5, 0), "1,000");
        assert_eq!(format_number(-0.004, 2), "0.00");
        assert_eq!(format_number(-0.5, 2), "-0.50");
        assert_eq!(format_money(12.5), "12.50");
        assert_eq!(format_money(-1500.2), "-1,500");
        assert_eq!(format_percent(0.1234), "12.3 %");
    }

    #[test]
    fn parameter_values_keep_three_significant_digits() {
        assert_eq!(format_value(0.0432), "0.0432");
        assert_eq!(format_value(0.8), "0.8");
        assert_eq!(format_value(12.5), "12.5");
        assert_eq!(format_value(1250.4), "1,250");
        assert_eq!(format_value(0.0), "0");
        assert_eq!(format_value(-0.01), "-0.01");
    }
}
