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
//! If any output fails (its bytes, or a full disk), or the set's cancel
//! flag ([`OutputSet::cancel_on`], set by Ctrl-C) is found set before the
//! swap, the temporaries are removed and the previous set is left whole.
//! The flag is looked at before each output is computed (charts take a
//! while to draw) and once more just before the swap; once the swap has
//! begun, the set is completed. Only the names a command
//! declares as its own are ever replaced or removed; anything else a user
//! keeps in the folder is left alone.

use crate::error::InputError;
use crate::sim::Cancelled;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
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
    cancel: Option<&'a AtomicBool>,
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
            cancel: None,
        }
    }

    /// Makes the set stop, writing nothing, when `flag` is set before the
    /// swap: it is looked at before each output is computed and once more
    /// when every temporary is complete. [`OutputSet::write`] then fails
    /// with [`Cancelled`], the previous set left whole.
    pub fn cancel_on(&mut self, flag: &'a AtomicBool) -> &mut Self {
        self.cancel = Some(flag);
        self
    }

    /// [`Cancelled`] if the cancel flag is set.
    fn check_cancel(&self) -> Result<(), Cancelled> {
        match self.cancel {
            Some(flag) if flag.load(Ordering::Relaxed) => Err(Cancelled),
            _ => Ok(()),
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
    /// Fails with [`Cancelled`] when the cancel flag is found set before
    /// the swap.
    pub fn write(self) -> anyhow::Result<Vec<PathBuf>> {
        self.stage()?.commit()
    }

    /// The first half of [`OutputSet::write`]: every output computed and
    /// written to its temporary, nothing in place yet. A command that
    /// writes more than this set (a file of the user's) stages everything
    /// before it commits anything. Dropped uncommitted, the temporaries are
    /// removed.
    pub fn stage(self) -> anyhow::Result<StagedSet> {
        let mut staged: Vec<(NamedTempFile, PathBuf)> = Vec::with_capacity(self.outputs.len());
        for o in &self.outputs {
            self.check_cancel()?;
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
        // Every temporary is complete: the sets may swap, unless stopped
        // now. (On an error, dropping `staged` removes the temporaries.)
        // From here on the set is completed whatever happens to the flag.
        self.check_cancel()?;
        let stale = self
            .names
            .iter()
            .filter(|n| self.outputs.iter().all(|o| o.file_name() != n.as_str()))
            .map(|n| self.dir.join(n))
            .collect();
        Ok(StagedSet {
            dir: self.dir,
            stale,
            staged,
        })
    }
}

/// An [`OutputSet`] whose outputs are complete in their temporaries: see
/// [`OutputSet::stage`].
pub struct StagedSet {
    dir: PathBuf,
    /// Files of an older set that this one lacks.
    stale: Vec<PathBuf>,
    staged: Vec<(NamedTempFile, PathBuf)>,
}

impl StagedSet {
    /// Swaps the sets: older files of the command's that this set lacks
    /// removed, every temporary renamed into place. Returns the paths
    /// written, in order.
    pub fn commit(self) -> anyhow::Result<Vec<PathBuf>> {
        for path in &self.stale {
            remove_stale(path)?;
        }
        let mut written = Vec::with_capacity(self.staged.len());
        for (tmp, target) in self.staged {
            tmp.persist(&target)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {}", target.display(), e.error))?;
            written.push(target);
        }
        sync_folder(&self.dir);
        Ok(written)
    }
}

/// A new text for an existing file of the user's (the scenario of
/// `fit-churn --into`), staged by [`stage_replacement`] and put in place by
/// [`StagedReplacement::commit`].
///
/// The new bytes first go to a temporary beside the file, created
/// exclusively and flushed to disk. Then, normally, the temporary takes the
/// file's owner, group and permission bits and is renamed over it: the file
/// is replaced in one step, old or new and never half-written. Two kinds of
/// file must keep their identity (inode) instead: one with other hard links
/// (a rename would cut them off) and one whose owner or group cannot be
/// given to the temporary (a file you may write but do not own). Those are
/// written through, the new bytes copied into the file itself and flushed,
/// and only then is the temporary removed; an interruption in that moment
/// leaves the complete new text in the temporary.
pub struct StagedReplacement {
    /// The file as the user named it, for messages.
    shown: String,
    /// The file itself, symbolic links resolved.
    target: PathBuf,
    /// Its bytes when it was read, to notice a change in the meantime.
    old: Vec<u8>,
    bytes: Vec<u8>,
    tmp: NamedTempFile,
    /// The file, opened for writing, when it is written through.
    through: Option<std::fs::File>,
}

/// Stages `bytes` to replace the file at `path` (named by argument `arg`,
/// e.g. `--into`), which held `old` when read. Everything that can be
/// checked before writing is checked here, as input errors naming the file
/// with nothing written: it must be a file (a symbolic link is followed),
/// writable by its permission bits (a read-only file is the user's "do not
/// change", respected even where the system would allow writing) and by
/// this user, and its folder must take a temporary.
pub fn stage_replacement(
    arg: &str,
    path: &Path,
    old: &[u8],
    bytes: &[u8],
) -> anyhow::Result<StagedReplacement> {
    let shown = path.display().to_string();
    let unchanged = "it was left unchanged";
    let target = std::fs::canonicalize(path)
        .map_err(|e| InputError::new(format!("{arg} {shown}: cannot find the file: {e}")))?;
    let meta = std::fs::metadata(&target)
        .map_err(|e| InputError::new(format!("{arg} {shown}: cannot read the file: {e}")))?;
    if !meta.is_file() {
        return Err(InputError::new(format!("{arg} {shown}: is not a file; {unchanged}")).into());
    }
    if meta.permissions().readonly() {
        return Err(InputError::new(format!(
            "{arg} {shown}: is read-only ({}), so {unchanged}; allow writing to it (chmod u+w) to let it be updated",
            mode_text(&meta)
        ))
        .with_source(&shown)
        .with_value(mode_text(&meta))
        .with_allowed("a writable file")
        .into());
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&target)
        .map_err(|e| {
            InputError::new(format!(
                "{arg} {shown}: cannot be written: {e}; {unchanged}"
            ))
        })?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = stage(dir, &name, bytes).map_err(|e| {
        InputError::new(format!(
            "{arg} {shown}: cannot write a temporary file in {}, where the new text is prepared: {e}; {unchanged}",
            dir.display()
        ))
    })?;
    let through = if keeps_identity(&meta, &tmp) {
        Some(file)
    } else {
        None
    };
    // The temporary is never more open than the file (chmod after chown,
    // which may clear set-id bits).
    tmp.as_file()
        .set_permissions(meta.permissions())
        .map_err(|e| {
            anyhow::anyhow!("{arg} {shown}: cannot set the permissions of the new text: {e}")
        })?;
    Ok(StagedReplacement {
        shown: format!("{arg} {shown}"),
        target,
        old: old.to_vec(),
        bytes: bytes.to_vec(),
        tmp,
        through,
    })
}

/// Whether the file must be written through rather than replaced: it has
/// other hard links, or the temporary cannot take its owner and group.
#[cfg(unix)]
fn keeps_identity(meta: &std::fs::Metadata, tmp: &NamedTempFile) -> bool {
    use std::os::unix::fs::MetadataExt;
    if meta.nlink() > 1 {
        return true;
    }
    let Ok(mine) = tmp.as_file().metadata() else {
        return true;
    };
    if (mine.uid(), mine.gid()) == (meta.uid(), meta.gid()) {
        return false;
    }
    std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid())).is_err()
}

#[cfg(not(unix))]
fn keeps_identity(_meta: &std::fs::Metadata, _tmp: &NamedTempFile) -> bool {
    false
}

/// The permission bits as `ls -l` shows them and in octal.
fn mode_text(meta: &std::fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let m = meta.permissions().mode() & 0o777;
        let rwx: String = (0..9)
            .map(|i| {
                let bit = 0o400 >> i;
                match (m & bit != 0, i % 3) {
                    (false, _) => '-',
                    (true, 0) => 'r',
                    (true, 1) => 'w',
                    (true, _) => 'x',
                }
            })
            .collect();
        format!("permissions {rwx}, {m:o}")
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        "read-only".to_string()
    }
}

impl StagedReplacement {
    /// Whether the file will be written through (keeping its inode) rather
    /// than replaced by a rename.
    pub fn writes_through(&self) -> bool {
        self.through.is_some()
    }

    /// Puts the new text in place (see [`StagedReplacement`]). A file that
    /// changed since it was read is left alone, with an error.
    pub fn commit(self) -> anyhow::Result<()> {
        let shown = &self.shown;
        let now = std::fs::read(&self.target)
            .map_err(|e| anyhow::anyhow!("{shown}: cannot read the file again: {e}"))?;
        if now != self.old {
            anyhow::bail!(
                "{shown}: the file changed after it was read, so it was left unchanged; run again"
            );
        }
        match self.through {
            Some(mut file) => {
                let written = (|| -> std::io::Result<()> {
                    file.write_all(&self.bytes)?;
                    file.set_len(self.bytes.len() as u64)?;
                    file.sync_all()
                })();
                if let Err(e) = written {
                    // The file may be part written: keep the new text.
                    let kept = match self.tmp.keep() {
                        Ok((_, path)) => {
                            format!("; the complete new text is in {}", path.display())
                        }
                        Err(_) => String::new(),
                    };
                    anyhow::bail!("{shown}: cannot write: {e}{kept}");
                }
                // Written and flushed: the temporary is removed on drop.
                drop(self.tmp);
            }
            None => {
                self.tmp
                    .persist(&self.target)
                    .map_err(|e| anyhow::anyhow!("{shown}: cannot write: {}", e.error))?;
                sync_folder(self.target.parent().unwrap_or(Path::new(".")));
            }
        }
        Ok(())
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

/// An output folder made ready by [`prepare_dir`]. The folders it had to
/// create are removed again when it is dropped, if they are still empty,
/// unless [`OutputDir::keep`] was called: a run that fails or is stopped
/// before its outputs are written leaves no new empty folder behind. A
/// folder that already existed, or holds anything, is never removed.
#[derive(Debug)]
#[must_use = "dropping the OutputDir removes the folders it created"]
pub struct OutputDir {
    path: PathBuf,
    /// Folders created, innermost first.
    created: Vec<PathBuf>,
}

impl OutputDir {
    /// The output folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Keeps the folders created (the outputs are in them).
    pub fn keep(mut self) {
        self.created.clear();
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        // remove_dir removes only an empty folder; stop at the first that
        // is not (its parents then are not empty either).
        for dir in &self.created {
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
}

/// The folders `create_dir_all(dir)` would create, innermost first.
fn missing_folders(dir: &Path) -> Vec<PathBuf> {
    dir.ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .take_while(|a| std::fs::symlink_metadata(a).is_err())
        .map(Path::to_path_buf)
        .collect()
}

/// Creates the output folder if needed and checks that files can be
/// created in it, so that a long run does not fail at its end. A path that
/// exists but is not a folder, a symbolic link to nothing, and a folder
/// that cannot be created or written into are input errors naming the
/// path; an existing file is left untouched. The folders created are
/// removed again unless the [`OutputDir`] returned is kept.
pub fn prepare_dir(dir: &Path) -> anyhow::Result<OutputDir> {
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
    let prepared = OutputDir {
        path: dir.to_path_buf(),
        created: missing_folders(dir),
    };
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
    Ok(prepared)
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

/// The name of a run's default output folder: the scenario's file stem
/// ([`sanitize_stem`]), and for a run that differs from its file `+` and
/// its overrides ([`crate::Scenario::overrides`], in key order), each
/// `KEY=VALUE` with `%` written `pct` and any other character but letters,
/// digits, `.`, `-`, `_` and `=` as `_`, joined by `+`:
/// `niche-saas-tool+churn.beta=5+pricing.monthly=39`. A suffix longer
/// than [`MAX_TWEAK_CHARS`] (or than a name of [`MAX_TWEAKED_NAME`]
/// characters leaves it) is cut and ends in `~` and eight hexadecimal
/// digits of a hash of the overrides, so that two different tweaks never
/// share a folder (a stem that leaves no room is cut too). The same
/// overrides always give the same name, in whatever order they were given,
/// and an untweaked run's folder is never a tweaked one's.
pub fn tweaked_stem(stem: &str, overrides: &[String]) -> String {
    let mut base = sanitize_stem(stem);
    if overrides.is_empty() {
        return base;
    }
    // Every character is ASCII: lengths are characters. Leave room for
    // "+", some of the suffix, and a cut suffix's "~" and hash.
    base.truncate(MAX_TWEAKED_NAME - 20);
    let room = MAX_TWEAK_CHARS.min(MAX_TWEAKED_NAME - base.len() - 1);
    let parts: Vec<String> = overrides.iter().map(|o| tweak_part(o)).collect();
    let suffix = parts.join("+");
    if suffix.len() <= room {
        return format!("{base}+{suffix}");
    }
    // FNV-1a, 64 bits: stable across versions and machines.
    let hash = overrides
        .join("\n")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    let cut = &suffix[..room - 9];
    format!(
        "{base}+{}~{:08x}",
        cut.trim_end_matches(['_', '+']),
        hash as u32
    )
}

/// Longest override suffix of [`tweaked_stem`] before it is cut and
/// hashed, in characters.
pub const MAX_TWEAK_CHARS: usize = 80;

/// Longest name [`tweaked_stem`] gives, in characters: with a command's
/// own suffix (`-sweep-<KEY>`, `-sensitivity`) it stays well within the
/// 255 bytes a file name may have.
pub const MAX_TWEAKED_NAME: usize = 160;

/// One `KEY=VALUE` as a folder name's part ([`tweaked_stem`]).
fn tweak_part(assignment: &str) -> String {
    let mut out = String::new();
    for c in assignment.replace('%', "pct").chars() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '=');
        let c = if keep { c } else { '_' };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    out.trim_matches('_').replace("=_", "=").replace("_=", "=")
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
    fn a_tweaked_run_has_a_folder_of_its_own_named_after_its_overrides() {
        assert_eq!(tweaked_stem("niche-saas-tool", &[]), "niche-saas-tool");
        assert_eq!(
            tweaked_stem(
                "niche-saas-tool",
                &["churn.beta=5".into(), "pricing.monthly=39".into()]
            ),
            "niche-saas-tool+churn.beta=5+pricing.monthly=39"
        );
        assert_eq!(
            tweaked_stem("x", &["churn.monthly=\"5% to 10%\"".into()]),
            "x+churn.monthly=5pct_to_10pct"
        );
        assert_eq!(
            tweaked_stem(
                "x",
                &["churn.beta={ dist = \"triangular\", max = 12, min = 5, mode = 8 }".into()]
            ),
            "x+churn.beta=dist=triangular_max=12_min=5_mode=8"
        );
        assert_eq!(
            tweaked_stem("x", &["churn.alpha=".into()]),
            "x+churn.alpha="
        );
        // Long: cut, with a hash that tells two long tweaks apart.
        let long = |v: &str| {
            vec![
                format!("setup.hours={{ dist = \"pert\", max = 900, min = 100, mode = {v} }}"),
                "acquisition.rate=\"2 to 8\"".into(),
                "pricing.monthly=39".into(),
            ]
        };
        let (a, b) = (
            tweaked_stem("x", &long("300")),
            tweaked_stem("x", &long("301")),
        );
        assert_ne!(a, b);
        assert!(a.chars().count() <= 2 + MAX_TWEAK_CHARS, "{a}");
        assert!(a.starts_with("x+setup.hours=dist=pert"), "{a}");
        // A stem that leaves no room is cut, never the hash.
        let huge = tweaked_stem(&"s".repeat(300), &long("300"));
        assert!(huge.len() <= MAX_TWEAKED_NAME, "{}", huge.len());
        assert!(huge.contains('~'), "{huge}");
        for name in [&a, &b] {
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-_=~".contains(c)),
                "{name}"
            );
        }
    }

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

    /// A folder holding a set written before: `a.json` and `c.png`.
    fn old_set() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.add(Fixed("a.json", Some("old a")))
            .add(Fixed("c.png", Some("old c")));
        set.write().unwrap();
        tmp
    }

    #[test]
    fn a_failing_output_leaves_the_previous_set_whole_and_no_temporary() {
        let tmp = old_set();
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
        let tmp = old_set();
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
        let prepared = prepare_dir(&out).unwrap();
        assert_eq!(prepared.path(), out);
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
        prepared.keep();
        assert!(out.is_dir());
    }

    #[test]
    fn folders_prepared_for_outputs_never_written_are_removed_if_still_empty() {
        let tmp = tempfile::tempdir().unwrap();
        // Dropped without keep: every folder it created goes, innermost
        // first, and nothing that was there before.
        let out = tmp.path().join("new/deeper/out");
        drop(prepare_dir(&out).unwrap());
        assert_eq!(listing(tmp.path()), pairs(&[]));
        // A folder that existed is kept, and so is one that holds a file.
        std::fs::create_dir(tmp.path().join("mine")).unwrap();
        drop(prepare_dir(&tmp.path().join("mine")).unwrap());
        assert!(tmp.path().join("mine").is_dir());
        let out = tmp.path().join("made/out");
        let prepared = prepare_dir(&out).unwrap();
        std::fs::write(tmp.path().join("made/notes.txt"), "mine").unwrap();
        drop(prepared);
        assert!(!out.exists());
        assert!(tmp.path().join("made/notes.txt").is_file());
    }

    #[test]
    fn a_set_whose_cancel_flag_is_set_writes_nothing_and_leaves_the_previous_set() {
        let tmp = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.add(Fixed("a.json", Some("old a")));
        set.write().unwrap();
        let before = listing(tmp.path());
        let flag = AtomicBool::new(true);
        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.cancel_on(&flag)
            .add(Fixed("a.json", Some("new a")))
            .add(Fixed("b.csv", Some("new b")));
        let e = set.write().unwrap_err();
        assert_eq!(crate::error::exit_code(&e), 130);
        assert_eq!(listing(tmp.path()), before);
    }

    /// An output that sets a flag while its bytes are computed, as Ctrl-C
    /// during a chart's drawing does.
    struct SetsFlag<'f>(&'static str, &'f AtomicBool);

    impl Output for SetsFlag<'_> {
        fn file_name(&self) -> &str {
            self.0
        }
        fn bytes(&self) -> anyhow::Result<Vec<u8>> {
            self.1.store(true, Ordering::Relaxed);
            Ok(b"drawn".to_vec())
        }
    }

    #[test]
    fn a_cancel_during_the_last_output_stops_the_set_before_the_swap() {
        let tmp = old_set();
        let before = listing(tmp.path());
        for last in [true, false] {
            let flag = AtomicBool::new(false);
            let mut set = OutputSet::new(tmp.path(), &NAMES);
            set.cancel_on(&flag).add(Fixed("a.json", Some("new a")));
            if last {
                set.add(SetsFlag("c.png", &flag));
            } else {
                set.add(SetsFlag("b.csv", &flag))
                    .add(Fixed("c.png", Some("new c")));
            }
            let e = set.write().unwrap_err();
            assert!(e.is::<Cancelled>(), "{e:#}");
            assert_eq!(listing(tmp.path()), before, "last: {last}");
        }
    }

    #[test]
    fn a_staged_set_not_committed_leaves_the_folder_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.json"), "old a").unwrap();
        let before = listing(tmp.path());
        let mut set = OutputSet::new(tmp.path(), &NAMES);
        set.add(Fixed("a.json", Some("new a")))
            .add(Fixed("b.csv", Some("new b")));
        let staged = set.stage().unwrap();
        assert_eq!(listing(tmp.path()).len(), 3, "two temporaries staged");
        drop(staged);
        assert_eq!(listing(tmp.path()), before);
    }

    #[test]
    fn a_replacement_puts_the_new_text_in_place_and_leaves_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.toml");
        std::fs::write(&path, "old").unwrap();
        let staged = stage_replacement("--into", &path, b"old", b"new").unwrap();
        assert!(!staged.writes_through());
        staged.commit().unwrap();
        assert_eq!(listing(tmp.path()), pairs(&[("s.toml", "new")]));
    }

    #[test]
    fn a_file_changed_after_it_was_read_is_not_replaced() {
        // Another program saved the file between its reading and the
        // commit: its text wins, and the command fails.
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.toml");
        std::fs::write(&path, "old").unwrap();
        let staged = stage_replacement("--into", &path, b"old", b"new").unwrap();
        std::fs::write(&path, "edited").unwrap();
        let e = staged.commit().unwrap_err();
        assert!(
            e.to_string()
                .contains("changed after it was read, so it was left unchanged"),
            "{e}"
        );
        assert_eq!(listing(tmp.path()), pairs(&[("s.toml", "edited")]));
    }
}
