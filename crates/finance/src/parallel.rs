//! Monitoring on several threads with the same alerts, in the same order, as one [`Monitor`].
//!
//! ```text
//! input thread: Transaction* --(batches of BATCH; each side routed by shard_of(customer))--> shard 0..n
//! shard i:      Monitor::process_sides(tx, its sides) --> alerts tagged (position in batch, phase, side)
//! caller:       batch k from every shard --(stable sort by tag)--> sink(alerts in sequential order)
//! ```
//!
//! Each shard owns the windows of the customers hashed to it and sees their transactions in stream order, so
//! every aggregate holds what it would hold in one monitor; a transaction between two shards' customers is
//! processed once per side. A sequential monitor raises, per transaction, the rule alerts of the debtor side,
//! those of the creditor side, then the screening alert of each side: the tags restore exactly that order.
//!
//! The one assumption: an account belongs to one customer id throughout the stream (account aggregates of an
//! account seen under two customer ids hashed to different shards would be split). Channels are bounded, so
//! memory stays bounded whatever the stream length.
//!
//! [`run_refilling`] does the same with a source that can write a transaction over a used one ([`Refill`]):
//! the shards hand back the transactions their windows let go of (when nothing else holds them), and the input
//! thread writes the next ones over them, so their strings are reused instead of allocated on the input thread
//! and freed on a shard thread.

use crate::rules::Side;
use crate::{Alert, Monitor, MonitorStats, Party, RulePack, Timestamp, Transaction};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Transactions per batch handed to the shards.
pub const BATCH: usize = 2048;
/// Batches in flight per shard (bounds memory).
const IN_FLIGHT: usize = 8;

/// The shard owning a party's windows: a hash of its customer key (customer id, else account).
pub fn shard_of(p: &Party, shards: usize) -> usize {
    if shards <= 1 {
        return 0;
    }
    let h = crate::key::hash_bytes(0x9E37_79B9_7F4A_7C15, p.customer_key().as_bytes());
    ((h >> 32) as usize * shards) >> 32
}

/// What a parallel run counted.
#[derive(Debug, Clone, Default)]
pub struct ParallelRun {
    /// The shards' counters merged: transactions, out-of-order and unconverted counts are those of the input
    /// stream (as one monitor would count them); alerts, suppressions and screening counts are summed.
    pub stats: MonitorStats,
    /// CPU seconds of each shard thread (where the platform reports it).
    pub shard_cpu_seconds: Vec<f64>,
}

/// A shard's part of a batch: (position in the batch, transaction, the sides this shard processes).
type Items = Vec<(u32, Arc<Transaction>, &'static [Side])>;
type SubBatch = (u32, Items);
type Tagged = Vec<((u32, u8, u8), Alert)>;

const BOTH: &[Side] = &[Side::Debtor, Side::Creditor];
const DEBTOR: &[Side] = &[Side::Debtor];
const CREDITOR: &[Side] = &[Side::Creditor];

/// A transaction source that can write its next transaction over a used one, reusing its allocations
/// ([`crate::generator::SyntheticStream`] is one).
pub trait Refill: Iterator<Item = Transaction> {
    /// Writes the next transaction over `tx` (what `next` would return); `false` at the end of the stream.
    fn refill(&mut self, tx: &mut Transaction) -> bool;
}

/// Used transactions waiting on the input thread to be written over, at most this many per shard (beyond,
/// the ones handed back are dropped).
const SPARE_PER_SHARD: usize = BATCH * IN_FLIGHT;

/// Where the input thread takes its transactions from.
trait Source {
    /// Whether it writes over used transactions (so the shards should hand them back).
    const REFILLS: bool;
    /// The next transaction, written over one of `spare` when it can.
    fn next_arc(&mut self, spare: &mut Vec<Arc<Transaction>>) -> Option<Arc<Transaction>>;
}

struct Plain<I>(I);

impl<I: Iterator<Item = Transaction>> Source for Plain<I> {
    const REFILLS: bool = false;
    fn next_arc(&mut self, _: &mut Vec<Arc<Transaction>>) -> Option<Arc<Transaction>> {
        self.0.next().map(Arc::new)
    }
}

struct Refilling<S>(S);

impl<S: Refill> Source for Refilling<S> {
    const REFILLS: bool = true;
    fn next_arc(&mut self, spare: &mut Vec<Arc<Transaction>>) -> Option<Arc<Transaction>> {
        while let Some(mut used) = spare.pop() {
            if let Some(tx) = Arc::get_mut(&mut used) {
                return self.0.refill(tx).then_some(used);
            }
        }
        self.0.next().map(Arc::new)
    }
}

/// Runs `monitors` (one per shard, built alike: same pack, same screener) over the transactions of `input`
/// (called on the input thread, so readers need not be `Send`), with one thread per monitor; the calling
/// thread receives, batch by batch, the alerts in the order one monitor would have raised them and the
/// number of transactions in the batch.
///
/// # Errors
/// The first error `sink` returns; the run stops there.
///
/// # Panics
/// If a shard thread panics.
pub fn run<I, E>(
    monitors: Vec<Monitor>,
    input: impl FnOnce() -> I + Send,
    sink: impl FnMut(Vec<Alert>, u64) -> Result<(), E>,
) -> Result<ParallelRun, E>
where
    I: IntoIterator<Item = Transaction>,
{
    run_source(monitors, move || Plain(input().into_iter()), sink)
}

/// [`run`] over a source that writes transactions over used ones: the same alerts, in the same order, with
/// the transactions the monitors are done with handed back to the input thread for reuse.
///
/// # Errors
/// The first error `sink` returns; the run stops there.
///
/// # Panics
/// If a shard thread panics.
pub fn run_refilling<S, E>(
    monitors: Vec<Monitor>,
    input: impl FnOnce() -> S + Send,
    sink: impl FnMut(Vec<Alert>, u64) -> Result<(), E>,
) -> Result<ParallelRun, E>
where
    S: Refill,
{
    run_source(monitors, move || Refilling(input()), sink)
}

fn run_source<S: Source, E>(
    monitors: Vec<Monitor>,
    input: impl FnOnce() -> S + Send,
    mut sink: impl FnMut(Vec<Alert>, u64) -> Result<(), E>,
) -> Result<ParallelRun, E> {
    let shards = monitors.len().max(1);
    let pack: Arc<RulePack> = match monitors.first() {
        Some(m) => m.pack_arc(),
        None => return Ok(ParallelRun::default()),
    };
    std::thread::scope(|scope| {
        let mut to_shard: Vec<SyncSender<SubBatch>> = Vec::new();
        let mut from_shard: Vec<Receiver<(u32, Tagged)>> = Vec::new();
        let mut workers = Vec::new();
        // Emptied batch vectors go back to the input thread (no large allocation per batch).
        let (recycle, recycled) = std::sync::mpsc::channel::<Items>();
        // Transactions the shards are done with go back to the input thread to be written over.
        let (hand_back, handed_back) = std::sync::mpsc::channel::<Vec<Arc<Transaction>>>();
        for mut monitor in monitors {
            let recycle = recycle.clone();
            let hand_back = hand_back.clone();
            if S::REFILLS {
                monitor.keep_released();
            }
            let (send_in, recv_in) = sync_channel::<SubBatch>(IN_FLIGHT);
            let (send_out, recv_out) = sync_channel::<(u32, Tagged)>(IN_FLIGHT);
            to_shard.push(send_in);
            from_shard.push(recv_out);
            workers.push(scope.spawn(move || {
                let cpu0 = thread_cpu_seconds();
                let mut alerts = Vec::new();
                for (total, mut batch) in recv_in {
                    let mut tagged: Tagged = Vec::new();
                    for (pos, tx, sides) in batch.drain(..) {
                        monitor.process_sides(tx, sides, &mut alerts);
                        for a in alerts.drain(..) {
                            let phase = u8::from(!a.screening.is_empty());
                            tagged.push(((pos, phase, a.side as u8), a));
                        }
                    }
                    let _ = recycle.send(batch);
                    let used = monitor.take_released();
                    if !used.is_empty() {
                        let _ = hand_back.send(used);
                    }
                    if send_out.send((total, tagged)).is_err() {
                        break;
                    }
                }
                let cpu = thread_cpu_seconds()
                    .zip(cpu0)
                    .map(|(b, a)| b - a)
                    .unwrap_or(0.0);
                (monitor.stats(), cpu)
            }));
        }
        drop(hand_back);
        let input_stats = scope.spawn(move || {
            let mut stats = MonitorStats::default();
            let mut spare: Vec<Arc<Transaction>> = Vec::new();
            let mut latest = Timestamp(i64::MIN);
            let new_batches = || -> Vec<Items> {
                (0..shards)
                    .map(|_| {
                        recycled
                            .try_recv()
                            .unwrap_or_else(|_| Vec::with_capacity(BATCH))
                    })
                    .collect()
            };
            let mut batches = new_batches();
            let mut n = 0u32;
            let send = |batches: Vec<Vec<_>>, n: u32| {
                for (s, b) in to_shard.iter().zip(batches) {
                    if s.send((n, b)).is_err() {
                        return false;
                    }
                }
                true
            };
            let mut source = input();
            while let Some(tx) = source.next_arc(&mut spare) {
                stats.transactions += 1;
                if tx.timestamp < latest {
                    stats.out_of_order += 1;
                } else {
                    latest = tx.timestamp;
                }
                if pack.convert(tx.amount, tx.currency).is_none() {
                    stats.unconverted_currency += 1;
                }
                let (d, c) = (shard_of(&tx.debtor, shards), shard_of(&tx.creditor, shards));
                if d == c {
                    batches[d].push((n, tx, BOTH));
                } else {
                    batches[d].push((n, tx.clone(), DEBTOR));
                    batches[c].push((n, tx, CREDITOR));
                }
                n += 1;
                if n as usize == BATCH {
                    for used in handed_back.try_iter() {
                        if spare.len() + used.len() <= SPARE_PER_SHARD * shards {
                            spare.extend(used);
                        }
                    }
                    if !send(std::mem::replace(&mut batches, new_batches()), n) {
                        return stats;
                    }
                    n = 0;
                }
            }
            if n > 0 {
                send(batches, n);
            }
            stats
        });
        // Collect batch k from every shard, restore the sequential order, hand it on.
        let mut failed = None;
        'batches: loop {
            let mut merged: Tagged = Vec::new();
            let mut total = None;
            for r in &from_shard {
                match r.recv() {
                    Ok((n, tagged)) => {
                        total = Some(n);
                        merged.extend(tagged);
                    }
                    Err(_) => break 'batches,
                }
            }
            merged.sort_by_key(|(k, _)| *k);
            let alerts = merged.into_iter().map(|(_, a)| a).collect();
            if let Err(e) = sink(alerts, u64::from(total.unwrap_or(0))) {
                failed = Some(e);
                break;
            }
        }
        drop(from_shard);
        let input_stats = input_stats.join().expect("input thread panicked");
        let mut run = ParallelRun::default();
        let mut stats = MonitorStats::default();
        for w in workers {
            let (s, cpu) = w.join().expect("monitor thread panicked");
            run.shard_cpu_seconds.push(cpu);
            stats.alerts += s.alerts;
            stats.suppressed += s.suppressed;
            for (rule, k) in s.alerts_by_rule {
                *stats.alerts_by_rule.entry(rule).or_insert(0) += k;
            }
            stats.screening_calls += s.screening_calls;
            stats.screening_cache_hits += s.screening_cache_hits;
            stats.screening_normalised_hits += s.screening_normalised_hits;
            stats.screening_list_changes =
                stats.screening_list_changes.max(s.screening_list_changes);
            stats.live_window_events += s.live_window_events;
            stats.live_window_entities += s.live_window_entities;
        }
        stats.transactions = input_stats.transactions;
        stats.out_of_order = input_stats.out_of_order;
        stats.unconverted_currency = input_stats.unconverted_currency;
        run.stats = stats;
        match failed {
            Some(e) => Err(e),
            None => Ok(run),
        }
    })
}

/// CPU seconds (user + system) used so far by the calling thread (Linux; `None` elsewhere).
pub fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
