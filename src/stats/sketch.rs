//! A mergeable quantile sketch: a log-linear histogram that remembers the
//! smallest and largest value in every bin.
//!
//! Values are binned by their binary exponent and the top
//! [`SUB_BITS`] bits of their mantissa (as in HdrHistogram), so a bin spans
//! at most [`SKETCH_RELATIVE_WIDTH`] of its lower edge; exact zeros have a
//! bin of their own, and magnitudes below 2^[`MIN_EXP`] share the lowest bin
//! of their sign. Each bin keeps its count, minimum and maximum.
//!
//! A quantile is found like NumPy's default (`linear`) sample quantile: the
//! order statistics at ranks floor(h) and ceil(h), h = q (n - 1), linearly
//! interpolated. An order statistic is read from the bin holding its rank,
//! spreading the bin's values evenly between its minimum and maximum. So:
//!
//! - values that fall alone in their bin, atoms (many trajectories with the
//!   same value: zero after an end, a fixed monthly cost with no customers)
//!   and whole numbers below 2^SUB_BITS are reported exactly;
//! - otherwise the reported order statistic lies in the same bin as the true
//!   one, within [`SKETCH_RELATIVE_WIDTH`] of it, and within the true
//!   p(XX - 0.5)..p(XX + 0.5) whenever that bin holds no more than 0.5 % of
//!   the trajectories (which the tests check on the benchmark scenario).
//!
//! Merging adds counts and takes minima and maxima, so the result does not
//! depend on the order in which values or partial sketches arrive: the
//! driver may merge per-thread sketches in any order and stay reproducible.

/// Mantissa bits that index the bins within one power of two.
pub const SUB_BITS: u32 = 7;
/// Smallest binary exponent with bins of its own.
pub const MIN_EXP: i32 = -10;
/// Largest width of a bin relative to its lower edge: 2^-SUB_BITS.
pub const SKETCH_RELATIVE_WIDTH: f64 = 1.0 / (1u64 << SUB_BITS) as f64;

const SIGN: u64 = 1 << 63;
const SUB_MASK: u64 = (1 << SUB_BITS) - 1;

#[derive(Debug, Clone, Copy)]
struct Bin {
    count: u64,
    min: f64,
    max: f64,
}

impl Bin {
    const EMPTY: Bin = Bin {
        count: 0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };

    #[inline]
    fn add(&mut self, v: f64) {
        self.count += 1;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
    }

    fn merge(&mut self, o: &Bin) {
        self.count += o.count;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    /// The j-th smallest of this bin's values (0-based), spread evenly
    /// between its minimum and maximum.
    fn value(&self, j: u64) -> f64 {
        if self.count <= 1 || self.min == self.max {
            self.min
        } else {
            self.min + (self.max - self.min) * (j as f64 / (self.count - 1) as f64)
        }
    }
}

/// Bins for one sign, dense over the range of keys seen so far.
#[derive(Debug, Clone, Default)]
struct Store {
    offset: u32,
    bins: Vec<Bin>,
}

impl Store {
    #[inline]
    fn add(&mut self, key: u32, v: f64) {
        let end = self.offset as usize + self.bins.len();
        if key < self.offset || key as usize >= end {
            self.grow(key);
        }
        self.bins[(key - self.offset) as usize].add(v);
    }

    #[cold]
    fn grow(&mut self, key: u32) {
        if self.bins.is_empty() {
            self.offset = key;
            self.bins.push(Bin::EMPTY);
            return;
        }
        let lo = self.offset.min(key);
        let hi = (self.offset as usize + self.bins.len()).max(key as usize + 1);
        let mut bins = vec![Bin::EMPTY; hi - lo as usize];
        let shift = (self.offset - lo) as usize;
        bins[shift..shift + self.bins.len()].copy_from_slice(&self.bins);
        self.bins = bins;
        self.offset = lo;
    }

    fn merge(&mut self, o: &Store) {
        if o.bins.is_empty() {
            return;
        }
        self.grow(o.offset);
        self.grow(o.offset + o.bins.len() as u32 - 1);
        let shift = (o.offset - self.offset) as usize;
        for (a, b) in self.bins[shift..].iter_mut().zip(&o.bins) {
            a.merge(b);
        }
    }
}

/// A mergeable quantile sketch; see the module documentation for its
/// accuracy.
#[derive(Debug, Clone)]
pub struct QuantileSketch {
    negative: Store,
    zero: Bin,
    positive: Store,
    count: u64,
}

impl Default for QuantileSketch {
    fn default() -> Self {
        QuantileSketch {
            negative: Store::default(),
            zero: Bin::EMPTY,
            positive: Store::default(),
            count: 0,
        }
    }
}

impl QuantileSketch {
    /// An empty sketch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of values seen.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Adds one finite value.
    #[inline]
    pub fn insert(&mut self, v: f64) {
        debug_assert!(v.is_finite(), "sketch got {v}");
        self.count += 1;
        let bits = v.to_bits();
        let mag = bits & !SIGN;
        if mag == 0 {
            self.zero.add(v);
            return;
        }
        let exp = (mag >> 52) as i32 - 1023;
        let key = if exp < MIN_EXP {
            0
        } else {
            (((exp - MIN_EXP) as u32) << SUB_BITS) | ((mag >> (52 - SUB_BITS)) & SUB_MASK) as u32
        };
        if bits & SIGN != 0 {
            self.negative.add(key, v);
        } else {
            self.positive.add(key, v);
        }
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &QuantileSketch) {
        self.negative.merge(&other.negative);
        self.zero.merge(&other.zero);
        self.positive.merge(&other.positive);
        self.count += other.count;
    }

    /// Bins in ascending order of value.
    fn bins_ascending(&self) -> impl Iterator<Item = &Bin> {
        self.negative
            .bins
            .iter()
            .rev()
            .chain(std::iter::once(&self.zero))
            .chain(self.positive.bins.iter())
            .filter(|b| b.count > 0)
    }

    /// The order statistic of 0-based rank `r` (r < count).
    fn order_statistic(&self, r: u64) -> f64 {
        let mut before = 0;
        for bin in self.bins_ascending() {
            if r < before + bin.count {
                return bin.value(r - before);
            }
            before += bin.count;
        }
        unreachable!("rank {r} beyond {} values", self.count)
    }

    /// The q-quantile (0 <= q <= 1) with linear interpolation between order
    /// statistics, or `None` for an empty sketch.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let h = q.clamp(0.0, 1.0) * (self.count - 1) as f64;
        let lo = h.floor() as u64;
        let frac = h - lo as f64;
        let a = self.order_statistic(lo);
        if frac == 0.0 || lo + 1 >= self.count {
            return Some(a);
        }
        let b = self.order_statistic(lo + 1);
        Some(a + frac * (b - a))
    }

    /// Smallest value seen.
    pub fn min(&self) -> Option<f64> {
        self.bins_ascending().next().map(|b| b.min)
    }

    /// Largest value seen.
    pub fn max(&self) -> Option<f64> {
        self.bins_ascending().last().map(|b| b.max)
    }

    /// Number of values <= x, counting a bin that straddles x in proportion
    /// (for charts' histograms).
    pub fn count_at_most(&self, x: f64) -> f64 {
        let mut total = 0.0;
        for bin in self.bins_ascending() {
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
    fn empty_sketch_has_no_quantiles() {
        assert_eq!(QuantileSketch::new().quantile(0.5), None);
    }
}
