//! Errors a user can fix (exit code 2) versus everything else (exit code 1),
//! and a cancelled run (exit code 130).
//!
//! [`InputError`] is bad input: its message is what the user reads, and
//! where the input has structure it also says, as fields, where the input
//! came from, which key, the value as written and what is allowed.
//! [`Error`] is what the library's front door ([`crate::load`],
//! [`crate::simulate`]) returns: bad input, a cancelled run, or another
//! failure.

use std::fmt;
use std::path::{Path, PathBuf};

/// Bad input: a file, key, value or argument. The message names the source
/// and the key path and says what is allowed; the same facts are available
/// one by one where the input has them ([`InputError::source_name`],
/// [`InputError::key`], [`InputError::value`], [`InputError::allowed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    message: String,
    source: Option<String>,
    key: Option<String>,
    value: Option<String>,
    allowed: Option<String>,
}

impl InputError {
    /// An input error with this message and no further structure.
    pub fn new(msg: impl Into<String>) -> Self {
        InputError {
            message: msg.into(),
            source: None,
            key: None,
            value: None,
            allowed: None,
        }
    }

    /// An error in the value of `key` read from `source` (a file path, or
    /// `--set`): the message is `"{source}: {msg}"`. Add what was written
    /// and what is allowed with [`InputError::with_value`] and
    /// [`InputError::with_allowed`].
    pub fn for_key(source: &str, key: &str, msg: impl fmt::Display) -> Self {
        InputError::new(format!("{source}: {msg}"))
            .with_source(source)
            .with_key(key)
    }

    /// The same error, saying where the input came from.
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The same error, naming the key path (e.g. `churn.monthly`).
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The same error, with the value as written.
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// The same error, saying what is allowed (e.g. `within 0..=1`).
    pub fn with_allowed(mut self, allowed: impl Into<String>) -> Self {
        self.allowed = Some(allowed.into());
        self
    }

    /// The whole message, as displayed.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the input came from: a file path, `--set` or an argument.
    pub fn source_name(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// The key path, e.g. `churn.monthly`.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The value as written (TOML syntax for a scenario value: strings in
    /// quotes).
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// What is allowed, in the words of the message (e.g. `within 0..=1`,
    /// `>= 0`, `one of "poisson" or "bass"`).
    pub fn allowed(&self) -> Option<&str> {
        self.allowed.as_deref()
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InputError {}

/// Everything the library's front door can fail with.
///
/// Match on it for the kind, and use [`Error::exit_code`] for a process's
/// exit code. Its message ([`fmt::Display`]) is the complete text for a
/// user; [`std::error::Error::source`] continues the chain below that
/// message, as `#[error(transparent)]` would, so an error printed with its
/// causes (`{:#}` of an `anyhow::Error`) never repeats a line. The input
/// error itself, with its key, value and what is allowed, is
/// [`Error::as_input`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Bad input: a scenario file, key, value or option (exit code 2).
    Input(InputError),
    /// The run was cancelled through its cancel flag (exit code 130).
    Cancelled,
    /// Reading or writing a file failed, not through bad input (exit code 1).
    Io {
        /// The file or folder, where known.
        path: Option<PathBuf>,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// Any other failure (exit code 1); its message includes its causes.
    Other(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl Error {
    /// The process exit code for this error: 2 for bad input, 130 (the
    /// shell's code for Ctrl-C) for a cancelled run, else 1.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => 2,
            Error::Cancelled => 130,
            Error::Io { .. } | Error::Other(_) => 1,
        }
    }

    /// The input error, if this is bad input.
    pub fn as_input(&self) -> Option<&InputError> {
        match self {
            Error::Input(e) => Some(e),
            _ => None,
        }
    }

    /// An I/O failure on `path`.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: Some(path.as_ref().to_path_buf()),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(e) => e.fmt(f),
            Error::Cancelled => crate::sim::Cancelled.fmt(f),
            Error::Io {
                path: Some(p),
                source,
            } => write!(f, "{}: {source}", p.display()),
            Error::Io { path: None, source } => source.fmt(f),
            Error::Other(e) => {
                // The whole chain: the causes of an error from elsewhere
                // are part of what the user needs to read.
                write!(f, "{e}")?;
                let mut cause = e.source();
                while let Some(c) = cause {
                    write!(f, ": {c}")?;
                    cause = c.source();
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    /// What lies below the message: the causes of the wrapped error, never
    /// the wrapped error itself, whose text the message already is (so
    /// printing an error with its chain of causes repeats nothing).
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Input(e) => e.source(),
            Error::Cancelled => None,
            Error::Io { source, .. } => source.source(),
            // The message includes the whole chain.
            Error::Other(_) => None,
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(e)
    }
}

impl From<crate::sim::Cancelled> for Error {
    fn from(_: crate::sim::Cancelled) -> Self {
        Error::Cancelled
    }
}

impl From<anyhow::Error> for Error {
    /// Sorts an error from the machinery behind the front door by what is in
    /// its chain, as [`exit_code`] does: bad input anywhere makes it
    /// [`Error::Input`] (its message the whole chain, as the binary prints
    /// it), a cancelled run [`Error::Cancelled`], a bare I/O error
    /// [`Error::Io`], anything else [`Error::Other`].
    fn from(e: anyhow::Error) -> Self {
        let outermost = e.chain().next().expect("an error is its own first cause");
        if outermost.is::<Error>() {
            return e.downcast::<Error>().expect("checked above");
        }
        if let Some(input) = e.chain().find_map(|c| c.downcast_ref::<InputError>()) {
            let mut input = input.clone();
            input.message = format!("{e:#}");
            return Error::Input(input);
        }
        if e.chain().any(|c| c.is::<crate::sim::Cancelled>()) {
            return Error::Cancelled;
        }
        if outermost.is::<std::io::Error>() {
            let source = e.downcast::<std::io::Error>().expect("checked above");
            return Error::Io { path: None, source };
        }
        Error::Other(e.into())
    }
}

/// Exit code for an error: 2 when any cause in its chain is an
/// [`InputError`], 130 (the shell's code for Ctrl-C) when the run was
/// interrupted, else 1; an [`Error`] in the chain answers for itself.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if let Some(e) = err.chain().find_map(|e| e.downcast_ref::<Error>()) {
        e.exit_code()
    } else if err.chain().any(|e| e.is::<InputError>()) {
        2
    } else if err.chain().any(|e| e.is::<crate::sim::Cancelled>()) {
        130
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn exit_codes_by_kind() {
        assert_eq!(Error::from(InputError::new("bad")).exit_code(), 2);
        assert_eq!(Error::Cancelled.exit_code(), 130);
        let io = std::io::Error::other("disk full");
        assert_eq!(Error::io("out/summary.json", io).exit_code(), 1);
    }

    #[test]
    fn the_message_is_complete_and_the_chain_repeats_nothing() {
        let e = Error::from(InputError::new("t.toml: churn.monthly must be ...").with_key("x"));
        assert_eq!(e.to_string(), "t.toml: churn.monthly must be ...");
        assert_eq!(e.as_input().and_then(InputError::key), Some("x"));
        assert!(e.source().is_none());
        let e = Error::io("out", std::io::Error::other("disk full"));
        assert_eq!(e.to_string(), "out: disk full");
        for e in [e, Error::Cancelled, Error::from(InputError::new("bad"))] {
            let text = e.to_string();
            assert_eq!(format!("{:#}", anyhow::Error::new(e)), text);
        }
    }

    #[test]
    fn anyhow_errors_sort_into_kinds_as_exit_code_does() {
        let cases: Vec<(anyhow::Error, i32)> = vec![
            (InputError::new("bad").into(), 2),
            (
                anyhow::Error::new(InputError::new("bad")).context("while checking"),
                2,
            ),
            (crate::sim::Cancelled.into(), 130),
            (std::io::Error::other("disk full").into(), 1),
            (anyhow::anyhow!("something else"), 1),
            (
                anyhow::Error::new(std::io::Error::other("disk full")).context("writing x"),
                1,
            ),
            (Error::Cancelled.into(), 130),
        ];
        for (e, code) in cases {
            assert_eq!(exit_code(&e), code, "{e:#}");
            let text = format!("{e:#}");
            let typed = Error::from(e);
            assert_eq!(typed.exit_code(), code, "{text}");
            assert_eq!(typed.to_string(), text);
        }
    }
}
