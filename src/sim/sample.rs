//! Exact samplers for the small counts that dominate the model.
//!
//! Most cohorts hold a handful of customers and most monthly means are
//! small, so the general-purpose algorithms of `rand_distr` (BTPE, PTRS),
//! with their setup cost per call, are kept for large counts only; small
//! ones are drawn by inversion of the exact CDF, one uniform per draw, with
//! the logarithm the hot loop already knows. Inversion also keeps paired
//! scenarios (common random numbers) tightly coupled: a higher churn chance
//! never yields more survivors from the same uniform.
//!
//! Events that are rare month by month are drawn by their waiting times
//! instead, so a quiet month costs a comparison and no random number:
//! [`MonthlyEvent`] (platform events, geometric waits) and
//! [`PoissonArrivals`] (competitor entry, exponential gaps). Both pair the
//! same way: a higher rate brings the same events sooner.
//!
//! The exponential draws come from [`Exp1Sampler`], a ziggurat, and e^x
//! (Poisson's e^λ, the competitor factors) from [`fast_exp`].

use super::rng::{SplitMix64, open01};
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

/// 2^(j/64) for j = 0..64, for [`fast_exp`].
static EXP2_FRACTIONS: std::sync::LazyLock<[f64; 64]> = std::sync::LazyLock::new(|| {
    let mut t = [0.0; 64];
    for (j, v) in t.iter_mut().enumerate() {
        *v = (j as f64 / 64.0).exp2();
    }
    t
});

/// e^x for -700 <= x <= 700, within a few ulp: x = (64 k + j) ln 2 / 64 + r
/// with |r| <= ln 2 / 128, so e^x = 2^k 2^(j/64) e^r, with e^r from its
/// Taylor polynomial of degree 5 (remainder below 4e-17), evaluated in
/// Estrin's scheme (three levels of products instead of Horner's five, so
/// a Poisson draw waits less for it). About a third of the instructions of
/// the C library's `exp`, which Poisson inversion calls for every draw.
#[inline]
pub fn fast_exp(x: f64) -> f64 {
    debug_assert!((-700.0..=700.0).contains(&x), "fast_exp({x})");
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
    let r2 = r * r;
    let low = 1.0 + r;
    let mid = 0.5 + r * (1.0 / 6.0);
    let high = 1.0 / 24.0 + r * (1.0 / 120.0);
    let p = low + r2 * (mid + r2 * high);
    let scale = f64::from_bits(((k + 1023) as u64) << 52);
    EXP2_FRACTIONS[j] * p * scale
}

/// ln x for a normal, finite x > 0 (at least `f64::MIN_POSITIVE`), within
/// 1 ulp: fdlibm's `__ieee754_log` (Sun Microsystems, 1993, as FreeBSD and
/// musl carry it), without its special cases. x = 2^k m with m in
/// [sqrt(2)/2, sqrt(2)), f = m - 1 and s = f / (2 + f); then ln m = f -
/// f^2/2 + s (f^2/2 + R(s^2)), R a minimax polynomial of degree 14 in s.
///
/// No branch and no table, so a loop of them vectorises; [`ln_in_place`]
/// takes the C library's `ln` for the values outside its domain.
#[inline(always)]
fn fdlibm_ln(x: f64) -> f64 {
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const LG: [f64; 7] = [
        f64::from_bits(0x3fe5_5555_5555_5593),
        f64::from_bits(0x3fd9_9999_9997_fa04),
        f64::from_bits(0x3fd2_4924_9422_9359),
        f64::from_bits(0x3fcc_71c5_1d8e_78af),
        f64::from_bits(0x3fc7_4664_96cb_03de),
        f64::from_bits(0x3fc3_9a09_d078_c69f),
        f64::from_bits(0x3fc2_f112_df3e_5244),
    ];
    // Moves the mantissas from sqrt(2)/2 (high word 0x3fe6a09e) up to
    // sqrt(2) into the exponent k of the next power of two.
    const SHIFT: u64 = (0x3ff0_0000 - 0x3fe6_a09e) << 32;
    let bits = x.to_bits() + SHIFT;
    // k as a double without an integer conversion: the biased exponent in
    // the low bits of 2^52 (exact).
    const TWO52: u64 = 0x4330_0000_0000_0000;
    let dk = f64::from_bits(TWO52 | (bits >> 52)) - (f64::from_bits(TWO52) + 1023.0);
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) + (0x3fe6_a09e << 32));
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let r = t2 + t1;
    s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI
}

/// Replaces every value by its natural log, within 1 ulp. Values all
/// normal and finite (the usual case: survival chances) go through
/// fdlibm's log (`fdlibm_ln`) in a loop the compiler vectorises, a few
/// times cheaper than calling the C library's `ln` one by one; otherwise
/// (a zero, a subnormal, an infinity or a NaN anywhere) every value takes
/// `ln`.
pub fn ln_in_place(values: &mut [f64]) {
    let normal = values.iter().fold(true, |ok, x| {
        ok & (f64::MIN_POSITIVE..=f64::MAX).contains(x)
    });
    if normal {
        values.iter_mut().for_each(|x| *x = fdlibm_ln(*x));
    } else {
        values.iter_mut().for_each(|x| *x = x.ln());
    }
}

/// 1 / (m (m - 1) (m - 2) (m - 3)) for m = 4..128 (0 below): the ratio of
/// Poisson terms four apart, over lambda^4.
const INV_FALLING4: [f64; 128] = {
    let mut t = [0.0; 128];
    let mut m = 4;
    while m < 128 {
        let f = m as f64;
        t[m] = 1.0 / (f * (f - 1.0) * (f - 2.0) * (f - 3.0));
        m += 1;
    }
    t
};

/// A draw from Poisson(lambda), lambda finite and >= 0.
///
/// Means below 30 by inversion: the smallest k with u <= P(X <= k) for a
/// uniform u, which pairs a larger mean with no fewer arrivals. The search
/// compares u e^lambda with the partial sums of lambda^j / j!, four terms
/// at a time: terms four apart differ by the factor lambda^4 / (j (j - 1)
/// (j - 2) (j - 3)), so the terms run on four independent chains and a
/// block's sums wait on the previous block's by one addition; the
/// comparisons within a block are added up without branches. A step of
/// the search so costs about a quarter of the latency of a product and a
/// sum in a row.
#[inline]
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda < POISSON_INVERSION_MAX {
        let v = open01(rng) * fast_exp(lambda);
        let l2 = lambda * lambda;
        let l4 = l2 * l2;
        let mut q = [1.0, lambda, l2 * 0.5, l2 * lambda * (1.0 / 6.0)];
        let s1 = 1.0 + lambda;
        let s2 = s1 + q[2];
        let mut s = s2 + q[3];
        if v <= s {
            return (v > 1.0) as u64 + (v > s1) as u64 + (v > s2) as u64;
        }
        let mut k = 4;
        while k + 4 <= INV_FALLING4.len() {
            for (j, q) in q.iter_mut().enumerate() {
                *q *= l4 * INV_FALLING4[k + j];
            }
            let t2 = q[0] + q[1];
            let t3 = t2 + q[2];
            let end = s + (t3 + q[3]);
            if v <= end {
                let within =
                    (v > s + q[0]) as usize + (v > s + t2) as usize + (v > s + t3) as usize;
                return (k + within) as u64;
            }
            s = end;
            k += 4;
        }
        // Beyond the table (means below 30 all but never get here): one
        // term at a time, until the terms no longer change the sum.
        let mut term = q[3];
        loop {
            term *= lambda / k as f64;
            let next = s + term;
            if v <= next || next == s {
                return k as u64;
            }
            s = next;
            k += 1;
        }
    } else {
        Poisson::new(lambda).expect("finite lambda > 0").sample(rng) as u64
    }
}

/// Monthly means up to this are counted on a [`PoissonArrivals`] clock;
/// larger ones, where a draw by inversion is cheaper than an exponential per
/// arrival, are drawn directly.
const ARRIVALS_CLOCK_MAX: f64 = 8.0;

/// Month-by-month counts of a Poisson process whose monthly means are mostly
/// small (new competitors: a fraction of one a month).
///
/// The process runs on a clock of expected arrivals: the gaps between
/// arrivals are independent standard exponentials, and a month of mean λ
/// moves the clock on by λ. Its count, the arrivals within those λ units,
/// is Poisson(λ) and independent of every other month's (the independent
/// increments of a unit-rate Poisson process). So a month costs one
/// comparison, and only an arrival costs a draw, where inversion spends an
/// exponential function and a uniform on every month. A larger mean also
/// pairs well: the same arrivals, only sooner.
///
/// A month with a mean above 8 (`ARRIVALS_CLOCK_MAX`) is drawn by
/// [`poisson`] instead and leaves the clock where it was; the time to the
/// next arrival is still a standard exponential independent of everything
/// drawn so far (memorylessness), so the months after it stay exact. Such
/// a month pairs by inversion instead: two scenarios whose means fall on
/// either side of the limit in the same month are paired less tightly
/// there, though still exactly distributed (the library's stock-image and
/// GPT-store scenarios draw entry rates of 2 to 10 and 2 to 20 a month).
#[derive(Debug, Clone, Copy)]
pub struct PoissonArrivals {
    /// Clock units until the next arrival.
    next: f64,
    exp1: Exp1Sampler,
}

impl PoissonArrivals {
    /// A process whose first arrival is drawn from `rng`.
    pub fn new<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let exp1 = Exp1Sampler::new();
        PoissonArrivals {
            next: exp1.sample(rng),
            exp1,
        }
    }

    /// The arrivals in the next month, of mean `lambda` (finite, >= 0).
    #[inline]
    pub fn count<R: Rng + ?Sized>(&mut self, rng: &mut R, lambda: f64) -> u64 {
        if lambda > ARRIVALS_CLOCK_MAX {
            return poisson(rng, lambda);
        }
        let mut left = lambda;
        let mut n = 0;
        while self.next <= left {
            left -= self.next;
            n += 1;
            self.next = self.exp1.sample(rng);
        }
        self.next -= left;
        n
    }
}

/// A monthly event of fixed chance p, independently every month (a ban, a
/// fee hike, a policy shock), drawn by its waiting times rather than month
/// by month.
///
/// The wait from one event to the next (or from the start to the first) is
/// Geometric(p): 1 + floor(ln U / ln(1 - p)) months for a uniform U, since
/// P(wait > k) = P(U <= (1 - p)^k) = (1 - p)^k. So a month costs a
/// comparison and only an event costs a draw, where drawing month by month
/// spends a uniform on every month for events that mostly never happen.
/// Each event has its own SplitMix64 sub-stream, so changing one event's
/// chance never moves another's months, and from the same U a larger p
/// never gives a longer wait (pairing).
#[derive(Debug, Clone)]
pub struct MonthlyEvent {
    /// The month (1-based) of the next event; `u64::MAX` for never.
    next: u64,
    /// ln(1 - p): 0 for p = 0, -inf for p = 1.
    ln_miss: f64,
    rng: SplitMix64,
}

impl MonthlyEvent {
    /// An event of chance `p` (0 <= p <= 1) a month, from the sub-stream
    /// keyed by `key`.
    pub fn new(p: f64, key: u64) -> Self {
        let mut event = MonthlyEvent {
            next: 0,
            ln_miss: if p > 0.0 { (-p.min(1.0)).ln_1p() } else { 0.0 },
            rng: SplitMix64::new(key),
        };
        event.next = event.wait();
        event
    }

    /// Months to the next event (at least 1; saturates for never).
    fn wait(&mut self) -> u64 {
        if self.ln_miss == 0.0 {
            return u64::MAX;
        }
        // ln U <= 0 over ln(1 - p) < 0: at least 0 (+0 for p = 1); the
        // conversion saturates for waits beyond any horizon.
        let whole = (open01(&mut self.rng).ln() / self.ln_miss).floor();
        (whole as u64).saturating_add(1)
    }

    /// Whether the event happens in month `t`. Ask about the months in
    /// order (a run may stop asking, once the hustle has ended).
    #[inline]
    pub fn happens(&mut self, t: u64) -> bool {
        if t < self.next {
            return false;
        }
        self.next = self.next.saturating_add(self.wait());
        true
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
            if let Some(x) = self.slow(rng, i, x) {
                return x;
            }
        }
    }

    /// The wedges and the tail: rejection against the density.
    #[cold]
    fn slow<R: Rng + ?Sized>(self, rng: &mut R, i: usize, x: f64) -> Option<f64> {
        let z = self.0;
        if i == 0 {
            // The tail beyond R is R plus an exponential (memorylessness),
            // drawn from a fresh uniform: `u` is already known to lie in
            // [R / x[0], 1), so -ln u would cover only (0, 0.12].
            return Some(ZIG_EXP_R - open01(rng).ln());
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
    use crate::sim::rng::{ConstantRng, Stream, stream_rng};
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
    fn arrivals_are_independent_poisson_counts_month_by_month() {
        // Means around a year of competitor entry, on both sides of the
        // clock's limit (12 is drawn by inversion, between clock months).
        let lambdas = [0.15, 0.0, 2.3, 0.4, 7.9, 12.0, 0.6, 1e-3, 5.0];
        let total: f64 = lambdas.iter().sum();
        let runs = 100_000u64;
        let mut counts = vec![vec![0u64; 40]; lambdas.len()];
        let mut sums = vec![0u64; 120];
        // Adjacent months' counts: their sample covariance against 0.
        let (mut cov_sum, mut cov_sq) =
            (vec![0.0; lambdas.len() - 1], vec![0.0; lambdas.len() - 1]);
        for r in 0..runs {
            let mut rng = stream_rng(13, r, Stream::Competitors);
            let mut arrivals = PoissonArrivals::new(&mut rng);
            let n: Vec<u64> = lambdas
                .iter()
                .map(|&l| arrivals.count(&mut rng, l))
                .collect();
            for (t, &k) in n.iter().enumerate() {
                counts[t][(k as usize).min(39)] += 1;
            }
            sums[(n.iter().sum::<u64>() as usize).min(119)] += 1;
            for t in 0..lambdas.len() - 1 {
                let x = (n[t] as f64 - lambdas[t]) * (n[t + 1] as f64 - lambdas[t + 1]);
                cov_sum[t] += x;
                cov_sq[t] += x * x;
            }
        }
        // Each month's count is Poisson(lambda): chi-square at p = 1e-6.
        for (t, &lambda) in lambdas.iter().enumerate() {
            if lambda == 0.0 {
                assert_eq!(counts[t][0], runs, "a month of mean 0 has arrivals");
                continue;
            }
            let exact = SPoisson::new(lambda).unwrap();
            let (stat, df) = chi_square(&counts[t], |k| exact.pmf(k), runs);
            assert!(
                stat < critical(df),
                "month {t}, Poisson({lambda}): chi2 = {stat:.1} on {df} df"
            );
        }
        // The year's total is Poisson(sum of the means), as independent
        // Poisson months add up to.
        let exact = SPoisson::new(total).unwrap();
        let (stat, df) = chi_square(&sums, |k| exact.pmf(k), runs);
        assert!(
            stat < critical(df),
            "total, Poisson({total}): chi2 = {stat:.1} on {df} df"
        );
        // Neighbouring months are uncorrelated: each covariance within 5
        // standard errors of 0 (|z| > 5 has chance 6e-7 per pair). Beside
        // the month of mean 0 every product is exactly 0, and so is its
        // standard error.
        for t in 0..lambdas.len() - 1 {
            let mean = cov_sum[t] / runs as f64;
            let se = ((cov_sq[t] / runs as f64 - mean * mean) / runs as f64).sqrt();
            assert!(
                mean.abs() <= 5.0 * se,
                "months {t}, {}: covariance {mean} (se {se})",
                t + 1
            );
        }
    }

    #[test]
    fn arrivals_pair_a_higher_mean_with_no_fewer_arrivals() {
        // Same clock, larger means (all on the clock): the same arrivals,
        // sooner, so never fewer in total by any month.
        for seed in 0..500 {
            let mut low = PoissonArrivals::new(&mut stream_rng(seed, 0, Stream::Competitors));
            let mut high = low;
            let (mut rl, mut rh) = (
                stream_rng(seed, 1, Stream::Competitors),
                stream_rng(seed, 1, Stream::Competitors),
            );
            let (mut a, mut b) = (0, 0);
            for t in 0..24 {
                let lambda = 0.1 + 0.05 * t as f64;
                a += low.count(&mut rl, lambda);
                b += high.count(&mut rh, 1.5 * lambda);
                assert!(b >= a, "seed {seed}, month {t}: {b} < {a}");
            }
        }
    }

    #[test]
    fn monthly_events_are_independent_bernoulli_months() {
        // Event months must be iid Bernoulli(p) over a horizon: each
        // month's frequency and each pair of neighbouring months' joint
        // frequency within 5 standard errors of p and p^2 (|z| > 5 has
        // chance 6e-7), and the number of events in 24 months
        // Binomial(24, p) by chi-square at p = 1e-6.
        let runs = 200_000u64;
        for (case, &p) in [0.3, 0.02, 0.002].iter().enumerate() {
            let mut months = [0u64; 24];
            let mut pairs = [0u64; 23];
            let mut totals = vec![0u64; 25];
            for r in 0..runs {
                let mut event = MonthlyEvent::new(
                    p,
                    stream_rng(14, r, Stream::Platform).next_u64() ^ case as u64,
                );
                let hit: Vec<bool> = (1..=24).map(|t| event.happens(t)).collect();
                for (m, &h) in months.iter_mut().zip(&hit) {
                    *m += h as u64;
                }
                for (pair, h) in pairs.iter_mut().zip(hit.windows(2)) {
                    *pair += (h[0] && h[1]) as u64;
                }
                totals[hit.iter().filter(|&&h| h).count()] += 1;
            }
            let within = |count: u64, q: f64, what: &str| {
                let se = (q * (1.0 - q) / runs as f64).sqrt();
                let f = count as f64 / runs as f64;
                assert!(
                    (f - q).abs() <= 5.0 * se,
                    "p = {p}, {what}: {f} against {q} (se {se})"
                );
            };
            for (t, &m) in months.iter().enumerate() {
                within(m, p, &format!("month {}", t + 1));
            }
            for (t, &pair) in pairs.iter().enumerate() {
                within(pair, p * p, &format!("months {} and {}", t + 1, t + 2));
            }
            let exact = SBinomial::new(p, 24).unwrap();
            let (stat, df) = chi_square(&totals, |k| exact.pmf(k), runs);
            assert!(stat < critical(df), "p = {p}: chi2 = {stat:.1} on {df} df");
        }
    }

    #[test]
    fn monthly_events_at_the_edges_and_paired() {
        let mut never = MonthlyEvent::new(0.0, 1);
        let mut always = MonthlyEvent::new(1.0, 2);
        for t in 1..=1000 {
            assert!(!never.happens(t));
            assert!(always.happens(t));
        }
        // Same sub-stream, larger chance: the first event never later.
        for key in 0..1000 {
            let first = |p: f64| {
                let mut e = MonthlyEvent::new(p, key);
                (1..=10_000).find(|&t| e.happens(t)).unwrap_or(u64::MAX)
            };
            assert!(first(0.05) <= first(0.01), "key {key}");
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
    fn exponential_tail_beyond_the_base_layer_is_r_plus_an_exponential() {
        // Regression: the tail reused the base layer's uniform, which is
        // already restricted to [R / x[0], 1), so every draw beyond R fell
        // in (R, R + 0.122]. Past R the excess must be Exp(1) again.
        // 20 million draws give about 9,000 beyond R; their excess is
        // checked by Kolmogorov-Smirnov at significance 1e-6 (critical
        // value sqrt(ln(2 / 1e-6) / (2 n))), and their number against the
        // binomial within 5 standard errors.
        let exp1 = Exp1Sampler::new();
        let mut rng = stream_rng(29, 3, Stream::Competitors);
        let draws = 20_000_000u64;
        let mut excess: Vec<f64> = (0..draws)
            .map(|_| exp1.sample(&mut rng))
            .filter(|&x| x > ZIG_EXP_R)
            .map(|x| x - ZIG_EXP_R)
            .collect();
        let p = (-ZIG_EXP_R).exp();
        let expected = p * draws as f64;
        let se = (expected * (1.0 - p)).sqrt();
        assert!(
            (excess.len() as f64 - expected).abs() < 5.0 * se,
            "{} draws beyond R, expected {expected:.0}",
            excess.len()
        );
        excess.sort_by(f64::total_cmp);
        let n = excess.len() as f64;
        let d = excess
            .iter()
            .enumerate()
            .map(|(j, &x)| {
                let f = -(-x).exp_m1();
                (f - j as f64 / n).max((j + 1) as f64 / n - f)
            })
            .fold(0.0, f64::max);
        let critical = ((2.0f64 / 1e-6).ln() / (2.0 * n)).sqrt();
        assert!(d < critical, "KS D = {d:.4} >= {critical:.4} on {n} draws");
        // Far tail: P(X > R + 3) = e^-(R + 3), about 450 of them.
        let far = excess.iter().filter(|&&e| e > 3.0).count();
        assert!(far > 0, "no draw beyond R + 3");
    }

    #[test]
    fn fast_exp_is_within_a_few_ulp_of_the_c_library() {
        // Every 1/4096 over [-64, 64] (Poisson inversion takes e^lambda for
        // lambda < 30, the competitor factors e^x for x <= 0), plus the
        // ends. The bound adds up the roundings: the table entry (1/2 ulp),
        // the polynomial (about 1 ulp), the two products (1 ulp) and the C
        // library's own error (under 1 ulp). Measured: 1.96 f64::EPSILON
        // relative (Estrin's scheme over [-64, 64]; Horner's over [-64, 0]
        // was 1.8).
        let mut worst: f64 = 0.0;
        for i in -(64 * 4096)..=(64 * 4096) {
            let x = i as f64 / 4096.0;
            let (fast, libm) = (fast_exp(x), x.exp());
            worst = worst.max(((fast - libm) / libm).abs());
        }
        for x in [
            0.0, -1e-300, 1e-300, -1e-12, 1e-12, -0.5, 29.999, -700.0, 700.0,
        ] {
            let (fast, libm) = (fast_exp(x), f64::exp(x));
            worst = worst.max(((fast - libm) / libm).abs());
        }
        assert!(
            worst <= 4.0 * f64::EPSILON,
            "worst relative error {worst:e}"
        );
    }

    #[test]
    fn ln_in_place_is_within_an_ulp_of_the_c_library() {
        // Survival chances span (0, 1]; the test also covers the rest of
        // the normal range. fdlibm's bound is 1 ulp, the C library's below
        // 1 ulp: the two differ by at most 2 ulp, measured relative to
        // the C library's result (measured: 1.0).
        let ulps =
            |a: f64, b: f64| ((a - b) / (b.abs() * f64::EPSILON).max(f64::MIN_POSITIVE)).abs();
        let mut rng = stream_rng(3, 0, Stream::Churn);
        let mut xs: Vec<f64> = (0..200_000)
            .map(|i| {
                let u = open01(&mut rng);
                // Half in (0, 1], half over every binary exponent.
                if i % 2 == 0 {
                    u
                } else {
                    2f64.powf(-1021.0 + 2044.0 * u)
                }
            })
            .collect();
        xs.extend([
            1.0,
            0.5,
            2.0,
            std::f64::consts::SQRT_2,
            std::f64::consts::FRAC_1_SQRT_2,
            1.0 - f64::EPSILON / 2.0,
            1.0 + f64::EPSILON,
            f64::MIN_POSITIVE,
            f64::MAX,
        ]);
        let mut fast = xs.clone();
        ln_in_place(&mut fast);
        let worst = xs
            .iter()
            .zip(&fast)
            .map(|(x, y)| {
                if x.ln() == 0.0 {
                    y.abs() / f64::EPSILON
                } else {
                    ulps(*y, x.ln())
                }
            })
            .fold(0.0, f64::max);
        assert!(worst <= 2.0, "worst error {worst} ulp");
        let mut one = [1.0, 0.5];
        ln_in_place(&mut one);
        assert_eq!(one[0], 0.0, "ln 1");
        // Outside fdlibm_ln's domain the whole slice takes the C library's.
        let mut edge = [0.25, 0.0, 1e-310, f64::INFINITY];
        ln_in_place(&mut edge);
        assert_eq!(edge[..3], [0.25f64.ln(), f64::NEG_INFINITY, 1e-310f64.ln()]);
        assert_eq!(edge[3], f64::INFINITY);
    }

    #[test]
    fn poisson_inversion_ends_well_at_both_ends_of_the_unit_interval() {
        // The smallest uniform open01 gives (2^-54): k = 0, since P(0) =
        // e^-lambda is far above it for every lambda < 30. The largest
        // (1 - 2^-53): the search runs through every block it needs and
        // must stop in the far upper tail (its exact spot there is down to
        // rounding, at a chance of 2^-53), inside the four-term table.
        let pmf = |lambda: f64, j: u64| {
            (-lambda + j as f64 * lambda.ln() - statrs::function::gamma::ln_gamma(j as f64 + 1.0))
                .exp()
        };
        for lambda in [1e-300, 0.2, 3.0, 3.99, 7.5, 17.0, 29.99] {
            assert_eq!(poisson(&mut ConstantRng(0), lambda), 0, "lambda {lambda}");
            let k = poisson(&mut ConstantRng(u64::MAX), lambda);
            let tail: f64 = (k + 1..k + 400).map(|j| pmf(lambda, j)).sum();
            assert!(
                tail <= 1e-12 && k < 128,
                "lambda {lambda}: k = {k}, tail {tail:e}"
            );
        }
    }

    #[test]
    fn poisson_inversion_is_monotone_in_lambda() {
        // Same uniform, larger mean: never fewer (pairing), across the
        // first block, the block boundaries and the switch at 30.
        for seed in 0..2000 {
            let mut last = 0;
            for step in 1..=350 {
                let lambda = step as f64 * 0.1;
                let k = poisson(&mut stream_rng(seed, 0, Stream::Acquisition), lambda);
                if lambda < POISSON_INVERSION_MAX {
                    assert!(k >= last, "seed {seed}, lambda {lambda}: {k} < {last}");
                }
                last = k;
            }
        }
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
