//! The semi-passive bar in words, the whole rule (docs/model.md, One
//! trajectory, step 4, *Semi-passive*): the net, the hours cap, the
//! passivity when set, and the months in a row. Every chart that draws
//! the bar or a share semi-passive states it with these words.

use super::format::{format_money, format_number};
use crate::model::{Model, Origin};
use crate::scenario::keys::Param;

/// A threshold as the rule states it: the fixed value, or the median of an
/// uncertain one (clamped into its range as draws are), and whether it is
/// a median.
fn threshold(model: &Model, p: Param) -> Option<(f64, bool)> {
    if model.origin(p) == Origin::Unused {
        return None;
    }
    let u = model.param(p);
    Some((
        model.bound(p).clamp(u.sampler().inverse_cdf(0.5)),
        !u.is_fixed(),
    ))
}

/// An amount: whole numbers without decimals, others with cents.
fn amount(v: f64) -> String {
    if v == v.round() {
        format_number(v, 0)
    } else {
        format_money(v)
    }
}

/// The rule, or `None` for a scenario without a `[semi_passive]` section:
/// "Semi-passive: a launched month netting at least 500 USD with at most 15
/// hours; income becomes semi-passive after 3 such months in a row."
pub fn semi_passive_rule(model: &Model) -> Option<String> {
    let sustain = model.semi_passive_sustain_months?;
    let mut medians = false;
    let mut note = |(v, uncertain): (f64, bool)| {
        medians |= uncertain;
        v
    };
    let net = threshold(model, Param::SemiPassiveMinNet).map(&mut note)?;
    let mut limits = Vec::new();
    if let Some(hours) = threshold(model, Param::SemiPassiveMaxHours).map(&mut note) {
        limits.push(format!("at most {} hours", amount(hours)));
    }
    if let Some(p) = threshold(model, Param::SemiPassiveMinPassivity).map(&mut note) {
        let pct = p * 100.0;
        let decimals = if (pct - pct.round()).abs() > 1e-9 {
            1
        } else {
            0
        };
        limits.push(format!(
            "a passivity of at least {} %",
            format_number(pct, decimals)
        ));
    }
    let month = format!(
        "a launched month netting at least {} {} with {}",
        amount(net),
        model.currency,
        limits.join(" and ")
    );
    let run = if sustain == 1 {
        "income is semi-passive from the first such month".to_string()
    } else {
        format!("income becomes semi-passive after {sustain} such months in a row")
    };
    let medians = if medians {
        " (thresholds at the medians of their uncertain values; each trajectory draws its own)"
    } else {
        ""
    };
    Some(format!("Semi-passive: {month}; {run}{medians}."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn rule(text: &str) -> Option<String> {
        semi_passive_rule(
            &Scenario::parse(&format!("name = \"x\"\n{text}"), "t.toml", "t")
                .unwrap()
                .model()
                .unwrap(),
        )
    }

    #[test]
    fn the_rule_names_every_limit_and_the_months_in_a_row() {
        assert_eq!(rule(""), None);
        assert_eq!(
            rule("[semi_passive]\nmin_net_monthly = 500\nmax_hours_monthly = 15").unwrap(),
            "Semi-passive: a launched month netting at least 500 USD with at most 15 hours; \
             income becomes semi-passive after 3 such months in a row."
        );
        assert_eq!(
            rule(
                "currency = \"EUR\"\n[owner]\nhourly_value = 20\n[semi_passive]\n\
                 min_net_monthly = 90.5\nmax_hours_monthly = 10\nmin_passivity = 0.425\n\
                 sustain_months = 1"
            )
            .unwrap(),
            "Semi-passive: a launched month netting at least 90.50 EUR with at most 10 hours \
             and a passivity of at least 42.5 %; income is semi-passive from the first such \
             month."
        );
        let r = rule("[semi_passive]\nmin_net_monthly = \"400 to 900\"\nmin_passivity = 0.5\n[owner]\nhourly_value = 20")
            .unwrap();
        assert!(r.contains("a passivity of at least 50 %"), "{r}");
        assert!(
            r.contains("at the medians of their uncertain values"),
            "{r}"
        );
    }
}
