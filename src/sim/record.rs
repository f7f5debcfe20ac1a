//! Where a trajectory's monthly figures go: a [`Path`] of its own (for
//! tests, the reference simulator and paired runs), or its slot in a
//! chunk's column-major buffer ([`ChunkSlot`]), from which the driver feeds
//! each (metric, month) column to its sketch in one go.

use super::outcome::{Metric, NMETRICS};

/// The monthly figures of one trajectory: `NMETRICS` rows of H months.
#[derive(Debug, Clone)]
pub struct Path {
    horizon: usize,
    data: Vec<f64>,
}

impl Path {
    /// A zeroed path for horizon H.
    pub fn new(horizon: usize) -> Self {
        Path {
            horizon,
            data: vec![0.0; NMETRICS * horizon],
        }
    }

    /// The figure of `metric` in month `t` (1-based).
    pub fn get(&self, metric: Metric, t: usize) -> f64 {
        self.data[metric as usize * self.horizon + t - 1]
    }

    /// Every month's figure of `metric`.
    pub fn row(&self, metric: Metric) -> &[f64] {
        let s = metric as usize * self.horizon;
        &self.data[s..s + self.horizon]
    }

    /// All figures, metric-major.
    pub fn data(&self) -> &[f64] {
        &self.data
    }
}

/// Where a trajectory's monthly figures go, month by month.
pub trait Record {
    /// Stores month t's (1-based) figures, in [`Metric::ALL`] order.
    fn record(&mut self, t: usize, figures: [f64; NMETRICS]);
}

impl Record for Path {
    #[inline]
    fn record(&mut self, t: usize, figures: [f64; NMETRICS]) {
        let h = self.horizon;
        for (m, v) in figures.into_iter().enumerate() {
            self.data[m * h + t - 1] = v;
        }
    }
}

/// One trajectory's place in a chunk's column-major buffer: the figure of
/// (metric, month t) goes to `columns[(metric * H + t - 1) * stride + slot]`,
/// so each (metric, month) column of the chunk is contiguous.
pub(crate) struct ChunkSlot<'a> {
    columns: &'a mut [f64],
    horizon: usize,
    stride: usize,
    slot: usize,
}

impl<'a> ChunkSlot<'a> {
    /// Slot `slot` of a buffer of `NMETRICS * horizon` columns, `stride`
    /// apart.
    pub(crate) fn new(columns: &'a mut [f64], horizon: usize, stride: usize, slot: usize) -> Self {
        assert!(slot < stride && columns.len() >= NMETRICS * horizon * stride);
        ChunkSlot {
            columns,
            horizon,
            stride,
            slot,
        }
    }
}

impl Record for ChunkSlot<'_> {
    #[inline]
    fn record(&mut self, t: usize, figures: [f64; NMETRICS]) {
        let step = self.horizon * self.stride;
        let base = (t - 1) * self.stride + self.slot;
        // The last metric's cell is in bounds, so all are (new() checked the
        // buffer's size; t <= H).
        let cells = &mut self.columns[base..=base + (NMETRICS - 1) * step];
        for (m, v) in figures.into_iter().enumerate() {
            cells[m * step] = v;
        }
    }
}
