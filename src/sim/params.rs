//! A model prepared for simulation ([`CompiledModel`]), and one
//! trajectory's parameter values ([`Params`]): each real-valued parameter
//! takes one uniform from the trajectory's parameter stream, in table
//! order, mapped by its inverse CDF and clamped into its valid range
//! (docs/model.md, Random streams).

use super::competitors::FactorTable;
use super::rng::{Stream, open01, stream_rng};
use crate::model::Model;
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
                s => uncertain.push((k, s, Param::ALL[k].spec().bound)),
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
        CompiledModel {
            factor_table,
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

    /// Draws trajectory `i`'s parameters: one uniform per parameter from its
    /// parameter stream, in table order, mapped by inverse CDF and clamped
    /// into the valid range. A fixed parameter's uniform is drawn and
    /// discarded, so pinning one never shifts another's.
    pub fn draw_params(&self, seed: u64, i: u64) -> Params {
        let mut rng = stream_rng(seed, i, Stream::Parameters);
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
        Params { values, clamped }
    }
}
