//! The monitor: runs a [`RulePack`] over a time-ordered stream of transactions, keeping windowed aggregates per
//! account and customer, screening the parties, and returning [`Alert`]s.

use crate::alert::{Alert, AlertAction, ScreeningFinding};
use crate::rules::expr::EvalContext;
use crate::rules::window::{WindowEvent, WindowState};
use crate::rules::{Entity, ReportKind, RulePack, Side};
use crate::screening::{PartyQuery, PartyRole, PartyScreener, ScreeningCache};
use crate::{Party, Timestamp, Transaction};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

/// FxHash (rustc's hasher): fast for the short account-id keys the window maps use. Keys come from the bank's
/// own data, not from an adversary choosing collisions.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type KeyMap<V> = HashMap<Box<str>, V, BuildHasherDefault<KeyHasher>>;

fn hash_str(s: &str) -> u64 {
    let mut h = KeyHasher::default();
    s.hash(&mut h);
    h.finish()
}

/// Counters of a monitor run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MonitorStats {
    pub transactions: u64,
    pub alerts: u64,
    pub alerts_by_rule: BTreeMap<String, u64>,
    /// Repeat alerts held back by a rule's `suppress` window.
    pub suppressed: u64,
    /// Transactions in a currency the pack has no rate for (their amount counts as 0 in aggregates).
    pub unconverted_currency: u64,
    /// Transactions older than the newest one already seen (windows assume time order).
    pub out_of_order: u64,
    pub screening_calls: u64,
    pub screening_cache_hits: u64,
    /// Window events held right now, and the entities holding them (the memory the monitor uses).
    pub live_window_events: u64,
    pub live_window_entities: u64,
}

/// The most transactions an alert lists (the triggering one first).
pub const MAX_ALERT_TRANSACTIONS: usize = 500;

/// Runs a rule pack over transactions. Not `Sync`: one monitor per stream (partition streams by customer to run
/// several in parallel); the pack and the screener are shared.
#[derive(Debug)]
pub struct Monitor {
    pack: Arc<RulePack>,
    states: Vec<KeyMap<WindowState>>,
    last_alert: Vec<KeyMap<Timestamp>>,
    screening: Option<ScreeningCache>,
    stats: MonitorStats,
    latest: Timestamp,
    scratch: Vec<f64>,
    since_sweep: u64,
}

fn side_party(tx: &Transaction, side: Side) -> (&Party, &Party) {
    match side {
        Side::Debtor => (&tx.debtor, &tx.creditor),
        Side::Creditor => (&tx.creditor, &tx.debtor),
    }
}

fn entity_key(p: &Party, e: Entity) -> &str {
    match e {
        Entity::Account => p.account_key(),
        Entity::Customer => p.customer_key(),
    }
}

impl Monitor {
    /// A monitor without party screening.
    pub fn new(pack: Arc<RulePack>) -> Self {
        let n = pack.aggregates.len();
        let r = pack.rules.len();
        Monitor {
            pack,
            states: (0..n).map(|_| KeyMap::default()).collect(),
            last_alert: (0..r).map(|_| KeyMap::default()).collect(),
            screening: None,
            stats: MonitorStats::default(),
            latest: Timestamp(i64::MIN),
            scratch: vec![0.0; n],
            since_sweep: 0,
        }
    }

    /// A monitor that also screens parties. `cache_capacity` bounds the distinct parties remembered.
    pub fn with_screener(
        pack: Arc<RulePack>,
        screener: Arc<dyn PartyScreener>,
        cache_capacity: usize,
    ) -> Self {
        let mut m = Monitor::new(pack);
        m.screening = Some(ScreeningCache::new(screener, cache_capacity));
        m
    }

    pub fn pack(&self) -> &RulePack {
        &self.pack
    }

    /// Counters so far, including the live memory of the windows.
    pub fn stats(&self) -> MonitorStats {
        let mut s = self.stats.clone();
        s.live_window_entities = self.states.iter().map(|m| m.len() as u64).sum();
        s.live_window_events = self
            .states
            .iter()
            .flat_map(|m| m.values())
            .map(|w| w.len() as u64)
            .sum();
        if let Some(c) = &self.screening {
            s.screening_calls = c.misses;
            s.screening_cache_hits = c.hits;
        }
        s
    }

    /// Processes one transaction and returns the alerts it raises (usually none).
    pub fn process(&mut self, tx: Transaction) -> Vec<Alert> {
        let mut alerts = Vec::new();
        self.process_into(tx, &mut alerts);
        alerts
    }

    /// Processes one transaction, appending its alerts to `out`.
    pub fn process_into(&mut self, tx: Transaction, out: &mut Vec<Alert>) {
        let pack = self.pack.clone();
        self.stats.transactions += 1;
        let now = tx.timestamp;
        if now < self.latest {
            self.stats.out_of_order += 1;
        } else {
            self.latest = now;
        }
        let converted = pack.convert(tx.amount, tx.currency);
        if converted.is_none() {
            self.stats.unconverted_currency += 1;
        }
        let amount_minor = converted.unwrap_or(0);
        let amount_major = converted.map(|c| c as f64 / 100.0).unwrap_or(f64::NAN);
        let tx = Arc::new(tx);

        // 1. Count the transaction in every aggregate whose flow and filter it passes.
        for side in [Side::Debtor, Side::Creditor] {
            let (me, other) = side_party(&tx, side);
            let cx = EvalContext {
                tx: &tx,
                side,
                amount: amount_major,
                offset: pack.offset,
                aggregates: &[],
            };
            let counterparty = hash_str(if other.account_key().is_empty() {
                &other.name
            } else {
                other.account_key()
            });
            for (i, a) in pack.aggregates.iter().enumerate() {
                if !a.flow.includes(side) {
                    continue;
                }
                let key = entity_key(me, a.entity);
                if key.is_empty() {
                    continue;
                }
                if let Some(f) = &a.filter
                    && !f.test(&cx)
                {
                    continue;
                }
                let map = &mut self.states[i];
                let state = match map.get_mut(key) {
                    Some(s) => s,
                    None => map.entry(key.into()).or_default(),
                };
                state.expire(a.window, now, pack.offset);
                let track = a.function == crate::rules::AggregateFn::DistinctCounterparties;
                state.push(
                    WindowEvent {
                        ts: now,
                        amount: amount_minor,
                        counterparty,
                        tx: tx.clone(),
                    },
                    track,
                );
            }
        }

        // 2. Evaluate the rules.
        for (ri, rule) in pack.rules.iter().enumerate() {
            for &side in &rule.sides {
                let (me, _) = side_party(&tx, side);
                for &ai in &rule.aggregates {
                    let a = &pack.aggregates[ai];
                    let key = entity_key(me, a.entity);
                    self.scratch[ai] = match self.states[ai].get_mut(key) {
                        Some(state) if !key.is_empty() => {
                            state.expire(a.window, now, pack.offset);
                            state.value(a.function)
                        }
                        _ => 0.0,
                    };
                }
                let cx = EvalContext {
                    tx: &tx,
                    side,
                    amount: amount_major,
                    offset: pack.offset,
                    aggregates: &self.scratch,
                };
                if !rule.when.test(&cx) {
                    continue;
                }
                let subject_key = me.account_key();
                if let (Some(w), false) = (rule.suppress, subject_key.is_empty()) {
                    if let Some(last) = self.last_alert[ri].get(subject_key)
                        && w.contains(*last, now, pack.offset)
                    {
                        self.stats.suppressed += 1;
                        break;
                    }
                    self.last_alert[ri].insert(subject_key.into(), now);
                }
                let mut values = BTreeMap::new();
                values.insert("amount".to_string(), amount_major);
                for &ai in &rule.aggregates {
                    values.insert(pack.aggregates[ai].name.clone(), self.scratch[ai]);
                }
                let mut txs: Vec<Arc<Transaction>> = vec![tx.clone()];
                for &ai in &rule.aggregates {
                    let key = entity_key(me, pack.aggregates[ai].entity);
                    if let Some(state) = self.states[ai].get(key) {
                        for e in state.events() {
                            if txs.len() >= MAX_ALERT_TRANSACTIONS {
                                break;
                            }
                            if !txs.iter().any(|t| Arc::ptr_eq(t, &e.tx)) {
                                txs.push(e.tx.clone());
                            }
                        }
                    }
                }
                txs[1..].sort_by_key(|t| t.timestamp);
                *self
                    .stats
                    .alerts_by_rule
                    .entry(rule.id.clone())
                    .or_insert(0) += 1;
                self.stats.alerts += 1;
                out.push(Alert {
                    id: format!("{}/{}/{}", rule.id, tx.id, side.as_str()),
                    rule_id: rule.id.clone(),
                    rule_version: rule.version,
                    pack_id: pack.id.clone(),
                    pack_version: pack.version.clone(),
                    title: rule.title.clone(),
                    report: rule.report,
                    action: AlertAction::Review,
                    side,
                    subject: me.clone(),
                    timestamp: now,
                    condition: rule.when_text.clone(),
                    values,
                    currency: pack.currency.code().to_string(),
                    transactions: txs.iter().map(|t| (**t).clone()).collect(),
                    screening: Vec::new(),
                    tags: rule.tags.clone(),
                });
                break;
            }
        }

        // 3. Screen the parties.
        if let (Some(policy), Some(cache)) = (&pack.screening, self.screening.as_mut()) {
            let mut findings = Vec::new();
            let mut queries: Vec<(PartyRole, Option<PartyQuery>)> = vec![
                (PartyRole::Debtor, PartyQuery::of_party(&tx.debtor)),
                (PartyRole::Creditor, PartyQuery::of_party(&tx.creditor)),
            ];
            if policy.screen_banks {
                queries.push((PartyRole::DebtorBank, PartyQuery::of_bank(&tx.debtor)));
                queries.push((PartyRole::CreditorBank, PartyQuery::of_bank(&tx.creditor)));
            }
            for (role, q) in queries {
                let Some(q) = q else { continue };
                let name = q.name.clone();
                let hits = cache.screen(q);
                for hit in hits.iter().filter(|h| h.is_match) {
                    findings.push(ScreeningFinding {
                        role,
                        party_name: name.clone(),
                        hit: hit.clone(),
                    });
                }
            }
            if !findings.is_empty() {
                let sanctions = findings.iter().any(|f| {
                    policy.sanctions_datasets.is_empty()
                        || f.hit
                            .datasets
                            .iter()
                            .any(|d| policy.sanctions_datasets.contains(d))
                });
                let side = match findings[0].role {
                    PartyRole::Debtor | PartyRole::DebtorBank => Side::Debtor,
                    PartyRole::Creditor | PartyRole::CreditorBank => Side::Creditor,
                };
                let mut values = BTreeMap::new();
                values.insert("amount".to_string(), amount_major);
                for f in &findings {
                    values
                        .entry(format!("score:{}", f.hit.entry_id))
                        .or_insert(f.hit.score);
                }
                *self
                    .stats
                    .alerts_by_rule
                    .entry(policy.rule_id.clone())
                    .or_insert(0) += 1;
                self.stats.alerts += 1;
                out.push(Alert {
                    id: format!("{}/{}/{}", policy.rule_id, tx.id, side.as_str()),
                    rule_id: policy.rule_id.clone(),
                    rule_version: policy.version,
                    pack_id: pack.id.clone(),
                    pack_version: pack.version.clone(),
                    title: policy.title.clone(),
                    report: if sanctions {
                        ReportKind::Freeze
                    } else {
                        ReportKind::Str
                    },
                    action: if sanctions && policy.block_on_match {
                        AlertAction::Block
                    } else {
                        AlertAction::Review
                    },
                    side,
                    subject: side_party(&tx, side).0.clone(),
                    timestamp: now,
                    condition: "party screening: confirmed match (score >= threshold)".into(),
                    values,
                    currency: pack.currency.code().to_string(),
                    transactions: vec![(*tx).clone()],
                    screening: findings,
                    tags: vec!["screening".into()],
                });
            }
        }

        self.since_sweep += 1;
        if self.since_sweep >= 65_536 {
            self.sweep();
        }
    }

    /// Drops entities whose newest event has left every window, bounding memory on endless streams.
    pub fn sweep(&mut self) {
        self.since_sweep = 0;
        let horizon = self.latest.0 - self.pack.max_span;
        for m in &mut self.states {
            m.retain(|_, s| s.newest().is_some_and(|t| t.0 > horizon));
        }
        for m in &mut self.last_alert {
            m.retain(|_, t| t.0 > horizon);
        }
    }

    /// Distinct parties held in the screening cache.
    pub fn screening_cache_len(&self) -> usize {
        self.screening.as_ref().map(|c| c.len()).unwrap_or(0)
    }
}
