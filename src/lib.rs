//! # hustle-sim
//!
//! A Monte Carlo simulator for side businesses. A scenario file describes one
//! hustle; the simulator runs thousands to millions of month-by-month
//! trajectories of it and reports how quickly its income becomes
//! semi-passive and how often it fails.
//!
//! The architecture follows the data:
//!
//! - [`scenario`]: the TOML format. Parsed into a table, overridden with
//!   `--set`, validated key by key into a [`model::Model`] (every error names
//!   its key). [`scenario::keys`] is the registry of every key;
//!   [`scenario::uncertain`] the uncertain-value forms.
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
//! - [`sensitivity`]: one-at-a-time sensitivity on paired random streams
//!   (which assumption matters most), for `sensitivity` and its tornado
//!   chart.
//! - [`commands`]: the subcommands behind the `hustle-sim` binary; [`cli`]
//!   its arguments; [`output`] what every output file is (an
//!   [`output::Output`]: a name and its bytes) and the one writer that puts
//!   a command's outputs into its folder as one atomic set.

#![warn(missing_docs)]

pub mod chart;
pub mod cli;
pub mod commands;
pub mod error;
pub mod experiment;
pub mod fit;
pub mod model;
pub mod output;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod sim;
pub mod stats;

pub use error::InputError;
pub use model::Model;
pub use scenario::Scenario;
