//! `fit-churn --into`: put a fit into a scenario's churn table and leave
//! every other byte of the file as it was.
//!
//! The file is parsed as a TOML document (toml_edit) only to learn where
//! the churn keys are written: the byte ranges of their keys and values.
//! The new text is the old text with just those ranges replaced, so
//! everything else stays byte for byte: a byte-order mark, CRLF or LF line
//! endings, indentation, blank lines, comments and the other sections. The
//! churn table may be written in each form a scenario accepts:
//!
//! - a `[churn]` section, one key per line;
//! - dotted keys at the top level, `churn.model = "sbg"`;
//! - an inline table, `churn = { model = "constant", monthly = 0.05 }`,
//!   which stays an inline table;
//! - not at all: a `[churn]` section is appended to the file.
//!
//! A key that is replaced keeps its place and everything on its line up to
//! the value (indentation, spacing around `=`); the line then ends with a
//! note of where the value came from. A key the new model does not take
//! (`monthly` and `polarisation` for sbg, written as alpha and beta;
//! `alpha`, `beta` and `polarisation` for constant) is removed with its
//! line. New keys follow the last churn key, with its indentation and line
//! ending. No comment of the user's is lost: a comment on a replaced or
//! removed line (or inside a replaced value) stays as a comment line of its
//! own at that place; only a note this module wrote itself is replaced. The
//! scenario is validated before and after, so a file is only ever replaced
//! by a valid scenario.

use crate::error::InputError;
use crate::scenario::Scenario;
use std::ops::Range;
use toml_edit::{Document, Item, TableLike, Value};

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

/// How every note written next to a value begins. A trailing comment that
/// begins so is a note of an earlier fit and is replaced, not kept.
pub const NOTE_PREFIX: &str = "fit-churn ";

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

/// A value as the change list shows it: as written for a value, as an
/// inline table for keys written dotted (`beta.dist = ...`).
fn shown(item: &Item) -> String {
    match item.as_table_like() {
        Some(t) if t.is_dotted() || item.is_table() => {
            let fields: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{k} = {}", shown(v)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        _ => item.as_value().map(bare).unwrap_or_default(),
    }
}

/// The UTF-8 byte-order mark, kept in front of the rewritten text.
const BOM: &str = "\u{feff}";

/// One `key = value` as written: where its key path starts and its value.
#[derive(Debug, Clone)]
struct Leaf {
    /// Start of the leaf's own key (the last part of a dotted path).
    key_start: usize,
    /// The value.
    value: Range<usize>,
}

/// A churn key as written in the file.
struct Written<'a> {
    /// Its name in the churn table, e.g. `beta`.
    name: String,
    item: &'a Item,
    /// Where its key (the part of the path naming it) is written.
    key: Range<usize>,
    /// Its `key = value` lines or entries: one for a value, several for a
    /// parameter written as dotted keys (`beta.dist = ...`, `beta.min = ...`).
    leaves: Vec<Leaf>,
}

/// Error for a churn key written as a section of its own.
fn own_section(source: &str, key: &str) -> InputError {
    InputError::new(format!(
        "--into {source}: `churn.{key}` is written as a section of its own ([churn.{key}]), which fit-churn does not rewrite; write it as `{key} = {{ dist = ... }}` inside [churn] and run again (the scenario was left unchanged)"
    ))
    .with_source(source)
    .with_key(format!("churn.{key}"))
    .with_allowed("a value inside [churn]")
}

/// Appends the leaves of `item`, the value of `key` in `table`.
fn leaves_of(table: &dyn TableLike, key: &str, item: &Item, out: &mut Vec<Leaf>) -> Result<(), ()> {
    let key_span = table.key(key).and_then(|k| k.span()).ok_or(())?;
    match item.as_table_like() {
        Some(t) if t.is_dotted() => {
            for (k, it) in t.iter() {
                leaves_of(t, k, it, out)?;
            }
            Ok(())
        }
        _ if item.is_value() => {
            out.push(Leaf {
                key_start: key_span.start,
                value: item.span().ok_or(())?,
            });
            Ok(())
        }
        // A section `[churn.key]` or an array of tables.
        _ => Err(()),
    }
}

/// The churn keys written in `table`, with their leaves in text order.
fn written<'a>(table: &'a dyn TableLike, source: &str) -> Result<Vec<Written<'a>>, InputError> {
    let mut out = Vec::new();
    for (name, item) in table.iter() {
        let mut leaves = Vec::new();
        leaves_of(table, name, item, &mut leaves).map_err(|()| own_section(source, name))?;
        leaves.sort_by_key(|l| l.key_start);
        let key = table
            .key(name)
            .and_then(|k| k.span())
            .ok_or_else(|| own_section(source, name))?;
        out.push(Written {
            name: name.to_string(),
            item,
            key,
            leaves,
        });
    }
    Ok(out)
}

/// The comments in `text`, a stretch of TOML starting at a token boundary:
/// from each `#` outside a string to the end of its line, trailing spaces
/// trimmed, in order.
fn comments(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                let end = text[i..].find('\n').map_or(b.len(), |e| i + e);
                out.push(text[i..end].trim_end());
                i = end;
            }
            q @ (b'"' | b'\'') => {
                let triple = if q == b'"' { "\"\"\"" } else { "'''" };
                let multiline = text[i..].starts_with(triple);
                i += if multiline { 3 } else { 1 };
                while i < b.len() {
                    if q == b'"' && b[i] == b'\\' {
                        i += 2;
                    } else if multiline && text[i..].starts_with(triple) {
                        i += 3;
                        // Up to two quotes may stand just before the closing three.
                        let mut extra = 0;
                        while extra < 2 && i < b.len() && b[i] == q {
                            i += 1;
                            extra += 1;
                        }
                        break;
                    } else if !multiline && (b[i] == q || b[i] == b'\n') {
                        i += 1;
                        break;
                    } else {
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Whether a comment (with its `#`) is a note an earlier fit wrote.
fn is_note(comment: &str) -> bool {
    comment
        .trim_start_matches('#')
        .trim_start()
        .starts_with(NOTE_PREFIX)
}

/// The user's comments in `text` (notes of earlier fits left out).
fn user_comments(text: &str) -> Vec<&str> {
    comments(text).into_iter().filter(|c| !is_note(c)).collect()
}

/// The end of the line holding `pos`.
#[derive(Debug, Clone, Copy)]
struct LineEnd {
    /// Where the line's text ends, before its line ending.
    content_end: usize,
    /// Where the next line starts (after the line ending), or the text's
    /// end.
    end: usize,
    /// The line ending, `None` on a last line without one.
    eol: Option<&'static str>,
}

/// One replacement of a range of the text.
#[derive(Debug)]
struct Edit {
    range: Range<usize>,
    with: String,
}

/// Edits to the scenario text (without its byte-order mark).
struct Editor<'t> {
    text: &'t str,
    /// The line ending for new lines where no line gives one: the file's
    /// first line ending.
    eol: &'static str,
    edits: Vec<Edit>,
}

impl<'t> Editor<'t> {
    fn new(text: &'t str) -> Self {
        let eol = match text.find('\n') {
            Some(i) if text[..i].ends_with('\r') => "\r\n",
            _ => "\n",
        };
        Editor {
            text,
            eol,
            edits: Vec::new(),
        }
    }

    fn line_start(&self, pos: usize) -> usize {
        self.text[..pos].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self, pos: usize) -> LineEnd {
        match self.text[pos..].find('\n') {
            Some(i) => {
                let nl = pos + i;
                let crlf = self.text[..nl].ends_with('\r');
                LineEnd {
                    content_end: if crlf { nl - 1 } else { nl },
                    end: nl + 1,
                    eol: Some(if crlf { "\r\n" } else { "\n" }),
                }
            }
            None => LineEnd {
                content_end: self.text.len(),
                end: self.text.len(),
                eol: None,
            },
        }
    }

    /// The spaces and tabs a line starts with.
    fn indent(&self, line_start: usize) -> &'t str {
        let rest = &self.text[line_start..];
        &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
    }

    /// `comments` as lines of their own, each indented and ended.
    fn comment_lines(comments: &[&str], indent: &str, eol: &str) -> String {
        comments
            .iter()
            .map(|c| format!("{indent}{c}{eol}"))
            .collect()
    }

    fn edit(&mut self, range: Range<usize>, with: String) {
        self.edits.push(Edit { range, with });
    }

    /// Removes the line of `leaf`, leaving the user's comments on it (and
    /// inside its value) as comment lines. Returns whether nothing of the
    /// line is left.
    fn remove_line(&mut self, leaf: &Leaf) -> bool {
        let start = self.line_start(leaf.key_start);
        let end = self.line_end(leaf.value.end);
        let kept = user_comments(&self.text[leaf.value.start..end.content_end]);
        let indent = self.indent(start);
        let mut with = Self::comment_lines(&kept, indent, end.eol.unwrap_or(self.eol));
        if end.eol.is_none() && !with.is_empty() {
            with.truncate(with.len() - self.eol.len());
        }
        let gone = with.is_empty();
        self.edit(start..end.end, with);
        gone
    }

    /// The text with every edit applied.
    fn apply(mut self) -> String {
        self.edits
            .sort_by_key(|e| (e.range.start, e.range.end > e.range.start));
        let mut out = String::with_capacity(self.text.len() + 256);
        let mut pos = 0;
        for e in &self.edits {
            assert!(e.range.start >= pos, "overlapping edits: {:?}", self.edits);
            out.push_str(&self.text[pos..e.range.start]);
            out.push_str(&e.with);
            pos = e.range.end;
        }
        out.push_str(&self.text[pos..]);
        out
    }
}

/// What to write: keys with their new values, and keys to remove.
type Plan = (Vec<(&'static str, String)>, &'static [&'static str]);

fn plan(setting: ChurnSetting) -> Plan {
    let v = |x: f64| bare(&Value::from(round_significant(x)));
    match setting {
        ChurnSetting::Sbg { alpha, beta } => (
            vec![
                ("model", bare(&Value::from("sbg"))),
                ("alpha", v(alpha)),
                ("beta", v(beta)),
            ],
            &["monthly", "polarisation"],
        ),
        ChurnSetting::Constant { monthly } => (
            vec![
                ("model", bare(&Value::from("constant"))),
                ("monthly", v(monthly)),
            ],
            &["alpha", "beta", "polarisation"],
        ),
    }
}

/// The churn table written one key per line: a `[churn]` section
/// (`prefix` empty) or dotted keys at the top level (`prefix` `churn.`).
/// `header` is the section header's span, if any.
fn rewrite_lines(
    ed: &mut Editor,
    keys: &[Written],
    header: Option<Range<usize>>,
    prefix: &str,
    (set, remove): &Plan,
    note: &dyn Fn(&str) -> String,
) -> Vec<Change> {
    let find = |k: &str| keys.iter().find(|w| w.name == k);
    let mut changes = Vec::new();
    let mut added = Vec::new();
    // Lines that went entirely (so nothing needs a line ending after them).
    let mut gone = Vec::new();
    for (key, new) in set {
        let Some(w) = find(key) else {
            added.push(format!("{key} = {new} # {}", note(key)));
            changes.push(Change {
                key: format!("churn.{key}"),
                before: None,
                after: Some(new.clone()),
            });
            continue;
        };
        let before = shown(w.item);
        if w.item.is_value() && before == *new {
            continue;
        }
        let first = &w.leaves[0];
        let start = ed.line_start(first.key_start);
        let end = ed.line_end(first.value.end);
        // Up to the value for `key = value`; up to the key for a parameter
        // written as dotted keys, which becomes one line.
        let (keep_to, sep) = if w.item.is_value() {
            (first.value.start, "")
        } else {
            (w.key.end, " = ")
        };
        let kept = user_comments(&ed.text[keep_to..end.content_end]);
        let lines = Editor::comment_lines(&kept, ed.indent(start), end.eol.unwrap_or(ed.eol));
        let line = format!("{}{sep}{new} # {}", &ed.text[start..keep_to], note(key));
        ed.edit(start..end.content_end, format!("{lines}{line}"));
        for leaf in &w.leaves[1..] {
            if ed.remove_line(leaf) {
                gone.push(ed.line_start(leaf.key_start));
            }
        }
        changes.push(Change {
            key: format!("churn.{key}"),
            before: Some(before),
            after: Some(new.clone()),
        });
    }
    for key in remove.iter() {
        let Some(w) = find(key) else { continue };
        for leaf in &w.leaves {
            if ed.remove_line(leaf) {
                gone.push(ed.line_start(leaf.key_start));
            }
        }
        changes.push(Change {
            key: format!("churn.{key}"),
            before: Some(shown(w.item)),
            after: None,
        });
    }
    if !added.is_empty() {
        // After the last churn line, or the section header if none.
        let last = keys
            .iter()
            .flat_map(|w| &w.leaves)
            .max_by_key(|l| l.value.end);
        let (anchor_start, anchor_end) = match (last, header) {
            (Some(l), _) => (ed.line_start(l.key_start), ed.line_end(l.value.end)),
            (None, Some(h)) => (ed.line_start(h.start), ed.line_end(h.end)),
            (None, None) => unreachable!("a churn table has a header or keys"),
        };
        let indent = ed.indent(anchor_start);
        let eol = anchor_end.eol.unwrap_or(ed.eol);
        let lines: Vec<String> = added
            .iter()
            .map(|l| format!("{indent}{prefix}{l}"))
            .collect();
        let with = match anchor_end.eol {
            Some(_) => lines.iter().map(|l| format!("{l}{eol}")).collect(),
            // A last line without a line ending: start a new line, unless
            // that line went altogether.
            None if gone.contains(&anchor_start) => lines.join(eol),
            None => format!("{eol}{}", lines.join(eol)),
        };
        ed.edit(anchor_end.end..anchor_end.end, with);
    }
    changes
}

/// Skips spaces, line endings and comments from `pos`.
fn skip_trivia(text: &str, mut pos: usize) -> usize {
    let b = text.as_bytes();
    while pos < b.len() {
        match b[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'#' => pos = text[pos..].find('\n').map_or(b.len(), |e| pos + e),
            _ => break,
        }
    }
    pos
}

/// The churn table written as an inline table at `span`: rewritten in
/// place, as an inline table.
fn rewrite_inline(
    ed: &mut Editor,
    keys: &[Written],
    span: Range<usize>,
    (set, remove): &Plan,
    note: &dyn Fn(&str) -> String,
) -> Vec<Change> {
    let text = ed.text;
    let (open, close) = (span.start, span.end - 1);
    debug_assert!(text[open..].starts_with('{') && text[close..].starts_with('}'));
    // Every entry in text order, with its key's index in `keys`.
    let mut entries: Vec<(usize, usize, Leaf)> = Vec::new(); // (entry start, key index, leaf)
    let mut all: Vec<(usize, &Leaf)> = keys
        .iter()
        .enumerate()
        .flat_map(|(i, w)| w.leaves.iter().map(move |l| (i, l)))
        .collect();
    all.sort_by_key(|(_, l)| l.key_start);
    let mut pos = open + 1;
    for (i, (k, leaf)) in all.iter().enumerate() {
        if i > 0 {
            let comma = skip_trivia(text, pos);
            debug_assert!(text[comma..].starts_with(','));
            pos = comma + 1;
        }
        let start = skip_trivia(text, pos);
        entries.push((start, *k, (*leaf).clone()));
        pos = leaf.value.end;
    }

    enum Action<'v> {
        Keep,
        Replace(&'v str),
        Remove,
    }
    let mut changes = Vec::new();
    let mut actions: Vec<Action> = keys.iter().map(|_| Action::Keep).collect();
    let mut added = Vec::new();
    for (key, new) in set {
        match keys.iter().position(|w| w.name == *key) {
            Some(i) => {
                let before = shown(keys[i].item);
                if keys[i].item.is_value() && before == *new {
                    continue;
                }
                actions[i] = Action::Replace(new);
                changes.push(Change {
                    key: format!("churn.{key}"),
                    before: Some(before),
                    after: Some(new.clone()),
                });
            }
            None => {
                added.push(format!("{key} = {new}"));
                changes.push(Change {
                    key: format!("churn.{key}"),
                    before: None,
                    after: Some(new.clone()),
                });
            }
        }
    }
    for key in remove.iter() {
        if let Some(i) = keys.iter().position(|w| w.name == *key) {
            actions[i] = Action::Remove;
            changes.push(Change {
                key: format!("churn.{key}"),
                before: Some(shown(keys[i].item)),
                after: None,
            });
        }
    }
    if changes.is_empty() {
        return changes;
    }

    // The new entries, each after the separator that preceded it.
    let mut kept_comments: Vec<&str> = Vec::new();
    let mut inner = String::new();
    let mut first_done = vec![false; keys.len()];
    let mut any = false;
    for (i, (start, k, leaf)) in entries.iter().enumerate() {
        let sep = (i > 0).then(|| &text[entries[i - 1].2.value.end..*start]);
        let own = match actions[*k] {
            Action::Keep => Some(text[*start..leaf.value.end].to_string()),
            Action::Replace(new) if !first_done[*k] => {
                first_done[*k] = true;
                let w = &keys[*k];
                let (keep_to, eq) = if w.item.is_value() {
                    (leaf.value.start, "")
                } else {
                    (w.key.end, " = ")
                };
                kept_comments.extend(user_comments(&text[keep_to..leaf.value.end]));
                Some(format!("{}{eq}{new}", &text[*start..keep_to]))
            }
            Action::Replace(_) | Action::Remove => {
                kept_comments.extend(user_comments(&text[leaf.value.start..leaf.value.end]));
                None
            }
        };
        match own {
            Some(entry) => {
                match sep {
                    Some(sep) if any => inner.push_str(sep),
                    Some(sep) => kept_comments.extend(user_comments(sep)),
                    None => {}
                }
                inner.push_str(&entry);
                any = true;
            }
            None => {
                if let Some(sep) = sep {
                    kept_comments.extend(user_comments(sep));
                }
            }
        }
    }
    for entry in &added {
        if any {
            inner.push_str(", ");
        }
        inner.push_str(entry);
        any = true;
    }
    let (head, tail) = match entries.first() {
        Some((first, _, _)) => (
            &text[open + 1..*first],
            &text[entries.last().expect("not empty").2.value.end..close],
        ),
        None => (&text[open + 1..close], ""),
    };
    let head = if head.trim().is_empty() && entries.is_empty() {
        " "
    } else {
        head
    };
    let tail = if tail.trim().is_empty() && entries.is_empty() {
        " "
    } else {
        tail
    };
    ed.edit(span.clone(), format!("{{{head}{inner}{tail}}}"));

    // The note after the table, the user's comments on lines above it.
    let end = ed.line_end(span.end);
    kept_comments.extend(user_comments(&text[span.end..end.content_end]));
    ed.edit(span.end..end.content_end, format!(" # {}", note("churn")));
    if !kept_comments.is_empty() {
        let start = ed.line_start(open);
        let lines =
            Editor::comment_lines(&kept_comments, ed.indent(start), end.eol.unwrap_or(ed.eol));
        ed.edit(start..start, lines);
    }
    changes
}

/// Rewrites the churn table of scenario `text` (read from `source`) to
/// `setting`; `note(key)` is the trailing comment of each key written
/// (`note("churn")` that of an inline churn table). Returns the new text
/// and what changed (empty if nothing did).
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
    let (bom, body) = match text.strip_prefix(BOM) {
        Some(body) => (BOM, body),
        None => ("", text),
    };
    let doc =
        Document::parse(body).map_err(|e| InputError::new(format!("--into {source}: {e}")))?;
    let plan = plan(setting);
    let mut ed = Editor::new(body);
    let changes = match doc.get("churn") {
        None => {
            let (set, _) = &plan;
            let eol = ed.eol;
            let mut add = String::new();
            if !body.is_empty() {
                if !body.ends_with('\n') {
                    add.push_str(eol);
                }
                add.push_str(eol);
            }
            add.push_str(&format!("[churn]{eol}"));
            for (key, new) in set {
                add.push_str(&format!("{key} = {new} # {}{eol}", note(key)));
            }
            ed.edit(body.len()..body.len(), add);
            set.iter()
                .map(|(key, new)| Change {
                    key: format!("churn.{key}"),
                    before: None,
                    after: Some(new.clone()),
                })
                .collect()
        }
        Some(Item::Table(t)) => {
            let keys = written(t, source)?;
            let (header, prefix) = if t.is_dotted() {
                (None, "churn.")
            } else {
                (t.span(), "")
            };
            if header.is_none() && keys.is_empty() {
                return Err(InputError::new(format!(
                    "--into {source}: cannot find where the churn table is written"
                )));
            }
            rewrite_lines(&mut ed, &keys, header, prefix, &plan, note)
        }
        Some(item @ Item::Value(Value::InlineTable(t))) => {
            let keys = written(t, source)?;
            let span = item
                .span()
                .ok_or_else(|| InputError::new(format!("--into {source}: cannot locate churn")))?;
            rewrite_inline(&mut ed, &keys, span, &plan, note)
        }
        Some(_) => {
            return Err(InputError::new(format!(
                "--into {source}: churn must be a section ([churn])"
            )));
        }
    };
    if changes.is_empty() {
        return Ok((text.to_string(), changes));
    }
    let out = format!("{bom}{}", ed.apply());
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
    const CONSTANT: ChurnSetting = ChurnSetting::Constant { monthly: 0.0812345 };

    /// Rewrites `text`, each note naming its key; returns the text and the
    /// changes as printed.
    fn rewrite(text: &str, setting: ChurnSetting) -> (String, Vec<String>) {
        let (out, changes) = rewrite_churn(text, "s.toml", setting, &|k| format!("fit-churn {k}"))
            .unwrap_or_else(|e| panic!("{e}"));
        (out, changes.iter().map(|c| c.to_string()).collect())
    }

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
        let (out, changes) = rewrite(text, SBG);
        assert_eq!(
            out,
            "name = \"x\" # the name\n\n[churn]\n# churn from the benchmarks\n# default\nmodel   = \"sbg\" # fit-churn model\n# Recurly 4.91 %\n# B2B\nalpha = 0.7036 # fit-churn alpha\nbeta = 1.182 # fit-churn beta\n\n[pricing] # after\nmonthly = 49\n"
        );
        assert_eq!(
            changes,
            [
                "churn.model: \"constant\" -> \"sbg\"",
                "churn.alpha: (absent) -> 0.7036",
                "churn.beta: (absent) -> 1.182",
                "churn.monthly: 0.05 -> (removed)"
            ]
        );
    }

    #[test]
    fn sbg_churn_in_peoples_terms_becomes_the_fitted_alpha_and_beta() {
        let text = "name = \"x\"\n[churn]\nmodel = \"sbg\"\nmonthly = 0.06\npolarisation = 0.05\n";
        let (out, changes) = rewrite(text, SBG);
        assert_eq!(
            out,
            "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = 0.7036 # fit-churn alpha\nbeta = 1.182 # fit-churn beta\n"
        );
        assert!(changes.contains(&"churn.polarisation: 0.05 -> (removed)".to_string()));
        let (out, _) = rewrite(text, CONSTANT);
        assert_eq!(
            out,
            "name = \"x\"\n[churn]\nmodel = \"constant\" # fit-churn model\nmonthly = 0.08123 # fit-churn monthly\n"
        );
    }

    #[test]
    fn into_keeps_crlf_line_endings_the_byte_order_mark_indentation_and_a_removed_keys_comment() {
        // Regression: the file was re-serialised, so CRLF became LF, the
        // byte-order mark went, a removed key's trailing comment was lost
        // and indentation changed.
        let text = "\u{feff}name = \"x\"\r\n\r\n[churn]\r\n  # how customers leave\r\n  model = \"constant\"\r\n  monthly = 0.05 # my rate\r\n\r\n[pricing]\r\n  monthly = 49 # per seat\r\n";
        let (out, _) = rewrite(text, SBG);
        assert_eq!(
            out,
            "\u{feff}name = \"x\"\r\n\r\n[churn]\r\n  # how customers leave\r\n  model = \"sbg\" # fit-churn model\r\n  # my rate\r\n  alpha = 0.7036 # fit-churn alpha\r\n  beta = 1.182 # fit-churn beta\r\n\r\n[pricing]\r\n  monthly = 49 # per seat\r\n"
        );
        // And back, with tab indentation: alpha and beta go, their comments
        // stay where they were, monthly follows the last churn line.
        let text = "name = \"x\"\r\n[churn]\r\n\tmodel = \"sbg\"\r\n\talpha = 1.0 # spread\r\n\tbeta = { dist = \"uniform\", min = 10, max = 20 } # first renewal 5-9 %\r\n[pricing]\r\n\tmonthly = 49\r\n";
        let (out, changes) = rewrite(text, CONSTANT);
        assert_eq!(
            out,
            "name = \"x\"\r\n[churn]\r\n\tmodel = \"constant\" # fit-churn model\r\n\t# spread\r\n\t# first renewal 5-9 %\r\n\tmonthly = 0.08123 # fit-churn monthly\r\n[pricing]\r\n\tmonthly = 49\r\n"
        );
        assert_eq!(changes.len(), 4);
        // Nothing outside the churn lines changed: the lines of the file
        // that are not churn keys or their comments are the same.
        let outside = |s: &str| -> Vec<String> {
            s.split_inclusive('\n')
                .filter(|l| !l.contains("alpha") && !l.contains("beta") && !l.contains('#'))
                .filter(|l| !l.trim_start().starts_with("model") && !l.contains("0.08123"))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(outside(&out), outside(text));
    }

    #[test]
    fn into_keeps_the_users_comment_on_a_replaced_key_and_replaces_its_own_note() {
        let text =
            "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = 1.0   # judgment call\nbeta = 16\n";
        let (once, _) = rewrite(text, SBG);
        assert_eq!(
            once,
            "name = \"x\"\n[churn]\nmodel = \"sbg\"\n# judgment call\nalpha = 0.7036 # fit-churn alpha\nbeta = 1.182 # fit-churn beta\n"
        );
        // A second fit replaces the notes of the first, and the user's
        // comment stays once.
        let (twice, _) = rewrite(
            &once,
            ChurnSetting::Sbg {
                alpha: 0.5,
                beta: 2.0,
            },
        );
        assert_eq!(
            twice,
            "name = \"x\"\n[churn]\nmodel = \"sbg\"\n# judgment call\nalpha = 0.5 # fit-churn alpha\nbeta = 2.0 # fit-churn beta\n"
        );
    }

    #[test]
    fn into_rewrites_an_inline_churn_table_in_place() {
        // Regression: an inline churn table was refused with a parse error
        // about the section after it.
        let text = "name = \"x\"\nchurn = { model = \"constant\", monthly = 0.05 }\n[pricing]\nmonthly = 49\n";
        let (out, changes) = rewrite(text, SBG);
        assert_eq!(
            out,
            "name = \"x\"\nchurn = { model = \"sbg\", alpha = 0.7036, beta = 1.182 } # fit-churn churn\n[pricing]\nmonthly = 49\n"
        );
        assert_eq!(changes.len(), 4);
        assert_eq!(rewrite(&out, SBG).0, out, "a second run changes nothing");
        // And back to constant churn, a nested table removed with its key;
        // the user's comment after the table moves above it.
        let text = "name = \"x\"\n  churn = {model = \"sbg\", alpha = 1.0, beta = { dist = \"triangular\", min = 10, mode = 16, max = 25 }} # mine\n";
        let (out, _) = rewrite(text, CONSTANT);
        assert_eq!(
            out,
            "name = \"x\"\n  # mine\n  churn = {model = \"constant\", monthly = 0.08123} # fit-churn churn\n"
        );
        // Only the model given: the other keys join it.
        let (out, _) = rewrite("name = \"x\"\nchurn = {}\n", SBG);
        assert_eq!(
            out,
            "name = \"x\"\nchurn = { model = \"sbg\", alpha = 0.7036, beta = 1.182 } # fit-churn churn\n"
        );
    }

    #[test]
    fn into_rewrites_dotted_churn_keys() {
        let text = "name = \"x\"\nchurn.model = \"constant\"\nchurn.monthly = 0.05\n[pricing]\nmonthly = 49\n";
        let (out, _) = rewrite(text, SBG);
        assert_eq!(
            out,
            "name = \"x\"\nchurn.model = \"sbg\" # fit-churn model\nchurn.alpha = 0.7036 # fit-churn alpha\nchurn.beta = 1.182 # fit-churn beta\n[pricing]\nmonthly = 49\n"
        );
        // A parameter written as dotted keys becomes one line.
        let text = "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = 1\nbeta.dist = \"uniform\" # range\nbeta.min = 10\nbeta.max = 20\n";
        let (out, changes) = rewrite(text, SBG);
        assert_eq!(
            out,
            "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = 0.7036 # fit-churn alpha\n# range\nbeta = 1.182 # fit-churn beta\n"
        );
        assert_eq!(
            changes[1],
            "churn.beta: { dist = \"uniform\", min = 10, max = 20 } -> 1.182"
        );
    }

    #[test]
    fn a_parameter_in_a_section_of_its_own_is_refused_by_name() {
        let text = "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = 1\n[churn.beta]\ndist = \"uniform\"\nmin = 1\nmax = 2\n";
        let e = rewrite_churn(text, "s.toml", SBG, &|_| "fit-churn".into()).unwrap_err();
        assert!(
            e.to_string()
                .contains("s.toml: `churn.beta` is written as a section of its own"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_churn_section_is_added_at_the_end() {
        let text = "name = \"x\"\r\n[pricing]\r\nmonthly = 49";
        let (out, _) = rewrite(text, SBG);
        assert_eq!(
            out,
            format!(
                "{text}\r\n\r\n[churn]\r\nmodel = \"sbg\" # fit-churn model\r\nalpha = 0.7036 # fit-churn alpha\r\nbeta = 1.182 # fit-churn beta\r\n"
            )
        );
    }

    #[test]
    fn a_last_line_without_a_line_ending_stays_without_one() {
        let text = "name = \"x\"\n[churn]\nmodel = \"constant\"\nmonthly = 0.05";
        let (out, _) = rewrite(text, SBG);
        assert_eq!(
            out,
            "name = \"x\"\n[churn]\nmodel = \"sbg\" # fit-churn model\nalpha = 0.7036 # fit-churn alpha\nbeta = 1.182 # fit-churn beta"
        );
        let text = "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = 1.0\nbeta = 2.0";
        let (out, _) = rewrite(text, CONSTANT);
        assert_eq!(
            out,
            "name = \"x\"\n[churn]\nmodel = \"constant\" # fit-churn model\nmonthly = 0.08123 # fit-churn monthly"
        );
    }

    #[test]
    fn comments_inside_strings_are_not_comments() {
        assert_eq!(
            comments("\"a # b\" # c\n'x#' 1 # d\n\"\"\"q\"\"\"\"  # e\n\"\\\" #\" # f"),
            ["# c", "# d", "# e", "# f"]
        );
    }

    #[test]
    fn an_unchanged_fit_changes_nothing() {
        let text = "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = 0.7036\nbeta = 1.182\n";
        let (out, changes) = rewrite(text, SBG);
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
