//! Sealing: encryption at rest of the original personal fields of masked passenger records, so that only a
//! holder of the key (the server, after a second approver allowed re-personalisation) can read them again.
//!
//! XChaCha20-Poly1305 (RustCrypto `chacha20poly1305`) with a 256-bit key and a random 192-bit nonce per value.
//! A sealed value is bound to its record: the organisation and record id are the associated data, so a sealed
//! value copied to another record does not open. Stored form: `IDS1` | key id (8 bytes) | nonce (24 bytes) |
//! ciphertext and tag. The key id (the first 8 bytes of SHA-256 over a label and the key) names the key without
//! revealing it, so a database sealed with one key refuses to run with another.
//!
//! ```
//! use interdict_store::SealingKey;
//!
//! let key = SealingKey::generate();
//! let sealed = key.seal(1, 42, br#"{"name":"Fictional Person"}"#);
//! assert!(!sealed.windows(10).any(|w| w == b"Fictional "));
//! assert_eq!(key.open(1, 42, &sealed).unwrap(), br#"{"name":"Fictional Person"}"#);
//! assert!(key.open(1, 43, &sealed).is_err(), "bound to its record");
//! ```

use std::io::Write as _;
use std::path::Path;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::{StoreError, StoreResult};

const MAGIC: &[u8; 4] = b"IDS1";
const ID_LEN: usize = 8;
const NONCE_LEN: usize = 24;

/// The key that seals masked passenger data. Its `Debug` shows only the key id.
#[derive(Clone)]
pub struct SealingKey {
    bytes: [u8; 32],
    id: [u8; ID_LEN],
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealingKey({})", self.id())
    }
}

fn sealing_error(message: impl Into<String>) -> StoreError {
    StoreError::Sealing(message.into())
}

impl SealingKey {
    fn from_bytes(bytes: [u8; 32]) -> SealingKey {
        let mut h = Sha256::new();
        h.update(b"interdict sealing key id v1");
        h.update(bytes);
        let digest = h.finalize();
        let mut id = [0u8; ID_LEN];
        id.copy_from_slice(&digest[..ID_LEN]);
        SealingKey { bytes, id }
    }

    /// A new random key (from the operating system's generator).
    pub fn generate() -> SealingKey {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&key);
        SealingKey::from_bytes(bytes)
    }

    /// A key written as 64 hex digits (surrounding white space ignored).
    ///
    /// # Errors
    /// [`StoreError::Sealing`] when the text is not 64 hex digits.
    pub fn from_hex(text: &str) -> StoreResult<SealingKey> {
        let raw = hex::decode(text.trim())
            .map_err(|e| sealing_error(format!("sealing key is not hex: {e}")))?;
        let bytes: [u8; 32] = raw.try_into().map_err(|v: Vec<u8>| {
            sealing_error(format!(
                "sealing key must be 32 bytes (64 hex digits), not {}",
                v.len()
            ))
        })?;
        Ok(SealingKey::from_bytes(bytes))
    }

    /// The key as 64 hex digits (what [`SealingKey::from_hex`] reads).
    pub fn to_hex(&self) -> String {
        hex::encode(self.bytes)
    }

    /// The key id: 16 hex digits that name the key without revealing it.
    pub fn id(&self) -> String {
        hex::encode(self.id)
    }

    /// Reads the key from `path` (64 hex digits).
    ///
    /// # Errors
    /// [`StoreError::Sealing`] when the file cannot be read or holds no key.
    pub fn read(path: &Path) -> StoreResult<SealingKey> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            sealing_error(format!("reading the sealing key {}: {e}", path.display()))
        })?;
        SealingKey::from_hex(&text)
            .map_err(|e| sealing_error(format!("sealing key file {}: {e}", path.display())))
    }

    /// Writes the key to a new file at `path`, readable by its owner only (never overwrites a file).
    ///
    /// # Errors
    /// [`StoreError::Sealing`] when the file exists or cannot be written.
    pub fn write_new(&self, path: &Path) -> StoreResult<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let write = || -> std::io::Result<()> {
            let mut f = options.open(path)?;
            writeln!(f, "{}", self.to_hex())?;
            f.sync_all()
        };
        write()
            .map_err(|e| sealing_error(format!("writing the sealing key {}: {e}", path.display())))
    }

    fn aad(org_id: i64, record_id: i64) -> String {
        format!("interdict passenger record {org_id}/{record_id}")
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.bytes).into())
    }

    /// Seals `plaintext` for record `record_id` of organisation `org_id`.
    pub fn seal(&self, org_id: i64, record_id: i64, plaintext: &[u8]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = Self::aad(org_id, record_id);
        // Encryption fails only for inputs beyond the cipher's limit (about 256 GiB).
        let ciphertext = self
            .cipher()
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut out = Vec::with_capacity(MAGIC.len() + ID_LEN + NONCE_LEN + ciphertext.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.id);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    /// The key id a sealed value was sealed with (`None` when `sealed` is not a sealed value).
    pub fn key_id_of(sealed: &[u8]) -> Option<String> {
        (sealed.len() >= MAGIC.len() + ID_LEN && sealed.starts_with(MAGIC))
            .then(|| hex::encode(&sealed[MAGIC.len()..MAGIC.len() + ID_LEN]))
    }

    /// Opens a value sealed for record `record_id` of organisation `org_id`.
    ///
    /// # Errors
    /// [`StoreError::Sealing`] when the value was sealed with another key or for another record, or was altered.
    pub fn open(&self, org_id: i64, record_id: i64, sealed: &[u8]) -> StoreResult<Vec<u8>> {
        let header = MAGIC.len() + ID_LEN + NONCE_LEN;
        let Some(id) = SealingKey::key_id_of(sealed).filter(|_| sealed.len() > header) else {
            return Err(sealing_error(format!(
                "record {record_id}: not a sealed value"
            )));
        };
        if id != self.id() {
            return Err(sealing_error(format!(
                "record {record_id} was sealed with key {id}, but the configured key is {}",
                self.id()
            )));
        }
        let nonce = XNonce::from_slice(&sealed[MAGIC.len() + ID_LEN..header]);
        let aad = Self::aad(org_id, record_id);
        self.cipher()
            .decrypt(
                nonce,
                Payload {
                    msg: &sealed[header..],
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| {
                sealing_error(format!(
                    "record {record_id}: sealed value does not open (altered, or moved from another record)"
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_record() {
        let key = SealingKey::generate();
        let other = SealingKey::generate();
        let sealed = key.seal(3, 7, b"Olga Inventova");
        assert_eq!(SealingKey::key_id_of(&sealed), Some(key.id()));
        assert_eq!(key.open(3, 7, &sealed).unwrap(), b"Olga Inventova");
        let cases: Vec<(&str, StoreResult<Vec<u8>>)> = vec![
            ("other key", other.open(3, 7, &sealed)),
            ("other record", key.open(3, 8, &sealed)),
            ("other organisation", key.open(4, 7, &sealed)),
            ("truncated", key.open(3, 7, &sealed[..sealed.len() - 1])),
            ("header only", key.open(3, 7, &sealed[..36])),
            ("plaintext", key.open(3, 7, b"Olga Inventova")),
        ];
        for (name, got) in cases {
            assert!(
                matches!(got, Err(StoreError::Sealing(_))),
                "{name}: {got:?}"
            );
        }
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(key.open(3, 7, &flipped).is_err(), "altered");
        assert_ne!(
            key.seal(3, 7, b"x"),
            key.seal(3, 7, b"x"),
            "fresh nonce each time"
        );
    }

    #[test]
    fn keys_round_trip_through_hex_and_files() {
        let key = SealingKey::generate();
        assert_eq!(SealingKey::from_hex(&key.to_hex()).unwrap().id(), key.id());
        assert!(SealingKey::from_hex("abcd").is_err());
        assert!(SealingKey::from_hex(&"zz".repeat(32)).is_err());
        assert!(
            !format!("{key:?}").contains(&key.to_hex()),
            "Debug hides the key"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sealing.key");
        key.write_new(&path).unwrap();
        assert_eq!(SealingKey::read(&path).unwrap().id(), key.id());
        assert!(key.write_new(&path).is_err(), "never overwrites a key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "owner only: {mode:o}");
        }
    }
}
