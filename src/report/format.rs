//! Number formats shared by the terminal table and the charts.

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

#[cfg(test)]
mod tests {
    use super::*;

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
