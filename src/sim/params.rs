//! A model prepared for simulation ([`CompiledModel`]), and one
//! trajectory's parameter values ([`Params`]): each real-valued parameter
//! takes one uniform from the trajectory's parameter stream, in table
//! order, mapped by its inverse CDF and clamped into its valid range
//! (docs/model.md, Random streams); an sbg churn given in people's terms
//! then has its alpha and beta computed from the drawn churn keys
//! (docs/model.md, *Churn in people's terms*).

use super::competitors::FactorTable;
use super::copula::Copula;
use super::outcome::{BASE_METRICS, Metric, NMETRICS};
use super::rng::{Stream, open01, stream_rng};
use crate::churn::SbgForm;
use crate::model::{ChurnModel, Model, Origin};
use crate::scenario::keys::{Bound, NPARAMS, Param};
use crate::scenario::uncertain::Sampler;
use rand::Rng;

/// One trajectory's parameter values, drawn before month 1.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Values in [`Param`] order.
    pub values: [f64; NPARAMS],
    /// Bit `i` set: parameter `i` was drawn outside its valid range and
    /// clamped.
    pub clamped: u64,
}

impl Params {
    /// The value of parameter `p`.
    #[inline]
    pub fn get(&self, p: Param) -> f64 {
        self.values[p as usize]
    }
}

/// A [`Model`] prepared for simulation.
#[derive(Debug, Clone)]
pub struct CompiledModel {
    /// The model.
    pub model: Model,
    /// Every parameter's value when fixed (uncertain ones are overwritten).
    fixed: [f64; NPARAMS],
    /// The uncertain parameters, in table order: index, sampler and the
    /// valid range draws are clamped into.
    uncertain: Vec<(usize, Sampler, Bound)>,
    pub(super) horizon: usize,
    pub(super) setup_months: usize,
    pub(super) launch: usize,
    /// Competitor factors by count, when the competition parameters are
    /// fixed.
    pub(super) factor_table: Option<FactorTable>,
    /// The copula of the scenario's correlations, if it has any.
    pub(crate) copula: Option<Copula>,
    /// Whether the owner's capacity can decline new customers.
    pub(super) capacity: bool,
    /// Whether rework can happen (its chance is set).
    pub(super) rework: bool,
    /// Metrics a run reports: the first 8 of [`Metric::ALL`], or all when
    /// the scenario uses the owner's hours keys
    /// ([`Model::uses_owner_hours_keys`]).
    pub(crate) metrics: usize,
    /// How an sbg churn's alpha and beta come from the churn keys, when
    /// they come from anything but themselves (docs/model.md, *Churn in
    /// people's terms*).
    sbg_form: Option<SbgForm>,
}

impl CompiledModel {
    /// Prepares a model.
    pub fn new(model: &Model) -> Self {
        let samplers = model.samplers();
        let mut fixed = [0.0; NPARAMS];
        let mut uncertain = Vec::new();
        for (k, sampler) in samplers.into_iter().enumerate() {
            match sampler {
                Sampler::Fixed(v) => fixed[k] = v,
                s => uncertain.push((k, s, model.bound(Param::ALL[k]))),
            }
        }
        let competition = [
            Param::ChurnIncrease,
            Param::AcquisitionLoss,
            Param::PriceErosion,
        ];
        let factor_table = competition
            .iter()
            .all(|p| uncertain.iter().all(|(k, _, _)| *k != *p as usize))
            .then(|| FactorTable::new(competition.map(|p| fixed[p as usize])));
        let copula = (!model.correlations.is_empty()).then(|| {
            Copula::new(&model.correlations).expect("validation checked R is positive definite")
        });
        CompiledModel {
            factor_table,
            copula,
            capacity: model.capacity_enabled(),
            rework: model.origin(Param::ReworkProbability) != Origin::Default,
            sbg_form: (model.churn == ChurnModel::Sbg && model.sbg_form != SbgForm::AlphaBeta)
                .then_some(model.sbg_form),
            metrics: if model.uses_owner_hours_keys() {
                NMETRICS
            } else {
                BASE_METRICS
            },
            fixed,
            uncertain,
            horizon: model.horizon_months as usize,
            setup_months: model.setup_months as usize,
            launch: model.launch_month() as usize,
            model: model.clone(),
        }
    }

    /// Months simulated.
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// The metrics a run of this model reports, in `summary.json` order.
    pub fn metrics(&self) -> &'static [Metric] {
        &Metric::ALL[..self.metrics]
    }

    /// Draws trajectory `i`'s parameters: one uniform per parameter from its
    /// parameter stream, in table order, mapped by inverse CDF and clamped
    /// into the valid range. A fixed parameter's uniform is drawn and
    /// discarded, so pinning one never shifts another's. Correlated
    /// parameters are drawn from their uniforms mixed by the copula.
    pub fn draw_params(&self, seed: u64, i: u64) -> Params {
        match &self.copula {
            None => self.draw_independent(seed, i, Stream::Parameters),
            Some(copula) => self.draw_correlated(copula, seed, i).0,
        }
    }

    /// [`CompiledModel::draw_params`], and the uniforms each correlated
    /// parameter was drawn from (indexed by parameter; 0 for the others):
    /// the probability of its drawn value, before clamping, under its own
    /// distribution.
    pub(crate) fn draw_params_and_grades(&self, seed: u64, i: u64) -> (Params, [f64; NPARAMS]) {
        match &self.copula {
            None => (
                self.draw_independent(seed, i, Stream::Parameters),
                [0.0; NPARAMS],
            ),
            Some(copula) => self.draw_correlated(copula, seed, i),
        }
    }

    /// A portfolio person's parameters for trajectory `i`: drawn as
    /// [`CompiledModel::draw_params`] draws a scenario's, from the person's
    /// own stream. The person's model has no correlations.
    pub(crate) fn draw_person_params(&self, seed: u64, i: u64) -> Params {
        debug_assert!(self.copula.is_none());
        self.draw_independent(seed, i, Stream::Person)
    }

    /// Every parameter from its own uniform of `stream`.
    fn draw_independent(&self, seed: u64, i: u64, stream: Stream) -> Params {
        let mut rng = stream_rng(seed, i, stream);
        let mut values = self.fixed;
        let mut clamped = 0u64;
        let mut next = 0;
        for &(k, ref sampler, bound) in &self.uncertain {
            for _ in next..k {
                rng.next_u64();
            }
            next = k + 1;
            let x = sampler.inverse_cdf(open01(&mut rng));
            let c = bound.clamp(x);
            if c != x || !bound.contains(x) {
                clamped |= 1 << k;
            }
            values[k] = c;
        }
        self.convert_churn(&mut values);
        Params { values, clamped }
    }

    /// Alpha and beta of an sbg churn given in people's terms, from the
    /// trajectory's drawn churn keys ([`SbgForm::alpha_beta`]); nothing for
    /// a churn given as alpha and beta.
    #[inline]
    fn convert_churn(&self, values: &mut [f64; NPARAMS]) {
        if let Some(form) = self.sbg_form {
            let (alpha, beta) = form.alpha_beta(values);
            values[Param::ChurnAlpha as usize] = alpha;
            values[Param::ChurnBeta as usize] = beta;
        }
    }

    /// The same uniforms, those of the correlated parameters mixed by the
    /// copula (docs/model.md, *Correlated inputs*); the others are drawn
    /// exactly as [`CompiledModel::draw_independent`] draws them.
    fn draw_correlated(&self, copula: &Copula, seed: u64, i: u64) -> (Params, [f64; NPARAMS]) {
        let mut rng = stream_rng(seed, i, Stream::Parameters);
        let last = self
            .uncertain
            .iter()
            .map(|u| u.0)
            .chain(copula.members.iter().copied())
            .max()
            .unwrap_or(0);
        let mut u = [0.5; NPARAMS];
        for uk in &mut u[..=last] {
            *uk = open01(&mut rng);
        }
        copula.mix(&mut u);
        let mut values = self.fixed;
        let mut clamped = 0u64;
        for &(k, ref sampler, bound) in &self.uncertain {
            let x = sampler.inverse_cdf(u[k]);
            let c = bound.clamp(x);
            if c != x || !bound.contains(x) {
                clamped |= 1 << k;
            }
            values[k] = c;
        }
        self.convert_churn(&mut values);
        let mut grades = [0.0; NPARAMS];
        for &k in &copula.members {
            grades[k] = u[k];
        }
        (Params { values, clamped }, grades)
    }
}
