//! The log-linear histogram a [`QuantileSketch`](super::QuantileSketch)
//! moves its values into once they outgrow its exact budget.
//!
//! Bins go by binary exponent and the top [`SUB_BITS`] bits of the mantissa
//! (as in HdrHistogram), so a bin spans at most [`SKETCH_RELATIVE_WIDTH`]
//! (0.8 %) of its lower edge; exact zeros have a bin of their own, and
//! magnitudes below 2^[`MIN_EXP`] share the lowest bin of their sign. Each
//! bin keeps its count, its minimum and maximum with how many values equal
//! each, and the one value between them while there is only one (see
//! [`Bin`]). Given values, the [`Atoms`], are counted exactly outside the
//! bins, with how many other values lie between each two. An order
//! statistic is thus known exactly or known to lie within one bin (and
//! between two atoms), which is what [`Histogram::locate`] reports.
//!
//! Merging adds counts and combines minima and maxima, so a histogram
//! depends only on the multiset of its values, never on their order.

use super::bin::{Bin, Located, locate_ranks};
use super::exact_counts::{SIGN, touch_lines};

/// Mantissa bits that index the bins within one power of two.
const SUB_BITS: u32 = 7;
/// Smallest binary exponent with bins of its own.
const MIN_EXP: i32 = -10;
/// Largest width of a bin relative to its lower edge: 2^-SUB_BITS.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const SKETCH_RELATIVE_WIDTH: f64 = 1.0 / (1u64 << SUB_BITS) as f64;

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
pub(crate) struct Atoms {
    /// Ascending and distinct.
    pub(crate) values: Vec<f64>,
    /// Occurrences of each.
    pub(crate) equal: Vec<u64>,
    /// Other values below `values[0]`, between `values[k - 1]` and
    /// `values[k]`, and above the last: one more entry than `values`.
    between: Vec<u64>,
}

impl Atoms {
    pub(crate) fn new(mut values: Vec<f64>) -> Self {
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
pub(crate) struct Histogram {
    negative: Store,
    zero: Bin,
    positive: Store,
    /// Values counted outside the bins.
    pub(crate) atoms: Atoms,
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
    pub(crate) fn insert(&mut self, v: f64, n: u32) {
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
    pub(crate) fn touch(&self) -> u64 {
        let count = |b: &Bin| b.count as u64;
        touch_lines(&self.negative.bins, count) ^ touch_lines(&self.positive.bins, count)
    }

    /// Adds every value of `other`.
    pub(crate) fn merge(&mut self, other: &Histogram) {
        self.negative.merge(&other.negative);
        self.zero.merge(&other.zero);
        self.positive.merge(&other.positive);
        self.atoms.merge(&other.atoms);
        self.count += other.count;
    }

    /// Bins in ascending order of value.
    pub(crate) fn bins_ascending(&self) -> impl Iterator<Item = &Bin> {
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
    pub(crate) fn locate(&self, ranks: &[u64]) -> Vec<Located> {
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

    /// The atoms that occurred, ascending.
    fn atoms_seen(&self) -> impl DoubleEndedIterator<Item = f64> + '_ {
        let atoms = &self.atoms;
        atoms
            .values
            .iter()
            .zip(&atoms.equal)
            .filter(|(_, n)| **n > 0)
            .map(|(v, _)| *v)
    }

    /// The least value, or `None` when empty.
    pub(crate) fn min(&self) -> Option<f64> {
        let bins = self.bins_ascending().next().map(|b| b.min);
        bins.into_iter()
            .chain(self.atoms_seen().next())
            .reduce(f64::min)
    }

    /// The greatest value, or `None` when empty.
    pub(crate) fn max(&self) -> Option<f64> {
        let bins = self.bins_ascending().last().map(|b| b.max);
        bins.into_iter()
            .chain(self.atoms_seen().next_back())
            .reduce(f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
