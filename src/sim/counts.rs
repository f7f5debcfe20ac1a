//! Counts of outcomes by month ([`OutcomeCounts`], kept by both the plain
//! and the paired driver), and what is read off them: the share of all
//! trajectories that had reached a milestone by each month, and the median
//! month among those that reached it.

use super::Outcome;
use super::outcome::NCAUSES;
use crate::scenario::keys::NPARAMS;

/// Order-free counts of a set of trajectories' outcomes: how many failed
/// (by month and cause), became semi-passive, qualified, broke even, had a
/// draw clamped and beat their hourly value. Integer sums, so merging is
/// exact in any order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeCounts {
    /// Trajectories counted.
    pub trajectories: u64,
    /// Trajectories whose hourly rate was at least their `hourly_value`.
    pub beat_hourly_value: u64,
    /// Failures by month ended (index t - 1) and cause (indexed by
    /// [`super::FailureCause::index`]).
    pub failures: Vec<[u64; NCAUSES]>,
    /// Trajectories that became semi-passive in month t (index t - 1).
    pub semi_passive_reached: Vec<u64>,
    /// Trajectories qualifying in month t (index t - 1).
    pub semi_passive_qualifying: Vec<u64>,
    /// Trajectories that broke even in month t (index t - 1).
    pub break_even_reached: Vec<u64>,
    /// Trajectories with passivity >= 0.5 in month t (index t - 1); empty
    /// unless the run reports passivity.
    pub passive_half: Vec<u64>,
    /// Clamped draws per parameter.
    pub clamped: [u64; NPARAMS],
}

impl OutcomeCounts {
    /// No trajectories yet, for horizon H; counting the months of
    /// passivity >= 0.5 when `passivity` is set.
    pub(crate) fn new(horizon: usize, passivity: bool) -> Self {
        OutcomeCounts {
            trajectories: 0,
            beat_hourly_value: 0,
            failures: vec![[0; NCAUSES]; horizon],
            semi_passive_reached: vec![0; horizon],
            semi_passive_qualifying: vec![0; horizon],
            break_even_reached: vec![0; horizon],
            passive_half: if passivity {
                vec![0; horizon]
            } else {
                Vec::new()
            },
            clamped: [0; NPARAMS],
        }
    }

    /// Counts one trajectory's outcome.
    #[inline]
    pub(crate) fn add(&mut self, outcome: &Outcome) {
        if let Some(rate) = outcome.hourly_rate()
            && rate >= outcome.hourly_value
        {
            self.beat_hourly_value += 1;
        }
        self.add_end(outcome.failure, outcome.clamped);
        if let Some(m) = outcome.semi_passive_month {
            self.semi_passive_reached[m as usize - 1] += 1;
        }
        if let Some(m) = outcome.break_even_month {
            self.break_even_reached[m as usize - 1] += 1;
        }
        let mut q = outcome.qualifying;
        while q != 0 {
            self.semi_passive_qualifying[q.trailing_zeros() as usize] += 1;
            q &= q - 1;
        }
        if !self.passive_half.is_empty() {
            let mut p = outcome.passive_half;
            while p != 0 {
                self.passive_half[p.trailing_zeros() as usize] += 1;
                p &= p - 1;
            }
        }
    }

    /// Counts how a portfolio's hustle ended in one trajectory: its
    /// failure, if any, and its clamped draws.
    #[inline]
    pub(crate) fn add_end(&mut self, failure: Option<(super::FailureCause, u32)>, clamped: u64) {
        if let Some((cause, month)) = failure {
            self.failures[month as usize - 1][cause.index()] += 1;
        }
        let mut c = clamped;
        while c != 0 {
            self.clamped[c.trailing_zeros() as usize] += 1;
            c &= c - 1;
        }
        self.trajectories += 1;
    }

    /// Adds the counts of other trajectories (of the same horizon).
    pub(crate) fn merge(&mut self, o: &OutcomeCounts) {
        assert_eq!(self.failures.len(), o.failures.len(), "one horizon");
        self.trajectories += o.trajectories;
        self.beat_hourly_value += o.beat_hourly_value;
        for (a, b) in self.failures.iter_mut().zip(&o.failures) {
            add(a, b);
        }
        add(&mut self.semi_passive_reached, &o.semi_passive_reached);
        add(
            &mut self.semi_passive_qualifying,
            &o.semi_passive_qualifying,
        );
        add(&mut self.break_even_reached, &o.break_even_reached);
        add(&mut self.passive_half, &o.passive_half);
        add(&mut self.clamped, &o.clamped);
    }

    /// Trajectories that became semi-passive by the horizon.
    pub fn semi_passive(&self) -> u64 {
        self.semi_passive_reached.iter().sum()
    }

    /// Trajectories that broke even by the horizon.
    pub fn break_even(&self) -> u64 {
        self.break_even_reached.iter().sum()
    }

    /// Failures by the horizon by cause, indexed by
    /// [`super::FailureCause::index`].
    pub fn failures_by_cause(&self) -> [u64; NCAUSES] {
        let mut by_cause = [0; NCAUSES];
        for m in &self.failures {
            add(&mut by_cause, m);
        }
        by_cause
    }

    /// Failures in month t (index t - 1), whatever the cause.
    pub fn failures_by_month(&self) -> Vec<u64> {
        self.failures.iter().map(|m| m.iter().sum()).collect()
    }

    /// Trajectories that failed by the horizon, whatever the cause.
    pub fn failed(&self) -> u64 {
        self.failures.iter().flatten().sum()
    }
}

/// Order-free sums for the rank correlation of a pair of parameters: each
/// drawn value enters as its grade, the probability of a value at most as
/// large under the parameter's own distribution (the uniform it was drawn
/// from), in 32-bit fixed point. Integer sums, so merging is exact in any
/// order, and at most 2^30 trajectories keep every sum within 128 bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GradeSums {
    /// Pairs counted.
    pub n: u64,
    sum: [u128; 2],
    squares: [u128; 2],
    products: u128,
}

impl GradeSums {
    /// Counts the grades of one trajectory's pair, each in (0, 1).
    #[inline]
    pub(crate) fn add(&mut self, a: f64, b: f64) {
        let fixed = |u: f64| (u * 4_294_967_296.0) as u64 as u128;
        let (a, b) = (fixed(a), fixed(b));
        self.n += 1;
        self.sum[0] += a;
        self.sum[1] += b;
        self.squares[0] += a * a;
        self.squares[1] += b * b;
        self.products += a * b;
    }

    /// Adds the sums of other trajectories.
    pub(crate) fn merge(&mut self, o: &GradeSums) {
        self.n += o.n;
        for i in 0..2 {
            self.sum[i] += o.sum[i];
            self.squares[i] += o.squares[i];
        }
        self.products += o.products;
    }

    /// The Pearson correlation of the grades: Spearman's rank correlation
    /// with each value ranked within its own distribution. `None` when
    /// either grade does not vary (fewer than two trajectories).
    pub fn correlation(&self) -> Option<f64> {
        let n = self.n as i128;
        // n * sum of squares - sum^2: each term below 2^124.
        let spread = |i: usize| n * self.squares[i] as i128 - (self.sum[i] * self.sum[i]) as i128;
        let co = n * self.products as i128 - (self.sum[0] * self.sum[1]) as i128;
        let (sa, sb) = (spread(0), spread(1));
        (sa > 0 && sb > 0)
            .then(|| (co as f64 / ((sa as f64).sqrt() * (sb as f64).sqrt())).clamp(-1.0, 1.0))
    }
}

fn add(a: &mut [u64], b: &[u64]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
}

/// The share of all `n` trajectories counted by month t, for every t:
/// running sums of `counts` (index t - 1) over `n`.
pub(crate) fn cumulative_shares(counts: &[u64], n: u64) -> Vec<f64> {
    let mut total = 0;
    counts
        .iter()
        .map(|c| {
            total += c;
            total as f64 / n as f64
        })
        .collect()
}

/// Among the trajectories that reached a milestone by the horizon (`reached`
/// counts them by the month they did, index t - 1), the median month they
/// did: the first month by which at least half of them had. `None` when
/// none did.
pub fn median_month_among_reached(reached: &[u64]) -> Option<u32> {
    let total: u64 = reached.iter().sum();
    if total == 0 {
        return None;
    }
    let mut so_far = 0;
    reached
        .iter()
        .position(|c| {
            so_far += c;
            2 * so_far >= total
        })
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::FailureCause;

    #[test]
    fn cause_indices_follow_all() {
        for (i, c) in FailureCause::ALL.into_iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }

    #[test]
    fn grade_sums_give_the_correlation_in_any_order() {
        let pairs: Vec<(f64, f64)> = (1..200)
            .map(|i| {
                let a = i as f64 / 200.0;
                (a, (a * 7.3).fract() * 0.3 + a * 0.7)
            })
            .collect();
        let mut all = GradeSums::default();
        let (mut first, mut second) = (GradeSums::default(), GradeSums::default());
        for (i, &(a, b)) in pairs.iter().enumerate() {
            all.add(a, b);
            if i % 3 == 0 { &mut first } else { &mut second }.add(a, b);
        }
        second.merge(&first);
        assert_eq!(all, second);
        // Against the plain Pearson correlation of the same grades.
        let n = pairs.len() as f64;
        let (ma, mb) = (
            pairs.iter().map(|p| p.0).sum::<f64>() / n,
            pairs.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let cov: f64 = pairs.iter().map(|p| (p.0 - ma) * (p.1 - mb)).sum();
        let va: f64 = pairs.iter().map(|p| (p.0 - ma).powi(2)).sum();
        let vb: f64 = pairs.iter().map(|p| (p.1 - mb).powi(2)).sum();
        let want = cov / (va * vb).sqrt();
        let got = all.correlation().unwrap();
        assert!((got - want).abs() < 1e-8, "{got} vs {want}");
        let mut one = GradeSums::default();
        one.add(0.3, 0.4);
        assert_eq!(one.correlation(), None);
    }

    #[test]
    fn shares_are_running_sums_over_all() {
        assert_eq!(cumulative_shares(&[1, 0, 3], 8), vec![0.125, 0.125, 0.5]);
        assert!(cumulative_shares(&[], 8).is_empty());
    }

    #[test]
    fn median_month_is_taken_among_those_that_reached() {
        assert_eq!(median_month_among_reached(&[0, 0, 0]), None);
        assert_eq!(median_month_among_reached(&[]), None);
        // 20 reach it in the end; half of them (10) by month 2.
        assert_eq!(median_month_among_reached(&[5, 5, 5, 5]), Some(2));
        assert_eq!(median_month_among_reached(&[0, 6, 3]), Some(2));
        assert_eq!(median_month_among_reached(&[1, 1]), Some(1));
    }
}
