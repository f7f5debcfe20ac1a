//! Customer lifetimes counted by renewal period: the one shape every data
//! format is reduced to before fitting.
//!
//! Period t is the t-th renewal. A customer who *churned in period t*
//! renewed t - 1 times and left at renewal t (so t >= 1); a customer
//! *censored after t renewals* renewed t times and was still active when
//! observation stopped, so we know only that its lifetime exceeds t periods
//! (t >= 0; t = 0 is a customer too new to have faced a renewal). A cohort
//! of survival counts `alive[0..=L]` is `alive[t-1] - alive[t]` churned in
//! each period t and `alive[L]` censored after L renewals.

use crate::error::InputError;

/// Churn and censoring counts by period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lifetimes {
    /// `churned[t - 1]`: customers who churned in period t (t >= 1).
    churned: Vec<u64>,
    /// `censored[t]`: customers still active after t renewals when
    /// observation stopped.
    censored: Vec<u64>,
}

impl Lifetimes {
    /// No customers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lifetimes of one cohort from its survival counts: `alive[0]` customers
    /// started together and `alive[t]` were still active after t renewals.
    /// Counts that rise are an error (customers who return count as new
    /// ones).
    pub fn from_survival(alive: &[u64]) -> Result<Self, InputError> {
        let mut lt = Self::new();
        lt.add_survival(alive)?;
        Ok(lt)
    }

    /// Adds one cohort's survival counts (see [`Lifetimes::from_survival`]);
    /// on an error nothing is added.
    pub fn add_survival(&mut self, alive: &[u64]) -> Result<(), InputError> {
        if let Some(t) = (1..alive.len()).find(|&t| alive[t] > alive[t - 1]) {
            return Err(InputError::new(format!(
                "survival counts rise from {} at period {} to {} at period {t}; they can only fall",
                alive[t - 1],
                t - 1,
                alive[t]
            )));
        }
        for t in 1..alive.len() {
            self.add_churned(t as u32, alive[t - 1] - alive[t]);
        }
        if let Some(&last) = alive.last() {
            self.add_censored((alive.len() - 1) as u32, last);
        }
        Ok(())
    }

    /// Adds `n` customers who churned in period `t` (t >= 1).
    pub fn add_churned(&mut self, t: u32, n: u64) {
        assert!(t >= 1, "churn happens at a renewal, period 1 or later");
        let i = t as usize - 1;
        if self.churned.len() <= i {
            self.churned.resize(i + 1, 0);
        }
        self.churned[i] += n;
    }

    /// Adds `n` customers still active after `t` renewals.
    pub fn add_censored(&mut self, t: u32, n: u64) {
        let i = t as usize;
        if self.censored.len() <= i {
            self.censored.resize(i + 1, 0);
        }
        self.censored[i] += n;
    }

    /// Customers who churned in period `t` (0 for t = 0).
    pub fn churned(&self, t: u32) -> u64 {
        match t {
            0 => 0,
            _ => self.churned.get(t as usize - 1).copied().unwrap_or(0),
        }
    }

    /// Customers censored after `t` renewals.
    pub fn censored(&self, t: u32) -> u64 {
        self.censored.get(t as usize).copied().unwrap_or(0)
    }

    /// The last period anyone churned in or was censored after: no
    /// information exists beyond it.
    pub fn last_period(&self) -> u32 {
        let c = self.churned.iter().rposition(|&n| n > 0).map(|i| i + 1);
        let s = self.censored.iter().rposition(|&n| n > 0);
        c.max(s).unwrap_or(0) as u32
    }

    /// All customers.
    pub fn customers(&self) -> u64 {
        self.churned.iter().sum::<u64>() + self.censored.iter().sum::<u64>()
    }

    /// All churn events.
    pub fn total_churned(&self) -> u64 {
        self.churned.iter().sum()
    }

    /// Customers who faced renewal `t`: those who churned in period t or
    /// later, plus those censored after t or more renewals (for t = 0,
    /// everyone).
    pub fn at_risk(&self, t: u32) -> u64 {
        let churned: u64 = self
            .churned
            .iter()
            .skip((t as usize).saturating_sub(1))
            .sum();
        let censored: u64 = self.censored.iter().skip(t as usize).sum();
        churned + censored
    }

    /// [`Lifetimes::at_risk`] for every t in 0..=[`Lifetimes::last_period`],
    /// in one pass from the last period back.
    pub fn at_risk_by_period(&self) -> Vec<u64> {
        let last = self.last_period();
        let mut out = vec![0; last as usize + 1];
        let (mut churned_from, mut censored_from) = (0u64, 0u64);
        for t in (0..=last).rev() {
            if t >= 1 {
                churned_from += self.churned(t);
            }
            censored_from += self.censored(t);
            out[t as usize] = churned_from + censored_from;
        }
        out
    }

    /// The same customers observed only through period `k`: a churn after
    /// period k, or a censoring after more than k renewals, becomes a
    /// censoring after k renewals. This is how `--fit-periods` holds data
    /// out.
    pub fn truncated(&self, k: u32) -> Self {
        let mut lt = Self::new();
        for t in 1..=self.last_period() {
            let n = self.churned(t);
            if t <= k {
                lt.add_churned(t, n);
            } else {
                lt.add_censored(k, n);
            }
        }
        for t in 0..=self.last_period() {
            lt.add_censored(t.min(k), self.censored(t));
        }
        lt.trim();
        lt
    }

    fn trim(&mut self) {
        while self.churned.last() == Some(&0) {
            self.churned.pop();
        }
        while self.censored.last() == Some(&0) {
            self.censored.pop();
        }
    }

    /// The Kaplan-Meier estimate of survival after t renewals, for t in
    /// 0..=[`Lifetimes::last_period`]: the product over renewals 1..=t of
    /// the share of those at risk who renewed. For a single cohort this is
    /// `alive[t] / alive[0]` (up to rounding); with censoring it is the standard
    /// nonparametric estimate (Kaplan & Meier 1958).
    pub fn kaplan_meier(&self) -> Vec<f64> {
        let at_risk = self.at_risk_by_period();
        let mut s = vec![1.0];
        let mut cur = 1.0;
        for t in 1..=self.last_period() {
            let r = at_risk[t as usize];
            if r > 0 {
                cur *= 1.0 - self.churned(t) as f64 / r as f64;
            }
            s.push(cur);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cohort_is_churn_per_period_plus_survivors_censored() {
        let lt = Lifetimes::from_survival(&[10, 7, 7, 4]).unwrap();
        assert_eq!((lt.churned(1), lt.churned(2), lt.churned(3)), (3, 0, 3));
        assert_eq!(lt.censored(3), 4);
        assert_eq!(lt.customers(), 10);
        assert_eq!(lt.last_period(), 3);
        assert_eq!((lt.at_risk(1), lt.at_risk(2), lt.at_risk(3)), (10, 7, 7));
        assert_eq!(lt.at_risk(0), 10);
        let km = lt.kaplan_meier();
        for (s, want) in km.iter().zip([1.0, 0.7, 0.7, 0.4]) {
            assert!((s - want).abs() < 1e-15, "{km:?}");
        }
    }

    #[test]
    fn truncation_turns_later_events_into_censoring() {
        let lt = Lifetimes::from_survival(&[10, 7, 5, 4])
            .unwrap()
            .truncated(1);
        assert_eq!(lt, Lifetimes::from_survival(&[10, 7]).unwrap());
        let lt = Lifetimes::from_survival(&[10, 7, 5, 4])
            .unwrap()
            .truncated(5);
        assert_eq!(lt, Lifetimes::from_survival(&[10, 7, 5, 4]).unwrap());
    }

    #[test]
    fn at_risk_in_one_pass_matches_the_definition() {
        let mut lt = Lifetimes::from_survival(&[10, 7, 7, 4]).unwrap();
        lt.add_censored(0, 3);
        lt.add_censored(2, 5);
        lt.add_churned(5, 2);
        let all = lt.at_risk_by_period();
        assert_eq!(all.len(), lt.last_period() as usize + 1);
        for (t, &r) in all.iter().enumerate() {
            assert_eq!(r, lt.at_risk(t as u32), "t = {t}");
        }
    }

    #[test]
    fn kaplan_meier_handles_censoring_midway() {
        // 4 customers: churned in 1, censored after 1, churned in 2,
        // censored after 2. Renewal 1: 1 of 4 leaves; renewal 2: 1 of 2.
        let mut lt = Lifetimes::new();
        lt.add_churned(1, 1);
        lt.add_censored(1, 1);
        lt.add_churned(2, 1);
        lt.add_censored(2, 1);
        assert_eq!(lt.kaplan_meier(), vec![1.0, 0.75, 0.375]);
    }

    #[test]
    fn rising_survival_counts_are_an_error_not_a_panic() {
        let err = Lifetimes::from_survival(&[10, 7, 8, 4]).unwrap_err();
        assert!(
            err.to_string()
                .contains("rise from 7 at period 1 to 8 at period 2")
        );
        let mut lt = Lifetimes::from_survival(&[5, 3]).unwrap();
        let before = lt.clone();
        assert!(lt.add_survival(&[3, 4]).is_err());
        assert_eq!(lt, before, "nothing added on an error");
    }
}
