//! The monitor: runs a [`RulePack`] over a time-ordered stream of transactions, keeping windowed aggregates per
//! account and customer, screening the parties, and returning [`Alert`]s.

use crate::alert::{Alert, AlertAction, ScreeningFinding};
use crate::rules::expr::EvalContext;
use crate::rules::window::{EntityLog, LogEvent};
use crate::rules::{Entity, ReportKind, RulePack, Side};
use crate::screening::{PartyQueryRef, PartyRole, PartyScreener, ScreeningCache};
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

/// The most transactions an alert lists (the triggering one first, then the newest others its aggregates
/// counted; the values are computed over all of them).
pub const MAX_ALERT_TRANSACTIONS: usize = crate::rules::window::TRANSACTIONS_KEPT_PER_ENTITY;

/// Runs a rule pack over transactions. Not `Sync`: one monitor per stream (partition streams by customer to run
/// several in parallel); the pack and the screener are shared.
#[derive(Debug)]
pub struct Monitor {
    pack: Arc<RulePack>,
    /// Entity logs of accounts (index 0) and customers (index 1).
    logs: [KeyMap<EntityLog>; 2],
    /// For each aggregate: its entity kind (0 account, 1 customer) and its slot in that kind's logs.
    slots: Vec<(usize, usize)>,
    /// For each entity kind, the aggregates grouped by it, in slot order.
    kind_aggregates: [Vec<usize>; 2],
    /// For each entity kind, which slots count distinct counterparties.
    kind_distinct: [Vec<bool>; 2],
    last_alert: Vec<KeyMap<Timestamp>>,
    screening: Option<ScreeningCache>,
    stats: MonitorStats,
    latest: Timestamp,
    scratch: Vec<f64>,
    /// Window start of each aggregate at the current transaction's time.
    starts: Vec<i64>,
    since_sweep: u64,
}

fn side_party(tx: &Transaction, side: Side) -> (&Party, &Party) {
    match side {
        Side::Debtor => (&tx.debtor, &tx.creditor),
        Side::Creditor => (&tx.creditor, &tx.debtor),
    }
}

fn kind_index(e: Entity) -> usize {
    match e {
        Entity::Account => 0,
        Entity::Customer => 1,
    }
}

const KINDS: [Entity; 2] = [Entity::Account, Entity::Customer];

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
        let mut slots = Vec::with_capacity(n);
        let mut kind_aggregates: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
        let mut kind_distinct: [Vec<bool>; 2] = [Vec::new(), Vec::new()];
        for (i, a) in pack.aggregates.iter().enumerate() {
            let k = kind_index(a.entity);
            slots.push((k, kind_aggregates[k].len()));
            kind_aggregates[k].push(i);
            kind_distinct[k].push(a.function == crate::rules::AggregateFn::DistinctCounterparties);
        }
        Monitor {
            pack,
            logs: [KeyMap::default(), KeyMap::default()],
            slots,
            kind_aggregates,
            kind_distinct,
            last_alert: (0..r).map(|_| KeyMap::default()).collect(),
            screening: None,
            stats: MonitorStats::default(),
            latest: Timestamp(i64::MIN),
            scratch: vec![0.0; n],
            starts: vec![0; n],
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
        s.live_window_entities = self.logs.iter().map(|m| m.len() as u64).sum();
        s.live_window_events = self
            .logs
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
        self.process_sides(Arc::new(tx), &[Side::Debtor, Side::Creditor], out);
    }

    /// Processes only the given sides of a transaction: their entities' aggregates, the rules on those sides,
    /// and the screening of those sides' parties and banks. A stream can be split over several monitors by
    /// party (for example by a hash of the customer id): each transaction goes to the monitor of its debtor
    /// with `[Debtor]` and to the monitor of its creditor with `[Creditor]` (one call with both sides when
    /// they are the same monitor): the rule alerts are exactly those of a single monitor (screening findings on
    /// the two sides then come as two alerts instead of one).
    pub fn process_sides(&mut self, tx: Arc<Transaction>, sides: &[Side], out: &mut Vec<Alert>) {
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

        // Window starts at `now`, computed once per transaction.
        for (ai, a) in pack.aggregates.iter().enumerate() {
            self.starts[ai] = a.window.start(now, pack.offset);
        }
        // Which aggregates (as a slot mask per entity kind) count this transaction for each side.
        let mut masks = [[0u64; 2]; 2];
        for &side in sides {
            let cx = EvalContext {
                tx: &tx,
                side,
                amount: amount_major,
                offset: pack.offset,
                aggregates: &[],
            };
            for (k, kind_aggregates) in self.kind_aggregates.iter().enumerate() {
                for (slot, &ai) in kind_aggregates.iter().enumerate() {
                    let a = &pack.aggregates[ai];
                    if a.flow.includes(side) && a.filter.as_ref().is_none_or(|f| f.test(&cx)) {
                        masks[side as usize][k] |= 1 << slot;
                    }
                }
            }
        }

        // 1. Per side: log the transaction in the side's account and customer logs, read every aggregate (one
        // map lookup per entity), then evaluate the rules for that side. When both sides are the same entity
        // (a transfer between one's own accounts under one customer id), both events are logged before the
        // first read, so the values always include the whole transaction. A rule raises at most one alert per
        // side of a transaction.
        let mut logged = [[false; 2]; 2];
        for &side in sides {
            let (me, other) = side_party(&tx, side);
            let other_side = match side {
                Side::Debtor => Side::Creditor,
                Side::Creditor => Side::Debtor,
            };
            let other_here = sides.contains(&other_side);
            for kind in KINDS {
                let k = kind_index(kind);
                let key = entity_key(me, kind);
                if key.is_empty() || self.kind_aggregates[k].is_empty() {
                    for &ai in &self.kind_aggregates[k] {
                        self.scratch[ai] = 0.0;
                    }
                    continue;
                }
                let mut events: [(Side, u64); 2] = [(side, 0), (other_side, 0)];
                if !logged[side as usize][k] {
                    events[0].1 = masks[side as usize][k];
                    logged[side as usize][k] = true;
                }
                if other_here && !logged[other_side as usize][k] && entity_key(other, kind) == key {
                    events[1].1 = masks[other_side as usize][k];
                    logged[other_side as usize][k] = true;
                }
                let map = &mut self.logs[k];
                let log = if events[0].1 | events[1].1 != 0 {
                    Some(match map.get_mut(key) {
                        Some(l) => l,
                        None => map
                            .entry(key.into())
                            .or_insert_with(|| EntityLog::new(&self.kind_distinct[k])),
                    })
                } else {
                    map.get_mut(key)
                };
                let Some(log) = log else {
                    for &ai in &self.kind_aggregates[k] {
                        self.scratch[ai] = 0.0;
                    }
                    continue;
                };
                for (slot, &ai) in self.kind_aggregates[k].iter().enumerate() {
                    log.expire(slot, self.starts[ai], now);
                }
                log.compact();
                for (event_side, mask) in events {
                    if mask == 0 {
                        continue;
                    }
                    let (_, cp_party) = side_party(&tx, event_side);
                    let cp = hash_str(if cp_party.account_key().is_empty() {
                        &cp_party.name
                    } else {
                        cp_party.account_key()
                    });
                    log.push(LogEvent {
                        ts: now,
                        amount: amount_minor,
                        counterparty: cp,
                        mask,
                        tx: Some(tx.clone()),
                    });
                }
                for (slot, &ai) in self.kind_aggregates[k].iter().enumerate() {
                    self.scratch[ai] = log.value(slot, pack.aggregates[ai].function);
                }
            }
            let cx = EvalContext {
                tx: &tx,
                side,
                amount: amount_major,
                offset: pack.offset,
                aggregates: &self.scratch,
            };
            for (ri, rule) in pack.rules.iter().enumerate() {
                if !rule.sides.contains(&side) || !rule.when.test(&cx) {
                    continue;
                }
                let subject_key = me.account_key();
                if let (Some(w), false) = (rule.suppress, subject_key.is_empty()) {
                    if let Some(last) = self.last_alert[ri].get(subject_key)
                        && w.contains(*last, now, pack.offset)
                    {
                        self.stats.suppressed += 1;
                        continue;
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
                    let (k, slot) = self.slots[ai];
                    let key = entity_key(me, pack.aggregates[ai].entity);
                    if let Some(log) = self.logs[k].get(key) {
                        for e in log.window_events(slot).rev() {
                            if txs.len() >= MAX_ALERT_TRANSACTIONS {
                                break;
                            }
                            if let Some(t) = &e.tx
                                && !txs.iter().any(|x| Arc::ptr_eq(x, t))
                            {
                                txs.push(t.clone());
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
                    transactions: txs,
                    screening: Vec::new(),
                    tags: rule.tags.clone(),
                });
            }
        }

        // 3. Screen the parties.
        if let (Some(policy), Some(cache)) = (&pack.screening, self.screening.as_mut()) {
            let mut findings = Vec::new();
            let mut queries: Vec<(PartyRole, Option<PartyQueryRef<'_>>)> = Vec::with_capacity(4);
            for &side in sides {
                let (role, bank_role, party) = match side {
                    Side::Debtor => (PartyRole::Debtor, PartyRole::DebtorBank, &tx.debtor),
                    Side::Creditor => (PartyRole::Creditor, PartyRole::CreditorBank, &tx.creditor),
                };
                queries.push((role, PartyQueryRef::of_party(party)));
                if policy.screen_banks {
                    queries.push((bank_role, PartyQueryRef::of_bank(party)));
                }
            }
            for (role, q) in queries {
                let Some(q) = q else { continue };
                let name = q.name;
                let hits = cache.screen(q);
                for hit in hits.iter().filter(|h| h.is_match) {
                    findings.push(ScreeningFinding {
                        role,
                        party_name: name.to_string(),
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
                    transactions: vec![tx.clone()],
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
        for m in &mut self.logs {
            m.retain(|_, s| s.newest().is_some_and(|t| t.0 > horizon));
        }
        for m in &mut self.last_alert {
            m.retain(|_, t| t.0 > horizon);
        }
    }

    /// The current value of aggregate `name` for the account or customer `key` at `now` (0 when it holds
    /// nothing), as a rule would read it. `None` for an unknown aggregate name.
    pub fn aggregate_value(&mut self, name: &str, key: &str, now: Timestamp) -> Option<f64> {
        let ai = self.pack.aggregates.iter().position(|a| a.name == name)?;
        let a = &self.pack.aggregates[ai];
        let (k, slot) = self.slots[ai];
        let start = a.window.start(now, self.pack.offset);
        Some(match self.logs[k].get_mut(key) {
            Some(log) => {
                log.expire(slot, start, now);
                log.value(slot, a.function)
            }
            None => 0.0,
        })
    }

    /// Distinct parties held in the screening cache.
    pub fn screening_cache_len(&self) -> usize {
        self.screening.as_ref().map(|c| c.len()).unwrap_or(0)
    }
}
