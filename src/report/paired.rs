//! The figures of a paired run that `sweep` and `compare` share: each
//! variant's outcomes, and each variant's paired differences against the
//! first. Plain serde types, documented field by field because users read
//! `compare.json` and `sweep.csv`. A portfolio variant's figures are its
//! person's, as in its `summary.json`.

use super::format::{format_money, format_percent};
use super::summary::{Causes, MonthQuantiles, PersonCauses};
use crate::sim::FailureCause;
use crate::sim::counts::{cumulative_shares, median_month_among_reached};
use crate::sim::paired::{PairResult, VariantResult};
use crate::stats::{Z95_TWO_SIDED, newcombe_paired_interval, wilson_interval};
use serde::Serialize;

/// Name of the interval method on differences of paired proportions, as
/// written in `compare.json`.
pub const PAIRED_INTERVAL_METHOD: &str = "Newcombe hybrid score (1998, method 10)";

/// Mean and percentiles of a money figure across trajectories.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Distribution {
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Distribution {
    /// From a mean and the five reported percentiles (p5 .. p95).
    fn new(mean: f64, q: &[f64; 5]) -> Self {
        Distribution {
            mean,
            p5: q[0],
            p50: q[2],
            p95: q[4],
        }
    }
}

/// What became of one variant's trajectories.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeStats {
    /// Whether the scenario defines semi-passive months (a `[semi_passive]`
    /// section); without one the semi-passive figures are 0.
    pub semi_passive_defined: bool,
    /// Share of trajectories whose income became semi-passive by the horizon.
    pub semi_passive_probability: f64,
    /// Wilson 95 % interval of `semi_passive_probability`.
    pub semi_passive_ci95: [f64; 2],
    /// First month by which half of all trajectories had become
    /// semi-passive (as `semi_passive.month.p50` in `summary.json`); null
    /// when fewer than half did within the horizon.
    pub median_month_semi_passive: Option<u32>,
    /// Among the trajectories that became semi-passive, the median month
    /// they did; null when none did.
    pub median_month_semi_passive_if_reached: Option<u32>,
    /// Share of trajectories that failed (abandoned, burned out,
    /// de-platformed or unprofitable).
    pub failure_probability: f64,
    /// Wilson 95 % interval of `failure_probability`.
    pub failure_ci95: [f64; 2],
    /// Shares of all trajectories by failure cause, as `failure.causes` in
    /// the variant's `summary.json`; they sum to `failure_probability`.
    pub failure_causes: FailureCauses,
    /// Cumulative net at the horizon, setup included.
    pub cumulative_net: Distribution,
    /// Share of trajectories whose month H itself qualifies as
    /// semi-passive: semi-passive *in* month H, where
    /// `semi_passive_probability` is *by* month H
    /// (`semi_passive.share_by_month` at H in `summary.json`).
    pub semi_passive_at_horizon: f64,
    /// Wilson 95 % interval of `semi_passive_at_horizon`.
    pub semi_passive_at_horizon_ci95: [f64; 2],
    /// The owner's-hours figures, for a scenario that uses those keys and
    /// for a portfolio (as `summary.json` reports them); absent otherwise.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub owner_hours: Option<OwnerHoursStats>,
}

/// Shares of all trajectories by failure cause: a scenario's four causes,
/// or a portfolio person's two (burned out, or every hustle failed).
/// Written as the causes alone, as `failure.causes` of `summary.json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FailureCauses {
    /// A scenario's: abandoned, burned out, de-platformed, unprofitable.
    Hustle(Causes),
    /// A portfolio person's: burned out, all failed.
    Person(PersonCauses),
}

impl FailureCauses {
    /// The causes, in `summary.json` order.
    pub fn causes(&self) -> &'static [FailureCause] {
        match self {
            FailureCauses::Hustle(_) => &FailureCause::ALL,
            FailureCauses::Person(_) => &FailureCause::PERSON,
        }
    }

    /// The share for one cause (0 for a cause of the other kind).
    pub fn get(&self, c: FailureCause) -> f64 {
        match self {
            FailureCauses::Hustle(causes) => causes.get(c),
            FailureCauses::Person(causes) => match c {
                FailureCause::BurnedOut => causes.burned_out,
                FailureCause::AllFailed => causes.all_failed,
                _ => 0.0,
            },
        }
    }
}

/// What a variant with the owner's hours keys adds: when months become
/// passive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnerHoursStats {
    /// The first months in which 25, 50 and 75 % of all trajectories have
    /// passivity >= 0.5 (`passivity.month` in `summary.json`).
    pub passivity_month: MonthQuantiles,
    /// Share of trajectories with passivity >= 0.5 in month H.
    pub passive_at_horizon: f64,
}

impl OutcomeStats {
    /// Whether these are a portfolio person's figures.
    pub fn is_portfolio(&self) -> bool {
        matches!(self.failure_causes, FailureCauses::Person(_))
    }

    /// The figures of one variant of a paired run of `n` trajectories.
    pub fn new(v: &VariantResult, n: u64) -> Self {
        let t = &v.tally.counts;
        let share = |c: u64| c as f64 / n as f64;
        let ci = |c: u64| wilson_interval(c, n, Z95_TWO_SIDED);
        let reached = cumulative_shares(&t.semi_passive_reached, n);
        let sp = t.semi_passive();
        let by_cause = t.failures_by_cause();
        let at_h = *t.semi_passive_qualifying.last().expect("H >= 1");
        OutcomeStats {
            semi_passive_defined: v.model.semi_passive_sustain_months.is_some(),
            semi_passive_probability: share(sp),
            semi_passive_ci95: ci(sp),
            semi_passive_at_horizon: share(at_h),
            semi_passive_at_horizon_ci95: ci(at_h),
            median_month_semi_passive: MonthQuantiles::from_reached(&reached).p50,
            median_month_semi_passive_if_reached: median_month_among_reached(
                &t.semi_passive_reached,
            ),
            failure_probability: share(t.failed()),
            failure_ci95: ci(t.failed()),
            failure_causes: if v.portfolio.is_some() {
                FailureCauses::Person(PersonCauses {
                    burned_out: share(by_cause[FailureCause::BurnedOut.index()]),
                    all_failed: share(by_cause[FailureCause::AllFailed.index()]),
                })
            } else {
                FailureCauses::Hustle(Causes {
                    abandoned: share(by_cause[0]),
                    burned_out: share(by_cause[1]),
                    deplatformed: share(by_cause[2]),
                    unprofitable: share(by_cause[3]),
                })
            },
            cumulative_net: Distribution::new(v.cumulative_net.mean, &v.cumulative_net_percentiles),
            // A portfolio's summary.json always reports the person's hours
            // figures.
            owner_hours: (v.portfolio.is_some() || v.model.uses_owner_hours_keys()).then(|| {
                let passive: Vec<f64> = t.passive_half.iter().map(|&c| share(c)).collect();
                OwnerHoursStats {
                    passivity_month: MonthQuantiles::from_reached(&passive),
                    passive_at_horizon: *passive.last().expect("H >= 1"),
                }
            }),
        }
    }
}

/// One variant against the first, trajectory by trajectory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedStats {
    /// Label of this variant.
    pub label: String,
    /// Label of the first scenario, which it is compared against.
    pub against: String,
    /// Trajectories semi-passive by the horizon under this variant but not
    /// under the first.
    pub semi_passive_gained: u64,
    /// Trajectories semi-passive under the first but not under this variant.
    pub semi_passive_lost: u64,
    /// Trajectories that failed under this variant but not under the first.
    pub failure_gained: u64,
    /// Trajectories that failed under the first but not under this variant.
    pub failure_avoided: u64,
    /// Per-trajectory difference in cumulative net at the horizon, this
    /// variant minus the first.
    pub cumulative_net_difference: Distribution,
    /// P(semi-passive) of this variant minus that of the first:
    /// (gained - lost) / trajectories.
    pub semi_passive_probability_difference: f64,
    /// Paired 95 % interval of that difference (`interval_method`).
    pub semi_passive_difference_ci95: [f64; 2],
    /// P(failure) of this variant minus that of the first.
    pub failure_probability_difference: f64,
    /// Paired 95 % interval of that difference (`interval_method`).
    pub failure_difference_ci95: [f64; 2],
    /// How the paired intervals are computed.
    pub interval_method: String,
}

impl PairedStats {
    /// The paired figures of `pair`, whose variant and the first are
    /// `other` and `first`, over `n` trajectories.
    pub fn new(
        pair: &PairResult,
        first: &VariantResult,
        other: &VariantResult,
        labels: (&str, &str),
        n: u64,
    ) -> Self {
        let t = &pair.tally;
        // The paired 2 x 2 table with the other variant as "first" row, so
        // that the interval is for P(other) - P(first).
        let table = |yes_other: u64, yes_first: u64, gained: u64, lost: u64| {
            let both = yes_other - gained;
            debug_assert_eq!(both, yes_first - lost);
            let neither = n - both - gained - lost;
            newcombe_paired_interval(both, gained, lost, neither, Z95_TWO_SIDED)
        };
        let diff = |gained: u64, lost: u64| (gained as f64 - lost as f64) / n as f64;
        PairedStats {
            label: labels.1.to_string(),
            against: labels.0.to_string(),
            semi_passive_gained: t.semi_passive_gained,
            semi_passive_lost: t.semi_passive_lost,
            failure_gained: t.failure_gained,
            failure_avoided: t.failure_avoided,
            cumulative_net_difference: Distribution::new(
                pair.difference.mean,
                &pair.difference_percentiles,
            ),
            semi_passive_probability_difference: diff(t.semi_passive_gained, t.semi_passive_lost),
            semi_passive_difference_ci95: table(
                other.tally.counts.semi_passive(),
                first.tally.counts.semi_passive(),
                t.semi_passive_gained,
                t.semi_passive_lost,
            ),
            failure_probability_difference: diff(t.failure_gained, t.failure_avoided),
            failure_difference_ci95: table(
                other.tally.counts.failed(),
                first.tally.counts.failed(),
                t.failure_gained,
                t.failure_avoided,
            ),
            interval_method: PAIRED_INTERVAL_METHOD.to_string(),
        }
    }
}

/// The outcome columns the tables of `compare` and `sweep` share, after
/// their first (the scenario or the value): two header rows, then a row's
/// cells from its figures. P(semi-passive by month H) with its interval,
/// the share semi-passive in month H, the median month, P(failure) with
/// its interval and the median net.
pub(crate) struct OutcomeColumns {
    /// Whether any row is a portfolio's person.
    pub portfolio: bool,
}

impl OutcomeColumns {
    /// The two header rows, for horizon `h`.
    pub fn headers(&self, h: u32) -> [Vec<String>; 2] {
        [
            vec![
                format!("semi-passive by {h}"),
                format!("in {h}"),
                "median".to_string(),
                format!("failure by {h}"),
                "median".to_string(),
            ],
            vec![
                "share (95 % CI)".to_string(),
                "share".to_string(),
                "month".to_string(),
                "share (95 % CI)".to_string(),
                "net".to_string(),
            ],
        ]
    }

    /// One row's cells.
    pub fn cells(&self, s: &OutcomeStats) -> Vec<String> {
        let pct_ci = |p: f64, c: [f64; 2]| {
            format!(
                "{} ({:.1}-{:.1})",
                format_percent(p),
                c[0] * 100.0,
                c[1] * 100.0
            )
        };
        let (sp, at_h, month) = if s.semi_passive_defined {
            (
                pct_ci(s.semi_passive_probability, s.semi_passive_ci95),
                format_percent(s.semi_passive_at_horizon),
                s.median_month_semi_passive
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "-".into()),
            )
        } else {
            ("undefined".into(), String::new(), String::new())
        };
        vec![
            sp,
            at_h,
            month,
            pct_ci(s.failure_probability, s.failure_ci95),
            format_money(s.cumulative_net.p50),
        ]
    }

    /// The columns' alignment: every one a figure.
    pub fn align(&self) -> Vec<super::columns::Align> {
        vec![super::columns::Align::Right; 5]
    }

    /// What the semi-passive columns mean, for horizon `h`, and what a
    /// portfolio's figures are when any row is one.
    pub fn note(&self, h: u32) -> String {
        let mut note = super::format::wrap_note(&semi_passive_words(h), "  ");
        if self.portfolio {
            note.push_str(&super::format::wrap_note(
                "A portfolio's figures are its person's: the totals of its hustles, failed \
                 when the person burned out or every hustle failed.",
                "  ",
            ));
        }
        note
    }
}

/// What "semi-passive by month H", "in month H" and "median month" mean,
/// the same words wherever they are printed.
pub fn semi_passive_words(h: u32) -> String {
    format!(
        "Semi-passive by {h}: the share of trajectories whose income became \
         semi-passive (sustain_months qualifying months in a row) by month {h}; \
         in {h}: the share whose month {h} itself qualifies. {}",
        median_month_words(h)
    )
}

/// What "median month" means, the one definition every table uses.
pub fn median_month_words(h: u32) -> String {
    format!(
        "Median month: the first month by which half of all trajectories \
         had got there (- when fewer than half did by month {h})."
    )
}
