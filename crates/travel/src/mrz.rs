//! Machine-readable zones of travel documents (ICAO Doc 9303): TD1, TD2, TD3 (passports), MRV-A and MRV-B
//! (visas). Every check digit, the composite digit, dates, the character set and the filler rules are checked;
//! each failure names its field.

use crate::dates::{mrz_birth_date, mrz_expiry_date};
use serde::Serialize;
use std::fmt;

/// The document layouts of ICAO 9303.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MrzFormat {
    /// ID card, 3 lines of 30.
    #[serde(rename = "TD1")]
    Td1,
    /// ID card, 2 lines of 36.
    #[serde(rename = "TD2")]
    Td2,
    /// Passport, 2 lines of 44.
    #[serde(rename = "TD3")]
    Td3,
    /// Visa, 2 lines of 44.
    #[serde(rename = "MRVA")]
    MrvA,
    /// Visa, 2 lines of 36.
    #[serde(rename = "MRVB")]
    MrvB,
}

impl MrzFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            MrzFormat::Td1 => "TD1",
            MrzFormat::Td2 => "TD2",
            MrzFormat::Td3 => "TD3",
            MrzFormat::MrvA => "MRVA",
            MrzFormat::MrvB => "MRVB",
        }
    }
}

/// Which part of the zone a problem concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MrzField {
    Format,
    DocumentCode,
    IssuingState,
    Name,
    DocumentNumber,
    Nationality,
    BirthDate,
    Sex,
    ExpiryDate,
    OptionalData,
    Composite,
    CharacterSet,
}

impl MrzField {
    pub fn as_str(self) -> &'static str {
        match self {
            MrzField::Format => "format",
            MrzField::DocumentCode => "document_code",
            MrzField::IssuingState => "issuing_state",
            MrzField::Name => "name",
            MrzField::DocumentNumber => "document_number",
            MrzField::Nationality => "nationality",
            MrzField::BirthDate => "birth_date",
            MrzField::Sex => "sex",
            MrzField::ExpiryDate => "expiry_date",
            MrzField::OptionalData => "optional_data",
            MrzField::Composite => "composite",
            MrzField::CharacterSet => "character_set",
        }
    }
}

/// One failed check, naming the field, the line and column (1-based) and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MrzError {
    pub field: MrzField,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for MrzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (line {}, column {}): {}",
            self.field.as_str(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// The fields read from a zone. Dates are ISO 8601 (`1974-08-12`); unreadable dates are `None`. Names have
/// fillers turned into spaces.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct MrzFields {
    pub document_code: String,
    pub issuing_state: String,
    pub document_number: String,
    pub birth_date: Option<String>,
    pub expiry_date: Option<String>,
    pub nationality: String,
    pub surname: String,
    pub given_names: String,
    pub sex: String,
    pub optional_data: String,
    /// Whether the name field is completely filled (the name may be truncated).
    pub name_possibly_truncated: bool,
}

/// A checked zone: valid when `errors` is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MrzCheck {
    pub valid: bool,
    pub format: Option<MrzFormat>,
    pub errors: Vec<MrzError>,
    pub fields: MrzFields,
}

/// The ICAO 9303 check digit (weights 7, 3, 1; `<` = 0, `A` = 10 .. `Z` = 35; modulo 10). `None` when a
/// character is outside `0-9A-Z<`.
pub fn check_digit(s: &str) -> Option<u8> {
    let mut sum: u32 = 0;
    for (i, b) in s.bytes().enumerate() {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            b'<' => 0,
            _ => return None,
        };
        sum += v * [7, 3, 1][i % 3];
    }
    Some((sum % 10) as u8)
}

struct Checker<'a> {
    lines: Vec<&'a str>,
    errors: Vec<MrzError>,
    today: (i32, u32, u32),
}

impl<'a> Checker<'a> {
    fn err(&mut self, field: MrzField, line: usize, column: usize, message: impl Into<String>) {
        self.errors.push(MrzError {
            field,
            line,
            column,
            message: message.into(),
        });
    }

    /// Characters `from..to` (1-based inclusive) of line `line` (1-based).
    fn span(&self, line: usize, from: usize, to: usize) -> &'a str {
        let l = self.lines[line - 1];
        l.get(from - 1..to).unwrap_or("")
    }

    fn digit(&mut self, field: MrzField, line: usize, data: (usize, usize), at: usize) {
        let value = self.span(line, data.0, data.1);
        let written = self.span(line, at, at);
        self.check_value_digit(field, line, value, written, at);
    }

    fn check_value_digit(
        &mut self,
        field: MrzField,
        line: usize,
        value: &str,
        written: &str,
        at: usize,
    ) {
        let Some(computed) = check_digit(value) else {
            return;
        };
        let ok = match written.as_bytes().first() {
            Some(b @ b'0'..=b'9') => b - b'0' == computed,
            // A filler check digit is allowed only when the whole field is fillers (ICAO 9303 part 3, 4.9).
            Some(b'<') => value.bytes().all(|b| b == b'<'),
            _ => false,
        };
        if !ok {
            self.err(
                field,
                line,
                at,
                format!(
                    "check digit '{written}' does not match {computed} computed over \"{value}\""
                ),
            );
        }
    }

    fn composite(&mut self, line: usize, ranges: &[(usize, usize, usize)], at: usize) {
        let mut data = String::new();
        for (l, from, to) in ranges {
            data.push_str(self.span(*l, *from, *to));
        }
        let written = self.span(line, at, at);
        self.check_value_digit(MrzField::Composite, line, &data, written, at);
    }

    fn date(&mut self, field: MrzField, line: usize, from: usize) -> Option<String> {
        let s = self.span(line, from, from + 5);
        let parsed = match field {
            MrzField::BirthDate => mrz_birth_date(s, self.today),
            _ => mrz_expiry_date(s, self.today),
        };
        if parsed.is_none() {
            self.err(
                field,
                line,
                from,
                format!("\"{s}\" is not a valid YYMMDD date"),
            );
        }
        parsed
    }

    fn alpha_code(&mut self, field: MrzField, line: usize, from: usize) -> String {
        let s = self.span(line, from, from + 2);
        if !s.bytes().all(|b| b.is_ascii_uppercase() || b == b'<') || s.starts_with('<') {
            self.err(
                field,
                line,
                from,
                format!("\"{s}\" is not a three-letter state code"),
            );
        }
        s.trim_end_matches('<').to_string()
    }

    fn sex(&mut self, line: usize, at: usize) -> String {
        let s = self.span(line, at, at);
        if !matches!(s, "M" | "F" | "<" | "X") {
            self.err(
                MrzField::Sex,
                line,
                at,
                format!("\"{s}\" is not M, F, X or <"),
            );
        }
        s.replace('<', "X")
    }

    fn name(&mut self, line: usize, from: usize, to: usize, fields: &mut MrzFields) {
        let s = self.span(line, from, to);
        fields.name_possibly_truncated = !s.ends_with('<');
        let (surname, given) = match s.find("<<") {
            Some(k) => (&s[..k], &s[k + 2..]),
            None => (s, ""),
        };
        fields.surname = fillers_to_spaces(surname);
        fields.given_names = fillers_to_spaces(given);
        if fields.surname.is_empty() {
            self.err(
                MrzField::Name,
                line,
                from,
                "no primary identifier (surname)",
            );
        }
        // After the name, only fillers: a letter after a run of fillers that ended the given names is an error
        // only if it is separated by three or more fillers (names use one filler between parts).
        let trimmed = s.trim_end_matches('<');
        if trimmed.contains("<<<") {
            self.err(
                MrzField::Name,
                line,
                from,
                "name contains a run of three or more fillers inside it",
            );
        }
    }

    fn document_number(&mut self, line: usize, from: usize, to: usize) -> String {
        let s = self.span(line, from, to);
        let trimmed = s.trim_end_matches('<');
        if trimmed.is_empty() {
            self.err(
                MrzField::DocumentNumber,
                line,
                from,
                "document number is empty",
            );
        } else if trimmed.contains('<') {
            self.err(
                MrzField::DocumentNumber,
                line,
                from,
                format!("filler inside document number \"{s}\""),
            );
        }
        trimmed.to_string()
    }
}

fn fillers_to_spaces(s: &str) -> String {
    s.split('<')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks one zone given as its lines (surrounding whitespace ignored). `today` (year, month, day) is the date
/// two-digit years pivot on: birth dates are never in the future, expiry dates lie within 50 years of it.
pub fn check_mrz(lines: &[&str], today: (i32, u32, u32)) -> MrzCheck {
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let mut c = Checker {
        lines: lines.clone(),
        errors: Vec::new(),
        today,
    };
    let mut fields = MrzFields::default();
    let lens: Vec<usize> = lines.iter().map(|l| l.len()).collect();
    let first = lines.first().copied().unwrap_or("");
    let visa = first.starts_with('V');
    let format = match (lens.as_slice(), visa) {
        ([30, 30, 30], _) => Some(MrzFormat::Td1),
        ([36, 36], false) => Some(MrzFormat::Td2),
        ([36, 36], true) => Some(MrzFormat::MrvB),
        ([44, 44], false) => Some(MrzFormat::Td3),
        ([44, 44], true) => Some(MrzFormat::MrvA),
        _ => None,
    };
    let Some(format) = format else {
        let shape = lens
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join("x");
        let expected = match lines.len() {
            3 => "3 lines of 30 (TD1)",
            2 if lens.first().is_some_and(|&n| n > 40) => "2 lines of 44 (TD3, MRV-A)",
            2 => "2 lines of 36 (TD2, MRV-B)",
            _ => "3x30 (TD1), 2x36 (TD2, MRV-B) or 2x44 (TD3, MRV-A)",
        };
        let (line, column) = match lines.len() {
            2 | 3 => {
                let expected_len = if lines.len() == 3 {
                    30
                } else if lens[0] > 40 {
                    44
                } else {
                    36
                };
                let bad = lens.iter().position(|&n| n != expected_len).unwrap_or(0);
                (
                    bad + 1,
                    lens.get(bad).copied().unwrap_or(0).min(expected_len) + 1,
                )
            }
            _ => (1, 1),
        };
        c.err(
            MrzField::Format,
            line,
            column,
            format!("lines are {shape} characters; expected {expected}"),
        );
        return MrzCheck {
            valid: false,
            format: None,
            errors: c.errors,
            fields,
        };
    };
    for (n, l) in lines.iter().enumerate() {
        if let Some(k) = l
            .bytes()
            .position(|b| !(b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'<'))
        {
            let ch = l[k..].chars().next().unwrap_or('?');
            c.err(
                MrzField::CharacterSet,
                n + 1,
                k + 1,
                format!("character '{ch}' is not A-Z, 0-9 or <"),
            );
        }
    }
    fields.document_code = c.span(1, 1, 2).trim_end_matches('<').to_string();
    let code_ok = match format {
        MrzFormat::Td3 => first.starts_with('P'),
        MrzFormat::MrvA | MrzFormat::MrvB => first.starts_with('V'),
        MrzFormat::Td1 | MrzFormat::Td2 => {
            matches!(first.as_bytes().first(), Some(b'A' | b'C' | b'I'))
        }
    };
    if !code_ok {
        c.err(
            MrzField::DocumentCode,
            1,
            1,
            format!(
                "document code \"{}\" does not fit {}",
                fields.document_code,
                format.as_str()
            ),
        );
    }
    fields.issuing_state = c.alpha_code(MrzField::IssuingState, 1, 3);
    match format {
        MrzFormat::Td1 => {
            // Long document numbers: a filler check digit at 15 means the number continues in the optional data,
            // ended by its check digit and a filler.
            let opt1 = c.span(1, 16, 30);
            if c.span(1, 15, 15) == "<" && !opt1.starts_with('<') {
                let ext = opt1.trim_end_matches('<');
                let (more, digit) = ext.split_at(ext.len().saturating_sub(1));
                let number = format!("{}{}", c.span(1, 6, 14), more);
                fields.document_number = number.clone();
                c.check_value_digit(MrzField::DocumentNumber, 1, &number, digit, 16 + more.len());
            } else {
                fields.document_number = c.document_number(1, 6, 14);
                c.digit(MrzField::DocumentNumber, 1, (6, 14), 15);
            }
            fields.optional_data = opt1.trim_end_matches('<').to_string();
            fields.birth_date = c.date(MrzField::BirthDate, 2, 1);
            c.digit(MrzField::BirthDate, 2, (1, 6), 7);
            fields.sex = c.sex(2, 8);
            fields.expiry_date = c.date(MrzField::ExpiryDate, 2, 9);
            c.digit(MrzField::ExpiryDate, 2, (9, 14), 15);
            fields.nationality = c.alpha_code(MrzField::Nationality, 2, 16);
            let opt2 = c.span(2, 19, 29).trim_end_matches('<');
            if !opt2.is_empty() {
                if !fields.optional_data.is_empty() {
                    fields.optional_data.push(' ');
                }
                fields.optional_data.push_str(opt2);
            }
            c.composite(2, &[(1, 6, 30), (2, 1, 7), (2, 9, 15), (2, 19, 29)], 30);
            c.name(3, 1, 30, &mut fields);
        }
        MrzFormat::Td2 | MrzFormat::Td3 | MrzFormat::MrvA | MrzFormat::MrvB => {
            let width = lens[0];
            c.name(1, 6, width, &mut fields);
            fields.document_number = c.document_number(2, 1, 9);
            c.digit(MrzField::DocumentNumber, 2, (1, 9), 10);
            fields.nationality = c.alpha_code(MrzField::Nationality, 2, 11);
            fields.birth_date = c.date(MrzField::BirthDate, 2, 14);
            c.digit(MrzField::BirthDate, 2, (14, 19), 20);
            fields.sex = c.sex(2, 21);
            fields.expiry_date = c.date(MrzField::ExpiryDate, 2, 22);
            c.digit(MrzField::ExpiryDate, 2, (22, 27), 28);
            match format {
                MrzFormat::Td3 => {
                    fields.optional_data = c.span(2, 29, 42).trim_end_matches('<').to_string();
                    c.digit(MrzField::OptionalData, 2, (29, 42), 43);
                    c.composite(2, &[(2, 1, 10), (2, 14, 20), (2, 22, 43)], 44);
                }
                MrzFormat::Td2 => {
                    fields.optional_data = c.span(2, 29, 35).trim_end_matches('<').to_string();
                    c.composite(2, &[(2, 1, 10), (2, 14, 20), (2, 22, 35)], 36);
                }
                _ => {
                    fields.optional_data = c.span(2, 29, width).trim_end_matches('<').to_string();
                }
            }
        }
    }
    MrzCheck {
        valid: c.errors.is_empty(),
        format: Some(format),
        errors: c.errors,
        fields,
    }
}

/// A difference between a document's MRZ and what a carrier message says about the same document: an
/// indicator of document fraud or of a data-entry error, for an analyst to look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentMismatch {
    /// `surname`, `given_names`, `birth_date`, `document_number`, `expiry_date`, `nationality`.
    pub field: &'static str,
    pub mrz: String,
    pub message: String,
}

fn name_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Compares an MRZ with a traveller read from PAXLST (NAD, DTM 329, DOC, DTM 36) or PNR (SSR DOCS). Fields
/// missing on either side are not compared; names are compared without spaces, hyphens and case, and a
/// truncated MRZ name only needs to be a prefix.
pub fn cross_check(mrz: &MrzFields, t: &crate::Traveller) -> Vec<DocumentMismatch> {
    let mut out = Vec::new();
    let mut diff = |field: &'static str, mrz_value: &str, other: &str| {
        out.push(DocumentMismatch {
            field,
            mrz: mrz_value.to_string(),
            message: format!("MRZ {field} \"{mrz_value}\" differs from the message's \"{other}\""),
        });
    };
    let names_agree = |m: &str, o: &str| {
        let (m, o) = (name_key(m), name_key(o));
        m == o || (mrz.name_possibly_truncated && o.starts_with(&m))
    };
    if !t.surname.is_empty() && !mrz.surname.is_empty() && !names_agree(&mrz.surname, &t.surname) {
        diff("surname", &mrz.surname, &t.surname);
    }
    if !t.given_names.is_empty()
        && !mrz.given_names.is_empty()
        && !names_agree(&mrz.given_names, &t.given_names)
    {
        diff("given_names", &mrz.given_names, &t.given_names);
    }
    if let (Some(m), Some(o)) = (&mrz.birth_date, &t.birth_date)
        && m != o
    {
        diff("birth_date", m, o);
    }
    match t
        .documents
        .iter()
        .find(|d| name_key(&d.number) == name_key(&mrz.document_number))
    {
        Some(d) => {
            if let (Some(m), Some(o)) = (&mrz.expiry_date, &d.expiry_date)
                && m != o
            {
                diff("expiry_date", m, o);
            }
        }
        None => {
            if let Some(o) = &t.document_number {
                diff("document_number", &mrz.document_number, o);
            }
        }
    }
    if let Some(o) = &t.nationality
        && !mrz.nationality.is_empty()
        && o.len() == 3
        && *o != mrz.nationality
    {
        diff("nationality", &mrz.nationality, o);
    }
    out
}

/// Splits text into zones: lines of one document are consecutive, documents are separated by a blank line.
/// Lines starting with `#` are comments and are skipped.
pub fn split_zones(text: &str) -> Vec<Vec<&str>> {
    let mut zones = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('#') {
            continue;
        }
        if t.is_empty() {
            if !current.is_empty() {
                zones.push(std::mem::take(&mut current));
            }
        } else {
            current.push(t);
        }
    }
    if !current.is_empty() {
        zones.push(current);
    }
    zones
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u32, u32) = (2026, 11, 29);

    #[test]
    fn check_digits() {
        for (s, d) in [
            ("L898902C3", 6),
            ("740812", 2),
            ("120415", 9),
            ("ZE184226B<<<<<", 1),
            ("<<<", 0),
            ("D23145890", 7),
        ] {
            assert_eq!(check_digit(s), Some(d), "{s}");
        }
        assert_eq!(check_digit("a"), None);
    }

    #[test]
    fn specimens_and_negatives() {
        // (lines, format, valid, fields named in errors)
        let cases: &[(&[&str], Option<MrzFormat>, &[MrzField])] = &[
            (
                &[
                    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
                ],
                Some(MrzFormat::Td3),
                &[],
            ),
            (
                &[
                    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                    "L898902C37UTO7408122F1204159ZE184226B<<<<<10",
                ],
                Some(MrzFormat::Td3),
                &[MrzField::DocumentNumber, MrzField::Composite],
            ),
            (
                &[
                    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                    "L898902C36UTO7413122F1204159ZE184226B<<<<<10",
                ],
                Some(MrzFormat::Td3),
                &[
                    MrzField::BirthDate,
                    MrzField::BirthDate,
                    MrzField::Composite,
                ],
            ),
            (
                &[
                    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                    "L898902C36UTO7408122F1204159ZE184226B<<<<1",
                ],
                None,
                &[MrzField::Format],
            ),
            (
                &[
                    "I<UTOD231458907<<<<<<<<<<<<<<<",
                    "7408122F1204159UTO<<<<<<<<<<<6",
                    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
                ],
                Some(MrzFormat::Td1),
                &[],
            ),
            (
                &[
                    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
                    "D231458907UTO7408122F1204159<<<<<<<6",
                ],
                Some(MrzFormat::Td2),
                &[],
            ),
            (
                &[
                    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
                ],
                Some(MrzFormat::MrvA),
                &[],
            ),
            (
                &[
                    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
                    "L8988901C4XXX4009078F9612109<<<<<<<<",
                ],
                Some(MrzFormat::MrvB),
                &[],
            ),
            (
                &[
                    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                    "L898902C36UTO7408122Q1204159ZE184226B<<<<<10",
                ],
                Some(MrzFormat::Td3),
                &[MrzField::Sex],
            ),
            (
                &[
                    "P<UTOERIKSSON<<ANNA<MARIa<<<<<<<<<<<<<<<<<<<",
                    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
                ],
                Some(MrzFormat::Td3),
                &[MrzField::CharacterSet],
            ),
        ];
        for (lines, format, fields) in cases {
            let r = check_mrz(lines, TODAY);
            assert_eq!(r.format, *format, "{lines:?}");
            let got: Vec<MrzField> = r.errors.iter().map(|e| e.field).collect();
            assert_eq!(got, *fields, "{lines:?}: {:?}", r.errors);
            assert_eq!(r.valid, fields.is_empty());
        }
    }

    #[test]
    fn fields_are_read() {
        let r = check_mrz(
            &[
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
            ],
            TODAY,
        );
        let f = &r.fields;
        assert_eq!(f.surname, "ERIKSSON");
        assert_eq!(f.given_names, "ANNA MARIA");
        assert_eq!(f.document_number, "L898902C3");
        assert_eq!(f.birth_date.as_deref(), Some("1974-08-12"));
        assert_eq!(f.expiry_date.as_deref(), Some("2012-04-15"));
        assert_eq!(
            (
                f.nationality.as_str(),
                f.issuing_state.as_str(),
                f.sex.as_str()
            ),
            ("UTO", "UTO", "F")
        );
        assert!(!f.name_possibly_truncated);
    }

    #[test]
    fn zones_split_on_blank_lines() {
        let z = split_zones("# c\nA\nB\n\n\nC\nD\nE\n");
        assert_eq!(z, vec![vec!["A", "B"], vec!["C", "D", "E"]]);
    }
}
