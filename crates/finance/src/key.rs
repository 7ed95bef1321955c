//! Hash-map keys of the monitor's hot path: account and customer ids stored inline (no pointer to follow on a
//! lookup), hashed eight bytes at a time. Keys come from the bank's own data, not from an adversary choosing
//! collisions, and every lookup still compares the whole key, so a collision costs time, never a wrong answer.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

const K: u64 = 0xf135_7aea_2e62_a9c5;

/// FxHash-style hash of `bytes`, eight at a time, continuing from `h`.
#[inline]
pub(crate) fn hash_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ v).wrapping_mul(K).rotate_left(26);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(buf))
            .wrapping_mul(K)
            .rotate_left(26);
    }
    (h ^ bytes.len() as u64).wrapping_mul(K)
}

/// A hasher for keys that hash themselves into one `u64` (it keeps that value).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(self.0, bytes);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type PrehashedMap<K, V> = HashMap<K, V, BuildHasherDefault<PrehashedHasher>>;

const INLINE: usize = 30;

/// An account or customer id: up to 30 bytes inline (IBANs are at most 34 characters; most ids are shorter),
/// longer ones on the heap. A given string always takes the same form, so equality compares forms directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EntityKey {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl EntityKey {
    /// The key of `s`; allocates only for ids longer than 30 bytes.
    #[inline]
    pub(crate) fn new(s: &str) -> EntityKey {
        let b = s.as_bytes();
        if b.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..b.len()].copy_from_slice(b);
            EntityKey::Inline {
                len: b.len() as u8,
                bytes,
            }
        } else {
            EntityKey::Heap(s.into())
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            EntityKey::Inline { len, bytes } => &bytes[..usize::from(*len)],
            EntityKey::Heap(s) => s.as_bytes(),
        }
    }
}

impl Hash for EntityKey {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(hash_bytes(0x243F_6A88_85A3_08D3, self.as_bytes()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_exact_inline_or_not() {
        let long = "FR7630006000011234567890189XYZ12345";
        let table = ["", "C1", "FR7630006000011234567890189", &long[..30], long];
        let mut m: PrehashedMap<EntityKey, usize> = PrehashedMap::default();
        for (i, s) in table.iter().enumerate() {
            m.insert(EntityKey::new(s), i);
            assert_eq!(EntityKey::new(s).as_bytes(), s.as_bytes());
        }
        for (i, s) in table.iter().enumerate() {
            assert_eq!(m.get(&EntityKey::new(s)), Some(&i), "{s}");
        }
        assert!(matches!(EntityKey::new(long), EntityKey::Heap(_)));
        assert!(matches!(
            EntityKey::new(&long[..30]),
            EntityKey::Inline { .. }
        ));
        assert_ne!(hash_bytes(0, b"ab"), hash_bytes(0, b"ab\0"));
    }
}
