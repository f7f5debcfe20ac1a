//! Simulation: one trajectory month by month ([`trajectory`]) with its
//! customer cohorts ([`cohort`]), its random streams ([`rng`]), samplers
//! (`sample`) and rare events drawn by their waiting times (`events`), the
//! parallel driver ([`driver`]) with the batch size it takes from the L2
//! cache (`cache`), and the paired driver that runs variants in lockstep on
//! common random numbers ([`paired`]).

mod cache;
pub mod cohort;
pub mod driver;
pub(crate) mod events;
pub mod paired;
pub mod rng;
pub(crate) mod sample;
pub mod trajectory;

pub use driver::{Cancelled, RunOptions, RunResult, run, run_with_batch};
pub use paired::{PairedResult, PairedSpec, run_paired};
pub use trajectory::{CompiledModel, FailureCause, Metric, Outcome, Path, Scratch, simulate};
