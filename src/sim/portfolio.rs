//! One trajectory of a portfolio: one person, several hustles sharing the
//! person's hours (docs/model.md, Portfolios).
//!
//! Each hustle steps through its own months (`hustle.rs`) on its own
//! clock, from its start month on; the person (`owner.rs`) stands
//! between and after them. In each of the person's months: every hustle
//! that exists opens its month, up to its new customers; the person's
//! capacity accepts them in file order while the hours allow; every hustle
//! closes its month; the person's totals give passivity, break-even,
//! semi-passive income and burnout, which ends every hustle; each hustle's
//! own quit rule ends it alone.

use super::count;
use super::hustle::{Hustle, Month, Opening, passivity};
use super::outcome::{FailureCause, NMETRICS, Outcome};
use super::owner::Owner;
use super::params::{CompiledModel, Params};
use super::trajectory::Scratch;
use crate::portfolio::Portfolio;

/// The mix that gives hustle j > 0 its seed: the 64-bit golden ratio.
pub const HUSTLE_SEED_MIX: u64 = 0x9E37_79B9_7F4A_7C15;

/// The seed hustle `j` of a run with `seed` draws from: the run's own for
/// hustle 0, so that it is paired with its scenario run alone, and
/// seed + j * [`HUSTLE_SEED_MIX`] (mod 2^64) for the others.
pub fn hustle_seed(seed: u64, j: usize) -> u64 {
    seed.wrapping_add((j as u64).wrapping_mul(HUSTLE_SEED_MIX))
}

/// A portfolio prepared for simulation.
#[derive(Debug, Clone)]
pub struct CompiledPortfolio {
    /// The portfolio.
    pub portfolio: Portfolio,
    /// The person, whose parameters come from a stream of their own.
    pub person: CompiledModel,
    /// Each hustle's model, on its own months (H - start + 1 of them).
    pub hustles: Vec<CompiledModel>,
    /// Each hustle's start month on the person's calendar.
    pub(crate) starts: Vec<usize>,
    pub(crate) horizon: usize,
}

impl CompiledPortfolio {
    /// Prepares a portfolio.
    pub fn new(p: &Portfolio) -> Self {
        CompiledPortfolio {
            person: CompiledModel::new(&p.person),
            hustles: p
                .hustles
                .iter()
                .map(|h| CompiledModel::new(&h.model))
                .collect(),
            starts: p.hustles.iter().map(|h| h.start_month as usize).collect(),
            horizon: p.horizon_months as usize,
            portfolio: p.clone(),
        }
    }

    /// Months simulated for the person.
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Every hustle's reusable buffers.
    pub fn scratch(&self) -> PortfolioScratch {
        PortfolioScratch(
            self.hustles
                .iter()
                .map(|h| Scratch::new(h.horizon()))
                .collect(),
        )
    }

    /// The parameters of trajectory `i`: the person's, from the person's
    /// stream, then each hustle's, drawn exactly as its scenario run alone
    /// draws them with the hustle's seed.
    pub fn draw_params(&self, seed: u64, i: u64) -> (Params, Vec<Params>) {
        (
            self.person.draw_person_params(seed, i),
            self.hustles
                .iter()
                .enumerate()
                .map(|(j, cm)| cm.draw_params(hustle_seed(seed, j), i))
                .collect(),
        )
    }
}

/// Reusable per-thread buffers: one [`Scratch`] a hustle.
#[derive(Debug, Clone)]
pub struct PortfolioScratch(Vec<Scratch>);

/// Where a portfolio trajectory's monthly figures go: the person's as
/// number 0, hustle j's as number j + 1.
pub trait RecordEach {
    /// Stores month t's (1-based) figures of number `who`, in
    /// [`super::Metric::ALL`] order.
    fn record(&mut self, who: usize, t: usize, figures: [f64; NMETRICS]);
}

impl<R: super::Record> RecordEach for [R] {
    #[inline]
    fn record(&mut self, who: usize, t: usize, figures: [f64; NMETRICS]) {
        self[who].record(t, figures);
    }
}

/// How one portfolio trajectory ended up.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioOutcome {
    /// The person's: failure (burned out, or every hustle failed),
    /// milestones on the totals, cumulative net and hours, hourly value and
    /// the person's clamped parameters.
    pub person: Outcome,
    /// Each hustle's end (its cause and the person's month it ended in,
    /// the horizon for unprofitable) and its clamped parameters.
    pub hustles: Vec<(Option<(FailureCause, u32)>, u64)>,
}

/// Simulates trajectory `i` of a portfolio run with `seed`.
pub fn simulate_portfolio(
    cp: &CompiledPortfolio,
    seed: u64,
    i: u64,
    scratch: &mut PortfolioScratch,
    paths: &mut (impl RecordEach + ?Sized),
) -> PortfolioOutcome {
    let (person, hustles) = cp.draw_params(seed, i);
    simulate_portfolio_with(cp, &person, &hustles, seed, i, scratch, paths)
}

/// Simulates trajectory `i` with given parameter values.
pub fn simulate_portfolio_with(
    cp: &CompiledPortfolio,
    person_params: &Params,
    hustle_params: &[Params],
    seed: u64,
    i: u64,
    scratch: &mut PortfolioScratch,
    paths: &mut (impl RecordEach + ?Sized),
) -> PortfolioOutcome {
    let h_months = cp.horizon;
    let mut person = Owner::<true>::new(&cp.person, person_params);
    let mut hustles: Vec<Hustle<'_, true>> = cp
        .hustles
        .iter()
        .zip(hustle_params)
        .zip(scratch.0.iter_mut())
        .enumerate()
        .map(|(j, ((cm, prm), scratch))| {
            Hustle::new(
                cm,
                prm,
                hustle_seed(seed, j),
                i,
                scratch,
                person.hourly_value,
            )
            .starting_in(cp.starts[j])
        })
        .collect();
    let n = hustles.len();
    let mut openings = vec![None; n];
    let mut months = vec![Month::ended(0.0, 0.0); n];
    let (mut cum_net, mut cum_hours) = (0.0, 0.0);
    let mut burned_out_in = None;

    for t in 1..=h_months {
        // Every hustle that exists, up to its new customers; before its
        // start month a hustle does not exist.
        for (j, hustle) in hustles.iter_mut().enumerate() {
            openings[j] = (t >= cp.starts[j]).then(|| hustle.open(t - cp.starts[j] + 1));
        }
        // The person's capacity: every hour of the month but new
        // customers' is committed first; then new customers are accepted
        // hustle by hustle in file order while the hours allow.
        let mut committed = 0.0;
        if person.has_capacity() {
            for (hustle, opening) in hustles.iter().zip(&openings) {
                if let Some(o) = *opening {
                    committed += hustle.committed(o);
                }
            }
        }
        for (j, hustle) in hustles.iter_mut().enumerate() {
            months[j] = match openings[j] {
                None => Month::ended(0.0, 0.0),
                Some(o) => {
                    let accepted = match o {
                        Opening::Launched { new } if person.has_capacity() => {
                            let marginal = hustle.marginal();
                            let accepted = person.accept(new, committed, marginal);
                            committed += count(accepted) * marginal;
                            accepted
                        }
                        Opening::Launched { new } => new,
                        _ => 0,
                    };
                    hustle.close(t - cp.starts[j] + 1, o, accepted)
                }
            };
        }

        // The person's month: the hustles' totals. The sums start from
        // -0.0, the identity of IEEE addition, so that a total of one
        // hustle's figure is that figure bit for bit (a setup month
        // without cost nets -0.0), and otherwise as from 0.0.
        let mut total = [-0.0; NMETRICS];
        let mut active = false;
        for m in &months {
            for (sum, v) in total.iter_mut().zip(m.figures()) {
                *sum += v;
            }
            active |= m.launched;
        }
        let (net, hours) = (total[0], total[4]);
        cum_net += net;
        cum_hours += hours;
        let mut burnout = false;
        let mut pass = 0.0;
        if active {
            pass = passivity(net, hours, person.hourly_value);
            burnout = person.month(t, net, hours, cum_net, pass);
        } else {
            person.idle();
        }

        // Ends: a hustle's own quit comes first; the person's burnout ends
        // every other hustle not already ended, those in setup and those
        // not yet started included.
        for (hustle, m) in hustles.iter_mut().zip(&months) {
            if m.quitting {
                hustle.end(FailureCause::Abandoned, t);
            } else if burnout && hustle.running() {
                hustle.end(FailureCause::BurnedOut, t);
                burned_out_in = Some(t as u32);
            }
        }

        // The person's figures: sums, but passivity on the totals,
        // cumulative net the person's and no competitors.
        total[5] = cum_net;
        total[6] = 0.0;
        total[8] = pass;
        paths.record(0, t, total);
        for (j, m) in months.iter().enumerate() {
            paths.record(j + 1, t, m.figures());
        }
    }

    let ends: Vec<(Option<(FailureCause, u32)>, u64)> = hustles
        .iter_mut()
        .zip(hustle_params)
        .map(|(h, prm)| (h.finish(h_months).0, prm.clamped))
        .collect();
    // The person fails by burning out, or when every hustle has ended by a
    // failure of its own, in the month the last one ended.
    let failure = match burned_out_in {
        Some(t) => Some((FailureCause::BurnedOut, t)),
        None => ends
            .iter()
            .map(|e| e.0.map(|(_, t)| t))
            .collect::<Option<Vec<u32>>>()
            .map(|months| {
                (
                    FailureCause::AllFailed,
                    months.into_iter().max().expect("at least one hustle"),
                )
            }),
    };
    PortfolioOutcome {
        person: Outcome {
            failure,
            semi_passive_month: person.semi_passive_month,
            break_even_month: person.break_even_month,
            cumulative_net: cum_net,
            cumulative_hours: cum_hours,
            hourly_value: person.hourly_value,
            qualifying: person.qualifying,
            passive_half: person.passive_half,
            clamped: person_params.clamped,
        },
        hustles: ends,
    }
}
