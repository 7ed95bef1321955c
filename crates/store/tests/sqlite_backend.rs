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
fn an_external_anchor_detects_a_truncated_tail_with_a_rewritten_head() {
    let (_dir, path) = chain_of(8);
    let anchor = SqliteStore::open(&path)
        .unwrap()
        .verify_audit()
        .unwrap()
        .anchor()
        .unwrap();
    assert_eq!(anchor.seq, 8);
    // Someone with write access deletes the newest records and moves the stored head back to match.
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "DELETE FROM audit_log WHERE seq > 5;
             UPDATE audit_head SET seq = 5, hash = (SELECT hash FROM audit_log WHERE seq = 5);",
        )
        .unwrap();
    let store = SqliteStore::open(&path).unwrap();
    assert!(
        store.verify_audit().unwrap().is_intact(),
        "without an anchor the shortened chain looks whole"
    );
    let v = store.verify_audit_against(Some(&anchor)).unwrap();
    let broken = v.first_broken.expect("the anchor detects the truncation");
    assert_eq!(broken.seq, 6, "{}", broken.reason);
    assert!(broken.reason.contains("anchor"), "{}", broken.reason);
    // New records after the anchor keep verifying against it.
    let (_dir2, path2) = chain_of(3);
    let store = SqliteStore::open(&path2).unwrap();
    let anchor = store.verify_audit().unwrap().anchor().unwrap();
    store.append_audit(&event(10)).unwrap();
    let v = store.verify_audit_against(Some(&anchor)).unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.head_seq, 4);
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

mod sealing_at_rest {
    use interdict_store::{
        AuditEvent, NewPassengerRecord, PassengerDataKind, Role, SealingKey, SqliteStore, Store,
        StoreError,
    };
    use rusqlite::Connection;

    const DAY: i64 = 86_400_000;
    const NOW: i64 = 1_700_000_000_000;
    const NAME: &str = "Zebulon Quixotically-Fictional";

    fn event() -> AuditEvent {
        AuditEvent {
            at: NOW,
            org_id: Some(1),
            actor: "user:test".into(),
            purpose: "sealing test".into(),
            action: "test".into(),
            detail: serde_json::json!({}),
            returned: vec![],
        }
    }

    /// Every byte SQLite keeps for the database: the main file, its WAL and shared-memory index.
    fn file_bytes(path: &std::path::Path) -> Vec<u8> {
        let mut all = Vec::new();
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let p = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if let Ok(b) = std::fs::read(&p) {
                all.extend(b);
            }
        }
        all
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn retention(store: &SqliteStore, now: i64) -> (u64, u64) {
        let o = store
            .apply_retention(
                PassengerDataKind::Pnr,
                now - 180 * DAY,
                now - 5 * 365 * DAY,
                now,
            )
            .unwrap();
        (o.masked, o.deleted)
    }

    #[test]
    fn masked_originals_are_sealed_repersonalised_and_deleted_with_their_ciphertext() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let key = SealingKey::generate();
        let store = SqliteStore::open(&path)
            .unwrap()
            .with_sealing_key(key.clone())
            .unwrap();
        let org = store.create_organisation("PIU", NOW).unwrap();
        let analyst = store
            .create_user(org.id, "ana", Role::Analyst, NOW)
            .unwrap();
        let dpo = store
            .create_user(org.id, "dpo", Role::DataProtection, NOW)
            .unwrap();
        let ids = store
            .add_passenger_records(
                org.id,
                &[NewPassengerRecord {
                    kind: PassengerDataKind::Pnr,
                    received_at: NOW - 200 * DAY,
                    flight: "XX123".into(),
                    personal: serde_json::json!({"name": NAME, "document_number": "X0000001"}),
                    other: serde_json::json!({"route": "AAA-BBB"}),
                }],
                &event(),
            )
            .unwrap();
        assert!(
            contains(&file_bytes(&path), NAME.as_bytes()),
            "the live record is stored"
        );

        assert_eq!(retention(&store, NOW), (1, 0));
        let stored = file_bytes(&path);
        assert!(
            !contains(&stored, NAME.as_bytes()),
            "no plaintext name in the files after masking"
        );
        assert!(
            !contains(&stored, b"X0000001"),
            "no plaintext document number either"
        );
        let sealed: Vec<u8> = Connection::open(&path)
            .unwrap()
            .query_row(
                "SELECT sealed FROM passenger_records WHERE id = ?1",
                [ids[0]],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(SealingKey::key_id_of(&sealed), Some(key.id()));

        // Re-personalisation after the second (data-protection) approver opens the sealed original.
        let req = store
            .request_repersonalisation(org.id, ids[0], analyst.id, "case 7", NOW, &event())
            .unwrap();
        store
            .approve_repersonalisation(org.id, req.id, dpo.id, NOW, &event())
            .unwrap();
        let full = store
            .repersonalised_record(org.id, req.id, &event())
            .unwrap();
        assert_eq!(full.personal["name"], NAME);
        drop(store);

        // Another key is refused at start; a keyless store cannot open it either.
        let wrong = SqliteStore::open(&path)
            .unwrap()
            .with_sealing_key(SealingKey::generate());
        assert!(matches!(wrong, Err(StoreError::Sealing(_))), "{wrong:?}");
        let keyless = SqliteStore::open(&path).unwrap();
        assert!(matches!(
            keyless.repersonalised_record(org.id, req.id, &event()),
            Err(StoreError::Sealing(_))
        ));
        drop(keyless);

        // After the maximum retention the record goes, and its ciphertext with it.
        let store = SqliteStore::open(&path)
            .unwrap()
            .with_sealing_key(key)
            .unwrap();
        assert_eq!(retention(&store, NOW + 5 * 365 * DAY), (0, 1));
        assert!(matches!(
            store.passenger_record(org.id, ids[0]),
            Err(StoreError::NotFound { .. })
        ));
        let stored = file_bytes(&path);
        assert!(
            !contains(&stored, &sealed[sealed.len() - 32..]),
            "ciphertext removed from the files"
        );
        assert!(
            !contains(&stored, &sealed[..36]),
            "sealed header and nonce removed too"
        );
        assert!(store.verify_audit().unwrap().is_intact());
    }

    #[test]
    fn plaintext_originals_of_older_databases_are_sealed_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let store = SqliteStore::open(&path).unwrap();
        let org = store.create_organisation("PIU", NOW).unwrap();
        drop(store);
        let original = serde_json::json!({"name": NAME}).to_string();
        Connection::open(&path)
            .unwrap()
            .execute(
                "INSERT INTO passenger_records (org_id, kind, received_at, flight, personal, sealed, masked_at, other)
                 VALUES (?1, 'pnr', 0, 'XX1', '{\"name\":\"[masked]\"}', ?2, 1, '{}')",
                rusqlite::params![org.id, original],
            )
            .unwrap();
        assert!(contains(&file_bytes(&path), NAME.as_bytes()));
        let key = SealingKey::generate();
        let store = SqliteStore::open(&path)
            .unwrap()
            .with_sealing_key(key.clone())
            .unwrap();
        assert!(
            !contains(&file_bytes(&path), NAME.as_bytes()),
            "plaintext original sealed on open"
        );
        let ana = store
            .create_user(org.id, "ana", Role::Analyst, NOW)
            .unwrap();
        let dpo = store
            .create_user(org.id, "dpo", Role::DataProtection, NOW)
            .unwrap();
        let req = store
            .request_repersonalisation(org.id, 1, ana.id, "case 8", NOW, &event())
            .unwrap();
        store
            .approve_repersonalisation(org.id, req.id, dpo.id, NOW, &event())
            .unwrap();
        assert_eq!(
            store
                .repersonalised_record(org.id, req.id, &event())
                .unwrap()
                .personal["name"],
            NAME
        );
    }
}
