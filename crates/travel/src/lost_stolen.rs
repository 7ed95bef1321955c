//! An exact list of lost and stolen travel documents (document number + issuing state), read from CSV with a
//! header naming `document_number` and `issuing_state` (alpha-2 or alpha-3) columns; other columns are kept as
//! the entry's reference (`id`, `reference`) or ignored.

use crate::TravelError;
use crate::country_codes::country_from_code;
use interdict_model::normalize_document_number;
use serde::Serialize;
use std::collections::HashMap;

/// One listed document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LostStolenEntry {
    pub document_number: String,
    /// Lower-case alpha-2 code, or empty when the list does not say.
    pub issuing_state: String,
    pub reference: String,
    /// CSV record number (1-based, header excluded).
    pub record: usize,
}

/// The list, indexed by normalised document number.
#[derive(Debug, Clone, Default)]
pub struct LostStolenList {
    by_number: HashMap<String, Vec<LostStolenEntry>>,
    len: usize,
}

impl LostStolenList {
    /// Reads the CSV list.
    ///
    /// # Errors
    /// [`TravelError::Record`] naming the record and field when the header lacks `document_number`, a record has
    /// no document number, or a state code is unknown.
    pub fn from_csv(reader: impl std::io::Read, source_name: &str) -> Result<Self, TravelError> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(reader);
        let header_err = |message: String| TravelError::Record {
            source_name: source_name.to_string(),
            record: 0,
            field: "header".into(),
            message,
        };
        let headers = rdr
            .headers()
            .map_err(|e| header_err(e.to_string()))?
            .clone();
        let col = |names: &[&str]| {
            headers
                .iter()
                .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
        };
        let number_col = col(&["document_number", "number", "doc_number"])
            .ok_or_else(|| header_err("no document_number column".into()))?;
        let state_col = col(&["issuing_state", "issuing_country", "country", "state"]);
        let ref_col = col(&["id", "reference", "ref"]);
        let mut list = LostStolenList::default();
        for (k, rec) in rdr.records().enumerate() {
            let record = k + 1;
            let rec = rec.map_err(|e| TravelError::Record {
                source_name: source_name.into(),
                record,
                field: "*".into(),
                message: e.to_string(),
            })?;
            let number = normalize_document_number(rec.get(number_col).unwrap_or(""));
            if number.is_empty() {
                return Err(TravelError::Record {
                    source_name: source_name.into(),
                    record,
                    field: "document_number".into(),
                    message: "empty document number".into(),
                });
            }
            let state_text = state_col.and_then(|c| rec.get(c)).unwrap_or("").trim();
            let issuing_state = if state_text.is_empty() {
                String::new()
            } else {
                country_from_code(state_text)
                    .map(|c| c.code().to_string())
                    .ok_or_else(|| TravelError::Record {
                        source_name: source_name.into(),
                        record,
                        field: "issuing_state".into(),
                        message: format!("unknown country code \"{state_text}\""),
                    })?
            };
            let reference = ref_col.and_then(|c| rec.get(c)).unwrap_or("").to_string();
            list.by_number
                .entry(number.clone())
                .or_default()
                .push(LostStolenEntry {
                    document_number: number,
                    issuing_state,
                    reference,
                    record,
                });
            list.len += 1;
        }
        Ok(list)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entry for a document: same normalised number, and same issuing state when both sides state one.
    pub fn lookup(&self, number: &str, issuing_state: Option<&str>) -> Option<&LostStolenEntry> {
        let state = issuing_state
            .and_then(country_from_code)
            .map(|c| c.code().to_string());
        self.by_number
            .get(&normalize_document_number(number))?
            .iter()
            .find(|e| {
                e.issuing_state.is_empty() || state.as_deref().is_none_or(|s| s == e.issuing_state)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let csv = "document_number,issuing_state,id\nNX 123-4567,NLD,SLTD-1\nAB999,,SLTD-2\n";
        let list = LostStolenList::from_csv(csv.as_bytes(), "test.csv").unwrap();
        assert_eq!(list.len(), 2);
        let cases = [
            ("NX1234567", Some("NLD"), Some("SLTD-1")),
            ("nx1234567", Some("nl"), Some("SLTD-1")),
            ("NX1234567", Some("BEL"), None),
            ("NX1234567", None, Some("SLTD-1")),
            ("AB999", Some("FRA"), Some("SLTD-2")),
            ("ZZ1", Some("FRA"), None),
        ];
        for (n, s, want) in cases {
            assert_eq!(
                list.lookup(n, s).map(|e| e.reference.as_str()),
                want,
                "{n} {s:?}"
            );
        }
        let bad = LostStolenList::from_csv(
            "document_number,issuing_state\nX1,QQQ\n".as_bytes(),
            "bad.csv",
        );
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("bad.csv, record 1: field issuing_state")
        );
    }
}
