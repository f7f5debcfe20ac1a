//! Fitting churn to a hustle's own data (`hustle-sim fit-churn`).
//!
//! Lifetimes ([`Lifetimes`]): churn and right-censoring counts by renewal
//! period. On them the shifted-beta-geometric model ([`sbg`]) is fitted by
//! maximum likelihood, and constant churn ([`constant`]), its limit without
//! spread of churn chances, in closed form.

pub mod constant;
pub mod lifetimes;
pub mod sbg;

pub use lifetimes::Lifetimes;
