//! Countries as ISO 3166-1 alpha-2 codes (lower case, as FollowTheMoney writes them), and the lookup from the
//! country names and adjectives that lists use ("Syrian Arab Republic", "Iraqi") to codes.

use crate::ModelError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 3166-1 alpha-2 country code, stored lower case. `xk` (Kosovo) is accepted as lists use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country([u8; 2]);

/// Every assigned ISO 3166-1 alpha-2 code, plus `xk`, concatenated.
const CODES: &str = concat!(
    "adaeafagaialamaoaqarasatauawaxazbabbbdbebfbgbhbibjblbmbnbobqbrbsbtbvbwbybzcacccdcfcgchcickclcmcncocrcucvcwcxcycz",
    "dedjdkdmdodzeceeegeheresetfifjfkfmfofrgagbgdgegfggghgiglgmgngpgqgrgsgtgugwgyhkhmhnhrhthuidieiliminioiqirisitjejmjojp",
    "kekgkhkikmknkpkrkwkykzlalblclilklrlsltlulvlymamcmdmemfmgmhmkmlmmmnmompmqmrmsmtmumvmwmxmymznancnenfngninlnonpnrnunz",
    "ompapepfpgphpkplpmpnprpsptpwpyqarerorsrurwsasbscsdsesgshsisjskslsmsnsosrssstsvsxsysztctdtftgthtjtktltmtntotrtttvtw",
    "tzuaugumusuyuzvavcvevgvivnvuwfwsxkyeytzazmzw",
);

impl Country {
    /// A country from its alpha-2 code, in any case. `None` for codes that are not assigned.
    pub fn from_code(code: &str) -> Option<Country> {
        let b = code.trim().as_bytes();
        if b.len() != 2 || !b.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let lower = [b[0].to_ascii_lowercase(), b[1].to_ascii_lowercase()];
        let known = CODES.as_bytes().chunks_exact(2).any(|c| c == lower);
        known.then_some(Country(lower))
    }

    /// A country from an alpha-2 code, or from a country name or nationality adjective in English as the UN and
    /// OFAC lists write them ("Syrian Arab Republic", "Iraq", "Iraqi", "United Kingdom of Great Britain and
    /// Northern Ireland"). Case and punctuation are ignored.
    pub fn from_name(name: &str) -> Option<Country> {
        if let Some(c) = Country::from_code(name) {
            return Some(c);
        }
        let key = name_key(name);
        if key.is_empty() {
            return None;
        }
        crate::country_names::lookup(&key).and_then(Country::from_code)
    }

    /// The lower-case alpha-2 code.
    pub fn code(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("zz")
    }
}

/// Lower-cases, drops punctuation and the word "the", and collapses spaces, so that "Iran (Islamic Republic of)"
/// and "iran islamic republic of" are the same key.
pub(crate) fn name_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| w != "the")
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Country {
    type Error = ModelError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Country::from_code(&s).ok_or(ModelError::UnknownCountry(s))
    }
}

impl From<Country> for String {
    fn from(c: Country) -> String {
        c.code().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(Country::from_code("SY").unwrap().code(), "sy");
        assert_eq!(Country::from_code("xk").unwrap().code(), "xk");
        assert!(Country::from_code("zz").is_none());
        assert!(Country::from_code("syr").is_none());
        assert_eq!(CODES.len() % 2, 0);
    }

    #[test]
    fn names() {
        let table = [
            ("Syrian Arab Republic", Some("sy")),
            ("Iraq", Some("iq")),
            ("Iraqi", Some("iq")),
            (
                "United Kingdom of Great Britain and Northern Ireland",
                Some("gb"),
            ),
            ("Iran (Islamic Republic of)", Some("ir")),
            ("Afghanistan", Some("af")),
            ("Atlantis", None),
        ];
        for (name, want) in table {
            assert_eq!(
                Country::from_name(name)
                    .map(|c| c.code().to_string())
                    .as_deref(),
                want,
                "{name}"
            );
        }
    }
}
