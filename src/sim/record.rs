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
    /// How many metrics it keeps: the first of [`Metric::ALL`]. A figure
    /// it does not keep need not be worked out.
    const METRICS: usize = NMETRICS;

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
/// so each (metric, month) column of the chunk is contiguous. Only the
/// first `M` metrics are kept (those the run reports).
pub(crate) struct ChunkSlot<'a, const M: usize> {
    columns: &'a mut [f64],
    horizon: usize,
    stride: usize,
    slot: usize,
}

impl<'a, const M: usize> ChunkSlot<'a, M> {
    /// Slot `slot` of a buffer of `M * horizon` columns, `stride` apart.
    pub(crate) fn new(columns: &'a mut [f64], horizon: usize, stride: usize, slot: usize) -> Self {
        assert!(M <= NMETRICS && slot < stride && columns.len() >= M * horizon * stride);
        ChunkSlot {
            columns,
            horizon,
            stride,
            slot,
        }
    }
}

impl<const M: usize> Record for ChunkSlot<'_, M> {
    const METRICS: usize = M;

    #[inline]
    fn record(&mut self, t: usize, figures: [f64; NMETRICS]) {
        let step = self.horizon * self.stride;
        let base = (t - 1) * self.stride + self.slot;
        // The last metric's cell is in bounds, so all are (new() checked the
        // buffer's size; t <= H).
        let cells = &mut self.columns[base..=base + (M - 1) * step];
        for (m, v) in figures.into_iter().take(M).enumerate() {
            cells[m * step] = v;
        }
    }
}

/// A portfolio trajectory's place in a chunk's column-major buffer: number
/// `who` (0 the person, j + 1 hustle j) has the [`NMETRICS`] metrics of
/// its own block of columns, laid out as [`ChunkSlot`] lays out one.
pub(crate) struct ChunkSlots<'a> {
    columns: &'a mut [f64],
    horizon: usize,
    stride: usize,
    slot: usize,
}

impl<'a> ChunkSlots<'a> {
    /// Slot `slot` of a buffer of `blocks` blocks of `NMETRICS * horizon`
    /// columns, `stride` apart.
    pub(crate) fn new(
        columns: &'a mut [f64],
        blocks: usize,
        horizon: usize,
        stride: usize,
        slot: usize,
    ) -> Self {
        assert!(slot < stride && columns.len() >= blocks * NMETRICS * horizon * stride);
        ChunkSlots {
            columns,
            horizon,
            stride,
            slot,
        }
    }
}

impl super::portfolio::RecordEach for ChunkSlots<'_> {
    #[inline]
    fn record(&mut self, who: usize, t: usize, figures: [f64; NMETRICS]) {
        let step = self.horizon * self.stride;
        let base = (who * NMETRICS * self.horizon + t - 1) * self.stride + self.slot;
        for (m, v) in figures.into_iter().enumerate() {
            self.columns[base + m * step] = v;
        }
    }
}
