//! `hustle-sim list`: the scenarios in a folder.

use crate::error::InputError;
use crate::scenario::Scenario;
use std::path::Path;

pub(super) fn list(dir: &Path) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| InputError::new(format!("{}: cannot list scenarios: {e}", dir.display())))?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        println!("No scenarios (*.toml) in {}", dir.display());
        return Ok(());
    }
    let stem_width = files
        .iter()
        .map(|p| p.file_stem().map_or(0, |s| s.len()))
        .max()
        .unwrap_or(0);
    for p in &files {
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match Scenario::from_file(p).and_then(|s| s.model()) {
            Ok(m) => {
                println!("{stem:<stem_width$}  {}", m.name);
                if !m.description.is_empty() {
                    println!("{:<stem_width$}  {}", "", m.description);
                }
            }
            Err(e) => println!("{stem:<stem_width$}  INVALID: {e}"),
        }
    }
    Ok(())
}
