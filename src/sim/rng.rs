//! Per-trajectory random streams (docs/model.md, Random streams).
//!
//! Trajectory i of a run with seed s draws from six generators, one per
//! purpose, each a xoshiro256++ whose 256-bit state is four successive
//! outputs of SplitMix64 started at a key mixed from (s, i, purpose). Both
//! algorithms are fixed and portable, so a run reproduces bit for bit on
//! any machine, thread count or chunking.
//!
//! Parts that must stay aligned on their own when a scenario changes draw
//! from SplitMix64 sub-streams keyed from their purpose's stream: each
//! cohort (churn stream), each platform event (platform stream) and rework
//! (rework stream).

use rand::{Rng, SeedableRng, TryRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::convert::Infallible;

/// The generator every stream uses.
pub(crate) type StreamRng = Xoshiro256PlusPlus;

/// Name of the generator, as reported in `summary.json`.
pub(crate) const GENERATOR_NAME: &str =
    "xoshiro256++ per (seed, trajectory, purpose) stream, seeded by SplitMix64";

/// What a stream's numbers are used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum Stream {
    /// One uniform per real-valued parameter, in table order.
    Parameters = 1,
    /// Ban, fee hike and policy shock: one key each, for their own
    /// sub-streams of waiting times.
    Platform = 2,
    /// Competitor entries: the gaps of their Poisson process.
    Competitors = 3,
    /// Renewals of active customers.
    Churn = 4,
    /// New customers.
    Acquisition = 5,
    /// Rework: one key, for the sub-stream of its waiting times.
    Rework = 6,
    /// A portfolio's person: one uniform per real-valued parameter of the
    /// person's model, in table order.
    Person = 7,
}

/// SplitMix64's output function (Steele, Lea and Flood 2014).
#[inline]
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64 (Steele, Lea and Flood 2014), the generator of the
/// sub-streams: the same 64-bit numbers as `rand_xoshiro::SplitMix64`
/// (a test pins that), with a constructor small enough to inline where a
/// sub-stream is keyed for every cohort won.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// The sub-stream keyed by `key`.
    #[inline(always)]
    pub(crate) fn new(key: u64) -> Self {
        SplitMix64 { state: key }
    }
}

impl TryRng for SplitMix64 {
    type Error = Infallible;

    /// The high half of the next 64-bit number (the simulation draws only
    /// 64-bit numbers).
    #[inline(always)]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.next_u64() >> 32) as u32)
    }

    #[inline(always)]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.state = self.state.wrapping_add(GOLDEN);
        Ok(mix64(self.state))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// The generator of one stream of one trajectory. Inlined, so the key's
/// first two mixing rounds, shared by a trajectory's streams, are computed
/// once where they are set up together.
#[inline]
pub(crate) fn stream_rng(seed: u64, trajectory: u64, stream: Stream) -> StreamRng {
    purpose_rng(seed, trajectory, stream as u64)
}

/// The generator of one trajectory for any 64-bit purpose key, seeded as
/// [`stream_rng`] seeds its streams (whose keys are the [`Stream`] values):
/// for generators outside the simulation's six purposes, such as the
/// reference simulator's ([`crate::sim::reference`]).
#[inline]
pub(crate) fn purpose_rng(seed: u64, trajectory: u64, purpose: u64) -> StreamRng {
    let mut key = mix64(mix64(mix64(seed ^ GOLDEN) ^ trajectory) ^ purpose.wrapping_mul(GOLDEN));
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_exact_mut(8) {
        key = key.wrapping_add(GOLDEN);
        chunk.copy_from_slice(&mix64(key).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(bytes)
}

/// The largest double below 1.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

/// A uniform in the open interval (0, 1): 53 random bits, centred. The top
/// one, (2^53 - 1/2) / 2^53, is not a double and would round to 1; it is
/// taken down to the double below 1 instead, leaving every other value as
/// it was.
#[inline]
pub(crate) fn open01<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)).min(BELOW_ONE)
}

/// A generator that always returns the same 64 bits, for tests that need
/// the extreme uniforms.
#[cfg(test)]
pub(crate) struct ConstantRng(pub u64);

#[cfg(test)]
impl TryRng for ConstantRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.0 >> 32) as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            chunk.copy_from_slice(&self.0.to_le_bytes()[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_fixed_and_distinct() {
        let mut a = stream_rng(7, 0, Stream::Churn);
        let mut b = stream_rng(7, 0, Stream::Churn);
        let mut c = stream_rng(7, 1, Stream::Churn);
        let mut d = stream_rng(7, 0, Stream::Acquisition);
        let x = a.next_u64();
        assert_eq!(x, b.next_u64());
        assert_ne!(x, c.next_u64());
        assert_ne!(x, d.next_u64());
        // Pinned value: changing the seeding scheme changes every result.
        assert_eq!(stream_rng(0, 0, Stream::Parameters).next_u64(), PINNED);
    }

    const PINNED: u64 = 2_056_389_765_131_207_747;

    #[test]
    fn sub_streams_are_splitmix64() {
        for key in [0, 1, 0x9e37_79b9_7f4a_7c15, u64::MAX] {
            let mut ours = SplitMix64::new(key);
            let mut theirs = rand_xoshiro::SplitMix64::seed_from_u64(key);
            for _ in 0..100 {
                assert_eq!(ours.next_u64(), theirs.next_u64());
            }
        }
        let mut bytes = [0u8; 12];
        SplitMix64::new(5).fill_bytes(&mut bytes);
        let mut first = SplitMix64::new(5);
        let (a, b) = (first.next_u64(), first.next_u64());
        assert_eq!(bytes[..8], a.to_le_bytes());
        assert_eq!(bytes[8..], b.to_le_bytes()[..4]);
    }

    #[test]
    fn open01_never_hits_the_ends() {
        let mut r = stream_rng(1, 2, Stream::Platform);
        for _ in 0..10_000 {
            let u = open01(&mut r);
            assert!(u > 0.0 && u < 1.0);
        }
        // The extreme words, where rounding could reach an end.
        assert_eq!(open01(&mut ConstantRng(0)), 2f64.powi(-54));
        assert_eq!(open01(&mut ConstantRng(u64::MAX)), BELOW_ONE);
        assert_eq!(BELOW_ONE.to_bits() + 1, 1f64.to_bits());
    }
}
