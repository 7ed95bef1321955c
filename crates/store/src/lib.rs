//! Interdict's store: the [`Store`] trait, its embedded SQLite backend ([`SqliteStore`]) and a conformance suite
//! ([`conformance`]) that every backend must pass, so a PostgreSQL backend can be checked by the same tests.
//!
//! What it keeps: organisations (tenants), users with one [`Role`] each, API keys (argon2 hashes only), watchlists
//! as versions (an update is written in full, then swapped in atomically), alerts, decisions, cases, passenger
//! records with retention masking (the originals sealed: encrypted at rest, [`sealing`]) and second-approver
//! re-personalisation, and an append-only audit log in which
//! every record is chained by SHA-256 to the one before it ([`audit_chain`]).
//!
//! ```
//! use interdict_store::{AuditEvent, SqliteStore, Store, Role, now_ms};
//!
//! let store = SqliteStore::open_in_memory().unwrap();
//! let org = store.create_organisation("Border Agency", now_ms()).unwrap();
//! let user = store.create_user(org.id, "ana", Role::Analyst, now_ms()).unwrap();
//! store
//!     .append_audit(&AuditEvent {
//!         at: now_ms(),
//!         org_id: Some(org.id),
//!         actor: format!("user:{}", user.id),
//!         purpose: "border check".into(),
//!         action: "screen".into(),
//!         detail: serde_json::json!({"name": "John Doe"}),
//!         returned: vec![],
//!     })
//!     .unwrap();
//! assert!(store.verify_audit().unwrap().is_intact());
//! ```

pub mod audit_chain;
pub mod conformance;
mod error;
mod records;
pub mod sealing;
mod sqlite;
mod store;

pub use audit_chain::{AuditAnchor, AuditEvent, AuditRecord, AuditVerification, BrokenRecord};
pub use error::{StoreError, StoreResult};
pub use records::{
    Alert, AlertRetentionOutcome, AlertStatus, ApiKeyRecord, Case, Decision, DecisionKind,
    HashBank, ListDiff, ListVersion, Millis, NewAlert, NewPassengerRecord, Organisation,
    PassengerDataKind, PassengerRecord, RepersonalisationRequest, RetentionOutcome, Role,
    ScreeningRecord, User, now_ms,
};
pub use sealing::SealingKey;
pub use sqlite::{MASK, SqliteStore, mask_value};
pub use store::Store;
