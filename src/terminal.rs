//! Everything the binary prints goes through here: each line made safe for
//! a terminal by [`terminal_lines`] (control characters and bidirectional
//! overrides written as escapes, line breaks kept), so that text from a
//! user (a scenario's name, a file name, a value quoted in an error) can
//! never drive the terminal. The tables escape the user's text in their
//! cells first, so that their columns stay aligned; escaping again changes
//! nothing.

use hustle_sim::report::format::terminal_lines;
use std::io::Write;

/// Writes `text` to stdout, escaped. A closed pipe (`hustle-sim ... | head`)
/// is not an error worth a panic: what cannot be printed is dropped.
pub fn out(text: &str) {
    let _ = std::io::stdout()
        .lock()
        .write_all(terminal_lines(text).as_bytes());
}

/// Writes `text` to stderr, escaped.
pub fn err(text: &str) {
    let _ = std::io::stderr()
        .lock()
        .write_all(terminal_lines(text).as_bytes());
}

/// Writes JSON to stdout with the characters [`terminal_lines`] escapes
/// that JSON leaves as they are (DEL, C1 controls, bidirectional overrides)
/// written as JSON escapes (`\u009b`); JSON escapes the other controls
/// itself. They can only stand inside JSON strings, so the JSON means the
/// same.
pub fn out_json(json: &[u8]) {
    let text = String::from_utf8_lossy(json);
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        if terminal_lines(c.encode_utf8(&mut [0; 4])).len() > c.len_utf8() {
            safe.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            safe.push(c);
        }
    }
    let _ = std::io::stdout().lock().write_all(safe.as_bytes());
}

/// `print!` through [`out`].
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::terminal::out(&format!($($arg)*))
    };
}

/// `println!` through [`out`].
macro_rules! sayln {
    () => {
        $crate::terminal::out("\n")
    };
    ($($arg:tt)*) => {
        $crate::terminal::out(&(format!($($arg)*) + "\n"))
    };
}

/// `eprintln!` through [`err`].
macro_rules! esayln {
    ($($arg:tt)*) => {
        $crate::terminal::err(&(format!($($arg)*) + "\n"))
    };
}
