//! The library's front door as a program: load a scenario, simulate it with
//! the default options and print P(semi-passive) and P(failure) with their
//! 95 % intervals.
//!
//! ```text
//! cargo run --release --example library -- scenarios/niche-saas-tool.toml
//! ```
//!
//! A scenario that cannot be loaded prints the error and exits with its
//! exit code (2 for bad input).

use hustle_sim::{Error, RunOptions, Summary};
use std::io::Write;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = run(
        &args,
        &RunOptions::default(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::exit(code);
}

/// Runs the program on its arguments (one scenario path) with `opts`,
/// writing to `out` and `err`; returns the exit code.
pub fn run(args: &[String], opts: &RunOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let [path] = args else {
        let _ = writeln!(err, "usage: library SCENARIO.toml");
        return 2;
    };
    match report(Path::new(path), opts) {
        Ok(lines) => {
            for line in lines {
                let _ = writeln!(out, "{line}");
            }
            0
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            e.exit_code()
        }
    }
}

/// Loads and simulates the scenario at `path`; the lines to print.
pub fn report(path: &Path, opts: &RunOptions) -> Result<Vec<String>, Error> {
    let model = hustle_sim::load(path)?;
    let summary = hustle_sim::simulate(&model, opts)?;
    Ok(lines(&summary))
}

fn lines(s: &Summary) -> Vec<String> {
    let figure = |label: &str, p: f64, ci: [f64; 2]| {
        format!(
            "{label} = {:.1} % (95 % interval {:.1} % to {:.1} %)",
            100.0 * p,
            100.0 * ci[0],
            100.0 * ci[1]
        )
    };
    vec![
        format!(
            "{}: {} trajectories over {} months (seed {})",
            s.scenario, s.trajectories, s.horizon_months, s.seed
        ),
        figure(
            "P(semi-passive)",
            s.semi_passive.probability,
            s.semi_passive.ci95,
        ),
        figure("P(failure)", s.failure.probability, s.failure.ci95),
    ]
}
