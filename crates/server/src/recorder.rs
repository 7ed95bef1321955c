//! The screening recorder: one writer thread that stores screening outcomes (alerts and the audit record) in
//! group commits. Requests queue their [`ScreeningRecord`]; the writer takes everything queued, stores it in one
//! store transaction ([`Store::record_screenings`], the audit chain extended in queue order) and only then
//! answers each request. A response is therefore sent only after its audit record is committed, and while one
//! transaction commits the next batch gathers, so the per-transaction cost is shared by many requests.
//!
//! Durability is the store's: with SQLite in WAL mode and `synchronous = NORMAL`, a committed batch survives a
//! crash of the process (kill -9); an operating-system crash or power loss can lose the last commits before the
//! next checkpoint.

use std::sync::Arc;

use interdict_store::{ScreeningRecord, Store};
use tokio::sync::{mpsc, oneshot};

use crate::ApiError;

/// At most this many screening requests are stored in one transaction.
const MAX_BATCH: usize = 512;
/// Requests waiting for the writer beyond this many wait to be queued (back-pressure).
const QUEUE: usize = 8192;

type Reply = Result<Vec<i64>, ApiError>;

struct Job {
    record: ScreeningRecord,
    done: oneshot::Sender<Reply>,
}

/// Handle to the writer thread; cheap to share. The thread ends when every handle is dropped, after storing
/// what was queued.
#[derive(Debug)]
pub struct ScreeningRecorder {
    queue: mpsc::Sender<Job>,
}

impl ScreeningRecorder {
    /// Starts the writer thread over `store`.
    ///
    /// # Panics
    /// When the operating system refuses to start a thread.
    pub fn start(store: Arc<dyn Store>) -> ScreeningRecorder {
        let (queue, jobs) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("interdict-recorder".into())
            .spawn(move || write_batches(store.as_ref(), jobs))
            .expect("starting the screening recorder thread");
        ScreeningRecorder { queue }
    }

    /// Stores `record` (in the next group commit) and returns its alert ids once it is committed.
    ///
    /// # Errors
    /// [`ApiError::Internal`] when the store fails or the writer has stopped.
    pub async fn record(&self, record: ScreeningRecord) -> Reply {
        let (done, answer) = oneshot::channel();
        self.queue
            .send(Job { record, done })
            .await
            .map_err(|_| ApiError::Internal("the screening recorder has stopped".into()))?;
        answer.await.map_err(|_| {
            ApiError::Internal("the screening recorder stopped before committing".into())
        })?
    }
}

fn write_batches(store: &dyn Store, mut jobs: mpsc::Receiver<Job>) {
    let mut records = Vec::with_capacity(MAX_BATCH);
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = jobs.blocking_recv() {
        let mut next = Some(first);
        while let Some(job) = next {
            records.push(job.record);
            waiting.push(job.done);
            next = if records.len() < MAX_BATCH {
                jobs.try_recv().ok()
            } else {
                None
            };
        }
        match store.record_screenings(&records) {
            Ok(ids) => {
                for (done, ids) in waiting.drain(..).zip(ids) {
                    let _ = done.send(Ok(ids));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, requests = records.len(), "recording screenings failed");
                let message = format!("recording the screening: {e}");
                for done in waiting.drain(..) {
                    let _ = done.send(Err(ApiError::Internal(message.clone())));
                }
            }
        }
        waiting.clear();
        records.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_store::{AuditEvent, NewAlert, SqliteStore, now_ms};

    fn record(org_id: i64, n: usize, alerts: usize) -> ScreeningRecord {
        ScreeningRecord {
            org_id,
            created_by: "user:1".into(),
            alerts: (0..alerts)
                .map(|a| NewAlert {
                    query_id: format!("q{n}"),
                    query: serde_json::json!({"n": n}),
                    entity_id: format!("E{a}"),
                    caption: "Fictional".into(),
                    score: 0.9,
                    explanation: serde_json::Value::Null,
                })
                .collect(),
            audit: AuditEvent {
                at: now_ms(),
                org_id: Some(org_id),
                actor: "user:1".into(),
                purpose: "test".into(),
                action: "screen".into(),
                detail: serde_json::json!({"n": n}),
                returned: vec![],
            },
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_requests_are_all_committed_and_chained() {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open_in_memory().unwrap());
        let org = store.create_organisation("Recorder", 0).unwrap();
        let recorder = Arc::new(ScreeningRecorder::start(Arc::clone(&store)));
        let tasks: Vec<_> = (0..400)
            .map(|n| {
                let recorder = Arc::clone(&recorder);
                tokio::spawn(async move { recorder.record(record(org.id, n, n % 3)).await })
            })
            .collect();
        let mut alerts = 0;
        for (n, t) in tasks.into_iter().enumerate() {
            let ids = t.await.unwrap().unwrap();
            assert_eq!(ids.len(), n % 3);
            alerts += ids.len();
        }
        let v = store.verify_audit().unwrap();
        assert!(v.is_intact(), "{v:?}");
        assert_eq!(
            v.records, 400,
            "every acknowledged request has its audit record"
        );
        assert_eq!(store.alerts(org.id, None, 0, 10_000).unwrap().len(), alerts);
    }
}
