//! What a trajectory reports: its monthly figures by [`Metric`], and how it
//! ended up ([`Outcome`], with its [`FailureCause`]), in the words of
//! docs/model.md, One trajectory and What a run reports.

use serde::Serialize;

/// A monthly figure reported for every trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Gross revenue minus platform fee and costs (setup cost in setup months).
    NetIncome,
    /// Revenue before the platform's fee.
    GrossRevenue,
    /// Active customers N at the end of the month.
    Customers,
    /// Customers won this month.
    NewCustomers,
    /// Hours the owner worked.
    Hours,
    /// Net income so far, setup included.
    CumulativeNet,
    /// Competitors in the market (counted after an end too).
    Competitors,
    /// The platform's cut of gross revenue.
    PlatformFee,
    /// The share of the month's net beyond what its hours would have
    /// earned at the owner's hourly value (0 outside launched months of a
    /// running hustle and when net <= 0).
    Passivity,
    /// New customers turned away for want of the owner's hours.
    DeclinedCustomers,
}

impl Metric {
    /// Every metric, in `summary.json` order. The last two are reported
    /// only for scenarios that use the owner's hours keys
    /// ([`crate::model::Model::uses_owner_hours_keys`]).
    pub const ALL: [Metric; NMETRICS] = [
        Metric::NetIncome,
        Metric::GrossRevenue,
        Metric::Customers,
        Metric::NewCustomers,
        Metric::Hours,
        Metric::CumulativeNet,
        Metric::Competitors,
        Metric::PlatformFee,
        Metric::Passivity,
        Metric::DeclinedCustomers,
    ];

    /// Name in `summary.json` and `percentiles.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::NetIncome => "net_income",
            Metric::GrossRevenue => "gross_revenue",
            Metric::Customers => "customers",
            Metric::NewCustomers => "new_customers",
            Metric::Hours => "hours",
            Metric::CumulativeNet => "cumulative_net",
            Metric::Competitors => "competitors",
            Metric::PlatformFee => "platform_fee",
            Metric::Passivity => "passivity",
            Metric::DeclinedCustomers => "declined_customers",
        }
    }
}

/// Number of metrics a trajectory records.
pub const NMETRICS: usize = 10;

/// The metrics every run reports: the first of [`Metric::ALL`].
pub const BASE_METRICS: usize = 8;

/// Why a hustle failed (docs/model.md, One trajectory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureCause {
    /// The owner quit after too many bad months.
    Abandoned,
    /// The owner burned out after too many long months.
    BurnedOut,
    /// The platform banned the hustle.
    Deplatformed,
    /// Still running at the horizon but with cumulative net below 0.
    Unprofitable,
    /// A portfolio's person: every hustle ended by a failure of its own.
    AllFailed,
}

/// Number of failure causes, a hustle's and a person's.
pub const NCAUSES: usize = 5;

impl FailureCause {
    /// Every cause of a hustle's failure, in `summary.json` order.
    pub const ALL: [FailureCause; 4] = [
        FailureCause::Abandoned,
        FailureCause::BurnedOut,
        FailureCause::Deplatformed,
        FailureCause::Unprofitable,
    ];

    /// A portfolio person's causes of failure, in `summary.json` order:
    /// burnout ends every hustle, or each hustle ended by a failure of its
    /// own.
    pub const PERSON: [FailureCause; 2] = [FailureCause::BurnedOut, FailureCause::AllFailed];

    /// Position in [`FailureCause::ALL`], then `AllFailed`: the index of
    /// the cause in every count by cause.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Name in `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            FailureCause::Abandoned => "abandoned",
            FailureCause::BurnedOut => "burned_out",
            FailureCause::Deplatformed => "deplatformed",
            FailureCause::Unprofitable => "unprofitable",
            FailureCause::AllFailed => "all_failed",
        }
    }
}

/// How one trajectory ended up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Failure cause and the month it ended (H for unprofitable), if it
    /// failed.
    pub failure: Option<(FailureCause, u32)>,
    /// Month that completed the first run of qualifying months.
    pub semi_passive_month: Option<u32>,
    /// First launched month, before any end, with cumulative net >= 0.
    pub break_even_month: Option<u32>,
    /// Net income over the whole horizon, setup included.
    pub cumulative_net: f64,
    /// Hours over the whole horizon, setup included.
    pub cumulative_hours: f64,
    /// The trajectory's `owner.hourly_value`.
    pub hourly_value: f64,
    /// Bit t-1 set: month t qualified as semi-passive.
    pub qualifying: u128,
    /// Bit t-1 set: month t had passivity >= 0.5.
    pub passive_half: u128,
    /// Parameters clamped for this trajectory (bit per
    /// [`Param`](crate::scenario::keys::Param)).
    pub clamped: u64,
}

impl Outcome {
    /// Cumulative net over cumulative hours, when any hours were worked.
    /// A rate that is not a finite number (hours so close to 0 that net
    /// over them overflows, such as 5e-324 hours) is treated as no rate,
    /// as for no hours, so that no report shows an infinity or NaN.
    pub fn hourly_rate(&self) -> Option<f64> {
        (self.cumulative_hours > 0.0)
            .then(|| self.cumulative_net / self.cumulative_hours)
            .filter(|r| r.is_finite())
    }
}
