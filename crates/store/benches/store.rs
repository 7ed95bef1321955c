//! Store throughput: recording screenings (audit record + alerts in one transaction) and verifying the chain.
//! Each iteration asserts what it wrote, so a fast-but-wrong store fails.

use criterion::{Criterion, criterion_group, criterion_main};
use interdict_store::{AuditEvent, NewAlert, SqliteStore, Store};

fn event(i: usize) -> AuditEvent {
    AuditEvent {
        at: 1_700_000_000_000 + i as i64,
        org_id: Some(1),
        actor: "user:1:analyst/key:bench".into(),
        purpose: "benchmark".into(),
        action: "screen".into(),
        detail: serde_json::json!({"queries": [{"schema": "Person", "properties": {"name": [format!("Fictional Person {i}")]}}]}),
        returned: vec!["QDi.001".into(), "QDi.002".into()],
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("bench.db")).unwrap();
    let org = store.create_organisation("Bench", 0).unwrap();
    let alert = NewAlert {
        query_id: "q1".into(),
        query: serde_json::json!({"name": ["Fictional Person"]}),
        entity_id: "QDi.001".into(),
        caption: "FICTIONAL PERSON".into(),
        score: 0.93,
        explanation: serde_json::json!({"name": 0.93}),
    };
    let mut n = 0usize;
    c.bench_function("record_screening (audit only, file, WAL)", |b| {
        b.iter(|| {
            n += 1;
            let ids = store
                .record_screening(org.id, "bench", &[], &event(n))
                .unwrap();
            assert!(ids.is_empty());
        })
    });
    c.bench_function("record_screening (audit + 1 alert, file, WAL)", |b| {
        b.iter(|| {
            n += 1;
            let ids = store
                .record_screening(org.id, "bench", std::slice::from_ref(&alert), &event(n))
                .unwrap();
            assert_eq!(ids.len(), 1);
        })
    });
    let (mut written, mut after) = (0usize, 0i64);
    while let Some(last) = store
        .audit_records(None, after, 10_000)
        .unwrap()
        .last()
        .map(|r| r.seq)
    {
        written = last as usize;
        after = last;
    }
    let mut group = c.benchmark_group("verify_audit");
    group.sample_size(10);
    group.bench_function(format!("whole chain of {written} records"), |b| {
        b.iter(|| {
            let v = store.verify_audit().unwrap();
            assert!(v.is_intact());
            assert_eq!(v.records as usize, written);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
