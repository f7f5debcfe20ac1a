//! Uncertain parameters: a value drawn once per trajectory (docs/model.md,
//! A scenario file, *Uncertain parameters*).
//!
//! Every form is sampled by its inverse CDF from one uniform, so that a
//! trajectory's draw of one parameter never depends on how another is
//! written (docs/model.md, Random streams).

use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF, Normal};
use std::fmt;

/// 95th percentile of the standard normal: a "90 % interval" a to b puts a
/// at mu - Z95 sigma and b at mu + Z95 sigma.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// A parameter's value: fixed, or a distribution to draw from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Uncertain {
    /// A plain number.
    Fixed {
        /// The value.
        value: f64,
    },
    /// `"a to b"` with both ends > 0: lognormal with 5th and 95th
    /// percentiles a and b.
    #[serde(rename = "lognormal")]
    LogInterval {
        /// 5th percentile.
        p5: f64,
        /// 95th percentile.
        p95: f64,
    },
    /// `"a to b"` with an end <= 0: normal with 5th and 95th percentiles a
    /// and b.
    #[serde(rename = "normal")]
    NormalInterval {
        /// 5th percentile.
        p5: f64,
        /// 95th percentile.
        p95: f64,
    },
    /// Uniform on min..max.
    Uniform {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
    /// Triangular on min..max with its peak at mode.
    Triangular {
        /// Lower end.
        min: f64,
        /// Peak.
        mode: f64,
        /// Upper end.
        max: f64,
    },
    /// PERT (shape 4): Beta(1 + 4(mode-min)/(max-min), 1 + 4(max-mode)/(max-min)) on min..max.
    Pert {
        /// Lower end.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper end.
        max: f64,
    },
    /// Normal.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Lognormal given by its median and 95th percentile.
    Lognormal {
        /// Median.
        median: f64,
        /// 95th percentile.
        p95: f64,
    },
    /// Beta(alpha, beta) on 0..1.
    Beta {
        /// First shape.
        alpha: f64,
        /// Second shape.
        beta: f64,
    },
}

/// What is wrong with an uncertain value, for the scenario error that names
/// its key: the message and what the rule broken allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// What is wrong, with the value as written.
    pub message: String,
    /// What is allowed, e.g. `"sd > 0"`.
    pub allowed: String,
}

impl SpecError {
    /// A message and what is allowed.
    pub fn new(message: impl Into<String>, allowed: impl Into<String>) -> Self {
        SpecError {
            message: message.into(),
            allowed: allowed.into(),
        }
    }
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The forms an uncertain value may take.
pub const FORMS: &str = "a number, \"a to b\" (a 90 % interval) or a { dist = ... } table";

impl Uncertain {
    /// A fixed value.
    pub fn fixed(value: f64) -> Self {
        Uncertain::Fixed { value }
    }

    /// Whether this is a plain number.
    pub fn is_fixed(&self) -> bool {
        matches!(self, Uncertain::Fixed { .. })
    }

    /// Parses `"a to b"`, or a percentage `"8%"` (0.08), or a range of
    /// them, `"5% to 10%"` (0.05 to 0.1).
    pub fn parse_interval(text: &str) -> Result<Self, SpecError> {
        let lower = text.to_ascii_lowercase();
        let Some((a, b)) = lower.split_once(" to ") else {
            if let Some(x) = lower.trim().strip_suffix('%').and_then(percent_number) {
                return Ok(Uncertain::fixed(x / 100.0));
            }
            return Err(SpecError::new(format!("\"{text}\" is not {FORMS}"), FORMS));
        };
        let (a, b) = (a.trim(), b.trim());
        let percent = match (a.ends_with('%'), b.ends_with('%')) {
            (true, true) => true,
            (false, false) => false,
            _ => {
                return Err(SpecError::new(
                    format!(
                        "\"{text}\": write both ends as percentages (\"5% to 10%\") or neither (\"0.05 to 0.1\")"
                    ),
                    "\"a to b\" or \"a% to b%\"",
                ));
            }
        };
        let parse = |s: &str| -> Result<f64, SpecError> {
            let s = s.trim_end_matches('%').trim();
            percent_number(s)
                .map(|x| if percent { x / 100.0 } else { x })
                .ok_or_else(|| {
                    SpecError::new(
                        format!("\"{text}\": `{s}` is not a finite number"),
                        "\"a to b\" with finite numbers a < b",
                    )
                })
        };
        let (lo, hi) = (parse(a)?, parse(b)?);
        if lo >= hi {
            return Err(SpecError::new(
                format!(
                    "\"{text}\" must run from low to high (a < b); write a single number for a \
                     fixed value"
                ),
                "a < b",
            ));
        }
        Ok(if lo > 0.0 && hi > 0.0 {
            Uncertain::LogInterval { p5: lo, p95: hi }
        } else {
            Uncertain::NormalInterval { p5: lo, p95: hi }
        })
    }

    /// The value as written in a scenario file: a number, `"a to b"` or
    /// a `{ dist = ... }` table.
    pub fn written(&self) -> String {
        match *self {
            Uncertain::LogInterval { p5, p95 } | Uncertain::NormalInterval { p5, p95 } => {
                format!("\"{p5} to {p95}\"")
            }
            _ => self.to_string(),
        }
    }

    /// The same distribution with every value multiplied by `factor` (> 0),
    /// or `None` for a beta distribution, whose values are shares by
    /// definition.
    pub fn scaled(&self, factor: f64) -> Option<Uncertain> {
        // Rounded to 12 significant digits: 5 / 100 reads 0.05.
        let f = |x: f64| crate::report::format::round_12_digits(x * factor);
        Some(match *self {
            Uncertain::Fixed { value } => Uncertain::fixed(f(value)),
            Uncertain::LogInterval { p5, p95 } => Uncertain::LogInterval {
                p5: f(p5),
                p95: f(p95),
            },
            Uncertain::NormalInterval { p5, p95 } => Uncertain::NormalInterval {
                p5: f(p5),
                p95: f(p95),
            },
            Uncertain::Uniform { min, max } => Uncertain::Uniform {
                min: f(min),
                max: f(max),
            },
            Uncertain::Triangular { min, mode, max } => Uncertain::Triangular {
                min: f(min),
                mode: f(mode),
                max: f(max),
            },
            Uncertain::Pert { min, mode, max } => Uncertain::Pert {
                min: f(min),
                mode: f(mode),
                max: f(max),
            },
            Uncertain::Normal { mean, sd } => Uncertain::Normal {
                mean: f(mean),
                sd: f(sd),
            },
            Uncertain::Lognormal { median, p95 } => Uncertain::Lognormal {
                median: f(median),
                p95: f(p95),
            },
            Uncertain::Beta { .. } => return None,
        })
    }

    /// Every number written in this value.
    pub fn numbers(&self) -> Vec<f64> {
        match *self {
            Uncertain::Fixed { value } => vec![value],
            Uncertain::LogInterval { p5, p95 } | Uncertain::NormalInterval { p5, p95 } => {
                vec![p5, p95]
            }
            Uncertain::Uniform { min, max } => vec![min, max],
            Uncertain::Triangular { min, mode, max } | Uncertain::Pert { min, mode, max } => {
                vec![min, mode, max]
            }
            Uncertain::Normal { mean, sd } => vec![mean, sd],
            Uncertain::Lognormal { median, p95 } => vec![median, p95],
            Uncertain::Beta { alpha, beta } => vec![alpha, beta],
        }
    }

    /// Checks the distribution's own parameters (not the parameter's valid
    /// range: draws outside it are clamped and counted).
    pub fn check(&self) -> Result<(), SpecError> {
        let finite = |name: &str, x: f64| {
            if x.is_finite() {
                Ok(())
            } else {
                Err(SpecError::new(
                    format!("{name} must be a finite number, got {x}"),
                    "a finite number",
                ))
            }
        };
        match *self {
            Uncertain::Fixed { value } => finite("the value", value),
            Uncertain::LogInterval { p5, p95 } | Uncertain::NormalInterval { p5, p95 } => {
                finite("a", p5)?;
                finite("b", p95)?;
                if p5 >= p95 {
                    return Err(SpecError::new(
                        format!("\"{p5} to {p95}\" must run from low to high (a < b)"),
                        "a < b",
                    ));
                }
                Ok(())
            }
            Uncertain::Uniform { min, max } => {
                finite("min", min)?;
                finite("max", max)?;
                if min >= max {
                    return Err(SpecError::new(
                        format!("uniform needs min < max, got min = {min}, max = {max}"),
                        "min < max",
                    ));
                }
                Ok(())
            }
            Uncertain::Triangular { min, mode, max } | Uncertain::Pert { min, mode, max } => {
                finite("min", min)?;
                finite("mode", mode)?;
                finite("max", max)?;
                if min >= max {
                    return Err(SpecError::new(
                        format!("needs min < max, got min = {min}, max = {max}"),
                        "min < max",
                    ));
                }
                if !(min..=max).contains(&mode) {
                    return Err(SpecError::new(
                        format!("mode must lie within min..=max ({min}..={max}), got {mode}"),
                        format!("min <= mode <= max ({min}..={max})"),
                    ));
                }
                Ok(())
            }
            Uncertain::Normal { mean, sd } => {
                finite("mean", mean)?;
                finite("sd", sd)?;
                if sd <= 0.0 {
                    return Err(SpecError::new(
                        format!("normal needs sd > 0, got {sd}"),
                        "sd > 0",
                    ));
                }
                Ok(())
            }
            Uncertain::Lognormal { median, p95 } => {
                finite("median", median)?;
                finite("p95", p95)?;
                if median <= 0.0 {
                    return Err(SpecError::new(
                        format!("lognormal needs median > 0, got {median}"),
                        "median > 0",
                    ));
                }
                if p95 <= median {
                    return Err(SpecError::new(
                        format!("lognormal needs p95 > median, got median = {median}, p95 = {p95}"),
                        "p95 > median > 0",
                    ));
                }
                Ok(())
            }
            Uncertain::Beta { alpha, beta } => {
                finite("alpha", alpha)?;
                finite("beta", beta)?;
                if alpha <= 0.0 || beta <= 0.0 {
                    return Err(SpecError::new(
                        format!(
                            "beta needs alpha > 0 and beta > 0, got alpha = {alpha}, beta = {beta}"
                        ),
                        "alpha > 0 and beta > 0",
                    ));
                }
                Ok(())
            }
        }
    }

    /// Prepares the distribution for repeated draws.
    ///
    /// # Panics
    /// If [`Uncertain::check`] would fail; scenario validation runs it first.
    pub fn sampler(&self) -> Sampler {
        match *self {
            Uncertain::Fixed { value } => Sampler::Fixed(value),
            Uncertain::LogInterval { p5, p95 } => {
                let (l5, l95) = (p5.ln(), p95.ln());
                Sampler::LogNormal {
                    mu: (l5 + l95) / 2.0,
                    sigma: (l95 - l5) / (2.0 * Z95),
                }
            }
            Uncertain::NormalInterval { p5, p95 } => Sampler::Normal {
                mean: (p5 + p95) / 2.0,
                sd: (p95 - p5) / (2.0 * Z95),
            },
            Uncertain::Uniform { min, max } => Sampler::Uniform { min, max },
            Uncertain::Triangular { min, mode, max } => Sampler::Triangular { min, mode, max },
            Uncertain::Pert { min, mode, max } => {
                let w = max - min;
                Sampler::ScaledBeta {
                    beta: Beta::new(1.0 + 4.0 * (mode - min) / w, 1.0 + 4.0 * (max - mode) / w)
                        .expect("PERT shapes are >= 1"),
                    min,
                    width: w,
                }
            }
            Uncertain::Normal { mean, sd } => Sampler::Normal { mean, sd },
            Uncertain::Lognormal { median, p95 } => Sampler::LogNormal {
                mu: median.ln(),
                sigma: (p95.ln() - median.ln()) / Z95,
            },
            Uncertain::Beta { alpha, beta } => Sampler::ScaledBeta {
                beta: Beta::new(alpha, beta).expect("checked alpha, beta > 0"),
                min: 0.0,
                width: 1.0,
            },
        }
    }
}

impl fmt::Display for Uncertain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Uncertain::Fixed { value } => write!(f, "{value}"),
            Uncertain::LogInterval { p5, p95 } => {
                write!(f, "\"{p5} to {p95}\" (lognormal, 90 % interval)")
            }
            Uncertain::NormalInterval { p5, p95 } => {
                write!(f, "\"{p5} to {p95}\" (normal, 90 % interval)")
            }
            Uncertain::Uniform { min, max } => {
                write!(f, "{{ dist = \"uniform\", min = {min}, max = {max} }}")
            }
            Uncertain::Triangular { min, mode, max } => write!(
                f,
                "{{ dist = \"triangular\", min = {min}, mode = {mode}, max = {max} }}"
            ),
            Uncertain::Pert { min, mode, max } => write!(
                f,
                "{{ dist = \"pert\", min = {min}, mode = {mode}, max = {max} }}"
            ),
            Uncertain::Normal { mean, sd } => {
                write!(f, "{{ dist = \"normal\", mean = {mean}, sd = {sd} }}")
            }
            Uncertain::Lognormal { median, p95 } => write!(
                f,
                "{{ dist = \"lognormal\", median = {median}, p95 = {p95} }}"
            ),
            Uncertain::Beta { alpha, beta } => {
                write!(f, "{{ dist = \"beta\", alpha = {alpha}, beta = {beta} }}")
            }
        }
    }
}

/// A finite number as an interval's end or a percentage is written
/// (underscores allowed between digits, as in TOML).
fn percent_number(s: &str) -> Option<f64> {
    s.trim()
        .replace('_', "")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

/// A distribution ready to map uniforms to values by its inverse CDF.
#[derive(Debug, Clone)]
pub enum Sampler {
    /// Always this value.
    Fixed(f64),
    /// Uniform on min..max.
    Uniform {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
    /// Triangular.
    Triangular {
        /// Lower end.
        min: f64,
        /// Peak.
        mode: f64,
        /// Upper end.
        max: f64,
    },
    /// Normal.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// exp of a normal.
    LogNormal {
        /// Mean of the log.
        mu: f64,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// min + width * Beta.
    ScaledBeta {
        /// The beta distribution.
        beta: Beta,
        /// Lower end.
        min: f64,
        /// max - min.
        width: f64,
    },
}

/// The standard normal quantile function.
pub fn normal_quantile(u: f64) -> f64 {
    // statrs: mean - sd * sqrt(2) * erfc_inv(2u), accurate in both tails.
    thread_local! {
        static STD: Normal = Normal::standard();
    }
    STD.with(|n| n.inverse_cdf(u))
}

/// The standard normal distribution function Phi, accurate in both tails:
/// `libm`'s erfc (FreeBSD's, within an ulp or so), so relative error of a
/// few ulps below the mean and rounding to the nearest double near 1 above
/// it. (statrs' erfc is good to only about 1e-10 relative.)
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// The u-quantile of a beta distribution: Newton steps on the regularized
/// incomplete beta (statrs' `cdf`, accurate for all shapes) kept inside a
/// bracket that shrinks every step, with bisection whenever Newton would
/// leave it. Always terminates (at most 200 steps; typically 3 to 6 from
/// statrs' own starting estimate) and is accurate to about 1e-15 in x, for
/// shapes where statrs' `inverse_cdf` alone can stall or go wrong.
pub fn beta_quantile(beta: &Beta, u: f64) -> f64 {
    use statrs::distribution::Continuous;
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let guess = {
        let (a, b) = (beta.shape_a(), beta.shape_b());
        // statrs' starting estimate is good for moderate shapes; otherwise
        // start from the mean.
        if (0.5..=1e3).contains(&a) && (0.5..=1e3).contains(&b) {
            beta.inverse_cdf(u)
        } else {
            a / (a + b)
        }
    };
    let mut x = if guess > 0.0 && guess < 1.0 {
        guess
    } else {
        0.5
    };
    for _ in 0..200 {
        let f = beta.cdf(x) - u;
        if f == 0.0 {
            return x;
        }
        if f > 0.0 {
            hi = x;
        } else {
            lo = x;
        }
        let density = beta.pdf(x);
        let newton = x - f / density;
        let next = if hi > 1e3 * lo.max(f64::MIN_POSITIVE) {
            // A bracket spanning orders of magnitude (tiny shapes put mass
            // near 1e-300): bisect the exponent.
            lo.max(f64::MIN_POSITIVE).sqrt() * hi.sqrt()
        } else if density.is_finite() && density > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        // Converged: the step is below 1e-15 of the distance to the nearer
        // end (so quantiles near 1 keep their precision), or the bracket is
        // down to a couple of doubles.
        if next == x
            || (next - x).abs() <= 1e-15 * x.min(1.0 - x)
            || hi - lo <= 2.0 * f64::EPSILON * x
        {
            return next;
        }
        x = next;
    }
    x
}

impl Sampler {
    /// The value at probability `u`, for `u` in the open interval (0, 1).
    pub fn inverse_cdf(&self, u: f64) -> f64 {
        debug_assert!(u > 0.0 && u < 1.0);
        match *self {
            Sampler::Fixed(v) => v,
            Sampler::Uniform { min, max } => min + u * (max - min),
            Sampler::Triangular { min, mode, max } => {
                let w = max - min;
                let fc = (mode - min) / w;
                if u < fc {
                    min + (u * w * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * w * (max - mode)).sqrt()
                }
            }
            Sampler::Normal { mean, sd } => mean + sd * normal_quantile(u),
            Sampler::LogNormal { mu, sigma } => (mu + sigma * normal_quantile(u)).exp(),
            Sampler::ScaledBeta {
                ref beta,
                min,
                width,
            } => min + width * beta_quantile(beta, u),
        }
    }

    /// The probability of a draw at most `x`: the inverse of
    /// [`Sampler::inverse_cdf`].
    pub fn cdf(&self, x: f64) -> f64 {
        let p = match *self {
            Sampler::Fixed(v) => {
                if x >= v {
                    1.0
                } else {
                    0.0
                }
            }
            Sampler::Uniform { min, max } => (x - min) / (max - min),
            Sampler::Triangular { min, mode, max } => {
                if x <= min {
                    0.0
                } else if x >= max {
                    1.0
                } else if x <= mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            Sampler::Normal { mean, sd } => normal_cdf((x - mean) / sd),
            Sampler::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    normal_cdf((x.ln() - mu) / sigma)
                }
            }
            Sampler::ScaledBeta {
                ref beta,
                min,
                width,
            } => beta.cdf(((x - min) / width).clamp(0.0, 1.0)),
        };
        p.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_inverts_the_quantile() {
        // The round trip within a few ulps below the median, times the
        // slope: an ulp of z moves Phi(z) by z^2 ulps relative (1,400 at
        // z = -37, where u = 1e-300); and within 1e-13 relative to 1 - u
        // above it, down to the spacing of doubles near 1.
        for u in [1e-300, 1e-17, 1e-9, 0.01, 0.3, 0.5] {
            let z = normal_quantile(u);
            let back = normal_cdf(z);
            let tol = 8.0 * f64::EPSILON * z.powi(2).max(1.0) * u;
            assert!((back - u).abs() <= tol, "u = {u}: {back}");
        }
        for u in [0.77, 0.999, 1.0 - 1e-9] {
            let back = normal_cdf(normal_quantile(u));
            let tol = (1e-13 * (1.0 - u)).max(f64::EPSILON);
            assert!((back - u).abs() <= tol, "u = {u}: {back}");
        }
        // Against values computed to 20 digits: Phi(-3), Phi(-10), Phi(1).
        for (z, p) in [
            (-3.0, 1.349_898_031_630_094_5e-3),
            (-10.0, 7.619_853_024_160_527e-24),
            (1.0, 0.841_344_746_068_542_9),
        ] {
            // z / sqrt(2) is rounded: the same slope allowance.
            let tol = 8.0 * f64::EPSILON * f64::max(z * z, 1.0) * p;
            assert!((normal_cdf(z) - p).abs() <= tol, "Phi({z})");
        }
        assert_eq!(normal_cdf(0.0), 0.5);
        assert!((normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-15);
    }

    #[test]
    fn cdf_inverts_the_inverse_cdf_for_every_form() {
        let forms = [
            Uncertain::parse_interval("20 to 40").unwrap(),
            Uncertain::parse_interval("-5 to 10").unwrap(),
            Uncertain::Uniform { min: 2.0, max: 7.0 },
            Uncertain::Triangular {
                min: 10.0,
                mode: 30.0,
                max: 60.0,
            },
            Uncertain::Pert {
                min: 10.0,
                mode: 30.0,
                max: 60.0,
            },
            Uncertain::Normal {
                mean: 0.05,
                sd: 0.03,
            },
            Uncertain::Lognormal {
                median: 30.0,
                p95: 60.0,
            },
            Uncertain::Beta {
                alpha: 2.0,
                beta: 30.0,
            },
        ];
        for f in forms {
            let s = f.sampler();
            for u in [1e-6, 0.01, 0.2, 0.5, 0.8, 0.99, 1.0 - 1e-6] {
                // The round trip loses a few ulps of x, and the slope of
                // the CDF turns them into far less than 1e-9 of u.
                let back = s.cdf(s.inverse_cdf(u));
                assert!((back - u).abs() < 1e-9, "{f}: u = {u}, cdf = {back}");
            }
            assert_eq!(s.cdf(-1e300), 0.0, "{f}");
            assert_eq!(s.cdf(1e300), 1.0, "{f}");
        }
    }

    #[test]
    fn interval_picks_lognormal_or_normal() {
        assert_eq!(
            Uncertain::parse_interval("20 to 40").unwrap(),
            Uncertain::LogInterval {
                p5: 20.0,
                p95: 40.0
            }
        );
        assert_eq!(
            Uncertain::parse_interval("-5 TO 10").unwrap(),
            Uncertain::NormalInterval {
                p5: -5.0,
                p95: 10.0
            }
        );
        assert!(Uncertain::parse_interval("40 to 20").is_err());
        assert!(Uncertain::parse_interval("forty").is_err());
        assert!(Uncertain::parse_interval("1 to inf").is_err());
    }

    #[test]
    fn interval_ends_are_the_5th_and_95th_percentiles() {
        for spec in ["20 to 40", "-5 to 10"] {
            let s = Uncertain::parse_interval(spec).unwrap().sampler();
            let (a, b) = spec.split_once(" to ").unwrap();
            let (a, b): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
            assert!((s.inverse_cdf(0.05) - a).abs() < 1e-9 * a.abs().max(1.0));
            assert!((s.inverse_cdf(0.95) - b).abs() < 1e-9 * b.abs().max(1.0));
        }
    }

    #[test]
    fn beta_quantile_inverts_the_cdf_for_extreme_shapes() {
        let shapes = [1e-3, 0.05, 0.7, 1.0, 4.0, 300.0, 1e5];
        for &a in &shapes {
            for &b in &shapes {
                let d = Beta::new(a, b).unwrap();
                for u in [1e-9, 0.01, 0.3, 0.5, 0.9, 1.0 - 1e-9] {
                    let x = beta_quantile(&d, u);
                    assert!((0.0..=1.0).contains(&x), "a={a} b={b} u={u}: {x}");
                    if d.cdf(1e-300) >= u {
                        // The true quantile underflows f64: x must be ~0.
                        assert!(x < 1e-50, "a={a} b={b} u={u}: {x}");
                    } else if Beta::new(b, a).unwrap().cdf(1e-15) >= 1.0 - u {
                        // Mirror image: the quantile lies within 1e-15 of 1.
                        assert!(x > 1.0 - 1e-12, "a={a} b={b} u={u}: {x}");
                    } else {
                        // x is the quantile to within a few ulps: the CDF
                        // brackets u across them (near 1 the CDF can jump
                        // between neighbouring doubles).
                        let (below, above) = (
                            (0..4).fold(x, |y, _| y.next_down()),
                            (0..4).fold(x, |y, _| y.next_up()),
                        );
                        // statrs' CDF is good to about 1e-13 absolute near 1.
                        let tol = 1e-12;
                        assert!(
                            d.cdf(below) <= u + tol && d.cdf(above) >= u - tol,
                            "a={a} b={b} u={u}: cdf around {x} = {}..{}",
                            d.cdf(below),
                            d.cdf(above)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn impossible_distributions_are_rejected() {
        let bad = [
            Uncertain::Triangular {
                min: 0.0,
                mode: 5.0,
                max: 3.0,
            },
            Uncertain::Pert {
                min: 3.0,
                mode: 3.0,
                max: 3.0,
            },
            Uncertain::Normal { mean: 1.0, sd: 0.0 },
            Uncertain::Lognormal {
                median: 10.0,
                p95: 5.0,
            },
            Uncertain::Beta {
                alpha: 0.0,
                beta: 1.0,
            },
            Uncertain::Uniform {
                min: 1.0,
                max: f64::NAN,
            },
        ];
        for b in bad {
            assert!(b.check().is_err(), "{b:?}");
        }
    }
}
