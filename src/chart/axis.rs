//! Axis arithmetic shared by every chart: round tick steps, month ticks,
//! ranges that never collapse, and cutting lines at the edge of a plot
//! (plotters' bitmap backend does not clip). Plain functions, no drawing.

/// The smallest 1, 2, 2.5 or 5 times a power of ten that is at least `raw`
/// (1 for a non-positive or non-finite `raw`).
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let f = raw / magnitude;
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .find(|&n| f <= n * (1.0 + 1e-9))
        .unwrap_or(10.0);
    nice * magnitude
}

/// A value axis from `lo` to `hi` with ticks at the multiples of `step`
/// that lie in between.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// Distance between ticks.
    pub step: f64,
    /// Tick positions, ascending, within `lo..=hi`.
    pub ticks: Vec<f64>,
}

/// Share of the data's span added at each end of a [`Axis::tight`] axis, so
/// that no line runs along the edge of the plot.
pub const PAD: f64 = 0.03;

impl Axis {
    /// An axis that fits `lo..=hi` snugly: the range padded by [`PAD`] at each
    /// end (except an end at exactly 0, so that bars and non-negative data
    /// stand on the axis), with the smallest round step that gives at most
    /// `max_ticks` ticks. An empty or one-point range is widened first (see
    /// [`widen`]).
    pub fn tight(lo: f64, hi: f64, max_ticks: usize) -> Axis {
        let (lo, hi) = widen(lo, hi);
        let pad = PAD * (hi - lo);
        let lo = if lo == 0.0 { 0.0 } else { lo - pad };
        let hi = if hi == 0.0 { 0.0 } else { hi + pad };
        let mut step = nice_step((hi - lo) / max_ticks.max(1) as f64);
        loop {
            let axis = Self::ticks_within(lo, hi, step);
            if axis.ticks.len() <= max_ticks.max(2) {
                return axis;
            }
            step = nice_step(step * 1.0001);
        }
    }

    /// The same range with ticks at least `min_step` apart (for whole
    /// numbers, which need no tick at 0.5).
    pub fn at_least(self, min_step: f64) -> Axis {
        if self.step >= min_step {
            self
        } else {
            Self::ticks_within(self.lo, self.hi, min_step)
        }
    }

    /// `lo..=hi` with ticks at the multiples of `step` inside it.
    fn ticks_within(lo: f64, hi: f64, step: f64) -> Axis {
        // Ticks are computed as integer multiples so that 0.1 + 0.2 never
        // shows up as 0.30000000000000004; `+ 0.0` turns -0 into 0. The
        // tolerance keeps an end that is a multiple of step up to rounding.
        let a = ((lo / step) - 1e-9).ceil() as i64;
        let b = ((hi / step) + 1e-9).floor() as i64;
        Axis {
            lo,
            hi,
            step,
            ticks: (a..=b).map(|k| k as f64 * step + 0.0).collect(),
        }
    }

    /// An axis from the multiple of `step` at or below `lo` to the one at or
    /// above `hi`, with a tick at every multiple (for fixed scales such as
    /// 0 to 100 %).
    pub fn with_step(lo: f64, hi: f64, step: f64) -> Axis {
        let a = ((lo / step) + 1e-9).floor();
        let b = ((hi / step) - 1e-9).ceil().max(a + 1.0);
        Self::ticks_within(a * step + 0.0, b * step + 0.0, step)
    }

    /// Whether `v` lies on the axis.
    pub fn contains(&self, v: f64) -> bool {
        v >= self.lo && v <= self.hi
    }
}

/// A range that is safe to draw: `lo < hi`. A one-point range is widened by
/// 10 % of its magnitude (at least 1) each way, not below 0 when the value is
/// not negative; NaN and infinite ends become 0 and 1.
pub fn widen(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => (lo.min(hi), lo.max(hi)),
        (true, false) => (lo, lo),
        (false, true) => (hi, hi),
        (false, false) => (0.0, 1.0),
    };
    let scale = lo.abs().max(hi.abs()).max(1.0);
    if hi - lo > 1e-9 * scale {
        return (lo, hi);
    }
    let pad = (0.1 * scale).max(1.0);
    let new_lo = if lo >= 0.0 {
        (lo - pad).max(0.0)
    } else {
        lo - pad
    };
    (new_lo, hi + pad)
}

/// Month ticks for a horizon of `h` months: every month up to 24 months,
/// otherwise every 2nd, 3rd, 6th or 12th month, whichever first keeps the
/// labels to 24 or fewer, and month 1 when that is not crowded (step 3 and
/// up).
pub fn month_ticks(h: u32) -> Vec<f64> {
    let step = [1, 2, 3, 6, 12]
        .into_iter()
        .find(|s| h.div_ceil(*s) <= 24)
        .unwrap_or(12);
    let mut ticks = Vec::new();
    if step == 1 || step >= 3 {
        ticks.push(1.0);
    }
    ticks.extend((step.max(2)..=h).step_by(step as usize).map(f64::from));
    ticks
}

/// Where a monthly series is drawn along the month axis: at months 1..=H,
/// or, for a one-month horizon, across that month (0.7 to 1.3) so that its
/// lines and bands have a length.
pub fn month_positions(h: usize) -> Vec<f64> {
    if h == 1 {
        vec![0.7, 1.3]
    } else {
        (1..=h).map(|t| t as f64).collect()
    }
}

/// A monthly series matched to [`month_positions`]: a one-month series
/// repeated at both ends of its month.
pub fn at_positions(v: &[f64]) -> Vec<f64> {
    if v.len() == 1 {
        vec![v[0], v[0]]
    } else {
        v.to_vec()
    }
}

/// The smallest and largest finite values of some series.
pub fn extent<'a>(series: impl IntoIterator<Item = &'a [f64]>) -> Option<(f64, f64)> {
    series
        .into_iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// A polyline cut to the band `lo <= y <= hi`: the pieces that lie inside,
/// each ending where the line crosses an edge. A line drawn from these
/// pieces stops at the edge of the plot instead of running over the axes.
pub fn clip_polyline(points: &[(f64, f64)], lo: f64, hi: f64) -> Vec<Vec<(f64, f64)>> {
    let inside = |y: f64| y >= lo && y <= hi;
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    // Non-empty exactly while the line is inside the band.
    let mut current: Vec<(f64, f64)> = Vec::new();
    for (i, &(x, y)) in points.iter().enumerate() {
        if i > 0 {
            let (x0, y0) = points[i - 1];
            // Where the segment crosses each edge, in order along it.
            let mut crossings: Vec<(f64, f64)> = [lo, hi]
                .into_iter()
                .filter(|&e| (y0 - e) * (y - e) < 0.0)
                .map(|e| ((e - y0) / (y - y0), e))
                .collect();
            crossings.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (f, edge) in crossings {
                current.push((x0 + f * (x - x0), edge));
                if current.len() > 1 {
                    // Leaving the band.
                    pieces.push(std::mem::take(&mut current));
                }
            }
        }
        if inside(y) {
            current.push((x, y));
        } else if !current.is_empty() {
            // Left from a point exactly on an edge.
            pieces.push(std::mem::take(&mut current));
        }
    }
    pieces.push(current);
    pieces.retain(|p| p.len() > 1);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(1.3), 2.0);
        assert_eq!(nice_step(2.2), 2.5);
        assert_eq!(nice_step(380.0), 500.0);
        assert_eq!(nice_step(1000.0), 1000.0);
        assert!((nice_step(0.03) - 0.05).abs() < 1e-12);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn tight_axes_hug_the_data_with_round_ticks() {
        // Net income: a small setup loss, then growth.
        let a = Axis::tight(-150.0, 3400.0, 9);
        assert!(a.lo < -150.0 && a.lo > -300.0, "{a:?}");
        assert!(a.hi > 3400.0 && a.hi < 3600.0, "{a:?}");
        assert_eq!(a.step, 500.0);
        assert_eq!(
            a.ticks,
            (0..=7).map(|k| k as f64 * 500.0).collect::<Vec<_>>()
        );
        // Non-negative data stands on 0; ticks never exceed the limit.
        let b = Axis::tight(0.0, 84.0, 9);
        assert_eq!(b.lo, 0.0);
        assert!(b.ticks.len() <= 9 && b.ticks[0] == 0.0);
        for (lo, hi) in [(-1.0, 1.0), (-300.0, 43_400.0), (0.0, 0.013), (-7e6, -2e6)] {
            let a = Axis::tight(lo, hi, 6);
            assert!(a.lo <= lo && a.hi >= hi);
            assert!((2..=6).contains(&a.ticks.len()), "{lo}..{hi}: {a:?}");
            assert!(a.ticks.iter().all(|t| a.contains(*t)));
        }
        // Ticks are exact multiples, without floating-point noise.
        let c = Axis::tight(0.0, 0.3, 4);
        assert_eq!(c.ticks.len(), 4);
        assert!((c.ticks[3] - 0.3).abs() < 1e-12);
    }

    #[test]
    fn whole_number_axes_skip_fractional_ticks() {
        let a = Axis::tight(0.0, 2.0, 9).at_least(1.0);
        assert_eq!(a.ticks, vec![0.0, 1.0, 2.0]);
    }

    #[test]
    fn fixed_scales_end_on_ticks() {
        let a = Axis::with_step(0.0, 1.0, 0.2);
        assert_eq!((a.lo, a.hi, a.ticks.len()), (0.0, 1.0, 6));
        let b = Axis::with_step(-312.0, 1830.0, 500.0);
        assert_eq!((b.lo, b.hi), (-500.0, 2000.0));
        assert_eq!(b.ticks, vec![-500.0, 0.0, 500.0, 1000.0, 1500.0, 2000.0]);
    }

    #[test]
    fn one_point_ranges_are_widened() {
        assert_eq!(widen(0.0, 0.0), (0.0, 1.0));
        assert_eq!(widen(5.0, 5.0), (4.0, 6.0));
        assert_eq!(widen(-300.0, -300.0), (-330.0, -270.0));
        assert_eq!(widen(f64::NAN, f64::NAN), (0.0, 1.0));
        let a = Axis::tight(0.0, 0.0, 5);
        assert!(a.lo == 0.0 && a.hi >= 1.0 && a.ticks.len() >= 2);
    }

    #[test]
    fn month_ticks_stay_legible() {
        assert_eq!(month_ticks(1), vec![1.0]);
        assert_eq!(month_ticks(24), (1..=24).map(f64::from).collect::<Vec<_>>());
        let t36 = month_ticks(36);
        assert_eq!(&t36[..3], &[2.0, 4.0, 6.0]);
        assert_eq!(*t36.last().unwrap(), 36.0);
        let t120 = month_ticks(120);
        assert_eq!(&t120[..3], &[1.0, 6.0, 12.0]);
        assert_eq!(t120.len(), 21);
        for h in 1..=120 {
            assert!(month_ticks(h).len() <= 25, "h = {h}");
        }
    }

    #[test]
    fn a_one_month_series_is_drawn_across_its_month() {
        assert_eq!(month_positions(1), vec![0.7, 1.3]);
        assert_eq!(at_positions(&[5.0]), vec![5.0, 5.0]);
        assert_eq!(month_positions(3), vec![1.0, 2.0, 3.0]);
        assert_eq!(at_positions(&[1.0, 2.0]), vec![1.0, 2.0]);
    }

    #[test]
    fn extent_skips_non_finite_values() {
        let a = [1.0, f64::NAN, -2.0];
        let b = [7.0];
        assert_eq!(extent([&a[..], &b[..]]), Some((-2.0, 7.0)));
        assert_eq!(extent(std::iter::empty::<&[f64]>()), None);
    }

    #[test]
    fn lines_are_cut_at_the_edges() {
        // Inside, out through the top, back in, out through the bottom.
        let pts = [(1.0, 0.0), (2.0, 20.0), (3.0, 0.0), (4.0, -20.0)];
        let pieces = clip_polyline(&pts, -10.0, 10.0);
        assert_eq!(
            pieces,
            vec![
                vec![(1.0, 0.0), (1.5, 10.0)],
                vec![(2.5, 10.0), (3.0, 0.0), (3.5, -10.0)],
            ]
        );
        // Straight through from below to above.
        let through = clip_polyline(&[(0.0, -20.0), (4.0, 20.0)], -10.0, 10.0);
        assert_eq!(through, vec![vec![(1.0, -10.0), (3.0, 10.0)]]);
        // Wholly inside or wholly outside.
        let inside = [(0.0, 1.0), (1.0, 2.0)];
        assert_eq!(clip_polyline(&inside, 0.0, 5.0), vec![inside.to_vec()]);
        assert!(clip_polyline(&[(0.0, 9.0), (1.0, 8.0)], 0.0, 5.0).is_empty());
    }
}
