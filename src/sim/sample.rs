//! Exact samplers for the small counts that dominate the model.
//!
//! Most cohorts hold a handful of customers and most monthly means are
//! small, so the general-purpose algorithms of `rand_distr` (BTPE, PTRS),
//! with their setup cost per call, are kept for large counts only; small
//! ones are drawn by inversion of the exact CDF, one uniform per draw, with
//! the logarithm the hot loop already knows. Inversion also keeps paired
//! scenarios (common random numbers) tightly coupled: a higher churn chance
//! never yields more survivors from the same uniform.

use super::rng::open01;
use rand::Rng;
use rand_distr::{Binomial, Distribution, Poisson};

/// Binomials with a smaller mean (of the rarer outcome) use inversion.
const INVERSION_MAX_MEAN: f64 = 24.0;
/// Poisson means below this use inversion.
const POISSON_INVERSION_MAX: f64 = 30.0;

/// A draw from Binomial(n, p).
#[inline]
pub fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    binomial_with_log(rng, n, p, (-p).ln_1p())
}

/// A draw from Binomial(n, p) given `ln_1mp` = ln(1 - p), which callers in
/// the hot loop compute once for many draws. Needs 0 < p < 1.
#[inline]
pub fn binomial_with_log<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64, ln_1mp: f64) -> u64 {
    if n == 0 {
        return 0;
    }
    if p <= 0.5 {
        if (n as f64) * p < INVERSION_MAX_MEAN {
            binomial_inversion(rng, n, p, ln_1mp)
        } else {
            Binomial::new(n, p).expect("0 < p <= 0.5").sample(rng)
        }
    } else {
        // Count the rarer outcome: failures ~ Binomial(n, 1 - p).
        let q = 1.0 - p;
        let failures = if (n as f64) * q < INVERSION_MAX_MEAN {
            binomial_inversion(rng, n, q, p.ln())
        } else {
            Binomial::new(n, q).expect("0 < q < 0.5").sample(rng)
        };
        n - failures
    }
}

/// Sequential search of the binomial CDF from 0 (Kachitvichyanukul and
/// Schmeiser 1988, algorithm BINV) given ln(1 - q); expected work n q + 1
/// steps.
#[inline]
fn binomial_inversion<R: Rng + ?Sized>(rng: &mut R, n: u64, q: f64, ln_1mq: f64) -> u64 {
    let u = open01(rng);
    let s = q / (1.0 - q);
    // P(0) = (1 - q)^n: binary powering for the small n that dominate
    // (a few roundings, far cheaper than exp), exp of the known log beyond.
    let mut pmf = if n <= 64 {
        powu(1.0 - q, n)
    } else {
        ((n as f64) * ln_1mq).exp()
    };
    let mut cdf = pmf;
    let mut k = 0;
    while u > cdf && k < n {
        pmf *= s * (n - k) as f64 / (k + 1) as f64;
        k += 1;
        cdf += pmf;
        if pmf <= 0.0 {
            // The remaining tail is below f64 resolution.
            break;
        }
    }
    k
}

/// 1/k for the Poisson inversion loop (a multiply instead of a division;
/// past the table, which means below 30 almost never reach, it divides).
pub(crate) const RECIPROCALS: [f64; 128] = {
    let mut t = [0.0; 128];
    let mut k = 1;
    while k < 128 {
        t[k] = 1.0 / k as f64;
        k += 1;
    }
    t
};

/// x^n by binary powering.
#[inline]
fn powu(mut x: f64, mut n: u64) -> f64 {
    let mut p = 1.0;
    while n > 0 {
        if n & 1 == 1 {
            p *= x;
        }
        x *= x;
        n >>= 1;
    }
    p
}

/// 2^(j/64) for j = 0..64, for [`exp_neg`].
static EXP2_FRACTIONS: std::sync::LazyLock<[f64; 64]> = std::sync::LazyLock::new(|| {
    let mut t = [0.0; 64];
    for (j, v) in t.iter_mut().enumerate() {
        *v = (j as f64 / 64.0).exp2();
    }
    t
});

/// e^x for -700 <= x <= 0, within a few ulp: x = (64 k + j) ln 2 / 64 + r
/// with |r| <= ln 2 / 128, so e^x = 2^k 2^(j/64) e^r, with e^r from its
/// Taylor polynomial of degree 5 (remainder below 4e-17). About a third of
/// the instructions of the C library's `exp`, which Poisson inversion calls
/// for every draw.
#[inline]
pub fn exp_neg(x: f64) -> f64 {
    debug_assert!((-700.0..=0.0).contains(&x), "exp_neg({x})");
    const N_OVER_LN2: f64 = 64.0 / std::f64::consts::LN_2;
    // ln 2 / 64 split in two (fdlibm's ln2_hi and ln2_lo over 64): the high
    // part has its low bits zero, so kj * LN2_HI is exact for |kj| < 2^20.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000) / 64.0;
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76) / 64.0;
    // Adding 1.5 * 2^52 rounds to the nearest integer.
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    let shifted = x * N_OVER_LN2 + SHIFTER;
    let kj = shifted - SHIFTER;
    // The integer sits in the low mantissa bits (exact for |kj| < 2^51),
    // which is cheaper than a saturating float-to-integer conversion.
    let n = shifted.to_bits() as i64 - SHIFTER.to_bits() as i64;
    let (j, k) = ((n & 63) as usize, n >> 6);
    let r = (x - kj * LN2_HI) - kj * LN2_LO;
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0)))));
    let scale = f64::from_bits(((k + 1023) as u64) << 52);
    EXP2_FRACTIONS[j] * p * scale
}

/// A draw from Poisson(lambda), lambda finite and >= 0.
#[inline]
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda < POISSON_INVERSION_MAX {
        let u = open01(rng);
        // The search's first steps without branches: small means (new
        // competitors, most months) almost always end in them, so the
        // count is a sum of comparisons rather than a loop exit the branch
        // predictor cannot guess.
        let p0 = exp_neg(-lambda);
        let p1 = p0 * (lambda * RECIPROCALS[1]);
        let c1 = p0 + p1;
        let p2 = p1 * (lambda * RECIPROCALS[2]);
        let c2 = c1 + p2;
        let p3 = p2 * (lambda * RECIPROCALS[3]);
        let c3 = c2 + p3;
        if u <= c3 {
            return (u > p0) as u64 + (u > c1) as u64 + (u > c2) as u64;
        }
        // Then two steps per test: the same sums in the same order.
        let (mut k, mut pmf, mut cdf) = (3usize, p3, c3);
        while k + 2 < RECIPROCALS.len() {
            let p1 = pmf * (lambda * RECIPROCALS[k + 1]);
            let c1 = cdf + p1;
            let p2 = p1 * (lambda * RECIPROCALS[k + 2]);
            let c2 = c1 + p2;
            if u <= c2 {
                return (k + 1 + (u > c1) as usize) as u64;
            }
            (k, pmf, cdf) = (k + 2, p2, c2);
        }
        // Beyond the table (means below 30 all but never get here) or a
        // tail below the resolution of f64.
        while u > cdf && pmf > 0.0 {
            k += 1;
            pmf *= lambda / k as f64;
            cdf += pmf;
        }
        k as u64
    } else {
        Poisson::new(lambda).expect("finite lambda > 0").sample(rng) as u64
    }
}

/// The 256-layer ziggurat for the standard exponential (Marsaglia and Tsang
/// 2000, with Doornik's 2005 layout): layer i spans x in [0, `x[i]`) and
/// its top edge is at density `f[i]` = e^-x[i]; every layer, and the base
/// strip with its tail beyond `R`, has the same area V.
#[derive(Debug)]
struct ExpZiggurat {
    x: [f64; 257],
    f: [f64; 257],
}

/// Right edge of the base layer.
const ZIG_EXP_R: f64 = 7.697_117_470_131_05;

static EXP_ZIGGURAT: std::sync::LazyLock<ExpZiggurat> = std::sync::LazyLock::new(|| {
    let r = ZIG_EXP_R;
    // V = r f(r) + integral of f beyond r = (r + 1) e^-r.
    let v = (r + 1.0) * (-r).exp();
    let mut x = [0.0; 257];
    x[0] = v / (-r).exp();
    x[1] = r;
    for i in 1..256 {
        // Equal areas: x[i] (f(x[i+1]) - f(x[i])) = V.
        let next = v / x[i] + (-x[i]).exp();
        x[i + 1] = if i == 255 { 0.0 } else { -next.ln() };
    }
    let mut f = [0.0; 257];
    for (fi, xi) in f.iter_mut().zip(&x) {
        *fi = (-xi).exp();
    }
    ExpZiggurat { x, f }
});

/// A handle on the exponential ziggurat's tables, to take once outside a
/// hot loop.
#[derive(Debug, Clone, Copy)]
pub struct Exp1Sampler(&'static ExpZiggurat);

impl Exp1Sampler {
    /// The sampler (builds the tables on first use).
    pub fn new() -> Self {
        Exp1Sampler(&EXP_ZIGGURAT)
    }

    /// A draw from the standard exponential distribution: exact (up to the
    /// tables' rounding), one 64-bit number in about 99 % of draws.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(self, rng: &mut R) -> f64 {
        let z = self.0;
        loop {
            let bits = rng.next_u64();
            let i = (bits & 0xff) as usize;
            // Uniform on (0, 1) from the 52 bits above the layer index.
            let u =
                f64::from_bits((bits >> 12) | 0x3ff0_0000_0000_0000) - (1.0 - f64::EPSILON / 2.0);
            let x = u * z.x[i];
            if x < z.x[i + 1] {
                return x;
            }
            if let Some(x) = self.slow(rng, i, x, u) {
                return x;
            }
        }
    }

    /// The wedges and the tail: rejection against the density.
    #[cold]
    fn slow<R: Rng + ?Sized>(self, rng: &mut R, i: usize, x: f64, u: f64) -> Option<f64> {
        let z = self.0;
        if i == 0 {
            // The tail beyond R is R plus an exponential (memorylessness).
            return Some(ZIG_EXP_R - u.ln());
        }
        let f = z.f[i + 1] + (z.f[i] - z.f[i + 1]) * open01(rng);
        (f < (-x).exp()).then_some(x)
    }
}

impl Default for Exp1Sampler {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::{Stream, stream_rng};
    use statrs::distribution::{
        Binomial as SBinomial, ChiSquared, ContinuousCDF, Discrete, Poisson as SPoisson,
    };

    /// Pearson's chi-square of observed counts against a PMF, bins with
    /// expected count < 5 pooled into their neighbour; returns (statistic,
    /// degrees of freedom).
    fn chi_square(counts: &[u64], pmf: impl Fn(u64) -> f64, draws: u64) -> (f64, usize) {
        let mut stat = 0.0;
        let mut df = 0usize;
        let (mut obs, mut exp) = (0.0, 0.0);
        let mut tail_p = 1.0;
        for (k, &c) in counts.iter().enumerate() {
            let pk = pmf(k as u64);
            tail_p -= pk;
            obs += c as f64;
            exp += pk * draws as f64;
            if exp >= 5.0 && tail_p * draws as f64 >= 5.0 {
                stat += (obs - exp).powi(2) / exp;
                df += 1;
                obs = 0.0;
                exp = 0.0;
            }
        }
        exp += tail_p.max(0.0) * draws as f64;
        if exp > 0.0 {
            stat += (obs - exp).powi(2) / exp;
            df += 1;
        }
        (stat, df - 1)
    }

    /// Critical value at significance 1e-6: a correct sampler fails one run
    /// in a million, and the seeds are fixed, so the test never flakes.
    fn critical(df: usize) -> f64 {
        ChiSquared::new(df as f64).unwrap().inverse_cdf(1.0 - 1e-6)
    }

    #[test]
    fn binomial_matches_its_pmf_on_every_path() {
        // (n, p) covering inversion and BTPE, each from both sides.
        let cases = [
            (5, 0.3),
            (12, 0.97),
            (40, 0.05),
            (40, 0.9),
            (300, 0.02),
            (500, 0.4),
        ];
        let draws = 200_000u64;
        for (i, &(n, p)) in cases.iter().enumerate() {
            let mut rng = stream_rng(11, i as u64, Stream::Churn);
            let mut counts = vec![0u64; n as usize + 1];
            for _ in 0..draws {
                counts[binomial(&mut rng, n, p) as usize] += 1;
            }
            let exact = SBinomial::new(p, n).unwrap();
            let (stat, df) = chi_square(&counts, |k| exact.pmf(k), draws);
            assert!(
                stat < critical(df),
                "Bin({n}, {p}): chi2 = {stat:.1} on {df} df"
            );
        }
    }

    #[test]
    fn poisson_matches_its_pmf_on_both_paths() {
        let draws = 200_000u64;
        for (i, &lambda) in [0.2, 3.5, 17.0, 29.9, 80.0].iter().enumerate() {
            let mut rng = stream_rng(12, i as u64, Stream::Acquisition);
            let mut counts = vec![0u64; (lambda * 4.0 + 40.0) as usize];
            for _ in 0..draws {
                let k = poisson(&mut rng, lambda) as usize;
                let last = counts.len() - 1;
                counts[k.min(last)] += 1;
            }
            let exact = SPoisson::new(lambda).unwrap();
            let (stat, df) = chi_square(&counts, |k| exact.pmf(k), draws);
            assert!(
                stat < critical(df),
                "Poisson({lambda}): chi2 = {stat:.1} on {df} df"
            );
        }
    }

    #[test]
    fn exponential_ziggurat_matches_its_distribution() {
        // The tables reproduce Marsaglia and Tsang's published edges.
        let z = &*EXP_ZIGGURAT;
        assert!((z.x[0] - 8.697_117_470_131_053).abs() < 1e-12);
        assert!((z.x[2] - 6.941_033_629_377_212).abs() < 1e-12);
        assert!((z.x[255] - 0.063_852_163_815_001_57).abs() < 1e-12);
        // Chi-square on 60 equiprobable bins of Exp(1) plus the tail beyond
        // the base layer (p = 1e-6 critical value), and the mean within 5
        // standard errors.
        let exp1 = Exp1Sampler::new();
        let mut rng = stream_rng(13, 0, Stream::Churn);
        let draws = 1_000_000u64;
        let bins = 60usize;
        let mut counts = vec![0u64; bins + 1];
        let mut sum = 0.0;
        for _ in 0..draws {
            let x = exp1.sample(&mut rng);
            assert!(x > 0.0 && x.is_finite());
            sum += x;
            // Bin b holds F(x) in [b / bins, (b + 1) / bins); the last
            // bin's upper part beyond R gets its own cell.
            let cell = if x > ZIG_EXP_R {
                bins
            } else {
                ((-(-x).exp_m1()) * bins as f64) as usize
            };
            counts[cell.min(bins)] += 1;
        }
        let tail = (-ZIG_EXP_R).exp();
        let mut stat = 0.0;
        for (b, &c) in counts.iter().enumerate() {
            let p = if b == bins {
                tail
            } else if b == bins - 1 {
                1.0 / bins as f64 - tail
            } else {
                1.0 / bins as f64
            };
            let e = p * draws as f64;
            stat += (c as f64 - e).powi(2) / e;
        }
        assert!(stat < critical(bins), "chi2 = {stat:.1} on {bins} df");
        let mean = sum / draws as f64;
        assert!(
            (mean - 1.0).abs() < 5.0 / (draws as f64).sqrt(),
            "mean {mean}"
        );
    }

    #[test]
    fn exp_neg_is_within_a_few_ulp_of_the_c_library() {
        // Every 1/4096 over the range Poisson inversion uses, plus the ends.
        // The bound adds up the roundings: the table entry (1/2 ulp), the
        // polynomial (about 1 ulp), the two products (1 ulp) and the C
        // library's own error (under 1 ulp). Measured: 1.8 ulp.
        let mut worst: f64 = 0.0;
        for i in 0..=(64 * 4096) {
            let x = -(i as f64) / 4096.0;
            let (fast, libm) = (exp_neg(x), x.exp());
            worst = worst.max(((fast - libm) / libm).abs());
        }
        for x in [0.0, -1e-300, -1e-12, -0.5, -700.0] {
            let (fast, libm) = (exp_neg(x), f64::exp(x));
            worst = worst.max(((fast - libm) / libm).abs());
        }
        assert!(
            worst <= 4.0 * f64::EPSILON,
            "worst relative error {worst:e}"
        );
    }

    #[test]
    fn edge_probabilities_are_deterministic() {
        let mut rng = stream_rng(1, 1, Stream::Churn);
        assert_eq!(binomial(&mut rng, 50, 0.0), 0);
        assert_eq!(binomial(&mut rng, 50, 1.0), 50);
        assert_eq!(binomial(&mut rng, 0, 0.5), 0);
        assert_eq!(poisson(&mut rng, 0.0), 0);
    }

    #[test]
    fn inversion_is_monotone_in_p() {
        // Same uniform, larger p: never fewer successes (pairing).
        for seed in 0..200 {
            let a = binomial(&mut stream_rng(seed, 0, Stream::Churn), 60, 0.1);
            let b = binomial(&mut stream_rng(seed, 0, Stream::Churn), 60, 0.2);
            assert!(b >= a);
        }
    }
}
