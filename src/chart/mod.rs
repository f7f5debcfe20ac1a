//! PNG charts of a run, drawn with plotters' bitmap backend and the bundled
//! DejaVu Sans font, so that neither building nor running needs a system
//! font library.
//!
//! - [`fan`]: fan charts of one monthly metric across all trajectories,
//!   with a few single trajectories.
//!
//! Every chart kind has a data function (plain numbers, unit-tested) and a
//! drawing function that returns PNG bytes; [`style`] is the one look they
//! share (font, palette, sizes, number formats), [`frame`] the header, axes
//! and side panel around every plot, [`axis`] the tick arithmetic.

pub mod axis;
pub mod fan;
pub mod frame;
pub mod style;
