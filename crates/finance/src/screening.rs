//! Party screening: the debtor, the creditor and their banks are checked against watchlists through the
//! [`PartyScreener`] trait. `interdict-screen`'s `WatchlistIndex` implements it through
//! [`crate::watchlist::WatchlistScreener`]; tests use small fakes. Results are cached per distinct party (name,
//! country, identifier, kind) and list version, so a customer seen a million times is screened once per list
//! version.

use crate::key::{EntityKey, PrehashedMap, hash_bytes};
use crate::{Party, PartyKind};
use interdict_model::Country;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// Which party of a transaction is screened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    Debtor,
    Creditor,
    DebtorBank,
    CreditorBank,
}

/// What is screened for one party.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartyQuery {
    pub name: String,
    pub kind: PartyKind,
    pub country: Option<Country>,
    pub identifier: String,
    /// Banks are screened as organisations by name, BIC and country.
    pub is_bank: bool,
}

/// One watchlist entry a party resembles, with the screening engine's explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreeningHit {
    /// The list entry id (a UN REFERENCE_NUMBER such as `QDi.325`).
    pub entry_id: String,
    pub score: f64,
    /// The engine judged the score a match (score >= threshold).
    #[serde(rename = "match")]
    pub is_match: bool,
    pub caption: String,
    pub datasets: Vec<String>,
    pub explanation: serde_json::Value,
}

/// Screens one party against watchlists. Implementations must be cheap to share across threads.
pub trait PartyScreener: Send + Sync + std::fmt::Debug {
    /// The hits for a party, best first.
    fn screen(&self, query: &PartyQuery) -> Vec<ScreeningHit>;

    /// The version of the lists screened against: when it changes, cached results are dropped and every
    /// party is screened again on its next transaction. A screener over fixed lists keeps the default.
    fn list_version(&self) -> u64 {
        0
    }
}

/// Empty or only white space (the usual non-blank name is decided by its first byte).
fn blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_graphic() => false,
        Some(_) => s.trim().is_empty(),
    }
}

/// A party query borrowed from a transaction (no allocation until a cache miss).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PartyQueryRef<'a> {
    pub name: &'a str,
    pub kind: PartyKind,
    pub country: Option<Country>,
    pub identifier: &'a str,
    pub is_bank: bool,
}

impl PartyQueryRef<'_> {
    pub(crate) fn of_party(p: &Party) -> Option<PartyQueryRef<'_>> {
        (!blank(&p.name)).then_some(PartyQueryRef {
            name: &p.name,
            kind: p.kind,
            country: p.country,
            identifier: &p.identifier,
            is_bank: false,
        })
    }

    pub(crate) fn of_bank(p: &Party) -> Option<PartyQueryRef<'_>> {
        (!blank(&p.bank_name)).then_some(PartyQueryRef {
            name: &p.bank_name,
            kind: PartyKind::Organization,
            country: p.bank_country,
            identifier: &p.bank_bic,
            is_bank: true,
        })
    }

    fn to_owned(self) -> PartyQuery {
        PartyQuery {
            name: self.name.to_string(),
            kind: self.kind,
            country: self.country,
            identifier: self.identifier.to_string(),
            is_bank: self.is_bank,
        }
    }
}

/// A bounded cache of screening results per distinct party, for one list version.
///
/// Two levels: the exact party (name, kind, country, identifier, bank or not) found by a word-at-a-time hash
/// and compared byte for byte (so a lookup allocates nothing and a hash collision cannot return another
/// party's result), then, on a miss, the normalised party (name lower-cased with runs of spaces collapsed,
/// identifier upper-cased without spaces or punctuation), so "ACME  Ltd" and "Acme Ltd" are screened once.
/// Banks screen their customers on onboarding and again when a list changes: when the screener reports a new
/// [`PartyScreener::list_version`], the cache is emptied. When full it is also emptied, which keeps memory
/// bounded on unbounded streams; the hit rates are reported in [`crate::MonitorStats`].
#[derive(Debug)]
pub(crate) struct ScreeningCache {
    screener: Arc<dyn PartyScreener>,
    version: u64,
    exact: PrehashedMap<u64, CachedParty>,
    normalised: HashMap<String, Arc<Vec<ScreeningHit>>>,
    capacity: usize,
    /// Lookups answered by the exact level.
    pub hits: u64,
    /// Lookups answered by the normalised level (another spelling of a party already screened).
    pub normalised_hits: u64,
    /// Parties actually screened.
    pub misses: u64,
    /// Times the cache was emptied because the list version changed.
    pub list_changes: u64,
}

/// One exact party and its result.
#[derive(Debug)]
struct CachedParty {
    /// Inline when short (no pointer to follow on a hit).
    name: EntityKey,
    identifier: EntityKey,
    country: Option<Country>,
    kind: PartyKind,
    is_bank: bool,
    hits: Arc<Vec<ScreeningHit>>,
}

impl CachedParty {
    fn is(&self, q: &PartyQueryRef<'_>) -> bool {
        self.kind == q.kind
            && self.is_bank == q.is_bank
            && self.country == q.country
            && self.name.as_bytes() == q.name.as_bytes()
            && self.identifier.as_bytes() == q.identifier.as_bytes()
    }
}

fn exact_hash(q: &PartyQueryRef<'_>) -> u64 {
    let country = q
        .country
        .map(|c| {
            let b = c.code().as_bytes();
            u64::from(b[0]) << 8 | u64::from(b[1])
        })
        .unwrap_or(0);
    let flags = (q.kind as u64) << 1 | u64::from(q.is_bank);
    let h = hash_bytes(country << 8 | flags, q.name.as_bytes());
    // A final mix, as the map uses the value itself as the hash.
    hash_bytes(h, q.identifier.as_bytes()).rotate_left(32) ^ h
}

/// The normalised key: `kind|bank|country|name|identifier`, name lower-cased with whitespace runs collapsed,
/// identifier upper-cased with only letters and digits kept.
fn normalised_key(q: &PartyQueryRef<'_>) -> String {
    let mut k = String::with_capacity(q.name.len() + q.identifier.len() + 16);
    k.push_str(q.kind.as_str());
    k.push(if q.is_bank { '|' } else { ':' });
    k.push_str(q.country.as_ref().map(|c| c.code()).unwrap_or("--"));
    k.push('|');
    for (i, w) in q.name.split_whitespace().enumerate() {
        if i > 0 {
            k.push(' ');
        }
        k.extend(w.chars().flat_map(char::to_lowercase));
    }
    k.push('|');
    k.extend(
        q.identifier
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_uppercase),
    );
    k
}

impl ScreeningCache {
    pub(crate) fn new(screener: Arc<dyn PartyScreener>, capacity: usize) -> Self {
        ScreeningCache {
            version: screener.list_version(),
            screener,
            exact: PrehashedMap::default(),
            normalised: HashMap::new(),
            capacity: capacity.max(1),
            hits: 0,
            normalised_hits: 0,
            misses: 0,
            list_changes: 0,
        }
    }

    /// Empties the cache if the lists changed since the last call.
    pub(crate) fn check_list_version(&mut self) {
        let v = self.screener.list_version();
        if v != self.version {
            self.version = v;
            self.list_changes += 1;
            self.exact.clear();
            self.normalised.clear();
        }
    }

    /// Reads the cache slot `q` would be found in, so that its memory load starts early; changes nothing.
    #[inline]
    pub(crate) fn touch(&self, q: &PartyQueryRef<'_>) {
        std::hint::black_box(self.exact.get(&exact_hash(q)).map(|c| c.kind));
    }

    pub(crate) fn screen(&mut self, q: PartyQueryRef<'_>) -> Arc<Vec<ScreeningHit>> {
        let key = exact_hash(&q);
        if let Some(c) = self.exact.get(&key)
            && c.is(&q)
        {
            self.hits += 1;
            return c.hits.clone();
        }
        if self.exact.len() >= self.capacity || self.normalised.len() >= self.capacity {
            self.exact.clear();
            self.normalised.clear();
        }
        let norm = normalised_key(&q);
        let hits = match self.normalised.get(&norm) {
            Some(r) => {
                self.normalised_hits += 1;
                r.clone()
            }
            None => {
                self.misses += 1;
                let r = Arc::new(self.screener.screen(&q.to_owned()));
                self.normalised.insert(norm, r.clone());
                r
            }
        };
        // A colliding exact entry (another party with the same hash) is replaced: still exact, just a miss.
        self.exact.insert(
            key,
            CachedParty {
                name: EntityKey::new(q.name),
                identifier: EntityKey::new(q.identifier),
                country: q.country,
                kind: q.kind,
                is_bank: q.is_bank,
                hits: hits.clone(),
            },
        );
        hits
    }

    pub(crate) fn len(&self) -> usize {
        self.normalised.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[derive(Debug, Default)]
    struct Counting {
        calls: AtomicU64,
        version: AtomicU64,
    }

    impl PartyScreener for Counting {
        fn screen(&self, q: &PartyQuery) -> Vec<ScreeningHit> {
            self.calls.fetch_add(1, Ordering::Relaxed);
            vec![ScreeningHit {
                entry_id: q.name.clone(),
                score: 1.0,
                is_match: true,
                caption: String::new(),
                datasets: Vec::new(),
                explanation: serde_json::Value::Null,
            }]
        }
        fn list_version(&self) -> u64 {
            self.version.load(Ordering::Relaxed)
        }
    }

    fn q<'a>(name: &'a str, identifier: &'a str, country: &str) -> PartyQueryRef<'a> {
        PartyQueryRef {
            name,
            kind: PartyKind::Person,
            country: Country::from_code(country),
            identifier,
            is_bank: false,
        }
    }

    #[test]
    fn one_screening_per_normalised_party_and_list_version() {
        let s = Arc::new(Counting::default());
        let mut c = ScreeningCache::new(s.clone(), 100);
        // (query, screened so far after it)
        let table: &[(PartyQueryRef<'_>, u64)] = &[
            (q("Jean Exemple", "", "fr"), 1),
            (q("Jean Exemple", "", "fr"), 1),
            (q("jean  EXEMPLE ", "", "fr"), 1),
            (q("Jean Exemple", "", "be"), 2),
            (q("Jean Exemple", "AB 12-34", "fr"), 3),
            (q("Jean Exemple", "ab1234", "fr"), 3),
            (q("Jeanne Exemple", "", "fr"), 4),
        ];
        for (i, (query, want)) in table.iter().enumerate() {
            let hits = c.screen(*query);
            assert_eq!(s.calls.load(Ordering::Relaxed), *want, "row {i}");
            assert!(!hits.is_empty());
        }
        assert_eq!((c.hits, c.normalised_hits, c.misses), (1, 2, 4));
        // A new list version: everything is screened again.
        s.version.store(7, Ordering::Relaxed);
        c.check_list_version();
        c.screen(q("Jean Exemple", "", "fr"));
        assert_eq!(s.calls.load(Ordering::Relaxed), 5);
        assert_eq!(c.list_changes, 1);
        c.check_list_version();
        assert_eq!(c.list_changes, 1);
    }

    #[test]
    fn bounded() {
        let s = Arc::new(Counting::default());
        let mut c = ScreeningCache::new(s, 3);
        let names: Vec<String> = (0..10).map(|i| format!("Party {i}")).collect();
        for n in &names {
            c.screen(q(n, "", "fr"));
            assert!(c.len() <= 3);
        }
    }
}
