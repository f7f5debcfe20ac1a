//! One bin of a histogram that remembers its extremes: how many values it
//! holds, the smallest and largest of them, and how many equal each. Within
//! a bin, the order statistics at its ends are known exactly; the others
//! only to lie between the two.

/// A bin: its count, its extreme values, and its one value in between
/// while it has only one.
///
/// Besides the minimum and maximum with their counts, a bin tracks the
/// values strictly between them while they are all equal (`mid`, counted in
/// `at_mid`); a second distinct value in between marks the middle unknown
/// for good. So a bin of at most three distinct values (an atom blurred by
/// rounding, such as 261.25 and its neighbours an ulp either side) knows
/// every value exactly. The state depends only on the multiset of values
/// added, never on their order: a value that is ever between the extremes
/// stays between them, so the middle is tracked exactly when the final
/// minimum and maximum enclose at most one distinct value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bin {
    pub(crate) min: f64,
    pub(crate) max: f64,
    /// The one value strictly between `min` and `max`, when `at_mid` is
    /// neither 0 (none) nor [`MANY`].
    mid: f64,
    /// Values in the bin (runs are capped at a billion trajectories, so a
    /// bin's count fits in 32 bits).
    pub(crate) count: u32,
    /// Values equal to `min`.
    pub(crate) at_min: u32,
    /// Values equal to `max`.
    pub(crate) at_max: u32,
    /// Values equal to `mid`; [`MANY`] once two distinct values have been
    /// strictly between the extremes.
    at_mid: u32,
}

/// `at_mid` of a bin with two or more distinct values in between.
const MANY: u32 = u32::MAX;

impl Bin {
    pub(crate) const EMPTY: Bin = Bin {
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
        mid: 0.0,
        count: 0,
        at_min: 0,
        at_max: 0,
        at_mid: 0,
    };

    /// Adds `n` copies of `v`.
    #[inline]
    pub(crate) fn add(&mut self, v: f64, n: u32) {
        self.count += n;
        if v > self.min && v < self.max {
            self.add_between(v, n);
            return;
        }
        if v < self.min {
            // The old minimum, if distinct from the maximum, is now between.
            if self.min < self.max {
                self.add_between(self.min, self.at_min);
            }
            self.min = v;
            self.at_min = n;
        } else if v == self.min {
            self.at_min += n;
        }
        if v > self.max {
            if self.max > self.min {
                self.add_between(self.max, self.at_max);
            }
            self.max = v;
            self.at_max = n;
        } else if v == self.max {
            self.at_max += n;
        }
    }

    /// Counts `n` copies of `v`, strictly between the extremes.
    #[inline]
    fn add_between(&mut self, v: f64, n: u32) {
        if self.at_mid == MANY {
            return;
        }
        if self.at_mid == 0 {
            self.mid = v;
            self.at_mid = n;
        } else if v == self.mid {
            self.at_mid += n;
        } else {
            self.at_mid = MANY;
        }
    }

    /// Adds every value of `o`.
    pub(crate) fn merge(&mut self, o: &Bin) {
        if o.count == 0 {
            return;
        }
        if o.at_mid == MANY {
            // Its values in between are unknown: only the extremes and the
            // count carry over, and the union has many values in between.
            self.count += o.count - o.at_min - if o.max > o.min { o.at_max } else { 0 };
            self.add(o.min, o.at_min);
            if o.max > o.min {
                self.add(o.max, o.at_max);
            }
            self.at_mid = MANY;
            return;
        }
        self.add(o.min, o.at_min);
        if o.max > o.min {
            self.add(o.max, o.at_max);
        }
        if o.at_mid > 0 {
            self.add(o.mid, o.at_mid);
        }
    }

    /// What the bin tells of its j-th smallest value (0-based, below the
    /// count): the value itself when j falls on the minimum or maximum, or
    /// between them on the one value there, else only the bin's range.
    pub(crate) fn locate(&self, j: u64) -> Located {
        let (count, at_min, at_max) = (self.count as u64, self.at_min as u64, self.at_max as u64);
        debug_assert!(j < count);
        if self.min == self.max || j < at_min {
            Located::Exact(self.min)
        } else if j >= count - at_max {
            Located::Exact(self.max)
        } else if self.at_mid != MANY && self.at_mid > 0 {
            Located::Exact(self.mid)
        } else {
            // The inner values spread evenly between the extremes.
            let inner = count - at_min - at_max;
            let pos = (j - at_min + 1) as f64 / (inner + 1) as f64;
            Located::Within {
                lo: self.min,
                hi: self.max,
                rank: j,
                least: self.min,
                greatest: self.max,
                estimate: self.min + (self.max - self.min) * pos,
            }
        }
    }
}

/// Where an order statistic lies, as far as a bin knows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Located {
    /// Its value.
    Exact(f64),
    /// Somewhere in `lo..=hi`, the range of one bin's values, as the
    /// `rank`-th smallest (0-based) of the values in that range.
    Within {
        /// The bin's minimum.
        lo: f64,
        /// The bin's maximum.
        hi: f64,
        /// Its rank among the values in `lo..=hi`.
        rank: u64,
        /// The least value it can have (at least `lo`).
        least: f64,
        /// The greatest value it can have (at most `hi`).
        greatest: f64,
        /// A guess: the bin's inner values spread evenly between its
        /// extremes, clamped to `least..=greatest`.
        estimate: f64,
    },
}

impl Located {
    /// The least value it can have.
    pub(crate) fn lower(&self) -> f64 {
        match *self {
            Located::Exact(v) => v,
            Located::Within { least, .. } => least,
        }
    }

    /// Its value if known, else the guess.
    pub(crate) fn estimate(&self) -> f64 {
        match *self {
            Located::Exact(v) => v,
            Located::Within { estimate, .. } => estimate,
        }
    }

    /// The greatest value it can have.
    pub(crate) fn upper(&self) -> f64 {
        match *self {
            Located::Exact(v) => v,
            Located::Within { greatest, .. } => greatest,
        }
    }
}

/// Locates the 0-based `ranks` (ascending, each below the bins' total
/// count) among `bins`, which are in ascending order of value and cover
/// disjoint ranges, in one walk.
pub(crate) fn locate_ranks<'a>(bins: impl Iterator<Item = &'a Bin>, ranks: &[u64]) -> Vec<Located> {
    let mut out = Vec::with_capacity(ranks.len());
    let mut before = 0;
    let mut bins = bins.filter(|b| b.count > 0).peekable();
    for &r in ranks {
        loop {
            let bin = *bins
                .peek()
                .unwrap_or_else(|| panic!("rank {r} beyond the {before} values binned"));
            if r < before + bin.count as u64 {
                out.push(bin.locate(r - before));
                break;
            }
            before += bin.count as u64;
            bins.next();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// The bin's state as a comparable tuple (the middle only when known).
    fn state(b: &Bin) -> (u64, u64, u32, u32, u32, Option<(u64, u32)>) {
        let mid = (b.at_mid != MANY && b.at_mid > 0).then_some((b.mid.to_bits(), b.at_mid));
        (
            b.min.to_bits(),
            b.max.to_bits(),
            b.count,
            b.at_min,
            b.at_max,
            mid,
        )
    }

    #[test]
    fn a_bin_depends_only_on_its_multiset() {
        // Multisets of one to six distinct values, added in shuffled orders
        // and merged from random splits: one state, the middle known
        // exactly when there are at most three distinct values, and every
        // rank located at its true order statistic whenever it is exact.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        for _ in 0..2000 {
            let distinct = rng.random_range(1..=6usize);
            let pool: Vec<f64> = (0..distinct).map(|k| 261.25 + k as f64 * 1e-13).collect();
            let mut values: Vec<f64> = (0..rng.random_range(1..40))
                .map(|_| pool[rng.random_range(0..distinct)])
                .collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let mut reference = Bin::EMPTY;
            values.iter().for_each(|&v| reference.add(v, 1));
            for _ in 0..5 {
                for i in (1..values.len()).rev() {
                    values.swap(i, rng.random_range(0..=i));
                }
                let cut = rng.random_range(0..=values.len());
                let (mut a, mut b) = (Bin::EMPTY, Bin::EMPTY);
                values[..cut].iter().for_each(|&v| a.add(v, 1));
                values[cut..].iter().for_each(|&v| b.add(v, 1));
                if rng.next_u32() % 2 == 0 {
                    a.merge(&b);
                } else {
                    b.merge(&a);
                    a = b;
                }
                assert_eq!(state(&a), state(&reference), "{values:?}");
            }
            let seen = sorted.windows(2).filter(|w| w[0] != w[1]).count() + 1;
            assert_eq!(
                state(&reference).5.is_some(),
                seen == 3,
                "middle known for {seen} distinct values"
            );
            for (j, &x) in sorted.iter().enumerate() {
                match reference.locate(j as u64) {
                    Located::Exact(v) => assert_eq!(v, x, "rank {j} of {sorted:?}"),
                    Located::Within { lo, hi, .. } => {
                        assert!(seen > 3 && lo <= x && x <= hi)
                    }
                }
            }
        }
    }
}
