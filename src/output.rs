//! Writing results: only inside the run's output folder, every file
//! atomically (a temporary file in the same folder, then a rename), so an
//! interrupted run never leaves a half-written file.

use crate::error::InputError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Creates the output folder if needed; a path that exists but is not a
/// folder is an input error and is left untouched.
pub fn prepare_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(InputError::new(format!(
            "--out {}: exists and is not a folder; choose another output folder",
            dir.display()
        ))
        .into());
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create output folder {}: {e}", dir.display()))?;
    Ok(())
}

/// Writes `bytes` to `dir/name` atomically and returns the path.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        anyhow::bail!("cannot write {}: {e}", target.display());
    }
    Ok(target)
}

/// The files a command wrote, for its last line: `a/b.json, a/c.png`.
pub fn list_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A folder name made from a file stem: letters, digits, `-`, `_` and `.`
/// kept, anything else replaced by `-`.
pub fn sanitize_stem(stem: &str) -> String {
    let s: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('.').to_string();
    if s.is_empty() { "scenario".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_become_safe_folder_names() {
        assert_eq!(sanitize_stem("my hustle/../x"), "my-hustle-..-x");
        assert_eq!(sanitize_stem(".."), "scenario");
        assert_eq!(sanitize_stem("gpt-store"), "gpt-store");
    }
}
