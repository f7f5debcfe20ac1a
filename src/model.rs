//! The checked parameters of one hustle: what a valid scenario file means,
//! with every default filled in.

use crate::churn::SbgForm;
use crate::error::InputError;
use crate::scenario::keys::{Bound, MAX_MAGNITUDE, NPARAMS, Param};
use crate::scenario::uncertain::{Sampler, Uncertain};
use serde::Serialize;

/// How new customers arrive (docs/model.md, One trajectory, step 4,
/// *Acquisition*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AcquisitionModel {
    /// Poisson arrivals at a rate that grows geometrically.
    Poisson,
    /// Bass diffusion through a finite market.
    Bass,
}

/// How customers leave (docs/model.md, One trajectory, step 4, *Churn*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChurnModel {
    /// The same chance at every renewal.
    Constant,
    /// Shifted-beta-geometric: heterogeneous customers, retention rising with
    /// tenure.
    Sbg,
}

/// Where a parameter's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Written in the scenario file.
    File,
    /// Set with `--set` or a comparison variant.
    Override,
    /// The default given in docs/model.md, A scenario file, Keys.
    Default,
    /// Not used by this scenario (its model or section is off).
    Unused,
}

/// A rank correlation between two uncertain parameters, as a
/// `[[correlation]]` table gives it (docs/model.md, A scenario file,
/// *Correlated inputs*).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Correlation {
    /// The two parameters, as written.
    pub params: [Param; 2],
    /// Their Spearman rank correlation, -1 < rank < 1.
    pub rank: f64,
}

impl Correlation {
    /// "acquisition.rate and churn.beta (rank 0.4)", as messages name it.
    pub fn describe(&self) -> String {
        format!(
            "{} and {} (rank {})",
            self.params[0].key(),
            self.params[1].key(),
            self.rank
        )
    }
}

/// A valid hustle scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// Shown in charts and tables.
    pub name: String,
    /// Shown in listings.
    pub description: String,
    /// Label of money amounts.
    pub currency: String,
    /// Months simulated, H.
    pub horizon_months: u32,
    /// Months of building before launch.
    pub setup_months: u32,
    /// Acquisition model.
    pub acquisition: AcquisitionModel,
    /// Churn model.
    pub churn: ChurnModel,
    /// How an sbg churn gives its alpha and beta (`AlphaBeta` under
    /// constant churn, where it means nothing).
    pub sbg_form: SbgForm,
    /// Bad months in a row before the owner quits (0 = never).
    pub quit_after_months: u32,
    /// Over-long months in a row before the owner burns out.
    pub burnout_after_months: u32,
    /// Qualifying months in a row that make income semi-passive, when the
    /// scenario has a `[semi_passive]` section.
    pub semi_passive_sustain_months: Option<u32>,
    /// Every real-valued parameter in draw order (docs/model.md, Random
    /// streams); read through [`Model::param`], changed only through
    /// [`Model::with_fixed`], which validates.
    pub(crate) params: Vec<Uncertain>,
    /// Where each parameter's value came from.
    pub(crate) origins: Vec<Origin>,
    /// Rank correlations between uncertain parameters, in file order.
    pub correlations: Vec<Correlation>,
}

impl Model {
    /// Launch month L = setup months + 1.
    pub fn launch_month(&self) -> u32 {
        self.setup_months + 1
    }

    /// The value or distribution of a parameter.
    pub fn param(&self, p: Param) -> &Uncertain {
        &self.params[p as usize]
    }

    /// Where a parameter came from.
    pub fn origin(&self, p: Param) -> Origin {
        self.origins[p as usize]
    }

    /// The values parameter `p` may take in this scenario: the key's own
    /// range, except `churn.monthly` under sbg, strictly between 0 and 1
    /// (alpha and beta must both be above 0).
    pub fn bound(&self, p: Param) -> Bound {
        bound_in(p, self.churn)
    }

    /// This model with parameter `p` fixed at `value`, marked as an
    /// override; every other parameter keeps its value or distribution, and
    /// its draws. An input error if `value` is outside the parameter's valid
    /// range, as a written value would be.
    ///
    /// A correlation that names `p` stays: `p` still takes its uniform and
    /// its normal score still enters the copula, so the parameters
    /// correlated with it keep their draws, and only `p`'s value is pinned
    /// (docs/model.md, Settled details).
    pub fn with_fixed(&self, p: Param, value: f64) -> Result<Model, InputError> {
        let bound = self.bound(p);
        if !(value.is_finite() && value.abs() <= MAX_MAGNITUDE && bound.contains(value)) {
            return Err(InputError::new(format!(
                "{} = {value}: must be {bound}, at most {MAX_MAGNITUDE:e} in magnitude",
                p.key()
            ))
            .with_key(p.key())
            .with_value(value.to_string())
            .with_allowed(format!("{bound}, at most {MAX_MAGNITUDE:e} in magnitude")));
        }
        let mut m = self.clone();
        m.params[p as usize] = Uncertain::fixed(value);
        m.origins[p as usize] = Origin::Override;
        Ok(m)
    }

    /// Whether the scenario uses any key of the owner's hours, rework and
    /// passivity (`owner.capacity_hours_monthly`, `effort.rework_probability`,
    /// `effort.rework_hours`, `semi_passive.min_passivity`) or a
    /// `[[correlation]]`. Only then does a run report passivity, declined
    /// customers and the measured correlations (docs/model.md, What a run
    /// reports): a scenario without them reports exactly what it did before
    /// those keys existed.
    pub fn uses_owner_hours_keys(&self) -> bool {
        !self.correlations.is_empty()
            || Param::OWNER_HOURS
                .iter()
                .any(|&p| matches!(self.origin(p), Origin::File | Origin::Override))
    }

    /// Whether the owner's capacity limits new customers
    /// (`owner.capacity_hours_monthly` is set).
    pub fn capacity_enabled(&self) -> bool {
        self.origin(Param::CapacityHoursMonthly) != Origin::Unused
    }

    /// Whether burnout can happen (`owner.burnout_hours_monthly` is set).
    pub fn burnout_enabled(&self) -> bool {
        self.origin(Param::BurnoutHoursMonthly) != Origin::Unused
    }

    /// The chance that a draw of `p` falls outside its valid range (or
    /// beyond [`MAX_MAGNITUDE`]) and is clamped (docs/model.md, A scenario
    /// file, *Uncertain parameters*); 0 for a fixed value, which is valid.
    pub fn clamp_chance(&self, p: Param) -> f64 {
        clamp_chance(self.param(p), self.bound(p))
    }

    /// The parameters whose draws are clamped with a chance of at least
    /// `at_least`, with that chance, in table order.
    pub fn clamp_chances(&self, at_least: f64) -> Vec<(Param, f64)> {
        self.active_params()
            .map(|p| (p, self.clamp_chance(p)))
            .filter(|&(_, c)| c > 0.0 && c >= at_least)
            .collect()
    }

    /// Samplers for every parameter, in draw order.
    pub fn samplers(&self) -> [Sampler; NPARAMS] {
        std::array::from_fn(|i| self.params[i].sampler())
    }

    /// The parameters a user may meaningfully vary for this scenario: those
    /// not marked unused.
    pub fn active_params(&self) -> impl Iterator<Item = Param> + '_ {
        Param::ALL
            .into_iter()
            .filter(|p| self.origin(*p) != Origin::Unused)
    }
}

/// The values parameter `p` may take under churn model `churn`
/// ([`Model::bound`]).
pub fn bound_in(p: Param, churn: ChurnModel) -> Bound {
    match (p, churn) {
        (Param::ChurnMonthly, ChurnModel::Sbg) => Bound::Open(0.0, 1.0),
        _ => p.spec().bound,
    }
}

/// The chance that a draw of `u` falls outside `bound` (or beyond
/// [`MAX_MAGNITUDE`]) and is clamped; 0 for a fixed value.
pub fn clamp_chance(u: &Uncertain, bound: Bound) -> f64 {
    let s = u.sampler();
    if matches!(s, Sampler::Fixed(_)) {
        return 0.0;
    }
    let (lo, hi) = match bound {
        Bound::Any => (-MAX_MAGNITUDE, MAX_MAGNITUDE),
        Bound::AtLeast(lo) | Bound::Above(lo) => (lo.max(-MAX_MAGNITUDE), MAX_MAGNITUDE),
        Bound::Closed(lo, hi) | Bound::HalfOpen(lo, hi) | Bound::Open(lo, hi) => {
            (lo.max(-MAX_MAGNITUDE), hi.min(MAX_MAGNITUDE))
        }
    };
    // Every distribution is continuous: whether an end is open or closed
    // changes nothing.
    (s.cdf(lo) + (1.0 - s.cdf(hi))).min(1.0)
}
