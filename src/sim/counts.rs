//! Counts of outcomes by month, and what is read off them: the share of
//! all trajectories that had reached a milestone by each month, and the
//! median month among those that reached it.

/// The share of all `n` trajectories counted by month t, for every t:
/// running sums of `counts` (index t - 1) over `n`.
pub fn cumulative_shares(counts: &[u64], n: u64) -> Vec<f64> {
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
