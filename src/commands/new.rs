//! `hustle-sim new`: write the commented template, or a copy of a library
//! scenario, never overwriting.

use hustle_sim::error::InputError;
use hustle_sim::output::{Output, create_new};
use hustle_sim::scenario::library;
use hustle_sim::scenario::template::TEMPLATE;
use std::path::Path;

/// A new scenario file: its name and its text.
pub struct NewScenario<'a> {
    /// The new file's name.
    pub name: &'a str,
    /// What it holds.
    pub text: &'static str,
}

impl Output for NewScenario<'_> {
    fn file_name(&self) -> &str {
        self.name
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.text.as_bytes().to_vec())
    }
}

pub(super) fn new(file: &Path, from: Option<&str>) -> anyhow::Result<()> {
    let text = match from {
        None => TEMPLATE,
        Some(name) => library::find(name).ok_or_else(|| {
            InputError::new(format!(
                "--from {name}: no library scenario of that name; the library has {}",
                library::names()
            ))
            .with_source("--from")
            .with_value(name)
            .with_allowed(format!("one of {}", library::names()))
        })?,
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = file.parent().unwrap_or(Path::new(""));
    super::check_interrupt()?;
    create_new(dir, &NewScenario { name: &name, text })?;
    sayln!(
        "Wrote {}; edit it, then `hustle-sim check {0}` and `hustle-sim run {0}`",
        file.display()
    );
    Ok(())
}
