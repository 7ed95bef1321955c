//! Partial dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) and dates of birth that may be approximate or a range.

use crate::ModelError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A date known to the year, the month or the day. Orders by (year, month, day) with unknown parts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// A date known to the year only.
    pub fn year(year: i32) -> Self {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    /// A full date. Returns `None` if the month or day is out of range.
    pub fn ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        let d = PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        };
        d.validate().ok().map(|_| d)
    }

    fn validate(&self) -> Result<(), &'static str> {
        if let Some(m) = self.month {
            if !(1..=12).contains(&m) {
                return Err("month out of range");
            }
            if let Some(d) = self.day
                && (d == 0 || d > days_in_month(self.year, m))
            {
                return Err("day out of range");
            }
        } else if self.day.is_some() {
            return Err("day without month");
        }
        Ok(())
    }

    /// Whether two partial dates can be the same day: every part known on both sides is equal.
    pub fn compatible(&self, other: &PartialDate) -> bool {
        self.year == other.year
            && opt_eq(self.month, other.month)
            && (self.month.is_none() || other.month.is_none() || opt_eq(self.day, other.day))
    }

    /// The number of parts known: 1 (year), 2 (year-month) or 3 (full date).
    pub fn precision(&self) -> u8 {
        1 + u8::from(self.month.is_some()) + u8::from(self.day.is_some())
    }
}

fn opt_eq(a: Option<u8>, b: Option<u8>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl FromStr for PartialDate {
    type Err = ModelError;

    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a time part after `T` is ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason| ModelError::InvalidDate {
            value: s.to_string(),
            reason,
        };
        let t = s.trim();
        let t = t.split('T').next().unwrap_or(t);
        let mut parts = t.split('-');
        let year_s = parts.next().ok_or_else(|| bad("empty"))?;
        if year_s.len() != 4 || !year_s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("year must be four digits"));
        }
        let year: i32 = year_s
            .parse()
            .map_err(|_| bad("year must be four digits"))?;
        let mut num = |what: &'static str| -> Result<Option<u8>, ModelError> {
            match parts.next() {
                None => Ok(None),
                Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Some(p.parse().map_err(|_| bad(what))?))
                }
                Some(_) => Err(bad(what)),
            }
        };
        let month = num("month must be two digits")?;
        let day = num("day must be two digits")?;
        if parts.next().is_some() {
            return Err(bad("too many parts"));
        }
        let d = PartialDate { year, month, day };
        d.validate().map_err(bad)?;
        Ok(d)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl TryFrom<String> for PartialDate {
    type Error = ModelError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<PartialDate> for String {
    fn from(d: PartialDate) -> String {
        d.to_string()
    }
}

/// A date of birth as lists state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOfBirth {
    /// The date, to its stated precision.
    Exact(PartialDate),
    /// "circa" / "approximately": a year either side is plausible.
    Approximately(PartialDate),
    /// "between 1975 and 1978", both ends included.
    Between(PartialDate, PartialDate),
}

impl DateOfBirth {
    /// Earliest and latest year this date of birth allows.
    pub fn year_range(&self) -> (i32, i32) {
        match self {
            DateOfBirth::Exact(d) => (d.year, d.year),
            DateOfBirth::Approximately(d) => (d.year - 1, d.year + 1),
            DateOfBirth::Between(a, b) => (a.year.min(b.year), a.year.max(b.year)),
        }
    }

    /// The single date when the date of birth is exact or approximate.
    pub fn date(&self) -> Option<PartialDate> {
        match self {
            DateOfBirth::Exact(d) | DateOfBirth::Approximately(d) => Some(*d),
            DateOfBirth::Between(..) => None,
        }
    }
}

impl fmt::Display for DateOfBirth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateOfBirth::Exact(d) => write!(f, "{d}"),
            DateOfBirth::Approximately(d) => write!(f, "circa {d}"),
            DateOfBirth::Between(a, b) => write!(f, "between {a} and {b}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_partial_dates() {
        type Ymd = (i32, Option<u8>, Option<u8>);
        let table: &[(&str, Option<Ymd>)] = &[
            ("1977", Some((1977, None, None))),
            ("1977-08", Some((1977, Some(8), None))),
            ("1977-08-01", Some((1977, Some(8), Some(1)))),
            ("2000-02-29", Some((2000, Some(2), Some(29)))),
            ("1977-08-01T00:00:00", Some((1977, Some(8), Some(1)))),
            ("1900-02-29", None),
            ("1977-13", None),
            ("77", None),
            ("1977-8-1", None),
            ("", None),
            ("1977-01-01-01", None),
        ];
        for (input, want) in table {
            let got = input
                .parse::<PartialDate>()
                .ok()
                .map(|d| (d.year, d.month, d.day));
            assert_eq!(&got, want, "input {input:?}");
        }
    }

    #[test]
    fn compatibility_respects_precision() {
        let y: PartialDate = "1977".parse().unwrap();
        let ym: PartialDate = "1977-08".parse().unwrap();
        let ymd: PartialDate = "1977-08-01".parse().unwrap();
        let other: PartialDate = "1977-09-01".parse().unwrap();
        assert!(y.compatible(&ymd));
        assert!(ym.compatible(&ymd));
        assert!(!ym.compatible(&other));
        assert!(!ymd.compatible(&"1978".parse().unwrap()));
        assert_eq!(ymd.to_string(), "1977-08-01");
    }

    #[test]
    fn year_ranges() {
        let d: PartialDate = "1977".parse().unwrap();
        assert_eq!(DateOfBirth::Approximately(d).year_range(), (1976, 1978));
        let e: PartialDate = "1975".parse().unwrap();
        assert_eq!(DateOfBirth::Between(d, e).year_range(), (1975, 1977));
    }
}
