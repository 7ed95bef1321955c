//! The OFAC SDN `Remarks` column, read into typed facts.
//!
//! OFAC writes a person's details as `;`-separated statements in the remarks: `DOB 15 Mar 1962; alt. DOB 1963;
//! POB Baghdad, Iraq; nationality Iraq; citizen Syria; Passport A1234567 (Iraq) expires 2020; National ID No.
//! 12345 (Syria); Gender Male; a.k.a. 'ABU AHMAD'; Linked To: SOME FRONT.` [`parse_remarks`] turns each statement
//! into a [`Remark`]; statements it does not know become [`Remark::Note`] (the whole remarks text is also kept in
//! the entity's list membership, so nothing is lost).

use crate::text::month_number;
use interdict_model::{DateOfBirth, DocumentKind, Gender, NameKind, PartialDate};

/// One statement of an OFAC remarks field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remark {
    BirthDate(DateOfBirth),
    /// Place of birth as written ("Baghdad, Iraq").
    BirthPlace(String),
    /// A nationality as written ("Iraq", "Korea, North").
    Nationality(String),
    /// A citizenship as written.
    Citizenship(String),
    Gender(Gender),
    /// An identity or registration document; `country` as written inside the parentheses.
    Document {
        kind: DocumentKind,
        number: String,
        country: Option<String>,
        note: Option<String>,
    },
    /// An alias from the remarks (OFAC's "weak" a.k.a.s are written here), or a former / now-known-as name.
    Alias(NameKind, String),
    /// A recognised statement without a typed home, by FollowTheMoney-style property name.
    Property(&'static str, String),
    /// A statement that was recognised but whose value could not be read (a date of birth in an unknown form).
    Unreadable {
        field: &'static str,
        text: String,
    },
    /// Any other statement.
    Note(String),
}

/// Statement prefixes for documents, longest first where one is a prefix of another.
const DOCUMENT_PREFIXES: &[(&str, DocKind)] = &[
    ("Diplomatic Passport", DocKind::Passport),
    ("Passport No.", DocKind::Passport),
    ("Passport", DocKind::Passport),
    ("National ID No.", DocKind::NationalId),
    ("National Foreign ID Number", DocKind::NationalId),
    ("Personal ID Card", DocKind::NationalId),
    ("Identification Number", DocKind::NationalId),
    ("Cedula No.", DocKind::NationalId),
    ("D.N.I.", DocKind::NationalId),
    ("C.U.R.P. #", DocKind::NationalId),
    ("C.U.R.P.", DocKind::NationalId),
    ("Citizen's Card Number", DocKind::NationalId),
    ("Electoral Registry No.", DocKind::NationalId),
    ("Credencial electoral", DocKind::NationalId),
    ("I.F.E.", DocKind::NationalId),
    ("SSN", DocKind::NationalId),
    ("Residency Number", DocKind::NationalId),
    ("Birth Certificate Number", DocKind::NationalId),
    ("LE Number", DocKind::NationalId),
    ("Cartilla de Servicio Militar Nacional", DocKind::Other),
    ("Public Registration Number", DocKind::Other),
    ("D-U-N-S Number", DocKind::Other),
    ("US FEIN", DocKind::Other),
    ("UK Company Number", DocKind::Other),
    ("Chamber of Commerce Number", DocKind::Other),
    ("Tax ID No.", DocKind::Other),
    ("NIT #", DocKind::Other),
    ("R.F.C. #", DocKind::Other),
    ("R.F.C.", DocKind::Other),
    ("RFC", DocKind::Other),
    ("RUC #", DocKind::Other),
    ("RIF #", DocKind::Other),
    ("C.U.I.T.", DocKind::Other),
    ("C.U.I.P.", DocKind::Other),
    ("Registration ID", DocKind::Other),
    ("Registration Number", DocKind::Other),
    ("Company Number", DocKind::Other),
    ("Commercial Registry Number", DocKind::Other),
    ("Business Registration Document #", DocKind::Other),
    ("Business Registration Number", DocKind::Other),
    ("Folio Mercantil No.", DocKind::Other),
    ("Matricula Mercantil No", DocKind::Other),
    ("C.R. No.", DocKind::Other),
    ("Trade License No.", DocKind::Other),
    ("Driver's License No.", DocKind::Other),
    ("V.A.T. Number", DocKind::Other),
    ("Government Gazette Number", DocKind::Other),
    ("Registered Charity No.", DocKind::Other),
    ("Italian Fiscal Code", DocKind::Other),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocKind {
    Passport,
    NationalId,
    Other,
}

/// Statement prefixes kept as properties.
const PROPERTY_PREFIXES: &[(&str, &str)] = &[
    ("Linked To:", "linkedTo"),
    ("Website", "website"),
    ("Email Address", "email"),
    ("Telephone", "phone"),
    ("Phone Number", "phone"),
    ("Fax", "fax"),
    ("Vessel Registration Identification IMO", "imoNumber"),
    ("Identification Number IMO", "imoNumber"),
    ("Company Number IMO", "imoNumber"),
    ("MMSI", "mmsi"),
    ("SWIFT/BIC", "swiftBic"),
    ("Former Vessel Flag", "pastFlags"),
    ("Organization Established Date", "incorporationDate"),
    ("Organization Type:", "legalForm"),
    (
        "Aircraft Manufacturer's Serial Number (MSN)",
        "serialNumber",
    ),
    (
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        "serialNumber",
    ),
    ("Aircraft Manufacture Date", "buildDate"),
    ("Aircraft Model", "model"),
    ("Aircraft Operator", "operator"),
    ("Aircraft Tail Number", "registrationNumber"),
    ("Digital Currency Address -", "cryptoWallet"),
    ("Additional Sanctions Information -", "sanctionsInformation"),
    ("Nationality of Registration", "registrationCountry"),
    ("Chinese Commercial Code", "chineseCommercialCode"),
    ("Executive Order", "sanctionsInformation"),
    ("CAATSA Section", "sanctionsInformation"),
    ("Secondary sanctions risk:", "sanctionsInformation"),
    (
        "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
        "sanctionsInformation",
    ),
];

/// Splits remarks into statements and reads each one.
pub fn parse_remarks(remarks: &str) -> Vec<Remark> {
    let mut out = Vec::new();
    for raw in split_statements(remarks) {
        let statement = raw.trim();
        if statement.is_empty() {
            continue;
        }
        out.push(parse_statement(statement));
    }
    out
}

/// Splits on `;` outside single or double quotes (an alias may contain a semicolon).
fn split_statements(remarks: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    let bytes: Vec<(usize, char)> = remarks.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        match (quote, c) {
            (None, '\'' | '"') => {
                // A quote opens only at a word start ("a.k.a. 'X'"), not in "Driver's".
                let prev = if k == 0 { ' ' } else { bytes[k - 1].1 };
                if prev == ' ' {
                    quote = Some(c);
                }
            }
            (Some(q), c) if c == q => {
                let next = bytes.get(k + 1).map(|x| x.1).unwrap_or(';');
                if matches!(next, ';' | ' ' | '.' | ',' | ')') {
                    quote = None;
                }
            }
            (None, ';') => {
                out.push(&remarks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&remarks[start..]);
    out
}

fn parse_statement(statement: &str) -> Remark {
    let s = statement.strip_prefix("alt. ").unwrap_or(statement).trim();
    let value_of = |prefix: &str| -> Option<&str> {
        let rest = s.strip_prefix(prefix)?;
        (rest.is_empty() || rest.starts_with([' ', ':']))
            .then(|| rest.trim_start_matches(':').trim())
    };
    let clean = |v: &str| v.trim().trim_end_matches('.').trim().to_string();

    if let Some(v) = value_of("DOB") {
        return match parse_ofac_dob(v.trim_end_matches('.')) {
            Some(d) => Remark::BirthDate(d),
            None => Remark::Unreadable {
                field: "DOB",
                text: statement.to_string(),
            },
        };
    }
    if let Some(v) = value_of("POB") {
        return Remark::BirthPlace(clean(v));
    }
    if let Some(v) = value_of("nationality") {
        return Remark::Nationality(clean(v));
    }
    if let Some(v) = value_of("citizen") {
        return Remark::Citizenship(clean(v));
    }
    if let Some(v) = value_of("Gender") {
        return match clean(v).parse::<Gender>() {
            Ok(g) => Remark::Gender(g),
            Err(_) => Remark::Unreadable {
                field: "Gender",
                text: statement.to_string(),
            },
        };
    }
    for (prefix, kind) in [
        ("a.k.a.", NameKind::WeakAlias),
        ("f.k.a.", NameKind::FormerName),
        ("n.k.a.", NameKind::StrongAlias),
    ] {
        if let Some(v) = value_of(prefix) {
            let name = v
                .trim_end_matches('.')
                .trim()
                .trim_matches(|c| c == '\'' || c == '"')
                .trim();
            if name.is_empty() {
                return Remark::Note(statement.to_string());
            }
            return Remark::Alias(kind, name.to_string());
        }
    }
    for (prefix, key) in PROPERTY_PREFIXES {
        if let Some(v) = value_of(prefix) {
            return Remark::Property(key, v.trim_end_matches('.').trim().to_string());
        }
    }
    for (prefix, kind) in DOCUMENT_PREFIXES {
        if let Some(v) = value_of(prefix)
            && let Some(doc) = parse_document(prefix, *kind, v)
        {
            return doc;
        }
    }
    Remark::Note(statement.to_string())
}

/// `A1234567 (Iraq) expires 2020` -> number, country and the rest as a note.
fn parse_document(prefix: &str, kind: DocKind, value: &str) -> Option<Remark> {
    let value = value.trim().trim_end_matches('.').trim();
    let (number, country, note) = match value.find(" (") {
        Some(open) => {
            let after = &value[open + 2..];
            let close = after.find(')')?;
            let rest = after[close + 1..].trim().trim_start_matches(',').trim();
            (
                value[..open].trim(),
                Some(after[..close].trim().to_string()),
                rest,
            )
        }
        None => (value, None, ""),
    };
    let number = number.trim_start_matches(['#', ':']).trim();
    if number.is_empty() || !number.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let kind = match kind {
        DocKind::Passport => DocumentKind::Passport,
        DocKind::NationalId => DocumentKind::NationalId,
        DocKind::Other => DocumentKind::Other(prefix.trim_end_matches(['#', '.', ' ']).to_string()),
    };
    let mut notes: Vec<String> = Vec::new();
    if prefix == "Diplomatic Passport" {
        notes.push("diplomatic passport".to_string());
    }
    if !note.is_empty() {
        notes.push(note.to_string());
    }
    Some(Remark::Document {
        kind,
        number: number.to_string(),
        country,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    })
}

/// Reads OFAC's date-of-birth forms: `15 Mar 1962`, `Mar 1962`, `1962`, `circa 1962`, `circa 15 Mar 1962`,
/// `1962 to 1964`, `01 Jan 1962 to 31 Dec 1964`, `circa 1962-1964`.
pub fn parse_ofac_dob(text: &str) -> Option<DateOfBirth> {
    let t = text.trim();
    if let Some(rest) = t
        .strip_prefix("circa ")
        .or_else(|| t.strip_prefix("Circa "))
        .or_else(|| t.strip_prefix("c. "))
    {
        let rest = rest.trim();
        if let Some((a, b)) = rest
            .split_once('-')
            .filter(|(a, b)| a.len() == 4 && b.len() == 4)
        {
            return Some(DateOfBirth::Between(
                parse_ofac_date(a)?,
                parse_ofac_date(b)?,
            ));
        }
        return parse_ofac_date(rest).map(DateOfBirth::Approximately);
    }
    if let Some((a, b)) = t.split_once(" to ") {
        return Some(DateOfBirth::Between(
            parse_ofac_date(a)?,
            parse_ofac_date(b)?,
        ));
    }
    parse_ofac_date(t).map(DateOfBirth::Exact)
}

/// `15 Mar 1962`, `Mar 1962` or `1962` (also ISO `1962-03-15`).
fn parse_ofac_date(text: &str) -> Option<PartialDate> {
    let t = text.trim();
    if let Ok(d) = t.parse::<PartialDate>() {
        return Some(d);
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let year = |w: &str| -> Option<i32> { (w.len() == 4).then(|| w.parse().ok()).flatten() };
    match words.as_slice() {
        [m, y] => {
            let d = PartialDate {
                year: year(y)?,
                month: Some(month_number(m)?),
                day: None,
            };
            Some(d)
        }
        [d, m, y] => {
            let day: u8 = d.parse().ok()?;
            PartialDate::ymd(year(y)?, month_number(m)?, day)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dob(s: &str) -> Option<String> {
        parse_ofac_dob(s).map(|d| d.to_string())
    }

    #[test]
    fn dates_of_birth() {
        let table = [
            ("15 Mar 1962", Some("1962-03-15")),
            ("01 Jan 1962", Some("1962-01-01")),
            ("Mar 1962", Some("1962-03")),
            ("1962", Some("1962")),
            ("circa 1962", Some("circa 1962")),
            ("circa 15 Mar 1962", Some("circa 1962-03-15")),
            ("1962 to 1964", Some("between 1962 and 1964")),
            (
                "01 Jan 1962 to 31 Dec 1964",
                Some("between 1962-01-01 and 1964-12-31"),
            ),
            ("Mar 1962 to Apr 1963", Some("between 1962-03 and 1963-04")),
            ("circa 1962-1964", Some("between 1962 and 1964")),
            ("31 Feb 1962", None),
            ("sometime in the sixties", None),
            ("", None),
        ];
        for (input, want) in table {
            assert_eq!(dob(input).as_deref(), want, "{input:?}");
        }
    }

    #[test]
    fn statements() {
        use Remark::*;
        let gb = |s: &str| Some(s.to_string());
        let table: Vec<(&str, Remark)> = vec![
            (
                "DOB 15 Mar 1962",
                BirthDate(DateOfBirth::Exact(PartialDate::ymd(1962, 3, 15).unwrap())),
            ),
            (
                "alt. DOB circa 1960",
                BirthDate(DateOfBirth::Approximately(PartialDate::year(1960))),
            ),
            (
                "DOB in the 1960s",
                Unreadable {
                    field: "DOB",
                    text: "DOB in the 1960s".into(),
                },
            ),
            ("POB Baghdad, Iraq", BirthPlace("Baghdad, Iraq".into())),
            (
                "nationality Korea, North",
                Nationality("Korea, North".into()),
            ),
            ("citizen Mexico.", Citizenship("Mexico".into())),
            ("Gender Female.", Gender(interdict_model::Gender::Female)),
            (
                "Passport A1234567 (Iraq) expires 2020",
                Document {
                    kind: DocumentKind::Passport,
                    number: "A1234567".into(),
                    country: gb("Iraq"),
                    note: gb("expires 2020"),
                },
            ),
            (
                "alt. Passport 0123 (Syria)",
                Document {
                    kind: DocumentKind::Passport,
                    number: "0123".into(),
                    country: gb("Syria"),
                    note: None,
                },
            ),
            (
                "National ID No. 12345 (Syria)",
                Document {
                    kind: DocumentKind::NationalId,
                    number: "12345".into(),
                    country: gb("Syria"),
                    note: None,
                },
            ),
            (
                "Cedula No. 16246602 (Colombia)",
                Document {
                    kind: DocumentKind::NationalId,
                    number: "16246602".into(),
                    country: gb("Colombia"),
                    note: None,
                },
            ),
            (
                "NIT # 800049135-1 (Colombia)",
                Document {
                    kind: DocumentKind::Other("NIT".into()),
                    number: "800049135-1".into(),
                    country: gb("Colombia"),
                    note: None,
                },
            ),
            (
                "a.k.a. 'ABU AHMAD'",
                Alias(NameKind::WeakAlias, "ABU AHMAD".into()),
            ),
            (
                "f.k.a. \"OLD NAME\"",
                Alias(NameKind::FormerName, "OLD NAME".into()),
            ),
            (
                "Linked To: SOME FRONT CO.",
                Property("linkedTo", "SOME FRONT CO".into()),
            ),
            (
                "Vessel Registration Identification IMO 9187629",
                Property("imoNumber", "9187629".into()),
            ),
            (
                "Passport Number withheld",
                Note("Passport Number withheld".into()),
            ),
            ("ICTY indictee", Note("ICTY indictee".into())),
        ];
        for (input, want) in table {
            assert_eq!(parse_remarks(input), vec![want], "{input:?}");
        }
    }

    #[test]
    fn several_statements_and_quoted_semicolons() {
        let got = parse_remarks(
            "DOB 1962; alt. DOB 1963; a.k.a. 'A; B'; Driver's License No. 04900377 (Moldova) issued 02 Jul 2004.",
        );
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[2], Remark::Alias(NameKind::WeakAlias, "A; B".into()));
        assert!(matches!(&got[3], Remark::Document { number, .. } if number == "04900377"));
    }
}
