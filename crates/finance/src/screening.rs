//! Party screening: the debtor, the creditor and their banks are checked against watchlists through the
//! [`PartyScreener`] trait. `interdict-screen`'s `WatchlistIndex` implements it through
//! [`crate::watchlist::WatchlistScreener`]; tests use small fakes. Results are cached per distinct party (name,
//! country, identifier, kind), so a customer seen a million times is screened once.

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
}

/// A 128-bit fingerprint of a party query (two independent FxHash-style passes): the cache key, so a lookup
/// allocates nothing. Two different parties share a fingerprint with probability about n^2 / 2^129.
fn fingerprint(q: &PartyQueryRef<'_>) -> (u64, u64) {
    let mut a: u64 = 0x243F_6A88_85A3_08D3;
    let mut b: u64 = 0x1319_8A2E_0370_7344;
    let mut eat = |bytes: &[u8]| {
        for &x in bytes {
            a = (a.rotate_left(5) ^ u64::from(x)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
            b = (b ^ u64::from(x)).wrapping_mul(0x100_0000_01b3);
        }
        a = (a.rotate_left(5) ^ 0xff).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        b = (b ^ 0xff).wrapping_mul(0x100_0000_01b3);
    };
    eat(q.name.as_bytes());
    eat(q.kind.as_str().as_bytes());
    eat(q
        .country
        .as_ref()
        .map(|c| c.code().as_bytes())
        .unwrap_or(b""));
    eat(q.identifier.as_bytes());
    eat(&[u8::from(q.is_bank)]);
    (a, b)
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
        (!p.name.trim().is_empty()).then_some(PartyQueryRef {
            name: &p.name,
            kind: p.kind,
            country: p.country,
            identifier: &p.identifier,
            is_bank: false,
        })
    }

    pub(crate) fn of_bank(p: &Party) -> Option<PartyQueryRef<'_>> {
        (!p.bank_name.trim().is_empty()).then_some(PartyQueryRef {
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

/// A bounded cache of screening results per distinct party. When full it is cleared (the hit rate is reported
/// in [`crate::MonitorStats`]), which keeps memory bounded on unbounded streams.
#[derive(Debug)]
pub(crate) struct ScreeningCache {
    screener: Arc<dyn PartyScreener>,
    entries: HashMap<(u64, u64), Arc<Vec<ScreeningHit>>>,
    capacity: usize,
    pub hits: u64,
    pub misses: u64,
}

impl ScreeningCache {
    pub(crate) fn new(screener: Arc<dyn PartyScreener>, capacity: usize) -> Self {
        ScreeningCache {
            screener,
            entries: HashMap::new(),
            capacity: capacity.max(1),
            hits: 0,
            misses: 0,
        }
    }

    pub(crate) fn screen(&mut self, q: PartyQueryRef<'_>) -> Arc<Vec<ScreeningHit>> {
        let key = fingerprint(&q);
        if let Some(r) = self.entries.get(&key) {
            self.hits += 1;
            return r.clone();
        }
        self.misses += 1;
        let r = Arc::new(self.screener.screen(&q.to_owned()));
        if self.entries.len() >= self.capacity {
            self.entries.clear();
        }
        self.entries.insert(key, r.clone());
        r
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}
