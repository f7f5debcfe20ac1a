//! Helpers shared by the integration tests.
#![allow(dead_code)]

use hustle_sim::Scenario;
use hustle_sim::model::Model;
use hustle_sim::report::Summary;
use hustle_sim::sim::{self, CompiledModel, Outcome, Path, RunOptions, RunResult, Scratch};
use std::sync::atomic::AtomicBool;

/// A model from scenario text; panics on invalid text.
pub fn model(text: &str) -> Model {
    Scenario::parse(text, "test.toml", "test")
        .and_then(|s| s.model())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a model through the parallel driver.
pub fn run(m: &Model, n: u64, seed: u64, threads: Option<usize>) -> RunResult {
    sim::run(
        m,
        &RunOptions {
            trajectories: n,
            seed,
            threads,
        },
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap()
}

/// The summary of a run.
pub fn summary(m: &Model, n: u64, seed: u64) -> Summary {
    Summary::from_run(&run(m, n, seed, None), "test.toml")
}

/// Every trajectory's path and outcome, simulated one by one.
pub fn trajectories(m: &Model, n: u64, seed: u64) -> impl Iterator<Item = (Path, Outcome)> {
    let cm = CompiledModel::new(m);
    let h = cm.horizon();
    let mut scratch = Scratch::new(h);
    (0..n).map(move |i| {
        let mut path = Path::new(h);
        let o = sim::simulate(&cm, seed, i, &mut scratch, &mut path);
        (path, o)
    })
}

/// Sample mean and unbiased variance.
pub fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// The `hustle-sim` binary, for end-to-end tests.
pub fn bin() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("hustle-sim").unwrap()
}

/// A path inside the repository, as a string argument.
pub fn repo(p: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(p)
        .display()
        .to_string()
}

/// Width and height of the PNG file at `path`.
pub fn png_size(path: &std::path::Path) -> (u32, u32) {
    let file = std::fs::File::open(path).expect("chart written");
    let reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .expect("a valid PNG");
    let info = reader.info();
    (info.width, info.height)
}

/// The characters a terminal may act on rather than show: C0 controls
/// other than the line break, DEL, C1 controls and the bidirectional
/// overrides and isolates. `what` names the output in the failure.
pub fn assert_terminal_safe(output: &[u8], what: &str) {
    let text = String::from_utf8_lossy(output);
    let bad: Vec<String> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(
        bad.is_empty(),
        "{what} printed raw control characters {bad:?}:\n{text}"
    );
}

/// Sends SIGINT (what Ctrl-C sends) to process `pid`.
#[cfg(unix)]
pub fn send_sigint(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill runs");
    // The process may have ended already; that is not an error here.
    let _ = status;
}

/// How a process ended: its exit code, or the signal that ended it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Exited with this code.
    Code(i32),
    /// Ended by this signal.
    Signal(i32),
}

/// Waits for `child` for at most `limit` (a guard against a hang, not a
/// speed check) and returns how it ended with its stderr.
pub fn finish(mut child: std::process::Child, limit: std::time::Duration) -> (Ending, String) {
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the process did not end within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let mut stderr = String::new();
    if let Some(e) = child.stderr.as_mut() {
        std::io::Read::read_to_string(e, &mut stderr).unwrap();
    }
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(&status);
    #[cfg(not(unix))]
    let signal: Option<i32> = None;
    let ending = match (status.code(), signal) {
        (Some(c), _) => Ending::Code(c),
        (None, Some(s)) => Ending::Signal(s),
        (None, None) => panic!("{status:?}"),
    };
    (ending, stderr)
}
