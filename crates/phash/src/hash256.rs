//! [`PdqHash`]: a 256-bit perceptual hash, its hex form and Hamming distance.

use crate::error::PhashError;
use std::fmt;
use std::str::FromStr;

/// A 256-bit PDQ hash.
///
/// Bit `k` (0..256) is bit `k % 64` of `limbs[k / 64]`; in the reference implementation it is bit `k % 16` of
/// the 16-bit word `k / 16`. The hex form follows the reference: 16-bit words from the most significant (word 15)
/// to the least significant (word 0), which is the same as printing the 256-bit number big-endian.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct PdqHash {
    /// Bits 0..64 in `limbs[0]`, 64..128 in `limbs[1]` and so on.
    pub limbs: [u64; 4],
}

impl PdqHash {
    /// The all-zero hash (what the reference returns for images too small to hash).
    pub const ZERO: PdqHash = PdqHash { limbs: [0; 4] };

    /// Builds a hash from its four 64-bit limbs (bits 0..64 first).
    pub const fn from_limbs(limbs: [u64; 4]) -> Self {
        PdqHash { limbs }
    }

    /// Sets bit `k` (0..256).
    pub fn set_bit(&mut self, k: usize) {
        self.limbs[k / 64] |= 1u64 << (k % 64);
    }

    /// Whether bit `k` (0..256) is set.
    pub fn bit(&self, k: usize) -> bool {
        self.limbs[k / 64] >> (k % 64) & 1 == 1
    }

    /// Number of differing bits.
    #[inline(always)]
    pub fn distance(&self, other: &PdqHash) -> u32 {
        (self.limbs[0] ^ other.limbs[0]).count_ones()
            + (self.limbs[1] ^ other.limbs[1]).count_ones()
            + (self.limbs[2] ^ other.limbs[2]).count_ones()
            + (self.limbs[3] ^ other.limbs[3]).count_ones()
    }

    /// Number of set bits.
    pub fn count_ones(&self) -> u32 {
        self.limbs.iter().map(|l| l.count_ones()).sum()
    }

    /// The 64-character lower-case hex form (reference convention).
    pub fn to_hex(&self) -> String {
        format!("{self}")
    }

    /// Parses 64 hex digits (upper or lower case).
    ///
    /// # Errors
    /// [`PhashError::BadHash`] when the text is not exactly 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, PhashError> {
        let bad = |reason: &str| PhashError::BadHash {
            text: text.chars().take(80).collect(),
            reason: reason.into(),
        };
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Err(bad("expected 64 hex digits"));
        }
        let mut limbs = [0u64; 4];
        for (n, chunk) in bytes.chunks(16).enumerate() {
            let mut v = 0u64;
            for &c in chunk {
                let d = match c {
                    b'0'..=b'9' => c - b'0',
                    b'a'..=b'f' => c - b'a' + 10,
                    b'A'..=b'F' => c - b'A' + 10,
                    _ => return Err(bad("not a hex digit")),
                };
                v = (v << 4) | u64::from(d);
            }
            limbs[3 - n] = v;
        }
        Ok(PdqHash { limbs })
    }

    /// The 32 bytes, most significant first (the hex form decoded).
    pub fn to_be_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for n in 0..4 {
            out[n * 8..n * 8 + 8].copy_from_slice(&self.limbs[3 - n].to_be_bytes());
        }
        out
    }
}

impl fmt::Display for PdqHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:016x}{:016x}{:016x}{:016x}",
            self.limbs[3], self.limbs[2], self.limbs[1], self.limbs[0]
        )
    }
}

impl fmt::Debug for PdqHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PdqHash({self})")
    }
}

impl FromStr for PdqHash {
    type Err = PhashError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PdqHash::from_hex(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_bit_positions_follow_the_reference_words() {
        let cases: &[(&[usize], &str)] = &[
            (
                &[],
                "0000000000000000000000000000000000000000000000000000000000000000",
            ),
            (
                &[0],
                "0000000000000000000000000000000000000000000000000000000000000001",
            ),
            (
                &[15],
                "0000000000000000000000000000000000000000000000000000000000008000",
            ),
            (
                &[16],
                "0000000000000000000000000000000000000000000000000000000000010000",
            ),
            (
                &[255],
                "8000000000000000000000000000000000000000000000000000000000000000",
            ),
            (
                &[240, 3],
                "0001000000000000000000000000000000000000000000000000000000000008",
            ),
        ];
        for (bits, hex) in cases {
            let mut h = PdqHash::ZERO;
            for &b in bits.iter() {
                h.set_bit(b);
            }
            assert_eq!(h.to_hex(), *hex);
            assert_eq!(PdqHash::from_hex(hex).unwrap(), h);
            assert_eq!(PdqHash::from_hex(&hex.to_uppercase()).unwrap(), h);
        }
    }

    #[test]
    fn bad_hex_is_an_error_not_a_panic() {
        for text in [
            "",
            "abc",
            &"g".repeat(64),
            &"0".repeat(63),
            &"0".repeat(65),
            &"é".repeat(32),
        ] {
            assert!(PdqHash::from_hex(text).is_err(), "{text}");
        }
    }

    #[test]
    fn distance_counts_differing_bits() {
        let a = PdqHash::from_limbs([0, 0, 0, 0]);
        let b = PdqHash::from_limbs([1, 3, 7, u64::MAX]);
        assert_eq!(a.distance(&b), 1 + 2 + 3 + 64);
        assert_eq!(b.distance(&b), 0);
    }
}
