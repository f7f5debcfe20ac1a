//! Command-line arguments (clap derive), nothing else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub use hustle_sim::sim::{DEFAULT_SEED, DEFAULT_TRAJECTORIES};

/// Monte Carlo simulator for side businesses: how quickly does a hustle's
/// income become semi-passive, and how often does it fail?
#[derive(Debug, Parser)]
#[command(name = "hustle-sim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write summary.json, percentiles.csv and charts.
    Run(RunArgs),
    /// Validate scenarios and print every parameter with defaults made explicit.
    Check {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Scenario keys overridden before checking.
        #[command(flatten)]
        overrides: Overrides,
    },
    /// List the built-in library's scenarios (or a folder's) with their names and descriptions, or run them all and print a table of results (`--run`).
    List {
        /// Folder of scenario files to list instead of the built-in library.
        dir: Option<PathBuf>,
        /// Run every scenario in the folder (same trajectories and seed for
        /// each) and print one row of results per scenario; writes no files.
        #[arg(long)]
        run: bool,
        /// Trajectories per scenario, with `--run`.
        #[arg(short = 'n', long, default_value_t = DEFAULT_TRAJECTORIES, requires = "run",
              value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        trajectories: u64,
        /// Run seed, with `--run`: every scenario gets the same one.
        #[arg(long, default_value_t = DEFAULT_SEED, requires = "run")]
        seed: u64,
    },
    /// Write a fully commented template scenario, or a copy of a library scenario to edit (never overwrites a file).
    New {
        /// The file to create.
        file: PathBuf,
        /// Copy this library scenario instead of the template (`hustle-sim list` shows them).
        #[arg(long, value_name = "NAME")]
        from: Option<String>,
    },
    /// Fit churn (sbg and constant) to your own retention data; optionally write it into a scenario.
    FitChurn(FitChurnArgs),
    /// Sweep one parameter of a scenario or portfolio over values on the same random numbers and write sweep.csv and sweep.png.
    Sweep(SweepArgs),
    /// Compare scenarios and portfolios, or variants of one (--with), trajectory by trajectory on the same random numbers.
    Compare(CompareArgs),
    /// Which assumption matters most: move each parameter of a scenario or portfolio to a low and a high value on paired random streams; write sensitivity.csv and tornado.png.
    Sensitivity(SensitivityArgs),
}

/// How many trajectories to run, with which seed, on how many threads:
/// shared by `run`, `sweep` and `compare` (every variant of a sweep or a
/// comparison runs on the same seed).
#[derive(Debug, Clone, Copy, Args)]
pub struct SimArgs {
    /// Number of trajectories (per scenario or swept value).
    #[arg(short = 'n', long, default_value_t = DEFAULT_TRAJECTORIES,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub trajectories: u64,
    /// Run seed: the same seed gives the same results on any machine and thread count.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
}

impl SimArgs {
    /// The driver's options.
    pub fn options(&self) -> hustle_sim::sim::RunOptions {
        hustle_sim::sim::RunOptions {
            trajectories: self.trajectories,
            seed: self.seed,
            threads: self.threads.map(|t| t as usize),
        }
    }
}

/// `--set`: overrides of scenario keys, applied before validation.
#[derive(Debug, Clone, Default, Args)]
pub struct Overrides {
    /// Override a scenario key with a TOML value, e.g. churn.monthly=0.08 or churn.monthly=8% (repeatable; an empty value removes the key). The results say so: summary.json's overrides, the terminal header, every chart's subtitle, and a folder of their own.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// What a command draws and prints besides its data files.
#[derive(Debug, Clone, Copy, Args)]
pub struct Display {
    /// Do not write PNG charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Print nothing but errors; no progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `hustle-sim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file; without one, the built-in default scenario runs.
    pub scenario: Option<PathBuf>,
    /// Trajectories, seed and threads.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Output folder (default: `output/<scenario file stem>/`, or with
    /// `--set` a folder of its own named after the overrides).
    // The help text is spelled out so that it shows no Markdown backticks.
    #[arg(
        short = 'o',
        long,
        help = "Output folder (default: output/<scenario file stem>/; with --set, output/<stem>+<KEY=VALUE>+.../, one folder per tweak, so a tweak never replaces the file's results)"
    )]
    pub out: Option<PathBuf>,
    /// Scenario keys overridden.
    #[command(flatten)]
    pub overrides: Overrides,
    /// Charts and terminal output.
    #[command(flatten)]
    pub display: Display,
}

/// Arguments of `hustle-sim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario or portfolio file.
    pub scenario: PathBuf,
    /// The real-valued key to sweep, e.g. churn.monthly (of a portfolio: a person's key such as owner.capacity_hours_monthly, or a hustle's as hustle.N.KEY).
    #[arg(long, value_name = "KEY")]
    pub param: String,
    /// Comma-separated values, e.g. 0.02,0.05,0.08.
    #[arg(
        long,
        value_name = "A,B,C",
        allow_hyphen_values = true,
        required_unless_present = "range",
        conflicts_with = "range"
    )]
    pub values: Option<String>,
    /// FROM:TO:STEPS: STEPS evenly spaced values, both ends included.
    #[arg(long, value_name = "FROM:TO:STEPS", allow_hyphen_values = true)]
    pub range: Option<String>,
    /// Trajectories, seed and threads.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Output folder (default: `output/<scenario file stem>-sweep-<KEY>/`).
    #[arg(
        short = 'o',
        long,
        help = "Output folder (default: output/<scenario file stem>-sweep-<KEY>/; with --set, output/<stem>+<KEY=VALUE>+...-sweep-<KEY>/)"
    )]
    pub out: Option<PathBuf>,
    /// Scenario keys overridden before sweeping.
    #[command(flatten)]
    pub overrides: Overrides,
    /// Charts and terminal output.
    #[command(flatten)]
    pub display: Display,
}

/// Arguments of `hustle-sim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario or portfolio files; the first is the one the others are compared against.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// A variant of the first file with these overrides, separated by `;`, optionally named first (`high churn: churn.monthly=0.08`); repeatable: one variant each. Of a portfolio: a person's keys (owner.*, semi_passive.*) and a hustle's as hustle.N.KEY.
    #[arg(long = "with", value_name = "[NAME:] KEY=VALUE[; KEY=VALUE...]")]
    pub with: Vec<String>,
    /// Trajectories, seed and threads.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Output folder (default: `output/<first scenario's file stem>-compare/`).
    #[arg(
        short = 'o',
        long,
        help = "Output folder (default: output/<first scenario's file stem>-compare/)"
    )]
    pub out: Option<PathBuf>,
    /// Charts and terminal output.
    #[command(flatten)]
    pub display: Display,
}

/// Layouts of `fit-churn` data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// `period,alive` survival counts, period 0 the cohort's size; an optional `cohort` column.
    Survival,
    /// One row per customer, `start,end` ISO dates, `end` empty while active.
    Customers,
}

/// Arguments of `hustle-sim fit-churn`.
#[derive(Debug, Args)]
pub struct FitChurnArgs {
    /// CSV file with survival counts or one row per customer.
    pub data: PathBuf,
    /// Layout of the data file.
    #[arg(long, value_enum, default_value_t = DataFormat::Survival)]
    pub format: DataFormat,
    /// Fit renewal periods 1..=K only and show the later ones as a holdout.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(2..))]
    pub fit_periods: Option<u32>,
    /// Export date of a customer list: active customers are censored here (default: the latest date in the file).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Print the fit as JSON on stdout instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Rewrite the churn section of this scenario with the fit, keeping the rest of the file byte for byte.
    #[arg(long, value_name = "SCENARIO.toml")]
    pub into: Option<PathBuf>,
    /// Output folder for fit.png (default: output/fit-DATA-STEM/, after the data file name).
    #[arg(short = 'o', long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `hustle-sim sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario or portfolio file.
    pub scenario: PathBuf,
    /// The figure whose sensitivity is measured.
    #[arg(long, value_enum, default_value_t = MetricArg::SemiPassive)]
    pub metric: MetricArg,
    /// Relative change of fixed values each way, within (0, 1] (uncertain values use their own p10 and p90).
    #[arg(long, default_value_t = hustle_sim::sensitivity::DEFAULT_SWING, allow_negative_numbers = true)]
    pub swing: f64,
    /// Trajectories per run (per point); every run shares the same seed.
    #[arg(short = 'n', long, default_value_t = hustle_sim::sensitivity::DEFAULT_TRAJECTORIES,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub trajectories: u64,
    /// Run seed, shared by every run so that they are paired.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Output folder (default: `output/<scenario file stem>-sensitivity/`).
    #[arg(
        short = 'o',
        long,
        help = "Output folder (default: output/<scenario file stem>-sensitivity/; with --set, output/<stem>+<KEY=VALUE>+...-sensitivity/)"
    )]
    pub out: Option<PathBuf>,
    /// Scenario keys overridden before the analysis.
    #[command(flatten)]
    pub overrides: Overrides,
    /// Charts and terminal output.
    #[command(flatten)]
    pub display: Display,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

/// The figure whose sensitivity is measured (`--metric`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricArg {
    /// P(income became semi-passive by the horizon), semi_passive.probability in summary.json.
    #[value(name = "semi_passive")]
    SemiPassive,
    /// P(failure by the horizon), failure.probability in summary.json.
    #[value(name = "failure")]
    Failure,
    /// Median cumulative net at the horizon, the last month of series.cumulative_net.p50 in summary.json.
    #[value(name = "cumulative_net_p50")]
    CumulativeNetP50,
    /// P(semi-passive in month H: month H itself qualifies), semi_passive.at_horizon in summary.json.
    #[value(name = "semi_passive_at_horizon")]
    SemiPassiveAtHorizon,
    /// P(passivity >= 50 % in month H): net beyond twice what its hours earn at owner.hourly_value.
    #[value(name = "passivity")]
    Passivity,
}

impl From<MetricArg> for hustle_sim::sensitivity::Metric {
    fn from(m: MetricArg) -> Self {
        match m {
            MetricArg::SemiPassive => Self::SemiPassive,
            MetricArg::Failure => Self::Failure,
            MetricArg::CumulativeNetP50 => Self::CumulativeNetP50,
            MetricArg::SemiPassiveAtHorizon => Self::SemiPassiveAtHorizon,
            MetricArg::Passivity => Self::Passivity,
        }
    }
}
