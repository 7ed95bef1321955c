//! The monitor: runs a [`RulePack`] over a time-ordered stream of transactions, keeping windowed aggregates per
//! account and customer, screening the parties, and returning [`Alert`]s.

use crate::alert::{Alert, AlertAction, ScreeningFinding};
use crate::key::{EntityKey, PrehashedMap, hash_bytes};
use crate::rules::expr::EvalContext;
use crate::rules::window::{EntityLog, LogEvent, LogLayout, Released, release};
use crate::rules::{Entity, ReportKind, RulePack, Side};
use crate::screening::{PartyQueryRef, PartyRole, PartyScreener, ScreeningCache};
use crate::{Party, Timestamp, Transaction};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

type KeyMap<V> = PrehashedMap<EntityKey, V>;

/// The events one side logs in one entity's log: its own, then the other side's when both sides are that
/// entity (as masks of the aggregates counting them; 0 for none).
type SideEvents = [(Side, u64); 2];

fn counterparty_hash(p: &Party) -> u64 {
    let k = if p.account_key().is_empty() {
        &p.name
    } else {
        p.account_key()
    };
    hash_bytes(0x1319_8A2E_0370_7344, k.as_bytes())
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
    /// Parties (and banks) actually screened: the distinct normalised parties, per list version.
    pub screening_calls: u64,
    /// Party look-ups answered by the cache: the exact party seen before...
    pub screening_cache_hits: u64,
    /// ... or another spelling of it (same normalised name, country and identifier).
    pub screening_normalised_hits: u64,
    /// Times the screening cache was emptied because the lists changed.
    pub screening_list_changes: u64,
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
    /// For each entity kind, how its aggregates share an entity's log.
    layouts: [LogLayout; 2],
    last_alert: Vec<KeyMap<Timestamp>>,
    screening: Option<ScreeningCache>,
    stats: MonitorStats,
    latest: Timestamp,
    scratch: Vec<f64>,
    /// For each entity kind, the start of each window group at the current transaction's time.
    starts: [Vec<i64>; 2],
    since_sweep: u64,
    /// Transactions let go of, kept for reuse when recycling (see [`Released`]).
    released: Released,
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
        for (i, a) in pack.aggregates.iter().enumerate() {
            let k = kind_index(a.entity);
            slots.push((k, kind_aggregates[k].len()));
            kind_aggregates[k].push(i);
        }
        let layouts = kind_aggregates.clone().map(|aggs| {
            let windows: Vec<_> = aggs.iter().map(|&i| pack.aggregates[i].window).collect();
            let distinct: Vec<bool> = aggs
                .iter()
                .map(|&i| {
                    pack.aggregates[i].function == crate::rules::AggregateFn::DistinctCounterparties
                })
                .collect();
            LogLayout::new(&windows, &distinct)
        });
        let starts = layouts.clone().map(|l| vec![0; l.groups()]);
        Monitor {
            pack,
            logs: [KeyMap::default(), KeyMap::default()],
            slots,
            kind_aggregates,
            layouts,
            last_alert: (0..r).map(|_| KeyMap::default()).collect(),
            screening: None,
            stats: MonitorStats::default(),
            latest: Timestamp(i64::MIN),
            scratch: vec![0.0; n],
            starts,
            since_sweep: 0,
            released: None,
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

    pub(crate) fn pack_arc(&self) -> Arc<RulePack> {
        self.pack.clone()
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
            s.screening_normalised_hits = c.normalised_hits;
            s.screening_list_changes = c.list_changes;
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
    /// they are the same monitor): the alerts are exactly those of a single monitor (screening raises one alert per
    /// side with a confirmed match). [`crate::parallel`] does this over threads.
    pub fn process_sides(&mut self, tx: Arc<Transaction>, sides: &[Side], out: &mut Vec<Alert>) {
        let Monitor {
            pack,
            logs,
            slots,
            kind_aggregates,
            layouts,
            last_alert,
            screening,
            stats,
            latest,
            scratch,
            starts,
            since_sweep,
            released,
        } = self;
        let pack: &RulePack = pack;
        stats.transactions += 1;
        let now = tx.timestamp;
        if now < *latest {
            stats.out_of_order += 1;
        } else {
            *latest = now;
        }
        let converted = pack.convert(tx.amount, tx.currency);
        if converted.is_none() {
            stats.unconverted_currency += 1;
        }
        let amount_minor = converted.unwrap_or(0);
        let amount_major = converted.map(|c| c as f64 / 100.0).unwrap_or(f64::NAN);

        // Window starts at `now`, computed once per transaction and window.
        for (layout, starts) in layouts.iter().zip(starts.iter_mut()) {
            for (g, s) in starts.iter_mut().enumerate() {
                *s = layout.window(g).start(now, pack.offset);
            }
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
            for (k, kind_aggregates) in kind_aggregates.iter().enumerate() {
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
            // Find (or make) the side's account and customer logs first, then read the first numbers and
            // event of both before working on either: the two entities' memory is usually cold, and loads that
            // do not depend on each other wait for memory together instead of one after the other (10% less
            // monitor CPU on the 4M-transaction throughput run).
            if let (Some(_), Some(cache), Some(q)) = (
                &pack.screening,
                screening.as_ref(),
                PartyQueryRef::of_party(me),
            ) {
                cache.touch(&q);
            }
            let (account_logs, customer_logs) = logs.split_at_mut(1);
            let mut found: [Option<(&mut EntityLog, SideEvents)>; 2] = [None, None];
            for ((kind, map), slot) in KINDS
                .into_iter()
                .zip([&mut account_logs[0], &mut customer_logs[0]])
                .zip(&mut found)
            {
                let k = kind_index(kind);
                let key = entity_key(me, kind);
                if key.is_empty() || kind_aggregates[k].is_empty() {
                    for &ai in &kind_aggregates[k] {
                        scratch[ai] = 0.0;
                    }
                    continue;
                }
                let mut events: SideEvents = [(side, 0), (other_side, 0)];
                if !logged[side as usize][k] {
                    events[0].1 = masks[side as usize][k];
                    logged[side as usize][k] = true;
                }
                if other_here && !logged[other_side as usize][k] && entity_key(other, kind) == key {
                    events[1].1 = masks[other_side as usize][k];
                    logged[other_side as usize][k] = true;
                }
                let ekey = EntityKey::new(key);
                let log = if events[0].1 | events[1].1 != 0 {
                    Some(
                        map.entry(ekey)
                            .or_insert_with(|| EntityLog::new(&layouts[k])),
                    )
                } else {
                    map.get_mut(&ekey)
                };
                match log {
                    Some(log) => *slot = Some((log, events)),
                    None => {
                        for &ai in &kind_aggregates[k] {
                            scratch[ai] = 0.0;
                        }
                    }
                }
            }
            for (log, _) in found.iter().flatten() {
                log.touch();
            }
            for (k, entry) in found.into_iter().enumerate() {
                let Some((log, events)) = entry else {
                    continue;
                };
                let layout = &layouts[k];
                for (g, &start) in starts[k].iter().enumerate() {
                    log.expire(layout, g, start);
                }
                log.compact(layout, released);
                for (event_side, mask) in events {
                    if mask == 0 {
                        continue;
                    }
                    let (_, cp_party) = side_party(&tx, event_side);
                    log.push(
                        layout,
                        LogEvent {
                            ts: now,
                            amount: amount_minor,
                            counterparty: counterparty_hash(cp_party),
                            mask,
                            tx: Some(tx.clone()),
                        },
                        released,
                    );
                }
                for (slot, &ai) in kind_aggregates[k].iter().enumerate() {
                    scratch[ai] = log.value(layout, slot, pack.aggregates[ai].function);
                }
            }
            let cx = EvalContext {
                tx: &tx,
                side,
                amount: amount_major,
                offset: pack.offset,
                aggregates: scratch,
            };
            for (ri, rule) in pack.rules.iter().enumerate() {
                if !rule.sides.contains(&side) || !rule.when.test(&cx) {
                    continue;
                }
                let subject_key = me.account_key();
                if let (Some(w), false) = (rule.suppress, subject_key.is_empty()) {
                    let skey = EntityKey::new(subject_key);
                    if let Some(last) = last_alert[ri].get(&skey)
                        && w.contains(*last, now, pack.offset)
                    {
                        stats.suppressed += 1;
                        continue;
                    }
                    last_alert[ri].insert(skey, now);
                }
                let mut values = BTreeMap::new();
                values.insert("amount".to_string(), amount_major);
                for &ai in &rule.aggregates {
                    values.insert(pack.aggregates[ai].name.clone(), scratch[ai]);
                }
                let mut txs: Vec<Arc<Transaction>> = vec![tx.clone()];
                for &ai in &rule.aggregates {
                    let (k, slot) = slots[ai];
                    let key = entity_key(me, pack.aggregates[ai].entity);
                    if let Some(log) = logs[k].get(&EntityKey::new(key)) {
                        for e in log.window_events(&layouts[k], slot).rev() {
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
                *stats.alerts_by_rule.entry(rule.id.clone()).or_insert(0) += 1;
                stats.alerts += 1;
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

        // 2. Screen the parties: per side, the party and (if the pack says so) its bank; one alert per side with
        // a confirmed match, about that side's party (so a stream split by party raises the same alerts).
        if let (Some(policy), Some(cache)) = (&pack.screening, screening.as_mut()) {
            cache.check_list_version();
            for &side in sides {
                let (role, bank_role, party) = match side {
                    Side::Debtor => (PartyRole::Debtor, PartyRole::DebtorBank, &tx.debtor),
                    Side::Creditor => (PartyRole::Creditor, PartyRole::CreditorBank, &tx.creditor),
                };
                let mut findings = Vec::new();
                let queries = [
                    (role, PartyQueryRef::of_party(party)),
                    (
                        bank_role,
                        PartyQueryRef::of_bank(party).filter(|_| policy.screen_banks),
                    ),
                ];
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
                if findings.is_empty() {
                    continue;
                }
                let sanctions = findings.iter().any(|f| {
                    policy.sanctions_datasets.is_empty()
                        || f.hit
                            .datasets
                            .iter()
                            .any(|d| policy.sanctions_datasets.contains(d))
                });
                let mut values = BTreeMap::new();
                values.insert("amount".to_string(), amount_major);
                for f in &findings {
                    values
                        .entry(format!("score:{}", f.hit.entry_id))
                        .or_insert(f.hit.score);
                }
                *stats
                    .alerts_by_rule
                    .entry(policy.rule_id.clone())
                    .or_insert(0) += 1;
                stats.alerts += 1;
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
                    subject: party.clone(),
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

        release(released, tx);

        // Sweeps cost one visit per live entity: run them when as many transactions as live entities (and at
        // least 65,536) have passed, so they stay O(1) per transaction.
        *since_sweep += 1;
        if *since_sweep >= 65_536 && *since_sweep >= (logs[0].len() + logs[1].len()) as u64 {
            self.sweep();
        }
    }

    /// Starts keeping the transactions this monitor lets go of (and nothing else holds) for
    /// [`Monitor::take_released`], instead of dropping them.
    pub(crate) fn keep_released(&mut self) {
        self.released.get_or_insert_with(Vec::new);
    }

    /// The transactions let go of since the last call (see [`Monitor::keep_released`]).
    pub(crate) fn take_released(&mut self) -> Vec<Arc<Transaction>> {
        self.released
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
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
        Some(match self.logs[k].get_mut(&EntityKey::new(key)) {
            Some(log) => {
                let layout = &self.layouts[k];
                log.expire(layout, layout.group_of(slot), start);
                log.value(layout, slot, a.function)
            }
            None => 0.0,
        })
    }

    /// Distinct parties held in the screening cache.
    pub fn screening_cache_len(&self) -> usize {
        self.screening.as_ref().map(|c| c.len()).unwrap_or(0)
    }
}
