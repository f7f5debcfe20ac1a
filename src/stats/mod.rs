//! Streaming statistics whose memory does not grow with the number of
//! trajectories: moments, a mergeable quantile sketch and percentiles with
//! a rank guarantee drawn from it, Wilson intervals,
//! and Newcombe's interval for a difference of paired proportions.
//!
//! Everything here merges deterministically: sketches and counts are
//! order-free (integer counts, minima and maxima), and moments are merged in
//! the fixed chunk order the driver imposes, so a run's statistics are
//! bit-identical for any thread count.

mod bin;
mod exact_counts;
mod histogram;
mod moments;
mod newcombe;
mod percentile;
mod sketch;
mod wilson;

#[cfg(test)]
use histogram::SKETCH_RELATIVE_WIDTH;
pub use moments::{Moments, ShiftedSums};
pub(crate) use newcombe::newcombe_paired_interval;
pub use percentile::{
    RANK_TOLERANCE, REPORTED_PERCENTILES, Recount, RecountRange, certified_quantiles,
};
pub use sketch::QuantileSketch;
pub use wilson::{Z95_TWO_SIDED, wilson_interval};
