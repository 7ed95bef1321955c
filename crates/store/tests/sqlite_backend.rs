//! The SQLite backend: the shared conformance suite, plus file-level checks (tampering with the audit log,
//! reopening, migrations) that need raw access to the database.

use interdict_store::{AuditEvent, SqliteStore, Store};
use rusqlite::Connection;

interdict_store::conformance_tests!(|| SqliteStore::open_in_memory().unwrap());

fn event(n: i64) -> AuditEvent {
    AuditEvent {
        at: 1_700_000_000_000 + n,
        org_id: Some(1),
        actor: "user:1".into(),
        purpose: "tamper test".into(),
        action: "screen".into(),
        detail: serde_json::json!({"query": format!("name {n}")}),
        returned: vec![format!("E{n}")],
    }
}

fn chain_of(n: i64) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let store = SqliteStore::open(&path).unwrap();
    store.create_organisation("Tamper", 0).unwrap();
    for i in 0..n {
        store.append_audit(&event(i)).unwrap();
    }
    assert!(store.verify_audit().unwrap().is_intact());
    (dir, path)
}

#[test]
fn tampering_with_stored_records_is_detected_and_named() {
    let cases: &[(&str, &str, i64)] = &[
        ("edit a purpose", "UPDATE audit_log SET purpose = 'other' WHERE seq = 4", 4),
        ("edit returned ids", "UPDATE audit_log SET returned = '[]' WHERE seq = 2", 2),
        ("edit the time", "UPDATE audit_log SET at = at + 1 WHERE seq = 7", 7),
        ("delete a record", "DELETE FROM audit_log WHERE seq = 5", 5),
        ("delete the newest", "DELETE FROM audit_log WHERE seq = 8", 8),
        (
            "swap two records",
            "UPDATE audit_log SET seq = -3 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 6;
             UPDATE audit_log SET seq = 6 WHERE seq = -3",
            3,
        ),
        (
            "swap the content of two records",
            "UPDATE audit_log SET detail = (SELECT detail FROM audit_log WHERE seq = 2) WHERE seq = 1",
            1,
        ),
    ];
    for (name, sql, broken) in cases {
        let (_dir, path) = chain_of(8);
        Connection::open(&path).unwrap().execute_batch(sql).unwrap();
        let store = SqliteStore::open(&path).unwrap();
        let v = store.verify_audit().unwrap();
        assert_eq!(
            v.first_broken.as_ref().map(|b| b.seq),
            Some(*broken),
            "{name}: {v:?}"
        );
    }
}

#[test]
fn reopening_keeps_the_chain_going() {
    let (_dir, path) = chain_of(3);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.append_audit(&event(9)).unwrap().seq, 4);
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    let v = store.verify_audit().unwrap();
    assert!(v.is_intact());
    assert_eq!(v.records, 4);
    let mode: String = Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn newer_schema_is_refused() {
    let (_dir, path) = chain_of(1);
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(err.to_string().contains("99"), "{err}");
}

mod chain_properties {
    use interdict_store::audit_chain::{AuditRecord, ChainVerifier, GENESIS_HASH};
    use proptest::prelude::*;

    fn chain(events: &[(String, String, Vec<String>)]) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        for (i, (purpose, action, returned)) in events.iter().enumerate() {
            let (seq, hash) = out
                .last()
                .map(|r| (r.seq, r.hash.clone()))
                .unwrap_or((0, GENESIS_HASH.into()));
            let e = interdict_store::AuditEvent {
                at: i as i64,
                org_id: Some(1 + (i as i64 % 3)),
                actor: format!("user:{i}"),
                purpose: purpose.clone(),
                action: action.clone(),
                detail: serde_json::json!({"i": i}),
                returned: returned.clone(),
            };
            out.push(AuditRecord::chain(seq, &hash, &e));
        }
        out
    }

    fn verify(records: &[AuditRecord], head: (i64, String)) -> Option<i64> {
        let mut v = ChainVerifier::default();
        for r in records {
            if !v.push(r) {
                break;
            }
        }
        v.finish(Some(head)).first_broken.map(|b| b.seq)
    }

    proptest! {
        /// Any change to any field of any record is detected, at that record.
        #[test]
        fn any_edit_is_found_at_its_record(
            events in prop::collection::vec((".{0,12}", "[a-z.]{1,10}", prop::collection::vec("[A-Z]{2}[0-9]{1,3}", 0..3)), 1..20),
            pick in any::<prop::sample::Index>(),
            field in 0usize..7,
            junk in "[a-z]{1,5}",
        ) {
            let good = chain(&events);
            let head = (good.len() as i64, good.last().unwrap().hash.clone());
            prop_assert_eq!(verify(&good, head.clone()), None);
            let mut bad = good.clone();
            let i = pick.index(bad.len());
            let r = &mut bad[i];
            match field {
                0 => r.purpose.push_str(&junk),
                1 => r.action.push_str(&junk),
                2 => r.actor.push_str(&junk),
                3 => r.returned.push_str(&junk),
                4 => r.detail.push_str(&junk),
                5 => r.at += 1,
                _ => r.org_id = Some(r.org_id.unwrap_or(0) + 100),
            }
            prop_assert_eq!(verify(&bad, head), Some(i as i64 + 1));
        }

        /// Deleting any record is detected at the position it leaves empty.
        #[test]
        fn any_deletion_is_found(
            n in 1usize..20,
            pick in any::<prop::sample::Index>(),
        ) {
            let events: Vec<_> = (0..n).map(|i| (format!("p{i}"), "screen".to_string(), vec![])).collect();
            let good = chain(&events);
            let head = (good.len() as i64, good.last().unwrap().hash.clone());
            let mut bad = good.clone();
            let i = pick.index(bad.len());
            bad.remove(i);
            prop_assert_eq!(verify(&bad, head), Some(i as i64 + 1));
        }
    }
}
