//! Simulation. [`trajectory`] is one trajectory month by month, in the
//! order and words of docs/model.md, One trajectory; beside it are the
//! pieces it uses, each exact and tested on its own: the prepared model and
//! its parameter draws (`params`), the customers' renewals (`cohort`),
//! the competitors' factors (`competitors`), the platform events and
//! competitor arrivals drawn by their waiting times (`events`), the random
//! streams (`rng`) and samplers (`sample`), and what a trajectory reports
//! (`outcome`) and where its figures go (`record`). The parallel driver
//! (`driver`) folds many trajectories into statistics, taking as many
//! chunks at a time as the core's L2 cache suits (`cache`), and the paired
//! driver (`paired`) runs variants (scenarios or portfolios) in lockstep on
//! common random numbers.
//! [`reference`](mod@reference) is the model's executable statement, a
//! literal and slow second implementation of one trajectory that the fast
//! one is tested against.

mod cache;
pub(crate) mod cohort;
mod competitors;
pub(crate) mod copula;
pub(crate) mod counts;
pub(crate) mod driver;
pub(crate) mod events;
pub(crate) mod hustle;
pub(crate) mod outcome;
pub(crate) mod owner;
pub(crate) mod paired;
pub(crate) mod params;
pub mod portfolio;
pub(crate) mod record;
pub mod reference;
pub(crate) mod rng;
pub(crate) mod sample;
pub mod trajectory;

pub use counts::OutcomeCounts;
pub use driver::{
    Cancelled, DEFAULT_SEED, DEFAULT_TRAJECTORIES, MAX_TRAJECTORIES, MomentTotals, Percentiles,
    RunOptions, RunResult, Tally, run, run_portfolio,
};
pub use outcome::{FailureCause, Metric, Outcome};
pub use paired::{
    PairResult, PairTally, PairedResult, PairedSpec, Subject, VariantResult, VariantTally,
    run_paired, run_paired_subjects,
};
pub use params::{CompiledModel, Params};
pub use record::{Path, Record};
pub use trajectory::{Scratch, simulate, simulate_with};

pub(crate) use outcome::NMETRICS;
pub(crate) use record::{ChunkSlot, ChunkSlots};
pub(crate) use trajectory::MAX_MONTHLY_ARRIVALS;

/// A count as a float. Counts stay far below 2^63 (arrivals are capped),
/// and a signed conversion is one instruction where an unsigned one is a
/// dozen on x86-64.
#[inline(always)]
pub(crate) fn count(n: u64) -> f64 {
    n as i64 as f64
}
