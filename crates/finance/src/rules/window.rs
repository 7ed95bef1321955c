//! Windows and the per-entity state of one windowed aggregate.
//!
//! A sliding window of length `w` evaluated at time `t` holds the events with `t - w < ts <= t` (an event
//! exactly `w` old has left). A calendar window holds the events of the same calendar day or month as `t` in the
//! pack's time zone. Events are expected in time order per entity.

use crate::key::PrehashedMap;
use crate::{FinanceError, Timestamp, Transaction, UtcOffset};
use std::collections::VecDeque;
use std::sync::Arc;

/// The time span an aggregate looks back over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The last `n` seconds.
    Sliding(i64),
    /// The same calendar day in the pack's time zone.
    CalendarDay,
    /// The same calendar month in the pack's time zone.
    CalendarMonth,
}

impl Window {
    /// Parses `90s`, `30m`, `48h`, `7d`, `calendar_day`, `calendar_month`.
    ///
    /// # Errors
    /// On any other text; `rule` names the aggregate or rule in the error.
    pub fn parse(s: &str, rule: &str) -> Result<Window, FinanceError> {
        let t = s.trim();
        match t {
            "calendar_day" => return Ok(Window::CalendarDay),
            "calendar_month" => return Ok(Window::CalendarMonth),
            _ => {}
        }
        let bad = || {
            FinanceError::rule(
                rule,
                None,
                format!(
                    "bad window {s:?}: expected e.g. 30m, 48h, 7d, calendar_day, calendar_month"
                ),
            )
        };
        let (num, unit) = t.split_at(t.len().saturating_sub(1));
        let n: i64 = num.parse().map_err(|_| bad())?;
        let secs = match unit {
            "s" => n,
            "m" => n * 60,
            "h" => n * 3600,
            "d" => n * 86400,
            _ => return Err(bad()),
        };
        if secs <= 0 || secs > 366 * 86400 {
            return Err(FinanceError::rule(
                rule,
                None,
                format!("window {s:?} must be between 1 second and 366 days"),
            ));
        }
        Ok(Window::Sliding(secs))
    }

    /// The longest time an event can stay in the window, in seconds.
    pub fn max_span(self) -> i64 {
        match self {
            Window::Sliding(s) => s,
            Window::CalendarDay => 86400,
            Window::CalendarMonth => 31 * 86400,
        }
    }

    /// The earliest instant (inclusive) inside the window evaluated at `now`.
    pub fn start(self, now: Timestamp, offset: UtcOffset) -> i64 {
        match self {
            Window::Sliding(w) => now.0 - w + 1,
            Window::CalendarDay => now.local_day(offset) * 86_400 - i64::from(offset.0),
            Window::CalendarMonth => {
                let (y, m, _) = crate::civil_from_days(now.local_day(offset));
                crate::days_from_civil(y, m, 1) * 86_400 - i64::from(offset.0)
            }
        }
    }

    /// Whether an event at `ts` is inside the window evaluated at `now`.
    pub fn contains(self, ts: Timestamp, now: Timestamp, offset: UtcOffset) -> bool {
        match self {
            Window::Sliding(w) => ts.0 > now.0 - w && ts.0 <= now.0,
            Window::CalendarDay => ts.0 <= now.0 && ts.local_day(offset) == now.local_day(offset),
            Window::CalendarMonth => {
                ts.0 <= now.0 && ts.local_month(offset) == now.local_month(offset)
            }
        }
    }
}

/// What an aggregate computes over the events in its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateFn {
    Sum,
    Count,
    Max,
    DistinctCounterparties,
}

impl AggregateFn {
    pub fn parse(s: &str, rule: &str) -> Result<AggregateFn, FinanceError> {
        Ok(match s {
            "sum" => AggregateFn::Sum,
            "count" => AggregateFn::Count,
            "max" => AggregateFn::Max,
            "distinct_counterparties" => AggregateFn::DistinctCounterparties,
            _ => {
                return Err(FinanceError::rule(
                    rule,
                    None,
                    format!(
                        "unknown fn {s:?}: expected sum, count, max or distinct_counterparties"
                    ),
                ));
            }
        })
    }
}

/// One transaction in an entity's log: the aggregates that count it are the bits of `mask`.
#[derive(Debug, Clone)]
pub(crate) struct LogEvent {
    pub ts: Timestamp,
    /// Amount in the pack currency, minor units.
    pub amount: i64,
    pub counterparty: u64,
    pub mask: u64,
    /// The transaction itself, kept for the newest [`TRANSACTIONS_KEPT_PER_ENTITY`] events of an entity only
    /// (older events keep their numbers), which bounds the memory of long windows on busy accounts.
    pub tx: Option<Arc<Transaction>>,
}

/// Where the monitor puts the transactions its logs let go of. `None`: they are dropped. `Some` (when the
/// monitor runs under [`crate::parallel::run_refilling`]): those nothing else holds any more are kept, to
/// be handed back to the input thread and written over with new transactions (no allocation, no free from
/// another thread).
pub(crate) type Released = Option<Vec<Arc<Transaction>>>;

/// Lets go of `tx` into `released` (see [`Released`]).
#[inline]
pub(crate) fn release(released: &mut Released, mut tx: Arc<Transaction>) {
    if let Some(kept) = released
        && Arc::get_mut(&mut tx).is_some()
    {
        kept.push(tx);
    }
}

/// How many of an entity's newest events keep their transaction for alerts.
pub const TRANSACTIONS_KEPT_PER_ENTITY: usize = 100;

/// How the aggregates of one entity kind share an entity's log: aggregates with the same window share one
/// cursor (the window's first event), so expiring walks each window once, not once per aggregate. Built once
/// per monitor.
#[derive(Debug, Clone, Default)]
pub(crate) struct LogLayout {
    /// For each slot (aggregate of this kind, in slot order): its window group.
    group_of: Vec<usize>,
    /// For each window group: the slots in it, as a bit mask.
    group_mask: Vec<u64>,
    /// For each slot: its index among the distinct-counterparty maps, if it counts distinct counterparties.
    distinct_of: Vec<Option<usize>>,
    distinct_count: usize,
    /// For each window group: its window.
    group_window: Vec<Window>,
}

impl LogLayout {
    /// `windows[slot]` and `distinct[slot]` for each slot.
    pub(crate) fn new(windows: &[Window], distinct: &[bool]) -> LogLayout {
        let mut l = LogLayout::default();
        for (slot, w) in windows.iter().enumerate() {
            let g = match l.group_window.iter().position(|x| x == w) {
                Some(g) => g,
                None => {
                    l.group_window.push(*w);
                    l.group_mask.push(0);
                    l.group_window.len() - 1
                }
            };
            l.group_of.push(g);
            l.group_mask[g] |= 1 << slot;
            l.distinct_of.push(distinct[slot].then(|| {
                l.distinct_count += 1;
                l.distinct_count - 1
            }));
        }
        l
    }

    pub(crate) fn groups(&self) -> usize {
        self.group_mask.len()
    }

    pub(crate) fn window(&self, g: usize) -> Window {
        self.group_window[g]
    }

    pub(crate) fn group_of(&self, slot: usize) -> usize {
        self.group_of[slot]
    }

    fn slots(&self) -> usize {
        self.group_of.len()
    }
}

/// The events of one entity (an account or a customer) shared by all the aggregates grouped by that entity:
/// each event is stored once; each window group keeps the sequence number of its first event, each aggregate
/// its running sum and count (and distinct counterparties), so adding and expiring are O(1) amortised per
/// aggregate counting the event. The numbers live in one allocation: group heads, then sums, then counts.
#[derive(Debug, Clone)]
pub(crate) struct EntityLog {
    /// Sequence number of `events[0]`.
    base: u64,
    events: VecDeque<LogEvent>,
    /// `groups` heads (absolute sequence numbers), then `slots` sums (minor units), then `slots` counts.
    numbers: Box<[i64]>,
    distinct: Box<[PrehashedMap<u64, u32>]>,
}

impl EntityLog {
    pub(crate) fn new(layout: &LogLayout) -> Self {
        EntityLog {
            base: 0,
            events: VecDeque::new(),
            numbers: vec![0; layout.groups() + 2 * layout.slots()].into_boxed_slice(),
            distinct: (0..layout.distinct_count)
                .map(|_| PrehashedMap::default())
                .collect(),
        }
    }

    #[inline]
    fn add(
        &mut self,
        layout: &LogLayout,
        amount: i64,
        counterparty: u64,
        mut mask: u64,
        sign: i64,
    ) {
        let (g, n) = (layout.groups(), layout.slots());
        while mask != 0 {
            let i = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            self.numbers[g + i] += sign * amount;
            self.numbers[g + n + i] += sign;
            if let Some(d) = layout.distinct_of[i] {
                let map = &mut self.distinct[d];
                if sign > 0 {
                    *map.entry(counterparty).or_insert(0) += 1;
                } else if let Some(c) = map.get_mut(&counterparty) {
                    *c -= 1;
                    if *c == 0 {
                        map.remove(&counterparty);
                    }
                }
            }
        }
    }

    pub(crate) fn push(&mut self, layout: &LogLayout, e: LogEvent, released: &mut Released) {
        self.add(layout, e.amount, e.counterparty, e.mask, 1);
        self.events.push_back(e);
        let n = self.events.len();
        if n > TRANSACTIONS_KEPT_PER_ENTITY
            && let Some(tx) = self.events[n - 1 - TRANSACTIONS_KEPT_PER_ENTITY].tx.take()
        {
            release(released, tx);
        }
    }

    /// Moves window group `g`'s start to `start` ([`Window::start`] at the current time): the events before it
    /// leave every aggregate of the group.
    pub(crate) fn expire(&mut self, layout: &LogLayout, g: usize, start: i64) {
        let end = self.base + self.events.len() as u64;
        let mut head = self.numbers[g] as u64;
        let gm = layout.group_mask[g];
        while head < end {
            let i = (head - self.base) as usize;
            let e = &self.events[i];
            if e.ts.0 >= start {
                break;
            }
            let (m, amount, cp) = (e.mask & gm, e.amount, e.counterparty);
            if m != 0 {
                self.add(layout, amount, cp, m, -1);
            }
            head += 1;
        }
        self.numbers[g] = head as i64;
    }

    /// Drops the events every window has passed.
    pub(crate) fn compact(&mut self, layout: &LogLayout, released: &mut Released) {
        let min_head = self.numbers[..layout.groups()]
            .iter()
            .map(|&h| h as u64)
            .min()
            .unwrap_or(self.base);
        while self.base < min_head
            && let Some(e) = self.events.pop_front()
        {
            if let Some(tx) = e.tx {
                release(released, tx);
            }
            self.base += 1;
        }
    }

    /// Aggregate `slot`'s value in major units (sums, maxima) or as a count. Expire its group first.
    pub(crate) fn value(&self, layout: &LogLayout, slot: usize, f: AggregateFn) -> f64 {
        let (g, n) = (layout.groups(), layout.slots());
        match f {
            AggregateFn::Sum => self.numbers[g + slot] as f64 / 100.0,
            AggregateFn::Count => self.numbers[g + n + slot] as f64,
            AggregateFn::Max => {
                self.window_events(layout, slot)
                    .map(|e| e.amount)
                    .max()
                    .unwrap_or(0) as f64
                    / 100.0
            }
            AggregateFn::DistinctCounterparties => layout.distinct_of[slot]
                .map(|d| self.distinct[d].len())
                .unwrap_or(0) as f64,
        }
    }

    /// The events inside aggregate `slot`'s window (after expiring its group).
    pub(crate) fn window_events(
        &self,
        layout: &LogLayout,
        slot: usize,
    ) -> impl DoubleEndedIterator<Item = &LogEvent> {
        let head = self.numbers[layout.group_of[slot]] as u64;
        let start = head.saturating_sub(self.base) as usize;
        self.events
            .range(start.min(self.events.len())..)
            .filter(move |e| e.mask & (1 << slot) != 0)
    }

    /// Reads the log's first number and first event, so that the caller can start the memory loads of several
    /// logs before working on any of them.
    #[inline]
    pub(crate) fn touch(&self) {
        std::hint::black_box((
            self.numbers.first().copied(),
            self.events.front().map(|e| e.ts),
        ));
    }

    pub(crate) fn newest(&self) -> Option<Timestamp> {
        self.events.back().map(|e| e.ts)
    }

    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_edges() {
        let off = UtcOffset(3600);
        let t = |s: &str| Timestamp::parse(s, UtcOffset(0)).unwrap();
        let now = t("2026-03-03T12:00:00Z");
        let table: &[(Window, &str, bool)] = &[
            (Window::Sliding(48 * 3600), "2026-03-01T12:00:01Z", true),
            (Window::Sliding(48 * 3600), "2026-03-01T12:00:00Z", false),
            (Window::Sliding(48 * 3600), "2026-03-03T12:00:00Z", true),
            (Window::Sliding(48 * 3600), "2026-03-03T12:00:01Z", false),
            (Window::CalendarDay, "2026-03-02T23:00:00Z", true),
            (Window::CalendarDay, "2026-03-02T22:59:59Z", false),
            (Window::CalendarMonth, "2026-02-28T23:00:00Z", true),
            (Window::CalendarMonth, "2026-02-28T22:59:59Z", false),
        ];
        for (w, ts, want) in table {
            assert_eq!(w.contains(t(ts), now, off), *want, "{w:?} {ts}");
            assert_eq!(
                t(ts).0 >= w.start(now, off) && t(ts) <= now,
                *want,
                "start of {w:?} {ts}"
            );
        }
    }

    #[test]
    fn parses_windows() {
        assert_eq!(Window::parse("48h", "r").unwrap(), Window::Sliding(172_800));
        assert_eq!(Window::parse("7d", "r").unwrap(), Window::Sliding(604_800));
        assert_eq!(
            Window::parse("calendar_month", "r").unwrap(),
            Window::CalendarMonth
        );
        for bad in ["", "h", "0h", "-1d", "400d", "3w", "calendar_year"] {
            assert!(Window::parse(bad, "r").is_err(), "{bad}");
        }
    }
}
