//! The conformance suite every [`Store`] backend must pass. Each check takes a fresh, empty store; a backend's
//! integration test runs them all with [`crate::conformance_tests!`]:
//!
//! ```ignore
//! interdict_store::conformance_tests!(|| interdict_store::SqliteStore::open_in_memory().unwrap());
//! ```
//!
//! The checks panic (assert) on failure, as tests do.

use interdict_model::{Entity, Name, NameKind, Schema};

use crate::{
    AlertStatus, ApiKeyRecord, AuditEvent, DecisionKind, MASK, NewAlert, NewPassengerRecord,
    PassengerDataKind, Role, ScreeningRecord, Store, StoreError,
};

/// One named check.
pub type Check = fn(&dyn Store);

/// Every check, by name.
pub const CHECKS: &[(&str, Check)] = &[
    ("organisations_and_users", organisations_and_users),
    ("api_keys", api_keys),
    ("list_versions_and_diff", list_versions_and_diff),
    (
        "failed_import_keeps_previous_version",
        failed_import_keeps_previous_version,
    ),
    ("alerts_decisions_cases", alerts_decisions_cases),
    (
        "cross_organisation_reads_refused",
        cross_organisation_reads_refused,
    ),
    ("audit_chain_and_scoping", audit_chain_and_scoping),
    (
        "retention_and_repersonalisation",
        retention_and_repersonalisation,
    ),
    ("alert_retention", alert_retention),
    ("hash_banks_replace_whole", hash_banks_replace_whole),
    ("group_commit_of_screenings", group_commit_of_screenings),
];

/// Generates one `#[test]` per conformance check, each on a store made by `$make`.
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        #[test]
        fn conformance_suite() {
            let make = $make;
            for (name, check) in $crate::conformance::CHECKS {
                eprintln!("conformance check: {name}");
                let store = make();
                check(&store);
            }
        }
    };
}

const T0: i64 = 1_700_000_000_000;
const DAY: i64 = 86_400_000;

fn event(org_id: i64, action: &str, returned: &[&str]) -> AuditEvent {
    AuditEvent {
        at: T0,
        org_id: Some(org_id),
        actor: "user:test".into(),
        purpose: "conformance".into(),
        action: action.into(),
        detail: serde_json::json!({"check": action}),
        returned: returned.iter().map(|s| s.to_string()).collect(),
    }
}

fn person(id: &str, name: &str) -> Entity {
    let mut e = Entity::new(id, Schema::Person);
    e.names.push(Name::new(name, NameKind::Primary));
    e
}

fn import(store: &dyn Store, org: i64, list: &str, entities: Vec<Entity>) -> crate::ListVersion {
    let mut it = entities.into_iter().map(Ok);
    store
        .import_list(org, list, "csv", &mut it, &event(org, "list.import", &[]))
        .expect("import")
}

fn alert(entity: &str) -> NewAlert {
    NewAlert {
        query_id: "q1".into(),
        query: serde_json::json!({"name": ["Fictional Person"]}),
        entity_id: entity.into(),
        caption: "Fictional Person".into(),
        score: 0.91,
        explanation: serde_json::json!({"name": 0.91}),
    }
}

pub fn organisations_and_users(store: &dyn Store) {
    let a = store.create_organisation("Agency A", T0).unwrap();
    let b = store.create_organisation("Agency B", T0).unwrap();
    assert_ne!(a.id, b.id);
    assert!(matches!(
        store.create_organisation("Agency A", T0),
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.create_organisation("  ", T0),
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(store.organisations().unwrap().len(), 2);
    let u = store.create_user(a.id, "ana", Role::Analyst, T0).unwrap();
    store.create_user(b.id, "ana", Role::Auditor, T0).unwrap();
    assert!(matches!(
        store.create_user(a.id, "ana", Role::Admin, T0),
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.create_user(999, "x", Role::Admin, T0),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.user(u.id).unwrap(), Some(u.clone()));
    assert_eq!(store.user(12345).unwrap(), None);
    assert_eq!(store.users(a.id).unwrap(), vec![u]);
    store.ready().unwrap();
}

pub fn api_keys(store: &dyn Store) {
    let org = store.create_organisation("Keys", T0).unwrap();
    let u = store
        .create_user(org.id, "ingest", Role::Ingest, T0)
        .unwrap();
    let key = ApiKeyRecord {
        key_id: "k1".into(),
        user_id: u.id,
        secret_hash: "$argon2id$fake".into(),
        created_at: T0,
        revoked_at: None,
    };
    store.add_api_key(&key).unwrap();
    assert!(
        store.add_api_key(&key).is_err(),
        "duplicate key ids are refused"
    );
    assert_eq!(store.api_key("k1").unwrap(), Some(key));
    assert_eq!(store.api_key("nope").unwrap(), None);
    store.revoke_api_key("k1", T0 + 1).unwrap();
    assert_eq!(
        store.api_key("k1").unwrap().unwrap().revoked_at,
        Some(T0 + 1)
    );
    assert!(matches!(
        store.revoke_api_key("k1", T0 + 2),
        Err(StoreError::NotFound { .. })
    ));
}

pub fn list_versions_and_diff(store: &dyn Store) {
    let org = store.create_organisation("Lists", T0).unwrap();
    let v1 = import(
        store,
        org.id,
        "watch",
        vec![
            person("A", "Alpha One"),
            person("B", "Bravo Two"),
            person("C", "Charlie"),
        ],
    );
    assert_eq!((v1.version, v1.entity_count, v1.active), (1, 3, true));
    let v2 = import(
        store,
        org.id,
        "watch",
        vec![
            person("A", "Alpha One"),
            person("B", "Bravo Changed"),
            person("D", "Delta"),
        ],
    );
    assert_eq!((v2.version, v2.entity_count), (2, 3));
    let versions = store.list_versions(org.id, "watch").unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.version, v.active))
            .collect::<Vec<_>>(),
        vec![(1, false), (2, true)]
    );
    assert_eq!(store.lists(org.id).unwrap(), vec![v2.clone()]);
    let diff = store.list_diff(org.id, "watch", 1, 2).unwrap();
    assert_eq!(diff.added, vec!["D"]);
    assert_eq!(diff.removed, vec!["C"]);
    assert_eq!(diff.changed, vec!["B"]);
    let old = store.list_entities(org.id, "watch", 1).unwrap();
    assert_eq!(
        old.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        vec!["A", "B", "C"],
        "old versions stay queryable"
    );
    let active = store.active_entities(org.id).unwrap();
    assert_eq!(
        active.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        vec!["A", "B", "D"]
    );
    assert_eq!(active[1].names[0].text, "Bravo Changed");
    import(store, org.id, "other", vec![person("Z", "Zulu")]);
    assert_eq!(store.active_entities(org.id).unwrap().len(), 4);
    assert!(matches!(
        store.list_diff(org.id, "watch", 1, 9),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.list_versions(org.id, "missing"),
        Err(StoreError::NotFound { .. })
    ));
}

pub fn failed_import_keeps_previous_version(store: &dyn Store) {
    let org = store.create_organisation("Half", T0).unwrap();
    import(
        store,
        org.id,
        "watch",
        vec![person("A", "Alpha"), person("B", "Bravo")],
    );
    let audit_before = store.audit_records(None, 0, 1000).unwrap().len();
    let mut items = vec![
        Ok(person("X", "Xray")),
        Ok(person("Y", "Yankee")),
        Err("record 3: missing name".to_string()),
    ]
    .into_iter();
    let err = store
        .import_list(
            org.id,
            "watch",
            "csv",
            &mut items,
            &event(org.id, "list.import", &[]),
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::ImportAborted { record: 3, .. }),
        "{err:?}"
    );
    let versions = store.list_versions(org.id, "watch").unwrap();
    assert_eq!(versions.len(), 1, "no trace of the failed version");
    assert!(versions[0].active);
    let ids: Vec<String> = store
        .active_entities(org.id)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, vec!["A", "B"]);
    assert_eq!(
        store.audit_records(None, 0, 1000).unwrap().len(),
        audit_before,
        "no audit record for a failed import"
    );
    assert!(store.verify_audit().unwrap().is_intact());
    let v = import(store, org.id, "watch", vec![person("C", "Charlie")]);
    assert_eq!(
        v.version, 2,
        "version numbers stay dense after a failed import"
    );
}

pub fn alerts_decisions_cases(store: &dyn Store) {
    let org = store.create_organisation("Review", T0).unwrap();
    let ana = store.create_user(org.id, "ana", Role::Analyst, T0).unwrap();
    let ids = store
        .record_screening(
            org.id,
            "user:ana",
            &[alert("E1"), alert("E2"), alert("E3")],
            &event(org.id, "screen", &["E1"]),
        )
        .unwrap();
    assert_eq!(ids.len(), 3);
    assert!(
        store
            .record_screening(org.id, "user:ana", &[], &event(org.id, "screen", &[]))
            .unwrap()
            .is_empty()
    );
    let open = store
        .alerts(org.id, Some(AlertStatus::Open), 0, 100)
        .unwrap();
    assert_eq!(open.len(), 3);
    assert_eq!(open[0].entity_id, "E1");
    assert_eq!(open[0].explanation, serde_json::json!({"name": 0.91}));
    let paged = store.alerts(org.id, None, ids[0], 1).unwrap();
    assert_eq!(paged.iter().map(|a| a.id).collect::<Vec<_>>(), vec![ids[1]]);
    let e = event(org.id, "alert.decide", &[]);
    assert!(matches!(
        store.decide(org.id, ids[0], ana.id, DecisionKind::Dismiss, " ", T0, &e),
        Err(StoreError::Invalid {
            field: "reason",
            ..
        })
    ));
    let d = store
        .decide(
            org.id,
            ids[0],
            ana.id,
            DecisionKind::Dismiss,
            "different date of birth",
            T0,
            &e,
        )
        .unwrap();
    assert_eq!(d.decision, DecisionKind::Dismiss);
    store
        .decide(
            org.id,
            ids[1],
            ana.id,
            DecisionKind::Escalate,
            "same passport",
            T0,
            &e,
        )
        .unwrap();
    store
        .decide(
            org.id,
            ids[1],
            ana.id,
            DecisionKind::Confirm,
            "confirmed by liaison",
            T0 + 1,
            &e,
        )
        .unwrap();
    assert_eq!(
        store.alert(org.id, ids[0]).unwrap().status,
        AlertStatus::Dismissed
    );
    assert_eq!(
        store.alert(org.id, ids[1]).unwrap().status,
        AlertStatus::Confirmed
    );
    let history = store.decisions(org.id, ids[1]).unwrap();
    assert_eq!(
        history.iter().map(|d| d.decision).collect::<Vec<_>>(),
        vec![DecisionKind::Escalate, DecisionKind::Confirm]
    );
    assert_eq!(
        store
            .alerts(org.id, Some(AlertStatus::Open), 0, 100)
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        store.decide(org.id, 9999, ana.id, DecisionKind::Dismiss, "x", T0, &e),
        Err(StoreError::NotFound { .. })
    ));
    let case = store
        .create_case(
            org.id,
            ana.id,
            "Operation Fictional",
            &[ids[1], ids[2]],
            T0,
            &e,
        )
        .unwrap();
    assert_eq!(case.alert_ids, vec![ids[1], ids[2]]);
    assert_eq!(store.alert(org.id, ids[2]).unwrap().case_id, Some(case.id));
    assert_eq!(store.cases(org.id).unwrap(), vec![case.clone()]);
    assert_eq!(store.case(org.id, case.id).unwrap(), case);
    assert!(
        store
            .create_case(org.id, ana.id, "bad", &[9999], T0, &e)
            .is_err()
    );
    assert_eq!(
        store.cases(org.id).unwrap().len(),
        1,
        "a failed case creation leaves nothing behind"
    );
}

pub fn cross_organisation_reads_refused(store: &dyn Store) {
    let a = store.create_organisation("Org A", T0).unwrap();
    let b = store.create_organisation("Org B", T0).unwrap();
    let ua = store.create_user(a.id, "a", Role::Analyst, T0).unwrap();
    let ub = store.create_user(b.id, "b", Role::Analyst, T0).unwrap();
    import(store, a.id, "watch", vec![person("A", "Alpha")]);
    let ids = store
        .record_screening(
            a.id,
            "user:a",
            &[alert("A")],
            &event(a.id, "screen", &["A"]),
        )
        .unwrap();
    let e = event(b.id, "x", &[]);
    let case = store
        .create_case(a.id, ua.id, "A's case", &ids, T0, &event(a.id, "case", &[]))
        .unwrap();
    let rec = store
        .add_passenger_records(
            a.id,
            &[NewPassengerRecord {
                kind: PassengerDataKind::Pnr,
                received_at: T0,
                flight: "XX123".into(),
                personal: serde_json::json!({"name": "Fictional"}),
                other: serde_json::json!({}),
            }],
            &event(a.id, "pnr", &[]),
        )
        .unwrap();
    let nf =
        |r: Result<(), StoreError>| assert!(matches!(r, Err(StoreError::NotFound { .. })), "{r:?}");
    nf(store.alert(b.id, ids[0]).map(|_| ()));
    nf(store.decisions(b.id, ids[0]).map(|_| ()));
    nf(store
        .decide(
            b.id,
            ids[0],
            ub.id,
            DecisionKind::Dismiss,
            "not mine",
            T0,
            &e,
        )
        .map(|_| ()));
    nf(store.case(b.id, case.id).map(|_| ()));
    nf(store
        .create_case(b.id, ub.id, "steal", &ids, T0, &e)
        .map(|_| ()));
    nf(store.list_versions(b.id, "watch").map(|_| ()));
    nf(store.list_entities(b.id, "watch", 1).map(|_| ()));
    nf(store.passenger_record(b.id, rec[0]).map(|_| ()));
    nf(store
        .request_repersonalisation(b.id, rec[0], ub.id, "curious", T0, &e)
        .map(|_| ()));
    assert!(store.alerts(b.id, None, 0, 100).unwrap().is_empty());
    assert!(store.cases(b.id).unwrap().is_empty());
    assert!(store.lists(b.id).unwrap().is_empty());
    assert!(store.active_entities(b.id).unwrap().is_empty());
    assert_eq!(
        store.alert(a.id, ids[0]).unwrap().status,
        AlertStatus::Open,
        "B's attempt changed nothing"
    );
}

pub fn audit_chain_and_scoping(store: &dyn Store) {
    let a = store.create_organisation("Audit A", T0).unwrap();
    let b = store.create_organisation("Audit B", T0).unwrap();
    assert!(
        store.verify_audit().unwrap().is_intact(),
        "an empty log verifies"
    );
    for i in 0..10 {
        let org = if i % 2 == 0 { a.id } else { b.id };
        let r = store
            .append_audit(&event(org, "screen", &["E1", "E2"]))
            .unwrap();
        assert_eq!(r.seq, i + 1);
        assert_eq!(r.returned, r#"["E1","E2"]"#);
    }
    let all = store.audit_records(None, 0, 100).unwrap();
    assert_eq!(all.len(), 10);
    assert!(all.windows(2).all(|w| w[1].prev_hash == w[0].hash));
    let only_a = store.audit_records(Some(a.id), 0, 100).unwrap();
    assert_eq!(only_a.len(), 5);
    assert!(only_a.iter().all(|r| r.org_id == Some(a.id)));
    assert_eq!(store.audit_records(None, 8, 100).unwrap().len(), 2);
    let v = store.verify_audit().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!((v.records, v.head_seq), (10, 10));
}

pub fn retention_and_repersonalisation(store: &dyn Store) {
    let org = store.create_organisation("PIU", T0).unwrap();
    let analyst = store
        .create_user(org.id, "analyst", Role::Analyst, T0)
        .unwrap();
    let other_analyst = store
        .create_user(org.id, "analyst2", Role::Analyst, T0)
        .unwrap();
    let dpo = store
        .create_user(org.id, "dpo", Role::DataProtection, T0)
        .unwrap();
    let rec = |days_old: i64, name: &str| NewPassengerRecord {
        kind: PassengerDataKind::Pnr,
        received_at: T0 - days_old * DAY,
        flight: "XX123".into(),
        personal: serde_json::json!({"name": name, "phone": "+00 000", "frequent_flyer": ["XX 1"]}),
        other: serde_json::json!({"route": "AAA-BBB"}),
    };
    let ids = store
        .add_passenger_records(
            org.id,
            &[rec(10, "Fresh"), rec(181, "Old"), rec(2000, "Ancient")],
            &event(org.id, "pnr", &[]),
        )
        .unwrap();
    let now = T0;
    let outcome = store
        .apply_retention(
            PassengerDataKind::Pnr,
            now - 180 * DAY,
            now - 5 * 365 * DAY,
            now,
        )
        .unwrap();
    assert_eq!((outcome.masked, outcome.deleted), (1, 1));
    assert_eq!(
        store.passenger_record(org.id, ids[0]).unwrap().personal["name"],
        "Fresh"
    );
    let masked = store.passenger_record(org.id, ids[1]).unwrap();
    assert_eq!(masked.personal["name"], MASK);
    assert_eq!(masked.personal["frequent_flyer"][0], MASK);
    assert_eq!(
        masked.other["route"], "AAA-BBB",
        "non-personal fields are kept"
    );
    assert_eq!(masked.masked_at, Some(now));
    assert!(matches!(
        store.passenger_record(org.id, ids[2]),
        Err(StoreError::NotFound { .. })
    ));
    let again = store
        .apply_retention(
            PassengerDataKind::Pnr,
            now - 180 * DAY,
            now - 5 * 365 * DAY,
            now,
        )
        .unwrap();
    assert_eq!(
        (again.masked, again.deleted),
        (0, 0),
        "retention is idempotent"
    );
    let api = store
        .apply_retention(PassengerDataKind::Api, now, now - 5 * 365 * DAY, now)
        .unwrap();
    assert_eq!(api.masked, 0, "other data kinds are untouched");

    let e = event(org.id, "repersonalise", &[]);
    let req = store
        .request_repersonalisation(org.id, ids[1], analyst.id, "investigation 42", now, &e)
        .unwrap();
    assert!(matches!(
        store.repersonalised_record(org.id, req.id, &e),
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.approve_repersonalisation(org.id, req.id, analyst.id, now, &e),
        Err(StoreError::Conflict(_))
    ));
    assert!(
        matches!(
            store.approve_repersonalisation(org.id, req.id, other_analyst.id, now, &e),
            Err(StoreError::Conflict(_))
        ),
        "a second user without the data_protection role cannot approve"
    );
    let approved = store
        .approve_repersonalisation(org.id, req.id, dpo.id, now + 1, &e)
        .unwrap();
    assert_eq!(approved.approved_by, Some(dpo.id));
    let full = store.repersonalised_record(org.id, req.id, &e).unwrap();
    assert_eq!(full.personal["name"], "Old");
    assert_eq!(
        store.passenger_record(org.id, ids[1]).unwrap().personal["name"],
        MASK,
        "still masked for everyone else"
    );
    let actions: Vec<String> = store
        .audit_records(None, 0, 1000)
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert!(actions.iter().any(|a| a == "retention.apply"));
    assert!(store.verify_audit().unwrap().is_intact());
}

pub fn alert_retention(store: &dyn Store) {
    let org = store.create_organisation("Alerts kept", T0).unwrap();
    let ana = store.create_user(org.id, "ana", Role::Analyst, T0).unwrap();
    let at = |days_old: i64, action: &str| AuditEvent {
        at: T0 - days_old * DAY,
        ..event(org.id, action, &[])
    };
    let old = store
        .record_screening(
            org.id,
            "user:ana",
            &[alert("OLD1"), alert("OLD2")],
            &at(2000, "screen"),
        )
        .unwrap();
    let recent = store
        .record_screening(org.id, "user:ana", &[alert("NEW1")], &at(10, "screen"))
        .unwrap();
    let e = at(10, "alert.decide");
    for id in [old[0], recent[0]] {
        store
            .decide(
                org.id,
                id,
                ana.id,
                DecisionKind::Escalate,
                "same passport",
                T0,
                &e,
            )
            .unwrap();
    }
    let case = store
        .create_case(
            org.id,
            ana.id,
            "Case 1",
            &[old[0], old[1], recent[0]],
            T0,
            &e,
        )
        .unwrap();
    assert_eq!(case.alert_ids.len(), 3);
    let audit_before = store.audit_records(None, 0, 1000).unwrap();

    let cutoff = T0 - 1825 * DAY;
    let outcome = store.delete_alerts_before(cutoff, T0).unwrap();
    assert_eq!(
        (outcome.alerts, outcome.decisions, outcome.cases),
        (2, 1, 1)
    );
    for id in &old {
        assert!(
            matches!(store.alert(org.id, *id), Err(StoreError::NotFound { .. })),
            "an alert older than the cut-off is gone"
        );
    }
    assert!(
        store
            .decisions(org.id, old[0])
            .unwrap_or_default()
            .is_empty()
    );
    assert_eq!(store.alert(org.id, recent[0]).unwrap().entity_id, "NEW1");
    assert_eq!(store.decisions(org.id, recent[0]).unwrap().len(), 1);
    let kept = store.case(org.id, case.id).unwrap();
    assert_eq!(kept.title, "Case 1", "the case row is kept");
    assert_eq!(
        kept.alert_ids,
        vec![recent[0]],
        "deleted alerts leave the case"
    );
    let again = store.delete_alerts_before(cutoff, T0).unwrap();
    assert_eq!(again.alerts, 0, "alert retention is idempotent");

    let audit_after = store.audit_records(None, 0, 1000).unwrap();
    assert_eq!(
        &audit_after[..audit_before.len()],
        &audit_before[..],
        "audit records are never deleted or changed"
    );
    let log = &audit_after[audit_before.len()];
    assert_eq!(log.action, "retention.alerts_delete");
    assert_eq!(log.org_id, None);
    assert!(
        !log.detail.contains("Fictional") && !log.detail.contains("OLD1"),
        "no personal data in the audit record: {}",
        log.detail
    );
    assert!(store.verify_audit().unwrap().is_intact());
}

pub fn hash_banks_replace_whole(store: &dyn Store) {
    let a = store.create_organisation("Hashes A", T0).unwrap();
    let b = store.create_organisation("Hashes B", T0).unwrap();
    assert!(store.hash_banks(a.id).unwrap().is_empty());
    store
        .put_hash_bank(
            a.id,
            "tve",
            "signal_type,signal\npdq,00",
            1,
            &event(a.id, "hashes.import", &[]),
        )
        .unwrap();
    store
        .put_hash_bank(
            a.id,
            "tve",
            "signal_type,signal\npdq,01\npdq,02",
            2,
            &event(a.id, "hashes.import", &[]),
        )
        .unwrap();
    store
        .put_hash_bank(
            a.id,
            "csam-free",
            "x",
            0,
            &event(a.id, "hashes.import", &[]),
        )
        .unwrap();
    let banks = store.hash_banks(a.id).unwrap();
    assert_eq!(
        banks
            .iter()
            .map(|h| (h.bank.as_str(), h.entries))
            .collect::<Vec<_>>(),
        vec![("csam-free", 0), ("tve", 2)]
    );
    assert!(banks[1].body.ends_with("pdq,02"));
    assert!(
        store.hash_banks(b.id).unwrap().is_empty(),
        "banks are per organisation"
    );
    assert!(store.verify_audit().unwrap().is_intact());
}

pub fn group_commit_of_screenings(store: &dyn Store) {
    let a = store.create_organisation("Batch A", T0).unwrap();
    let b = store.create_organisation("Batch B", T0).unwrap();
    assert!(store.record_screenings(&[]).unwrap().is_empty());
    store.append_audit(&event(a.id, "before", &[])).unwrap();
    let rec = |org: i64, alerts: Vec<NewAlert>, n: usize| ScreeningRecord {
        org_id: org,
        created_by: format!("user:{n}"),
        alerts,
        audit: event(org, &format!("screen {n}"), &["E1"]),
    };
    let batch = vec![
        rec(a.id, vec![alert("E1"), alert("E2")], 1),
        rec(b.id, vec![], 2),
        rec(b.id, vec![alert("E3")], 3),
        rec(a.id, vec![], 4),
    ];
    let ids = store.record_screenings(&batch).unwrap();
    assert_eq!(
        ids.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![2, 0, 1, 0],
        "alert ids per request, in order"
    );
    assert_eq!(store.alert(a.id, ids[0][1]).unwrap().entity_id, "E2");
    assert_eq!(store.alert(b.id, ids[2][0]).unwrap().created_by, "user:3");
    assert!(matches!(
        store.alert(a.id, ids[2][0]),
        Err(StoreError::NotFound { .. })
    ));
    let log = store.audit_records(None, 0, 100).unwrap();
    assert_eq!(
        log.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
        vec!["before", "screen 1", "screen 2", "screen 3", "screen 4"],
        "audit records chained in batch order"
    );
    assert_eq!(log[2].org_id, Some(b.id));
    let v = store.verify_audit().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.head_seq, 5);
    let after = store.append_audit(&event(a.id, "after", &[])).unwrap();
    assert_eq!(
        (after.seq, after.prev_hash.as_str()),
        (6, log[4].hash.as_str())
    );
    assert!(store.verify_audit().unwrap().is_intact());
}
