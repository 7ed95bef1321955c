//! Windows and the per-entity state of one windowed aggregate.
//!
//! A sliding window of length `w` evaluated at time `t` holds the events with `t - w < ts <= t` (an event
//! exactly `w` old has left). A calendar window holds the events of the same calendar day or month as `t` in the
//! pack's time zone. Events are expected in time order per entity.

use crate::{FinanceError, Timestamp, Transaction, UtcOffset};
use std::collections::{HashMap, VecDeque};
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

/// How many of an entity's newest events keep their transaction for alerts.
pub const TRANSACTIONS_KEPT_PER_ENTITY: usize = 100;

/// One aggregate's view of an entity's log: where its window starts and the running totals inside it.
#[derive(Debug, Clone, Default)]
struct Cursor {
    /// Absolute sequence number of the first event still inside the window.
    head: u64,
    /// The `now` of the last expiry (expiring again at the same instant is a no-op).
    expired_at: i64,
    sum: i64,
    count: u32,
    distinct: Option<HashMap<u64, u32>>,
}

/// The events of one entity (an account or a customer) shared by all the aggregates grouped by that entity:
/// each event is stored once, each aggregate keeps a cursor to its window's first event and running totals, so
/// adding and expiring are O(1) amortised per aggregate.
#[derive(Debug, Clone)]
pub(crate) struct EntityLog {
    /// Sequence number of `events[0]`.
    base: u64,
    events: VecDeque<LogEvent>,
    cursors: Vec<Cursor>,
}

impl EntityLog {
    /// A log for `n` aggregates; `distinct[i]` says whether aggregate `i` counts distinct counterparties.
    pub(crate) fn new(distinct: &[bool]) -> Self {
        EntityLog {
            base: 0,
            events: VecDeque::new(),
            cursors: distinct
                .iter()
                .map(|d| Cursor {
                    distinct: d.then(HashMap::new),
                    ..Cursor::default()
                })
                .collect(),
        }
    }

    pub(crate) fn push(&mut self, e: LogEvent) {
        for (i, c) in self.cursors.iter_mut().enumerate() {
            if e.mask & (1 << i) != 0 {
                c.sum += e.amount;
                c.count += 1;
                if let Some(d) = &mut c.distinct {
                    *d.entry(e.counterparty).or_insert(0) += 1;
                }
            }
        }
        self.events.push_back(e);
        let n = self.events.len();
        if n > TRANSACTIONS_KEPT_PER_ENTITY {
            self.events[n - 1 - TRANSACTIONS_KEPT_PER_ENTITY].tx = None;
        }
    }

    /// Moves aggregate `i`'s window start to `now`, then drops events no window still holds.
    /// `start` is [`Window::start`] at `now`.
    pub(crate) fn expire(&mut self, i: usize, start: i64, now: Timestamp) {
        let end = self.base + self.events.len() as u64;
        let c = &mut self.cursors[i];
        if c.expired_at == now.0 {
            return;
        }
        c.expired_at = now.0;
        while c.head < end {
            let e = &self.events[(c.head - self.base) as usize];
            if e.ts.0 >= start {
                break;
            }
            if e.mask & (1 << i) != 0 {
                c.sum -= e.amount;
                c.count -= 1;
                if let Some(d) = &mut c.distinct
                    && let Some(n) = d.get_mut(&e.counterparty)
                {
                    *n -= 1;
                    if *n == 0 {
                        d.remove(&e.counterparty);
                    }
                }
            }
            c.head += 1;
        }
    }

    /// Drops the events every cursor has passed.
    pub(crate) fn compact(&mut self) {
        let min_head = self
            .cursors
            .iter()
            .map(|c| c.head)
            .min()
            .unwrap_or(self.base);
        while self.base < min_head && !self.events.is_empty() {
            self.events.pop_front();
            self.base += 1;
        }
    }

    /// Aggregate `i`'s value in major units (sums, maxima) or as a count. Call [`EntityLog::expire`] first.
    pub(crate) fn value(&self, i: usize, f: AggregateFn) -> f64 {
        let c = &self.cursors[i];
        match f {
            AggregateFn::Sum => c.sum as f64 / 100.0,
            AggregateFn::Count => f64::from(c.count),
            AggregateFn::Max => {
                self.window_events(i).map(|e| e.amount).max().unwrap_or(0) as f64 / 100.0
            }
            AggregateFn::DistinctCounterparties => {
                c.distinct.as_ref().map(|d| d.len()).unwrap_or(0) as f64
            }
        }
    }

    /// The events inside aggregate `i`'s window (after [`EntityLog::expire`]).
    pub(crate) fn window_events(&self, i: usize) -> impl DoubleEndedIterator<Item = &LogEvent> {
        let start = (self.cursors[i].head.saturating_sub(self.base)) as usize;
        self.events
            .range(start.min(self.events.len())..)
            .filter(move |e| e.mask & (1 << i) != 0)
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
