//! Simulation. [`trajectory`] is one trajectory month by month, in the
//! order and words of docs/model.md, One trajectory; beside it are the
//! pieces it uses, each exact and tested on its own: the prepared model and
//! its parameter draws ([`params`]), the customers' renewals ([`cohort`]),
//! the competitors' factors (`competitors`), the platform events and
//! competitor arrivals drawn by their waiting times (`events`), the random
//! streams ([`rng`]) and samplers (`sample`), and what a trajectory reports
//! ([`outcome`]) and where its figures go ([`record`]). The parallel driver
//! ([`driver`]) folds many trajectories into statistics, taking as many
//! chunks at a time as the core's L2 cache suits (`cache`), and the paired
//! driver ([`paired`]) runs variants in lockstep on common random numbers.
//! [`reference`](mod@reference) is the model's executable statement, a
//! literal and slow second implementation of one trajectory that the fast
//! one is tested against.

mod cache;
pub mod cohort;
mod competitors;
pub mod counts;
pub mod driver;
pub(crate) mod events;
pub mod outcome;
pub mod paired;
pub mod params;
pub mod record;
pub mod reference;
pub mod rng;
pub(crate) mod sample;
pub mod trajectory;

pub use driver::{Cancelled, RunOptions, RunResult, run, run_with_batch};
pub use outcome::{FailureCause, Metric, NMETRICS, Outcome};
pub use paired::{PairedResult, PairedSpec, run_paired};
pub use params::{CompiledModel, Params};
pub use record::{ChunkSlot, Path, Record};
pub use trajectory::{MAX_MONTHLY_ARRIVALS, Scratch, simulate, simulate_with};

/// A count as a float. Counts stay far below 2^63 (arrivals are capped),
/// and a signed conversion is one instruction where an unsigned one is a
/// dozen on x86-64.
#[inline(always)]
pub(crate) fn count(n: u64) -> f64 {
    n as i64 as f64
}
