//! Errors a user can fix (exit code 2) versus everything else (exit code 1).

use std::fmt;

/// Bad input: a file, key, value or argument. The message names the source
/// and the key path and says what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(String);

impl InputError {
    /// An input error with this message.
    pub fn new(msg: impl Into<String>) -> Self {
        InputError(msg.into())
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Exit code for an error: 2 when any cause in its chain is an
/// [`InputError`], 130 (the shell's code for Ctrl-C) when the run was
/// interrupted, else 1.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if err.chain().any(|e| e.is::<InputError>()) {
        2
    } else if err.chain().any(|e| e.is::<crate::sim::Cancelled>()) {
        130
    } else {
        1
    }
}
