//! Plain-text tables for the terminal: columns as wide as their widest
//! cell, two spaces apart, text left-aligned and figures right-aligned, no
//! trailing spaces. Every table of `compare`, `sweep` and `sensitivity` is
//! laid out here; each chooses its cells so that it fits in 100 columns.

/// How a column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text: left.
    Left,
    /// Figures: right.
    Right,
}

/// The lines of a table whose first rows are headers, each indented by two
/// spaces and ending in a line break. Widths count characters, not bytes.
pub fn layout(rows: &[Vec<String>], align: &[Align]) -> String {
    let width = |i: usize| {
        rows.iter()
            .filter_map(|r| r.get(i))
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..align.len()).map(width).collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::from(" ");
        for ((cell, &w), &a) in row.iter().zip(&widths).zip(align) {
            line.push(' ');
            match a {
                Align::Left => line.push_str(&format!("{cell:<w$}")),
                Align::Right => line.push_str(&format!("{cell:>w$}")),
            }
            line.push(' ');
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `text` cut to `max` characters, the last one an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn columns_align_by_characters_two_spaces_apart() {
        let t = layout(
            &[
                row(&["name", "share"]),
                row(&["café", "5.0 %"]),
                row(&["a", "45.0 %"]),
            ],
            &[Align::Left, Align::Right],
        );
        assert_eq!(t, "  name   share\n  café   5.0 %\n  a     45.0 %\n");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(shorten("niche-saas-tool", 8), "niche-s…");
        assert_eq!(shorten("short", 8), "short");
    }
}
