//! Windows and the per-entity state of one windowed aggregate.
//!
//! A sliding window of length `w` evaluated at time `t` holds the events with `t - w < ts <= t` (an event
//! exactly `w` old has left). A calendar window holds the events of the same calendar day or month as `t` in the
//! pack's time zone. Events are expected in time order per entity; the state keeps a running sum and, for
//! `distinct_counterparties`, a count per counterparty, so adding and expiring are O(1) amortised.

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

/// One transaction counted by an aggregate.
#[derive(Debug, Clone)]
pub(crate) struct WindowEvent {
    pub ts: Timestamp,
    /// Amount in the pack currency, minor units.
    pub amount: i64,
    pub counterparty: u64,
    pub tx: Arc<Transaction>,
}

/// The events of one entity inside one aggregate's window.
#[derive(Debug, Default)]
pub(crate) struct WindowState {
    events: VecDeque<WindowEvent>,
    sum: i64,
    distinct: HashMap<u64, u32>,
}

impl WindowState {
    pub(crate) fn push(&mut self, e: WindowEvent, track_distinct: bool) {
        self.sum += e.amount;
        if track_distinct {
            *self.distinct.entry(e.counterparty).or_insert(0) += 1;
        }
        self.events.push_back(e);
    }

    /// Drops events that are outside the window at `now`.
    pub(crate) fn expire(&mut self, window: Window, now: Timestamp, offset: UtcOffset) {
        while let Some(front) = self.events.front() {
            if front.ts.0 > now.0 || window.contains(front.ts, now, offset) {
                break;
            }
            let e = self.events.pop_front().expect("front exists");
            self.sum -= e.amount;
            if let Some(c) = self.distinct.get_mut(&e.counterparty) {
                *c -= 1;
                if *c == 0 {
                    self.distinct.remove(&e.counterparty);
                }
            }
        }
    }

    /// The aggregate's value in major units (sums, maxima) or as a count. Call [`WindowState::expire`] first.
    pub(crate) fn value(&self, f: AggregateFn) -> f64 {
        match f {
            AggregateFn::Sum => self.sum as f64 / 100.0,
            AggregateFn::Count => self.events.len() as f64,
            AggregateFn::Max => {
                self.events.iter().map(|e| e.amount).max().unwrap_or(0) as f64 / 100.0
            }
            AggregateFn::DistinctCounterparties => self.distinct.len() as f64,
        }
    }

    pub(crate) fn events(&self) -> impl Iterator<Item = &WindowEvent> {
        self.events.iter()
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
