//! PNG charts of a run, drawn with plotters' bitmap backend and the bundled
//! DejaVu Sans font, so that neither building nor running needs a system
//! font library.
//!
//! [`style`] is the one look every chart shares (font, palette, sizes,
//! number formats), [`frame`] the header, axes and side panel around every
//! plot, [`axis`] the tick arithmetic.

pub mod axis;
pub mod frame;
pub mod style;
