//! The sensitive-data filter: PNR content that reveals religion, health or similar (special-meal codes such as
//! MOML, KSML, HNML, VJML; medical and disability codes; the same words in remarks) is dropped at ingestion.
//! Drops are counted by category, never stored. The list is configuration: one `CODE category` per line.

use crate::TravelError;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The built-in list, in the configuration format.
pub const DEFAULT_SENSITIVE_LIST: &str = "\
# Special meals: reveal religion, belief or health. All meal codes are dropped.
AVML religion
HNML religion
KSML religion
MOML religion
VJML religion
VOML religion
VGML belief
VLML belief
RVML belief
BBML health
BLML health
CHML health
DBML health
FPML health
GFML health
LCML health
LFML health
LPML health
LSML health
NLML health
PRML health
SFML health
SPML health
ORML health
# Medical and disability service requests.
MEDA health
OXYG health
STCR health
WCHR health
WCHS health
WCHC health
WCBD health
WCBW health
WCMP health
WCOB health
BLND health
DEAF health
DPNA health
PPOC health
POXY health
SVAN health
ESAN health
LEGL health
EXST health
PREG health
# Words in remarks.
MUSLIM religion
HALAL religion
KOSHER religion
HINDU religion
JAIN religion
JEWISH religion
CHRISTIAN religion
BUDDHIST religion
DIABETIC health
WHEELCHAIR health
PREGNANT health
PREGNANCY health
MEDICAL health
DISABLED health
DISABILITY health
";

/// What was dropped, by category. The dropped content itself is never kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DroppedCounts {
    pub total: usize,
    pub by_category: BTreeMap<String, usize>,
}

impl DroppedCounts {
    pub fn add(&mut self, category: &str) {
        self.total += 1;
        *self.by_category.entry(category.to_string()).or_default() += 1;
    }

    pub fn merge(&mut self, other: &DroppedCounts) {
        self.total += other.total;
        for (k, v) in &other.by_category {
            *self.by_category.entry(k.clone()).or_default() += v;
        }
    }
}

/// The configured codes and words, each with its category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensitiveDataFilter {
    entries: HashMap<String, String>,
}

impl Default for SensitiveDataFilter {
    fn default() -> Self {
        match SensitiveDataFilter::from_config(DEFAULT_SENSITIVE_LIST) {
            Ok(f) => f,
            Err(_) => SensitiveDataFilter {
                entries: HashMap::new(),
            },
        }
    }
}

impl SensitiveDataFilter {
    /// Reads `CODE category` lines; `#` starts a comment; blank lines are skipped.
    ///
    /// # Errors
    /// [`TravelError::Config`] naming the line when a line has no category or more than two words.
    pub fn from_config(text: &str) -> Result<Self, TravelError> {
        let mut entries = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.len() != 2 {
                return Err(TravelError::Config {
                    source_name: "sensitive-data list".into(),
                    line: n + 1,
                    message: format!("expected \"CODE category\", found \"{line}\""),
                });
            }
            entries.insert(words[0].to_ascii_uppercase(), words[1].to_ascii_lowercase());
        }
        Ok(SensitiveDataFilter { entries })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The category of an SSR code when it must be dropped.
    pub fn ssr_category(&self, code: &str) -> Option<&str> {
        self.entries
            .get(&code.trim().to_ascii_uppercase())
            .map(String::as_str)
    }

    /// The category of the first listed code or word in free text, when the text must be dropped.
    pub fn text_category(&self, text: &str) -> Option<&str> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4)
            .find_map(|w| self.entries.get(&w.to_ascii_uppercase()))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_what_it_must() {
        let f = SensitiveDataFilter::default();
        let cases = [
            ("MOML", Some("religion")),
            ("KSML", Some("religion")),
            ("HNML", Some("religion")),
            ("VJML", Some("religion")),
            ("WCHR", Some("health")),
            ("DOCS", None),
            ("SEAT", None),
            ("CTCE", None),
        ];
        for (code, want) in cases {
            assert_eq!(f.ssr_category(code), want, "{code}");
        }
        assert_eq!(
            f.text_category("PAX REQUESTS MOML ON ALL SECTORS"),
            Some("religion")
        );
        assert_eq!(f.text_category("NEEDS WHEELCHAIR AT GATE"), Some("health"));
        assert_eq!(f.text_category("THIS PASSENGER IS A VIP"), None);
        let custom = SensitiveDataFilter::from_config("XXML religion\n# comment\n").unwrap();
        assert_eq!(custom.ssr_category("xxml"), Some("religion"));
        assert_eq!(custom.ssr_category("MOML"), None);
        assert!(SensitiveDataFilter::from_config("MOML\n").is_err());
    }
}
