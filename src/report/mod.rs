//! What a run reports: `summary.json` and `percentiles.csv` (as bytes, so
//! they are tested without files), the terminal table, and number formats
//! shared with the charts.

pub mod format;
pub mod summary;
pub mod table;

pub use summary::Summary;
