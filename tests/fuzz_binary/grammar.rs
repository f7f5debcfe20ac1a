//! Inputs from a grammar: scenario files, survival tables and customer
//! lists that are mostly well formed, with extreme values (0, negative,
//! 1e308, 5e-324, NaN, infinities, 9999-12-31), hostile text (huge strings,
//! unicode, control characters) and hostile layout (duplicated keys and
//! columns, CRLF, a byte-order mark, inline and dotted tables).

use super::rng::Rng;
use hustle_sim::scenario::keys::{Bound, KeyKind, MAX_MAGNITUDE, OTHER_KEYS, PARAMS, SECTIONS};

/// Numbers at the edges of what a TOML or CSV reader, or an `f64`, holds.
pub const EXTREME_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "0.0",
    "-0.0",
    "1",
    "-1",
    "1e9",
    "1000000000",
    "1000000001",
    "1e9",
    "-1e9",
    "999999999.9999999",
    "1e300",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "5e-324",
    "-5e-324",
    "4.9e-324",
    "2.2250738585072014e-308",
    "1e-320",
    "1e-9",
    "0.9999999999999999",
    "1.0000000000000002",
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "9223372036854775807",
    "-9223372036854775808",
    "9007199254740993",
    "0x7fffffff",
    "0o777",
    "0b101",
    "1_000",
];

/// Numbers no reader should accept as such.
const BROKEN_NUMBERS: &[&str] = &[
    "18446744073709551616",
    "1e1000",
    "-1e1000",
    "1__0",
    "1.",
    ".5",
    "1e",
    "0x",
    "１２",
    "٣",
    "1,5",
    "NaN",
    "Infinity",
    "--1",
];

/// How far a generated scenario strays from valid input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Valid values, mostly typical.
    Clean,
    /// Valid values, mostly at the edges of their ranges (0, the bounds,
    /// 1e9, 5e-324): where overflow and NaN hide.
    Edges,
    /// Some invalid and hostile values and layout.
    Hostile,
}

impl Mode {
    fn hostile(self) -> bool {
        self == Mode::Hostile
    }
}

/// Text a user might paste into a name: words, unicode, control
/// characters, escapes and very long strings.
pub fn text(r: &mut Rng) -> String {
    text_in(r, true)
}

/// Text as [`text`], or (not `hostile`) only what a name may hold:
/// words and unicode within the length limits.
pub fn text_in(r: &mut Rng, hostile: bool) -> String {
    let weights: &[u32] = if hostile {
        &[30, 10, 6, 6, 8, 4, 3]
    } else {
        &[30, 10, 0, 0, 0, 4, 3]
    };
    match r.weighted(weights) {
        0 => r
            .pick(&[
                "Fuzz hustle",
                "x",
                "A",
                "My side business",
                "nan",
                "inf",
                "null",
                "--set",
                "../../etc",
                "a,b;c",
                "0",
            ])
            .to_string(),
        1 => r
            .pick(&[
                "Café ☕ 副业 🚀",
                "مشروع جانبي",
                "e\u{301}\u{301}\u{301}",
                "\u{200b}\u{200d}\u{2060}",
                "\u{feff}name",
                "𝕳𝖚𝖘𝖙𝖑𝖊",
                "ẞ\u{10ffff}",
                "👩‍👩‍👧‍👦👩‍👩‍👧‍👦",
                "\u{202e}gnp.exe",
            ])
            .to_string(),
        2 => r
            .pick(&[
                "\u{0}",
                "\u{7}",
                "\u{8}",
                "\t",
                "\n",
                "\r",
                "\r\n",
                "\u{1b}[2J",
                "\u{7f}",
                "\u{85}",
                "\u{1b}]0;x\u{7}",
            ])
            .to_string(),
        3 => {
            let unit = r.pick(&["a", "é", "副", "🚀", " ", "ab\n"]).to_string();
            let n = *r.pick(&[0usize, 1, 199, 200, 201, 1999, 2000, 2001, 5000, 30000]);
            // n characters.
            unit.repeat(n).chars().take(n).collect()
        }
        4 => String::new(),
        5 => "\"quoted\" \\back\\slash 'single'".to_string(),
        _ => {
            let n = r.range(1, 40) as usize;
            (0..n)
                .map(|_| char::from_u32(r.range(1, 0x2FFF) as u32).unwrap_or('?'))
                .collect()
        }
    }
}

/// `s` as a TOML string: usually a basic string with escapes, sometimes a
/// literal or multi-line string (which cannot hold every character, and
/// then are a syntax error worth sending too).
pub fn toml_string(r: &mut Rng, s: &str) -> String {
    match r.weighted(&[94, 3, 3]) {
        0 => {
            let mut o = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => o.push_str("\\\""),
                    '\\' => o.push_str("\\\\"),
                    '\n' => o.push_str("\\n"),
                    '\t' => o.push_str("\\t"),
                    c if (c as u32) < 0x20 || c == '\u{7f}' => {
                        o.push_str(&format!("\\u{:04X}", c as u32))
                    }
                    c => o.push(c),
                }
            }
            o.push('"');
            o
        }
        1 => format!("'{s}'"),
        _ => format!("\"\"\"\n{s}\"\"\""),
    }
}

fn float(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{x:?}")
    }
}

/// A typical valid value of a parameter with this bound and default.
fn typical(r: &mut Rng, bound: Bound, default: Option<f64>) -> f64 {
    let scale = default.filter(|d| *d != 0.0).map(f64::abs).unwrap_or(10.0);
    let x = match bound {
        Bound::Closed(lo, hi) => lo + (hi - lo) * r.unit(),
        Bound::HalfOpen(lo, hi) => lo + (hi - lo) * r.unit() * 0.999,
        Bound::Open(lo, hi) => lo + (hi - lo) * (0.001 + 0.998 * r.unit()),
        Bound::AtLeast(lo) | Bound::Above(lo) => lo.max(0.0) + scale * r.log_uniform(0.01, 100.0),
        Bound::Any => scale * (2.0 * r.unit() - 1.0) * 10.0,
    };
    if r.chance(0.4) {
        // Round numbers, as people write them.
        let rounded = (x * 100.0).round() / 100.0;
        if bound.contains(rounded) { rounded } else { x }
    } else {
        x
    }
}

/// A value on or just beside the edge of a bound.
fn edge(r: &mut Rng, bound: Bound) -> f64 {
    let tiny = 5e-324;
    match bound {
        Bound::Closed(lo, hi) => {
            *r.pick(&[lo, hi, lo.next_up(), hi.next_down(), lo - 1e-9, hi + 1e-9])
        }
        Bound::HalfOpen(lo, hi) => *r.pick(&[lo, hi - 1e-9, hi.next_down(), hi, lo.next_up()]),
        Bound::Open(lo, hi) => {
            *r.pick(&[lo.next_up(), hi.next_down(), lo, hi, lo + 1e-9, hi - 1e-9])
        }
        Bound::AtLeast(lo) => *r.pick(&[lo, lo + tiny, 1e9, lo.next_up(), lo - tiny, 1e9 + 1.0]),
        Bound::Above(lo) => *r.pick(&[lo.next_up(), tiny, 1e-300, 1e9, lo, 1e-9]),
        Bound::Any => *r.pick(&[-1e9, 1e9, 0.0, -tiny, tiny, -1e9 - 1.0]),
    }
}

/// A value for a real-valued parameter: fixed, interval or distribution,
/// usually valid.
fn param_value(r: &mut Rng, bound: Bound, default: Option<f64>, mode: Mode) -> String {
    let hostile = mode.hostile();
    let weights: &[u32] = match mode {
        Mode::Hostile => &[55, 15, 10, 10, 6, 4],
        Mode::Clean => &[65, 15, 10, 10, 0, 0],
        Mode::Edges => &[20, 70, 5, 5, 0, 0],
    };
    match r.weighted(weights) {
        0 => float(typical(r, bound, default)),
        1 => {
            let mut x = edge(r, bound);
            let valid = |x: f64| bound.contains(x) && x.abs() <= MAX_MAGNITUDE;
            while !hostile && !valid(x) {
                x = edge(r, bound);
            }
            float(x)
        }
        2 => {
            if r.chance(0.7) || !hostile {
                let a = typical(r, bound, default);
                let b = if r.chance(0.8) || !hostile {
                    a.abs() * r.log_uniform(1.01, 100.0) + 1e-3
                } else {
                    edge(r, bound)
                };
                format!("\"{} to {}\"", float(a), float(b))
            } else {
                format!(
                    "\"{}\"",
                    r.pick(&[
                        "0 to 1e9",
                        "1e-300 to 1e300",
                        "5e-324 to 1e-323",
                        "-1e9 to 1e9",
                        "1 to 1",
                        "1e9 to 1e9",
                        "-5 to -1",
                        "0 to 0",
                        "0 to 1",
                        "0.999999999 to 1",
                        "nan to 1",
                        "1 to inf",
                        "1 to 2 to 3",
                        " to ",
                        "1_0 TO 2_0",
                        "1e308 to 1.7976931348623157e308",
                        "0.1 to 0.9",
                    ])
                )
            }
        }
        3 => dist_table(r, bound, default, hostile),
        4 => {
            if r.chance(0.8) {
                r.pick(EXTREME_NUMBERS).to_string()
            } else {
                r.pick(BROKEN_NUMBERS).to_string()
            }
        }
        _ => wrong_type(r),
    }
}

fn wrong_type(r: &mut Rng) -> String {
    if r.chance(0.1) {
        // Deep nesting and very long values, which recursive readers and
        // messages that quote the value must survive.
        let depth = *r.pick(&[100usize, 1_000, 20_000]);
        return match r.below(4) {
            0 => format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
            1 => format!("{}1{}", "{ a = ".repeat(depth), " }".repeat(depth)),
            2 => format!("[{}]", vec!["1"; depth].join(", ")),
            _ => format!("\"{}\"", "9".repeat(depth)),
        };
    }
    r.pick(&[
        "true",
        "\"text\"",
        "[1, 2]",
        "[]",
        "{}",
        "9999-12-31",
        "1979-05-27T07:32:00Z",
        "00:00:00",
        "\"9999-12-31\"",
        "\"\"",
        "{ dist = \"uniform\", min = [1], max = 2 }",
        "{ dist = 5 }",
        "[[1]]",
    ])
    .to_string()
}

/// A `{ dist = ... }` table, usually consistent with the bound.
fn dist_table(r: &mut Rng, bound: Bound, default: Option<f64>, hostile: bool) -> String {
    let a = typical(r, bound, default);
    let b = typical(r, bound, default);
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mid = lo + (hi - lo) * r.unit();
    let (dist, mut fields): (&str, Vec<(&str, String)>) = match r.below(if hostile { 9 } else { 7 })
    {
        0 => ("uniform", vec![("min", float(lo)), ("max", float(hi))]),
        1 => (
            "triangular",
            vec![("min", float(lo)), ("mode", float(mid)), ("max", float(hi))],
        ),
        2 => (
            "pert",
            vec![("min", float(lo)), ("mode", float(mid)), ("max", float(hi))],
        ),
        3 => (
            "normal",
            vec![
                ("mean", float(a)),
                ("sd", float(a.abs() * r.log_uniform(0.001, 10.0) + 1e-6)),
            ],
        ),
        4 => {
            let median = a.abs() + 1e-3;
            (
                "lognormal",
                vec![
                    ("median", float(median)),
                    ("p95", float(median * r.log_uniform(1.001, 1e3))),
                ],
            )
        }
        5 => (
            "beta",
            vec![
                ("alpha", float(r.log_uniform(1e-9, 1e9))),
                ("beta", float(r.log_uniform(1e-9, 1e9))),
            ],
        ),
        6 => ("fixed", vec![("value", float(a))]),
        7 => (
            *r.pick(&["gamma", "", "Uniform", "uniform "]),
            vec![("min", "1".into())],
        ),
        _ => ("uniform", vec![("min", float(hi)), ("max", float(lo))]),
    };
    if !hostile {
        return dist_text(dist, &fields);
    }
    if r.chance(0.25) && !fields.is_empty() {
        let i = r.below(fields.len());
        fields[i].1 = r.pick(EXTREME_NUMBERS).to_string();
    }
    if r.chance(0.05) {
        fields.push((*r.pick(&["mdoe", "sd", "value", "dist"]), "1".into()));
    }
    if r.chance(0.05) && !fields.is_empty() {
        fields.remove(r.below(fields.len()));
    }
    dist_text(dist, &fields)
}

fn dist_text(dist: &str, fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    let sep = if body.is_empty() { "" } else { ", " };
    format!("{{ dist = \"{dist}\"{sep}{} }}", body.join(", "))
}

fn integer_value(r: &mut Rng, min: i64, max: i64, mode: Mode) -> String {
    let weights: &[u32] = match mode {
        Mode::Hostile => &[70, 12, 8, 5, 5],
        Mode::Clean => &[85, 15, 0, 0, 0],
        Mode::Edges => &[50, 50, 0, 0, 0],
    };
    match r.weighted(weights) {
        0 => r.range(min, max.min(min + 36)).to_string(),
        1 => r.pick(&[min, max, min + 1, max - 1]).to_string(),
        2 => r
            .pick(&[min - 1, max + 1, i64::MAX, i64::MIN, -1, 0])
            .to_string(),
        3 => r
            .pick(&["2.0", "2.5", "1e2", "-0.0", "nan", "inf", "12e0"])
            .to_string(),
        _ => wrong_type(r),
    }
}

/// A value of this kind: only valid ones unless `mode` is hostile.
pub fn value_for(r: &mut Rng, kind: KeyKind, mode: Mode) -> String {
    let hostile = mode.hostile();
    match kind {
        KeyKind::Text => {
            let s = text_in(r, hostile);
            toml_string(r, &s)
        }
        KeyKind::Integer { min, max } => integer_value(r, min, max, mode),
        KeyKind::Choice(opts) => {
            if r.chance(0.9) || !hostile {
                format!("\"{}\"", r.pick(opts))
            } else {
                r.pick(&[
                    "\"Poisson\"",
                    "\"\"",
                    "\"bass \"",
                    "\"sbg\u{200b}\"",
                    "1",
                    "[\"bass\"]",
                ])
                .to_string()
            }
        }
        KeyKind::Param(p) => {
            let spec = p.spec();
            param_value(r, spec.bound, spec.default, mode)
        }
    }
}

/// The kind of a dotted key.
fn kind(key: &str) -> KeyKind {
    hustle_sim::scenario::keys::key_kind(key).expect("a valid key")
}

/// The keys of one section (`section.leaf`), in table order.
fn section_keys(section: &str) -> Vec<&'static str> {
    let prefix = format!("{section}.");
    OTHER_KEYS
        .iter()
        .map(|(k, _)| *k)
        .chain(PARAMS.iter().map(|p| p.key))
        .filter(|k| k.starts_with(&prefix))
        .collect()
}

/// Misspelt or invented keys and sections.
const UNKNOWN_KEYS: &[&str] = &[
    "churn.montly",
    "acquisition.rat",
    "costs.one_time",
    "bogus",
    "setup.Months",
    "pricing.monthly ",
    "ß.x",
    "semi_passive.minnet",
    "owner.quit_below_nett",
];

/// A scenario file: valid sections with values at their extremes (not
/// `hostile`) or with some invalid or hostile values and layout, rendered
/// with a random layout.
pub fn scenario(r: &mut Rng, mode: Mode) -> Vec<u8> {
    let hostile = mode.hostile();
    // (section or "" for top level, leaf, value text)
    let mut entries: Vec<(String, String, String)> = Vec::new();
    let top = |entries: &mut Vec<(String, String, String)>, k: &str, v: String| {
        entries.push((String::new(), k.to_string(), v))
    };
    if r.chance(if hostile { 0.93 } else { 1.0 }) {
        let s = if r.chance(0.7) {
            "Fuzz hustle".to_string()
        } else {
            text_in(r, hostile)
        };
        let v = toml_string(r, &s);
        top(&mut entries, "name", v);
    }
    for k in ["description", "currency"] {
        if r.chance(0.3) {
            let v = value_for(r, KeyKind::Text, mode);
            top(&mut entries, k, v);
        }
    }
    let mut horizon = 24;
    if r.chance(0.75) {
        let v = if r.chance(0.85) || !hostile {
            horizon = *r.pick(&[1, 2, 3, 12, 24, 36, 60, 120]);
            if r.chance(0.5) {
                horizon = r.range(1, 120);
            }
            horizon.to_string()
        } else {
            integer_value(r, 1, 120, mode)
        };
        top(&mut entries, "horizon_months", v);
    }
    for section in SECTIONS {
        if !r.chance(0.45) {
            continue;
        }
        let keys = section_keys(section);
        let mut chosen: Vec<&str> = Vec::new();
        match section {
            "acquisition" => {
                let model = *r.pick(&["poisson", "poisson", "bass", "absent"]);
                let (mine, other): (&[&str], &[&str]) = if model == "bass" {
                    (
                        &[
                            "acquisition.market_size",
                            "acquisition.innovation",
                            "acquisition.imitation",
                        ],
                        &["acquisition.rate", "acquisition.growth"],
                    )
                } else {
                    (
                        &["acquisition.rate", "acquisition.growth"],
                        &[
                            "acquisition.market_size",
                            "acquisition.innovation",
                            "acquisition.imitation",
                        ],
                    )
                };
                if model != "absent" {
                    chosen.push("acquisition.model");
                }
                let p = if model == "bass" { 0.92 } else { 0.7 };
                chosen.extend(mine.iter().filter(|_| r.chance(p)));
                if hostile && r.chance(0.04) {
                    chosen.push(*r.pick(other));
                }
                let model_value = if r.chance(0.95) || !hostile {
                    format!("\"{}\"", if model == "absent" { "poisson" } else { model })
                } else {
                    value_for(r, kind("acquisition.model"), mode)
                };
                for k in chosen {
                    let v = if k == "acquisition.model" {
                        model_value.clone()
                    } else {
                        value_for(r, kind(k), mode)
                    };
                    entries.push((section.into(), k[section.len() + 1..].into(), v));
                }
                continue;
            }
            "churn" => {
                let sbg = r.chance(0.4);
                if sbg || r.chance(0.3) {
                    let v = if r.chance(0.95) || !hostile {
                        format!("\"{}\"", if sbg { "sbg" } else { "constant" })
                    } else {
                        value_for(r, kind("churn.model"), mode)
                    };
                    entries.push((section.into(), "model".into(), v));
                }
                // Sbg churn as alpha and beta, or in people's terms.
                let mine: &[&str] = if sbg && r.chance(0.3) {
                    &["monthly", "polarisation"]
                } else if sbg {
                    &["alpha", "beta"]
                } else {
                    &["monthly"]
                };
                for leaf in mine {
                    if r.chance(0.85) || (sbg && !hostile) {
                        let v = value_for(r, kind(&format!("churn.{leaf}")), mode);
                        entries.push((section.into(), leaf.to_string(), v));
                    }
                }
                if hostile && r.chance(0.04) {
                    entries.push((section.into(), "alpha".into(), "1".into()));
                }
                continue;
            }
            "semi_passive" => {
                chosen.extend(keys.iter().filter(|k| {
                    if k.ends_with("sustain_months") {
                        r.chance(0.6)
                    } else {
                        !hostile || r.chance(0.92)
                    }
                }));
            }
            _ => chosen.extend(keys.iter().filter(|_| r.chance(0.5))),
        }
        for k in chosen {
            let v = if k == "setup.months" && !hostile {
                r.range(0, (horizon - 1).min(12)).to_string()
            } else {
                value_for(r, kind(k), mode)
            };
            entries.push((section.into(), k[section.len() + 1..].into(), v));
        }
    }
    if !hostile {
        return render(r, entries, false);
    }
    if r.chance(0.05) {
        let k = *r.pick(UNKNOWN_KEYS);
        let (s, l) = k.split_once('.').unwrap_or(("", k));
        entries.push((s.into(), l.into(), "0.1".into()));
    }
    if r.chance(0.02) {
        entries.push((
            r.pick(&["chrun", "Setup", "extra"]).to_string(),
            "x".into(),
            "1".into(),
        ));
    }
    render(r, entries, true)
}

/// Writes entries as TOML with a random layout; only valid layouts unless
/// `hostile`.
fn render(r: &mut Rng, entries: Vec<(String, String, String)>, hostile: bool) -> Vec<u8> {
    let mut sections: Vec<String> = Vec::new();
    for (s, _, _) in &entries {
        if !s.is_empty() && !sections.contains(s) {
            sections.push(s.clone());
        }
    }
    if r.chance(0.1) {
        // Any order of sections is valid TOML.
        for i in (1..sections.len()).rev() {
            sections.swap(i, r.below(i + 1));
        }
    }
    let eq = |r: &mut Rng| r.pick(&[" = ", "=", "  =  ", "\t=\t"]).to_string();
    let comment = |r: &mut Rng| {
        if r.chance(0.2) {
            format!(
                "  # {}",
                r.pick(&["judgment call", "é ☕", "= 5", "[churn]", "#", ""])
            )
        } else {
            String::new()
        }
    };
    // Key/value lines (top-level keys, dotted keys and inline tables) must
    // come before the first table header, or they belong to that table.
    let mut head = String::new();
    let mut tables = String::new();
    if r.chance(0.2) {
        head.push_str("# A generated scenario\n\n");
    }
    let mut late = Vec::new();
    for (s, k, v) in &entries {
        if s.is_empty() {
            if hostile && r.chance(0.02) {
                late.push(format!("{k}{}{v}\n", eq(r)));
            } else {
                head.push_str(&format!("{k}{}{v}{}\n", eq(r), comment(r)));
            }
        }
    }
    for s in &sections {
        let kv: Vec<(&String, &String)> = entries
            .iter()
            .filter(|(es, _, _)| es == s)
            .map(|(_, k, v)| (k, v))
            .collect();
        match r.weighted(&[88, 5, 5, 2]) {
            0 | 3 => {
                let header = match r.weighted(if hostile {
                    &[97, 1, 1, 1]
                } else {
                    &[97, 1, 0, 1]
                }) {
                    0 => format!("[{s}]"),
                    1 => format!("[\"{s}\"]"),
                    2 => format!("[[{s}]]"),
                    _ => format!("[ {s} ]"),
                };
                if r.chance(0.3) {
                    tables.push('\n');
                }
                tables.push_str(&header);
                tables.push_str(&comment(r));
                tables.push('\n');
                for (k, v) in &kv {
                    let indent = r.pick(&["", "", "", "  ", "\t"]);
                    tables.push_str(&format!("{indent}{k}{}{v}{}\n", eq(r), comment(r)));
                    if hostile && r.chance(0.015) {
                        // A duplicated key: a TOML error.
                        tables.push_str(&format!("{k} = {v}\n"));
                    }
                }
                if hostile && r.chance(0.01) {
                    // A duplicated table: a TOML error.
                    tables.push_str(&format!("[{s}]\n"));
                }
            }
            1 => {
                let body: Vec<String> = kv.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                // A multi-line string inside makes this a syntax error,
                // also worth sending.
                head.push_str(&format!("{s} = {{ {} }}\n", body.join(", ")));
            }
            _ => {
                for (k, v) in &kv {
                    head.push_str(&format!("{s}.{k}{}{v}\n", eq(r)));
                }
            }
        }
    }
    // A key after a table header belongs to that table: an unknown key.
    let mut out = head + &tables;
    for line in late {
        out.push_str(&line);
    }
    finish(r, out.into_bytes(), hostile)
}

/// Layout accidents applied to any text file: CRLF, a byte-order mark, a
/// missing final newline and, when `hostile`, a stray NUL, invalid UTF-8 or
/// a lone carriage return.
pub fn finish(r: &mut Rng, mut bytes: Vec<u8>, hostile: bool) -> Vec<u8> {
    if r.chance(0.1) {
        let mut crlf = Vec::with_capacity(bytes.len() + bytes.len() / 8);
        for b in bytes {
            if b == b'\n' {
                crlf.push(b'\r');
            }
            crlf.push(b);
        }
        bytes = crlf;
    }
    if r.chance(0.05) {
        bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
    }
    if r.chance(0.05) && bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if !hostile {
        return bytes;
    }
    if r.chance(0.01) {
        let i = r.below(bytes.len() + 1);
        bytes.insert(i, 0);
    }
    if r.chance(0.01) {
        let i = r.below(bytes.len() + 1);
        bytes.insert(i, *r.pick(&[0xFF, 0xC3, 0x80, 0xED]));
    }
    if r.chance(0.01) {
        let i = r.below(bytes.len() + 1);
        bytes.insert(i, b'\r');
    }
    bytes
}

/// A number as it might appear in a spreadsheet export, in one of a few
/// styles (chosen once per file).
fn csv_count(style: usize, n: u64) -> String {
    match style {
        0 => n.to_string(),
        1 => format!("{n}.0"),
        2 => format!(" {n} "),
        3 => format!("\"{n}\""),
        4 => format!("{:e}", n as f64),
        5 => format!("+{n}"),
        6 => format!("00{n}"),
        _ => format!("{n}.5"),
    }
}

/// A hostile value for a count or period field.
fn csv_hostile(r: &mut Rng) -> String {
    r.pick(&[
        "",
        "-1",
        "-0",
        "1.5",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e308",
        "5e-324",
        "abc",
        "18446744073709551615",
        "18446744073709551616",
        "9007199254740993",
        "9e15",
        "8999999999999999",
        "0x10",
        "１",
        "\"",
        "1,2",
        "﻿5",
    ])
    .to_string()
}

/// Cohort sizes, from tiny to beyond what a count can hold.
const SIZES: &[u64] = &[
    1,
    2,
    3,
    10,
    100,
    1000,
    1_000_000,
    1 << 32,
    1 << 53,
    8_999_999_999_999_999,
    u64::MAX / 2,
    u64::MAX,
];

/// A survival table (`period,alive[,cohort]`).
pub fn survival_csv(r: &mut Rng) -> Vec<u8> {
    let cohorts = match r.weighted(&[70, 25, 4, 1]) {
        0 => 1,
        1 => r.range(2, 5) as usize,
        2 => r.range(6, 40) as usize,
        _ => 0,
    };
    let hostile = r.chance(0.3);
    let style = r.weighted(&[80, 4, 4, 4, 4, 2, 2, if hostile { 2 } else { 0 }]);
    let labelled = cohorts > 1 || r.chance(0.15);
    let mut header: Vec<String> = if labelled {
        vec!["cohort".into(), "period".into(), "alive".into()]
    } else {
        vec!["period".into(), "alive".into()]
    };
    let odd = if hostile { 1 } else { 0 };
    match r.weighted(&[85, 4, 3, 3 * odd, 2 * odd, 2, odd]) {
        0 => {}
        1 => header.iter_mut().for_each(|h| *h = h.to_ascii_uppercase()),
        2 => header.reverse(),
        3 => header.push(header[header.len() - 1].clone()),
        4 => header.push("notes".into()),
        5 => header.iter_mut().for_each(|h| *h = format!("\"{h}\"")),
        _ => {
            header.pop();
        }
    }
    let cols: Vec<String> = header
        .iter()
        .map(|h| h.trim_matches('"').to_ascii_lowercase())
        .collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut tables: Vec<(String, Vec<u64>)> = Vec::new();
    for c in 0..cohorts {
        let size = if r.chance(0.75) {
            r.range(1, 5000) as u64
        } else {
            *r.pick(SIZES)
        };
        // Only a single cohort is long: files stay far below any size limit.
        let long = if cohorts > 1 { 0 } else { 1 };
        let periods = match r.weighted(&[10, 60, 20, 7 * long, 3 * long]) {
            0 => r.range(0, 2) as usize,
            1 => r.range(2, 13) as usize,
            2 => r.range(13, 60) as usize,
            3 => r.range(60, 400) as usize,
            _ => r.range(400, 3000) as usize,
        };
        let mut alive = vec![size];
        let pattern = r.weighted(&[50, 10, 8, 8, 8, 6, 5, 5 * odd]);
        let p = r.unit() * 0.5;
        let lost_each = (size as f64 * r.unit() * 0.05) as u64;
        for t in 1..=periods {
            let prev = *alive.last().unwrap();
            let next = match pattern {
                // Geometric churn at p (rounded).
                0 => prev - ((prev as f64 * p).round() as u64).min(prev),
                // The same number lost every period.
                1 => prev.saturating_sub(lost_each),
                // Nobody leaves.
                2 => prev,
                // Everybody leaves at once.
                3 => {
                    if t == 1 {
                        0
                    } else {
                        prev
                    }
                }
                // Churn falling with tenure, as sbg implies.
                4 => prev - ((prev as f64 * p / t as f64).round() as u64).min(prev),
                // Exactly constant churn: size a power of 2, half leave.
                5 => prev / 2,
                // Random falls.
                6 => prev - r.range(0, prev.min(1 << 40) as i64) as u64 / 4,
                // A rise (invalid).
                _ => prev.saturating_add(r.range(0, 3) as u64),
            };
            alive.push(next);
        }
        let label = if r.chance(0.8) {
            format!("2024-{:02}", c % 12 + 1)
        } else {
            // A label as a user might type it, repeated on every row.
            let t = text(r).replace(['\n', '\r', ',', '"'], " ");
            t.chars().take(40).collect()
        };
        tables.push((label, alive));
    }
    // Rows: cohorts one after another, or interleaved by period.
    let interleave = r.chance(0.3);
    let mut order: Vec<(usize, usize)> = Vec::new();
    if interleave {
        let longest = tables.iter().map(|t| t.1.len()).max().unwrap_or(0);
        for t in 0..longest {
            for (c, tab) in tables.iter().enumerate() {
                if t < tab.1.len() {
                    order.push((c, t));
                }
            }
        }
    } else {
        for (c, tab) in tables.iter().enumerate() {
            for t in 0..tab.1.len() {
                order.push((c, t));
            }
        }
    }
    for (c, t) in order {
        let (label, alive) = &tables[c];
        let mut row = Vec::new();
        for col in &cols {
            row.push(match col.as_str() {
                "cohort" => label.clone(),
                "period" => csv_count(style, t as u64),
                "alive" => csv_count(style, alive[t]),
                _ => "x".into(),
            });
        }
        rows.push(row);
    }
    if hostile && !rows.is_empty() {
        // One or two hostile rows.
        for _ in 0..r.range(1, 2) {
            let i = r.below(rows.len());
            match r.below(4) {
                0 => {
                    let j = r.below(rows[i].len());
                    rows[i][j] = csv_hostile(r);
                }
                1 => rows[i].push("extra".into()),
                2 => {
                    rows[i].pop();
                }
                _ => {
                    let dup = rows[i].clone();
                    rows.insert(i, dup);
                }
            }
        }
    }
    csv_text(r, &header, rows, hostile)
}

fn csv_text(r: &mut Rng, header: &[String], rows: Vec<Vec<String>>, hostile: bool) -> Vec<u8> {
    let trailing_comma = if hostile && r.chance(0.1) {
        r.below(rows.len() + 1)
    } else {
        usize::MAX
    };
    let mut out = String::new();
    if r.chance(0.05) {
        out.push_str("# exported by a spreadsheet\n");
    }
    out.push_str(&header.join(","));
    out.push('\n');
    for (i, row) in rows.into_iter().enumerate() {
        if r.chance(0.01) {
            out.push('\n');
        }
        if r.chance(0.005) {
            out.push_str("# a comment, with a comma\n");
        }
        out.push_str(&row.join(","));
        if i == trailing_comma {
            out.push(',');
        }
        out.push('\n');
    }
    finish(r, out.into_bytes(), hostile)
}

/// A calendar date, occasionally not one.
fn date(r: &mut Rng, year_lo: i64, year_hi: i64) -> (i64, i64, i64) {
    let y = r.range(year_lo, year_hi);
    let m = r.range(1, 12);
    let d = if r.chance(0.2) {
        r.range(28, 31)
    } else {
        r.range(1, 28)
    };
    (y, m, d.min(days_in_month(y, m)))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `(y, m, d)` plus `days` days (clamping an invalid day first).
fn add_days(mut y: i64, mut m: i64, d: i64, days: i64) -> (i64, i64, i64) {
    let mut d = d.min(days_in_month(y, m)) + days;
    while d > days_in_month(y, m) {
        d -= days_in_month(y, m);
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    (y, m, d)
}

/// A date in one of a few styles (chosen once per file; the last four are
/// not ISO dates).
fn date_text(style: usize, (y, m, d): (i64, i64, i64)) -> String {
    let base = format!("{y:04}-{m:02}-{d:02}");
    match style {
        0 => base,
        1 => format!("{base}T09:30:00Z"),
        2 => format!("{base} 10:00"),
        3 => format!("{y}/{m}/{d}"),
        4 => format!("{y:04}-{m}-{d}"),
        5 => format!("{y:05}-{m:02}-{d:02}"),
        _ => format!("{d:02}.{m:02}.{y:04}"),
    }
}

/// A customer list (`start,end` plus other columns) and an `--as-of` date
/// to go with it, if any.
pub fn customers_csv(r: &mut Rng) -> (Vec<u8>, Option<String>) {
    let hostile = r.chance(0.3);
    let odd = if hostile { 1 } else { 0 };
    let style = r.weighted(&[90, 4, 3, 2 * odd, odd, odd, odd]);
    let mut header: Vec<String> = match r.weighted(&[50, 30, 10, 10]) {
        0 => vec!["start", "end"],
        1 => vec!["id", "start", "end", "plan"],
        2 => vec!["end", "start", "amount"],
        _ => vec!["Start", "END"],
    }
    .into_iter()
    .map(String::from)
    .collect();
    match r.weighted(&[90, 3 * odd, 3 * odd, 2 * odd, 2]) {
        0 => {}
        1 => header.push("start".into()),
        2 => {
            let i = r.below(header.len());
            header.remove(i);
        }
        3 => header.push("period".into()),
        _ => header.iter_mut().for_each(|h| *h = format!(" {h} ")),
    }
    let cols: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let (lo, hi) = match r.weighted(&[80, 8, 6, 6]) {
        0 => (2019, 2025),
        1 => (9990, 9999),
        2 => (0, 10),
        _ => (0, 9999),
    };
    let n = match r.weighted(&[10, 60, 25, 5]) {
        0 => r.range(0, 3) as usize,
        1 => r.range(3, 200) as usize,
        2 => r.range(200, 1500) as usize,
        _ => r.range(1500, 4000) as usize,
    };
    let active_share = r.unit();
    let mean_days = r.log_uniform(1.0, 2000.0);
    let mut latest = (lo, 1, 1);
    let mut rows = Vec::new();
    for i in 0..n {
        let start = date(r, lo, hi);
        let end = if r.chance(active_share) {
            None
        } else if hostile && r.chance(0.02) {
            // Before the start.
            Some(date(r, lo, hi))
        } else {
            let end = add_days(
                start.0,
                start.1,
                start.2,
                (r.unit() * 2.0 * mean_days) as i64,
            );
            Some(if hostile {
                end
            } else {
                end.min((9999, 12, 31))
            })
        };
        let last = end.unwrap_or(start);
        if last > latest {
            latest = last;
        }
        let mut row = Vec::new();
        for c in &cols {
            row.push(match c.as_str() {
                "start" => date_text(style, start),
                "end" => end.map(|e| date_text(style, e)).unwrap_or_default(),
                "id" => format!("c{i}"),
                "plan" => r.pick(&["pro", "basic", "\"pro, yearly\""]).to_string(),
                _ => r.pick(&["9.99", "", "x"]).to_string(),
            });
        }
        if hostile && r.chance(0.005) {
            let j = r.below(row.len());
            row[j] = r
                .pick(&[
                    "",
                    "2023-02-29",
                    "2024-02-30",
                    "2024-13-01",
                    "0000-00-00",
                    "9999-12-31",
                    "0000-01-01",
                    "2024-01-01T",
                    "-2024-01-01",
                    "2024-01-01\u{0}",
                    "２０２４-01-01",
                ])
                .to_string();
        }
        rows.push(row);
    }
    let as_of = match r.weighted(&[60, 20, 5, 5, 5 * odd, 5 * odd]) {
        0 => None,
        1 => {
            let (y, m, d) = add_days(latest.0, latest.1, latest.2, r.range(0, 400));
            Some(format!("{y:04}-{m:02}-{d:02}"))
        }
        2 => Some("9999-12-31".into()),
        3 => Some(format!("{:04}-{:02}-{:02}", latest.0, latest.1, latest.2)),
        4 => {
            let (y, m, d) = date(r, lo, hi);
            Some(format!("{y:04}-{m:02}-{d:02}"))
        }
        _ => Some(
            r.pick(&[
                "",
                "2024-02-30",
                "today",
                "0000-01-01",
                "2024-1-1",
                "99999-01-01",
                "2024-01-01T00:00:00Z",
                "-1",
            ])
            .to_string(),
        ),
    };
    (csv_text(r, &header, rows, hostile), as_of)
}

#[test]
fn generated_files_are_mostly_well_formed() {
    let mut parsed = 0;
    for i in 0..400 {
        let mut r = Rng::for_case(5, i);
        let mode = [Mode::Clean, Mode::Edges, Mode::Hostile][i as usize % 3];
        let text = scenario(&mut r, mode);
        if std::str::from_utf8(&text)
            .ok()
            .and_then(|t| t.parse::<toml::Table>().ok())
            .is_some()
        {
            parsed += 1;
        }
        assert!(text.len() < 300_000, "{} bytes", text.len());
        assert!(survival_csv(&mut r).len() < 300_000);
        assert!(customers_csv(&mut r).0.len() < 300_000);
    }
    // Most generated scenarios are TOML (layout accidents aside), so that
    // the values, not the syntax, are what gets tested.
    assert!(parsed > 250, "{parsed} of 400 parsed as TOML");
}
