//! What a run reports: `summary.json` and `percentiles.csv` (as bytes, so
//! they are tested without files), the terminal table, and number formats
//! shared with the charts; and what paired runs report: `sweep.csv`,
//! `compare.json`, `sensitivity.csv` and their tables.

pub mod clamped;
pub mod columns;
pub mod compare;
pub mod format;
pub mod paired;
pub mod portfolio;
pub mod rule;
pub mod sensitivity;
pub mod summary;
pub mod sweep;
pub mod table;

pub use summary::Summary;
