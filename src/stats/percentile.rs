//! Percentiles with a rank guarantee: each reported pXX lies between the
//! sample's own p(XX - 0.5) and p(XX + 0.5), whatever the distribution.
//!
//! Percentiles follow NumPy's default (`linear`) sample quantile: with n
//! values sorted as x(0) <= ... <= x(n - 1) and h = q (n - 1), the
//! q-quantile is x(floor h) interpolated towards x(ceil h).
//!
//! **From the sketch alone.** A [`QuantileSketch`] within its exact budget
//! answers exactly. Past it, its histogram knows each bin's exact count,
//! minimum and maximum, so an order statistic x(r) is known to lie within
//! its bin's range, and exactly when r falls on the bin's minimum or
//! maximum. Let a = ceil((q - 0.005)(n - 1)) and b = floor((q + 0.005)(n -
//! 1)): the sample's p(q - 0.005) is at most x(a) and its p(q + 0.005) at
//! least x(b), so every v with x(a) <= v <= x(b) lies in the window. When
//! the largest value x(a) can have is no more than the least x(b) can have
//! (the bins between them hold about 1 % of the values, as they do for
//! spread-out figures), the sketch's interpolated estimate clamped into
//! that interval is reported: it is provably within the window. (The ranks
//! used are one further in where rounding could put them on either side of
//! a whole number, so the test never trusts an ulp.)
//!
//! **By recounting.** Otherwise (a narrow distribution whose bins each hold
//! much of the mass, such as a large market that almost always sells out,
//! or a figure pinned near one value), the percentile is computed exactly:
//! the two order statistics its interpolation needs are found by counting
//! the same values again. The caller makes one more pass over every value
//! (the simulation is deterministic, so the driver simulates the same
//! trajectories again) and feeds each [`Recount`]: the values within one
//! bin's range, in up to [`RECOUNT_BINS_MAX`] equal-width sub-bins that
//! remember their extremes. The rank's sub-bin then either pins the value
//! (the rank falls on its minimum or maximum) or narrows the range for the
//! next pass, by a factor of up to 4,096; the ranges of every percentile
//! still open go into the same pass. Narrow money figures settle in one
//! pass, atoms at once, and a pass never holds more than
//! [`RECOUNT_BUDGET`] sub-bins, so memory stays flat in n.
//!
//! Counts and extremes are order-free, so recounts merged from any number
//! of threads give the same result, bit for bit.

use super::QuantileSketch;
use super::bin::{Bin, Located, locate_ranks};

/// The percentiles a run reports for every distribution, by name.
pub const REPORTED_PERCENTILES: [(&str, f64); 5] = [
    ("p5", 0.05),
    ("p25", 0.25),
    ("p50", 0.5),
    ("p75", 0.75),
    ("p95", 0.95),
];

/// Half the width of the rank window, as a share of the values: pXX lies
/// between p(XX - 0.5) and p(XX + 0.5).
pub const RANK_TOLERANCE: f64 = 0.005;

/// Most sub-bins one recounting pass holds over all of its ranges (32
/// bytes each, so 8 MiB per thread).
pub(crate) const RECOUNT_BUDGET: usize = 1 << 18;

/// Most sub-bins of one range.
pub(crate) const RECOUNT_BINS_MAX: usize = 4096;

/// Fewest sub-bins of one range.
const RECOUNT_BINS_MIN: usize = 16;

/// Passes after which a search stops and reports the sketch's clamped
/// estimate. Every pass leaves the rank's range with fewer distinct values
/// (its minimum and maximum fall into other sub-bins), and a pass narrows a
/// range of money figures by the number of sub-bins, so real data never
/// comes near it.
const MAX_PASSES: usize = 64;

/// A range of one source's values to count again, finely.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecountRange {
    /// Which of the sketches the values belong to (its index).
    pub source: usize,
    /// The least value of the range (a bin's minimum).
    pub lo: f64,
    /// The greatest value of the range (a bin's maximum).
    pub hi: f64,
    /// Sub-bins to count it in.
    bins: usize,
}

/// Fine counts of the values within one [`RecountRange`]: equal-width
/// sub-bins, each with its count and extremes. Values outside the range
/// are ignored.
#[derive(Debug, Clone)]
pub struct Recount {
    lo: f64,
    hi: f64,
    /// Half of `lo`, and sub-bins per half unit: the position is computed
    /// on halves so that no difference of two finite values overflows.
    half_lo: f64,
    scale: f64,
    bins: Vec<Bin>,
}

impl Recount {
    /// Empty counts for `range`.
    pub fn new(range: &RecountRange) -> Self {
        let half_lo = range.lo * 0.5;
        Recount {
            lo: range.lo,
            hi: range.hi,
            half_lo,
            scale: range.bins as f64 / (range.hi * 0.5 - half_lo),
            bins: vec![Bin::EMPTY; range.bins],
        }
    }

    /// Counts `v` if it lies within the range.
    #[inline]
    pub fn add(&mut self, v: f64) {
        if v >= self.lo && v <= self.hi {
            // Monotone in v, so the sub-bins cover disjoint, ascending
            // ranges. A range too narrow for the scale (scale = inf) puts
            // its minimum in the first sub-bin (0 * inf is NaN, cast to 0)
            // and every other value in the last.
            let i = ((v * 0.5 - self.half_lo) * self.scale) as usize;
            let last = self.bins.len() - 1;
            self.bins[i.min(last)].add(v, 1);
        }
    }

    /// Counts every value of `values` that lies within the range.
    pub fn extend(&mut self, values: &[f64]) {
        values.iter().for_each(|&v| self.add(v));
    }

    /// Adds the counts of `other`, a recount of the same range.
    pub fn merge(&mut self, other: &Recount) {
        assert_eq!(self.bins.len(), other.bins.len(), "recounts of one range");
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            a.merge(b);
        }
    }

    /// Adds each of `other` to the recount of the same range in `total`
    /// (the workers' recounts of one list of ranges).
    pub fn merge_all(total: &mut [Recount], other: &[Recount]) {
        for (a, b) in total.iter_mut().zip(other) {
            a.merge(b);
        }
    }
}

/// One order statistic still being looked for.
#[derive(Debug, Clone, Copy)]
struct Search {
    source: usize,
    rank: u64,
    at: Located,
}

/// The window ranks (a, b) of the q-quantile of n values: the sample's
/// p(q - 0.005) is at most x(a) and its p(q + 0.005) at least x(b). Each is
/// taken one rank further in when its h is a whole number, so that no
/// rounding of h can put it on the wrong side; a > b means the window lies
/// between two neighbouring order statistics.
fn window_ranks(q: f64, n: u64) -> (u64, u64) {
    let last = (n - 1) as f64;
    let h_lo = (q - RANK_TOLERANCE).max(0.0) * last;
    let h_hi = (q + RANK_TOLERANCE).min(1.0) * last;
    let a = (h_lo.floor() as u64 + 1).min(n - 1);
    let b = (h_hi.ceil() as u64).saturating_sub(1);
    (a, b)
}

/// The ranks floor(h) and ceil(h), h = q (n - 1), and the weight of the
/// second: NumPy's linear quantile is x(lo) + frac (x(hi) - x(lo)).
fn interpolation_ranks(q: f64, n: u64) -> (u64, u64, f64) {
    let h = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = h.floor() as u64;
    (lo, (lo + 1).min(n - 1), h - lo as f64)
}

/// The q-quantiles (`qs`, each in 0..=1) of each sketch, each within the
/// rank window of the module documentation; `None` for an empty sketch.
///
/// `recount` is called for each pass that a narrow distribution needs, with
/// the ranges to count: it must feed every value of each range's source
/// (the very values the sketch was given) to a [`Recount::new`] of that
/// range, and return the recounts in the order of the ranges. Most runs
/// need no pass at all; its error, if any, ends the computation.
pub fn certified_quantiles<E>(
    sketches: &[&QuantileSketch],
    qs: &[f64],
    mut recount: impl FnMut(&[RecountRange]) -> Result<Vec<Recount>, E>,
) -> Result<Vec<Option<Vec<f64>>>, E> {
    let mut out: Vec<Option<Vec<f64>>> = Vec::with_capacity(sketches.len());
    // Per sketch, the quantiles that need exact order statistics: (index
    // in qs, searches for x(lo) and x(hi), weight of x(hi)).
    let mut exact_needed: Vec<(usize, usize, usize, usize, f64)> = Vec::new();
    let mut searches: Vec<Search> = Vec::new();
    for (source, sketch) in sketches.iter().enumerate() {
        let n = sketch.count();
        let Some(estimates) = sketch.quantiles(qs) else {
            out.push(None);
            continue;
        };
        if sketch.is_exact() {
            out.push(Some(estimates));
            continue;
        }
        let mut ranks: Vec<u64> = qs
            .iter()
            .flat_map(|&q| {
                let (a, b) = window_ranks(q, n);
                let (lo, hi, _) = interpolation_ranks(q, n);
                [a, b, lo, hi]
            })
            .collect();
        ranks.sort_unstable();
        ranks.dedup();
        let located = sketch.locate(&ranks);
        let at = |r: u64| located[ranks.binary_search(&r).expect("rank listed")];
        let mut values = estimates;
        for (i, &q) in qs.iter().enumerate() {
            let (a, b) = window_ranks(q, n);
            let (floor, ceil) = (at(a).upper(), at(b).lower());
            if a <= b && floor <= ceil {
                values[i] = values[i].clamp(floor, ceil);
                continue;
            }
            let (lo, hi, frac) = interpolation_ranks(q, n);
            let mut search = |rank: u64| {
                searches.push(Search {
                    source,
                    rank,
                    at: at(rank),
                });
                searches.len() - 1
            };
            let (s_lo, s_hi) = (search(lo), search(hi));
            exact_needed.push((source, i, s_lo, s_hi, frac));
        }
        out.push(Some(values));
    }

    for _ in 0..MAX_PASSES {
        let mut ranges: Vec<RecountRange> = Vec::new();
        let mut which: Vec<Option<usize>> = Vec::with_capacity(searches.len());
        for s in &searches {
            which.push(match s.at {
                Located::Exact(_) => None,
                Located::Within { lo, hi, .. } => Some(
                    ranges
                        .iter()
                        .position(|r| r.source == s.source && r.lo == lo && r.hi == hi)
                        .unwrap_or_else(|| {
                            ranges.push(RecountRange {
                                source: s.source,
                                lo,
                                hi,
                                bins: 0,
                            });
                            ranges.len() - 1
                        }),
                ),
            });
        }
        if ranges.is_empty() {
            break;
        }
        let bins = (RECOUNT_BUDGET / ranges.len())
            .clamp(RECOUNT_BINS_MIN, RECOUNT_BINS_MAX)
            .next_power_of_two()
            .min(RECOUNT_BINS_MAX);
        ranges.iter_mut().for_each(|r| r.bins = bins);
        let counts = recount(&ranges)?;
        assert_eq!(counts.len(), ranges.len(), "one recount per range");
        for (s, w) in searches.iter_mut().zip(&which) {
            if let (Some(w), Located::Within { rank, .. }) = (*w, s.at) {
                s.at = locate_ranks(counts[w].bins.iter(), &[rank])[0];
            }
        }
    }

    for (source, i, s_lo, s_hi, frac) in exact_needed {
        let value = |s: &Search| match s.at {
            Located::Exact(v) => Some(v),
            Located::Within { .. } => None,
        };
        let (lo, hi) = (&searches[s_lo], &searches[s_hi]);
        debug_assert_eq!((lo.source, hi.source), (source, source));
        if let (Some(a), Some(b)) = (value(lo), value(hi)) {
            let v = if frac == 0.0 || lo.rank == hi.rank {
                a
            } else {
                a + frac * (b - a)
            };
            out[source].as_mut().expect("a sketch with values")[i] = v;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_ranks_bracket_the_window_at_every_size() {
        for n in 1..2000u64 {
            for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
                let (a, b) = window_ranks(q, n);
                assert!(a < n && b < n);
                let last = (n - 1) as f64;
                let lo = ((q - RANK_TOLERANCE).max(0.0) * last).ceil() as u64;
                let hi = ((q + RANK_TOLERANCE).min(1.0) * last).floor() as u64;
                assert!(a >= lo.min(n - 1) && b <= hi, "n {n} q {q}: {a} {b}");
            }
        }
    }

    #[test]
    fn recount_sub_bins_are_ascending_and_cover_the_range() {
        for (lo, hi) in [
            (0.0, 1.0),
            (-3.0, 5.0),
            (1e300, 1.5e300),
            (-f64::MAX, f64::MAX),
        ] {
            let range = RecountRange {
                source: 0,
                lo,
                hi,
                bins: 64,
            };
            let mut r = Recount::new(&range);
            let values: Vec<f64> = (0..=1000)
                .map(|j| {
                    let t = j as f64 / 1000.0;
                    (lo * (1.0 - t) + hi * t).clamp(lo, hi)
                })
                .collect();
            r.extend(&values);
            r.add(f64::INFINITY);
            r.add(lo - 1.0 - lo.abs());
            let filled: Vec<&Bin> = r.bins.iter().filter(|b| b.count > 0).collect();
            assert_eq!(filled.iter().map(|b| b.count as usize).sum::<usize>(), 1001);
            assert!(filled.windows(2).all(|w| w[0].max < w[1].min), "{lo} {hi}");
            assert_eq!(filled.first().unwrap().min, lo);
            assert_eq!(filled.last().unwrap().max, hi);
        }
    }
}
