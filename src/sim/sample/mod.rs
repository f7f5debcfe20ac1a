//! Exact samplers for the small counts that dominate the model.
//!
//! Most cohorts hold a handful of customers and most monthly means are
//! small, so the general-purpose algorithms of `rand_distr` (BTPE, PTRS),
//! with their setup cost per call, are kept for large counts only; small
//! ones are drawn by inversion of the exact CDF, one uniform per draw, with
//! the logarithm the hot loop already knows ([`binomial`], [`poisson`]).
//! Inversion also keeps paired scenarios (common random numbers) tightly
//! coupled: a higher churn chance never yields more survivors from the same
//! uniform.
//!
//! Standard exponentials come from a ziggurat ([`Exp1Sampler`]), and e^x
//! and ln x, which the samplers and the trajectory's hot loop take many of,
//! from [`fast_exp`] and [`ln_in_place`]. Events that are rare month by
//! month are drawn by their waiting times instead, in [`super::events`].

mod binomial;
mod exponential;
#[cfg(test)]
pub(crate) mod goodness_of_fit;
mod math;
mod poisson;

pub(crate) use binomial::{binomial, binomial_with_log};
pub(crate) use exponential::Exp1Sampler;
pub(crate) use math::{fast_exp, ln_in_place};
pub(crate) use poisson::poisson;
