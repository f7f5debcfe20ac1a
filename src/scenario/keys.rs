//! The vocabulary of a scenario file: every key docs/model.md defines (A
//! scenario file, Keys), with its valid range and default.
//!
//! One table drives parsing, validation, `hustle-sim check`, `--set`,
//! unknown-key suggestions and the order in which parameters take their
//! uniform from the parameter stream (docs/model.md, Random streams). The
//! order of [`PARAMS`] is the table order of docs/model.md and must never
//! change: doing so would shift every trajectory's parameter draws.

use std::fmt;

/// The set of values a real-valued parameter may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// Any finite number.
    Any,
    /// `x >= lo`.
    AtLeast(f64),
    /// `x > lo`; a drawn value below it is clamped to `lo + 1e-9`.
    Above(f64),
    /// `lo <= x <= hi`.
    Closed(f64, f64),
    /// `lo <= x < hi`; a drawn value above it is clamped to `hi - 1e-9`.
    HalfOpen(f64, f64),
    /// `lo < x < hi`; a drawn value outside is clamped 1e-9 inside the
    /// nearer end.
    Open(f64, f64),
}

/// How far inside an open bound a clamped draw is put (docs/model.md, A
/// scenario file, *Uncertain parameters*: "1e-9 inside an open bound").
pub const OPEN_BOUND_STEP: f64 = 1e-9;

/// Largest magnitude any parameter may have: a written value beyond it is
/// an error, a drawn one is clamped to it (and counted). It keeps every
/// figure of a run finite: 1e9 customers at 1e9 a month still fits.
pub const MAX_MAGNITUDE: f64 = 1e9;

impl Bound {
    /// Whether `x` is a valid value.
    pub fn contains(self, x: f64) -> bool {
        match self {
            Bound::Any => x.is_finite(),
            Bound::AtLeast(lo) => x >= lo,
            Bound::Above(lo) => x > lo,
            Bound::Closed(lo, hi) => (lo..=hi).contains(&x),
            Bound::HalfOpen(lo, hi) => x >= lo && x < hi,
            Bound::Open(lo, hi) => x > lo && x < hi,
        }
    }

    /// The nearest valid value to `x`, within [`MAX_MAGNITUDE`].
    pub fn clamp(self, x: f64) -> f64 {
        let x = x.clamp(-MAX_MAGNITUDE, MAX_MAGNITUDE);
        match self {
            Bound::Any => x,
            Bound::AtLeast(lo) => x.max(lo),
            Bound::Above(lo) => x.max(lo + OPEN_BOUND_STEP),
            Bound::Closed(lo, hi) => x.clamp(lo, hi),
            Bound::HalfOpen(lo, hi) => x.clamp(lo, hi - OPEN_BOUND_STEP),
            Bound::Open(lo, hi) => x.clamp(lo + OPEN_BOUND_STEP, hi - OPEN_BOUND_STEP),
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Bound::Any => write!(f, "any finite number"),
            Bound::AtLeast(lo) => write!(f, ">= {lo}"),
            Bound::Above(lo) => write!(f, "> {lo}"),
            Bound::Closed(lo, hi) => write!(f, "within {lo}..={hi}"),
            Bound::HalfOpen(lo, hi) => write!(f, "within {lo}..{hi} ({hi} excluded)"),
            Bound::Open(lo, hi) => write!(f, "strictly between {lo} and {hi}"),
        }
    }
}

/// One real-valued parameter: fixed or uncertain, it takes one uniform from
/// the parameter stream per trajectory.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// Dotted key path, as written in a scenario file.
    pub key: &'static str,
    /// Valid values.
    pub bound: Bound,
    /// Value when the key is absent. `None`: required where its section or
    /// model needs it (bass keys, semi-passive thresholds) and otherwise
    /// unused.
    pub default: Option<f64>,
    /// One line for `check` and the template.
    pub meaning: &'static str,
    /// When moving it off its default can change a trajectory.
    pub matters: Matters,
}

/// When a parameter at its default can change any trajectory if it alone
/// moves (the model's own account of what affects what; sensitivity
/// analysis varies a default only when it can). "Can be > 0" reads the
/// scenario's value or distribution of the parameters named.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Matters {
    /// Always (and every key without a default: it is set whenever used).
    Always,
    /// Never: it only labels a result.
    Never,
    /// When one of these can be > 0.
    When(&'static [Param]),
    /// When customers can arrive and, if any are named, one of these can
    /// be > 0.
    WithCustomers(&'static [Param]),
    /// When revenue is possible (customers, and a price that can be > 0)
    /// and, if any are named, one of these can be > 0.
    WithRevenue(&'static [Param]),
    /// When the owner can quit (`owner.quit_after_months` > 0).
    WhenOwnerCanQuit,
}

/// Index of a real-valued parameter in [`PARAMS`] and in every drawn
/// parameter vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(usize)]
#[allow(missing_docs)]
pub enum Param {
    SetupHours,
    SetupCost,
    AcquisitionRate,
    AcquisitionGrowth,
    MarketSize,
    Innovation,
    Imitation,
    ChurnMonthly,
    ChurnAlpha,
    ChurnBeta,
    PriceMonthly,
    PriceOneTime,
    CostFixedMonthly,
    CostPerCustomerMonthly,
    FixedHoursMonthly,
    HoursPerCustomerMonthly,
    HoursPerNewCustomer,
    AutomationMonthly,
    EntryRate,
    CopycatRate,
    AcquisitionLoss,
    PriceErosion,
    ChurnIncrease,
    PlatformFee,
    FeeHikeProbability,
    FeeHike,
    PolicyShockProbability,
    PolicyShockLoss,
    BanProbability,
    QuitBelowNet,
    BurnoutHoursMonthly,
    HourlyValue,
    SemiPassiveMinNet,
    SemiPassiveMaxHours,
    ReworkProbability,
    ReworkHours,
    CapacityHoursMonthly,
    SemiPassiveMinPassivity,
    ChurnPolarisation,
}

/// Number of real-valued parameters.
pub const NPARAMS: usize = 39;

impl Param {
    /// All parameters, in draw order.
    pub const ALL: [Param; NPARAMS] = [
        Param::SetupHours,
        Param::SetupCost,
        Param::AcquisitionRate,
        Param::AcquisitionGrowth,
        Param::MarketSize,
        Param::Innovation,
        Param::Imitation,
        Param::ChurnMonthly,
        Param::ChurnAlpha,
        Param::ChurnBeta,
        Param::PriceMonthly,
        Param::PriceOneTime,
        Param::CostFixedMonthly,
        Param::CostPerCustomerMonthly,
        Param::FixedHoursMonthly,
        Param::HoursPerCustomerMonthly,
        Param::HoursPerNewCustomer,
        Param::AutomationMonthly,
        Param::EntryRate,
        Param::CopycatRate,
        Param::AcquisitionLoss,
        Param::PriceErosion,
        Param::ChurnIncrease,
        Param::PlatformFee,
        Param::FeeHikeProbability,
        Param::FeeHike,
        Param::PolicyShockProbability,
        Param::PolicyShockLoss,
        Param::BanProbability,
        Param::QuitBelowNet,
        Param::BurnoutHoursMonthly,
        Param::HourlyValue,
        Param::SemiPassiveMinNet,
        Param::SemiPassiveMaxHours,
        Param::ReworkProbability,
        Param::ReworkHours,
        Param::CapacityHoursMonthly,
        Param::SemiPassiveMinPassivity,
        Param::ChurnPolarisation,
    ];

    /// The keys of the owner's hours, rework and passivity, in draw order:
    /// they take their uniforms after every other parameter.
    pub const OWNER_HOURS: [Param; 4] = [
        Param::ReworkProbability,
        Param::ReworkHours,
        Param::CapacityHoursMonthly,
        Param::SemiPassiveMinPassivity,
    ];

    /// The parameter's specification.
    pub fn spec(self) -> &'static ParamSpec {
        &PARAMS[self as usize]
    }

    /// Dotted key path.
    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// The parameter with this dotted key, if it is a real-valued one.
    pub fn from_key(key: &str) -> Option<Param> {
        Param::ALL.iter().copied().find(|p| p.key() == key)
    }
}

impl serde::Serialize for Param {
    /// A parameter serialises as its dotted key.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

const fn p(
    key: &'static str,
    bound: Bound,
    default: Option<f64>,
    meaning: &'static str,
    matters: Matters,
) -> ParamSpec {
    ParamSpec {
        key,
        bound,
        default,
        meaning,
        matters,
    }
}

const NONNEG: Bound = Bound::AtLeast(0.0);
const UNIT: Bound = Bound::Closed(0.0, 1.0);

/// Every real-valued parameter, in the table order of docs/model.md (= draw
/// order).
pub const PARAMS: [ParamSpec; NPARAMS] = [
    p(
        "setup.hours",
        NONNEG,
        Some(0.0),
        "total hours to build, spread evenly over the setup months",
        Matters::Always,
    ),
    p(
        "setup.cost",
        NONNEG,
        Some(0.0),
        "one-off cash to build, spread the same way",
        Matters::Always,
    ),
    p(
        "acquisition.rate",
        NONNEG,
        Some(0.0),
        "poisson: expected new customers in the launch month",
        Matters::Always,
    ),
    p(
        "acquisition.growth",
        Bound::AtLeast(-1.0),
        Some(0.0),
        "poisson: monthly growth of that rate (0.05 = +5 %/month)",
        Matters::When(&[Param::AcquisitionRate]),
    ),
    p(
        "acquisition.market_size",
        Bound::AtLeast(1.0),
        None,
        "bass: people who could ever buy (rounded down to whole people)",
        Matters::Always,
    ),
    p(
        "acquisition.innovation",
        UNIT,
        None,
        "bass: p, monthly adoption from outside influence",
        Matters::Always,
    ),
    p(
        "acquisition.imitation",
        NONNEG,
        None,
        "bass: q, monthly adoption by word of mouth",
        Matters::Always,
    ),
    p(
        "churn.monthly",
        UNIT,
        Some(0.0),
        "chance an active customer leaves at its first renewal: at every renewal (constant), on average (sbg)",
        Matters::WithCustomers(&[]),
    ),
    p(
        "churn.alpha",
        Bound::Above(0.0),
        None,
        "sbg: alpha of the Beta spread of customers' churn chances",
        Matters::Always,
    ),
    p(
        "churn.beta",
        Bound::Above(0.0),
        None,
        "sbg: beta of the Beta spread of customers' churn chances",
        Matters::Always,
    ),
    p(
        "pricing.monthly",
        NONNEG,
        Some(0.0),
        "recurring revenue per active customer per month",
        Matters::WithCustomers(&[]),
    ),
    p(
        "pricing.one_time",
        NONNEG,
        Some(0.0),
        "revenue per new customer, in the month won",
        Matters::WithCustomers(&[]),
    ),
    p(
        "costs.fixed_monthly",
        NONNEG,
        Some(0.0),
        "tools, hosting, subscriptions, from launch on",
        Matters::Always,
    ),
    p(
        "costs.per_customer_monthly",
        NONNEG,
        Some(0.0),
        "e.g. model API spend per active customer",
        Matters::WithCustomers(&[]),
    ),
    p(
        "effort.fixed_hours_monthly",
        NONNEG,
        Some(0.0),
        "upkeep hours per month after launch",
        Matters::Always,
    ),
    p(
        "effort.hours_per_customer_monthly",
        NONNEG,
        Some(0.0),
        "support hours per active customer",
        Matters::WithCustomers(&[]),
    ),
    p(
        "effort.hours_per_new_customer",
        NONNEG,
        Some(0.0),
        "onboarding or delivery hours per new customer",
        Matters::WithCustomers(&[]),
    ),
    p(
        "effort.automation_monthly",
        Bound::HalfOpen(0.0, 1.0),
        Some(0.0),
        "share by which per-customer hours shrink each month after launch",
        Matters::WithCustomers(&[Param::HoursPerCustomerMonthly]),
    ),
    p(
        "competition.entry_rate",
        NONNEG,
        Some(0.0),
        "expected new competitors per month",
        Matters::WithCustomers(&[
            Param::AcquisitionLoss,
            Param::PriceErosion,
            Param::ChurnIncrease,
        ]),
    ),
    p(
        "competition.copycat_rate",
        NONNEG,
        Some(0.0),
        "extra expected entrants per month per 1,000 of last month's gross revenue",
        Matters::WithCustomers(&[
            Param::AcquisitionLoss,
            Param::PriceErosion,
            Param::ChurnIncrease,
        ]),
    ),
    p(
        "competition.acquisition_loss",
        UNIT,
        Some(0.0),
        "each competitor multiplies acquisition by (1 - this)",
        Matters::WithCustomers(&[Param::EntryRate, Param::CopycatRate]),
    ),
    p(
        "competition.price_erosion",
        UNIT,
        Some(0.0),
        "each competitor multiplies prices by (1 - this)",
        Matters::WithCustomers(&[Param::EntryRate, Param::CopycatRate]),
    ),
    p(
        "competition.churn_increase",
        UNIT,
        Some(0.0),
        "chance per month that each competitor lures an active customer away",
        Matters::WithCustomers(&[Param::EntryRate, Param::CopycatRate]),
    ),
    p(
        "platform.fee",
        UNIT,
        Some(0.0),
        "platform's share of gross revenue",
        Matters::WithRevenue(&[]),
    ),
    p(
        "platform.fee_hike_probability",
        UNIT,
        Some(0.0),
        "chance per month that the platform raises its fee",
        Matters::WithRevenue(&[Param::FeeHike]),
    ),
    p(
        "platform.fee_hike",
        UNIT,
        Some(0.0),
        "points added per hike (the fee is capped at 1)",
        Matters::WithRevenue(&[Param::FeeHikeProbability]),
    ),
    p(
        "platform.policy_shock_probability",
        UNIT,
        Some(0.0),
        "chance per month of a policy or ranking change",
        Matters::WithCustomers(&[Param::PolicyShockLoss]),
    ),
    p(
        "platform.policy_shock_loss",
        UNIT,
        Some(0.0),
        "share of acquisition lost for good at each shock",
        Matters::WithCustomers(&[Param::PolicyShockProbability]),
    ),
    p(
        "platform.ban_probability",
        UNIT,
        Some(0.0),
        "chance per month of being de-platformed; ends the hustle",
        Matters::Always,
    ),
    p(
        "owner.quit_below_net",
        Bound::Any,
        Some(0.0),
        "a launched month netting less than this counts toward quitting",
        Matters::WhenOwnerCanQuit,
    ),
    p(
        "owner.burnout_hours_monthly",
        Bound::Above(0.0),
        None,
        "a launched month above this many hours counts toward burnout (absent = never)",
        Matters::Always,
    ),
    p(
        "owner.hourly_value",
        NONNEG,
        Some(0.0),
        "what an hour is worth elsewhere, for comparison",
        Matters::Never,
    ),
    p(
        "semi_passive.min_net_monthly",
        Bound::Any,
        None,
        "a semi-passive month nets at least this much",
        Matters::Always,
    ),
    p(
        "semi_passive.max_hours_monthly",
        NONNEG,
        None,
        "a semi-passive month takes at most this many hours (absent = no limit)",
        Matters::Always,
    ),
    // The owner's hours, rework and passivity: after every key above, so
    // that a scenario without them draws exactly what it drew before they
    // existed.
    p(
        "effort.rework_probability",
        UNIT,
        Some(0.0),
        "chance in each launched month that a model, API or platform change forces rework",
        Matters::When(&[Param::ReworkHours]),
    ),
    p(
        "effort.rework_hours",
        NONNEG,
        Some(0.0),
        "hours that rework adds to its month",
        Matters::When(&[Param::ReworkProbability]),
    ),
    p(
        "owner.capacity_hours_monthly",
        Bound::Above(0.0),
        None,
        "the most hours the owner gives the hustle in a month; new customers who would not fit are declined (absent = unlimited)",
        Matters::Always,
    ),
    p(
        "semi_passive.min_passivity",
        UNIT,
        None,
        "a semi-passive month has at least this passivity (absent = no limit)",
        Matters::Always,
    ),
    // Churn in people's terms: after every key above, so that a scenario
    // without it draws exactly what it drew before it existed.
    p(
        "churn.polarisation",
        Bound::Open(0.0, 1.0),
        None,
        "sbg: how unlike customers are, 1 / (alpha + beta + 1): near 0 all churn alike, near 1 some leave at once and the rest stay",
        Matters::Always,
    ),
];

/// The kind of value a non-parameter key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// Free text.
    Text,
    /// A whole number within `min..=max`.
    Integer {
        /// Smallest valid value.
        min: i64,
        /// Largest valid value.
        max: i64,
    },
    /// One of a few words.
    Choice(&'static [&'static str]),
    /// A real-valued parameter (fixed or uncertain).
    Param(Param),
}

/// Every key a scenario may hold that is not a real-valued parameter.
pub const OTHER_KEYS: [(&str, KeyKind); 10] = [
    ("name", KeyKind::Text),
    ("description", KeyKind::Text),
    ("currency", KeyKind::Text),
    ("horizon_months", KeyKind::Integer { min: 1, max: 120 }),
    ("setup.months", KeyKind::Integer { min: 0, max: 119 }),
    ("acquisition.model", KeyKind::Choice(&["poisson", "bass"])),
    ("churn.model", KeyKind::Choice(&["constant", "sbg"])),
    (
        "owner.quit_after_months",
        KeyKind::Integer { min: 0, max: 1000 },
    ),
    (
        "owner.burnout_after_months",
        KeyKind::Integer { min: 1, max: 1000 },
    ),
    (
        "semi_passive.sustain_months",
        KeyKind::Integer { min: 1, max: 1000 },
    ),
];

/// The sections of a scenario file, in the order of docs/model.md's key
/// table.
pub const SECTIONS: [&str; 10] = [
    "setup",
    "acquisition",
    "churn",
    "pricing",
    "costs",
    "effort",
    "competition",
    "platform",
    "owner",
    "semi_passive",
];

/// The kind of the key at this dotted path, if it is a valid key.
pub fn key_kind(path: &str) -> Option<KeyKind> {
    if let Some(p) = Param::from_key(path) {
        return Some(KeyKind::Param(p));
    }
    OTHER_KEYS
        .iter()
        .find(|(k, _)| *k == path)
        .map(|(_, kind)| *kind)
}

/// Every valid dotted key path.
pub fn all_keys() -> impl Iterator<Item = &'static str> {
    OTHER_KEYS
        .iter()
        .map(|(k, _)| *k)
        .chain(PARAMS.iter().map(|p| p.key))
}

/// The valid key nearest to `path` (by edit distance on the whole path and on
/// the last segment), if one is near enough to be a plausible typo.
pub fn suggest(path: &str) -> Option<&'static str> {
    nearest(path, all_keys())
}

/// The real-valued parameter key nearest to `path`, as [`suggest`] finds
/// it among those keys only (for what may name only parameters, such as a
/// correlation).
pub fn suggest_param(path: &str) -> Option<&'static str> {
    nearest(path, PARAMS.iter().map(|p| p.key))
}

fn nearest(path: &str, keys: impl Iterator<Item = &'static str>) -> Option<&'static str> {
    let last = path.rsplit('.').next().unwrap_or(path);
    let section = path.rsplit_once('.').map(|(s, _)| s);
    let mut best: Option<(f64, &'static str)> = None;
    for key in keys {
        let key_last = key.rsplit('.').next().unwrap_or(key);
        let key_section = key.rsplit_once('.').map(|(s, _)| s);
        let mut score = strsim::jaro_winkler(path, key);
        // A right name in the wrong section, or a typo in the right one.
        let last_score = strsim::jaro_winkler(last, key_last);
        let same_section = section == key_section;
        score = score.max(if same_section {
            last_score
        } else {
            last_score * 0.9
        });
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, key));
        }
    }
    best.filter(|(s, _)| *s >= 0.8).map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_table_and_enum_agree() {
        for (i, p) in Param::ALL.iter().enumerate() {
            assert_eq!(*p as usize, i);
            assert_eq!(Param::from_key(p.key()), Some(*p));
        }
    }

    #[test]
    fn suggestions_fix_typos_and_sections() {
        assert_eq!(suggest("churn.montly"), Some("churn.monthly"));
        assert_eq!(suggest("acquisition.rat"), Some("acquisition.rate"));
        assert_eq!(suggest("horizon_month"), Some("horizon_months"));
        assert_eq!(suggest("costs.one_time"), Some("pricing.one_time"));
        assert_eq!(suggest("zzzz.qqqq"), None);
        assert_eq!(
            suggest("owner.capacity_hours"),
            Some("owner.capacity_hours_monthly")
        );
        assert_eq!(suggest_param("churn.model"), Some("churn.monthly"));
        assert_eq!(suggest_param("acquisition.rat"), Some("acquisition.rate"));
    }

    #[test]
    fn bounds_clamp_into_themselves() {
        for b in [
            Bound::Any,
            Bound::AtLeast(-1.0),
            Bound::Above(0.0),
            Bound::Closed(0.0, 1.0),
            Bound::HalfOpen(0.0, 1.0),
            Bound::Open(0.0, 1.0),
        ] {
            for x in [-5.0, -1.0, 0.0, 0.5, 1.0, 7.0] {
                assert!(b.contains(b.clamp(x)), "{b:?} {x}");
            }
        }
    }
}
