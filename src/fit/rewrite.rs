//! `fit-churn --into`: put a fit into a scenario's `[churn]` section and
//! leave every other byte of the file as it was.
//!
//! The file is edited as a TOML document (toml_edit), not re-serialised:
//! only the churn keys change. A key that is replaced keeps its place and
//! the spacing around `=`; its trailing comment becomes a note on where the
//! value came from (the old comment described the old value). A key the new
//! model does not take (`monthly` for sbg; `alpha` and `beta` for constant)
//! is removed, and comment lines above it move to the key that follows, so
//! no comment of the user's is lost. Keys the section lacks are appended to
//! it. The scenario is validated before and after, so a file is only ever
//! replaced by a valid scenario.

use crate::error::InputError;
use crate::scenario::Scenario;
use toml_edit::{DocumentMut, Item, Table, Value};

/// Churn parameters to write.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChurnSetting {
    /// `model = "sbg"`, `alpha`, `beta`.
    Sbg {
        /// alpha.
        alpha: f64,
        /// beta.
        beta: f64,
    },
    /// `model = "constant"`, `monthly`.
    Constant {
        /// Churn at every renewal.
        monthly: f64,
    },
}

/// One key's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The key path, e.g. `churn.alpha`.
    pub key: String,
    /// Its value before, as written in the file; `None` if absent.
    pub before: Option<String>,
    /// Its value after; `None` if removed.
    pub after: Option<String>,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<String>, none: &str| v.clone().unwrap_or_else(|| none.to_string());
        write!(
            f,
            "{}: {} -> {}",
            self.key,
            show(&self.before, "(absent)"),
            show(&self.after, "(removed)")
        )
    }
}

/// `x` rounded to 4 significant digits: the estimates' standard errors are
/// far larger than that rounding.
pub fn round_significant(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 3 - x.abs().log10().floor() as i32;
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn bare(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    v.to_string()
}

/// Rewrites the `[churn]` section of scenario `text` (read from `source`)
/// to `setting`; `note(key)` is the trailing comment of each key written.
/// Returns the new text and what changed (empty if nothing did).
pub fn rewrite_churn(
    text: &str,
    source: &str,
    setting: ChurnSetting,
    note: &dyn Fn(&str) -> String,
) -> Result<(String, Vec<Change>), InputError> {
    Scenario::parse(text, source, "scenario")
        .and_then(|s| s.model())
        .map_err(|e| {
            InputError::new(format!(
                "--into: the scenario is not valid, so it was left unchanged: {e}"
            ))
        })?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| InputError::new(format!("--into {source}: {e}")))?;
    if !doc.contains_key("churn") {
        doc.insert("churn", Item::Table(Table::new()));
    }
    let churn = doc["churn"]
        .as_table_like_mut()
        .expect("a valid scenario's churn is a section");

    let (set, remove): (Vec<(&str, Value)>, &[&str]) = match setting {
        ChurnSetting::Sbg { alpha, beta } => (
            vec![
                ("model", Value::from("sbg")),
                ("alpha", Value::from(round_significant(alpha))),
                ("beta", Value::from(round_significant(beta))),
            ],
            &["monthly"],
        ),
        ChurnSetting::Constant { monthly } => (
            vec![
                ("model", Value::from("constant")),
                ("monthly", Value::from(round_significant(monthly))),
            ],
            &["alpha", "beta"],
        ),
    };

    let mut changes = Vec::new();
    for (key, mut value) in set {
        let before = churn.get(key).and_then(Item::as_value).map(bare);
        if before.as_deref() == Some(bare(&value).as_str()) {
            continue;
        }
        let suffix = format!(" # {}", note(key));
        match churn.get_mut(key).and_then(Item::as_value_mut) {
            Some(old) => {
                let prefix = old.decor().prefix().cloned();
                *old.decor_mut() = Default::default();
                value.decor_mut().set_suffix(suffix);
                if let Some(p) = prefix {
                    value.decor_mut().set_prefix(p);
                }
                *old = value;
            }
            None => {
                value.decor_mut().set_suffix(suffix);
                churn.insert(key, Item::Value(value));
            }
        }
        changes.push(Change {
            key: format!("churn.{key}"),
            before,
            after: churn.get(key).and_then(Item::as_value).map(bare),
        });
    }
    for &key in remove {
        let Some(item) = churn.get(key) else {
            continue;
        };
        let before = item.as_value().map(bare);
        let comments = churn
            .key(key)
            .and_then(|k| k.leaf_decor().prefix())
            .and_then(|p| p.as_str())
            .filter(|p| p.contains('#'))
            .map(str::to_string);
        let next = {
            let keys: Vec<String> = churn.iter().map(|(k, _)| k.to_string()).collect();
            let i = keys.iter().position(|k| k == key).expect("present");
            keys.get(i + 1).cloned()
        };
        churn.remove(key);
        if let (Some(c), Some(next)) = (comments, next)
            && let Some(mut k) = churn.key_mut(&next)
        {
            let own = k
                .leaf_decor()
                .prefix()
                .and_then(|p| p.as_str())
                .unwrap_or("")
                .to_string();
            k.leaf_decor_mut().set_prefix(format!("{c}{own}"));
        }
        changes.push(Change {
            key: format!("churn.{key}"),
            before,
            after: None,
        });
    }

    let out = doc.to_string();
    Scenario::parse(&out, source, "scenario")
        .and_then(|s| s.model())
        .map_err(|e| {
            InputError::new(format!(
                "--into: the rewritten scenario would not be valid, so it was left unchanged: {e}"
            ))
        })?;
    Ok((out, changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SBG: ChurnSetting = ChurnSetting::Sbg {
        alpha: 0.70363,
        beta: 1.18156,
    };

    #[test]
    fn rounding_keeps_four_significant_digits() {
        assert_eq!(round_significant(0.703_63), 0.7036);
        assert_eq!(round_significant(1.181_56), 1.182);
        assert_eq!(round_significant(12_345.6), 12_350.0);
        assert_eq!(round_significant(0.000_123_456), 0.000_123_5);
    }

    #[test]
    fn constant_churn_becomes_sbg_in_place() {
        let text = "name = \"x\" # the name\n\n[churn]\n# churn from the benchmarks\nmodel   = \"constant\"  # default\n# Recurly 4.91 %\nmonthly = 0.05 # B2B\n\n[pricing] # after\nmonthly = 49\n";
        let (out, changes) = rewrite_churn(text, "s.toml", SBG, &|_| "fitted".into()).unwrap();
        assert_eq!(
            out,
            "name = \"x\" # the name\n\n[churn]\n# churn from the benchmarks\nmodel   = \"sbg\" # fitted\n# Recurly 4.91 %\nalpha = 0.7036 # fitted\nbeta = 1.182 # fitted\n\n[pricing] # after\nmonthly = 49\n"
        );
        let shown: Vec<String> = changes.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            shown,
            [
                "churn.model: \"constant\" -> \"sbg\"",
                "churn.alpha: (absent) -> 0.7036",
                "churn.beta: (absent) -> 1.182",
                "churn.monthly: 0.05 -> (removed)"
            ]
        );
    }

    #[test]
    fn a_missing_churn_section_is_added_at_the_end() {
        let text = "name = \"x\"\n[pricing]\nmonthly = 49\n";
        let (out, _) = rewrite_churn(text, "s.toml", SBG, &|_| "fitted".into()).unwrap();
        assert!(out.starts_with(text), "{out}");
        assert!(
            out.contains("[churn]\nmodel = \"sbg\" # fitted\nalpha = 0.7036"),
            "{out}"
        );
    }

    #[test]
    fn homogeneous_fits_write_constant_churn() {
        let text = "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = 1.0\nbeta = { dist = \"triangular\", min = 10, mode = 16, max = 25 }\n";
        let (out, changes) = rewrite_churn(
            text,
            "s.toml",
            ChurnSetting::Constant { monthly: 0.0812345 },
            &|_| "fitted".into(),
        )
        .unwrap();
        assert_eq!(
            out,
            "name = \"x\"\n[churn]\nmodel = \"constant\" # fitted\nmonthly = 0.08123 # fitted\n"
        );
        assert_eq!(changes.len(), 4);
    }

    #[test]
    fn an_unchanged_fit_changes_nothing() {
        let text = "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = 0.7036\nbeta = 1.182\n";
        let (out, changes) = rewrite_churn(text, "s.toml", SBG, &|_| "fitted".into()).unwrap();
        assert_eq!(out, text);
        assert!(changes.is_empty());
    }

    #[test]
    fn an_invalid_scenario_is_refused() {
        let e = rewrite_churn("name = 3\n", "s.toml", SBG, &|_| "fitted".into()).unwrap_err();
        assert!(e.to_string().contains("left unchanged"), "{e}");
        assert!(e.to_string().contains("s.toml"), "{e}");
    }
}
