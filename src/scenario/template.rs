//! The commented template `hustle-sim new` writes.

/// A scenario with every key, its meaning, valid range and default.
pub const TEMPLATE: &str = r#"# A hustle-sim scenario: one side business, described by its assumptions.
# Every section is optional except `name`; a missing section means that
# force is absent. Any real-valued number may be uncertain instead of fixed:
#   rate = 30                                           fixed
#   rate = "20 to 40"                                   90 % interval (lognormal if both > 0, else normal)
#   rate = { dist = "uniform", min = 20, max = 40 }
#   rate = { dist = "triangular", min = 10, mode = 30, max = 60 }
#   rate = { dist = "pert", min = 10, mode = 30, max = 60 }
#   rate = { dist = "normal", mean = 30, sd = 5 }
#   rate = { dist = "lognormal", median = 30, p95 = 60 }
#   monthly = { dist = "beta", alpha = 2, beta = 30 }   (for shares in 0..1)
# Uncertain values are drawn once per trajectory; draws outside a key's valid
# range are clamped and counted in summary.json.

name = "my hustle"                   # required; shown in charts and tables
description = "what it is, for whom" # optional
currency = "USD"                     # label only
horizon_months = 24                  # months simulated, 1..=120

[setup]
months = 1          # months of building before launch, no revenue (0 <= months < horizon)
hours = "40 to 120" # total hours to build, spread evenly over the setup months
cost = 200          # one-off cash to build, spread the same way

[acquisition]
model = "poisson"   # "poisson" (rate, growth) or "bass" (market_size, innovation, imitation)
rate = "2 to 10"    # expected new customers in the launch month (>= 0)
growth = 0.03       # monthly growth of that rate: 0.03 = +3 %/month (>= -1)
# model = "bass"
# market_size = 5000   # people who could ever buy (>= 1)
# innovation = 0.003   # p: monthly adoption from outside influence (0..=1)
# imitation = 0.04     # q: monthly adoption by word of mouth (>= 0)

[churn]
model = "constant"  # "constant" (the same churn at every renewal) or "sbg" (retention rises with tenure)
monthly = 0.06      # chance an active customer leaves at its first renewal: 0.06 or "6%" (0..=1)
# model = "sbg"     # customers differ: the likeliest to leave go first
# monthly = 0.06    # first-renewal churn, on average over customers (strictly between 0 and 1)
# polarisation = 0.05  # how unlike customers are, strictly between 0 (all alike) and 1
# or the same spread as alpha and beta (monthly = alpha / (alpha + beta),
# polarisation = 1 / (alpha + beta + 1)):
# alpha = 1.14      # Beta(alpha, beta) spread of customers' churn chances (> 0)
# beta = 17.86      # (> 0)

[pricing]
monthly = 29        # recurring revenue per active customer per month (>= 0)
one_time = 0        # revenue per new customer in the month won (>= 0)

[costs]
fixed_monthly = 40          # tools, hosting, subscriptions from launch on (>= 0)
per_customer_monthly = 1.5  # e.g. model API spend per active customer (>= 0)

[effort]
fixed_hours_monthly = 10            # upkeep hours per month after launch (>= 0)
hours_per_customer_monthly = 0.25   # support hours per active customer (>= 0)
hours_per_new_customer = 1.0        # onboarding hours per new customer (>= 0)
automation_monthly = 0.03           # per-customer hours shrink by this share each month (0..1)
# Rework: in each launched month a model, API or platform change may force
# extra work. Absent = no rework.
# rework_probability = 0.1          # chance of rework in a month (0..=1; default 0)
# rework_hours = 8                  # hours it adds to that month (>= 0; default 0)

[competition]
entry_rate = 0.1         # expected new competitors per month (>= 0)
copycat_rate = 0.1       # extra entrants per month per 1,000 of last month's gross revenue (>= 0)
acquisition_loss = 0.05  # each competitor multiplies acquisition by (1 - this) (0..=1)
price_erosion = 0.02     # each competitor multiplies prices by (1 - this) (0..=1)
churn_increase = 0.002   # monthly chance each competitor lures a customer away (0..=1)

[platform]
fee = 0.05                        # platform's share of gross revenue (0..=1)
fee_hike_probability = 0.01       # monthly chance of a fee hike (0..=1)
fee_hike = 0.05                   # points added per hike; the fee is capped at 1 (0..=1)
policy_shock_probability = 0.02   # monthly chance of a policy or ranking change (0..=1)
policy_shock_loss = 0.2           # share of acquisition lost for good per shock (0..=1)
ban_probability = 0.002           # monthly chance of being de-platformed; ends the hustle (0..=1)

# The owner and the bar below are the library's own (`hustle-sim list`), so
# that this scenario's results compare with the library's table.
[owner]
quit_below_net = 100         # a launched month netting less than this counts toward quitting
quit_after_months = 6        # that many such months in a row and the owner quits (0 = never)
burnout_hours_monthly = 60   # a launched month above this many hours counts toward burnout (remove = never)
burnout_after_months = 3     # that many such months in a row and the owner burns out (>= 1)
hourly_value = 40            # what an hour is worth elsewhere, for comparison and passivity (>= 0)
# The most hours a month the owner gives the hustle: new customers whose
# hours would not fit are declined and lost (the run counts them). The
# library's services use this line; its products leave it out.
# capacity_hours_monthly = { dist = "uniform", min = 40, max = 80 }  # (> 0; absent = unlimited)

[semi_passive]
# Passivity of a month: max(0, 1 - hourly_value x hours / net) when net > 0,
# else 0: the share of its net beyond what its hours would have earned at
# hourly_value (0.5 = a net per hour twice hourly_value, 1 = no hours).
# Needs hourly_value above 0. The section needs a limit on hours, on
# passivity or both.
min_net_monthly = 500     # a semi-passive month nets at least this ...
min_passivity = 0.5       # ... has at least this passivity (0..=1; remove = no limit) ...
max_hours_monthly = 30    # ... and takes at most this many hours (>= 0; remove = no limit)
sustain_months = 3        # qualifying months in a row that make income semi-passive (>= 1)

# Correlated assumptions: two uncertain values that tend to move together
# (rank > 0) or against each other (rank < 0), drawn with this Spearman rank
# correlation (-1 < rank < 1). Both must be uncertain (an interval or a
# distribution); repeat the table for more pairs. Absent = independent.
# `hustle-sim check` shows each pair. Here: a build that takes more hours
# makes a product that sells better.
# [[correlation]]
# params = ["setup.hours", "acquisition.rate"]
# rank = 0.3
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;
    use crate::scenario::Scenario;
    use crate::scenario::keys::{OTHER_KEYS, PARAMS, Param};

    #[test]
    fn template_is_valid_and_mentions_every_key() {
        Scenario::parse(TEMPLATE, "template", "template")
            .unwrap()
            .model()
            .unwrap();
        for key in OTHER_KEYS
            .iter()
            .map(|(k, _)| *k)
            .chain(PARAMS.iter().map(|p| p.key))
        {
            let leaf = key.rsplit('.').next().unwrap();
            assert!(
                TEMPLATE.contains(&format!("{leaf} =")),
                "template lacks {key}"
            );
        }
    }

    #[test]
    fn the_commented_owner_hours_keys_and_correlation_are_valid_uncommented() {
        // The lines a user uncomments to try the owner's hours, rework,
        // passivity and a correlation, as written.
        let uncommented: String = TEMPLATE
            .lines()
            .map(|l| {
                let keep = [
                    "# rework_",
                    "# capacity_hours_monthly",
                    "# min_passivity",
                    "# [[correlation]]",
                    "# params",
                    "# rank",
                ]
                .iter()
                .any(|p| l.starts_with(p));
                if keep { &l[2..] } else { l }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let m = Scenario::parse(&uncommented, "template", "template")
            .unwrap()
            .model()
            .unwrap();
        for p in Param::OWNER_HOURS {
            assert_eq!(m.origin(p), Origin::File, "{}", p.key());
        }
        assert_eq!(m.correlations.len(), 1);
    }
}
