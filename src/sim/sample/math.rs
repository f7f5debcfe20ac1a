//! e^x and ln x as fast as the hot loop needs them, within a rounding or
//! two of the C library's: [`fast_exp`] (e^λ for Poisson inversion, the
//! competitor factors) within a few ulp, and [`ln_in_place`] (the logs of
//! survival chances) within 1 ulp, both tested against the C library over
//! their whole range of use. An error of that size moves a probability by
//! about 1e-15 of itself, far below what any draw or report can show.

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
pub(crate) fn fast_exp(x: f64) -> f64 {
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
pub(crate) fn ln_in_place(values: &mut [f64]) {
    let normal = values.iter().fold(true, |ok, x| {
        ok & (f64::MIN_POSITIVE..=f64::MAX).contains(x)
    });
    if normal {
        values.iter_mut().for_each(|x| *x = fdlibm_ln(*x));
    } else {
        values.iter_mut().for_each(|x| *x = x.ln());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::{Stream, open01, stream_rng};

    #[test]
    fn fast_exp_is_within_a_few_ulp_of_the_c_library() {
        // Every 1/4096 over [-64, 64] (Poisson inversion takes e^lambda for
        // lambda < 30, the competitor factors e^x for x <= 0), plus the
        // ends. The bound adds up the roundings: the table entry (1/2 ulp),
        // the polynomial (about 1 ulp), the two products (1 ulp) and the C
        // library's own error (under 1 ulp).
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
}
