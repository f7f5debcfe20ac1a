//! `hustle-sim new`: write the commented template, never overwriting.

use crate::error::InputError;
use crate::scenario::template::TEMPLATE;
use std::io::Write;
use std::path::Path;

pub(super) fn new(file: &Path) -> anyhow::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                InputError::new(format!(
                    "{}: already exists; not overwritten",
                    file.display()
                ))
            } else {
                InputError::new(format!("{}: cannot create: {e}", file.display()))
            }
        })?;
    f.write_all(TEMPLATE.as_bytes())?;
    println!(
        "Wrote {}; edit it, then `hustle-sim check {0}` and `hustle-sim run {0}`",
        file.display()
    );
    Ok(())
}
