//! Simulation: one trajectory month by month ([`trajectory`]), its random
//! streams ([`rng`]) and samplers ([`sample`]), the parallel driver
//! ([`driver`]) and the paired driver that runs variants in lockstep on
//! common random numbers ([`paired`]); [`reference`](mod@reference) is the model's
//! executable statement, a literal and slow second implementation of one
//! trajectory that the fast one is tested against.

pub mod cohort;
pub mod driver;
pub mod paired;
pub mod reference;
pub mod rng;
pub mod sample;
pub mod trajectory;

pub use driver::{Cancelled, RunOptions, RunResult, run, run_with_batch};
pub use paired::{PairedResult, PairedSpec, run_paired};
pub use trajectory::{CompiledModel, FailureCause, Metric, Outcome, Path, Scratch, simulate};
