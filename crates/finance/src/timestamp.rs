//! Instants as seconds since 1970-01-01T00:00:00Z, parsed from ISO 8601 / RFC 3339 text with or without an
//! offset, and the civil calendar arithmetic (days from civil date) used for calendar-month windows in a
//! rule pack's time zone.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Seconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp(pub i64);

/// A fixed offset from UTC in seconds (`+01:00` is 3600).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UtcOffset(pub i32);

impl UtcOffset {
    /// Parses `Z`, `+01:00`, `-0530`, `+01`.
    pub fn parse(s: &str) -> Option<UtcOffset> {
        let s = s.trim();
        if s == "Z" || s == "z" || s.eq_ignore_ascii_case("utc") {
            return Some(UtcOffset(0));
        }
        let (sign, rest) = match s.as_bytes().first()? {
            b'+' => (1, &s[1..]),
            b'-' => (-1, &s[1..]),
            _ => return None,
        };
        let digits: String = rest.chars().filter(|c| *c != ':').collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (h, m) = match digits.len() {
            2 => (digits.parse::<i32>().ok()?, 0),
            4 => (
                digits[..2].parse::<i32>().ok()?,
                digits[2..].parse::<i32>().ok()?,
            ),
            _ => return None,
        };
        if h > 23 || m > 59 {
            return None;
        }
        Some(UtcOffset(sign * (h * 3600 + m * 60)))
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl Timestamp {
    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` (or with a space for `T`) followed by an optional
    /// offset (`Z`, `+01:00`). Text without an offset is read in `default_offset` (the pack's time zone).
    pub fn parse(s: &str, default_offset: UtcOffset) -> Result<Timestamp, &'static str> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return Err("expected a date YYYY-MM-DD");
        }
        let num = |r: std::ops::Range<usize>| -> Result<i64, &'static str> {
            let part = s.get(r).ok_or("truncated date or time")?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().map_err(|_| "bad number")
            } else {
                Err("expected digits")
            }
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo as u32) as i64 {
            return Err("date out of range");
        }
        let mut secs = 0i64;
        let mut rest = &s[10..];
        if let Some(r) = rest
            .strip_prefix('T')
            .or_else(|| rest.strip_prefix('t'))
            .or_else(|| rest.strip_prefix(' '))
        {
            let rb = r.as_bytes();
            if rb.len() < 5 || rb[2] != b':' {
                return Err("expected a time HH:MM");
            }
            let h = r[..2].parse::<i64>().map_err(|_| "bad hour")?;
            let mi = r[3..5].parse::<i64>().map_err(|_| "bad minute")?;
            let mut used = 5;
            let mut sec = 0;
            if rb.len() >= 8 && rb[5] == b':' {
                sec = r[6..8].parse::<i64>().map_err(|_| "bad second")?;
                used = 8;
                if rb.len() > 8 && rb[8] == b'.' {
                    used = 9;
                    while used < rb.len() && rb[used].is_ascii_digit() {
                        used += 1;
                    }
                }
            }
            if h > 23 || mi > 59 || sec > 60 {
                return Err("time out of range");
            }
            secs = h * 3600 + mi * 60 + sec;
            rest = &r[used..];
        }
        let offset = if rest.is_empty() {
            default_offset
        } else {
            UtcOffset::parse(rest).ok_or("bad time-zone offset")?
        };
        Ok(Timestamp(
            days_from_civil(y, mo as u32, d as u32) * 86400 + secs - offset.0 as i64,
        ))
    }

    /// The calendar day number (days since 1970-01-01) of this instant in `offset`.
    pub fn local_day(self, offset: UtcOffset) -> i64 {
        (self.0 + offset.0 as i64).div_euclid(86400)
    }

    /// The calendar month number (year * 12 + month - 1) of this instant in `offset`.
    pub fn local_month(self, offset: UtcOffset) -> i64 {
        let (y, m, _) = civil_from_days(self.local_day(offset));
        y * 12 + m as i64 - 1
    }

    /// The hour of day (0-23) in `offset`.
    pub fn local_hour(self, offset: UtcOffset) -> u32 {
        ((self.0 + offset.0 as i64).rem_euclid(86400) / 3600) as u32
    }

    /// RFC 3339 in UTC without fractional seconds: `2026-05-24T14:30:00Z`.
    pub fn to_rfc3339(self) -> String {
        let (y, m, d) = civil_from_days(self.0.div_euclid(86400));
        let s = self.0.rem_euclid(86400);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }

    /// `YYYY-MM-DDTHH:MM:SS` in `offset`, without the offset (goAML's `sql_date`).
    pub fn to_local_naive(self, offset: UtcOffset) -> String {
        let t = self.0 + offset.0 as i64;
        let (y, m, d) = civil_from_days(t.div_euclid(86400));
        let s = t.rem_euclid(86400);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl TryFrom<String> for Timestamp {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Timestamp::parse(&s, UtcOffset(0)).map_err(|e| format!("{e}: {s:?}"))
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> String {
        t.to_rfc3339()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_timestamps() {
        let paris = UtcOffset(3600);
        let table: &[(&str, UtcOffset, Option<&str>)] = &[
            (
                "2026-05-24T14:30:00Z",
                UtcOffset(0),
                Some("2026-05-24T14:30:00Z"),
            ),
            (
                "2026-05-24T14:30:00+02:00",
                UtcOffset(0),
                Some("2026-05-24T12:30:00Z"),
            ),
            ("2026-05-24 14:30", paris, Some("2026-05-24T13:30:00Z")),
            ("2026-05-24", paris, Some("2026-05-23T23:00:00Z")),
            (
                "2026-05-24T14:30:00.123-05:30",
                UtcOffset(0),
                Some("2026-05-24T20:00:00Z"),
            ),
            (
                "2024-02-29T00:00:00Z",
                UtcOffset(0),
                Some("2024-02-29T00:00:00Z"),
            ),
            ("2026-02-29T00:00:00Z", UtcOffset(0), None),
            ("2026-13-01", UtcOffset(0), None),
            ("2026-05-24T25:00Z", UtcOffset(0), None),
            ("2026-05-24T10:00+9", UtcOffset(0), None),
            ("yesterday", UtcOffset(0), None),
            ("", UtcOffset(0), None),
        ];
        for (input, off, want) in table {
            let got = Timestamp::parse(input, *off).ok().map(|t| t.to_rfc3339());
            assert_eq!(got.as_deref(), *want, "{input:?}");
        }
    }

    #[test]
    fn months_follow_the_pack_time_zone() {
        // 2026-01-31T23:30Z is still January in UTC but already February in Paris (+01:00).
        let t = Timestamp::parse("2026-01-31T23:30:00Z", UtcOffset(0)).unwrap();
        assert_eq!(t.local_month(UtcOffset(0)), 2026 * 12);
        assert_eq!(t.local_month(UtcOffset(3600)), 2026 * 12 + 1);
        assert_eq!(t.local_hour(UtcOffset(3600)), 0);
        assert_eq!(t.to_local_naive(UtcOffset(3600)), "2026-02-01T00:30:00");
    }

    #[test]
    fn civil_round_trip() {
        for z in [-800_000i64, -1, 0, 1, 59, 60, 10_956, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}
