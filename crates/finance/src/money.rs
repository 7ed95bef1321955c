//! Amounts in minor units (cents) with their ISO 4217 currency, and conversion to a pack's reporting currency.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 alphabetic currency code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// The currency from a three-letter code in any case; `None` unless it is three ASCII letters.
    pub fn from_code(code: &str) -> Option<Currency> {
        let b = code.trim().as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        Some(Currency([
            b[0].to_ascii_uppercase(),
            b[1].to_ascii_uppercase(),
            b[2].to_ascii_uppercase(),
        ]))
    }

    pub fn code(&self) -> &str {
        // Three ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Euro, the currency of the example rule pack.
    pub const EUR: Currency = Currency(*b"EUR");
    /// US dollar (AMLSim amounts).
    pub const USD: Currency = Currency(*b"USD");
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Currency::from_code(&s).ok_or_else(|| format!("not a currency code: {s:?}"))
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_string()
    }
}

/// An amount in minor units (hundredths). Every currency is treated as having two decimals; amounts with more
/// decimals are rejected rather than rounded, so nothing is silently changed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Amount(pub i64);

impl Amount {
    /// Parses `123`, `123.4`, `123.45`, `-5.00`, with `.` as the decimal separator and no grouping.
    pub fn parse(s: &str) -> Result<Amount, &'static str> {
        let t = s.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err("empty amount");
        }
        if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err("amount must be digits with an optional '.' and up to two decimals");
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > 2 {
            return Err("more than two decimals");
        }
        if whole.len() > 15 {
            return Err("amount too large");
        }
        let w: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| "amount too large")?
        };
        let mut f: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| "bad decimals")?
        };
        if frac.len() == 1 {
            f *= 10;
        }
        let v = w * 100 + f;
        Ok(Amount(if neg { -v } else { v }))
    }

    /// The amount in major units as a float (for rule expressions).
    pub fn major(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// From major units, rounded to the nearest cent.
    pub fn from_major(v: f64) -> Amount {
        Amount((v * 100.0).round() as i64)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

impl TryFrom<String> for Amount {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Amount::parse(&s).map_err(|e| format!("{e}: {s:?}"))
    }
}

impl From<Amount> for String {
    fn from(a: Amount) -> String {
        a.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_amounts() {
        let table: &[(&str, Option<i64>)] = &[
            ("123", Some(12300)),
            ("123.4", Some(12340)),
            ("123.45", Some(12345)),
            ("123.450", Some(12345)),
            ("-5.00", Some(-500)),
            (".5", Some(50)),
            ("9999.99", Some(999999)),
            ("1.234", None),
            ("1,5", None),
            ("", None),
            ("abc", None),
            ("1e5", None),
            ("99999999999999999999", None),
        ];
        for (input, want) in table {
            assert_eq!(Amount::parse(input).ok().map(|a| a.0), *want, "{input:?}");
        }
        assert_eq!(Amount(-12345).to_string(), "-123.45");
        assert_eq!(Amount(5).to_string(), "0.05");
    }

    #[test]
    fn currencies() {
        assert_eq!(Currency::from_code("eur"), Some(Currency::EUR));
        assert!(Currency::from_code("EURO").is_none());
        assert!(Currency::from_code("E1R").is_none());
    }
}
