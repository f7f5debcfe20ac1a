//! # hustle-sim
//!
//! A Monte Carlo simulator for side businesses. A scenario file describes one
//! hustle; the simulator runs thousands to millions of month-by-month
//! trajectories of it and reports how quickly its income becomes
//! semi-passive and how often it fails.
//!
//! ## The front door
//!
//! Three steps cover most uses of the library: [`load`] a scenario file
//! into a checked [`Model`], [`simulate`] it with [`RunOptions`] (the
//! default is 10,000 trajectories with seed 42 on every core), and read the
//! [`Summary`]: the figures of `summary.json`, such as
//! `summary.semi_passive.probability` and `summary.failure.ci95`.
//! [`simulate_with`] takes [`Hooks`] for progress reports and a cancel
//! flag. Every step fails with one [`Error`]: bad input (an
//! [`InputError`] naming the file, the key, the value as written and what
//! is allowed), a cancelled run, or another failure, each with its
//! [`Error::exit_code`].
//!
//! ```
//! use hustle_sim::{RunOptions, Scenario, simulate};
//!
//! // `hustle_sim::load("scenarios/niche-saas-tool.toml")?` reads a file;
//! // a scenario can also be given as text.
//! let text = r#"
//!     name = "Weekend print shop"
//!     [acquisition]
//!     rate = "2 to 8"
//!     [churn]
//!     monthly = 0.06
//!     [pricing]
//!     monthly = 12
//!     [semi_passive]
//!     min_net_monthly = 100
//!     max_hours_monthly = 20
//! "#;
//! let model = Scenario::parse(text, "inline", "inline")?.model()?;
//! let opts = RunOptions { trajectories: 400, seed: 7, threads: Some(1) };
//! let summary = simulate(&model, &opts)?;
//! let sp = &summary.semi_passive;
//! assert!(sp.ci95[0] <= sp.probability && sp.probability <= 1.0);
//! println!("P(semi-passive) = {:.3}, P(failure) = {:.3}",
//!          sp.probability, summary.failure.probability);
//!
//! // Bad input says which key is wrong and what is allowed.
//! let bad = Scenario::parse("name = \"x\"\n[churn]\nmonthly = 1.3", "inline", "x")?
//!     .model()
//!     .unwrap_err();
//! assert_eq!(bad.key(), Some("churn.monthly"));
//! assert_eq!(bad.allowed(), Some("within 0..=1"));
//! assert_eq!(hustle_sim::Error::from(bad).exit_code(), 2);
//! # Ok::<(), hustle_sim::Error>(())
//! ```
//!
//! `examples/library.rs` is the same as a program.
//!
//! ## Inside
//!
//! The architecture follows the data:
//!
//! - [`scenario`]: the TOML format. Parsed into a table, overridden with
//!   `--set`, validated key by key into a [`model::Model`] (every error names
//!   its key). [`scenario::keys`] is the registry of every key;
//!   [`scenario::uncertain`] the uncertain-value forms.
//! - [`churn`]: churn in people's terms: the first-renewal churn and the
//!   polarisation of sbg churn, and the churn at renewals 1, 6 and 12.
//! - [`sim`]: one trajectory month by month in [`sim::trajectory`], which
//!   reads beside `docs/model.md`, One trajectory; the machinery it uses
//!   (renewals, competitor factors, event clocks, samplers, streams) in
//!   modules of its own; the parallel driver that folds trajectories into
//!   statistics, and the paired driver that runs variants in lockstep on
//!   common random numbers (for `sweep` and `compare`); and
//!   [`sim::reference`], the literal, slow statement of one trajectory that
//!   the fast one is tested against.
//! - [`stats`]: streaming moments, a mergeable quantile sketch, percentiles
//!   with a rank guarantee drawn from it, and Wilson intervals: memory stays
//!   flat in the number of trajectories and results are identical for every
//!   thread count.
//! - [`report`]: `summary.json`, `percentiles.csv` and the terminal table;
//!   `sweep.csv`, `compare.json` and theirs.
//! - [`chart`]: the PNG fan, outcome and final charts, drawn with an
//!   embedded font and one shared style.
//! - [`fit`]: churn fitted to a hustle's own retention data (sbg by
//!   maximum likelihood against constant churn), for `fit-churn`.
//! - [`experiment`]: variants of a model run on the same random numbers
//!   and summarised each: `compare`'s scenarios and `--with` variants,
//!   `sweep`'s values; and `list --run`'s scenarios, each run on its own.
//! - [`sensitivity`]: one-at-a-time sensitivity (which assumption matters
//!   most): each parameter's low and high variant, run on the same paired
//!   driver as `compare` and `sweep`, for `sensitivity` and its tornado
//!   chart.
//! - [`input`]: input files read with a size limit (scenarios 1 MiB,
//!   data files 64 MiB), so that no file can take all the memory.
//! - [`output`]: what every output file is (an
//!   [`output::Output`]: a name and its bytes) and the one writer that puts
//!   a command's outputs into its folder as one set, every file complete
//!   before any is replaced.
//!
//! The `hustle-sim` binary (`src/main.rs`, with `src/cli.rs` for its
//! arguments and `src/commands/` for its subcommands) is glue over this
//! library: it parses arguments, makes the library calls, prints and
//! writes, and maps errors to exit codes; the command-line crates (clap,
//! indicatif, ctrlc) are used there only.

#![warn(missing_docs)]

pub mod chart;
pub mod churn;
pub mod error;
pub mod experiment;
mod facade;
pub mod fit;
pub mod input;
pub mod model;
pub mod output;
pub mod portfolio;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod sim;
pub mod stats;

#[doc(hidden)]
pub mod internals {
    //! Items the `hustle-sim` binary, the integration tests and the benches
    //! use beyond the library's documented surface. Not a stable API: they
    //! may change or go without notice.

    pub use crate::sim::counts::median_month_among_reached;
    pub use crate::sim::driver::{CHUNK, run_with_batch};
    pub use crate::sim::outcome::NMETRICS;
}

pub use error::{Error, InputError};
pub use facade::{Hooks, load, simulate, simulate_portfolio, simulate_with};
pub use model::Model;
pub use report::Summary;
pub use scenario::Scenario;
pub use sim::RunOptions;
