//! Exact counts by value: the table a [`QuantileSketch`](super::QuantileSketch)
//! keeps while it has seen at most [`EXACT_CAPACITY`](super::sketch::EXACT_CAPACITY)
//! distinct values, and the order statistics read from it.
//!
//! Every distinct value keeps its own count, so the order statistics
//! ([`exact_order_statistics`]) and with them the quantiles are the exact
//! sample's. Monthly figures of a hustle are mostly discrete (whole
//! customers at fixed prices, zero after an end), so most series stay
//! within the budget even for millions of trajectories. Whole numbers below
//! [`SMALL_LIMIT`] are counted in a table indexed by the value, every other
//! value through a small open-addressing index (see [`ExactCounts`]); both
//! are sized for the tables of a chunk's many series to stay in cache, and
//! [`touch_lines`] streams them in before a batch.

/// The sign bit of an f64.
pub(crate) const SIGN: u64 = 1 << 63;

/// The canonical bits of a value: -0.0 counts as 0.0.
#[inline]
pub(crate) fn key(v: f64) -> u64 {
    (v + 0.0).to_bits()
}

/// Whole numbers below this are counted in a table indexed by the value
/// (customers, competitors, and the zeros every series has) rather than
/// hashed.
const SMALL_LIMIT: usize = 4096;

/// 2^52: adding it to a number in [0, 2^52) leaves the number's integer
/// part in the low mantissa bits.
pub(crate) const TWO_POW_52: f64 = 4_503_599_627_370_496.0;

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
pub(crate) fn small_index_of_whole(v: f64) -> usize {
    ((v + TWO_POW_52).to_bits() & (SMALL_LIMIT as u64 - 1)) as usize
}

/// Reads a word of every 64-byte cache line of `v`, in order, and folds them
/// together (the caller hands the result to `black_box`, so the reads stay).
///
/// A chunk's column visits a sketch once, after every other column has
/// pushed its tables out of the core's caches, and then looks values up at
/// random: each lookup would wait for its own cache miss. A sequential sweep
/// first lets the hardware prefetcher stream the tables in at full bandwidth,
/// which makes the columns of continuous figures markedly faster.
#[inline]
pub(crate) fn touch_lines<T>(v: &[T], word: impl Fn(&T) -> u64) -> u64 {
    let step = (64 / std::mem::size_of::<T>().max(1)).max(1);
    v.iter().step_by(step).fold(0, |a, x| a ^ word(x))
}

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
pub(crate) struct ExactCounts {
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
    pub(crate) hash_all: bool,
}

impl ExactCounts {
    pub(crate) fn new() -> Self {
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
    pub(crate) fn hash_everything(&mut self) {
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
    pub(crate) fn add(&mut self, v: f64, n: u64) -> bool {
        match small_index(v) {
            Some(i) if !self.hash_all => self.add_small(i, n),
            _ => self.add_key(key(v), n),
        }
    }

    /// Adds `n` to the count of the whole number `i` (< [`SMALL_LIMIT`]);
    /// true if it is new.
    #[inline(always)]
    pub(crate) fn add_small(&mut self, i: usize, n: u64) -> bool {
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
    pub(crate) fn add_whole_numbers(&mut self, values: &[f64]) -> bool {
        if self.hash_all || !values.iter().all(|&v| small_index(v).is_some()) {
            return false;
        }
        for &v in values {
            self.add_small(small_index_of_whole(v), 1);
        }
        true
    }

    #[inline(always)]
    pub(crate) fn add_key(&mut self, k: u64, n: u64) -> bool {
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
    pub(crate) fn count_known(&mut self, values: &[f64]) -> usize {
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
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Reads every cache line of the tables, in order (see [`touch_lines`]).
    pub(crate) fn touch(&self) -> u64 {
        touch_lines(&self.small, |&n| n as u64)
            ^ touch_lines(&self.index, |&i| i as u64)
            ^ touch_lines(&self.keys, |&k| k)
            ^ touch_lines(&self.counts, |&n| n as u64)
    }

    /// Each distinct value's bits and count, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
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
    pub(crate) fn sorted(&self) -> Vec<(f64, u64)> {
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
pub(crate) fn exact_order_statistics(values: &[(f64, u64)], ranks: &[u64]) -> Vec<f64> {
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
