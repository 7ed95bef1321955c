//! The tamper-evident audit log: every record carries the SHA-256 of its own content chained to the hash of the
//! record before it, so editing, deleting, inserting or reordering any record breaks the chain at that record.
//! Backends store [`AuditRecord`]s; hashing and verification live here, once, for all of them.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Millis;

/// The `prev_hash` of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append: who did what, when, why, and which entity ids were returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub at: Millis,
    /// The organisation the actor belongs to (`None` for system events such as retention runs).
    pub org_id: Option<i64>,
    /// `user:<id>/key:<key id>`, or `system:<job>`.
    pub actor: String,
    /// The purpose the actor stated.
    pub purpose: String,
    /// What was done: `screen`, `alert.decide`, `list.import`, `audit.read`, ...
    pub action: String,
    /// What was queried or changed (JSON).
    pub detail: serde_json::Value,
    /// The ids of the entities or records returned or touched.
    pub returned: Vec<String>,
}

/// A stored audit record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    pub seq: i64,
    pub at: Millis,
    pub org_id: Option<i64>,
    pub actor: String,
    pub purpose: String,
    pub action: String,
    /// The event's detail as canonical JSON text (the hashed form).
    pub detail: String,
    /// The returned ids as JSON array text (the hashed form).
    pub returned: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// Builds the record that follows `prev` (sequence number and hash) for `event`.
    pub fn chain(prev_seq: i64, prev_hash: &str, event: &AuditEvent) -> AuditRecord {
        let mut record = AuditRecord {
            seq: prev_seq + 1,
            at: event.at,
            org_id: event.org_id,
            actor: event.actor.clone(),
            purpose: event.purpose.clone(),
            action: event.action.clone(),
            detail: event.detail.to_string(),
            returned: serde_json::Value::from(event.returned.clone()).to_string(),
            prev_hash: prev_hash.to_string(),
            hash: String::new(),
        };
        record.hash = record.computed_hash();
        record
    }

    /// The hash this record's content and `prev_hash` give. Each field is length-prefixed, so no two different
    /// records hash the same input.
    pub fn computed_hash(&self) -> String {
        let mut h = Sha256::new();
        let org = self.org_id.map(|o| o.to_string()).unwrap_or_default();
        let seq = self.seq.to_string();
        let at = self.at.to_string();
        for field in [
            seq.as_str(),
            at.as_str(),
            org.as_str(),
            &self.actor,
            &self.purpose,
            &self.action,
            &self.detail,
            &self.returned,
            &self.prev_hash,
        ] {
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// Why the chain is broken, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrokenRecord {
    /// The sequence number of the first record that fails (or, for a missing record, the one expected there).
    pub seq: i64,
    pub reason: String,
}

/// The outcome of checking a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditVerification {
    /// Records checked before the first break (or all of them).
    pub records: u64,
    /// The sequence number and hash of the last record that verified (0 and [`GENESIS_HASH`] for none).
    pub head_seq: i64,
    pub head_hash: String,
    pub first_broken: Option<BrokenRecord>,
}

/// An external anchor of the chain: the sequence number and hash of one record, published or kept outside the
/// database. A chain that verifies against an anchor still holds that record unchanged, so deleting the newest
/// records (even with the stored head rewritten to match) or rewriting the chain up to it is detected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditAnchor {
    pub seq: i64,
    pub hash: String,
}

impl AuditVerification {
    pub fn is_intact(&self) -> bool {
        self.first_broken.is_none()
    }

    /// The anchor of the verified head, or `None` when the chain is broken (a broken chain is not anchored).
    pub fn anchor(&self) -> Option<AuditAnchor> {
        self.is_intact().then(|| AuditAnchor {
            seq: self.head_seq,
            hash: self.head_hash.clone(),
        })
    }
}

/// Incremental chain checker: feed records in stored order, then [`ChainVerifier::finish`] with the stored head.
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    records: u64,
    broken: Option<BrokenRecord>,
    anchor: Option<AuditAnchor>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_string(),
            records: 0,
            broken: None,
            anchor: None,
        }
    }
}

impl ChainVerifier {
    /// A verifier that also requires the chain to hold the record named by `anchor`, with that hash.
    pub fn with_anchor(anchor: AuditAnchor) -> ChainVerifier {
        ChainVerifier {
            anchor: Some(anchor),
            ..ChainVerifier::default()
        }
    }

    /// Checks the next record; returns false once the chain is broken (later records need not be fed).
    pub fn push(&mut self, r: &AuditRecord) -> bool {
        if self.broken.is_some() {
            return false;
        }
        let reason = if r.seq != self.expected_seq {
            if r.seq > self.expected_seq {
                Some((
                    self.expected_seq,
                    format!("record missing (next stored record is {})", r.seq),
                ))
            } else {
                Some((
                    r.seq,
                    format!("out of order: expected record {}", self.expected_seq),
                ))
            }
        } else if r.prev_hash != self.prev_hash {
            Some((r.seq, "previous-hash link does not match the record before it (deleted, inserted or reordered)".to_string()))
        } else if r.computed_hash() != r.hash {
            Some((
                r.seq,
                "content does not match its hash (edited)".to_string(),
            ))
        } else if self
            .anchor
            .as_ref()
            .is_some_and(|a| a.seq == r.seq && a.hash != r.hash)
        {
            Some((
                r.seq,
                "hash differs from the external anchor (the chain was rewritten up to here)"
                    .to_string(),
            ))
        } else {
            None
        };
        if let Some((seq, reason)) = reason {
            self.broken = Some(BrokenRecord { seq, reason });
            return false;
        }
        self.expected_seq += 1;
        self.prev_hash = r.hash.clone();
        self.records += 1;
        true
    }

    /// Completes the check against the stored head (last sequence number and hash).
    pub fn finish(mut self, head: Option<(i64, String)>) -> AuditVerification {
        let last_seq = self.expected_seq - 1;
        if self.broken.is_none() {
            let (head_seq, head_hash) = head.unwrap_or((0, GENESIS_HASH.to_string()));
            if head_seq != last_seq {
                self.broken = Some(BrokenRecord {
                    seq: last_seq + 1,
                    reason: format!(
                        "chain ends at record {last_seq} but the head says {head_seq} (newest records deleted)"
                    ),
                });
            } else if head_hash != self.prev_hash {
                self.broken = Some(BrokenRecord {
                    seq: last_seq,
                    reason: "last record's hash differs from the stored head".to_string(),
                });
            } else if let Some(a) = self.anchor.as_ref().filter(|a| a.seq > last_seq) {
                self.broken = Some(BrokenRecord {
                    seq: last_seq + 1,
                    reason: format!(
                        "chain ends at record {last_seq} but the external anchor names record {} (newest records deleted)",
                        a.seq
                    ),
                });
            } else if let Some(a) = self
                .anchor
                .as_ref()
                .filter(|a| a.seq == 0 && a.hash != GENESIS_HASH)
            {
                self.broken = Some(BrokenRecord {
                    seq: 0,
                    reason: format!(
                        "the external anchor's hash {} is not the genesis hash of record 0",
                        a.hash
                    ),
                });
            }
        }
        AuditVerification {
            records: self.records,
            head_seq: last_seq,
            head_hash: self.prev_hash,
            first_broken: self.broken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: i64) -> AuditEvent {
        AuditEvent {
            at: 1_700_000_000_000 + n,
            org_id: Some(1),
            actor: "user:1".into(),
            purpose: "test".into(),
            action: "screen".into(),
            detail: serde_json::json!({"n": n}),
            returned: vec![format!("E{n}")],
        }
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        for i in 0..n {
            let (seq, hash) = out
                .last()
                .map(|r| (r.seq, r.hash.clone()))
                .unwrap_or((0, GENESIS_HASH.into()));
            out.push(AuditRecord::chain(seq, &hash, &event(i)));
        }
        out
    }

    fn verify(records: &[AuditRecord], head: Option<(i64, String)>) -> AuditVerification {
        let mut v = ChainVerifier::default();
        for r in records {
            if !v.push(r) {
                break;
            }
        }
        v.finish(head)
    }

    #[test]
    fn an_anchor_detects_truncation_and_rewriting() {
        let good = chain(6);
        let anchor = AuditAnchor {
            seq: 4,
            hash: good[3].hash.clone(),
        };
        let check = |records: &[AuditRecord], anchor: &AuditAnchor| {
            let mut v = ChainVerifier::with_anchor(anchor.clone());
            for r in records {
                if !v.push(r) {
                    break;
                }
            }
            let head = records.last().map(|r| (r.seq, r.hash.clone()));
            v.finish(head)
        };
        let ok = check(&good, &anchor);
        assert!(ok.is_intact(), "{ok:?}");
        assert_eq!(ok.anchor().unwrap().hash, good[5].hash);
        // Truncated to 3 records with the stored head rewritten to match: only the anchor sees it.
        assert!(verify(&good[..3], Some((3, good[2].hash.clone()))).is_intact());
        let cut = check(&good[..3], &anchor);
        assert_eq!(cut.first_broken.as_ref().map(|b| b.seq), Some(4), "{cut:?}");
        // The tail rewritten from record 3 on (re-chained, so the chain itself verifies).
        let mut rewritten = good[..2].to_vec();
        for i in 2..6 {
            let prev = rewritten.last().unwrap();
            let (seq, hash) = (prev.seq, prev.hash.clone());
            rewritten.push(AuditRecord::chain(seq, &hash, &event(100 + i)));
        }
        let redone = check(&rewritten, &anchor);
        assert_eq!(
            redone.first_broken.as_ref().map(|b| b.seq),
            Some(4),
            "{redone:?}"
        );
        // An anchor at the genesis accepts any intact chain; a broken chain has no anchor.
        let genesis = AuditAnchor {
            seq: 0,
            hash: GENESIS_HASH.into(),
        };
        assert!(check(&good, &genesis).is_intact());
        assert!(cut.anchor().is_none());
    }

    #[test]
    fn tampering_is_located() {
        let good = chain(5);
        let head = Some((5, good[4].hash.clone()));
        assert!(verify(&good, head.clone()).is_intact());
        type Tamper = fn(&mut Vec<AuditRecord>);
        let cases: &[(&str, Tamper, i64)] = &[
            ("edit purpose", |v| v[2].purpose = "other".into(), 3),
            ("edit returned", |v| v[0].returned = "[]".into(), 1),
            ("delete middle", |v| drop(v.remove(1)), 2),
            ("swap two", |v| v.swap(2, 3), 3),
            ("delete last", |v| drop(v.pop()), 5),
            (
                "renumber after delete",
                |v| {
                    v.remove(1);
                    for (i, r) in v.iter_mut().enumerate() {
                        r.seq = i as i64 + 1;
                    }
                },
                2,
            ),
        ];
        for (name, tamper, seq) in cases {
            let mut v = good.clone();
            tamper(&mut v);
            let got = verify(&v, head.clone());
            assert_eq!(
                got.first_broken.as_ref().map(|b| b.seq),
                Some(*seq),
                "{name}: {got:?}"
            );
        }
    }
}
