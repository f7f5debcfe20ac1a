//! The front door: [`load`] a scenario, [`simulate`] it, read the
//! [`Summary`]. Everything returns [`Error`].

use crate::error::Error;
use crate::model::Model;
use crate::portfolio::Portfolio;
use crate::report::Summary;
use crate::report::portfolio::PortfolioSummary;
use crate::scenario::Scenario;
use crate::sim::{self, RunOptions};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Reads a scenario file and validates it into a [`Model`]. A path that
/// names no file but a scenario of the built-in library
/// ([`crate::scenario::library`], e.g. `"gpt-store-assistant"`) loads that
/// one.
///
/// A file that cannot be read, is not valid TOML or holds a bad key or
/// value is [`Error::Input`], with the same message `hustle-sim check`
/// prints; its [`InputError`](crate::InputError) names the key, the value
/// as written and what is allowed.
pub fn load(path: impl AsRef<Path>) -> Result<Model, Error> {
    Ok(Scenario::locate(path.as_ref())?.model()?)
}

/// Runs `opts.trajectories` trajectories of `model` and summarises them,
/// exactly as `hustle-sim run` does for the same options (its
/// `summary.json` is this [`Summary`]); on every core unless
/// `opts.threads` says otherwise.
///
/// The summary's `source` is empty: the model does not know its file. Set
/// it before writing the summary out if it matters.
///
/// A number of trajectories outside 1..=1,000,000,000 is [`Error::Input`].
pub fn simulate(model: &Model, opts: &RunOptions) -> Result<Summary, Error> {
    simulate_with(model, opts, Hooks::default())
}

/// What a caller can hook into a run: progress reports and a cancel flag.
///
/// The default has neither.
#[derive(Clone, Copy, Default)]
pub struct Hooks<'a> {
    /// Called with the number of trajectories done so far after each chunk
    /// of them, from worker threads, possibly out of order.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Setting this flag stops the run once the chunks under way finish
    /// (well within a second); the run then fails with
    /// [`Error::Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
}

impl std::fmt::Debug for Hooks<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("progress", &self.progress.map(|_| "Fn(u64)"))
            .field("cancel", &self.cancel)
            .finish()
    }
}

/// [`simulate`] with progress reports and cancellation.
///
/// ```
/// use hustle_sim::{Hooks, RunOptions, simulate_with};
/// use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
///
/// let model = hustle_sim::Scenario::builtin_default().model()?;
/// let done = AtomicU64::new(0);
/// let progress = |n: u64| {
///     done.fetch_max(n, Ordering::Relaxed);
/// };
/// let cancel = AtomicBool::new(false);
/// let hooks = Hooks {
///     progress: Some(&progress),
///     cancel: Some(&cancel),
/// };
/// let opts = RunOptions { trajectories: 300, ..RunOptions::default() };
/// let summary = simulate_with(&model, &opts, hooks)?;
/// assert_eq!(summary.trajectories, 300);
/// assert_eq!(done.load(Ordering::Relaxed), 300);
///
/// // A run whose flag is already set stops before its first chunk.
/// cancel.store(true, Ordering::Relaxed);
/// let stopped = simulate_with(&model, &opts, hooks).unwrap_err();
/// assert!(matches!(stopped, hustle_sim::Error::Cancelled));
/// assert_eq!(stopped.exit_code(), 130);
/// # Ok::<(), hustle_sim::Error>(())
/// ```
pub fn simulate_with(model: &Model, opts: &RunOptions, hooks: Hooks<'_>) -> Result<Summary, Error> {
    let never = AtomicBool::new(false);
    let result = sim::run(
        model,
        opts,
        hooks.progress.unwrap_or(&|_| {}),
        hooks.cancel.unwrap_or(&never),
    )?;
    Ok(Summary::from_run(&result, ""))
}

/// Runs `opts.trajectories` trajectories of a portfolio and summarises
/// them, the person's totals and each hustle's, exactly as `hustle-sim run
/// PORTFOLIO.toml` does for the same options.
///
/// ```
/// use hustle_sim::portfolio::Portfolio;
/// use hustle_sim::{RunOptions, simulate_portfolio};
///
/// let text = r#"
///     name = "Two evenings a week"
///     [owner]
///     capacity_hours_monthly = 40
///     [[hustle]]
///     scenario = "niche-saas-tool"
///     [[hustle]]
///     scenario = "ai-workflow-consulting"
///     start_month = 4
/// "#;
/// // Without a folder, the hustles are scenarios of the built-in library.
/// let portfolio = Portfolio::parse(text, "inline", "inline", None)?;
/// let opts = RunOptions { trajectories: 300, seed: 7, threads: Some(1) };
/// let summary = simulate_portfolio(&portfolio, &opts)?;
/// assert_eq!(summary.hustles.len(), 2);
/// assert!(summary.failure.probability <= 1.0);
/// # Ok::<(), hustle_sim::Error>(())
/// ```
pub fn simulate_portfolio(
    portfolio: &Portfolio,
    opts: &RunOptions,
) -> Result<PortfolioSummary, Error> {
    let never = AtomicBool::new(false);
    let result = sim::run_portfolio(portfolio, opts, &|_| {}, &never)?;
    Ok(PortfolioSummary::from_run(&result, ""))
}
