//! What a sensitivity analysis reports: `sensitivity.csv` and the terminal
//! table of the parameters that move the metric most.

use super::columns::shorten;
use super::format::{
    format_number, format_percent, format_value, round_12_digits, terminal_text, wrap_note,
};
use crate::output::Output;
use crate::sensitivity::{Analysis, Spread};

/// `sensitivity.csv`: every parameter's low and high value and the
/// metric at each.
#[derive(Debug, Clone, Copy)]
pub struct SensitivityCsv<'a>(pub &'a Analysis);

impl Output for SensitivityCsv<'_> {
    fn file_name(&self) -> &str {
        "sensitivity.csv"
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.0.to_csv())
    }
}

/// Widest line of the terminal table.
const TABLE_COLUMNS: usize = 100;

/// Churn at renewals 1, 6 and 12 at a parameter's low, middle and high
/// value: `"low 7.1/5.3/4.0 %, mid 5.9/4.5/3.6 %, high 4.5/3.6/2.9 %"`.
pub fn churn_values(churn: &[[f64; 3]; 3]) -> String {
    ["low", "mid", "high"]
        .iter()
        .zip(churn)
        .map(|(name, h)| format!("{name} {}", churn_triple(h)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Churn at renewals 1, 6 and 12: `"5.9/4.5/3.6 %"`.
pub fn churn_triple(h: &[f64; 3]) -> String {
    let p: Vec<String> = h
        .iter()
        .map(|&x| crate::churn::percent(x).trim_end_matches(" %").to_string())
        .collect();
    format!("{} %", p.join("/"))
}

impl Analysis {
    /// `sensitivity.csv`: one row per parameter, largest range first, with
    /// its low, middle and high value, the metric at each, the swing
    /// (metric high - metric low), the range and whether it is monotone;
    /// numbers rounded to 12 significant digits, so that they read as
    /// computed (0.5812, not 0.5811999999999999).
    pub fn to_csv(&self) -> Vec<u8> {
        let resolution = self.metric.resolution();
        let num = |x: f64| round_12_digits(x).to_string();
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut write = || -> csv::Result<()> {
            w.write_record([
                "parameter",
                "low_value",
                "mid_value",
                "high_value",
                "metric_low",
                "metric_mid",
                "metric_high",
                "swing",
                "range",
                "monotone",
            ])?;
            for r in &self.rows {
                w.write_record([
                    r.key(),
                    num(r.low_value),
                    num(r.mid_value),
                    num(r.high_value),
                    num(r.metric_low),
                    num(r.metric_mid),
                    num(r.metric_high),
                    num(r.swing()),
                    num(r.range()),
                    r.monotone(resolution).to_string(),
                ])?;
            }
            w.flush()?;
            Ok(())
        };
        write().expect("writing CSV to memory cannot fail");
        w.into_inner().expect("writing CSV to memory cannot fail")
    }

    /// The terminal table: the run's facts and the `top` rows with the
    /// largest range, within 100 columns for every key.
    pub fn table(&self, top: usize) -> String {
        let metric = self
            .metric
            .describe(self.horizon, &terminal_text(&self.currency));
        let resolution = self.metric.resolution();
        let pct = self.swing * 100.0;
        let mut o = format!(
            "Sensitivity of {metric}: {}\n  baseline {}; {} parameters, each at a low, a middle \
             and a high value;\n  {} trajectories per run, {} runs, seed {}\n\n",
            terminal_text(&self.scenario),
            self.metric.format(self.baseline),
            self.rows.len(),
            format_number(self.trajectories as f64, 0),
            self.runs,
            self.seed,
        );
        let mut extra = super::table::overrides_line(&self.overrides);
        if let Some([by, within]) = self.baseline_semi_passive {
            extra.push_str(&format!(
                "  baseline semi-passive by month {h}: {}, in month {h}: {}\n",
                format_percent(by),
                format_percent(within),
                h = self.horizon
            ));
        }
        o.insert_str(o.len() - 1, &extra);
        let three = |a: String, b: String, c: String| format!("{a} / {b} / {c}");
        let shown = &self.rows[..self.rows.len().min(top)];
        let mut cells: Vec<[String; 5]> = shown
            .iter()
            .map(|r| {
                let mark = if r.monotone(resolution) { "" } else { " *" };
                [
                    r.key(),
                    three(
                        format_value(r.low_value),
                        format_value(r.mid_value),
                        format_value(r.high_value),
                    ),
                    three(
                        self.metric.format(r.metric_low),
                        self.metric.format(r.metric_mid),
                        self.metric.format(r.metric_high),
                    ),
                    self.metric.format_size(r.range()),
                    mark.to_string(),
                ]
            })
            .collect();
        // A key too long for the line (a portfolio's hustle.N.KEY) is cut
        // with an ellipsis; sensitivity.csv and the chart have it whole.
        let others = |k: usize| {
            cells
                .iter()
                .map(|c| c[k].chars().count())
                .max()
                .unwrap_or(0)
        };
        let key_room = TABLE_COLUMNS
            .saturating_sub(2 + 2 + others(1).max(23) + 2 + others(2).max(24) + 2)
            .saturating_sub(others(3).max(5) + others(4));
        for (c, r) in cells.iter_mut().zip(shown) {
            let uncertain = if matches!(r.spread, Spread::Percentiles) {
                " ~"
            } else {
                ""
            };
            c[0] = shorten(&c[0], key_room.saturating_sub(uncertain.len()).max(12)) + uncertain;
        }
        let head = [
            "parameter",
            "value: low / mid / high",
            "metric: low / mid / high",
            "range",
        ];
        let width = |k: usize| {
            cells
                .iter()
                .map(|c| c[k].chars().count())
                .chain([head[k].len()])
                .max()
                .unwrap_or(0)
        };
        let (w0, w1, w2, w3) = (width(0), width(1), width(2), width(3));
        let line = |c: [&str; 5]| {
            format!(
                "  {:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}{}",
                c[0], c[1], c[2], c[3], c[4]
            )
            .trim_end()
            .to_string()
                + "\n"
        };
        o.push_str(&line([head[0], head[1], head[2], head[3], ""]));
        for (c, r) in cells.iter().zip(&self.rows) {
            o.push_str(&line([&c[0], &c[1], &c[2], &c[3], &c[4]]));
            if let Some(churn) = &r.churn {
                o.push_str(&format!(
                    "    churn at renewals 1/6/12: {}\n",
                    churn_values(churn)
                ));
            }
        }
        let rest = self.rows.len().saturating_sub(top);
        if rest > 0 {
            o.push_str(&format!(
                "  ... and {rest} more with smaller ranges (all in sensitivity.csv)\n"
            ));
        }
        let zero = self.no_effect();
        if zero > 0 {
            o.push_str(&format!(
                "  {zero} of the {} parameters have no effect at all on this metric (range exactly 0)\n",
                self.rows.len()
            ));
        }
        o.push_str(&format!(
            "\n  mid: a fixed value as the {} has it (metric = baseline), moved -/+ {} % for\n  \
             low and high (a zero by a related step); ~ an uncertain value, at its own p10, p50, p90.\n  \
             range: how far the metric moves over the three values; rows are ranked by it.\n",
            if self.portfolio { "portfolio" } else { "scenario" },
            format_number(pct, if pct.fract() == 0.0 { 0 } else { 1 })
        ));
        if self.portfolio {
            o.push_str(
                "  owner.* and semi_passive.*: the person's keys; hustle.N.KEY: a key of hustle N's\n  \
                 scenario. The metric is the person's.\n",
            );
        }
        if self.rows.iter().take(top).any(|r| r.churn.is_some()) {
            o.push_str(
                "  churn at renewals 1/6/12: each customer's chance to leave at its 1st, 6th and \
                 12th renewal\n  (median draw), with the churn key at its low, mid and high value.\n",
            );
        }
        let odd: Vec<String> = self.not_monotone().map(|r| r.key()).collect();
        if !odd.is_empty() {
            let line = format!(
                "* not monotone: the middle value beats both ends or trails both ({}).",
                odd.join(", ")
            );
            // A portfolio's keys (hustle.N.KEY) are long: its list is
            // wrapped to the table's width.
            if self.portfolio {
                o.push_str(&wrap_note(&line, "  "));
            } else {
                o.push_str(&format!("  {line}\n"));
            }
        }
        o
    }
}
