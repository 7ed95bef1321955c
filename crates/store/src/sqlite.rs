//! The embedded SQLite backend: one file, WAL journal, migrations compiled into the binary and tracked in
//! `PRAGMA user_version`. One connection behind a mutex serialises writers (SQLite does anyway) and keeps the
//! audit chain head in memory.
//!
//! Masking seals the original personal fields with the store's [`SealingKey`] (a file store needs one:
//! [`SqliteStore::with_sealing_key`]; an in-memory store makes its own). `secure_delete` is on, and the WAL is
//! checkpointed and truncated after each retention run, so masked originals and deleted records do not linger in
//! free pages or old WAL frames of the files.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use interdict_model::Entity;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};

use crate::audit_chain::{ChainVerifier, GENESIS_HASH};
use crate::sealing::SealingKey;
use crate::{
    Alert, AlertRetentionOutcome, AlertStatus, ApiKeyRecord, AuditAnchor, AuditEvent, AuditRecord,
    AuditVerification, Case, Decision, DecisionKind, HashBank, ListDiff, ListVersion, Millis,
    NewAlert, NewPassengerRecord, Organisation, PassengerDataKind, PassengerRecord,
    RepersonalisationRequest, RetentionOutcome, Role, ScreeningRecord, Store, StoreError,
    StoreResult, User,
};

/// Schema migrations, applied in order; the database's `user_version` is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_hash_banks.sql"),
    include_str!("migrations/0003_alerts_by_age.sql"),
];

/// The text that replaces each personal value when a record is masked.
pub const MASK: &str = "[masked]";

/// The SQLite backend.
#[derive(Debug)]
pub struct SqliteStore {
    inner: Mutex<Inner>,
    sealing: Option<SealingKey>,
}

#[derive(Debug)]
struct Inner {
    conn: Connection,
    head: (i64, String),
}

fn json_text(v: &serde_json::Value) -> String {
    v.to_string()
}

fn parse_json(
    table: &'static str,
    row: impl ToString,
    column: &'static str,
    text: &str,
) -> StoreResult<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        table,
        row: row.to_string(),
        column,
        message: e.to_string(),
    })
}

fn parse_enum<T: std::str::FromStr>(
    table: &'static str,
    row: impl ToString,
    column: &'static str,
    text: &str,
) -> StoreResult<T> {
    text.parse().map_err(|_| StoreError::Corrupt {
        table,
        row: row.to_string(),
        column,
        message: format!("unknown value {text:?}"),
    })
}

/// Replaces every string and number in `v` by [`MASK`], keeping the structure (which fields existed).
pub fn mask_value(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), mask_value(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(mask_value).collect()),
        Value::Null => Value::Null,
        _ => Value::String(MASK.to_string()),
    }
}

fn append_audit_tx(
    tx: &Transaction<'_>,
    head: &(i64, String),
    event: &AuditEvent,
) -> StoreResult<AuditRecord> {
    let r = insert_audit_tx(tx, head, event)?;
    set_audit_head_tx(tx, r.seq, &r.hash)?;
    Ok(r)
}

/// Chains `event` after `head` and inserts the record; the caller moves the stored head ([`set_audit_head_tx`])
/// before committing.
fn insert_audit_tx(
    tx: &Transaction<'_>,
    head: &(i64, String),
    event: &AuditEvent,
) -> StoreResult<AuditRecord> {
    let r = AuditRecord::chain(head.0, &head.1, event);
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, org_id, actor, purpose, action, detail, returned, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .and_then(|mut s| {
        s.execute(params![r.seq, r.at, r.org_id, r.actor, r.purpose, r.action, r.detail, r.returned, r.prev_hash, r.hash])
    })
    .map_err(StoreError::db("appending an audit record"))?;
    Ok(r)
}

fn set_audit_head_tx(tx: &Transaction<'_>, seq: i64, hash: &str) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )
    .and_then(|mut s| s.execute(params![seq, hash]))
    .map_err(StoreError::db("moving the audit head"))?;
    Ok(())
}

fn insert_alerts_tx(
    tx: &Transaction<'_>,
    org_id: i64,
    created_by: &str,
    at: Millis,
    alerts: &[NewAlert],
) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(alerts.len());
    if alerts.is_empty() {
        return Ok(ids);
    }
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO alerts (org_id, created_at, created_by, query_id, query, entity_id, caption, score, explanation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(StoreError::db("preparing the alert insert"))?;
    for a in alerts {
        insert
            .execute(params![
                org_id,
                at,
                created_by,
                a.query_id,
                json_text(&a.query),
                a.entity_id,
                a.caption,
                a.score,
                json_text(&a.explanation)
            ])
            .map_err(StoreError::db(format!(
                "storing the alert for {}",
                a.entity_id
            )))?;
        ids.push(tx.last_insert_rowid());
    }
    Ok(ids)
}

/// Copies the WAL into the database and empties it, so old page images (with masked originals or deleted
/// records) do not stay in the WAL file. Best effort: readers in progress can keep frames a little longer.
fn truncate_wal(conn: &Connection) {
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    ///
    /// # Errors
    /// [`StoreError::Database`] when the file cannot be opened or migrated; [`StoreError::SchemaTooNew`] when it
    /// was written by a newer build.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        let conn = Connection::open(path)
            .map_err(StoreError::db(format!("opening {}", path.display())))?;
        Self::from_connection(conn, true)
    }

    /// An in-memory database (tests, demos).
    ///
    /// # Errors
    /// [`StoreError::Database`] when SQLite cannot start.
    pub fn open_in_memory() -> StoreResult<SqliteStore> {
        let conn = Connection::open_in_memory()
            .map_err(StoreError::db("opening an in-memory database"))?;
        let mut store = Self::from_connection(conn, false)?;
        store.sealing = Some(SealingKey::generate());
        Ok(store)
    }

    fn from_connection(mut conn: Connection, wal: bool) -> StoreResult<SqliteStore> {
        if wal {
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(StoreError::db("enabling WAL"))?;
        }
        // NORMAL in WAL mode: a committed transaction survives a process crash (kill -9); only an OS crash or
        // power loss can lose the last commits.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(StoreError::db("setting synchronous"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(StoreError::db("enabling foreign keys"))?;
        // Deleted content (masked originals, deleted records) is overwritten, not left in free pages.
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(StoreError::db("enabling secure_delete"))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(StoreError::db("setting busy timeout"))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(StoreError::db("reading schema version"))?;
        let supported = MIGRATIONS.len() as i64;
        if version > supported {
            return Err(StoreError::SchemaTooNew {
                found: version,
                supported,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn
                .transaction()
                .map_err(StoreError::db("starting a migration"))?;
            tx.execute_batch(sql)
                .map_err(StoreError::db(format!("applying migration {}", i + 1)))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(StoreError::db("recording the schema version"))?;
            tx.commit()
                .map_err(StoreError::db(format!("committing migration {}", i + 1)))?;
        }
        let head = conn
            .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(StoreError::db("reading the audit head"))?
            .unwrap_or((0, GENESIS_HASH.to_string()));
        Ok(SqliteStore {
            inner: Mutex::new(Inner { conn, head }),
            sealing: None,
        })
    }

    /// Uses `key` to seal the originals of masked passenger records. Refuses a key other than the one the
    /// database's sealed values were sealed with, and seals any originals still stored in plaintext (databases
    /// written before sealing existed), removing the plaintext from the files.
    ///
    /// # Errors
    /// [`StoreError::Sealing`] for a different key than the stored values' one; database failures.
    pub fn with_sealing_key(mut self, key: SealingKey) -> StoreResult<SqliteStore> {
        let sealed_plaintext = {
            let mut inner = self.lock();
            let tx = inner
                .conn
                .transaction()
                .map_err(StoreError::db("checking sealed passenger data"))?;
            let ids: Vec<String> = tx
                .prepare(
                    "SELECT DISTINCT hex(substr(sealed, 5, 8)) FROM passenger_records WHERE typeof(sealed) = 'blob'",
                )
                .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
                .map_err(StoreError::db("checking sealed passenger data"))?;
            if let Some(other) = ids.iter().find(|id| !id.eq_ignore_ascii_case(&key.id())) {
                return Err(StoreError::Sealing(format!(
                    "the database holds passenger data sealed with key {}, but the configured key is {}",
                    other.to_lowercase(),
                    key.id()
                )));
            }
            let legacy: Vec<(i64, i64, String)> = tx
                .prepare("SELECT id, org_id, sealed FROM passenger_records WHERE typeof(sealed) = 'text'")
                .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
                .map_err(StoreError::db("reading plaintext originals"))?;
            for (id, org_id, text) in &legacy {
                tx.execute(
                    "UPDATE passenger_records SET sealed = ?2 WHERE id = ?1",
                    params![id, key.seal(*org_id, *id, text.as_bytes())],
                )
                .map_err(StoreError::db(format!("sealing passenger record {id}")))?;
            }
            tx.commit()
                .map_err(StoreError::db("committing sealed originals"))?;
            if !legacy.is_empty() {
                truncate_wal(&inner.conn);
            }
            legacy.len()
        };
        let _ = sealed_plaintext;
        self.sealing = Some(key);
        Ok(self)
    }

    /// Makes every commit wait for the disk (`synchronous = FULL`): a committed transaction (an answered request)
    /// then survives an operating-system crash or power loss too, not only a crash of the process, at the cost of
    /// one fsync per transaction (shared by all requests of a group commit).
    ///
    /// # Errors
    /// [`StoreError::Database`] when the setting cannot be applied.
    pub fn with_full_sync(self) -> StoreResult<SqliteStore> {
        self.lock()
            .conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(StoreError::db("setting synchronous = FULL"))?;
        Ok(self)
    }

    fn sealing_key(&self) -> StoreResult<&SealingKey> {
        self.sealing.as_ref().ok_or_else(|| {
            StoreError::Sealing(
                "no sealing key is configured, so masked originals can be neither sealed nor opened".into(),
            )
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a transaction half-applied (it rolls back on drop), so the
        // connection is still consistent: recover it rather than failing every later request.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` in one transaction; when it succeeds, `audit` (if any) is appended in the same transaction.
    fn write<T>(
        &self,
        what: &str,
        audit: Option<&AuditEvent>,
        f: impl FnOnce(&Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<(T, Option<AuditRecord>)> {
        let mut inner = self.lock();
        let head = inner.head.clone();
        let tx = inner
            .conn
            .transaction()
            .map_err(StoreError::db(format!("starting {what}")))?;
        let value = f(&tx)?;
        let record = match audit {
            Some(e) => Some(append_audit_tx(&tx, &head, e)?),
            None => None,
        };
        tx.commit()
            .map_err(StoreError::db(format!("committing {what}")))?;
        if let Some(r) = &record {
            inner.head = (r.seq, r.hash.clone());
        }
        Ok((value, record))
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let inner = self.lock();
        f(&inner.conn)
    }
}

fn row_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, i64, String, String, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_user(t: (i64, i64, String, String, i64)) -> StoreResult<User> {
    Ok(User {
        id: t.0,
        org_id: t.1,
        name: t.2,
        role: parse_enum("users", t.0, "role", &t.3)?,
        created_at: t.4,
    })
}

const LIST_VERSION_COLUMNS: &str =
    "id, org_id, list, version, format, entity_count, created_at, created_by, active";

fn row_list_version(r: &rusqlite::Row<'_>) -> rusqlite::Result<ListVersion> {
    Ok(ListVersion {
        id: r.get(0)?,
        org_id: r.get(1)?,
        list: r.get(2)?,
        version: r.get(3)?,
        format: r.get(4)?,
        entity_count: r.get(5)?,
        created_at: r.get(6)?,
        created_by: r.get(7)?,
        active: r.get::<_, i64>(8)? != 0,
    })
}

fn version_id(conn: &Connection, org_id: i64, list: &str, version: i64) -> StoreResult<i64> {
    conn.query_row(
        "SELECT id FROM list_versions WHERE org_id = ?1 AND list = ?2 AND version = ?3",
        params![org_id, list, version],
        |r| r.get(0),
    )
    .optional()
    .map_err(StoreError::db("finding a list version"))?
    .ok_or_else(|| StoreError::NotFound {
        what: "list version",
        id: format!("{list}@{version}"),
    })
}

fn entities_of(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> StoreResult<Vec<Entity>> {
    let mut stmt = conn
        .prepare(sql)
        .map_err(StoreError::db("reading list entities"))?;
    let rows = stmt
        .query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(StoreError::db("reading list entities"))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, body) = row.map_err(StoreError::db("reading list entities"))?;
        out.push(
            serde_json::from_str(&body).map_err(|e| StoreError::Corrupt {
                table: "list_entities",
                row: id,
                column: "body",
                message: e.to_string(),
            })?,
        );
    }
    Ok(out)
}

const ALERT_COLUMNS: &str = "id, org_id, created_at, created_by, query_id, query, entity_id, caption, score, explanation, status, case_id";

fn read_alerts(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> StoreResult<Vec<Alert>> {
    let mut stmt = conn
        .prepare(sql)
        .map_err(StoreError::db("reading alerts"))?;
    type Row = (
        i64,
        i64,
        i64,
        String,
        String,
        String,
        String,
        String,
        f64,
        String,
        String,
        Option<i64>,
    );
    let rows = stmt
        .query_map(p, |r| -> rusqlite::Result<Row> {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
            ))
        })
        .map_err(StoreError::db("reading alerts"))?;
    let mut out = Vec::new();
    for row in rows {
        let t = row.map_err(StoreError::db("reading alerts"))?;
        out.push(Alert {
            id: t.0,
            org_id: t.1,
            created_at: t.2,
            created_by: t.3,
            query_id: t.4,
            query: parse_json("alerts", t.0, "query", &t.5)?,
            entity_id: t.6,
            caption: t.7,
            score: t.8,
            explanation: parse_json("alerts", t.0, "explanation", &t.9)?,
            status: parse_enum("alerts", t.0, "status", &t.10)?,
            case_id: t.11,
        });
    }
    Ok(out)
}

fn read_case(conn: &Connection, org_id: i64, case_id: i64) -> StoreResult<Case> {
    let row = conn
        .query_row(
            "SELECT id, org_id, title, status, created_at, created_by FROM cases WHERE id = ?1 AND org_id = ?2",
            params![case_id, org_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()
        .map_err(StoreError::db("reading a case"))?
        .ok_or_else(|| StoreError::NotFound { what: "case", id: case_id.to_string() })?;
    let mut stmt = conn
        .prepare_cached("SELECT id FROM alerts WHERE case_id = ?1 ORDER BY id")
        .map_err(StoreError::db("reading case alerts"))?;
    let alert_ids = stmt
        .query_map([case_id], |r| r.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<i64>>>())
        .map_err(StoreError::db("reading case alerts"))?;
    Ok(Case {
        id: row.0,
        org_id: row.1,
        title: row.2,
        status: row.3,
        created_at: row.4,
        created_by: row.5,
        alert_ids,
    })
}

/// The stored original of a masked record: sealed, or plaintext in databases written before sealing.
#[derive(Debug)]
enum Original {
    Sealed(Vec<u8>),
    Plaintext(String),
}

type PassengerRow = (
    i64,
    i64,
    String,
    i64,
    String,
    Option<String>,
    Option<Original>,
    Option<i64>,
    String,
);

fn original_column(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<Original>> {
    use rusqlite::types::ValueRef;
    Ok(match r.get_ref(i)? {
        ValueRef::Blob(b) => Some(Original::Sealed(b.to_vec())),
        ValueRef::Text(t) => Some(Original::Plaintext(String::from_utf8_lossy(t).into_owned())),
        _ => None,
    })
}

fn read_passenger_row(conn: &Connection, org_id: i64, record_id: i64) -> StoreResult<PassengerRow> {
    conn.query_row(
        "SELECT id, org_id, kind, received_at, flight, personal, sealed, masked_at, other
         FROM passenger_records WHERE id = ?1 AND org_id = ?2",
        params![record_id, org_id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                original_column(r, 6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        },
    )
    .optional()
    .map_err(StoreError::db("reading a passenger record"))?
    .ok_or_else(|| StoreError::NotFound {
        what: "passenger record",
        id: record_id.to_string(),
    })
}

/// The record as stored; with `original`, the personal fields as they were before masking (opened with `key`).
fn passenger_record_from(
    t: PassengerRow,
    original: Option<Option<&SealingKey>>,
) -> StoreResult<PassengerRecord> {
    let personal = match (original, &t.5, &t.6) {
        (Some(key), _, Some(Original::Sealed(sealed))) => {
            let key = key.ok_or_else(|| {
                StoreError::Sealing(format!(
                    "passenger record {} is sealed and no sealing key is configured",
                    t.0
                ))
            })?;
            let text = key.open(t.1, t.0, sealed)?;
            let text = String::from_utf8(text).map_err(|e| StoreError::Corrupt {
                table: "passenger_records",
                row: t.0.to_string(),
                column: "sealed",
                message: e.to_string(),
            })?;
            parse_json("passenger_records", t.0, "sealed", &text)?
        }
        (Some(_), _, Some(Original::Plaintext(text))) => {
            parse_json("passenger_records", t.0, "sealed", text)?
        }
        (_, Some(p), _) => parse_json("passenger_records", t.0, "personal", p)?,
        _ => serde_json::Value::Null,
    };
    Ok(PassengerRecord {
        id: t.0,
        org_id: t.1,
        kind: parse_enum("passenger_records", t.0, "kind", &t.2)?,
        received_at: t.3,
        flight: t.4,
        personal,
        masked_at: t.7,
        other: parse_json("passenger_records", t.0, "other", &t.8)?,
    })
}

fn read_request(
    conn: &Connection,
    org_id: i64,
    request_id: i64,
) -> StoreResult<RepersonalisationRequest> {
    conn.query_row(
        "SELECT id, org_id, record_id, requested_by, reason, requested_at, approved_by, approved_at
         FROM repersonalisation_requests WHERE id = ?1 AND org_id = ?2",
        params![request_id, org_id],
        |r| {
            Ok(RepersonalisationRequest {
                id: r.get(0)?,
                org_id: r.get(1)?,
                record_id: r.get(2)?,
                requested_by: r.get(3)?,
                reason: r.get(4)?,
                requested_at: r.get(5)?,
                approved_by: r.get(6)?,
                approved_at: r.get(7)?,
            })
        },
    )
    .optional()
    .map_err(StoreError::db("reading a re-personalisation request"))?
    .ok_or_else(|| StoreError::NotFound {
        what: "re-personalisation request",
        id: request_id.to_string(),
    })
}

fn require_text(field: &'static str, value: &str) -> StoreResult<()> {
    if value.trim().is_empty() {
        return Err(StoreError::Invalid {
            field,
            message: "must not be empty".into(),
        });
    }
    Ok(())
}

impl Store for SqliteStore {
    fn ready(&self) -> StoreResult<()> {
        self.read(|c| {
            c.query_row("SELECT 1", [], |_| Ok(()))
                .map_err(StoreError::db("probing the database"))
        })
    }

    fn create_organisation(&self, name: &str, at: Millis) -> StoreResult<Organisation> {
        require_text("organisation name", name)?;
        let (id, _) = self.write("creating an organisation", None, |tx| {
            let exists: Option<i64> = tx
                .query_row(
                    "SELECT id FROM organisations WHERE name = ?1",
                    [name],
                    |r| r.get(0),
                )
                .optional()
                .map_err(StoreError::db("checking organisation names"))?;
            if exists.is_some() {
                return Err(StoreError::Conflict(format!(
                    "organisation {name:?} already exists"
                )));
            }
            tx.execute(
                "INSERT INTO organisations (name, created_at) VALUES (?1, ?2)",
                params![name, at],
            )
            .map_err(StoreError::db("creating an organisation"))?;
            Ok(tx.last_insert_rowid())
        })?;
        Ok(Organisation {
            id,
            name: name.to_string(),
            created_at: at,
        })
    }

    fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        self.read(|c| {
            let mut stmt = c
                .prepare("SELECT id, name, created_at FROM organisations ORDER BY id")
                .map_err(StoreError::db("listing organisations"))?;
            stmt.query_map([], |r| {
                Ok(Organisation {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: r.get(2)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(StoreError::db("listing organisations"))
        })
    }

    fn create_user(&self, org_id: i64, name: &str, role: Role, at: Millis) -> StoreResult<User> {
        require_text("user name", name)?;
        let (id, _) = self.write("creating a user", None, |tx| {
            let org: Option<i64> = tx
                .query_row(
                    "SELECT id FROM organisations WHERE id = ?1",
                    [org_id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(StoreError::db("finding the organisation"))?;
            if org.is_none() {
                return Err(StoreError::NotFound {
                    what: "organisation",
                    id: org_id.to_string(),
                });
            }
            let dup: Option<i64> = tx
                .query_row(
                    "SELECT id FROM users WHERE org_id = ?1 AND name = ?2",
                    params![org_id, name],
                    |r| r.get(0),
                )
                .optional()
                .map_err(StoreError::db("checking user names"))?;
            if dup.is_some() {
                return Err(StoreError::Conflict(format!(
                    "user {name:?} already exists in organisation {org_id}"
                )));
            }
            tx.execute(
                "INSERT INTO users (org_id, name, role, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![org_id, name, role.as_str(), at],
            )
            .map_err(StoreError::db("creating a user"))?;
            Ok(tx.last_insert_rowid())
        })?;
        Ok(User {
            id,
            org_id,
            name: name.to_string(),
            role,
            created_at: at,
        })
    }

    fn user(&self, user_id: i64) -> StoreResult<Option<User>> {
        self.read(|c| {
            c.query_row(
                "SELECT id, org_id, name, role, created_at FROM users WHERE id = ?1",
                [user_id],
                row_user,
            )
            .optional()
            .map_err(StoreError::db("reading a user"))?
            .map(to_user)
            .transpose()
        })
    }

    fn users(&self, org_id: i64) -> StoreResult<Vec<User>> {
        self.read(|c| {
            let mut stmt = c
                .prepare("SELECT id, org_id, name, role, created_at FROM users WHERE org_id = ?1 ORDER BY id")
                .map_err(StoreError::db("listing users"))?;
            let rows: Vec<_> = stmt
                .query_map([org_id], row_user)
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(StoreError::db("listing users"))?;
            rows.into_iter().map(to_user).collect()
        })
    }

    fn add_api_key(&self, key: &ApiKeyRecord) -> StoreResult<()> {
        self.write("adding an API key", None, |tx| {
            tx.execute(
                "INSERT INTO api_keys (key_id, user_id, secret_hash, created_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![key.key_id, key.user_id, key.secret_hash, key.created_at, key.revoked_at],
            )
            .map_err(StoreError::db(format!("adding API key {}", key.key_id)))?;
            Ok(())
        })
        .map(|_| ())
    }

    fn api_key(&self, key_id: &str) -> StoreResult<Option<ApiKeyRecord>> {
        self.read(|c| {
            c.prepare_cached("SELECT key_id, user_id, secret_hash, created_at, revoked_at FROM api_keys WHERE key_id = ?1")
                .and_then(|mut s| {
                    s.query_row([key_id], |r| {
                        Ok(ApiKeyRecord {
                            key_id: r.get(0)?,
                            user_id: r.get(1)?,
                            secret_hash: r.get(2)?,
                            created_at: r.get(3)?,
                            revoked_at: r.get(4)?,
                        })
                    })
                    .optional()
                })
                .map_err(StoreError::db("reading an API key"))
        })
    }

    fn revoke_api_key(&self, key_id: &str, at: Millis) -> StoreResult<()> {
        let (n, _) = self.write("revoking an API key", None, |tx| {
            tx.execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE key_id = ?1 AND revoked_at IS NULL",
                params![key_id, at],
            )
            .map_err(StoreError::db("revoking an API key"))
        })?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "API key",
                id: key_id.to_string(),
            });
        }
        Ok(())
    }

    fn import_list(
        &self,
        org_id: i64,
        list: &str,
        format: &str,
        entities: &mut dyn Iterator<Item = Result<Entity, String>>,
        audit: &AuditEvent,
    ) -> StoreResult<ListVersion> {
        require_text("list name", list)?;
        let (v, _) = self.write("importing a list", Some(audit), |tx| {
            let version: i64 = tx
                .query_row(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM list_versions WHERE org_id = ?1 AND list = ?2",
                    params![org_id, list],
                    |r| r.get(0),
                )
                .map_err(StoreError::db("numbering the list version"))?;
            tx.execute(
                "INSERT INTO list_versions (org_id, list, version, format, entity_count, created_at, created_by, active)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, 0)",
                params![org_id, list, version, format, audit.at, audit.actor],
            )
            .map_err(StoreError::db("creating the list version"))?;
            let vid = tx.last_insert_rowid();
            let mut count = 0i64;
            {
                let mut insert = tx
                    .prepare("INSERT OR REPLACE INTO list_entities (version_id, entity_id, digest, body) VALUES (?1, ?2, ?3, ?4)")
                    .map_err(StoreError::db("preparing the entity insert"))?;
                for (i, item) in entities.enumerate() {
                    let entity = item.map_err(|message| StoreError::ImportAborted { record: i + 1, message })?;
                    let body = serde_json::to_string(&entity).map_err(|e| StoreError::ImportAborted {
                        record: i + 1,
                        message: format!("entity {} cannot be encoded: {e}", entity.id),
                    })?;
                    let digest = hex::encode(Sha256::digest(body.as_bytes()));
                    insert
                        .execute(params![vid, entity.id, digest, body])
                        .map_err(StoreError::db(format!("storing entity {} (record {})", entity.id, i + 1)))?;
                    count += 1;
                }
            }
            let distinct: i64 = tx
                .query_row("SELECT COUNT(*) FROM list_entities WHERE version_id = ?1", [vid], |r| r.get(0))
                .map_err(StoreError::db("counting entities"))?;
            let _ = count;
            tx.execute("UPDATE list_versions SET active = 0 WHERE org_id = ?1 AND list = ?2 AND active = 1", params![org_id, list])
                .map_err(StoreError::db("retiring the previous version"))?;
            tx.execute("UPDATE list_versions SET active = 1, entity_count = ?2 WHERE id = ?1", params![vid, distinct])
                .map_err(StoreError::db("activating the new version"))?;
            tx.query_row(&format!("SELECT {LIST_VERSION_COLUMNS} FROM list_versions WHERE id = ?1"), [vid], row_list_version)
                .map_err(StoreError::db("reading the new version"))
        })?;
        Ok(v)
    }

    fn lists(&self, org_id: i64) -> StoreResult<Vec<ListVersion>> {
        self.read(|c| {
            let mut stmt = c
                .prepare(&format!(
                    "SELECT {LIST_VERSION_COLUMNS} FROM list_versions WHERE org_id = ?1 AND active = 1 ORDER BY list"
                ))
                .map_err(StoreError::db("listing lists"))?;
            stmt.query_map([org_id], row_list_version)
                .and_then(|rows| rows.collect())
                .map_err(StoreError::db("listing lists"))
        })
    }

    fn list_versions(&self, org_id: i64, list: &str) -> StoreResult<Vec<ListVersion>> {
        let versions: Vec<ListVersion> = self.read(|c| {
            let mut stmt = c
                .prepare(&format!(
                    "SELECT {LIST_VERSION_COLUMNS} FROM list_versions WHERE org_id = ?1 AND list = ?2 ORDER BY version"
                ))
                .map_err(StoreError::db("listing list versions"))?;
            stmt.query_map(params![org_id, list], row_list_version)
                .and_then(|rows| rows.collect())
                .map_err(StoreError::db("listing list versions"))
        })?;
        if versions.is_empty() {
            return Err(StoreError::NotFound {
                what: "list",
                id: list.to_string(),
            });
        }
        Ok(versions)
    }

    fn list_entities(&self, org_id: i64, list: &str, version: i64) -> StoreResult<Vec<Entity>> {
        self.read(|c| {
            let vid = version_id(c, org_id, list, version)?;
            entities_of(c, "SELECT entity_id, body FROM list_entities WHERE version_id = ?1 ORDER BY entity_id", [vid])
        })
    }

    fn active_entities(&self, org_id: i64) -> StoreResult<Vec<Entity>> {
        self.read(|c| {
            entities_of(
                c,
                "SELECT e.entity_id, e.body FROM list_entities e JOIN list_versions v ON v.id = e.version_id
                 WHERE v.org_id = ?1 AND v.active = 1 ORDER BY v.list, e.entity_id",
                [org_id],
            )
        })
    }

    fn list_diff(&self, org_id: i64, list: &str, from: i64, to: i64) -> StoreResult<ListDiff> {
        self.read(|c| {
            let digests = |vid: i64| -> StoreResult<BTreeMap<String, String>> {
                let mut stmt = c
                    .prepare("SELECT entity_id, digest FROM list_entities WHERE version_id = ?1")
                    .map_err(StoreError::db("reading entity digests"))?;
                stmt.query_map([vid], |r| Ok((r.get(0)?, r.get(1)?)))
                    .and_then(|rows| rows.collect())
                    .map_err(StoreError::db("reading entity digests"))
            };
            let a = digests(version_id(c, org_id, list, from)?)?;
            let b = digests(version_id(c, org_id, list, to)?)?;
            let mut diff = ListDiff {
                from_version: from,
                to_version: to,
                ..ListDiff::default()
            };
            for (id, d) in &b {
                match a.get(id) {
                    None => diff.added.push(id.clone()),
                    Some(old) if old != d => diff.changed.push(id.clone()),
                    Some(_) => {}
                }
            }
            diff.removed = a
                .keys()
                .filter(|id| !b.contains_key(*id))
                .cloned()
                .collect();
            Ok(diff)
        })
    }

    fn record_screenings(&self, batch: &[ScreeningRecord]) -> StoreResult<Vec<Vec<i64>>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let mut inner = self.lock();
        let mut head = inner.head.clone();
        let tx = inner
            .conn
            .transaction()
            .map_err(StoreError::db("starting to record screenings"))?;
        let mut out = Vec::with_capacity(batch.len());
        for r in batch {
            out.push(insert_alerts_tx(
                &tx,
                r.org_id,
                &r.created_by,
                r.audit.at,
                &r.alerts,
            )?);
            let record = insert_audit_tx(&tx, &head, &r.audit)?;
            head = (record.seq, record.hash);
        }
        set_audit_head_tx(&tx, head.0, &head.1)?;
        tx.commit()
            .map_err(StoreError::db("committing recorded screenings"))?;
        inner.head = head;
        Ok(out)
    }

    fn alerts(
        &self,
        org_id: i64,
        status: Option<AlertStatus>,
        after_id: i64,
        limit: usize,
    ) -> StoreResult<Vec<Alert>> {
        self.read(|c| {
            let limit = limit.min(10_000) as i64;
            match status {
                Some(s) => read_alerts(
                    c,
                    &format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE org_id = ?1 AND status = ?2 AND id > ?3 ORDER BY id LIMIT ?4"),
                    params![org_id, s.as_str(), after_id, limit],
                ),
                None => read_alerts(
                    c,
                    &format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE org_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3"),
                    params![org_id, after_id, limit],
                ),
            }
        })
    }

    fn alert(&self, org_id: i64, alert_id: i64) -> StoreResult<Alert> {
        self.read(|c| {
            read_alerts(
                c,
                &format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE org_id = ?1 AND id = ?2"),
                params![org_id, alert_id],
            )
        })?
        .pop()
        .ok_or_else(|| StoreError::NotFound {
            what: "alert",
            id: alert_id.to_string(),
        })
    }

    fn decide(
        &self,
        org_id: i64,
        alert_id: i64,
        user_id: i64,
        decision: DecisionKind,
        reason: &str,
        at: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<Decision> {
        require_text("reason", reason)?;
        let (id, _) = self.write("recording a decision", Some(audit), |tx| {
            let n = tx
                .execute(
                    "UPDATE alerts SET status = ?3 WHERE id = ?1 AND org_id = ?2",
                    params![alert_id, org_id, decision.status().as_str()],
                )
                .map_err(StoreError::db("updating the alert status"))?;
            if n == 0 {
                return Err(StoreError::NotFound { what: "alert", id: alert_id.to_string() });
            }
            tx.execute(
                "INSERT INTO decisions (alert_id, org_id, user_id, decision, reason, decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![alert_id, org_id, user_id, decision.as_str(), reason, at],
            )
            .map_err(StoreError::db("storing the decision"))?;
            Ok(tx.last_insert_rowid())
        })?;
        Ok(Decision {
            id,
            alert_id,
            org_id,
            user_id,
            decision,
            reason: reason.to_string(),
            decided_at: at,
        })
    }

    fn decisions(&self, org_id: i64, alert_id: i64) -> StoreResult<Vec<Decision>> {
        self.alert(org_id, alert_id)?;
        self.read(|c| {
            let mut stmt = c
                .prepare(
                    "SELECT id, alert_id, org_id, user_id, decision, reason, decided_at FROM decisions
                     WHERE alert_id = ?1 AND org_id = ?2 ORDER BY id",
                )
                .map_err(StoreError::db("reading decisions"))?;
            let rows: Vec<(i64, i64, i64, i64, String, String, i64)> = stmt
                .query_map(params![alert_id, org_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
                })
                .and_then(|rows| rows.collect())
                .map_err(StoreError::db("reading decisions"))?;
            rows.into_iter()
                .map(|t| {
                    Ok(Decision {
                        id: t.0,
                        alert_id: t.1,
                        org_id: t.2,
                        user_id: t.3,
                        decision: parse_enum("decisions", t.0, "decision", &t.4)?,
                        reason: t.5,
                        decided_at: t.6,
                    })
                })
                .collect()
        })
    }

    fn create_case(
        &self,
        org_id: i64,
        user_id: i64,
        title: &str,
        alert_ids: &[i64],
        at: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<Case> {
        require_text("title", title)?;
        let (id, _) = self.write("creating a case", Some(audit), |tx| {
            tx.execute(
                "INSERT INTO cases (org_id, title, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
                params![org_id, title, at, user_id],
            )
            .map_err(StoreError::db("creating a case"))?;
            let case_id = tx.last_insert_rowid();
            for a in alert_ids {
                let n = tx
                    .execute(
                        "UPDATE alerts SET case_id = ?3 WHERE id = ?1 AND org_id = ?2",
                        params![a, org_id, case_id],
                    )
                    .map_err(StoreError::db("attaching an alert to the case"))?;
                if n == 0 {
                    return Err(StoreError::NotFound {
                        what: "alert",
                        id: a.to_string(),
                    });
                }
            }
            Ok(case_id)
        })?;
        self.case(org_id, id)
    }

    fn cases(&self, org_id: i64) -> StoreResult<Vec<Case>> {
        self.read(|c| {
            let mut stmt = c
                .prepare("SELECT id FROM cases WHERE org_id = ?1 ORDER BY id")
                .map_err(StoreError::db("listing cases"))?;
            let ids: Vec<i64> = stmt
                .query_map([org_id], |r| r.get(0))
                .and_then(|rows| rows.collect())
                .map_err(StoreError::db("listing cases"))?;
            ids.into_iter().map(|id| read_case(c, org_id, id)).collect()
        })
    }

    fn case(&self, org_id: i64, case_id: i64) -> StoreResult<Case> {
        self.read(|c| read_case(c, org_id, case_id))
    }

    fn add_passenger_records(
        &self,
        org_id: i64,
        records: &[NewPassengerRecord],
        audit: &AuditEvent,
    ) -> StoreResult<Vec<i64>> {
        let (ids, _) = self.write("storing passenger records", Some(audit), |tx| {
            let mut ids = Vec::with_capacity(records.len());
            for r in records {
                tx.execute(
                    "INSERT INTO passenger_records (org_id, kind, received_at, flight, personal, other)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![org_id, r.kind.as_str(), r.received_at, r.flight, json_text(&r.personal), json_text(&r.other)],
                )
                .map_err(StoreError::db(format!("storing a passenger record of flight {}", r.flight)))?;
                ids.push(tx.last_insert_rowid());
            }
            Ok(ids)
        })?;
        Ok(ids)
    }

    fn passenger_record(&self, org_id: i64, record_id: i64) -> StoreResult<PassengerRecord> {
        self.read(|c| passenger_record_from(read_passenger_row(c, org_id, record_id)?, None))
    }

    fn apply_retention(
        &self,
        kind: PassengerDataKind,
        mask_before: Millis,
        delete_before: Millis,
        at: Millis,
    ) -> StoreResult<RetentionOutcome> {
        let mut inner = self.lock();
        let head = inner.head.clone();
        let tx = inner
            .conn
            .transaction()
            .map_err(StoreError::db("starting retention"))?;
        let ids = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> StoreResult<Vec<i64>> {
            let mut stmt = tx
                .prepare(sql)
                .map_err(StoreError::db("selecting records for retention"))?;
            stmt.query_map(p, |r| r.get(0))
                .and_then(|rows| rows.collect())
                .map_err(StoreError::db("selecting records for retention"))
        };
        let deleted = ids(
            "SELECT id FROM passenger_records WHERE kind = ?1 AND received_at < ?2 ORDER BY id",
            params![kind.as_str(), delete_before],
        )?;
        let to_mask = ids(
            "SELECT id FROM passenger_records
             WHERE kind = ?1 AND received_at < ?2 AND received_at >= ?3 AND masked_at IS NULL ORDER BY id",
            params![kind.as_str(), mask_before, delete_before],
        )?;
        let key = if to_mask.is_empty() {
            None
        } else {
            Some(self.sealing_key()?)
        };
        for id in &to_mask {
            let (org_id, personal): (i64, Option<String>) = tx
                .query_row(
                    "SELECT org_id, personal FROM passenger_records WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(StoreError::db("reading a record to mask"))?;
            let original = parse_json(
                "passenger_records",
                id,
                "personal",
                personal.as_deref().unwrap_or("null"),
            )?;
            let sealed = key
                .map(|k| k.seal(org_id, *id, json_text(&original).as_bytes()))
                .unwrap_or_default();
            tx.execute(
                "UPDATE passenger_records SET personal = ?2, sealed = ?3, masked_at = ?4 WHERE id = ?1",
                params![id, json_text(&mask_value(&original)), sealed, at],
            )
            .map_err(StoreError::db(format!("masking passenger record {id}")))?;
        }
        for id in &deleted {
            tx.execute(
                "DELETE FROM repersonalisation_requests WHERE record_id = ?1",
                [id],
            )
            .map_err(StoreError::db(format!(
                "deleting requests for passenger record {id}"
            )))?;
            tx.execute("DELETE FROM passenger_records WHERE id = ?1", [id])
                .map_err(StoreError::db(format!("deleting passenger record {id}")))?;
        }
        let outcome = RetentionOutcome {
            masked: to_mask.len() as u64,
            deleted: deleted.len() as u64,
        };
        let event = AuditEvent {
            at,
            org_id: None,
            actor: "system:retention".into(),
            purpose: "data minimisation (retention policy)".into(),
            action: "retention.apply".into(),
            detail: serde_json::json!({
                "kind": kind.as_str(), "mask_before": mask_before, "delete_before": delete_before,
                "masked": to_mask, "deleted": deleted,
            }),
            returned: Vec::new(),
        };
        let record = append_audit_tx(&tx, &head, &event)?;
        tx.commit()
            .map_err(StoreError::db("committing retention"))?;
        inner.head = (record.seq, record.hash);
        if outcome.masked + outcome.deleted > 0 {
            truncate_wal(&inner.conn);
        }
        Ok(outcome)
    }

    fn delete_alerts_before(
        &self,
        before: Millis,
        at: Millis,
    ) -> StoreResult<AlertRetentionOutcome> {
        let mut inner = self.lock();
        let head = inner.head.clone();
        let tx = inner
            .conn
            .transaction()
            .map_err(StoreError::db("starting alert retention"))?;
        let count = |sql: &str| -> StoreResult<u64> {
            tx.query_row(sql, [before], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(StoreError::db("counting alerts for retention"))
        };
        let cases = count(
            "SELECT COUNT(DISTINCT case_id) FROM alerts WHERE created_at < ?1 AND case_id IS NOT NULL",
        )?;
        let decisions = tx
            .execute(
                "DELETE FROM decisions WHERE alert_id IN (SELECT id FROM alerts WHERE created_at < ?1)",
                [before],
            )
            .map_err(StoreError::db("deleting decisions on old alerts"))? as u64;
        // Deleting the alert also removes it from its case: a case's alerts are the alerts naming it.
        let alerts = tx
            .execute("DELETE FROM alerts WHERE created_at < ?1", [before])
            .map_err(StoreError::db("deleting old alerts"))? as u64;
        let outcome = AlertRetentionOutcome {
            alerts,
            decisions,
            cases,
        };
        let event = AuditEvent {
            at,
            org_id: None,
            actor: "system:retention".into(),
            purpose: "data minimisation (retention policy)".into(),
            action: "retention.alerts_delete".into(),
            detail: serde_json::json!({
                "delete_before": before, "alerts": alerts, "decisions": decisions, "cases": cases,
            }),
            returned: Vec::new(),
        };
        let record = append_audit_tx(&tx, &head, &event)?;
        tx.commit()
            .map_err(StoreError::db("committing alert retention"))?;
        inner.head = (record.seq, record.hash);
        if alerts > 0 {
            truncate_wal(&inner.conn);
        }
        Ok(outcome)
    }

    fn request_repersonalisation(
        &self,
        org_id: i64,
        record_id: i64,
        user_id: i64,
        reason: &str,
        at: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<RepersonalisationRequest> {
        require_text("reason", reason)?;
        let (id, _) = self.write("requesting re-personalisation", Some(audit), |tx| {
            read_passenger_row(tx, org_id, record_id)?;
            tx.execute(
                "INSERT INTO repersonalisation_requests (org_id, record_id, requested_by, reason, requested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![org_id, record_id, user_id, reason, at],
            )
            .map_err(StoreError::db("storing the request"))?;
            Ok(tx.last_insert_rowid())
        })?;
        self.read(|c| read_request(c, org_id, id))
    }

    fn approve_repersonalisation(
        &self,
        org_id: i64,
        request_id: i64,
        approver_id: i64,
        at: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<RepersonalisationRequest> {
        self.write("approving re-personalisation", Some(audit), |tx| {
            let req = read_request(tx, org_id, request_id)?;
            if req.approved_by.is_some() {
                return Err(StoreError::Conflict(format!("request {request_id} is already approved")));
            }
            if req.requested_by == approver_id {
                return Err(StoreError::Conflict("the approver must be a second user, not the requester".into()));
            }
            let approver = tx
                .query_row("SELECT id, org_id, name, role, created_at FROM users WHERE id = ?1", [approver_id], row_user)
                .optional()
                .map_err(StoreError::db("reading the approver"))?
                .map(to_user)
                .transpose()?
                .ok_or_else(|| StoreError::NotFound { what: "user", id: approver_id.to_string() })?;
            if approver.org_id != org_id || approver.role != Role::DataProtection {
                return Err(StoreError::Conflict("the approver must hold the data_protection role in the same organisation".into()));
            }
            tx.execute(
                "UPDATE repersonalisation_requests SET approved_by = ?2, approved_at = ?3 WHERE id = ?1",
                params![request_id, approver_id, at],
            )
            .map_err(StoreError::db("approving the request"))?;
            Ok(())
        })?;
        self.read(|c| read_request(c, org_id, request_id))
    }

    fn repersonalised_record(
        &self,
        org_id: i64,
        request_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<PassengerRecord> {
        let (record, _) = self.write("re-personalising a record", Some(audit), |tx| {
            let req = read_request(tx, org_id, request_id)?;
            if req.approved_by.is_none() {
                return Err(StoreError::Conflict(format!(
                    "request {request_id} has not been approved by a second user"
                )));
            }
            passenger_record_from(
                read_passenger_row(tx, org_id, req.record_id)?,
                Some(self.sealing.as_ref()),
            )
        })?;
        Ok(record)
    }

    fn put_hash_bank(
        &self,
        org_id: i64,
        bank: &str,
        body: &str,
        entries: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        require_text("bank name", bank)?;
        self.write("storing a hash bank", Some(audit), |tx| {
            tx.execute(
                "INSERT INTO hash_banks (org_id, bank, entries, body, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (org_id, bank) DO UPDATE SET entries = excluded.entries, body = excluded.body,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![org_id, bank, entries, body, audit.at, audit.actor],
            )
            .map_err(StoreError::db(format!("storing hash bank {bank}")))?;
            Ok(())
        })
        .map(|_| ())
    }

    fn hash_banks(&self, org_id: i64) -> StoreResult<Vec<HashBank>> {
        self.read(|c| {
            let mut stmt = c
                .prepare("SELECT bank, entries, body, updated_at FROM hash_banks WHERE org_id = ?1 ORDER BY bank")
                .map_err(StoreError::db("reading hash banks"))?;
            stmt.query_map([org_id], |r| {
                Ok(HashBank { bank: r.get(0)?, entries: r.get(1)?, body: r.get(2)?, updated_at: r.get(3)? })
            })
            .and_then(|rows| rows.collect())
            .map_err(StoreError::db("reading hash banks"))
        })
    }

    fn append_audit(&self, event: &AuditEvent) -> StoreResult<AuditRecord> {
        let (_, record) = self.write("appending an audit record", Some(event), |_| Ok(()))?;
        record.ok_or_else(|| StoreError::Conflict("audit record not written".into()))
    }

    fn audit_records(
        &self,
        org_id: Option<i64>,
        after_seq: i64,
        limit: usize,
    ) -> StoreResult<Vec<AuditRecord>> {
        self.read(|c| {
            let limit = limit.min(10_000) as i64;
            let cols = "seq, at, org_id, actor, purpose, action, detail, returned, prev_hash, hash";
            let map = |r: &rusqlite::Row<'_>| {
                Ok(AuditRecord {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    org_id: r.get(2)?,
                    actor: r.get(3)?,
                    purpose: r.get(4)?,
                    action: r.get(5)?,
                    detail: r.get(6)?,
                    returned: r.get(7)?,
                    prev_hash: r.get(8)?,
                    hash: r.get(9)?,
                })
            };
            let result = match org_id {
                Some(o) => c
                    .prepare(&format!("SELECT {cols} FROM audit_log WHERE org_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"))
                    .and_then(|mut s| s.query_map(params![o, after_seq, limit], map)?.collect()),
                None => c
                    .prepare(&format!("SELECT {cols} FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2"))
                    .and_then(|mut s| s.query_map(params![after_seq, limit], map)?.collect()),
            };
            result.map_err(StoreError::db("reading audit records"))
        })
    }

    fn verify_audit_against(&self, anchor: Option<&AuditAnchor>) -> StoreResult<AuditVerification> {
        self.read(|c| {
            let head: Option<(i64, String)> = c
                .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(StoreError::db("reading the audit head"))?;
            let mut verifier = anchor
                .cloned()
                .map(ChainVerifier::with_anchor)
                .unwrap_or_default();
            // Stored order is rowid order: reordering rows (rewriting seq values) or deleting them shows up here.
            let mut stmt = c
                .prepare("SELECT seq, at, org_id, actor, purpose, action, detail, returned, prev_hash, hash FROM audit_log ORDER BY rowid")
                .map_err(StoreError::db("reading the audit log"))?;
            let mut rows = stmt.query([]).map_err(StoreError::db("reading the audit log"))?;
            while let Some(r) = rows.next().map_err(StoreError::db("reading the audit log"))? {
                let record = AuditRecord {
                    seq: r.get(0).map_err(StoreError::db("reading the audit log"))?,
                    at: r.get(1).map_err(StoreError::db("reading the audit log"))?,
                    org_id: r.get(2).map_err(StoreError::db("reading the audit log"))?,
                    actor: r.get(3).map_err(StoreError::db("reading the audit log"))?,
                    purpose: r.get(4).map_err(StoreError::db("reading the audit log"))?,
                    action: r.get(5).map_err(StoreError::db("reading the audit log"))?,
                    detail: r.get(6).map_err(StoreError::db("reading the audit log"))?,
                    returned: r.get(7).map_err(StoreError::db("reading the audit log"))?,
                    prev_hash: r.get(8).map_err(StoreError::db("reading the audit log"))?,
                    hash: r.get(9).map_err(StoreError::db("reading the audit log"))?,
                };
                if !verifier.push(&record) {
                    break;
                }
            }
            Ok(verifier.finish(head))
        })
    }
}
