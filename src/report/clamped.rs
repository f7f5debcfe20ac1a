//! Draws clamped into their valid range, as the warnings every command
//! that simulates prints on standard error, even with `--quiet`
//! (docs/model.md, A scenario file, *Uncertain parameters*): a clamped
//! draw is a value the scenario asked for and did not get.

use super::format::{format_number, format_percent};
use crate::model::Model;
use crate::scenario::keys::{Bound, Param};

/// The draws of one parameter clamped in a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Clamped {
    /// The parameter.
    pub param: Param,
    /// Its valid values in the scenario.
    pub bound: Bound,
    /// Draws clamped.
    pub count: u64,
    /// Trajectories of the run (one draw each).
    pub trajectories: u64,
    /// Which run of several it was (a sweep's value, a compared
    /// scenario), or empty.
    pub context: String,
}

impl Clamped {
    /// The warning: "warning: 1,234 of 10,000 draws of churn.monthly
    /// (12.3 %) fell outside its valid range (within 0..=1) and were
    /// clamped into it".
    pub fn warning(&self) -> String {
        let context = if self.context.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.context)
        };
        format!(
            "warning: {} of {} draws of {} ({}) fell outside its valid range ({}) and were clamped into it{context}",
            format_number(self.count as f64, 0),
            format_number(self.trajectories as f64, 0),
            self.param.key(),
            format_percent(self.count as f64 / self.trajectories as f64),
            self.bound,
        )
    }
}

/// The parameters of `model` with clamped draws among `counts` (indexed by
/// [`Param`]) in a run of `trajectories`, in table order.
pub fn clamped(model: &Model, trajectories: u64, counts: &[u64], context: &str) -> Vec<Clamped> {
    model
        .active_params()
        .filter(|p| counts[*p as usize] > 0)
        .map(|p| Clamped {
            param: p,
            bound: model.bound(p),
            count: counts[p as usize],
            trajectories,
            context: context.to_string(),
        })
        .collect()
}

/// The clamped draws of several runs of one experiment (a sweep's values,
/// a comparison's scenarios), each run's given with its name: a parameter
/// clamped alike in every run is named once, without a run's name.
pub fn clamped_in_runs(runs: &[(&Model, &[u64], String)], trajectories: u64) -> Vec<Clamped> {
    let mut out = Vec::new();
    for p in crate::scenario::keys::Param::ALL {
        let each: Vec<Vec<Clamped>> = runs
            .iter()
            .map(|(m, counts, name)| {
                clamped(m, trajectories, counts, name)
                    .into_iter()
                    .filter(|c| c.param == p)
                    .collect()
            })
            .collect();
        let alike = each.iter().all(|c| c.len() == 1)
            && each
                .windows(2)
                .all(|w| w[0][0].count == w[1][0].count && w[0][0].bound == w[1][0].bound);
        if alike && !each.is_empty() {
            out.push(Clamped {
                context: String::new(),
                ..each[0][0].clone()
            });
        } else {
            out.extend(each.into_iter().flatten());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn a_warning_names_the_key_the_count_and_the_range() {
        let m = Scenario::parse(
            "name = \"x\"\n[churn]\nmonthly = { dist = \"uniform\", min = -0.1, max = 0.3 }",
            "t.toml",
            "t",
        )
        .unwrap()
        .model()
        .unwrap();
        let mut counts = vec![0; crate::scenario::keys::NPARAMS];
        counts[Param::ChurnMonthly as usize] = 2_500;
        let c = clamped(&m, 10_000, &counts, "");
        assert_eq!(
            c[0].warning(),
            "warning: 2,500 of 10,000 draws of churn.monthly (25.0 %) fell outside its valid range (within 0..=1) and were clamped into it"
        );
        // Alike in two runs: once; otherwise each with its run's name.
        let both = clamped_in_runs(
            &[(&m, &counts, "a".into()), (&m, &counts, "b".into())],
            10_000,
        );
        assert_eq!(both.len(), 1);
        assert_eq!(both[0].context, "");
        let mut fewer = counts.clone();
        fewer[Param::ChurnMonthly as usize] = 10;
        let apart = clamped_in_runs(
            &[(&m, &counts, "a".into()), (&m, &fewer, "b".into())],
            10_000,
        );
        assert_eq!(apart.len(), 2);
        assert!(apart[1].warning().ends_with("clamped into it (b)"));
    }
}
