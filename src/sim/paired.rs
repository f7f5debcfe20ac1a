//! The paired driver: several variants of a hustle simulated in lockstep on
//! common random numbers (docs/model.md, Random streams), for `sweep`,
//! `compare` and `sensitivity`.
//!
//! Trajectory i of every variant is simulated from the same (seed, i), one
//! variant after the other in the same worker, so every variant draws the
//! same parameter uniforms, platform events, competitor entries, renewals
//! and arrivals, except where its own change makes it use them differently.
//! A variant is a scenario or a portfolio ([`Subject`]); a portfolio's
//! outcome and monthly figures are its person's, and its first hustle draws
//! what a scenario variant draws (docs/model.md, Portfolios, Random
//! numbers), so a portfolio is paired with its first hustle run alone.
//! The differences between variants then come from the changes, not from
//! noise, and can be counted trajectory by trajectory: how many became
//! semi-passive (or failed) under one variant but not under the first, and
//! the distribution of the per-trajectory difference in cumulative net.
//!
//! Folding follows the plain driver ([`super::driver::fold_chunks`]): fixed
//! chunks, order-free sketches and counts per worker, per-chunk moments
//! merged in chunk order. Results are bit-identical for every thread count,
//! and memory does not grow with the number of trajectories: nothing is
//! kept per trajectory beyond one chunk's columns.

use super::counts::OutcomeCounts;
use super::driver::{RunOptions, fold_chunks};
use super::outcome::NMETRICS;
use super::portfolio::{CompiledPortfolio, PortfolioScratch, RecordEach, simulate_portfolio};
use super::{CompiledModel, Metric, Outcome, Path, Record, Scratch, simulate_with};
use crate::error::InputError;
use crate::model::Model;
use crate::portfolio::Portfolio;
use crate::stats::{
    Moments, QuantileSketch, REPORTED_PERCENTILES, Recount, RecountRange, certified_quantiles,
};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// What one variant of a paired run simulates: a scenario, or a portfolio
/// whose person's outcome and monthly figures stand for it.
#[derive(Debug, Clone)]
pub enum Subject {
    /// One scenario.
    Scenario(Model),
    /// A portfolio: one person running several hustles.
    Portfolio(Portfolio),
}

impl Subject {
    /// The scenario's model, or the portfolio's person (whose name,
    /// currency, horizon, owner keys and `[semi_passive]` bar are the
    /// portfolio's).
    pub fn model(&self) -> &Model {
        match self {
            Subject::Scenario(m) => m,
            Subject::Portfolio(p) => &p.person,
        }
    }

    /// The portfolio, if it is one.
    pub fn portfolio(&self) -> Option<&Portfolio> {
        match self {
            Subject::Scenario(_) => None,
            Subject::Portfolio(p) => Some(p),
        }
    }

    /// Months simulated.
    pub fn horizon_months(&self) -> u32 {
        self.model().horizon_months
    }
}

impl From<Model> for Subject {
    fn from(m: Model) -> Self {
        Subject::Scenario(m)
    }
}

impl From<Portfolio> for Subject {
    fn from(p: Portfolio) -> Self {
        Subject::Portfolio(p)
    }
}

/// A variant prepared for simulation. Built once per run, a few of them:
/// their sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Compiled {
    Scenario(CompiledModel),
    Portfolio(CompiledPortfolio),
}

impl Compiled {
    fn new(s: &Subject) -> Self {
        match s {
            Subject::Scenario(m) => Compiled::Scenario(CompiledModel::new(m)),
            Subject::Portfolio(p) => Compiled::Portfolio(CompiledPortfolio::new(p)),
        }
    }
}

/// Keeps a portfolio trajectory's person's figures (number 0) in a
/// [`Path`] and drops its hustles': a paired run reports the person.
struct PersonPath<'a>(&'a mut Path);

impl RecordEach for PersonPath<'_> {
    #[inline]
    fn record(&mut self, who: usize, t: usize, figures: [f64; NMETRICS]) {
        if who == 0 {
            self.0.record(t, figures);
        }
    }
}

/// What a paired run collects beyond the outcome counts and the
/// distribution of cumulative net at the horizon.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairedSpec {
    /// Month by month: each variant's net income, and the paired difference
    /// in cumulative net of each variant against the first (for
    /// `compare.png` and `diff_fan.png`). Costs a sketch per month and
    /// variant; a sweep does without.
    pub monthly: bool,
    /// Whether to count changed outcomes and differences of every variant
    /// against the first (`compare`); a sweep reports each value on its own.
    pub pairs: bool,
}

/// Order-free totals of one variant.
#[derive(Debug, Clone)]
pub struct VariantTally {
    /// Failures, milestones and the rest of the outcomes.
    pub counts: OutcomeCounts,
    /// Cumulative net at the horizon, setup included.
    pub cumulative_net: QuantileSketch,
    /// Net income in month t (index t - 1); empty unless
    /// [`PairedSpec::monthly`].
    pub net_income: Vec<QuantileSketch>,
}

impl VariantTally {
    fn new(horizon: usize, spec: PairedSpec) -> Self {
        VariantTally {
            // A paired trajectory records every metric, passivity
            // included, for every variant: its months of passivity >= 0.5
            // are counted (and reported for scenarios with the owner's
            // hours keys).
            counts: OutcomeCounts::new(horizon, true),
            cumulative_net: QuantileSketch::new(),
            net_income: if spec.monthly {
                vec![QuantileSketch::new(); horizon]
            } else {
                Vec::new()
            },
        }
    }

    fn merge(&mut self, o: &VariantTally) {
        self.counts.merge(&o.counts);
        self.cumulative_net.merge(&o.cumulative_net);
        for (a, b) in self.net_income.iter_mut().zip(&o.net_income) {
            a.merge(b);
        }
    }
}

/// Order-free paired totals of one variant against the first.
#[derive(Debug, Clone)]
pub struct PairTally {
    /// Trajectories semi-passive by the horizon under this variant but not
    /// under the first.
    pub semi_passive_gained: u64,
    /// Trajectories semi-passive under the first but not under this variant.
    pub semi_passive_lost: u64,
    /// Trajectories that failed under this variant but not under the first.
    pub failure_gained: u64,
    /// Trajectories that failed under the first but not under this variant.
    pub failure_avoided: u64,
    /// Per-trajectory difference in cumulative net at the horizon, this
    /// variant minus the first.
    pub difference: QuantileSketch,
    /// The same difference in month t (index t - 1); empty unless
    /// [`PairedSpec::monthly`].
    pub difference_by_month: Vec<QuantileSketch>,
}

impl PairTally {
    fn new(horizon: usize, spec: PairedSpec) -> Self {
        PairTally {
            semi_passive_gained: 0,
            semi_passive_lost: 0,
            failure_gained: 0,
            failure_avoided: 0,
            difference: QuantileSketch::new(),
            difference_by_month: if spec.monthly {
                vec![QuantileSketch::new(); horizon]
            } else {
                Vec::new()
            },
        }
    }

    fn add_pair(&mut self, first: &Outcome, other: &Outcome) {
        let (sp_a, sp_b) = (
            first.semi_passive_month.is_some(),
            other.semi_passive_month.is_some(),
        );
        self.semi_passive_gained += u64::from(sp_b && !sp_a);
        self.semi_passive_lost += u64::from(sp_a && !sp_b);
        let (f_a, f_b) = (first.failure.is_some(), other.failure.is_some());
        self.failure_gained += u64::from(f_b && !f_a);
        self.failure_avoided += u64::from(f_a && !f_b);
    }

    fn merge(&mut self, o: &PairTally) {
        self.semi_passive_gained += o.semi_passive_gained;
        self.semi_passive_lost += o.semi_passive_lost;
        self.failure_gained += o.failure_gained;
        self.failure_avoided += o.failure_avoided;
        self.difference.merge(&o.difference);
        for (a, b) in self
            .difference_by_month
            .iter_mut()
            .zip(&o.difference_by_month)
        {
            a.merge(b);
        }
    }
}

/// Every worker's totals.
#[derive(Debug, Clone)]
struct PairedTally {
    variants: Vec<VariantTally>,
    pairs: Vec<PairTally>,
}

impl PairedTally {
    fn merge(&mut self, o: &PairedTally) {
        for (a, b) in self.variants.iter_mut().zip(&o.variants) {
            a.merge(b);
        }
        for (a, b) in self.pairs.iter_mut().zip(&o.pairs) {
            a.merge(b);
        }
    }
}

/// Which statistic a column of a chunk feeds. A chunk gathers each
/// column's values (one per trajectory) and then feeds its sketch and sums
/// in one go, as the plain driver does.
#[derive(Debug, Clone, Copy)]
enum Column {
    /// Cumulative net at the horizon of variant v.
    CumulativeNet(usize),
    /// Difference at the horizon of pair p (variant p + 1 against the first).
    Difference(usize),
    /// Net income of variant v in month t (0-based).
    NetIncome(usize, usize),
    /// Difference of pair p in month t (0-based).
    DifferenceByMonth(usize, usize),
}

/// The columns of a paired run, in a fixed order: that order is also the
/// order of each chunk's moments.
fn columns(variants: usize, horizon: usize, spec: PairedSpec) -> Vec<Column> {
    let pairs = if spec.pairs { variants - 1 } else { 0 };
    let mut c: Vec<Column> = (0..variants).map(Column::CumulativeNet).collect();
    c.extend((0..pairs).map(Column::Difference));
    if spec.monthly {
        for v in 0..variants {
            c.extend((0..horizon).map(|t| Column::NetIncome(v, t)));
        }
        for p in 0..pairs {
            c.extend((0..horizon).map(|t| Column::DifferenceByMonth(p, t)));
        }
    }
    c
}

/// The result of one variant.
#[derive(Debug, Clone)]
pub struct VariantResult {
    /// Its model: the scenario's, or a portfolio's person.
    pub model: Model,
    /// The portfolio, if the variant is one: its figures are its person's.
    pub portfolio: Option<Portfolio>,
    /// Counts and sketches.
    pub tally: VariantTally,
    /// Mean and spread of cumulative net at the horizon.
    pub cumulative_net: Moments,
    /// Its percentiles ([`REPORTED_PERCENTILES`], with the rank guarantee
    /// of [`certified_quantiles`]).
    pub cumulative_net_percentiles: [f64; 5],
    /// Moments of net income by month; empty unless [`PairedSpec::monthly`].
    pub net_income: Vec<Moments>,
    /// Percentiles of net income by month, as `cumulative_net_percentiles`;
    /// empty unless [`PairedSpec::monthly`].
    pub net_income_percentiles: Vec<[f64; 5]>,
}

/// The paired result of one variant against the first.
#[derive(Debug, Clone)]
pub struct PairResult {
    /// Index of the variant compared with the first (1, 2, ...).
    pub variant: usize,
    /// Counts of changed outcomes and sketches of the differences.
    pub tally: PairTally,
    /// Mean and spread of the difference in cumulative net at the horizon.
    pub difference: Moments,
    /// Its percentiles ([`REPORTED_PERCENTILES`], with the rank guarantee
    /// of [`certified_quantiles`]).
    pub difference_percentiles: [f64; 5],
    /// Moments of the difference by month; empty unless
    /// [`PairedSpec::monthly`].
    pub difference_by_month: Vec<Moments>,
    /// Percentiles of the difference by month, as `difference_percentiles`;
    /// empty unless [`PairedSpec::monthly`].
    pub difference_by_month_percentiles: Vec<[f64; 5]>,
}

/// Everything a paired run measured.
#[derive(Debug, Clone)]
pub struct PairedResult {
    /// N, the same for every variant.
    pub trajectories: u64,
    /// Run seed, shared by every variant.
    pub seed: u64,
    /// Months simulated, the same for every variant.
    pub horizon: usize,
    /// Wall time of the simulation.
    pub elapsed: Duration,
    /// Each variant's own results, in the order given.
    pub variants: Vec<VariantResult>,
    /// Variants 1, 2, ... against variant 0; empty unless
    /// [`PairedSpec::pairs`].
    pub pairs: Vec<PairResult>,
}

/// Simulates the trajectories of `range` under every variant in lockstep,
/// hands `each` the outcomes of each trajectory (in variant order), and
/// returns the values of every column, column after column. A scenario
/// variant draws its parameters from (seed, i) as a run of it alone does
/// (every variant takes the same uniforms from the same parameter stream,
/// docs/model.md, Random streams); a portfolio variant draws its person's
/// and its hustles' as a run of the portfolio does.
fn chunk_values(
    subjects: &[Compiled],
    h: usize,
    cols: &[Column],
    seed: u64,
    range: std::ops::Range<u64>,
    mut each: impl FnMut(&[Outcome]),
) -> Vec<f64> {
    let len = (range.end - range.start) as usize;
    // Scenario variants share one scratch (each resets it); a portfolio
    // variant has its own hustles' buffers.
    let mut scratch = Scratch::new(h);
    let mut portfolio_scratch: Vec<Option<PortfolioScratch>> = subjects
        .iter()
        .map(|s| match s {
            Compiled::Scenario(_) => None,
            Compiled::Portfolio(cp) => Some(cp.scratch()),
        })
        .collect();
    let mut paths: Vec<Path> = subjects.iter().map(|_| Path::new(h)).collect();
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(subjects.len());
    let mut values = vec![0.0; cols.len() * len];
    for (j, i) in range.enumerate() {
        outcomes.clear();
        for ((s, path), ps) in subjects
            .iter()
            .zip(paths.iter_mut())
            .zip(portfolio_scratch.iter_mut())
        {
            outcomes.push(match (s, ps) {
                (Compiled::Scenario(cm), _) => {
                    let params = cm.draw_params(seed, i);
                    simulate_with(cm, &params, seed, i, &mut scratch, path)
                }
                (Compiled::Portfolio(cp), Some(ps)) => {
                    simulate_portfolio(cp, seed, i, ps, &mut PersonPath(path)).person
                }
                (Compiled::Portfolio(_), None) => unreachable!("a portfolio has its scratch"),
            });
        }
        each(&outcomes);
        for (c, col) in cols.iter().enumerate() {
            values[c * len + j] = match *col {
                Column::CumulativeNet(v) => outcomes[v].cumulative_net,
                Column::Difference(p) => {
                    outcomes[p + 1].cumulative_net - outcomes[0].cumulative_net
                }
                Column::NetIncome(v, t) => paths[v].get(Metric::NetIncome, t + 1),
                Column::DifferenceByMonth(p, t) => {
                    paths[p + 1].get(Metric::CumulativeNet, t + 1)
                        - paths[0].get(Metric::CumulativeNet, t + 1)
                }
            };
        }
    }
    values
}

/// The sketch of column `col`.
fn sketch<'a>(tally: &'a PairedTally, col: &Column) -> &'a QuantileSketch {
    match *col {
        Column::CumulativeNet(v) => &tally.variants[v].cumulative_net,
        Column::Difference(p) => &tally.pairs[p].difference,
        Column::NetIncome(v, t) => &tally.variants[v].net_income[t],
        Column::DifferenceByMonth(p, t) => &tally.pairs[p].difference_by_month[t],
    }
}

/// Simulates one chunk of every variant in lockstep into the tally.
fn run_chunk(
    subjects: &[Compiled],
    h: usize,
    spec: PairedSpec,
    cols: &[Column],
    seed: u64,
    range: std::ops::Range<u64>,
    tally: &mut PairedTally,
) -> Vec<Moments> {
    let len = (range.end - range.start) as usize;
    let values = chunk_values(subjects, h, cols, seed, range, |outcomes| {
        for (v, o) in outcomes.iter().enumerate() {
            tally.variants[v].counts.add(o);
            if v > 0 && spec.pairs {
                tally.pairs[v - 1].add_pair(&outcomes[0], o);
            }
        }
    });
    cols.iter()
        .zip(values.chunks_exact(len))
        .map(|(col, vals)| {
            let sketch = match *col {
                Column::CumulativeNet(v) => &mut tally.variants[v].cumulative_net,
                Column::Difference(p) => &mut tally.pairs[p].difference,
                Column::NetIncome(v, t) => &mut tally.variants[v].net_income[t],
                Column::DifferenceByMonth(p, t) => &mut tally.pairs[p].difference_by_month[t],
            };
            sketch.extend_with_moments(vals)
        })
        .collect()
}

/// Simulates one chunk again and counts the values of each recount range
/// (see [`certified_quantiles`]).
fn recount_chunk(
    subjects: &[Compiled],
    h: usize,
    cols: &[Column],
    seed: u64,
    range: std::ops::Range<u64>,
    ranges: &[RecountRange],
    counts: &mut [Recount],
) {
    let len = (range.end - range.start) as usize;
    let values = chunk_values(subjects, h, cols, seed, range, |_| {});
    for (r, count) in ranges.iter().zip(counts.iter_mut()) {
        count.extend(&values[r.source * len..][..len]);
    }
}

/// The one horizon of the labelled horizons, or an input error naming the
/// first and the first that differs from it: what `what` (e.g. "compare")
/// needs, since trajectory i of every variant runs month by month in
/// lockstep.
pub(crate) fn one_horizon<'a>(
    what: &str,
    mut labelled: impl Iterator<Item = (&'a str, u32)>,
) -> Result<u32, InputError> {
    let Some((first, h)) = labelled.next() else {
        return Ok(0);
    };
    match labelled.find(|&(_, m)| m != h) {
        None => Ok(h),
        Some((label, m)) => Err(InputError::new(format!(
            "{what} needs one horizon: {first} has horizon_months = {h} but {label} has {m}"
        ))),
    }
}

/// Runs every model on the same seed and trajectories in lockstep and
/// folds each one's outcomes and the paired differences against the first.
/// All models must have the same horizon (an [`InputError`] otherwise);
/// `progress` and `cancel` work as for [`super::run`].
pub fn run_paired(
    models: &[Model],
    opts: &RunOptions,
    spec: PairedSpec,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> anyhow::Result<PairedResult> {
    let subjects: Vec<Subject> = models.iter().cloned().map(Subject::from).collect();
    run_paired_subjects(&subjects, opts, spec, progress, cancel)
}

/// [`run_paired`] of variants that are each a scenario or a portfolio: a
/// portfolio's outcome and monthly figures are its person's. All must have
/// the same horizon (an [`InputError`] otherwise).
pub fn run_paired_subjects(
    subjects: &[Subject],
    opts: &RunOptions,
    spec: PairedSpec,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> anyhow::Result<PairedResult> {
    let start = Instant::now();
    opts.check()?;
    let Some(first) = subjects.first() else {
        anyhow::bail!("a paired run needs at least one scenario");
    };
    let names: Vec<String> = subjects
        .iter()
        .map(|s| format!("\"{}\"", s.model().name))
        .collect();
    let h = one_horizon(
        "a paired run",
        names
            .iter()
            .zip(subjects)
            .map(|(n, s)| (n.as_str(), s.horizon_months())),
    )? as usize;
    debug_assert_eq!(h, first.horizon_months() as usize);
    let cms: Vec<Compiled> = subjects.iter().map(Compiled::new).collect();
    let v = cms.len();
    let cols = columns(v, h, spec);
    let mut moments = vec![Moments::default(); cols.len()];
    let tally = fold_chunks(
        opts.trajectories,
        opts.threads,
        // One chunk at a time: a paired chunk already holds every variant's
        // columns.
        1,
        progress,
        cancel,
        || PairedTally {
            variants: (0..v).map(|_| VariantTally::new(h, spec)).collect(),
            pairs: (1..v)
                .filter(|_| spec.pairs)
                .map(|_| PairTally::new(h, spec))
                .collect(),
        },
        |range, tally| run_chunk(&cms, h, spec, &cols, opts.seed, range, tally),
        |part: Vec<Moments>| {
            for (a, b) in moments.iter_mut().zip(&part) {
                a.merge(b);
            }
        },
        |total, t| total.merge(t),
    )?;
    let sketches: Vec<&QuantileSketch> = cols.iter().map(|c| sketch(&tally, c)).collect();
    let percentiles =
        certified_quantiles(&sketches, &REPORTED_PERCENTILES.map(|(_, q)| q), |ranges| {
            fold_chunks(
                opts.trajectories,
                opts.threads,
                1,
                &|_| {},
                cancel,
                || ranges.iter().map(Recount::new).collect::<Vec<_>>(),
                |range, counts| recount_chunk(&cms, h, &cols, opts.seed, range, ranges, counts),
                |()| {},
                |total, counts| Recount::merge_all(total, counts),
            )
        })?;

    let mut variants: Vec<VariantResult> = subjects
        .iter()
        .zip(tally.variants)
        .map(|(s, t)| VariantResult {
            model: s.model().clone(),
            portfolio: s.portfolio().cloned(),
            tally: t,
            cumulative_net: Moments::default(),
            cumulative_net_percentiles: [0.0; 5],
            net_income: Vec::new(),
            net_income_percentiles: Vec::new(),
        })
        .collect();
    let mut pairs: Vec<PairResult> = tally
        .pairs
        .into_iter()
        .enumerate()
        .map(|(p, t)| PairResult {
            variant: p + 1,
            tally: t,
            difference: Moments::default(),
            difference_percentiles: [0.0; 5],
            difference_by_month: Vec::new(),
            difference_by_month_percentiles: Vec::new(),
        })
        .collect();
    for ((col, m), q) in cols.iter().zip(moments).zip(percentiles) {
        // Every column has a value from every trajectory.
        let q: [f64; 5] = q
            .expect("a run has at least one trajectory")
            .try_into()
            .expect("five percentiles");
        match *col {
            Column::CumulativeNet(v) => {
                variants[v].cumulative_net = m;
                variants[v].cumulative_net_percentiles = q;
            }
            Column::Difference(p) => {
                pairs[p].difference = m;
                pairs[p].difference_percentiles = q;
            }
            Column::NetIncome(v, _) => {
                variants[v].net_income.push(m);
                variants[v].net_income_percentiles.push(q);
            }
            Column::DifferenceByMonth(p, _) => {
                pairs[p].difference_by_month.push(m);
                pairs[p].difference_by_month_percentiles.push(q);
            }
        }
    }
    Ok(PairedResult {
        trajectories: opts.trajectories,
        seed: opts.seed,
        horizon: h,
        elapsed: start.elapsed(),
        variants,
        pairs,
    })
}
