//! Simulation: one trajectory month by month ([`trajectory`]), its random
//! streams ([`rng`]) and samplers ([`sample`]), and the parallel driver
//! ([`driver`]).

pub mod cohort;
pub mod driver;
pub mod rng;
pub mod sample;
pub mod trajectory;

pub use driver::{Cancelled, RunOptions, RunResult, run};
pub use trajectory::{CompiledModel, FailureCause, Metric, Outcome, Path, Scratch, simulate};
