//! What a successful command must have written: figures that are numbers
//! wherever a number is promised (no NaN, no infinity, no null except where
//! the file's documentation allows one), and files that read back.

use serde_json::Value;

/// Fields of `summary.json` that are null when there is nothing to report:
/// a month never reached within the horizon, or no hourly rate because no
/// trajectory worked any hours (src/report/summary.rs).
pub const SUMMARY_NULLS: &[&str] = &[
    "passivity.month.p25",
    "passivity.month.p50",
    "passivity.month.p75",
    "correlation[].spearman",
    "semi_passive.month.p25",
    "semi_passive.month.p50",
    "semi_passive.month.p75",
    "break_even.month.p25",
    "break_even.month.p50",
    "break_even.month.p75",
    "hourly_rate.mean",
    "hourly_rate.sd",
    "hourly_rate.p5",
    "hourly_rate.p25",
    "hourly_rate.p50",
    "hourly_rate.p75",
    "hourly_rate.p95",
    "hourly_rate.beats_hourly_value",
];

/// Fields of `compare.json` that may be null: the median month when fewer
/// than half, or none, became semi-passive (src/report/paired.rs).
pub const COMPARE_NULLS: &[&str] = &[
    "scenarios[].passivity_month.p25",
    "scenarios[].passivity_month.p50",
    "scenarios[].passivity_month.p75",
    "scenarios[].median_month_semi_passive",
    "scenarios[].median_month_semi_passive_if_reached",
];

/// Fields of `fit-churn --json` that may be null (docs/fit-churn.md): the
/// standard errors and their correlation on a boundary, the boundary of an
/// interior fit, what only one data format has, churn at period 0 and
/// observations past the data.
pub const FIT_NULLS: &[&str] = &[
    "alpha_se",
    "beta_se",
    "alpha_beta_correlation",
    "boundary",
    "data.cohorts",
    "data.active",
    "data.as_of",
    "fitted[].churn",
    "fitted[].expected_alive",
    "fitted[].observed_survival",
    "fitted[].observed_alive",
    "projection[].expected_alive",
    "projection[].observed_survival",
    "projection[].observed_alive",
];

/// Every null in `v` at a path not in `allowed` (paths like `a.b[].c`).
pub fn unexpected_nulls(v: &Value, allowed: &[&str]) -> Vec<String> {
    fn walk(v: &Value, path: &str, allowed: &[&str], out: &mut Vec<String>) {
        match v {
            Value::Null if !allowed.contains(&path) => out.push(path.to_string()),
            Value::Array(xs) => {
                for x in xs {
                    walk(x, &format!("{path}[]"), allowed, out);
                }
            }
            Value::Object(m) => {
                for (k, x) in m {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(x, &p, allowed, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, "", allowed, &mut out);
    out.dedup();
    out
}

/// Problems with a JSON output: not JSON, or nulls where numbers belong.
pub fn check_json(name: &str, bytes: &[u8], allowed: &[&str]) -> Vec<String> {
    match serde_json::from_slice::<Value>(bytes) {
        Err(e) => vec![format!("{name} is not JSON: {e}")],
        Ok(v) => {
            let mut faults: Vec<String> = unexpected_nulls(&v, allowed)
                .into_iter()
                .map(|p| format!("{name}: null at {p}"))
                .collect();
            faults.extend(
                probabilities(&v, "")
                    .into_iter()
                    .map(|p| format!("{name}: {p}")),
            );
            faults
        }
    }
}

/// Figures of `summary.json` that contradict each other: percentiles out
/// of order, a negative standard deviation, arrays not one entry per
/// month, shares by month that fall or leave 0..=1, causes of failure that
/// do not add up to the failure probability.
pub fn summary_invariants(bytes: &[u8]) -> Vec<String> {
    let Ok(v) = serde_json::from_slice::<Value>(bytes) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let h = v["horizon_months"].as_u64().unwrap_or(0) as usize;
    let nums = |x: &Value| -> Vec<f64> {
        x.as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let close = |a: f64, b: f64| a <= b + 1e-9 * (1.0 + a.abs().max(b.abs()));
    if let Some(series) = v["series"].as_object() {
        for (metric, stats) in series {
            let cols: Vec<Vec<f64>> = ["p5", "p25", "p50", "p75", "p95"]
                .iter()
                .map(|q| nums(&stats[*q]))
                .collect();
            for (q, col) in ["p5", "p25", "p50", "p75", "p95"].iter().zip(&cols) {
                if col.len() != h {
                    out.push(format!(
                        "series.{metric}.{q} has {} entries for {h} months",
                        col.len()
                    ));
                }
            }
            for t in 0..h.min(cols.iter().map(Vec::len).min().unwrap_or(0)) {
                if (1..5).any(|i| !close(cols[i - 1][t], cols[i][t])) {
                    let row: Vec<f64> = cols.iter().map(|c| c[t]).collect();
                    out.push(format!(
                        "series.{metric}: percentiles out of order in month {}: {row:?}",
                        t + 1
                    ));
                    break;
                }
            }
            if nums(&stats["sd"]).iter().any(|&x| x < 0.0) {
                out.push(format!("series.{metric}.sd is negative"));
            }
        }
    }
    for key in [
        "semi_passive.reached_by_month",
        "break_even.reached_by_month",
        "failure.failed_by_month",
    ] {
        let (a, b) = key.split_once('.').unwrap();
        let xs = nums(&v[a][b]);
        if xs.windows(2).any(|w| w[1] < w[0]) || xs.iter().any(|x| !(0.0..=1.0).contains(x)) {
            out.push(format!("{key} falls or leaves 0..=1: {xs:?}"));
        }
    }
    let hr: Vec<f64> = ["p5", "p25", "p50", "p75", "p95"]
        .iter()
        .filter_map(|q| v["hourly_rate"][*q].as_f64())
        .collect();
    if hr.windows(2).any(|w| !close(w[0], w[1])) {
        out.push(format!("hourly_rate percentiles out of order: {hr:?}"));
    }
    if let (Some(p), Some(causes)) = (
        v["failure"]["probability"].as_f64(),
        v["failure"]["causes"].as_object(),
    ) {
        let sum: f64 = causes.values().filter_map(Value::as_f64).sum();
        if (sum - p).abs() > 1e-9 {
            out.push(format!("failure causes add up to {sum}, not {p}"));
        }
    }
    out
}

/// Figures of `fit-churn --json` that contradict each other or the model:
/// shapes not > 0, survival outside 0..=1 or rising, churn or p-values
/// outside 0..=1.
pub fn fit_invariants(bytes: &[u8]) -> Vec<String> {
    let Ok(v) = serde_json::from_slice::<Value>(bytes) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for k in ["alpha", "beta"] {
        if !v[k].as_f64().is_some_and(|x| x > 0.0) {
            out.push(format!("{k} = {} is not > 0", v[k]));
        }
    }
    for k in ["p_value", "p_value_boundary"] {
        if let Some(p) = v["likelihood_ratio"][k].as_f64()
            && !(0.0..=1.0).contains(&p)
        {
            out.push(format!("likelihood_ratio.{k} = {p}"));
        }
    }
    if let Some(m) = v["constant_churn"]["monthly"].as_f64()
        && !(0.0..=1.0).contains(&m)
    {
        out.push(format!("constant_churn.monthly = {m}"));
    }
    let rows: Vec<&Value> = ["fitted", "projection"]
        .iter()
        .filter_map(|k| v[*k].as_array())
        .flatten()
        .collect();
    for col in ["survival", "constant_survival"] {
        let xs: Vec<f64> = rows.iter().filter_map(|r| r[col].as_f64()).collect();
        if xs.iter().any(|x| !(0.0..=1.0 + 1e-12).contains(x))
            || xs.windows(2).any(|w| w[1] > w[0] * (1.0 + 1e-12))
        {
            out.push(format!("{col} leaves 0..=1 or rises"));
        }
    }
    if rows
        .iter()
        .filter_map(|r| r["churn"].as_f64())
        .any(|c| !(0.0..=1.0).contains(&c))
    {
        out.push("churn at a renewal outside 0..=1".into());
    }
    out
}

/// Probabilities outside 0..=1 and 95 % intervals that do not run from low
/// to high, anywhere in `v`.
fn probabilities(v: &Value, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}.{k}");
                if k == "clamped" {
                    // Counts of clamped draws, by parameter key.
                    continue;
                }
                let probability = k == "probability"
                    || (k.ends_with("_probability") && !k.ends_with("difference"));
                if probability
                    && let Some(f) = x.as_f64()
                    && !(0.0..=1.0).contains(&f)
                {
                    out.push(format!("{p} = {f} is not a probability"));
                }
                if k.ends_with("ci95")
                    && let Some([lo, hi]) = x.as_array().map(Vec::as_slice)
                    && let (Some(lo), Some(hi)) = (lo.as_f64(), hi.as_f64())
                    && lo > hi
                {
                    out.push(format!("{p} = [{lo}, {hi}] runs backwards"));
                }
                out.extend(probabilities(x, &p));
            }
        }
        Value::Array(xs) => {
            for x in xs {
                out.extend(probabilities(x, &format!("{path}[]")));
            }
        }
        _ => {}
    }
    out
}

/// Problems with a CSV output: every cell must be a finite number except
/// in the named text columns and, when empty, in the columns that may be
/// empty.
pub fn check_csv(name: &str, bytes: &[u8], text: &[&str], may_be_empty: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => return vec![format!("{name}: no header: {e}")],
    };
    let mut rows = 0;
    for (i, rec) in rdr.records().enumerate() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                out.push(format!("{name}: row {}: {e}", i + 1));
                continue;
            }
        };
        rows += 1;
        for (col, cell) in header.iter().zip(rec.iter()) {
            if text.contains(&col.as_str()) {
                continue;
            }
            if cell.is_empty() && may_be_empty.contains(&col.as_str()) {
                continue;
            }
            if !cell.parse::<f64>().is_ok_and(f64::is_finite) {
                out.push(format!("{name}: row {}: {col} = {cell:?}", i + 1));
            }
        }
        if out.len() > 5 {
            break;
        }
    }
    if rows == 0 {
        out.push(format!("{name}: no rows"));
    }
    out
}

/// Problems with a PNG output: it must decode.
pub fn check_png(name: &str, bytes: &[u8]) -> Vec<String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = match decoder.read_info() {
        Ok(r) => r,
        Err(e) => return vec![format!("{name}: not a PNG: {e}")],
    };
    let Some(size) = reader.output_buffer_size() else {
        return vec![format!("{name}: no image size")];
    };
    let mut buf = vec![0; size];
    match reader.next_frame(&mut buf) {
        Ok(info) if info.width > 0 && info.height > 0 => Vec::new(),
        Ok(_) => vec![format!("{name}: an empty image")],
        Err(e) => vec![format!("{name}: does not decode: {e}")],
    }
}

/// Words that stand for a missing or non-finite number.
const NOT_NUMBERS: &[&str] = &["nan", "inf", "infinity", "null"];

/// Words of `text` that stand for a missing or non-finite number, unless
/// the user wrote them (`inputs`): a name may well be "nan".
pub fn non_numbers_in_text(text: &str, inputs: &[u8]) -> Vec<String> {
    // The fit report's plain-words explanation of a homogeneous fit, which
    // may break across lines.
    let text = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("alpha and beta -> infinity", "");
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let written = words(&String::from_utf8_lossy(inputs));
    let mut out: Vec<String> = words(&text)
        .into_iter()
        .filter(|w| NOT_NUMBERS.contains(&w.as_str()) && !written.contains(w))
        .collect();
    out.dedup();
    out
}

#[test]
fn nulls_are_found_by_path() {
    let v: Value = serde_json::json!({
        "a": {"b": null, "c": [1, null]},
        "d": [{"e": null}],
        "hourly_rate": {"mean": null}
    });
    let mut found = unexpected_nulls(&v, &["hourly_rate.mean", "d[].e"]);
    found.sort();
    assert_eq!(found, vec!["a.b", "a.c[]"]);
    assert!(check_json("x", b"{\"probability\": 1.5}", &[])[0].contains("not a probability"));
    assert!(check_json("x", b"{\"ci95\": [0.5, 0.2]}", &[])[0].contains("backwards"));
}

#[test]
fn non_numbers_are_words_the_user_did_not_write() {
    assert_eq!(
        non_numbers_in_text("mean NaN, p5 inf", b""),
        vec!["nan", "inf"]
    );
    assert!(non_numbers_in_text("info: infinite innovation", b"").is_empty());
    assert!(
        non_numbers_in_text("NaN hustle: 20 trajectories", b"name = \"NaN hustle\"").is_empty()
    );
}

#[test]
fn csv_cells_must_be_finite_numbers() {
    let f = check_csv("t.csv", b"k,a,b\nx,1,\ny,nan,2\n", &["k"], &["b"]);
    assert_eq!(f, vec!["t.csv: row 2: a = \"nan\""]);
}
