//! `hustle-sim check`: validate scenarios and show every parameter with its
//! default made explicit.

use super::load_scenario;
use hustle_sim::error::InputError;
use hustle_sim::model::{Model, Origin};
use hustle_sim::report::format::terminal_text;
use hustle_sim::scenario::keys::Param;
use std::path::PathBuf;

/// Text as a quoted TOML-like value: quotes and backslashes escaped,
/// control characters escaped for the terminal as every command does.
fn quoted(s: &str) -> String {
    let s = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{}\"", terminal_text(&s))
}

/// The resolved parameters of a model, one `key = value  # origin` line each.
pub fn describe_model(m: &Model) -> String {
    let mut lines = vec![
        ("name".to_string(), quoted(&m.name), "file"),
        ("description".into(), quoted(&m.description), "file"),
        ("currency".into(), quoted(&m.currency), "file"),
        ("horizon_months".into(), m.horizon_months.to_string(), ""),
        ("setup.months".into(), m.setup_months.to_string(), ""),
        (
            "acquisition.model".into(),
            format!(
                "{:?}",
                serde_json::to_value(m.acquisition)
                    .expect("enum")
                    .as_str()
                    .unwrap_or("")
            ),
            "",
        ),
        (
            "churn.model".into(),
            format!(
                "{:?}",
                serde_json::to_value(m.churn)
                    .expect("enum")
                    .as_str()
                    .unwrap_or("")
            ),
            "",
        ),
        (
            "owner.quit_after_months".into(),
            m.quit_after_months.to_string(),
            "",
        ),
        (
            "owner.burnout_after_months".into(),
            m.burnout_after_months.to_string(),
            "",
        ),
    ];
    if let Some(s) = m.semi_passive_sustain_months {
        lines.push(("semi_passive.sustain_months".into(), s.to_string(), ""));
    }
    // The owner's hours keys are listed for the scenarios that use them.
    let owner_hours = m.uses_owner_hours_keys();
    for p in Param::ALL {
        if !owner_hours && Param::OWNER_HOURS.contains(&p) {
            continue;
        }
        let origin = match m.origin(p) {
            Origin::File => "file",
            Origin::Override => "--set",
            Origin::Default => "default",
            Origin::Unused => continue,
        };
        lines.push((p.key().to_string(), m.param(p).to_string(), origin));
    }
    if !m.burnout_enabled() {
        lines.push((
            "owner.burnout_hours_monthly".into(),
            "(absent: never burns out)".into(),
            "default",
        ));
    }
    if owner_hours && !m.capacity_enabled() {
        lines.push((
            "owner.capacity_hours_monthly".into(),
            "(absent: unlimited)".into(),
            "default",
        ));
    }
    for c in &m.correlations {
        lines.push(("correlation".into(), c.describe(), "file"));
    }
    let width = lines.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    lines
        .iter()
        .map(|(k, v, o)| {
            if o.is_empty() {
                format!("  {k:<width$} = {v}\n")
            } else {
                format!("  {k:<width$} = {v:<36} # {o}\n")
            }
        })
        .collect()
}

pub(super) fn check(files: &[PathBuf], overrides: &[String]) -> anyhow::Result<()> {
    let mut failed = 0;
    for f in files {
        super::check_interrupt()?;
        match load_scenario(Some(f), overrides).and_then(|s| s.model()) {
            Ok(m) => {
                sayln!("{}: valid", f.display());
                say!("{}", describe_model(&m));
            }
            Err(e) => {
                esayln!("error: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(
            InputError::new(format!("{failed} of {} scenarios are invalid", files.len())).into(),
        );
    }
    Ok(())
}
