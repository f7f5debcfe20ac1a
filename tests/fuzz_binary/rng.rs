//! A small deterministic generator (SplitMix64) for the harness: every case
//! draws from its own stream, derived from the run seed and the case number,
//! so a case reads the same whatever the number of workers or the order in
//! which they take cases, and can be regenerated alone.

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast and good enough to
/// choose inputs; kept here so that a seed means the same inputs whatever
/// version of a random-number crate is in use.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The stream of case `case` of the run with seed `seed`.
    pub fn for_case(seed: u64, case: u64) -> Rng {
        let mut r = Rng(seed);
        let a = r.next_u64();
        let mut r = Rng(a ^ case.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0);
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi);
        let span = (hi as i128 - lo as i128 + 1) as u128;
        (lo as i128 + ((self.next_u64() as u128 * span) >> 64) as i128) as i64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// An index drawn with the given relative weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        unreachable!("weights sum to {total}")
    }

    /// A log-uniform number in `[lo, hi)` (both > 0).
    pub fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + (hi.ln() - lo.ln()) * self.unit()).exp()
    }
}

#[test]
fn streams_are_reproducible_and_distinct() {
    let a: Vec<u64> = (0..4).map(|_| Rng::for_case(1, 7).next_u64()).collect();
    assert!(a.windows(2).all(|w| w[0] == w[1]));
    assert_ne!(
        Rng::for_case(1, 7).next_u64(),
        Rng::for_case(1, 8).next_u64()
    );
    assert_ne!(
        Rng::for_case(1, 7).next_u64(),
        Rng::for_case(2, 7).next_u64()
    );
    let mut r = Rng::for_case(3, 0);
    for _ in 0..1000 {
        assert!((-2..=2).contains(&r.range(-2, 2)));
        assert!(r.below(3) < 3);
    }
}
