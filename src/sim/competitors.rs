//! What C competitors do to each customer and sale: the chance that none
//! lures a customer away, (1 - churn_increase)^C, and the factors on
//! acquisition, (1 - acquisition_loss)^C, and on prices,
//! (1 - price_erosion)^C (docs/model.md, One trajectory, step 4).
//!
//! C changes rarely, so a trajectory keeps the current factors and computes
//! them anew only when C changes, as e^(C ln(1 - share)). When the
//! competition parameters are fixed for a run, the factors of 0 to 255
//! competitors are computed once by the same arithmetic ([`FactorTable`]),
//! so a change of C is a lookup and results are bit-identical either way.

use super::count;
use super::sample::fast_exp;

/// What C competitors do to one customer or sale.
#[derive(Debug, Clone, Copy)]
pub(super) struct Factors {
    /// (1 - churn_increase)^C: lured away by none.
    pub(super) lure: f64,
    /// Its log.
    pub(super) ln_lure: f64,
    /// (1 - acquisition_loss)^C.
    pub(super) acquisition: f64,
    /// (1 - price_erosion)^C.
    pub(super) price: f64,
}

impl Factors {
    /// No competitors.
    const NONE: Factors = Factors {
        lure: 1.0,
        ln_lure: 0.0,
        acquisition: 1.0,
        price: 1.0,
    };

    /// The factors for `c` >= 1 competitors.
    fn of(keeps: &Keeps, c: u64) -> Self {
        let c = count(c);
        Factors {
            ln_lure: c * keeps.lure,
            lure: pow_from_ln(keeps.lure, c),
            acquisition: pow_from_ln(keeps.acquisition, c),
            price: pow_from_ln(keeps.price, c),
        }
    }
}

/// ln(1 - churn_increase), ln(1 - acquisition_loss), ln(1 - price_erosion).
#[derive(Debug, Clone, Copy)]
struct Keeps {
    lure: f64,
    acquisition: f64,
    price: f64,
}

impl Keeps {
    /// From `[churn_increase, acquisition_loss, price_erosion]`.
    fn new(shares: [f64; 3]) -> Self {
        Keeps {
            lure: ln_keep(shares[0]),
            acquisition: ln_keep(shares[1]),
            price: ln_keep(shares[2]),
        }
    }
}

/// Competitor counts with precomputed [`Factors`] when the competition
/// parameters are fixed: counts beyond it are computed as they come.
pub(super) const FACTOR_TABLE_LEN: usize = 256;

/// The [`Factors`] of 0 to [`FACTOR_TABLE_LEN`] - 1 competitors for fixed
/// competition parameters, computed once per run by the same arithmetic a
/// trajectory would use, so results are bit-identical with or without it.
#[derive(Debug, Clone)]
pub(super) struct FactorTable {
    /// `[churn_increase, acquisition_loss, price_erosion]` it was built for.
    shares: [f64; 3],
    keeps: Keeps,
    rows: Vec<Factors>,
}

impl FactorTable {
    /// The table for `[churn_increase, acquisition_loss, price_erosion]`.
    pub(super) fn new(shares: [f64; 3]) -> Self {
        let keeps = Keeps::new(shares);
        let rows = (0..FACTOR_TABLE_LEN as u64)
            .map(|c| {
                if c == 0 {
                    Factors::NONE
                } else {
                    Factors::of(&keeps, c)
                }
            })
            .collect();
        FactorTable {
            shares,
            keeps,
            rows,
        }
    }
}

/// A trajectory's current [`Factors`]: looked up (or computed) only when C
/// changes, which is rare.
pub(super) struct CompetitorFactors<'a> {
    keeps: Keeps,
    /// Precomputed factors by count (empty if the parameters differ from
    /// the run's fixed ones).
    table: &'a [Factors],
    /// The factors for the current count.
    pub(super) now: Factors,
}

/// ln(1 - share), 0 for no share without calling the log.
fn ln_keep(share: f64) -> f64 {
    if share == 0.0 { 0.0 } else { (-share).ln_1p() }
}

/// e^(c ln_base): a power from its base's log, without the branches of
/// binary powering.
#[inline]
fn pow_from_ln(ln_base: f64, c: f64) -> f64 {
    let x = c * ln_base;
    if x >= -700.0 { fast_exp(x) } else { x.exp() }
}

impl<'a> CompetitorFactors<'a> {
    /// For `[churn_increase, acquisition_loss, price_erosion]`, with the
    /// run's table if it was built for these values.
    pub(super) fn new(shares: [f64; 3], table: Option<&'a FactorTable>) -> Self {
        let (keeps, table) = match table {
            Some(t) if t.shares == shares => (t.keeps, &t.rows[..]),
            _ => (Keeps::new(shares), &[][..]),
        };
        CompetitorFactors {
            keeps,
            table,
            now: Factors::NONE,
        }
    }

    /// The factors for `c` >= 1 competitors.
    pub(super) fn update(&mut self, c: u64) {
        self.now = match self.table.get(c as usize) {
            Some(f) => *f,
            None => Factors::of(&self.keeps, c),
        };
    }
}
