//! Dates as carriers and documents write them (YYMMDD, CCYYMMDD, DDMMYY, DDMMMYY, YYMMDDHHMM), turned into
//! ISO 8601. Two-digit years pivot on a reference date: birth dates are never after it; other dates (expiry,
//! flights) are put in the century that brings them within 50 years of it.

/// A reference date (year, month, day) that two-digit years pivot on.
pub type ReferenceDate = (i32, u32, u32);

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `Some("YYYY-MM-DD")` when the parts form a real date.
pub fn iso_date(year: i32, month: u32, day: u32) -> Option<String> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// The year of a two-digit birth year: the latest year ending in `yy` that is not after the reference date.
pub fn birth_year(yy: u32, month: u32, day: u32, reference: ReferenceDate) -> i32 {
    let century = reference.0 - reference.0.rem_euclid(100);
    let year = century + yy as i32;
    if (year, month, day) > (reference.0, reference.1, reference.2) {
        year - 100
    } else {
        year
    }
}

/// The year of a two-digit non-birth year: the one within 50 years of the reference year.
pub fn near_year(yy: u32, reference: ReferenceDate) -> i32 {
    let century = reference.0 - reference.0.rem_euclid(100);
    let mut year = century + yy as i32;
    if year > reference.0 + 50 {
        year -= 100;
    } else if year < reference.0 - 50 {
        year += 100;
    }
    year
}

fn split_yymmdd(s: &str) -> Option<(u32, u32, u32)> {
    if s.len() != 6 {
        return None;
    }
    Some((digits(&s[0..2])?, digits(&s[2..4])?, digits(&s[4..6])?))
}

/// A YYMMDD birth date (MRZ, PAXLST DTM 329 format 101) as ISO.
pub fn birth_date_yymmdd(s: &str, reference: ReferenceDate) -> Option<String> {
    let (yy, mm, dd) = split_yymmdd(s)?;
    iso_date(birth_year(yy, mm, dd, reference), mm, dd)
}

/// A YYMMDD date that is not a birth date (expiry, issue, flight) as ISO.
pub fn near_date_yymmdd(s: &str, reference: ReferenceDate) -> Option<String> {
    let (yy, mm, dd) = split_yymmdd(s)?;
    iso_date(near_year(yy, reference), mm, dd)
}

pub fn mrz_birth_date(s: &str, today: ReferenceDate) -> Option<String> {
    birth_date_yymmdd(s, today)
}

pub fn mrz_expiry_date(s: &str, today: ReferenceDate) -> Option<String> {
    near_date_yymmdd(s, today)
}

/// An EDIFACT DTM value with its format qualifier (2379): 101 YYMMDD, 102 CCYYMMDD, 201 YYMMDDHHMM,
/// 203 CCYYMMDDHHMM; without a qualifier the length decides. `birth` selects the birth-date pivot. Returns an ISO
/// date or date-time (`2007-02-19T15:40`).
pub fn edifact_datetime(
    value: &str,
    format: &str,
    birth: bool,
    reference: ReferenceDate,
) -> Option<String> {
    let v = value.trim();
    let fmt = match format {
        "" => match v.len() {
            6 => "101",
            8 => "102",
            10 => "201",
            12 => "203",
            _ => return None,
        },
        f => f,
    };
    let date = |s: &str| -> Option<String> {
        match s.len() {
            6 => {
                if birth {
                    birth_date_yymmdd(s, reference)
                } else {
                    near_date_yymmdd(s, reference)
                }
            }
            8 => iso_date(
                digits(&s[0..4])? as i32,
                digits(&s[4..6])?,
                digits(&s[6..8])?,
            ),
            _ => None,
        }
    };
    let time = |s: &str| -> Option<String> {
        let (h, m) = (digits(s.get(0..2)?)?, digits(s.get(2..4)?)?);
        (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
    };
    match (fmt, v.len()) {
        ("101", 6) | ("102", 8) => date(v),
        ("201", 10) => Some(format!("{}T{}", date(&v[..6])?, time(&v[6..])?)),
        ("203", 12) => Some(format!("{}T{}", date(&v[..8])?, time(&v[8..])?)),
        _ => date(v),
    }
}

/// A PNRGOV date DDMMYY (and optional time HHMM) as ISO.
pub fn ddmmyy(date: &str, time: &str, reference: ReferenceDate) -> Option<String> {
    if date.len() != 6 {
        return None;
    }
    let (dd, mm, yy) = (
        digits(&date[0..2])?,
        digits(&date[2..4])?,
        digits(&date[4..6])?,
    );
    let d = iso_date(near_year(yy, reference), mm, dd)?;
    if time.len() == 4 {
        let (h, m) = (digits(&time[0..2])?, digits(&time[2..4])?);
        if h < 24 && m < 60 {
            return Some(format!("{d}T{h:02}:{m:02}"));
        }
    }
    Some(d)
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// A DDMMMYY date as in SSR DOCS (`12JUL64`) as ISO; `birth` selects the birth-date pivot.
pub fn ddmmmyy(s: &str, birth: bool, reference: ReferenceDate) -> Option<String> {
    let s = s.trim();
    if s.len() != 7 {
        return None;
    }
    let dd = digits(&s[0..2])?;
    let mm = MONTHS
        .iter()
        .position(|m| s[2..5].eq_ignore_ascii_case(m))? as u32
        + 1;
    let yy = digits(&s[5..7])?;
    let year = if birth {
        birth_year(yy, mm, dd, reference)
    } else {
        near_year(yy, reference)
    };
    iso_date(year, mm, dd)
}

/// The reference date of a YYMMDD or CCYYMMDD interchange date (UNB), if readable.
pub fn reference_from_unb(date: &str) -> Option<ReferenceDate> {
    match date.len() {
        6 => {
            let (yy, mm, dd) = split_yymmdd(date)?;
            // Interchange dates are recent: 2000-2099.
            iso_date(2000 + yy as i32, mm, dd)?;
            Some((2000 + yy as i32, mm, dd))
        }
        8 => {
            let y = digits(&date[0..4])? as i32;
            let (m, d) = (digits(&date[4..6])?, digits(&date[6..8])?);
            iso_date(y, m, d)?;
            Some((y, m, d))
        }
        _ => None,
    }
}

/// Days from 1970-01-01 for an ISO date prefix `YYYY-MM-DD` (civil calendar).
pub fn days_from_iso(iso: &str) -> Option<i64> {
    let y: i64 = iso.get(0..4)?.parse().ok()?;
    let m: i64 = iso.get(5..7)?.parse().ok()?;
    let d: i64 = iso.get(8..10)?.parse().ok()?;
    let (y, m) = if m <= 2 { (y - 1, m + 12) } else { (y, m) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m - 3) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Today's date (UTC) from the system clock.
pub fn today_utc() -> ReferenceDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    civil_from_days(secs.div_euclid(86_400))
}

fn civil_from_days(z: i64) -> ReferenceDate {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REF: ReferenceDate = (2014, 2, 2);

    #[test]
    fn pivots() {
        let cases = [
            (birth_date_yymmdd("780706", REF), Some("1978-07-06")),
            (birth_date_yymmdd("140201", REF), Some("2014-02-01")),
            (birth_date_yymmdd("140203", REF), Some("1914-02-03")),
            (
                birth_date_yymmdd("010510", (2025, 7, 2)),
                Some("2001-05-10"),
            ),
            (near_date_yymmdd("610218", REF), Some("2061-02-18")),
            (near_date_yymmdd("940623", (2026, 1, 1)), Some("1994-06-23")),
            (birth_date_yymmdd("780230", REF), None),
            (ddmmmyy("12JUL64", true, (2010, 12, 9)), Some("1964-07-12")),
            (ddmmmyy("30DEC02", true, (2024, 1, 1)), Some("2002-12-30")),
            (ddmmmyy("23AUG19", false, (2010, 12, 9)), Some("2019-08-23")),
            (ddmmmyy("1JUL64", true, REF), None),
        ];
        for (got, want) in cases {
            assert_eq!(got.as_deref(), want);
        }
    }

    #[test]
    fn edifact_formats() {
        let cases = [
            ("0702191540", "201", false, Some("2007-02-19T15:40")),
            ("19350919", "102", true, Some("1935-09-19")),
            ("200702191540", "203", false, Some("2007-02-19T15:40")),
            ("720907", "", true, Some("1972-09-07")),
            ("0702192540", "201", false, None),
        ];
        for (v, f, birth, want) in cases {
            assert_eq!(edifact_datetime(v, f, birth, REF).as_deref(), want, "{v}");
        }
        assert_eq!(
            ddmmyy("121210", "0915", (2010, 12, 9)).as_deref(),
            Some("2010-12-12T09:15")
        );
    }

    #[test]
    fn day_counts() {
        assert_eq!(days_from_iso("1970-01-02"), Some(1));
        assert_eq!(
            civil_from_days(days_from_iso("2024-02-29").unwrap()),
            (2024, 2, 29)
        );
    }
}
