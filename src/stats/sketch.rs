//! A mergeable quantile sketch: exact order statistics within a fixed
//! budget, a log-linear histogram beyond it.
//!
//! **Exact mode.** While a sketch has seen at most [`EXACT_CAPACITY`]
//! distinct values it keeps each value's count, and its quantiles are the
//! exact sample quantiles. Monthly figures of a hustle are mostly discrete
//! (whole customers at fixed prices, zero after an end), so most series stay
//! exact even for millions of trajectories.
//!
//! **Histogram mode.** Past the budget the values move into a log-linear
//! histogram: bins by binary exponent and the top [`SUB_BITS`] bits of the
//! mantissa (as in HdrHistogram), so a bin spans at most
//! [`SKETCH_RELATIVE_WIDTH`] (0.8 %) of its lower edge; exact zeros have a bin
//! of their own, and magnitudes below 2^[`MIN_EXP`] share the lowest bin of
//! their sign. Each bin keeps its count, its minimum and maximum with how
//! many values equal each, and the one value between them while there is
//! only one. A sketch made [`QuantileSketch::with_atoms`] also counts given
//! values exactly outside the bins, with how many other values lie between
//! each two. An order statistic is thus known exactly or known to lie
//! within one bin (and between two atoms); [`QuantileSketch::quantiles`]
//! spreads a bin's inner values evenly between its extremes, and
//! [`crate::stats::certified_quantiles`] turns what the sketch knows into
//! percentiles with the contract's rank guarantee.
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

use super::bin::{Bin, Located, locate_ranks};
use super::moments::{Moments, ShiftedSums};

/// Mantissa bits that index the bins within one power of two.
pub const SUB_BITS: u32 = 7;
/// Smallest binary exponent with bins of its own.
pub const MIN_EXP: i32 = -10;
/// Largest width of a bin relative to its lower edge: 2^-SUB_BITS.
pub const SKETCH_RELATIVE_WIDTH: f64 = 1.0 / (1u64 << SUB_BITS) as f64;

const SIGN: u64 = 1 << 63;

/// Bins for one sign, dense over the range of keys seen so far.
#[derive(Debug, Clone, Default)]
struct Store {
    offset: u32,
    bins: Vec<Bin>,
}

impl Store {
    #[inline]
    fn add(&mut self, key: u32, v: f64, n: u32) {
        let end = self.offset as usize + self.bins.len();
        if key < self.offset || key as usize >= end {
            self.grow(key);
        }
        self.bins[(key - self.offset) as usize].add(v, n);
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

/// Values a histogram counts exactly, outside its bins: how often each
/// occurs, and how many other values lie below the first, between each two
/// and above the last. So an order statistic that falls on an atom is known
/// exactly, and one between two atoms lies between them.
#[derive(Debug, Clone, Default)]
struct Atoms {
    /// Ascending and distinct.
    values: Vec<f64>,
    /// Occurrences of each.
    equal: Vec<u64>,
    /// Other values below `values[0]`, between `values[k - 1]` and
    /// `values[k]`, and above the last: one more entry than `values`.
    between: Vec<u64>,
}

impl Atoms {
    fn new(mut values: Vec<f64>) -> Self {
        values.retain(|v| v.is_finite());
        values.sort_by(f64::total_cmp);
        values.dedup_by(|a, b| a == b);
        let n = values.len();
        Atoms {
            values,
            equal: vec![0; n],
            between: vec![0; n + 1],
        }
    }

    /// Counts `n` copies of `v`; true if it is an atom.
    #[inline]
    fn add(&mut self, v: f64, n: u32) -> bool {
        let k = self.values.partition_point(|&a| a < v);
        if self.values.get(k) == Some(&v) {
            self.equal[k] += n as u64;
            true
        } else {
            self.between[k] += n as u64;
            false
        }
    }

    fn merge(&mut self, o: &Atoms) {
        assert!(
            self.values.len() == o.values.len()
                && self
                    .values
                    .iter()
                    .zip(&o.values)
                    .all(|(a, b)| a.to_bits() == b.to_bits()),
            "sketches merge only with the same atoms"
        );
        for (a, b) in self.equal.iter_mut().zip(&o.equal) {
            *a += b;
        }
        for (a, b) in self.between.iter_mut().zip(&o.between) {
            *a += b;
        }
    }
}

/// The log-linear histogram behind a sketch that outgrew its exact budget.
#[derive(Debug, Clone)]
struct Histogram {
    negative: Store,
    zero: Bin,
    positive: Store,
    /// Values counted outside the bins.
    atoms: Atoms,
    count: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            negative: Store::default(),
            zero: Bin::EMPTY,
            positive: Store::default(),
            atoms: Atoms::default(),
            count: 0,
        }
    }
}

/// The bin of a finite, non-zero magnitude (the bits of |v|): (exp -
/// MIN_EXP) 2^SUB_BITS plus the top SUB_BITS of the mantissa, for binary
/// exponents from MIN_EXP up; magnitudes below 2^MIN_EXP share bin 0.
/// Computed as one number, the biased exponent and mantissa bits less
/// those of 2^MIN_EXP, taken up to 0 when negative: no branch.
#[inline(always)]
fn bin_key(mag: u64) -> u32 {
    const FIRST: i64 = (1023 + MIN_EXP as i64) << SUB_BITS;
    ((mag >> (52 - SUB_BITS)) as i64 - FIRST).max(0) as u32
}

impl Histogram {
    /// Adds `n` copies of a finite value.
    #[inline(always)]
    fn insert(&mut self, v: f64, n: u32) {
        self.count += n as u64;
        if !self.atoms.values.is_empty() && self.atoms.add(v, n) {
            return;
        }
        let bits = v.to_bits();
        let mag = bits & !SIGN;
        if mag == 0 {
            self.zero.add(v, n);
            return;
        }
        let key = bin_key(mag);
        if bits & SIGN != 0 {
            self.negative.add(key, v, n);
        } else {
            self.positive.add(key, v, n);
        }
    }

    /// Reads every cache line of the bins, in order (see [`touch_lines`]).
    fn touch(&self) -> u64 {
        let count = |b: &Bin| b.count as u64;
        touch_lines(&self.negative.bins, count) ^ touch_lines(&self.positive.bins, count)
    }

    /// Adds every value of `other`.
    fn merge(&mut self, other: &Histogram) {
        self.negative.merge(&other.negative);
        self.zero.merge(&other.zero);
        self.positive.merge(&other.positive);
        self.atoms.merge(&other.atoms);
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

    /// Where the order statistics of the 0-based `ranks` (ascending, each
    /// below the count) lie, in one walk over the atoms and bins.
    fn locate(&self, ranks: &[u64]) -> Vec<Located> {
        let atoms = &self.atoms;
        if atoms.values.is_empty() {
            return locate_ranks(self.bins_ascending(), ranks);
        }
        // The values in order are: between[0] binned, the atom values[0],
        // between[1] binned, ... between[len] binned.
        let mut out: Vec<Option<Located>> = vec![None; ranks.len()];
        // Ranks among the binned values, with the gap (k) they fall in.
        let mut binned: Vec<(usize, u64, usize)> = Vec::new();
        let (mut before, mut binned_before, mut k, mut on_atom) = (0u64, 0u64, 0usize, false);
        for (i, &r) in ranks.iter().enumerate() {
            loop {
                let size = if on_atom {
                    atoms.equal[k]
                } else {
                    atoms.between[k]
                };
                if r < before + size {
                    if on_atom {
                        out[i] = Some(Located::Exact(atoms.values[k]));
                    } else {
                        binned.push((i, binned_before + r - before, k));
                    }
                    break;
                }
                before += size;
                if on_atom {
                    k += 1;
                } else {
                    binned_before += size;
                    assert!(
                        k < atoms.values.len(),
                        "rank {r} beyond {} values",
                        self.count
                    );
                }
                on_atom = !on_atom;
            }
        }
        let binned_ranks: Vec<u64> = binned.iter().map(|b| b.1).collect();
        let located = locate_ranks(self.bins_ascending(), &binned_ranks);
        for (&(i, _, k), at) in binned.iter().zip(located) {
            out[i] = Some(match at {
                Located::Exact(v) => Located::Exact(v),
                Located::Within {
                    lo,
                    hi,
                    rank,
                    least,
                    greatest,
                    estimate,
                } => {
                    // Between atoms k - 1 and k; the atoms below it within
                    // lo..=hi count towards its rank among all values there.
                    let least = if k > 0 {
                        least.max(atoms.values[k - 1])
                    } else {
                        least
                    };
                    let greatest = atoms.values.get(k).map_or(greatest, |&a| greatest.min(a));
                    let atoms_below: u64 = (0..k)
                        .filter(|&j| atoms.values[j] >= lo)
                        .map(|j| atoms.equal[j])
                        .sum();
                    Located::Within {
                        lo,
                        hi,
                        rank: rank + atoms_below,
                        least,
                        greatest,
                        estimate: estimate.clamp(least, greatest),
                    }
                }
            });
        }
        out.into_iter()
            .map(|l| l.expect("every rank located"))
            .collect()
    }

    /// The least value, or `None` when empty.
    fn min(&self) -> Option<f64> {
        let bins = self.bins_ascending().next().map(|b| b.min);
        let atom = self
            .atoms
            .values
            .iter()
            .zip(&self.atoms.equal)
            .find(|(_, n)| **n > 0);
        match (bins, atom) {
            (Some(b), Some((a, _))) => Some(b.min(*a)),
            (b, a) => b.or(a.map(|(a, _)| *a)),
        }
    }

    /// The greatest value, or `None` when empty.
    fn max(&self) -> Option<f64> {
        let bins = self.bins_ascending().last().map(|b| b.max);
        let atom = self
            .atoms
            .values
            .iter()
            .zip(&self.atoms.equal)
            .rfind(|(_, n)| **n > 0);
        match (bins, atom) {
            (Some(b), Some((a, _))) => Some(b.max(*a)),
            (b, a) => b.or(a.map(|(a, _)| *a)),
        }
    }
}

/// Distinct values a sketch counts exactly before it spills into its
/// histogram.
pub const EXACT_CAPACITY: usize = 4096;

/// The canonical bits of a value: -0.0 counts as 0.0.
#[inline]
fn key(v: f64) -> u64 {
    (v + 0.0).to_bits()
}

/// Whole numbers below this are counted in a table indexed by the value
/// (customers, competitors, and the zeros every series has) rather than
/// hashed.
const SMALL_LIMIT: usize = 4096;

/// Whole numbers below this take the local-table shortcut of
/// [`QuantileSketch::extend_with_moments`]: their shifted squares are below
/// 2^16, so for any batch under 2^37 values every shifted sum is an exact
/// integer below 2^53.
pub const LOCAL_LIMIT: usize = 256;

/// 2^52: adding it to a number in [0, 2^52) leaves the number's integer
/// part in the low mantissa bits.
const TWO_POW_52: f64 = 4_503_599_627_370_496.0;

/// The table index of a whole number below [`SMALL_LIMIT`] (0 and -0 alike),
/// or `None`. Wholeness is tested first: most other values fail on it.
#[inline(always)]
fn small_index(v: f64) -> Option<usize> {
    let whole = (v + TWO_POW_52) - TWO_POW_52 == v;
    (whole && (0.0..SMALL_LIMIT as f64).contains(&v)).then(|| small_index_of_whole(v))
}

/// [`small_index`] of a value already known to be a whole number below
/// [`SMALL_LIMIT`].
#[inline(always)]
fn small_index_of_whole(v: f64) -> usize {
    ((v + TWO_POW_52).to_bits() & (SMALL_LIMIT as u64 - 1)) as usize
}

/// Reads a word of every 64-byte cache line of `v`, in order, and folds them
/// together (the caller hands the result to `black_box`, so the reads stay).
///
/// A chunk's column visits a sketch once, after every other column has
/// pushed its tables out of the core's caches, and then looks values up at
/// random: each lookup would wait for its own cache miss. A sequential sweep
/// first lets the hardware prefetcher stream the tables in at full bandwidth
/// (measured on the benchmark: the columns of continuous figures went from
/// 50-60 ms to 31-45 ms each per 200,000 trajectories).
#[inline]
fn touch_lines<T>(v: &[T], word: impl Fn(&T) -> u64) -> u64 {
    let step = (64 / std::mem::size_of::<T>().max(1)).max(1);
    v.iter().step_by(step).fold(0, |a, x| a ^ word(x))
}

/// Batches at least this long warm the sketch's tables first (see
/// [`touch_lines`]); single values do not.
const WARM_BATCH: usize = 256;

/// Marks an empty slot of the index.
const EMPTY: u16 = u16::MAX;

/// Looks `k` up in an exact-count index (see [`ExactCounts`]): its position
/// in `keys`, or the empty slot of the index where it would go. Fibonacci
/// hashing (the top bits of k times 2^64 / phi) and linear probing.
#[inline(always)]
fn probe(index: &[u16], keys: &[u64], shift: u32, k: u64) -> Result<usize, usize> {
    let mask = index.len() - 1;
    let mut i = (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> shift) as usize;
    loop {
        i &= mask;
        let at = index[i];
        if at == EMPTY {
            return Err(i);
        }
        if keys[at as usize] == k {
            return Ok(at as usize);
        }
        i += 1;
    }
}

/// Exact counts by value: whole numbers below [`SMALL_LIMIT`] in a table
/// indexed by the value; every other value's bits and count in dense arrays,
/// found through an open-addressing index of 16-bit positions (linear
/// probing, at most a quarter full). Once a batch holds anything but such
/// whole numbers, the direct table moves into the index for good
/// (`hash_all`), so mixed columns take no branch per value on which table
/// to use. For the few thousand distinct values a
/// sketch may count, the index is at most 32 KiB and the dense arrays 48
/// KiB, so the tables of the many series a chunk feeds stay in cache far
/// better than a hash map of (key, count) slots would.
#[derive(Debug, Clone)]
struct ExactCounts {
    /// Count of each whole number 0..small.len() (runs are capped at a
    /// billion trajectories, so 32 bits hold any count).
    small: Vec<u32>,
    /// Position in `keys` of each hashed value, or [`EMPTY`].
    index: Vec<u16>,
    /// 64 - log2(index.len()): the hash's shift.
    shift: u32,
    /// The other values' bits, in order of arrival.
    keys: Vec<u64>,
    /// Their counts.
    counts: Vec<u32>,
    /// Distinct values in all.
    len: usize,
    /// Every value goes through the index (the direct table is empty):
    /// set once a batch holds anything but whole numbers below
    /// [`SMALL_LIMIT`], so mixed batches (zeros among money figures) need
    /// no branch per value on which table to use.
    hash_all: bool,
}

impl ExactCounts {
    fn new() -> Self {
        ExactCounts {
            small: Vec::new(),
            index: vec![EMPTY; 16],
            shift: 64 - 4,
            keys: Vec::new(),
            counts: Vec::new(),
            len: 0,
            hash_all: false,
        }
    }

    /// Moves the direct table's counts into the index, for good (see
    /// `hash_all`).
    #[cold]
    fn hash_everything(&mut self) {
        let small = std::mem::take(&mut self.small);
        self.hash_all = true;
        for (i, &n) in small.iter().enumerate() {
            if n > 0 {
                self.len -= 1;
                self.add_key(key(i as f64), n as u64);
            }
        }
    }

    /// Adds `n` occurrences of the finite value `v`; true if `v` is new.
    #[inline(always)]
    fn add(&mut self, v: f64, n: u64) -> bool {
        match small_index(v) {
            Some(i) if !self.hash_all => self.add_small(i, n),
            _ => self.add_key(key(v), n),
        }
    }

    /// Adds `n` to the count of the whole number `i` (< [`SMALL_LIMIT`]);
    /// true if it is new.
    #[inline(always)]
    fn add_small(&mut self, i: usize, n: u64) -> bool {
        if i >= self.small.len() {
            self.grow_small(i);
        }
        let c = &mut self.small[i];
        let new = *c == 0;
        self.len += new as usize;
        *c += n as u32;
        new
    }

    #[cold]
    fn grow_small(&mut self, i: usize) {
        self.small.resize((i + 1).next_power_of_two().max(64), 0);
    }

    /// Counts `values` if every one is a whole number below
    /// [`SMALL_LIMIT`] (customers, competitors: whole columns of them) and
    /// returns true; leaves the counts alone and returns false otherwise
    /// (a column of other figures fails on its first values). The counting
    /// loop then needs no per-value test.
    fn add_whole_numbers(&mut self, values: &[f64]) -> bool {
        if self.hash_all || !values.iter().all(|&v| small_index(v).is_some()) {
            return false;
        }
        for &v in values {
            self.add_small(small_index_of_whole(v), 1);
        }
        true
    }

    #[inline(always)]
    fn add_key(&mut self, k: u64, n: u64) -> bool {
        match probe(&self.index, &self.keys, self.shift, k) {
            Ok(at) => {
                self.counts[at] += n as u32;
                false
            }
            Err(slot) => {
                self.index[slot] = self.keys.len() as u16;
                self.keys.push(k);
                self.counts.push(n as u32);
                self.len += 1;
                if 4 * self.keys.len() > self.index.len() {
                    self.grow();
                }
                true
            }
        }
    }

    /// Counts the values one by one up to the first that is not in the
    /// table yet, and returns how many it counted (all of them, or the
    /// position of that first new value, which it leaves to `add_key`).
    ///
    /// The tables' addresses and lengths stay in registers for the whole
    /// run: in `add_key` each count's increment might, as far as the
    /// compiler can tell, change them, so every value reloads them.
    #[inline(always)]
    fn count_known(&mut self, values: &[f64]) -> usize {
        let (index, shift) = (&self.index[..], self.shift);
        let distinct = self.keys.len();
        let (keys, counts) = (&self.keys[..distinct], &mut self.counts[..distinct]);
        for (done, &v) in values.iter().enumerate() {
            debug_assert!(v.is_finite(), "sketch got {v}");
            match probe(index, keys, shift, key(v)) {
                Ok(at) => counts[at] += 1,
                Err(_) => return done,
            }
        }
        values.len()
    }

    /// Doubles the index (the dense arrays stay as they are).
    #[cold]
    fn grow(&mut self) {
        // A sketch spills past EXACT_CAPACITY distinct values, so positions
        // always fit in 16 bits.
        assert!(self.keys.len() < EMPTY as usize);
        self.index = vec![EMPTY; self.index.len() * 2];
        self.shift -= 1;
        let mask = self.index.len() - 1;
        for (at, k) in self.keys.iter().enumerate() {
            let mut i = (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize;
            while self.index[i & mask] != EMPTY {
                i += 1;
            }
            self.index[i & mask] = at as u16;
        }
    }

    /// Distinct values.
    fn len(&self) -> usize {
        self.len
    }

    /// Reads every cache line of the tables, in order (see [`touch_lines`]).
    fn touch(&self) -> u64 {
        touch_lines(&self.small, |&n| n as u64)
            ^ touch_lines(&self.index, |&i| i as u64)
            ^ touch_lines(&self.keys, |&k| k)
            ^ touch_lines(&self.counts, |&n| n as u64)
    }

    /// Each distinct value's bits and count, in no particular order.
    fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.small_ascending().map(|(v, n)| (v.to_bits(), n)).chain(
            self.keys
                .iter()
                .zip(&self.counts)
                .map(|(k, n)| (*k, *n as u64)),
        )
    }

    /// The whole numbers of the direct table and their counts, ascending.
    fn small_ascending(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        self.small
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (i as f64, *n as u64))
    }

    /// Every distinct value and its count, ascending. Only the hashed
    /// values are sorted (the direct table is in order already), by integer
    /// keys in the order of the values: the sign bit flipped for positives,
    /// every bit for negatives (-0 never occurs). The values are distinct,
    /// so an unstable sort is safe.
    fn sorted(&self) -> Vec<(f64, u64)> {
        let order = |bits: u64| if bits & SIGN == 0 { bits | SIGN } else { !bits };
        let value = |o: u64| f64::from_bits(if o & SIGN != 0 { o & !SIGN } else { !o });
        let mut hashed: Vec<(u64, u32)> = self
            .keys
            .iter()
            .zip(&self.counts)
            .map(|(k, n)| (order(*k), *n))
            .collect();
        hashed.sort_unstable_by_key(|e| e.0);
        let mut hashed = hashed
            .into_iter()
            .map(|(o, n)| (value(o), n as u64))
            .peekable();
        let mut out = Vec::with_capacity(self.len);
        for (v, n) in self.small_ascending() {
            while let Some(h) = hashed.next_if(|h| h.0 < v) {
                out.push(h);
            }
            out.push((v, n));
        }
        out.extend(hashed);
        out
    }
}

/// The order statistics of the 0-based `ranks` (ascending, each below the
/// total count) of distinct values with their counts, ascending.
fn exact_order_statistics(values: &[(f64, u64)], ranks: &[u64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(ranks.len());
    let (mut before, mut values) = (0, values.iter());
    let mut current = values.next();
    for &r in ranks {
        while let Some(&(v, n)) = current {
            if r < before + n {
                out.push(v);
                break;
            }
            before += n;
            current = values.next();
        }
    }
    assert_eq!(out.len(), ranks.len(), "ranks beyond the values counted");
    out
}

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
    /// A batch of whole numbers below [`LOCAL_LIMIT`] (customers, new
    /// customers, competitors) takes a shortcut: one pass tests the values,
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
    /// exactly when the union has at most [`EXACT_CAPACITY`] distinct values,
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
            return map
                .iter()
                .filter(|(k, _)| f64::from_bits(*k) <= x)
                .map(|(_, n)| n as f64)
                .sum();
        }
        let atoms = &self.histogram.atoms;
        let mut total: f64 = atoms
            .values
            .iter()
            .zip(&atoms.equal)
            .filter(|(a, _)| **a <= x)
            .map(|(_, n)| *n as f64)
            .sum();
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
    use super::EXACT_CAPACITY;
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn bin_keys_follow_exponent_and_mantissa() {
        // The definition, case by case, over every exponent a finite value
        // can have and mantissas at and between the sub-bin edges.
        let by_definition = |mag: u64| {
            let exp = (mag >> 52) as i32 - 1023;
            if exp < MIN_EXP {
                0
            } else {
                (((exp - MIN_EXP) as u32) << SUB_BITS)
                    | ((mag >> (52 - SUB_BITS)) & ((1 << SUB_BITS) - 1)) as u32
            }
        };
        for biased in 0..2047u64 {
            for mantissa in [0, 1, 1 << 44, (1 << 45) - 1, 1 << 45, 0x000f_ffff_ffff_ffff] {
                let mag = (biased << 52) | mantissa;
                if mag == 0 {
                    continue;
                }
                assert_eq!(
                    bin_key(mag),
                    by_definition(mag),
                    "{:e}",
                    f64::from_bits(mag)
                );
            }
        }
        assert_eq!(bin_key(2f64.powi(MIN_EXP).to_bits()), 0);
        assert_eq!(bin_key(1e-300f64.to_bits()), 0);
        assert_eq!(bin_key(2f64.powi(MIN_EXP + 1).to_bits()), 1 << SUB_BITS);
    }

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
