//! A mergeable quantile sketch: exact order statistics within a fixed
//! budget, a log-linear histogram beyond it.
//!
//! **Exact mode.** While a sketch has seen at most [`EXACT_CAPACITY`]
//! distinct values it keeps each value's count
//! ([`ExactCounts`](super::exact_counts::ExactCounts)), and its quantiles
//! are the exact sample quantiles.
//!
//! **Histogram mode.** Past the budget the values move into a log-linear
//! histogram ([`Histogram`](super::histogram::Histogram)) whose bins span
//! at most [`SKETCH_RELATIVE_WIDTH`](super::histogram::SKETCH_RELATIVE_WIDTH) (0.8 %) of their lower edge and
//! remember their extremes. A sketch made [`QuantileSketch::with_atoms`]
//! also counts given values exactly outside the bins. An order statistic
//! is thus known exactly or known to lie within one bin (and between two
//! atoms); [`QuantileSketch::quantiles`] spreads a bin's inner values
//! evenly between its extremes, and [`crate::stats::certified_quantiles`]
//! turns what the sketch knows into percentiles with the contract's rank
//! guarantee.
//!
//! Quantiles follow NumPy's default (`linear`) sample quantile: the order
//! statistics at ranks floor(h) and ceil(h), h = q (n - 1), interpolated.
//!
//! **Merging** is order-free: counts add, minima and maxima combine, and a
//! merge spills to the histogram exactly when the union outgrows the
//! budget. So per-thread sketches merged in any order give the same result,
//! which keeps runs reproducible for every thread count. Memory per sketch
//! is bounded by the budget (about 100 KiB) or the histogram's range, never
//! by the number of values.
//!
//! **Moments.** [`QuantileSketch::extend_with_moments`] also returns a
//! batch's moments, bit for bit as [`ShiftedSums`] gives them; a batch of
//! small whole numbers gets them from its counts in exact integer
//! arithmetic, without another pass over the values.

use super::bin::Located;
use super::exact_counts::{
    ExactCounts, TWO_POW_52, exact_order_statistics, key, small_index_of_whole,
};
use super::histogram::{Atoms, Histogram};
use super::moments::{Moments, ShiftedSums};

/// Distinct values a sketch counts exactly before it spills into its
/// histogram.
pub(crate) const EXACT_CAPACITY: usize = 4096;

/// Whole numbers below this take the local-table shortcut of
/// [`QuantileSketch::extend_with_moments`]: their shifted squares are below
/// 2^16, so for any batch under 2^37 values every shifted sum is an exact
/// integer below 2^53.
pub(crate) const LOCAL_LIMIT: usize = 256;

/// Batches at least this long warm the sketch's tables first (see
/// [`touch_lines`]); single values do not.
const WARM_BATCH: usize = 256;

/// A mergeable quantile sketch; see the module documentation for its
/// accuracy.
#[derive(Debug, Clone)]
pub struct QuantileSketch {
    /// Exact counts by value while there are at most [`EXACT_CAPACITY`]
    /// distinct values; `None` once spilled into `histogram`.
    exact: Option<ExactCounts>,
    histogram: Histogram,
    count: u64,
}

impl Default for QuantileSketch {
    fn default() -> Self {
        QuantileSketch {
            exact: Some(ExactCounts::new()),
            histogram: Histogram::default(),
            count: 0,
        }
    }
}

impl QuantileSketch {
    /// An empty sketch.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty sketch that, past its exact budget, still counts each of
    /// `atoms` exactly (values that hold much of the mass, such as the
    /// figures of a month in which many trajectories are alike): the
    /// percentiles that fall on or between them are then placed without
    /// recounting (see [`crate::stats::certified_quantiles`]).
    pub fn with_atoms(atoms: Vec<f64>) -> Self {
        let mut sketch = Self::default();
        sketch.histogram.atoms = Atoms::new(atoms);
        sketch
    }

    /// Number of values seen.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether every value is still counted exactly.
    pub fn is_exact(&self) -> bool {
        self.exact.is_some()
    }

    /// Adds one finite value.
    #[inline(always)]
    pub fn insert(&mut self, v: f64) {
        self.extend(std::slice::from_ref(&v));
    }

    /// Adds a batch of finite values.
    pub fn extend(&mut self, values: &[f64]) {
        if values.len() >= WARM_BATCH {
            self.warm();
        }
        self.add_batch(values);
    }

    /// Sweeps the tables into cache (see [`touch_lines`]).
    fn warm(&self) {
        std::hint::black_box(match &self.exact {
            Some(map) => map.touch(),
            None => self.histogram.touch(),
        });
    }

    /// [`QuantileSketch::extend`] without the sweep.
    fn add_batch(&mut self, values: &[f64]) {
        self.count += values.len() as u64;
        let mut rest = values;
        if let Some(map) = &mut self.exact {
            if map.add_whole_numbers(values) {
                if map.len() > EXACT_CAPACITY {
                    self.spill();
                }
                return;
            }
            if !map.hash_all {
                map.hash_everything();
            }
            // Runs of values already in the table, each new one added on
            // its own, until the values end or the budget overflows.
            loop {
                rest = &rest[map.count_known(rest)..];
                let Some((&v, after)) = rest.split_first() else {
                    break;
                };
                map.add_key(key(v), 1);
                rest = after;
                if map.len() > EXACT_CAPACITY {
                    break;
                }
            }
            if map.len() > EXACT_CAPACITY {
                self.spill();
            }
        }
        for &v in rest {
            debug_assert!(v.is_finite(), "sketch got {v}");
            self.histogram.insert(v, 1);
        }
    }

    /// Adds a batch of finite values, as [`QuantileSketch::extend`], and
    /// returns their moments, as [`ShiftedSums`] pushed in order gives them
    /// (bit for bit).
    ///
    /// A batch of whole numbers below `LOCAL_LIMIT` (256), such as
    /// customers, new customers or competitors, takes a shortcut: one pass tests the values,
    /// a second counts them in a small local table with four counters per
    /// value (a run of equal values would otherwise make each increment
    /// wait for the previous one), and the moments come from those counts
    /// in exact integer arithmetic. For such values every partial sum of
    /// [`ShiftedSums`] is an exact integer in f64 as well, so both ways give
    /// the same bits, without a third pass over the values.
    pub fn extend_with_moments(&mut self, values: &[f64]) -> Moments {
        if values.len() >= WARM_BATCH {
            self.warm();
        }
        self.add_with_moments(values)
    }

    /// Adds `values` as [`QuantileSketch::extend_with_moments`] would,
    /// `piece` values at a time, and returns each piece's moments: the
    /// same sketch and the same moments, bit for bit, but the tables are
    /// swept into cache once for all the pieces.
    pub fn extend_with_moments_by(&mut self, values: &[f64], piece: usize) -> Vec<Moments> {
        if values.len() >= WARM_BATCH {
            self.warm();
        }
        values
            .chunks(piece.max(1))
            .map(|part| self.add_with_moments(part))
            .collect()
    }

    /// [`QuantileSketch::extend_with_moments`] without the sweep.
    fn add_with_moments(&mut self, values: &[f64]) -> Moments {
        if let Some(m) = self.extend_small_whole(values) {
            return m;
        }
        self.add_batch(values);
        let mut sums = ShiftedSums::default();
        values.iter().for_each(|&v| sums.push(v));
        sums.moments()
    }

    /// The shortcut of [`QuantileSketch::extend_with_moments`]; `None`
    /// (and nothing added) unless every value is a whole number in
    /// 0..[`LOCAL_LIMIT`] and the sketch is exact.
    fn extend_small_whole(&mut self, values: &[f64]) -> Option<Moments> {
        let map = self.exact.as_mut().filter(|m| !m.hash_all)?;
        let &first = values.first()?;
        // A test without early exit within blocks, which the compiler can
        // vectorise, and with it between blocks: other figures fail in
        // their first block.
        let small = values.chunks(64).all(|block| {
            block.iter().fold(true, |ok, &v| {
                ok & ((v + TWO_POW_52) - TWO_POW_52 == v) & (v >= 0.0) & (v < LOCAL_LIMIT as f64)
            })
        });
        if !small {
            return None;
        }
        let mut local = [0u32; 4 * LOCAL_LIMIT];
        for (i, &v) in values.iter().enumerate() {
            local[(small_index_of_whole(v) << 2) | (i & 3)] += 1;
        }
        let shift = small_index_of_whole(first) as i64;
        let (mut s1, mut s2) = (0i64, 0i64);
        for (v, lanes) in local.chunks_exact(4).enumerate() {
            let n: u32 = lanes.iter().sum();
            if n > 0 {
                map.add_small(v, n as u64);
                let d = v as i64 - shift;
                s1 += n as i64 * d;
                s2 += n as i64 * d * d;
            }
        }
        self.count += values.len() as u64;
        if map.len() > EXACT_CAPACITY {
            self.spill();
        }
        // The first value's own sign: -0 shifts as -0 does when pushed.
        Some(ShiftedSums::from_exact(values.len() as u64, first, s1, s2).moments())
    }

    #[cold]
    fn spill(&mut self) {
        if let Some(map) = self.exact.take() {
            for (bits, n) in map.iter() {
                self.histogram.insert(f64::from_bits(bits), n as u32);
            }
        }
    }

    /// Adds every value of `other`. The result depends only on the multiset
    /// of values, never on the order of inserts and merges: it stays exact
    /// exactly when the union has at most `EXACT_CAPACITY` (4096) distinct values,
    /// and a histogram's bins are sums, minima and maxima.
    pub fn merge(&mut self, other: &QuantileSketch) {
        self.count += other.count;
        match (&mut self.exact, &other.exact) {
            (Some(a), Some(b)) => {
                for (k, n) in b.iter() {
                    a.add(f64::from_bits(k), n);
                }
                if a.len() > EXACT_CAPACITY {
                    self.spill();
                }
            }
            (_, Some(b)) => {
                for (k, n) in b.iter() {
                    self.histogram.insert(f64::from_bits(k), n as u32);
                }
            }
            (_, None) => {
                self.spill();
                self.histogram.merge(&other.histogram);
            }
        }
    }

    /// Distinct values and their counts, ascending (exact mode only).
    fn sorted_exact(&self) -> Option<Vec<(f64, u64)>> {
        self.exact.as_ref().map(ExactCounts::sorted)
    }

    /// The q-quantiles (each 0 <= q <= 1) with linear interpolation between
    /// order statistics, or `None` for an empty sketch.
    pub fn quantiles(&self, qs: &[f64]) -> Option<Vec<f64>> {
        if self.count == 0 {
            return None;
        }
        // Each q needs the order statistics at ranks floor(h) and
        // ceil(h), h = q (n - 1): all of them are read in one walk.
        let at: Vec<(u64, f64)> = qs
            .iter()
            .map(|q| {
                let h = q.clamp(0.0, 1.0) * (self.count - 1) as f64;
                let lo = h.floor() as u64;
                (lo, h - lo as f64)
            })
            .collect();
        let mut ranks: Vec<u64> = at
            .iter()
            .flat_map(|&(lo, _)| [lo, (lo + 1).min(self.count - 1)])
            .collect();
        ranks.sort_unstable();
        ranks.dedup();
        let stats = match self.sorted_exact() {
            Some(values) => exact_order_statistics(&values, &ranks),
            None => self
                .histogram
                .locate(&ranks)
                .iter()
                .map(Located::estimate)
                .collect(),
        };
        let stat = |r: u64| stats[ranks.binary_search(&r).expect("rank listed")];
        Some(
            at.iter()
                .map(|&(lo, frac)| {
                    let a = stat(lo);
                    if frac == 0.0 || lo + 1 >= self.count {
                        a
                    } else {
                        a + frac * (stat(lo + 1) - a)
                    }
                })
                .collect(),
        )
    }

    /// Where the order statistics of the 0-based `ranks` (ascending, each
    /// below the count) lie: their values while the sketch is exact, else
    /// the bins that hold them.
    pub(crate) fn locate(&self, ranks: &[u64]) -> Vec<Located> {
        match self.sorted_exact() {
            Some(values) => exact_order_statistics(&values, ranks)
                .into_iter()
                .map(Located::Exact)
                .collect(),
            None => self.histogram.locate(ranks),
        }
    }

    /// The q-quantile (0 <= q <= 1), or `None` for an empty sketch.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.quantiles(&[q]).map(|v| v[0])
    }

    /// Smallest value seen.
    pub fn min(&self) -> Option<f64> {
        match self.sorted_exact() {
            Some(v) => v.first().map(|x| x.0),
            None => self.histogram.min(),
        }
    }

    /// Largest value seen.
    pub fn max(&self) -> Option<f64> {
        match self.sorted_exact() {
            Some(v) => v.last().map(|x| x.0),
            None => self.histogram.max(),
        }
    }

    /// Number of values <= x; in histogram mode a bin that straddles x
    /// counts in proportion (for charts' histograms).
    pub fn count_at_most(&self, x: f64) -> f64 {
        if let Some(map) = &self.exact {
            // Counted in integers: a float sum of no terms is -0.
            return map
                .iter()
                .filter(|(k, _)| f64::from_bits(*k) <= x)
                .map(|(_, n)| n)
                .sum::<u64>() as f64;
        }
        let atoms = &self.histogram.atoms;
        let mut total = atoms
            .values
            .iter()
            .zip(&atoms.equal)
            .filter(|(a, _)| **a <= x)
            .map(|(_, n)| *n)
            .sum::<u64>() as f64;
        for bin in self.histogram.bins_ascending() {
            if bin.max <= x {
                total += bin.count as f64;
            } else if bin.min <= x {
                total += bin.count as f64 * (x - bin.min) / (bin.max - bin.min);
            } else {
                break;
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::super::SKETCH_RELATIVE_WIDTH;
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// NumPy's linear quantile on sorted data.
    fn exact(sorted: &[f64], q: f64) -> f64 {
        let h = q * (sorted.len() - 1) as f64;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(sorted.len() - 1);
        sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
    }

    fn sorted(mut v: Vec<f64>) -> Vec<f64> {
        v.sort_by(f64::total_cmp);
        v
    }

    #[test]
    fn whole_numbers_and_fractions_count_alike() {
        // Values on both sides of the direct table's edges, -0 and
        // fractions, merged from two halves: every quantile exact, and the
        // distinct count spills exactly past the budget.
        let edges = [
            -0.0, 0.0, 0.5, 1.0, 4094.5, 4095.0, 4095.5, 4096.0, 1e15, -3.0,
        ];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let xs: Vec<f64> = (0..20_000)
            .map(|_| match rng.random_range(0..3) {
                0 => edges[rng.random_range(0..edges.len())],
                1 => rng.random_range(0..5000) as f64,
                _ => rng.random_range(0..5000) as f64 + 0.25,
            })
            .collect();
        let (mut a, mut b) = (QuantileSketch::new(), QuantileSketch::new());
        a.extend(&xs[..7000]);
        b.extend(&xs[7000..]);
        a.merge(&b);
        let distinct = {
            let mut k: Vec<u64> = xs.iter().map(|x| (x + 0.0).to_bits()).collect();
            k.sort_unstable();
            k.dedup();
            k.len()
        };
        assert_eq!(a.is_exact(), distinct <= EXACT_CAPACITY);
        let small: Vec<f64> = xs.iter().copied().filter(|x| x.abs() < 700.0).collect();
        let mut s = QuantileSketch::new();
        s.extend(&small);
        assert!(s.is_exact());
        let sorted_small = sorted(small);
        for q in [0.0, 0.01, 0.3, 0.5, 0.77, 0.99, 1.0] {
            assert_eq!(s.quantile(q), Some(exact(&sorted_small, q)), "q = {q}");
        }
        assert_eq!(
            s.count_at_most(0.0),
            sorted_small.iter().filter(|x| **x <= 0.0).count() as f64
        );
    }

    #[test]
    fn no_value_at_most_x_counts_as_plus_zero() {
        // Regression: a float sum of no terms is -0, and the final chart
        // printed "-0.0 % of trajectories ended below break-even".
        let mut s = QuantileSketch::new();
        s.extend(&[0.0, 5.0]);
        assert_eq!(s.count_at_most(-1.0).to_bits(), 0.0f64.to_bits());
        let mut h = QuantileSketch::with_atoms(vec![7.0]);
        h.extend(
            &(0..10_000)
                .map(|i| 100.0 + i as f64 * 0.001)
                .collect::<Vec<_>>(),
        );
        assert!(!h.is_exact());
        assert_eq!(h.count_at_most(-1.0).to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn moments_by_piece_match_one_call_a_piece() {
        // A column of small whole numbers, one of money figures and one
        // that spills past the exact budget partway, cut into pieces of
        // 2,048 (the last one short): the same moments bit for bit and the
        // same sketch as extend_with_moments on each piece in turn.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(21);
        let columns: Vec<Vec<f64>> = vec![
            (0..5000).map(|_| rng.random_range(0..40) as f64).collect(),
            (0..5000)
                .map(|_| (rng.random_range(0..300) as f64 * 29.0 * 0.97).floor() / 4.0)
                .collect(),
            (0..9000).map(|i| i as f64 * 0.25 - 100.0).collect(),
        ];
        for column in &columns {
            let (mut a, mut b) = (QuantileSketch::new(), QuantileSketch::new());
            let by_piece = a.extend_with_moments_by(column, 2048);
            let one_by_one: Vec<Moments> = column
                .chunks(2048)
                .map(|piece| b.extend_with_moments(piece))
                .collect();
            assert_eq!(by_piece.len(), one_by_one.len());
            for (x, y) in by_piece.iter().zip(&one_by_one) {
                assert_same_bits(x, y);
            }
            assert_same_sketch(&a, &b);
        }
    }

    /// Moments equal bit for bit.
    fn assert_same_bits(x: &Moments, y: &Moments) {
        assert_eq!(x.n, y.n);
        assert_eq!(x.mean.to_bits(), y.mean.to_bits());
        assert_eq!(x.m2.to_bits(), y.m2.to_bits());
    }

    /// Sketches with the same counts, mode and quantiles.
    fn assert_same_sketch(a: &QuantileSketch, b: &QuantileSketch) {
        assert_eq!(a.count(), b.count());
        assert_eq!(a.is_exact(), b.is_exact());
        let qs = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0];
        assert_eq!(a.quantiles(&qs), b.quantiles(&qs));
    }

    #[test]
    fn moments_shortcut_matches_pushing_each_value() {
        // Batches that take the local-table shortcut (whole numbers below
        // 256, runs of equal values, -0 first) and batches that must not
        // (255.5, 256, a negative, a sketch already spilled): the sketch's
        // counts and quantiles, and the moments bit for bit, as extend()
        // followed by ShiftedSums gives them.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let whole: Vec<f64> = (0..4096)
            .map(|i| {
                if i % 7 < 3 {
                    0.0
                } else {
                    rng.random_range(0..256) as f64
                }
            })
            .collect();
        let mut neg_zero_first = whole.clone();
        neg_zero_first[0] = -0.0;
        let mut shortcut_cases = vec![whole.clone(), neg_zero_first, vec![255.0; 300]];
        shortcut_cases.push((0..4096).map(|i| ((i * 37) % 256) as f64).collect());
        let mut fallback_cases = Vec::new();
        for odd in [255.5, 256.0, -1.0] {
            let mut v = whole.clone();
            v[4000] = odd;
            fallback_cases.push(v);
        }
        let spilled: Vec<f64> = (0..5000).map(|i| i as f64 * 0.5).collect();
        let check = |before: &QuantileSketch, batch: &[f64], shortcut: bool| {
            assert_eq!(before.clone().extend_small_whole(batch).is_some(), shortcut);
            let (mut a, mut b) = (before.clone(), before.clone());
            let m = a.extend_with_moments(batch);
            b.extend(batch);
            let mut sums = ShiftedSums::default();
            batch.iter().for_each(|&v| sums.push(v));
            assert_same_bits(&m, &sums.moments());
            assert_same_sketch(&a, &b);
        };
        for batch in &shortcut_cases {
            check(&QuantileSketch::new(), batch, true);
        }
        for batch in &fallback_cases {
            check(&QuantileSketch::new(), batch, false);
        }
        let mut full = QuantileSketch::new();
        full.extend(&spilled);
        assert!(!full.is_exact());
        check(&full, &whole, false);
    }

    #[test]
    fn direct_table_moves_into_the_index_without_changing_counts() {
        // A sketch that counts whole batches in its direct table, then gets
        // a mixed batch (and so hashes everything from then on), merged both
        // ways with one that never switched: every quantile exact, the
        // distinct count right at the budget's edge (4,096 distinct values
        // stay exact, one more spills), whatever the order.
        let whole: Vec<f64> = (0..3000).map(|i| (i % 2000) as f64).collect();
        let mixed: Vec<f64> = (0..2096)
            .flat_map(|k| [5000.5 + k as f64, (k % 1500) as f64])
            .collect();
        let mut all: Vec<f64> = whole.iter().chain(&mixed).copied().collect();
        let distinct = |xs: &[f64]| {
            let mut k: Vec<u64> = xs.iter().map(|x| x.to_bits()).collect();
            k.sort_unstable();
            k.dedup();
            k.len()
        };
        assert_eq!(distinct(&all), EXACT_CAPACITY);
        let mut switched = QuantileSketch::new();
        switched.extend(&whole);
        switched.extend(&mixed);
        let mut plain = QuantileSketch::new();
        plain.extend(&whole);
        let (mut a, mut b) = (switched.clone(), plain.clone());
        a.merge(&plain);
        b.merge(&switched);
        all.extend(&whole);
        let all = sorted(all);
        for s in [&switched, &a, &b] {
            assert!(s.is_exact());
        }
        for q in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0] {
            let want = Some(exact(&all, q));
            assert_eq!(a.quantile(q), want, "q = {q}");
            assert_eq!(b.quantile(q), want, "q = {q}");
        }
        // One new value, whole or not, spills either way.
        for extra in [2500.0, 0.25] {
            let mut c = switched.clone();
            c.extend(&[extra]);
            assert!(!c.is_exact(), "{extra}");
        }
    }

    #[test]
    fn small_integers_and_atoms_are_exact() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut s = QuantileSketch::new();
        let mut v = Vec::new();
        for _ in 0..10_001 {
            let x = match rng.random_range(0..4) {
                0 => 0.0,
                1 => -45.0,
                _ => rng.random_range(0..120) as f64,
            };
            s.insert(x);
            v.push(x);
        }
        let v = sorted(v);
        assert!(s.is_exact());
        for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
            assert_eq!(s.quantile(q), Some(exact(&v, q)), "q = {q}");
        }
    }

    #[test]
    fn continuous_values_within_rank_window() {
        // Lognormal-ish money values of both signs: the reported pXX must lie
        // between the exact p(XX - 0.5) and p(XX + 0.5).
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        let mut s = QuantileSketch::new();
        let mut v = Vec::new();
        for _ in 0..200_000 {
            let x = (rng.random::<f64>() * 8.0).exp()
                * if rng.random::<f64>() < 0.3 { -1.0 } else { 1.0 };
            s.insert(x);
            v.push(x);
        }
        let v = sorted(v);
        assert!(!s.is_exact(), "200,000 distinct values use the histogram");
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let got = s.quantile(q).unwrap();
            assert!(
                exact(&v, q - 0.005) <= got && got <= exact(&v, q + 0.005),
                "q = {q}: {got} not within {}..{}",
                exact(&v, q - 0.005),
                exact(&v, q + 0.005)
            );
            let rel = (got - exact(&v, q)).abs() / exact(&v, q).abs();
            assert!(
                rel <= SKETCH_RELATIVE_WIDTH,
                "q = {q}: relative error {rel}"
            );
        }
    }

    #[test]
    fn merge_is_order_free() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let xs: Vec<f64> = (0..5000).map(|_| rng.random::<f64>() * 1e4 - 3e3).collect();
        let mut whole = QuantileSketch::new();
        xs.iter().for_each(|&x| whole.insert(x));
        let (mut a, mut b) = (QuantileSketch::new(), QuantileSketch::new());
        xs[..1234].iter().for_each(|&x| a.insert(x));
        xs[1234..].iter().for_each(|&x| b.insert(x));
        let mut ba = b.clone();
        ba.merge(&a);
        a.merge(&b);
        for q in [0.01, 0.3, 0.5, 0.99] {
            assert_eq!(a.quantile(q), whole.quantile(q));
            assert_eq!(ba.quantile(q), whole.quantile(q));
        }
        assert_eq!(a.min(), xs.iter().copied().reduce(f64::min));
    }

    #[test]
    fn spilling_is_order_free_across_the_budget() {
        // Two halves each within the exact budget whose union is not: the
        // merged sketch must equal the one fed every value directly.
        let xs: Vec<f64> = (0..EXACT_CAPACITY as u64 + 500)
            .map(|i| (i as f64 * 0.731).sin() * 1e3)
            .collect();
        let mid = xs.len() / 2;
        let (mut a, mut b, mut whole) = (
            QuantileSketch::new(),
            QuantileSketch::new(),
            QuantileSketch::new(),
        );
        a.extend(&xs[..mid]);
        b.extend(&xs[mid..]);
        whole.extend(&xs);
        assert!(a.is_exact() && b.is_exact() && !whole.is_exact());
        let mut ab = a.clone();
        ab.merge(&b);
        b.merge(&a);
        for q in [0.05, 0.5, 0.95] {
            assert_eq!(ab.quantile(q), whole.quantile(q));
            assert_eq!(b.quantile(q), whole.quantile(q));
        }
    }

    #[test]
    fn empty_sketch_has_no_quantiles() {
        assert_eq!(QuantileSketch::new().quantile(0.5), None);
    }
}
