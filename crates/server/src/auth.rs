//! Authentication and authorisation: API keys (`idk_<key id>_<secret>`, the secret stored only as an argon2
//! hash), the [`Principal`] extractor every protected route takes, role checks and the stated purpose.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use interdict_store::{ApiKeyRecord, Role, Store, User};
use sha2::{Digest, Sha256};

use crate::{ApiError, AppState};

const KEY_PREFIX: &str = "idk_";
/// How long a verified key is trusted without re-reading the store (revocation through the API is immediate).
const CACHE_TTL: Duration = Duration::from_secs(60);

/// Argon2id cost of API-key hashing. The default is argon2's recommended cost; tests use [`KeyHashing::fast`].
#[derive(Debug, Clone, Copy)]
pub struct KeyHashing {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl Default for KeyHashing {
    fn default() -> Self {
        KeyHashing {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
        }
    }
}

impl KeyHashing {
    /// The cheapest valid cost: for tests only.
    pub fn fast() -> Self {
        KeyHashing {
            memory_kib: 8,
            iterations: 1,
        }
    }

    fn argon2(&self) -> Result<Argon2<'static>, ApiError> {
        let params = Params::new(self.memory_kib, self.iterations, 1, None)
            .map_err(|e| ApiError::Internal(format!("argon2 parameters: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// The PHC string of `secret`.
    ///
    /// # Errors
    /// [`ApiError::Internal`] when the parameters are invalid.
    pub fn hash(&self, secret: &str) -> Result<String, ApiError> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()?
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ApiError::Internal(format!("hashing an API key: {e}")))
    }

    /// Whether `secret` matches the stored PHC string (the parameters stored in it are used).
    pub fn verify(secret: &str, phc: &str) -> bool {
        PasswordHash::new(phc).is_ok_and(|h| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &h)
                .is_ok()
        })
    }
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Creates a new API key for `user`, stores its hash and returns the key text (shown once, never stored).
///
/// # Errors
/// Store failures.
pub fn issue_api_key(
    store: &dyn Store,
    user: &User,
    hashing: KeyHashing,
) -> Result<String, ApiError> {
    let key_id = random_hex(6);
    let secret = random_hex(24);
    let record = ApiKeyRecord {
        key_id: key_id.clone(),
        user_id: user.id,
        secret_hash: hashing.hash(&secret)?,
        created_at: interdict_store::now_ms(),
        revoked_at: None,
    };
    store.add_api_key(&record)?;
    Ok(format!("{KEY_PREFIX}{key_id}_{secret}"))
}

/// Splits `idk_<key id>_<secret>`.
fn parse_key(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix(KEY_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    (!id.is_empty() && !secret.is_empty()).then_some((id, secret))
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: User,
    pub key_id: String,
}

impl Principal {
    pub fn org_id(&self) -> i64 {
        self.user.org_id
    }

    /// How the audit log names this caller.
    pub fn actor(&self) -> String {
        format!(
            "user:{}:{}/key:{}",
            self.user.id, self.user.name, self.key_id
        )
    }

    /// Refuses the request unless the caller holds one of `roles`.
    ///
    /// # Errors
    /// [`ApiError::Forbidden`] naming the roles that would do.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ))
        }
    }
}

#[derive(Debug)]
struct CachedKey {
    digest: [u8; 32],
    principal: Principal,
    checked: Instant,
}

/// At most this many argon2 verifications run at once (each takes argon2's memory cost, 19 MiB by default).
const CONCURRENT_VERIFICATIONS: usize = 2;

/// Verified keys, so argon2 runs once per key rather than once per request. After [`CACHE_TTL`] a cached key is
/// re-checked against the store (revoked? user still there?) without re-running argon2.
#[derive(Debug)]
pub struct KeyCache {
    keys: RwLock<HashMap<String, CachedKey>>,
    verifying: tokio::sync::Semaphore,
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache {
            keys: RwLock::default(),
            verifying: tokio::sync::Semaphore::new(CONCURRENT_VERIFICATIONS),
        }
    }
}

impl KeyCache {
    pub fn forget(&self, key_id: &str) {
        self.keys
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key_id);
    }

    /// The cached principal for this key text, and whether the entry is still fresh.
    fn lookup(&self, key_id: &str, digest: &[u8; 32]) -> Option<(Principal, bool)> {
        let keys = self.keys.read().unwrap_or_else(|p| p.into_inner());
        let cached = keys.get(key_id)?;
        (cached.digest == *digest).then(|| {
            (
                cached.principal.clone(),
                cached.checked.elapsed() < CACHE_TTL,
            )
        })
    }

    fn remember(&self, key_id: &str, digest: [u8; 32], principal: Principal) {
        let entry = CachedKey {
            digest,
            principal,
            checked: Instant::now(),
        };
        self.keys
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key_id.to_string(), entry);
    }
}

/// Checks an API key against the store (or the cache).
///
/// # Errors
/// [`ApiError::InvalidCredentials`] for unknown, revoked or wrong keys; store failures.
pub async fn authenticate(state: &AppState, key_text: &str) -> Result<Principal, ApiError> {
    let (key_id, secret) = parse_key(key_text).ok_or(ApiError::InvalidCredentials)?;
    let digest: [u8; 32] = Sha256::digest(key_text.as_bytes()).into();
    match state.keys.lookup(key_id, &digest) {
        Some((p, true)) => return Ok(p),
        Some((_, false)) => {
            // Stale: the secret was verified before; check only that the key and its user still stand.
            let record = state.store.api_key(key_id)?;
            let user = match record {
                Some(r) if r.revoked_at.is_none() => state.store.user(r.user_id)?,
                _ => None,
            };
            let Some(user) = user else {
                state.keys.forget(key_id);
                return Err(ApiError::InvalidCredentials);
            };
            let principal = Principal {
                user,
                key_id: key_id.to_string(),
            };
            state.keys.remember(key_id, digest, principal.clone());
            return Ok(principal);
        }
        None => {}
    }
    // One verification per key at a time (and few at all): concurrent first requests wait, then find the cache.
    let _permit = state
        .keys
        .verifying
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(format!("key verification: {e}")))?;
    if let Some((p, true)) = state.keys.lookup(key_id, &digest) {
        return Ok(p);
    }
    let store = Arc::clone(&state.store);
    let (key_id, secret) = (key_id.to_string(), secret.to_string());
    let principal = tokio::task::spawn_blocking(move || -> Result<Principal, ApiError> {
        let record = store
            .api_key(&key_id)?
            .ok_or(ApiError::InvalidCredentials)?;
        if record.revoked_at.is_some() || !KeyHashing::verify(&secret, &record.secret_hash) {
            return Err(ApiError::InvalidCredentials);
        }
        let user = store
            .user(record.user_id)?
            .ok_or(ApiError::InvalidCredentials)?;
        Ok(Principal { user, key_id })
    })
    .await
    .map_err(|e| ApiError::Internal(format!("authentication task: {e}")))??;
    state
        .keys
        .remember(&principal.key_id, digest, principal.clone());
    Ok(principal)
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or(ApiError::MissingCredentials)?;
        let text = header
            .to_str()
            .map_err(|_| ApiError::InvalidCredentials)?
            .trim();
        // `Bearer <key>`, or yente's `ApiKey <key>`.
        let key = text
            .strip_prefix("Bearer ")
            .or_else(|| text.strip_prefix("ApiKey "))
            .ok_or(ApiError::InvalidCredentials)?
            .trim();
        authenticate(state, key).await
    }
}

/// The purpose the caller stated in the `X-Purpose` header, if any.
pub fn header_purpose(parts_headers: &axum::http::HeaderMap) -> Option<String> {
    parts_headers
        .get("x-purpose")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The stated purpose: the `X-Purpose` header, else a body field.
///
/// # Errors
/// [`ApiError::PurposeRequired`] when neither is given.
pub fn require_purpose(
    headers: &axum::http::HeaderMap,
    field: Option<&str>,
) -> Result<String, ApiError> {
    header_purpose(headers)
        .or_else(|| {
            field
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        })
        .ok_or(ApiError::PurposeRequired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_text_parsing() {
        let cases = [
            ("idk_abc_def", Some(("abc", "def"))),
            ("idk_abc_def_ghi", Some(("abc", "def_ghi"))),
            ("idk__def", None),
            ("idk_abc_", None),
            ("abc_def", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_key(text), want, "{text}");
        }
    }

    #[test]
    fn hashes_verify_only_their_secret() {
        let phc = KeyHashing::fast().hash("s3cret").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(KeyHashing::verify("s3cret", &phc));
        assert!(!KeyHashing::verify("s3creT", &phc));
        assert!(!KeyHashing::verify("s3cret", "not a hash"));
    }
}
