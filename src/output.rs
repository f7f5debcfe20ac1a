//! Writing results. Every file a command writes is an [`Output`]: a file
//! name and the bytes it holds, computed from the results without touching
//! the disk (so each is tested as bytes). A command collects its outputs
//! in an [`OutputSet`] and writes them as one set:
//!
//! 1. every output is written to its own temporary file in the output
//!    folder, created exclusively under an unpredictable name (never
//!    through a symbolic link planted there);
//! 2. only when every temporary is complete, the files of an older set
//!    that this set does not contain (e.g. charts of a run with charts,
//!    re-run with `--no-charts`) are removed, and each temporary is renamed
//!    over its file. A rename replaces the folder entry, so a symbolic
//!    link planted at an output's name is replaced, never written through.
//!
//! If any output fails (its bytes, or a full disk), the temporaries are
//! removed and the previous set is left whole. Only the names a command
//! declares as its own are ever replaced or removed; anything else a user
//! keeps in the folder is left alone.

use crate::error::InputError;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// One file a command writes: its name in the output folder and its bytes.
pub trait Output {
    /// The file's name in the output folder, e.g. `summary.json`.
    fn file_name(&self) -> &str;
    /// The file's contents.
    fn bytes(&self) -> anyhow::Result<Vec<u8>>;
}

/// The outputs of one command, written into one folder as one set (see
/// the [module documentation](self)).
pub struct OutputSet<'a> {
    dir: PathBuf,
    names: Vec<String>,
    outputs: Vec<Box<dyn Output + 'a>>,
}

impl<'a> OutputSet<'a> {
    /// An empty set for `dir`. `names` are every file name the command can
    /// write there: the outputs added must be among them, and those of an
    /// older set that this one lacks are removed when it is written.
    pub fn new(dir: &Path, names: &[&str]) -> Self {
        for n in names {
            assert!(is_plain_name(n), "output name {n:?} is not a file name");
        }
        OutputSet {
            dir: dir.to_path_buf(),
            names: names.iter().map(|n| n.to_string()).collect(),
            outputs: Vec::new(),
        }
    }

    /// Adds an output; written in the order added.
    pub fn add(&mut self, output: impl Output + 'a) -> &mut Self {
        self.add_boxed(Box::new(output))
    }

    /// Adds an output already boxed.
    pub fn add_boxed(&mut self, output: Box<dyn Output + 'a>) -> &mut Self {
        let name = output.file_name();
        assert!(
            self.names.iter().any(|n| n == name),
            "output {name:?} is not one of the set's names {:?}",
            self.names
        );
        assert!(
            self.outputs.iter().all(|o| o.file_name() != name),
            "output {name:?} added twice"
        );
        self.outputs.push(output);
        self
    }

    /// The names of the outputs added, in order.
    pub fn file_names(&self) -> Vec<&str> {
        self.outputs.iter().map(|o| o.file_name()).collect()
    }

    /// Writes the set: every output to a temporary, then (all complete)
    /// older files of the command's that this set lacks removed and every
    /// temporary renamed into place. Returns the paths written, in order.
    pub fn write(self) -> anyhow::Result<Vec<PathBuf>> {
        let mut staged: Vec<(NamedTempFile, PathBuf)> = Vec::with_capacity(self.outputs.len());
        for o in &self.outputs {
            let target = self.dir.join(o.file_name());
            let bytes = o
                .bytes()
                .with_context(|| format!("cannot write {}", target.display()))?;
            let tmp = stage(&self.dir, o.file_name(), &bytes)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", target.display()))?;
            if is_folder(&target) {
                anyhow::bail!(
                    "cannot write {}: a folder of that name is in the way",
                    target.display()
                );
            }
            staged.push((tmp, target));
        }
        // Every temporary is complete: swap the sets. (On an error above,
        // dropping `staged` removes the temporaries.)
        for name in &self.names {
            if self.outputs.iter().all(|o| o.file_name() != name) {
                remove_stale(&self.dir.join(name))?;
            }
        }
        let mut written = Vec::with_capacity(staged.len());
        for (tmp, target) in staged {
            tmp.persist(&target)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {}", target.display(), e.error))?;
            written.push(target);
        }
        sync_folder(&self.dir);
        Ok(written)
    }
}

/// A name without folders: not empty, no separator, not `.` or `..`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\'])
}

/// Whether `path` itself (not a link's target) is a folder.
fn is_folder(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// A new temporary file in `dir` holding `bytes`, flushed to disk (see
/// [`new_temporary`]). Dropped, it is removed.
fn stage(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<NamedTempFile> {
    let mut f = new_temporary(dir, name)?;
    fill(&mut f, bytes)?;
    Ok(f)
}

/// A new empty temporary file in `dir` named `.NAME.tmp-RANDOM`: created
/// exclusively (an existing file or symbolic link of that name is an error,
/// never opened), with the permissions of an ordinary new file.
fn new_temporary(dir: &Path, name: &str) -> std::io::Result<NamedTempFile> {
    let prefix = format!(".{name}.tmp-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).rand_bytes(10);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // As for any new file: read-write for all, less the umask.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// Writes `bytes` into a temporary and flushes it to disk.
fn fill(f: &mut NamedTempFile, bytes: &[u8]) -> std::io::Result<()> {
    f.write_all(bytes)?;
    f.as_file().sync_all()
}

/// Removes a file of an older set. A missing file is fine; a folder of
/// that name is not the command's and is left alone; a symbolic link is
/// removed itself, never its target.
fn remove_stale(path: &Path) -> anyhow::Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Ok(m) if m.is_dir() => Ok(()),
        _ => match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(anyhow::anyhow!(
                "cannot remove {} of an earlier run: {e}",
                path.display()
            )),
            _ => Ok(()),
        },
    }
}

/// Flushes the folder's entries (the renames) to disk where the platform
/// allows it; a failure here loses nothing that was not already written.
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Creates the output folder if needed and checks that files can be
/// created in it, so that a long run does not fail at its end. A path that
/// exists but is not a folder, a symbolic link to nothing, and a folder
/// that cannot be created or written into are input errors naming the
/// path; an existing file is left untouched.
pub fn prepare_dir(dir: &Path) -> anyhow::Result<()> {
    let shown = dir.display();
    if let Ok(m) = std::fs::symlink_metadata(dir)
        && m.file_type().is_symlink()
        && std::fs::metadata(dir).is_err()
    {
        let target = std::fs::read_link(dir)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return Err(InputError::new(format!(
            "--out {shown}: is a symbolic link to {target}, which does not exist; create that folder or choose another output folder"
        ))
        .into());
    }
    if dir.exists() && !dir.is_dir() {
        return Err(InputError::new(format!(
            "--out {shown}: exists and is not a folder; choose another output folder"
        ))
        .into());
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        InputError::new(format!(
            "--out {shown}: cannot create the output folder: {e}"
        ))
    })?;
    new_temporary(dir, "write-check").map_err(|e| {
        InputError::new(format!(
            "--out {shown}: cannot write into the output folder: {e}"
        ))
    })?;
    Ok(())
}

/// Refuses an output folder in which one of the command's files (`names`)
/// would replace one of the files it reads: a scenario saved as
/// `summary.json` and run with `-o .` would otherwise be overwritten by its
/// own results. `inputs` are (what the file is, its path), e.g. ("the
/// scenario", path). A symbolic link at an output's name is no conflict
/// (the rename replaces the link, not what it points to); an input reached
/// through a link is. Creates nothing; a folder that does not exist yet
/// holds no input.
pub fn check_inputs_kept(
    dir: &Path,
    names: &[&str],
    inputs: &[(&str, &Path)],
) -> Result<(), InputError> {
    let Ok(real_dir) = std::fs::canonicalize(dir) else {
        return Ok(());
    };
    for (what, input) in inputs {
        let Ok(real) = std::fs::canonicalize(input) else {
            continue;
        };
        if let Some(name) = names.iter().find(|n| real_dir.join(n) == real) {
            return Err(InputError::new(format!(
                "--out {}: writing {name} there would replace {what} {}; choose another output folder or rename the file",
                dir.display(),
                input.display()
            ))
            .with_source("--out")
            .with_value(dir.display().to_string())
            .with_allowed(format!("a folder without {what}")));
        }
    }
    Ok(())
}

/// Writes `output` as a new file in `dir`, never replacing an existing
/// one: its bytes go to a temporary beside it first, which is then linked
/// into place only if nothing of that name exists, so the file appears
/// whole or not at all. Returns its path. Errors name the file; one
/// already there is an input error and is left untouched.
pub fn create_new(dir: &Path, output: &dyn Output) -> anyhow::Result<PathBuf> {
    let name = output.file_name();
    let path = dir.join(name);
    let shown = path.display();
    if !is_plain_name(name) {
        return Err(InputError::new(format!("{shown}: cannot create: not a file name")).into());
    }
    let exists = || InputError::new(format!("{shown}: already exists; not overwritten"));
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(exists().into());
    }
    let bytes = output.bytes()?;
    let in_dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut tmp = new_temporary(in_dir, name)
        .map_err(|e| InputError::new(format!("{shown}: cannot create: {e}")))?;
    fill(&mut tmp, &bytes).map_err(|e| anyhow::anyhow!("{shown}: cannot write: {e}"))?;
    tmp.persist_noclobber(&path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::Error::from(exists())
        } else {
            anyhow::anyhow!("{shown}: cannot write: {}", e.error)
        }
    })?;
    Ok(path)
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

    /// An output with fixed bytes, or one that fails.
    struct Fixed(&'static str, Option<&'static str>);

    impl Output for Fixed {
        fn file_name(&self) -> &str {
            self.0
        }
        fn bytes(&self) -> anyhow::Result<Vec<u8>> {
            match self.1 {
                Some(text) => Ok(text.as_bytes().to_vec()),
                None => anyhow::bail!("drawing failed"),
            }
        }
    }

    const NAMES: [&str; 3] = ["a.json", "b.csv", "c.png"];

    fn listing(dir: &Path) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                (e.file_name().to_string_lossy().into_owned(), text)
            })
            .collect();
        v.sort();
        v
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn a_set_is_written_in_order_and_names_its_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.add(Fixed("b.csv", Some("b1")))
            .add(Fixed("a.json", Some("a1")));
        assert_eq!(set.file_names(), ["b.csv", "a.json"]);
        let written = set.write().unwrap();
        assert_eq!(
            written,
            [tmp.path().join("b.csv"), tmp.path().join("a.json")]
        );
        assert_eq!(
            listing(tmp.path()),
            pairs(&[("a.json", "a1"), ("b.csv", "b1")])
        );
    }

    #[test]
    fn a_failing_output_leaves_the_previous_set_whole_and_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.add(Fixed("a.json", Some("old a")))
            .add(Fixed("c.png", Some("old c")));
        set.write().unwrap();
        let before = listing(tmp.path());

        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.add(Fixed("a.json", Some("new a")))
            .add(Fixed("b.csv", None))
            .add(Fixed("c.png", Some("new c")));
        let e = set.write().unwrap_err();
        assert!(format!("{e:#}").contains("b.csv: drawing failed"), "{e:#}");
        assert_eq!(listing(tmp.path()), before);
    }

    #[test]
    fn files_of_an_older_set_are_removed_but_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.add(Fixed("a.json", Some("old a")))
            .add(Fixed("c.png", Some("old c")));
        set.write().unwrap();
        std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();

        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.add(Fixed("a.json", Some("new a")));
        set.write().unwrap();
        assert_eq!(
            listing(tmp.path()),
            pairs(&[("a.json", "new a"), ("notes.txt", "mine")])
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_an_outputs_name_is_replaced_not_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        std::fs::create_dir(&dir).unwrap();
        let outside = tmp.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("a.json")).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("c.png")).unwrap();
        let mut set = OutputSet::new(&dir, &NAMES);
        set.add(Fixed("a.json", Some("new a")));
        set.write().unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        let m = std::fs::symlink_metadata(dir.join("a.json")).unwrap();
        assert!(m.is_file(), "{m:?}");
        // The stale link is removed, its target kept.
        assert!(std::fs::symlink_metadata(dir.join("c.png")).is_err());
    }

    #[test]
    fn a_folder_in_the_way_fails_the_set_before_anything_is_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.add(Fixed("a.json", Some("old a")));
        set.write().unwrap();
        std::fs::create_dir(tmp.path().join("b.csv")).unwrap();
        std::fs::write(tmp.path().join("b.csv/inside"), "x").unwrap();
        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.add(Fixed("a.json", Some("new a")))
            .add(Fixed("b.csv", Some("new b")));
        let e = set.write().unwrap_err().to_string();
        assert!(
            e.contains("b.csv: a folder of that name is in the way"),
            "{e}"
        );
        assert_eq!(
            listing(tmp.path()),
            pairs(&[("a.json", "old a"), ("b.csv", "")])
        );
        // A stale name that is a folder is not the command's: kept.
        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.add(Fixed("a.json", Some("new a")));
        set.write().unwrap();
        assert!(tmp.path().join("b.csv/inside").is_file());
    }

    #[test]
    #[should_panic(expected = "is not one of the set's names")]
    fn an_output_outside_the_declared_names_is_a_bug() {
        let tmp = tempfile::tempdir().unwrap();
        OutputSet::new(tmp.path(), &NAMES).add(Fixed("d.txt", Some("")));
    }

    #[test]
    fn create_new_never_replaces_and_leaves_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let path = create_new(tmp.path(), &Fixed("new.toml", Some("first"))).unwrap();
        assert_eq!(path, tmp.path().join("new.toml"));
        let e = create_new(tmp.path(), &Fixed("new.toml", Some("second"))).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("new.toml: already exists; not overwritten"),
            "{e}"
        );
        assert_eq!(crate::error::exit_code(&e), 2);
        // A failing template leaves nothing.
        create_new(tmp.path(), &Fixed("other.toml", None)).unwrap_err();
        assert_eq!(listing(tmp.path()), pairs(&[("new.toml", "first")]));
        let e = create_new(&tmp.path().join("no/such"), &Fixed("x.toml", Some("x"))).unwrap_err();
        assert!(e.to_string().contains("x.toml: cannot create:"), "{e}");
        assert_eq!(crate::error::exit_code(&e), 2);
    }

    #[test]
    fn prepare_dir_refuses_a_file_a_dangling_link_and_a_file_as_parent() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("file");
        std::fs::write(&file, "keep").unwrap();
        let e = prepare_dir(&file).unwrap_err();
        assert!(e.to_string().contains("exists and is not a folder"), "{e}");
        let e = prepare_dir(&file.join("out")).unwrap_err();
        assert!(
            e.to_string().contains("cannot create the output folder"),
            "{e}"
        );
        assert_eq!(crate::error::exit_code(&e), 2);
        #[cfg(unix)]
        {
            let link = tmp.path().join("dangling");
            std::os::unix::fs::symlink(tmp.path().join("gone"), &link).unwrap();
            let e = prepare_dir(&link).unwrap_err();
            assert!(e.to_string().contains("which does not exist"), "{e}");
            assert_eq!(crate::error::exit_code(&e), 2);
            assert!(!tmp.path().join("gone").exists());
        }
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep");
        // A good folder is created and left empty.
        let out = tmp.path().join("a/b");
        prepare_dir(&out).unwrap();
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    }
}
