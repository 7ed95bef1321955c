//! Dates as carriers and documents write them (YYMMDD, CCYYMMDD, DDMMYY, DDMMMYY, YYMMDDHHMM), turned into
//! ISO 8601. A two-digit year pivots on a reference date (the message date, or for MRZ "today"), by what the
//! date is ([`DateRole`]):
//!
//! | role | century chosen | reference 2010-12-09 |
//! |---|---|---|
//! | birth, issue | the latest date not after the reference | `12JUL64` 1964, `12JUL12` 1912 (2012 is after it) |
//! | expiry | the latest date at most 20 years after the reference (a document expires after it is issued) | `23AUG19` 2019, `15JAN05` 2005 (expired), `01JAN30` 2030, `01JAN31` 1931 |
//! | other (flights, bookings) | the date within 50 years of the reference | `121210` 2010 |

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

/// What a date is: decides the century of a two-digit year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRole {
    /// A birth date: never after the reference date.
    Birth,
    /// A document's issue date: never after the reference date.
    Issue,
    /// A document's expiry date: at most [`EXPIRY_WINDOW_YEARS`] after the reference (issue or message) date.
    Expiry,
    /// Any other date (flights, bookings, check-in): within 50 years of the reference.
    Other,
}

/// How far after its reference date (the issue date, else the message date) an expiry date may lie.
pub const EXPIRY_WINDOW_YEARS: i32 = 20;

/// The latest year ending in `yy` such that `(year, month, day)` is not after `limit`.
fn latest_year_not_after(yy: u32, month: u32, day: u32, limit: ReferenceDate) -> i32 {
    let century = limit.0 - limit.0.rem_euclid(100);
    let year = century + yy as i32;
    if (year, month, day) > (limit.0, limit.1, limit.2) {
        year - 100
    } else {
        year
    }
}

/// The year of a two-digit birth (or issue) year: the latest year ending in `yy` that is not after the
/// reference date.
pub fn birth_year(yy: u32, month: u32, day: u32, reference: ReferenceDate) -> i32 {
    latest_year_not_after(yy, month, day, reference)
}

/// The year of a two-digit expiry year: the latest year ending in `yy` at most [`EXPIRY_WINDOW_YEARS`] after the
/// reference date (so recently expired documents stay in the past and valid ones land in the future).
pub fn expiry_year(yy: u32, month: u32, day: u32, reference: ReferenceDate) -> i32 {
    let limit = (reference.0 + EXPIRY_WINDOW_YEARS, reference.1, reference.2);
    latest_year_not_after(yy, month, day, limit)
}

/// The year of a two-digit year in the given role.
pub fn year_for(role: DateRole, yy: u32, month: u32, day: u32, reference: ReferenceDate) -> i32 {
    match role {
        DateRole::Birth | DateRole::Issue => birth_year(yy, month, day, reference),
        DateRole::Expiry => expiry_year(yy, month, day, reference),
        DateRole::Other => near_year(yy, reference),
    }
}

/// Parses an ISO `YYYY-MM-DD` prefix back into a reference date.
pub fn reference_from_iso(iso: &str) -> Option<ReferenceDate> {
    let y: i32 = iso.get(0..4)?.parse().ok()?;
    let m: u32 = iso.get(5..7)?.parse().ok()?;
    let d: u32 = iso.get(8..10)?.parse().ok()?;
    iso_date(y, m, d)?;
    Some((y, m, d))
}

/// Age in whole years on `reference` of someone born on the ISO date `birth` (`None` if unreadable).
pub fn age_on(birth: &str, reference: ReferenceDate) -> Option<i32> {
    let (y, m, d) = reference_from_iso(birth)?;
    let mut age = reference.0 - y;
    if (reference.1, reference.2) < (m, d) {
        age -= 1;
    }
    Some(age)
}

/// Age from which a birth date read from a two-digit year is reported as implausible (the pivot put it in the
/// previous century because the same century would be after the message date: `12JUL12` in a 2010 message).
pub const IMPLAUSIBLE_AGE: i32 = 90;

/// A warning text when the two-digit-year birth date `written` (read as `iso`) makes the traveller
/// [`IMPLAUSIBLE_AGE`] or older on the reference date.
pub fn implausible_birth(written: &str, iso: &str, reference: ReferenceDate) -> Option<String> {
    let age = age_on(iso, reference)?;
    (age >= IMPLAUSIBLE_AGE).then(|| {
        format!(
            "birth date \"{written}\" read as {iso} ({age} years old on the message date {:04}-{:02}-{:02}): \
             a two-digit birth year is never put after the message date; check the document",
            reference.0, reference.1, reference.2
        )
    })
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
    if s.len() != 6 || !s.is_ascii() {
        return None;
    }
    Some((digits(&s[0..2])?, digits(&s[2..4])?, digits(&s[4..6])?))
}

/// A YYMMDD date (MRZ, PAXLST DTM format 101) in the given role as ISO.
pub fn yymmdd(s: &str, role: DateRole, reference: ReferenceDate) -> Option<String> {
    let (yy, mm, dd) = split_yymmdd(s)?;
    iso_date(year_for(role, yy, mm, dd, reference), mm, dd)
}

/// A YYMMDD birth date (MRZ, PAXLST DTM 329 format 101) as ISO.
pub fn birth_date_yymmdd(s: &str, reference: ReferenceDate) -> Option<String> {
    yymmdd(s, DateRole::Birth, reference)
}

/// A YYMMDD date that is neither a birth, issue nor expiry date (flights) as ISO.
pub fn near_date_yymmdd(s: &str, reference: ReferenceDate) -> Option<String> {
    yymmdd(s, DateRole::Other, reference)
}

pub fn mrz_birth_date(s: &str, today: ReferenceDate) -> Option<String> {
    yymmdd(s, DateRole::Birth, today)
}

pub fn mrz_expiry_date(s: &str, today: ReferenceDate) -> Option<String> {
    yymmdd(s, DateRole::Expiry, today)
}

/// An EDIFACT DTM value with its format qualifier (2379): 101 YYMMDD, 102 CCYYMMDD, 201 YYMMDDHHMM,
/// 203 CCYYMMDDHHMM; without a qualifier the length decides. `birth` selects the birth-date pivot. Returns an ISO
/// date or date-time (`2007-02-19T15:40`).
pub fn edifact_datetime(
    value: &str,
    format: &str,
    role: DateRole,
    reference: ReferenceDate,
) -> Option<String> {
    let v = value.trim();
    if !v.is_ascii() {
        // Byte slicing below needs ASCII; a date is digits anyway.
        return None;
    }
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
            6 => yymmdd(s, role, reference),
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
    if date.len() != 6 || !date.is_ascii() {
        return None;
    }
    let (dd, mm, yy) = (
        digits(&date[0..2])?,
        digits(&date[2..4])?,
        digits(&date[4..6])?,
    );
    let d = iso_date(near_year(yy, reference), mm, dd)?;
    if time.len() == 4 && time.is_ascii() {
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

/// A DDMMMYY date as in SSR DOCS (`12JUL64`) in the given role as ISO.
pub fn ddmmmyy(s: &str, role: DateRole, reference: ReferenceDate) -> Option<String> {
    let s = s.trim();
    if s.len() != 7 || !s.is_ascii() {
        return None;
    }
    let dd = digits(&s[0..2])?;
    let mm = MONTHS
        .iter()
        .position(|m| s[2..5].eq_ignore_ascii_case(m))? as u32
        + 1;
    let yy = digits(&s[5..7])?;
    iso_date(year_for(role, yy, mm, dd, reference), mm, dd)
}

/// The reference date of a YYMMDD or CCYYMMDD interchange date (UNB), if readable.
pub fn reference_from_unb(date: &str) -> Option<ReferenceDate> {
    if !date.is_ascii() {
        return None;
    }
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
        use DateRole::*;
        const MSG2010: ReferenceDate = (2010, 12, 9);
        // (written, role, reference, expected ISO)
        let ddmmmyy_cases: &[(&str, DateRole, ReferenceDate, Option<&str>)] = &[
            // Birth dates are never after the message date.
            ("12JUL64", Birth, MSG2010, Some("1964-07-12")),
            ("12JUL10", Birth, MSG2010, Some("2010-07-12")),
            ("09DEC10", Birth, MSG2010, Some("2010-12-09")),
            ("10DEC10", Birth, MSG2010, Some("1910-12-10")),
            // The GTAS sample's WAYNE: 2012 would be after the 2010 message, so 1912 (and a warning).
            ("12JUL12", Birth, MSG2010, Some("1912-07-12")),
            ("30DEC02", Birth, (2024, 1, 1), Some("2002-12-30")),
            // Expiry dates: the latest date at most 20 years after the reference date.
            ("23AUG19", Expiry, MSG2010, Some("2019-08-23")),
            ("23AUG15", Expiry, MSG2010, Some("2015-08-23")),
            ("15JAN05", Expiry, MSG2010, Some("2005-01-15")),
            ("12JUL12", Expiry, MSG2010, Some("2012-07-12")),
            ("09DEC30", Expiry, MSG2010, Some("2030-12-09")),
            ("10DEC30", Expiry, MSG2010, Some("1930-12-10")),
            ("20APR28", Expiry, (2013, 6, 1), Some("2028-04-20")),
            ("30AUG27", Expiry, (2024, 1, 1), Some("2027-08-30")),
            ("05JUL16", Expiry, (2010, 1, 1), Some("2016-07-05")),
            // Issue dates are in the past, like birth dates.
            ("01MAR11", Issue, MSG2010, Some("1911-03-01")),
            ("01MAR09", Issue, MSG2010, Some("2009-03-01")),
            // Other dates: within 50 years.
            ("12JUL60", Other, MSG2010, Some("2060-07-12")),
            ("12JUL61", Other, MSG2010, Some("1961-07-12")),
            // Not dates.
            ("1JUL64", Birth, MSG2010, None),
            ("31FEB64", Birth, MSG2010, None),
            ("12XYZ64", Birth, MSG2010, None),
            ("1\u{e9}JUL6", Birth, MSG2010, None),
        ];
        for (written, role, reference, want) in ddmmmyy_cases {
            assert_eq!(
                ddmmmyy(written, *role, *reference).as_deref(),
                *want,
                "{written} as {role:?} on {reference:?}"
            );
        }
        let yymmdd_cases: &[(&str, DateRole, ReferenceDate, Option<&str>)] = &[
            ("780706", Birth, (2014, 2, 2), Some("1978-07-06")),
            ("140201", Birth, (2014, 2, 2), Some("2014-02-01")),
            ("140203", Birth, (2014, 2, 2), Some("1914-02-03")),
            ("010510", Birth, (2025, 7, 2), Some("2001-05-10")),
            ("780230", Birth, (2014, 2, 2), None),
            ("340202", Expiry, (2014, 2, 2), Some("2034-02-02")),
            ("340203", Expiry, (2014, 2, 2), Some("1934-02-03")),
            ("120415", Expiry, (2026, 11, 30), Some("2012-04-15")),
            ("610218", Other, (2014, 2, 2), Some("2061-02-18")),
            ("940623", Other, (2026, 1, 1), Some("1994-06-23")),
            ("1\u{e9}051", Birth, (2025, 7, 2), None),
        ];
        for (written, role, reference, want) in yymmdd_cases {
            assert_eq!(
                yymmdd(written, *role, *reference).as_deref(),
                *want,
                "{written} as {role:?} on {reference:?}"
            );
        }
    }

    #[test]
    fn implausible_birth_dates_are_reported() {
        let msg = (2010, 12, 9);
        let text = implausible_birth("12JUL12", "1912-07-12", msg).unwrap();
        assert!(text.contains("98 years old"), "{text}");
        assert_eq!(implausible_birth("12JUL64", "1964-07-12", msg), None);
        assert_eq!(age_on("1964-12-10", msg), Some(45));
        assert_eq!(age_on("1964-12-09", msg), Some(46));
    }

    #[test]
    fn edifact_formats() {
        use DateRole::*;
        let cases = [
            ("0702191540", "201", Other, Some("2007-02-19T15:40")),
            ("19350919", "102", Birth, Some("1935-09-19")),
            ("200702191540", "203", Other, Some("2007-02-19T15:40")),
            ("720907", "", Birth, Some("1972-09-07")),
            ("300101", "", Expiry, Some("2030-01-01")),
            ("0702192540", "201", Other, None),
            ("07021\u{e9}540", "201", Other, None),
        ];
        for (v, f, role, want) in cases {
            assert_eq!(edifact_datetime(v, f, role, REF).as_deref(), want, "{v}");
        }
        assert_eq!(
            ddmmyy("121210", "0915", (2010, 12, 9)).as_deref(),
            Some("2010-12-12T09:15")
        );
        assert_eq!(reference_from_unb("123\u{e9}012"), None);
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
