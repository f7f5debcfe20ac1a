//! Portfolios: one person running several hustles whose hours they share
//! (docs/model.md, Portfolios).
//!
//! A portfolio file names scenario files, each with the person's month in
//! which it starts and overrides of its keys, and gives the person's own
//! `[owner]` (capacity, burnout, hourly value) and `[semi_passive]` bar,
//! judged on the person's totals. [`Portfolio`] is such a file, checked:
//! every scenario it names loaded, overridden and validated
//! ([`Portfolio::load`], [`Portfolio::parse`]; the format is [`mod@file`]'s).
//! [`mod@keys`] names a portfolio's keys from outside the file (the
//! person's, and a hustle's as `hustle.N.KEY`), and
//! [`Portfolio::load_with`] applies changes to them, as `compare --with`,
//! `sweep` and `sensitivity` do.

pub mod file;
pub mod keys;

pub use file::{is_portfolio, is_portfolio_file};
pub use keys::{PortfolioKey, PortfolioSet, Who};

use crate::model::Model;
use std::path::PathBuf;

/// Most hustles a portfolio may hold.
pub const MAX_HUSTLES: usize = 16;

/// A valid portfolio.
#[derive(Debug, Clone)]
pub struct Portfolio {
    /// Where it came from, for messages: a path, or a library name.
    pub source: String,
    /// File stem, for default output folder names.
    pub stem: String,
    /// Shown in charts and tables.
    pub name: String,
    /// Shown in listings.
    pub description: String,
    /// Label of money amounts; every hustle's currency equals it.
    pub currency: String,
    /// Months simulated for the person, H.
    pub horizon_months: u32,
    /// The person as a model: its owner keys (`burnout_hours_monthly`,
    /// `burnout_after_months`, `capacity_hours_monthly`, `hourly_value`),
    /// its `[semi_passive]` bar, name, currency and horizon are the
    /// portfolio's; its other keys keep their defaults (but
    /// `setup.months`, 0 so that every horizon is valid) and are not used.
    pub person: Model,
    /// The hustles in file order, which is their priority for new
    /// customers.
    pub hustles: Vec<Hustle>,
}

/// One `[[hustle]]` of a portfolio.
#[derive(Debug, Clone)]
pub struct Hustle {
    /// The scenario as the portfolio names it (`hustle.scenario`).
    pub scenario: String,
    /// The file it was read from, or None for a library scenario.
    pub path: Option<PathBuf>,
    /// The person's month in which this hustle's month 1 falls.
    pub start_month: u32,
    /// The overrides `hustle.set` gives, as `key=value` in file order.
    pub overrides: Vec<String>,
    /// The scenario with its overrides, validated on its own; its
    /// `horizon_months` is then set to the months it runs in the portfolio,
    /// H - start_month + 1 (its own horizon and `[semi_passive]` are not
    /// used; its owner's burnout, capacity and hourly value are replaced by
    /// the person's, its quit rule stays its own).
    pub model: Model,
}

impl Portfolio {
    /// The months hustle `j` runs in: H - start_month + 1.
    pub fn months_of(&self, j: usize) -> u32 {
        self.horizon_months - self.hustles[j].start_month + 1
    }
}
