//! `hustle-sim new`: write the commented template, never overwriting.

use hustle_sim::output::{Output, create_new};
use hustle_sim::scenario::template::TEMPLATE;
use std::path::Path;

/// The commented scenario template under the name the user chose.
pub struct ScenarioTemplate<'a> {
    /// The new file's name.
    pub name: &'a str,
}

impl Output for ScenarioTemplate<'_> {
    fn file_name(&self) -> &str {
        self.name
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(TEMPLATE.as_bytes().to_vec())
    }
}

pub(super) fn new(file: &Path) -> anyhow::Result<()> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = file.parent().unwrap_or(Path::new(""));
    super::check_interrupt()?;
    create_new(dir, &ScenarioTemplate { name: &name })?;
    sayln!(
        "Wrote {}; edit it, then `hustle-sim check {0}` and `hustle-sim run {0}`",
        file.display()
    );
    Ok(())
}
