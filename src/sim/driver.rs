//! The parallel driver: runs N trajectories on a rayon pool and folds them
//! into statistics whose memory does not depend on N.
//!
//! Trajectories are grouped into fixed chunks of [`CHUNK`] (independent of
//! the thread count), and a worker takes a batch of one or more consecutive
//! chunks at a time (as many as suit the core's L2 cache). Order-free
//! statistics (quantile sketches, counts) go into one [`Tally`] per worker
//! thread and are added up at the end; floating-point moments are computed per chunk and merged
//! in chunk order, a wave of batches at a time. So the result is
//! bit-identical for every thread count and batch size, and memory is
//! bounded by the sketches plus one wave of chunk moments.

use super::cache::chunks_per_batch;
use super::counts::{GradeSums, OutcomeCounts};
use super::outcome::BASE_METRICS;
use super::portfolio::{CompiledPortfolio, simulate_portfolio};
use super::{
    ChunkSlot, ChunkSlots, CompiledModel, FailureCause, Metric, NMETRICS, Outcome, Params, Scratch,
    simulate_with,
};
use crate::model::Model;
use crate::portfolio::Portfolio;
use crate::stats::{
    Moments, QuantileSketch, REPORTED_PERCENTILES, Recount, RecountRange, certified_quantiles,
};
use rayon::prelude::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Most trajectories one run may have.
pub const MAX_TRAJECTORIES: u64 = 1_000_000_000;

/// Trajectories per chunk: the unit of moment merging (so results depend on
/// it) and of work.
pub const CHUNK: u64 = 2048;

/// The work of a fold, as ranges of chunk indices: runs of `batch`
/// consecutive chunks, except the last two chunks per worker, which go one
/// by one so that the workers finish close together.
fn work_items(chunks: u64, batch: u64, threads: u64) -> Vec<std::ops::Range<u64>> {
    let mut items = Vec::new();
    let mut c = 0;
    while c < chunks {
        let size = if chunks - c >= batch + 2 * threads {
            batch
        } else {
            1
        };
        items.push(c..c + size);
        c += size;
    }
    items
}

/// The seed when none is given, so that a rerun reproduces.
pub const DEFAULT_SEED: u64 = 42;

/// Trajectories per run when no number is given.
pub const DEFAULT_TRAJECTORIES: u64 = 10_000;

/// What to run: by default [`DEFAULT_TRAJECTORIES`] trajectories with
/// [`DEFAULT_SEED`] on every core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Number of trajectories N.
    pub trajectories: u64,
    /// Run seed.
    pub seed: u64,
    /// Worker threads; `None` = all cores.
    pub threads: Option<usize>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            trajectories: DEFAULT_TRAJECTORIES,
            seed: DEFAULT_SEED,
            threads: None,
        }
    }
}

impl RunOptions {
    /// An input error unless the number of trajectories is within
    /// 1..=[`MAX_TRAJECTORIES`] (sketch counts are 32-bit) and the threads,
    /// when given, within 1..=[`RunOptions::max_threads`]: every thread keeps
    /// its own sketches, so threads far beyond the cores cost memory and
    /// time and buy nothing.
    pub fn check(&self) -> Result<(), crate::error::InputError> {
        if !(1..=MAX_TRAJECTORIES).contains(&self.trajectories) {
            return Err(crate::error::InputError::new(format!(
                "trajectories must be within 1..={MAX_TRAJECTORIES}, got {}",
                self.trajectories
            ))
            .with_source("-n")
            .with_value(self.trajectories.to_string())
            .with_allowed(format!("1..={MAX_TRAJECTORIES}")));
        }
        let max = Self::max_threads();
        match self.threads {
            Some(t) if t == 0 || t > max => Err(crate::error::InputError::new(format!(
                "threads must be within 1..={max} on this machine ({THREADS_PER_CORE} per core), got {t}"
            ))
            .with_source("--threads")
            .with_value(t.to_string())
            .with_allowed(format!("1..={max}"))),
            _ => Ok(()),
        }
    }

    /// The most threads a run may ask for: 4 per core of
    /// this machine.
    pub fn max_threads() -> usize {
        THREADS_PER_CORE * std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Threads a run may ask for per core (see [`RunOptions::check`]).
pub const THREADS_PER_CORE: usize = 4;

/// What a run simulates: one scenario (a hustle run by its own owner) or a
/// portfolio (a person running several).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Subject<'a> {
    /// One scenario.
    Scenario(&'a CompiledModel),
    /// A portfolio.
    Portfolio(&'a CompiledPortfolio),
}

impl Subject<'_> {
    /// Months simulated.
    fn horizon(&self) -> usize {
        match self {
            Subject::Scenario(cm) => cm.horizon(),
            Subject::Portfolio(cp) => cp.horizon(),
        }
    }

    /// Columns (metric, month) a trajectory writes: a scenario's reported
    /// metrics; a portfolio's every metric of the person, then of each
    /// hustle.
    fn columns(&self) -> usize {
        match self {
            Subject::Scenario(cm) => cm.metrics * cm.horizon(),
            Subject::Portfolio(cp) => (1 + cp.hustles.len()) * NMETRICS * cp.horizon(),
        }
    }
}

/// Order-free totals of a set of trajectories: sketches and counts.
#[derive(Debug, Clone)]
pub struct Tally {
    horizon: usize,
    /// Sketch per (metric, month) of the metrics the run reports: index
    /// metric * H + (t - 1).
    pub series: Vec<QuantileSketch>,
    /// Effective hourly rate of trajectories that worked any hours.
    pub hourly_rate: QuantileSketch,
    /// Failures, milestones, clamped draws and the rest of the outcomes.
    pub counts: OutcomeCounts,
    /// For each of the model's correlations, in its order, the sums that
    /// measure the rank correlation of the two parameters' drawn values.
    pub correlation: Vec<GradeSums>,
    /// A portfolio's hustles, each its failures and clamped draws; empty
    /// for a scenario.
    pub hustles: Vec<OutcomeCounts>,
}

impl Tally {
    /// Empty totals for a model's run whose sketches count `atoms` exactly:
    /// one list per (metric, month) column of the metrics it reports, then
    /// one for the hourly rate.
    pub(crate) fn with_atoms(subject: Subject, atoms: &[Vec<f64>]) -> Self {
        let (horizon, columns) = (subject.horizon(), subject.columns());
        assert_eq!(atoms.len(), columns + 1, "atoms of every column");
        let (passivity, correlations, hustles) = match subject {
            Subject::Scenario(cm) => (cm.metrics == NMETRICS, cm.model.correlations.len(), 0),
            Subject::Portfolio(cp) => (true, 0, cp.hustles.len()),
        };
        Tally {
            horizon,
            series: atoms[..columns]
                .iter()
                .map(|a| QuantileSketch::with_atoms(a.clone()))
                .collect(),
            hourly_rate: QuantileSketch::with_atoms(atoms[columns].clone()),
            counts: OutcomeCounts::new(horizon, passivity),
            correlation: vec![GradeSums::default(); correlations],
            hustles: vec![OutcomeCounts::new(horizon, false); hustles],
        }
    }

    /// Counts how each hustle of a portfolio trajectory ended.
    fn add_ends(&mut self, ends: &[(Option<(FailureCause, u32)>, u64)]) {
        for (counts, &(failure, clamped)) in self.hustles.iter_mut().zip(ends) {
            counts.add_end(failure, clamped);
        }
    }

    /// Counts the grades of one trajectory's correlated parameters (see
    /// [`CompiledModel::draw_params_and_grades`]).
    fn add_grades(&mut self, cm: &CompiledModel, grades: &[f64]) {
        for (sums, c) in self.correlation.iter_mut().zip(&cm.model.correlations) {
            sums.add(grades[c.params[0] as usize], grades[c.params[1] as usize]);
        }
    }

    /// Counts one trajectory's outcome. Its monthly figures go in by column
    /// ([`Tally::add_column`]), and its hourly rate with its chunk's others
    /// ([`Tally::add_hourly_rates`]).
    pub(crate) fn add_outcome(&mut self, outcome: &Outcome) {
        self.counts.add(outcome);
    }

    /// Adds a chunk's hourly rates (in trajectory order) and returns their
    /// moments. One batch per chunk instead of a value per trajectory: a
    /// lone insert would wait on a cache miss into the sketch's tables.
    pub(crate) fn add_hourly_rates(&mut self, rates: &[f64]) -> Moments {
        self.hourly_rate.extend_with_moments(rates)
    }

    /// Adds a batch's values of series column `c` (metric * H + t - 1),
    /// which starts at a chunk boundary, and returns the moments of each of
    /// its chunks.
    pub(crate) fn add_column(&mut self, c: usize, values: &[f64]) -> Vec<Moments> {
        self.series[c].extend_with_moments_by(values, CHUNK as usize)
    }

    /// Adds another tally (order-free: integer sums, minima and maxima).
    pub(crate) fn merge(&mut self, o: &Tally) {
        assert_eq!(self.horizon, o.horizon);
        // Column by column in parallel: this runs after the last chunk,
        // when every worker would otherwise wait.
        self.series
            .par_iter_mut()
            .zip(&o.series)
            .for_each(|(a, b)| a.merge(b));
        self.hourly_rate.merge(&o.hourly_rate);
        self.counts.merge(&o.counts);
        for (a, b) in self.correlation.iter_mut().zip(&o.correlation) {
            a.merge(b);
        }
        for (a, b) in self.hustles.iter_mut().zip(&o.hustles) {
            a.merge(b);
        }
    }
}

/// Moments of one chunk, merged in chunk order.
#[derive(Debug, Clone)]
struct ChunkMoments {
    series: Vec<Moments>,
    hourly_rate: Moments,
}

/// Moments of every series and of the hourly rate.
#[derive(Debug, Clone)]
pub struct MomentTotals {
    /// Per (metric, month) of the metrics the run reports: index metric * H
    /// + (t - 1).
    pub series: Vec<Moments>,
    /// Of the effective hourly rate.
    pub hourly_rate: Moments,
}

impl MomentTotals {
    fn new(columns: usize) -> Self {
        MomentTotals {
            series: vec![Moments::default(); columns],
            hourly_rate: Moments::default(),
        }
    }

    fn merge(&mut self, c: &ChunkMoments) {
        for (a, b) in self.series.iter_mut().zip(&c.series) {
            a.merge(b);
        }
        self.hourly_rate.merge(&c.hourly_rate);
    }
}

/// Everything a run measured.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The scenario run; for a portfolio, its person.
    pub model: Model,
    /// The portfolio run, if a portfolio was: the person's figures come
    /// first, then each hustle's.
    pub portfolio: Option<Portfolio>,
    /// N.
    pub trajectories: u64,
    /// Run seed.
    pub seed: u64,
    /// Wall time of the simulation.
    pub elapsed: Duration,
    /// Sketches and counts.
    pub tally: Tally,
    /// Means and standard deviations.
    pub moments: MomentTotals,
    /// The reported percentiles.
    pub percentiles: Percentiles,
}

/// The percentiles of [`REPORTED_PERCENTILES`], each within the rank window
/// of [`certified_quantiles`].
#[derive(Debug, Clone)]
pub struct Percentiles {
    /// Per (metric, month) of the metrics the run reports: index metric * H
    /// + (t - 1).
    pub series: Vec<[f64; 5]>,
    /// Of the effective hourly rate; `None` when no trajectory worked any
    /// hours.
    pub hourly_rate: Option<[f64; 5]>,
}

impl RunResult {
    /// Months simulated.
    pub fn horizon(&self) -> usize {
        self.model.horizon_months as usize
    }

    /// The metrics the run reports, in `summary.json` order: passivity and
    /// declined customers only when the scenario uses the owner's hours
    /// keys ([`Model::uses_owner_hours_keys`]).
    pub fn metrics(&self) -> &'static [Metric] {
        if self.portfolio.is_some() {
            return &Metric::ALL;
        }
        let reported = self.moments.series.len() / self.horizon();
        &Metric::ALL[..reported]
    }

    /// The column of `metric` in month t (1-based) of number `who`: 0 the
    /// scenario or the portfolio's person, j + 1 a portfolio's hustle j.
    pub(crate) fn column(&self, who: usize, metric: Metric, t: usize) -> usize {
        (who * NMETRICS + metric as usize) * self.horizon() + t - 1
    }

    /// The reported percentiles of `metric` in month t (1-based) of a
    /// portfolio's hustle j (0 before its start month).
    pub fn hustle_percentiles(&self, j: usize, metric: Metric, t: usize) -> &[f64; 5] {
        &self.percentiles.series[self.column(j + 1, metric, t)]
    }

    /// The moments of `metric` in month t (1-based) of a portfolio's
    /// hustle j.
    pub fn hustle_moments(&self, j: usize, metric: Metric, t: usize) -> &Moments {
        &self.moments.series[self.column(j + 1, metric, t)]
    }

    /// The sketch of `metric` in month t (1-based), for a metric the run
    /// reports ([`RunResult::metrics`]; panics otherwise).
    pub fn sketch(&self, metric: Metric, t: usize) -> &QuantileSketch {
        &self.tally.series[metric as usize * self.horizon() + t - 1]
    }

    /// The reported percentiles of `metric` in month t (1-based), for a
    /// metric the run reports ([`RunResult::metrics`]; panics otherwise).
    pub fn percentiles(&self, metric: Metric, t: usize) -> &[f64; 5] {
        &self.percentiles.series[metric as usize * self.horizon() + t - 1]
    }

    /// The moments of `metric` in month t (1-based), for a metric the run
    /// reports ([`RunResult::metrics`]; panics otherwise).
    pub fn moments(&self, metric: Metric, t: usize) -> &Moments {
        &self.moments.series[metric as usize * self.horizon() + t - 1]
    }
}

/// A run stopped by its cancel flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted; no results were written")
    }
}

impl std::error::Error for Cancelled {}

thread_local! {
    /// A batch's figures, column by column, and its hourly rates in
    /// trajectory order; reused, since every trajectory writes all of its
    /// cells.
    static BUFFERS: std::cell::RefCell<(Vec<f64>, Vec<f64>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// A batch's figures: column (metric, month) c holds its trajectories' values
/// at `columns[c * stride..][..len]`; the hourly rates of trajectories with
/// any hours follow in trajectory order, chunk k's from `rates_from[k]` to
/// `rates_from[k + 1]`.
struct BatchColumns<'a> {
    columns: &'a [f64],
    stride: usize,
    len: usize,
    rates: &'a [f64],
    rates_from: Vec<usize>,
}

impl BatchColumns<'_> {
    /// The values of column c; the hourly rates for c = metrics * H.
    fn column(&self, c: usize) -> &[f64] {
        if c * self.stride == self.columns.len() {
            self.rates
        } else {
            &self.columns[c * self.stride..][..self.len]
        }
    }
}

/// How each hustle of a portfolio trajectory ended, and its clamped
/// draws; empty for a scenario.
type Ends<'a> = &'a [(Option<(FailureCause, u32)>, u64)];

/// Simulates a batch of whole chunks (the last chunk of a run may be short)
/// into the thread's buffers, column by column (the metrics the run
/// reports), hands `each` every trajectory's outcome in order, with the
/// grades of its correlated parameters when `grades` is set and the model
/// has correlations and, for a portfolio, how each hustle ended, and then
/// `use_columns` the figures.
fn simulate_batch<S: ?Sized, T>(
    subject: Subject,
    seed: u64,
    range: std::ops::Range<u64>,
    grades: bool,
    state: &mut S,
    each: impl Fn(&mut S, &Outcome, Option<&[f64]>, Ends),
    use_columns: impl FnOnce(&mut S, &BatchColumns) -> T,
) -> T {
    debug_assert!(range.start.is_multiple_of(CHUNK));
    let h = subject.horizon();
    let len = (range.end - range.start) as usize;
    let chunk = CHUNK as usize;
    // Columns a cache line more than the batch apart: with a stride of a
    // multiple of 4 KiB every cell a trajectory writes would fall into the
    // same L1 cache set.
    let stride = len + 8;
    BUFFERS.with_borrow_mut(|(columns, rates)| {
        columns.resize(subject.columns() * stride, 0.0);
        rates.clear();
        let mut rates_from = Vec::with_capacity(len.div_ceil(chunk) + 1);
        let mut trajectory = |j: usize, outcome: Outcome| {
            if j.is_multiple_of(chunk) {
                rates_from.push(rates.len());
            }
            if let Some(r) = outcome.hourly_rate() {
                rates.push(r);
            }
        };
        match subject {
            Subject::Scenario(cm) => {
                let mut scratch = Scratch::new(h);
                let grades = grades && cm.copula.is_some();
                for (j, i) in range.enumerate() {
                    // The run's metrics, as a constant: the base metrics'
                    // figures are stored exactly as they are without the
                    // others.
                    let mut one = |params: &Params| {
                        if cm.metrics == BASE_METRICS {
                            let mut slot = ChunkSlot::<BASE_METRICS>::new(columns, h, stride, j);
                            simulate_with(cm, params, seed, i, &mut scratch, &mut slot)
                        } else {
                            let mut slot = ChunkSlot::<NMETRICS>::new(columns, h, stride, j);
                            simulate_with(cm, params, seed, i, &mut scratch, &mut slot)
                        }
                    };
                    let outcome = if grades {
                        let (params, drawn) = cm.draw_params_and_grades(seed, i);
                        let outcome = one(&params);
                        each(state, &outcome, Some(&drawn), &[]);
                        outcome
                    } else {
                        let outcome = one(&cm.draw_params(seed, i));
                        each(state, &outcome, None, &[]);
                        outcome
                    };
                    trajectory(j, outcome);
                }
            }
            Subject::Portfolio(cp) => {
                let mut scratch = cp.scratch();
                let blocks = 1 + cp.hustles.len();
                for (j, i) in range.enumerate() {
                    let mut slots = ChunkSlots::new(columns, blocks, h, stride, j);
                    let outcome = simulate_portfolio(cp, seed, i, &mut scratch, &mut slots);
                    each(state, &outcome.person, None, &outcome.hustles);
                    trajectory(j, outcome.person);
                }
            }
        }
        rates_from.push(rates.len());
        use_columns(
            state,
            &BatchColumns {
                columns,
                stride,
                len,
                rates,
                rates_from,
            },
        )
    })
}

/// Simulates a batch of whole chunks into a worker's tally: each column
/// (metric, month) goes to its sketch in one go, chunk after chunk, which
/// keeps every sketch in cache while it works; moments are returned chunk
/// by chunk.
fn run_batch(
    subject: Subject,
    seed: u64,
    range: std::ops::Range<u64>,
    tally: &mut Tally,
) -> Vec<ChunkMoments> {
    let columns = subject.columns();
    simulate_batch(
        subject,
        seed,
        range,
        true,
        tally,
        |tally, outcome, grades, ends| {
            tally.add_outcome(outcome);
            if let (Some(g), Subject::Scenario(cm)) = (grades, subject) {
                tally.add_grades(cm, g);
            }
            tally.add_ends(ends);
        },
        |tally, batch| {
            let mut parts: Vec<Vec<Moments>> = (1..batch.rates_from.len())
                .map(|_| Vec::with_capacity(columns))
                .collect();
            for c in 0..columns {
                for (part, m) in parts.iter_mut().zip(tally.add_column(c, batch.column(c))) {
                    part.push(m);
                }
            }
            parts
                .into_iter()
                .zip(batch.rates_from.windows(2))
                .map(|(series, w)| ChunkMoments {
                    series,
                    hourly_rate: tally.add_hourly_rates(&batch.rates[w[0]..w[1]]),
                })
                .collect()
        },
    )
}

/// Simulates a batch of whole chunks again and counts the values of each
/// recount range within it (see [`certified_quantiles`]).
fn recount_batch(
    subject: Subject,
    seed: u64,
    range: std::ops::Range<u64>,
    ranges: &[RecountRange],
    counts: &mut [Recount],
) {
    simulate_batch(
        subject,
        seed,
        range,
        false,
        counts,
        |_, _, _, _| {},
        |counts, batch| {
            for (r, count) in ranges.iter().zip(counts.iter_mut()) {
                count.extend(batch.column(r.source));
            }
        },
    )
}

/// Runs `n` trajectories in fixed chunks of [`CHUNK`] on a pool of
/// `threads` workers (all cores for `None`) and folds them: `run_batch`
/// simulates a run of up to `batch` consecutive chunks (a range of
/// trajectories starting at a chunk boundary) into the calling worker's
/// tally (order-free statistics) and returns its moments, which
/// `merge_moments` receives in chunk order, a wave of batches at a time; at
/// the end the workers' tallies are added up with `merge_tally`. So
/// whatever is folded, the result is bit-identical for every thread count
/// and batch size, and memory is the tallies plus one wave of moments.
/// `progress` gets the number of trajectories done after each batch; a set
/// `cancel` skips the batches not yet started and ends the fold with
/// [`Cancelled`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn fold_chunks<T: Send, M: Send>(
    n: u64,
    threads: Option<usize>,
    batch: u64,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
    new_tally: impl Fn() -> T + Sync,
    run_batch: impl Fn(std::ops::Range<u64>, &mut T) -> M + Sync,
    mut merge_moments: impl FnMut(M) + Send,
    merge_tally: impl Fn(&mut T, &T) + Sync,
) -> anyhow::Result<T> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()?;
    let total = pool.install(|| -> Result<T, Cancelled> {
        let threads = rayon::current_num_threads();
        let tallies: Vec<Mutex<T>> = (0..threads).map(|_| Mutex::new(new_tally())).collect();
        let items = work_items(n.div_ceil(CHUNK), batch.max(1), threads as u64);
        // Large waves: a wave ends when its slowest worker finishes, so few
        // waves waste little time; batches report progress and check
        // `cancel` one by one.
        let wave = (64 * threads).div_ceil(batch.max(1) as usize);
        let done = AtomicU64::new(0);
        for items in items.chunks(wave) {
            let parts: Vec<Option<M>> = items
                .par_iter()
                .map(|chunks| {
                    if cancel.load(Ordering::Relaxed) {
                        return None;
                    }
                    let me = rayon::current_thread_index().unwrap_or(0) % threads;
                    let range = chunks.start * CHUNK..(chunks.end * CHUNK).min(n);
                    let len = range.end - range.start;
                    let part = {
                        let mut tally =
                            tallies[me].lock().expect("no panics while holding a tally");
                        run_batch(range, &mut tally)
                    };
                    progress(done.fetch_add(len, Ordering::Relaxed) + len);
                    Some(part)
                })
                .collect();
            if cancel.load(Ordering::Relaxed) {
                return Err(Cancelled);
            }
            parts.into_iter().flatten().for_each(&mut merge_moments);
        }
        // Order-free merge; start from one thread's tally rather than an
        // empty one so a one-thread run merges nothing.
        let mut parts = tallies
            .into_iter()
            .map(|t| t.into_inner().expect("no panics while holding a tally"));
        let mut total = parts.next().expect("at least one thread");
        for t in parts {
            merge_tally(&mut total, &t);
        }
        Ok(total)
    })?;
    Ok(total)
}

/// Runs a scenario. `progress` is called with the number of trajectories
/// done after each chunk; setting `cancel` stops the run after the chunks
/// under way with [`Cancelled`].
pub fn run(
    model: &Model,
    opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> anyhow::Result<RunResult> {
    run_with_batch(model, opts, chunks_per_batch(), progress, cancel)
}

/// [`run`] with `batch` chunks per batch instead of the number chosen for
/// this machine's L2 cache; the results are the same for every batch.
pub fn run_with_batch(
    model: &Model,
    opts: &RunOptions,
    batch: u64,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> anyhow::Result<RunResult> {
    let start = Instant::now();
    opts.check()?;
    let cm = CompiledModel::new(model);
    let mut result = run_subject(Subject::Scenario(&cm), opts, batch, progress, cancel)?;
    result.elapsed = start.elapsed();
    Ok(result)
}

/// Runs a portfolio: the person's figures and outcomes, and each hustle's
/// (see [`RunResult::hustle_percentiles`]).
pub fn run_portfolio(
    portfolio: &Portfolio,
    opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> anyhow::Result<RunResult> {
    let start = Instant::now();
    opts.check()?;
    let cp = CompiledPortfolio::new(portfolio);
    let mut result = run_subject(
        Subject::Portfolio(&cp),
        opts,
        chunks_per_batch(),
        progress,
        cancel,
    )?;
    result.elapsed = start.elapsed();
    Ok(result)
}

/// The run of a scenario or a portfolio.
fn run_subject(
    subject: Subject,
    opts: &RunOptions,
    batch: u64,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> anyhow::Result<RunResult> {
    let atoms = pilot_atoms(subject, opts.seed, opts.trajectories);
    let mut moments = MomentTotals::new(subject.columns());
    let tally = fold_chunks(
        opts.trajectories,
        opts.threads,
        batch,
        progress,
        cancel,
        || Tally::with_atoms(subject, &atoms),
        |range, tally| run_batch(subject, opts.seed, range, tally),
        |parts: Vec<ChunkMoments>| parts.iter().for_each(|part| moments.merge(part)),
        |total, t| total.merge(t),
    )?;
    let percentiles = percentiles(subject, opts, batch, cancel, &tally)?;
    let (model, portfolio) = match subject {
        Subject::Scenario(cm) => (cm.model.clone(), None),
        Subject::Portfolio(cp) => (cp.person.model.clone(), Some(cp.portfolio.clone())),
    };
    Ok(RunResult {
        model,
        portfolio,
        trajectories: opts.trajectories,
        seed: opts.seed,
        elapsed: Duration::ZERO,
        tally,
        moments,
        percentiles,
    })
}

/// Values that a pilot's column repeats at least this often are atoms.
const PILOT_ATOM_COUNT: usize = 8;

/// Most atoms a column keeps (the most frequent).
const PILOT_ATOMS_MAX: usize = 64;

/// The atoms of every column (see [`QuantileSketch::with_atoms`]), then of
/// the hourly rate: the values that repeat in at least 8 of the run's first
/// chunk of trajectories (about 0.4 % of them), the 64 most frequent at
/// most. A value that holds 1 % of a column almost always makes the list,
/// and then the percentiles that fall on it need no recount. The first
/// chunk is fixed by the seed, so the atoms, and with them the results,
/// are the same for every thread count.
fn pilot_atoms(subject: Subject, seed: u64, n: u64) -> Vec<Vec<f64>> {
    let columns = subject.columns() + 1;
    simulate_batch(
        subject,
        seed,
        0..n.min(CHUNK),
        false,
        &mut (),
        |_, _, _, _| {},
        |_, batch| {
            (0..columns)
                .map(|c| {
                    let mut values = batch.column(c).to_vec();
                    values.sort_by(f64::total_cmp);
                    let mut runs: Vec<(usize, f64)> = values
                        .chunk_by(|a, b| a == b)
                        .filter(|run| run.len() >= PILOT_ATOM_COUNT)
                        .map(|run| (run.len(), run[0]))
                        .collect();
                    runs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.total_cmp(&b.1)));
                    runs.truncate(PILOT_ATOMS_MAX);
                    runs.into_iter().map(|(_, v)| v).collect()
                })
                .collect()
        },
    )
}

/// The reported percentiles of a run's tally, simulating its trajectories
/// again for any that its sketches cannot place within the rank window.
fn percentiles(
    subject: Subject,
    opts: &RunOptions,
    batch: u64,
    cancel: &AtomicBool,
    tally: &Tally,
) -> anyhow::Result<Percentiles> {
    let qs = REPORTED_PERCENTILES.map(|(_, q)| q);
    let sketches: Vec<&QuantileSketch> = tally
        .series
        .iter()
        .chain(std::iter::once(&tally.hourly_rate))
        .collect();
    let mut all = certified_quantiles(&sketches, &qs, |ranges| {
        fold_chunks(
            opts.trajectories,
            opts.threads,
            batch,
            &|_| {},
            cancel,
            || ranges.iter().map(Recount::new).collect::<Vec<_>>(),
            |range, counts| recount_batch(subject, opts.seed, range, ranges, counts),
            |()| {},
            |total, counts| Recount::merge_all(total, counts),
        )
    })?;
    let five = |v: Option<Vec<f64>>| v.map(|v| <[f64; 5]>::try_from(v).expect("five percentiles"));
    let hourly_rate = five(all.pop().expect("the hourly rate's"));
    Ok(Percentiles {
        series: all
            .into_iter()
            .map(|v| five(v).expect("every month has every trajectory's figure"))
            .collect(),
        hourly_rate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_options_name_the_argument_the_value_and_what_is_allowed() {
        let e = RunOptions {
            trajectories: 0,
            ..RunOptions::default()
        }
        .check()
        .unwrap_err();
        assert_eq!(
            [e.source_name(), e.value(), e.allowed()],
            [Some("-n"), Some("0"), Some("1..=1000000000")]
        );
        let e = RunOptions {
            threads: Some(0),
            ..RunOptions::default()
        }
        .check()
        .unwrap_err();
        assert_eq!([e.source_name(), e.value()], [Some("--threads"), Some("0")]);
        assert!(e.allowed().unwrap().starts_with("1..="));
    }

    #[test]
    fn work_items_cover_every_chunk_once_with_single_chunks_at_the_end() {
        for chunks in 0..40 {
            for batch in 1..4 {
                for threads in 1..4 {
                    let items = work_items(chunks, batch, threads);
                    let flat: Vec<u64> = items.iter().flat_map(|r| r.clone()).collect();
                    assert_eq!(flat, (0..chunks).collect::<Vec<_>>());
                    assert!(
                        items
                            .iter()
                            .all(|r| (1..=batch).contains(&(r.end - r.start)))
                    );
                    // The last 2 per worker (or all, when fewer) are single.
                    let singles = items.iter().rev().take_while(|r| r.end - r.start == 1);
                    assert!(singles.count() as u64 >= (2 * threads).min(chunks));
                }
            }
        }
    }
}
