//! What a sensitivity analysis reports: `sensitivity.csv` and the terminal
//! table of the largest swings.

use super::format::{format_number, format_value};
use crate::output::Output;
use crate::sensitivity::Analysis;

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

impl Analysis {
    /// `sensitivity.csv`: `parameter,low_value,high_value,metric_low,
    /// metric_high,swing`, one row per parameter by |swing|, numbers in
    /// full precision (shortest text that reads back as the same double).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut write = || -> csv::Result<()> {
            w.write_record([
                "parameter",
                "low_value",
                "high_value",
                "metric_low",
                "metric_high",
                "swing",
            ])?;
            for r in &self.rows {
                w.write_record([
                    r.param.key().to_string(),
                    r.low_value.to_string(),
                    r.high_value.to_string(),
                    r.metric_low.to_string(),
                    r.metric_high.to_string(),
                    r.swing().to_string(),
                ])?;
            }
            w.flush()?;
            Ok(())
        };
        write().expect("writing CSV to memory cannot fail");
        w.into_inner().expect("writing CSV to memory cannot fail")
    }

    /// The terminal table: the run's facts and the `top` rows with the
    /// largest swing.
    pub fn table(&self, top: usize) -> String {
        let metric = self.metric.describe(self.horizon, &self.currency);
        let mut o = format!(
            "Sensitivity of {metric}: {}\n  baseline {}; {} parameters at a low and a high value; \
             {} trajectories per run, {} runs, seed {}\n\n",
            self.scenario,
            self.metric.format(self.baseline),
            self.rows.len(),
            format_number(self.trajectories as f64, 0),
            self.runs,
            self.seed,
        );
        let width = self
            .rows
            .iter()
            .take(top)
            .map(|r| r.param.key().len())
            .max()
            .unwrap_or(9)
            .max(9);
        o.push_str(&format!(
            "  {:<width$}  {:>12}  {:>10}  {:>10}  {:>12}  {:>12}  {:>12}\n",
            "parameter", "moved by", "low", "high", "metric low", "metric high", "swing"
        ));
        for r in self.rows.iter().take(top) {
            o.push_str(&format!(
                "  {:<width$}  {:>12}  {:>10}  {:>10}  {:>12}  {:>12}  {:>12}\n",
                r.param.key(),
                r.spread_label(self.swing),
                format_value(r.low_value),
                format_value(r.high_value),
                self.metric.format(r.metric_low),
                self.metric.format(r.metric_high),
                self.metric.format_change(r.swing()),
            ));
        }
        let rest = self.rows.len().saturating_sub(top);
        if rest > 0 {
            o.push_str(&format!(
                "  ... and {rest} more with smaller swings (all in sensitivity.csv)\n"
            ));
        }
        let zero = self.no_effect();
        if zero > 0 {
            o.push_str(&format!(
                "  {zero} of the {} parameters have no effect at all on this metric (swing exactly 0)\n",
                self.rows.len()
            ));
        }
        o.push_str(
            "\n  swing = metric high - metric low: positive when raising the parameter raises the metric.\n",
        );
        o
    }
}
