//! The terminal report of `fit-churn`: estimates, the test against constant
//! churn, churn by renewal, and observed against fitted and projected
//! survival, period by period.

use super::ChurnFit;
use crate::report::format::{format_number, format_percent, terminal_text};

/// A p-value for reading: small ones in scientific notation.
fn format_p(p: f64) -> String {
    if p < 1e-4 {
        format!("{p:.1e}")
    } else {
        format!("{p:.4}")
    }
}

fn estimate(x: f64, se: Option<f64>) -> String {
    match se {
        Some(se) => format!("{:>10}   {:>10}", format_sig(x), format_sig(se)),
        None => format!("{:>10}   {:>10}", format_sig(x), "-"),
    }
}

/// Four significant digits, without exponent for everyday magnitudes.
pub fn format_sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let mag = x.abs().log10().floor() as i32;
    if (-4..6).contains(&mag) {
        format!("{:.*}", (3 - mag).max(0) as usize, x)
    } else {
        format!("{x:.3e}")
    }
}

/// The report printed by `fit-churn` without `--json`.
pub fn render(f: &ChurnFit) -> String {
    let d = &f.data;
    let mut o = String::new();
    o.push_str(&format!("Churn fit: {}\n", terminal_text(&d.file)));
    let what = match (d.cohorts, d.active, &d.as_of) {
        (Some(c), _, _) => format!(
            "survival table, {c} cohort{}, {} customers, periods 0..{}",
            if c == 1 { "" } else { "s" },
            format_number(d.customers as f64, 0),
            d.last_period
        ),
        (None, Some(a), Some(as_of)) => format!(
            "customer list, {} customers ({} active as of {as_of}), periods 0..{}",
            format_number(d.customers as f64, 0),
            format_number(a as f64, 0),
            d.last_period
        ),
        _ => String::new(),
    };
    o.push_str(&format!("  {what}\n"));
    if f.periods_fitted < d.last_period {
        o.push_str(&format!(
            "  fitted on periods 1..{}; periods {}..{} held out\n",
            f.periods_fitted,
            f.periods_fitted + 1,
            d.last_period
        ));
    } else {
        o.push_str(&format!("  fitted on periods 1..{}\n", f.periods_fitted));
    }

    o.push_str(&format!(
        "\n  {:<28}{:>10}   {:>10}\n",
        "Shifted-beta-geometric (sbg)", "estimate", "std. error"
    ));
    o.push_str(&format!(
        "    {:<26}{}\n",
        "alpha",
        estimate(f.alpha, f.alpha_se)
    ));
    o.push_str(&format!(
        "    {:<26}{}\n",
        "beta",
        estimate(f.beta, f.beta_se)
    ));
    o.push_str(&format!(
        "    {:<26}{:>10}\n",
        "log-likelihood",
        format!("{:.2}", f.log_likelihood)
    ));
    match f.boundary {
        Some("homogeneous") => o.push_str(
            "    (no spread of churn chances is detectable: sbg improves on constant churn by less\n     than 0.01 in 2 x log-likelihood, so the fit is constant churn, alpha and beta ->\n     infinity; shown at alpha + beta = 1,000,000, no standard errors)\n",
        ),
        Some(_) => o.push_str(
            "    (alpha or beta reached the search limit 1e-6..1e6: the estimate is a limit,\n     not an interior maximum, so it has no standard errors)\n",
        ),
        None => {
            let loose = |x: f64, se: Option<f64>| se.is_some_and(|se| se > x);
            if loose(f.alpha, f.alpha_se) || loose(f.beta, f.beta_se) {
                o.push_str(
                    "    (standard errors exceed the estimates: the data pin down first-renewal churn\n     alpha / (alpha + beta) far better than the spread of churn chances)\n",
                );
            }
        }
    }
    let c = &f.constant_churn;
    o.push_str("  Constant churn\n");
    o.push_str(&format!(
        "    {:<26}{}\n",
        "monthly",
        estimate(c.monthly, Some(c.monthly_se))
    ));
    o.push_str(&format!(
        "    {:<26}{:>10}\n",
        "log-likelihood",
        format!("{:.2}", c.log_likelihood)
    ));
    let lr = &f.likelihood_ratio;
    o.push_str(&format!(
        "  Likelihood ratio, sbg against constant: 2 x (ll_sbg - ll_constant) = {:.2}\n    p = {} (chi-square, 1 df); p = {} against the boundary mixture\n",
        lr.statistic,
        format_p(lr.p_value),
        format_p(lr.p_value_boundary)
    ));
    o.push_str(if lr.p_value_boundary < 0.05 {
        "    sbg fits better: customers differ in how likely they are to leave, so churn\n    falls with tenure as the likeliest leavers go first.\n"
    } else {
        "    No evidence against constant churn at the 5 % level: these data do not show\n    churn falling with tenure.\n"
    });

    o.push_str(&format!("\n  {:<22}", "Churn at renewal"));
    for r in &f.churn_at_renewal {
        o.push_str(&format!("{:>9}", r.renewal));
    }
    o.push_str(&format!("\n    {:<20}", "sbg"));
    for r in &f.churn_at_renewal {
        o.push_str(&format!("{:>9}", format_percent(r.sbg)));
    }
    o.push_str(&format!("\n    {:<20}", "constant"));
    for r in &f.churn_at_renewal {
        o.push_str(&format!("{:>9}", format_percent(r.constant)));
    }
    o.push('\n');

    let counts = f.fitted[0].observed_alive.is_some();
    o.push_str(&format!(
        "\n  {} after each renewal period\n",
        if counts {
            "Customers still active"
        } else {
            "Share of customers still active"
        }
    ));
    o.push_str(&format!(
        "  {:>8} {:>10} {:>10} {:>10}\n",
        "period", "observed", "sbg", "constant"
    ));
    for r in f.fitted.iter().chain(&f.projection) {
        let (obs, sbg, cons) = if counts {
            let n0 = f.fitted[0].observed_alive.unwrap_or(0) as f64;
            (
                r.observed_alive
                    .map(|a| format_number(a as f64, 0))
                    .unwrap_or_default(),
                format_number(r.survival * n0, 1),
                format_number(r.constant_survival * n0, 1),
            )
        } else {
            (
                r.observed_survival.map(format_percent).unwrap_or_default(),
                format_percent(r.survival),
                format_percent(r.constant_survival),
            )
        };
        let note = if r.period == 0 {
            ""
        } else if r.held_out {
            "held out"
        } else if r.period > f.periods_fitted {
            "projected"
        } else {
            ""
        };
        let line = format!("  {:>8} {obs:>10} {sbg:>10} {cons:>10}  {note}", r.period);
        o.push_str(line.trim_end());
        o.push('\n');
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(format_sig(0.70363), "0.7036");
        assert_eq!(format_sig(1.18156), "1.182");
        assert_eq!(format_sig(123.456), "123.5");
        assert_eq!(format_sig(250000.0), "250000");
        assert_eq!(format_sig(2.5e7), "2.500e7");
        assert_eq!(format_p(0.5), "0.5000");
        assert_eq!(format_p(1.23e-9), "1.2e-9");
    }
}
