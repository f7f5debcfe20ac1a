//! The parallel driver: runs N trajectories on a rayon pool and folds them
//! into statistics whose memory does not depend on N.
//!
//! Trajectories are grouped into fixed chunks of [`CHUNK`] (independent of
//! the thread count). Order-free statistics (quantile sketches, counts) go
//! into one [`Tally`] per worker thread and are added up at the end;
//! floating-point moments are computed per chunk and merged in chunk order,
//! a wave of chunks at a time. So the result is bit-identical for every
//! thread count, and memory is bounded by the sketches plus one wave of
//! chunk moments.

use super::trajectory::{
    ChunkSlot, CompiledModel, FailureCause, Metric, NMETRICS, Outcome, Scratch, simulate,
};
use crate::model::Model;
use crate::scenario::keys::NPARAMS;
use crate::stats::{Moments, QuantileSketch};
use rayon::prelude::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Most trajectories one run may have.
pub const MAX_TRAJECTORIES: u64 = 1_000_000_000;

/// Trajectories per chunk: the unit of work and of moment merging.
pub const CHUNK: u64 = 2048;

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Number of trajectories N.
    pub trajectories: u64,
    /// Run seed.
    pub seed: u64,
    /// Worker threads; `None` = all cores.
    pub threads: Option<usize>,
}

/// Order-free totals of a set of trajectories: sketches and counts.
#[derive(Debug, Clone)]
pub struct Tally {
    horizon: usize,
    /// Sketch per (metric, month): index metric * H + (t - 1).
    pub series: Vec<QuantileSketch>,
    /// Effective hourly rate of trajectories that worked any hours.
    pub hourly_rate: QuantileSketch,
    /// Trajectories whose hourly rate was at least their `hourly_value`.
    pub beat_hourly_value: u64,
    /// Failures by month ended (index t - 1) and cause.
    pub failures: Vec<[u64; 4]>,
    /// Trajectories that became semi-passive in month t (index t - 1).
    pub semi_passive_reached: Vec<u64>,
    /// Trajectories qualifying in month t (index t - 1).
    pub semi_passive_qualifying: Vec<u64>,
    /// Trajectories that broke even in month t (index t - 1).
    pub break_even_reached: Vec<u64>,
    /// Clamped draws per parameter.
    pub clamped: [u64; NPARAMS],
    /// Trajectories counted.
    pub trajectories: u64,
}

impl Tally {
    /// Empty totals for horizon H.
    pub fn new(horizon: usize) -> Self {
        Tally {
            horizon,
            series: vec![QuantileSketch::new(); NMETRICS * horizon],
            hourly_rate: QuantileSketch::new(),
            beat_hourly_value: 0,
            failures: vec![[0; 4]; horizon],
            semi_passive_reached: vec![0; horizon],
            semi_passive_qualifying: vec![0; horizon],
            break_even_reached: vec![0; horizon],
            clamped: [0; NPARAMS],
            trajectories: 0,
        }
    }

    /// Counts one trajectory's outcome. Its monthly figures go in by column
    /// ([`Tally::add_column`]), and its hourly rate with the chunk's others
    /// ([`Tally::add_hourly_rates`]).
    pub fn add_outcome(&mut self, outcome: &Outcome) {
        if let Some(rate) = outcome.hourly_rate()
            && rate >= outcome.hourly_value
        {
            self.beat_hourly_value += 1;
        }
        if let Some((cause, month)) = outcome.failure {
            let c = FailureCause::ALL
                .iter()
                .position(|x| *x == cause)
                .expect("known cause");
            self.failures[month as usize - 1][c] += 1;
        }
        if let Some(m) = outcome.semi_passive_month {
            self.semi_passive_reached[m as usize - 1] += 1;
        }
        if let Some(m) = outcome.break_even_month {
            self.break_even_reached[m as usize - 1] += 1;
        }
        let mut q = outcome.qualifying;
        while q != 0 {
            self.semi_passive_qualifying[q.trailing_zeros() as usize] += 1;
            q &= q - 1;
        }
        let mut c = outcome.clamped;
        while c != 0 {
            self.clamped[c.trailing_zeros() as usize] += 1;
            c &= c - 1;
        }
        self.trajectories += 1;
    }

    /// Adds a chunk's hourly rates (in trajectory order) and returns their
    /// moments. One batch per chunk instead of a value per trajectory: a
    /// lone insert would wait on a cache miss into the sketch's tables.
    pub fn add_hourly_rates(&mut self, rates: &[f64]) -> Moments {
        self.hourly_rate.extend_with_moments(rates)
    }

    /// Adds a chunk's values of series column `c` (metric * H + t - 1) and
    /// returns their moments.
    pub fn add_column(&mut self, c: usize, values: &[f64]) -> Moments {
        self.series[c].extend_with_moments(values)
    }

    /// Adds another tally (order-free: integer sums, minima and maxima).
    pub fn merge(&mut self, o: &Tally) {
        assert_eq!(self.horizon, o.horizon);
        // Column by column in parallel: this runs after the last chunk,
        // when every worker would otherwise wait.
        self.series
            .par_iter_mut()
            .zip(&o.series)
            .for_each(|(a, b)| a.merge(b));
        self.hourly_rate.merge(&o.hourly_rate);
        self.beat_hourly_value += o.beat_hourly_value;
        for (a, b) in self.failures.iter_mut().zip(&o.failures) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        let add = |a: &mut Vec<u64>, b: &Vec<u64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.semi_passive_reached, &o.semi_passive_reached);
        add(
            &mut self.semi_passive_qualifying,
            &o.semi_passive_qualifying,
        );
        add(&mut self.break_even_reached, &o.break_even_reached);
        for (a, b) in self.clamped.iter_mut().zip(&o.clamped) {
            *a += b;
        }
        self.trajectories += o.trajectories;
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
    /// Per (metric, month): index metric * H + (t - 1).
    pub series: Vec<Moments>,
    /// Of the effective hourly rate.
    pub hourly_rate: Moments,
}

impl MomentTotals {
    fn new(horizon: usize) -> Self {
        MomentTotals {
            series: vec![Moments::default(); NMETRICS * horizon],
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
    /// The scenario run.
    pub model: Model,
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
}

impl RunResult {
    /// Months simulated.
    pub fn horizon(&self) -> usize {
        self.model.horizon_months as usize
    }

    /// The sketch of `metric` in month t (1-based).
    pub fn sketch(&self, metric: Metric, t: usize) -> &QuantileSketch {
        &self.tally.series[metric as usize * self.horizon() + t - 1]
    }

    /// The moments of `metric` in month t (1-based).
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

/// Simulates one chunk. Monthly figures are gathered by column (metric,
/// month) and then fed to each column's sketch and sums in one go, which
/// keeps every sketch in cache while it works.
fn run_chunk(
    cm: &CompiledModel,
    seed: u64,
    range: std::ops::Range<u64>,
    tally: &mut Tally,
) -> ChunkMoments {
    thread_local! {
        /// The chunk's figures, column by column, and its hourly rates in
        /// trajectory order; reused, since every trajectory writes all of
        /// its cells.
        static BUFFERS: std::cell::RefCell<(Vec<f64>, Vec<f64>)> =
            const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
    }
    let h = cm.horizon();
    let len = (range.end - range.start) as usize;
    let mut scratch = Scratch::new(h);
    // Columns a cache line more than the chunk apart: with a stride of a
    // multiple of 4 KiB every cell a trajectory writes would fall into the
    // same L1 cache set.
    let stride = len + 8;
    BUFFERS.with_borrow_mut(|(columns, rates)| {
        columns.resize(NMETRICS * h * stride, 0.0);
        rates.clear();
        for (j, i) in range.enumerate() {
            let outcome = simulate(
                cm,
                seed,
                i,
                &mut scratch,
                &mut ChunkSlot::new(columns, h, stride, j),
            );
            if let Some(r) = outcome.hourly_rate() {
                rates.push(r);
            }
            tally.add_outcome(&outcome);
        }
        let series = columns
            .chunks_exact(stride)
            .map(|col| &col[..len])
            .enumerate()
            .map(|(c, col)| tally.add_column(c, col))
            .collect();
        ChunkMoments {
            series,
            hourly_rate: tally.add_hourly_rates(rates),
        }
    })
}

/// Runs `n` trajectories in fixed chunks of [`CHUNK`] on a pool of
/// `threads` workers (all cores for `None`) and folds them: `run_chunk`
/// simulates one chunk into the calling worker's tally (order-free
/// statistics) and returns that chunk's moments, which `merge_moments`
/// receives in chunk order, a wave of chunks at a time; at the end the
/// workers' tallies are added up with `merge_tally`. So whatever is folded,
/// the result is bit-identical for every thread count, and memory is the
/// tallies plus one wave of chunk moments. `progress` gets the number of
/// trajectories done after each chunk; a set `cancel` skips the chunks not
/// yet started and ends the fold with [`Cancelled`].
#[allow(clippy::too_many_arguments)]
pub fn fold_chunks<T: Send, M: Send>(
    n: u64,
    threads: Option<usize>,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
    new_tally: impl Fn() -> T + Sync,
    run_chunk: impl Fn(std::ops::Range<u64>, &mut T) -> M + Sync,
    mut merge_moments: impl FnMut(M) + Send,
    merge_tally: impl Fn(&mut T, &T) + Sync,
) -> anyhow::Result<T> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()?;
    let total = pool.install(|| -> Result<T, Cancelled> {
        let threads = rayon::current_num_threads();
        let tallies: Vec<Mutex<T>> = (0..threads).map(|_| Mutex::new(new_tally())).collect();
        let chunks = n.div_ceil(CHUNK);
        // Large waves: a wave ends when its slowest worker finishes, so few
        // waves waste little time; chunks report progress and check
        // `cancel` one by one.
        let wave = (64 * threads) as u64;
        let done = AtomicU64::new(0);
        let mut first = 0;
        while first < chunks {
            let last = (first + wave).min(chunks);
            let parts: Vec<Option<M>> = (first..last)
                .into_par_iter()
                .map(|c| {
                    if cancel.load(Ordering::Relaxed) {
                        return None;
                    }
                    let me = rayon::current_thread_index().unwrap_or(0) % threads;
                    let range = c * CHUNK..((c + 1) * CHUNK).min(n);
                    let len = range.end - range.start;
                    let part = {
                        let mut tally =
                            tallies[me].lock().expect("no panics while holding a tally");
                        run_chunk(range, &mut tally)
                    };
                    progress(done.fetch_add(len, Ordering::Relaxed) + len);
                    Some(part)
                })
                .collect();
            if cancel.load(Ordering::Relaxed) {
                return Err(Cancelled);
            }
            parts.into_iter().flatten().for_each(&mut merge_moments);
            first = last;
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
    let start = Instant::now();
    // Sketch counts are 32-bit: a run is capped at a billion trajectories.
    anyhow::ensure!(
        (1..=MAX_TRAJECTORIES).contains(&opts.trajectories),
        crate::error::InputError::new(format!(
            "trajectories must be within 1..={MAX_TRAJECTORIES}, got {}",
            opts.trajectories
        ))
    );
    let cm = CompiledModel::new(model);
    let h = cm.horizon();
    let mut moments = MomentTotals::new(h);
    let tally = fold_chunks(
        opts.trajectories,
        opts.threads,
        progress,
        cancel,
        || Tally::new(h),
        |range, tally| run_chunk(&cm, opts.seed, range, tally),
        |part| moments.merge(&part),
        |total, t| total.merge(t),
    )?;
    Ok(RunResult {
        model: model.clone(),
        trajectories: opts.trajectories,
        seed: opts.seed,
        elapsed: start.elapsed(),
        tally,
        moments,
    })
}
