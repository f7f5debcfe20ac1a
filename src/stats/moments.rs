//! Mean and variance, merged exactly in a fixed order (Chan et al. 1979).

use serde::Serialize;

/// Count, mean and sum of squared deviations of a set of values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Moments {
    /// Number of values.
    pub n: u64,
    /// Their mean (0 when `n == 0`).
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
}

impl Moments {
    /// Merges `other` into `self` (Chan, Golub and LeVeque's pairwise
    /// update). Not commutative in floating point: callers merge in a fixed
    /// order.
    pub fn merge(&mut self, other: &Moments) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let n = self.n + other.n;
        let delta = other.mean - self.mean;
        let (na, nb) = (self.n as f64, other.n as f64);
        self.mean += delta * nb / n as f64;
        self.m2 += other.m2 + delta * delta * na * nb / n as f64;
        self.n = n;
    }

    /// Sample standard deviation (n - 1 in the denominator); 0 for fewer than
    /// two values.
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            (self.m2 / (self.n - 1) as f64).max(0.0).sqrt()
        }
    }
}

/// Sums of a chunk's values shifted by the chunk's first value, which keeps
/// the single-pass variance exact for constant columns and accurate when the
/// spread is small against the mean.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShiftedSums {
    n: u64,
    shift: f64,
    s1: f64,
    s2: f64,
}

impl ShiftedSums {
    /// Adds one value.
    #[inline]
    pub fn push(&mut self, x: f64) {
        if self.n == 0 {
            self.shift = x;
        }
        let d = x - self.shift;
        self.n += 1;
        self.s1 += d;
        self.s2 += d * d;
    }

    /// The sums of `n` values (n >= 1) whose first is `shift`, from their
    /// exact shifted sums: what pushing them one by one gives whenever each
    /// partial sum is exact in f64 (whole numbers with |s2| < 2^53).
    pub(crate) fn from_exact(n: u64, shift: f64, s1: i64, s2: i64) -> Self {
        ShiftedSums {
            n,
            shift,
            s1: s1 as f64,
            s2: s2 as f64,
        }
    }

    /// The moments of the values pushed so far.
    pub fn moments(&self) -> Moments {
        if self.n == 0 {
            return Moments::default();
        }
        let n = self.n as f64;
        let mean_d = self.s1 / n;
        Moments {
            n: self.n,
            mean: self.shift + mean_d,
            m2: (self.s2 - self.s1 * mean_d).max(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var.sqrt())
    }

    #[test]
    fn chunked_merge_matches_two_pass() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| 1e6 + ((i * 7919) % 101) as f64 * 0.37)
            .collect();
        let mut total = Moments::default();
        for chunk in xs.chunks(64) {
            let mut s = ShiftedSums::default();
            chunk.iter().for_each(|&x| s.push(x));
            total.merge(&s.moments());
        }
        let (mean, sd) = direct(&xs);
        assert_eq!(total.n, 1000);
        assert!((total.mean - mean).abs() < 1e-9 * mean);
        assert!((total.sd() - sd).abs() < 1e-9 * sd);
    }

    #[test]
    fn constant_values_have_zero_sd() {
        let mut s = ShiftedSums::default();
        (0..100).for_each(|_| s.push(0.1));
        let m = s.moments();
        assert_eq!(m.sd(), 0.0);
        assert_eq!(m.mean, 0.1);
    }
}
