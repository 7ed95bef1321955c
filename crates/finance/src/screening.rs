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

impl PartyQuery {
    pub(crate) fn of_party(p: &Party) -> Option<PartyQuery> {
        (!p.name.trim().is_empty()).then(|| PartyQuery {
            name: p.name.clone(),
            kind: p.kind,
            country: p.country,
            identifier: p.identifier.clone(),
            is_bank: false,
        })
    }

    pub(crate) fn of_bank(p: &Party) -> Option<PartyQuery> {
        (!p.bank_name.trim().is_empty()).then(|| PartyQuery {
            name: p.bank_name.clone(),
            kind: PartyKind::Organization,
            country: p.bank_country,
            identifier: p.bank_bic.clone(),
            is_bank: true,
        })
    }
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

/// A bounded cache of screening results per distinct party. When full it is cleared (the hit rate is reported
/// in [`crate::MonitorStats`]), which keeps memory bounded on unbounded streams.
#[derive(Debug)]
pub(crate) struct ScreeningCache {
    screener: Arc<dyn PartyScreener>,
    entries: HashMap<PartyQuery, Arc<Vec<ScreeningHit>>>,
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

    pub(crate) fn screen(&mut self, q: PartyQuery) -> Arc<Vec<ScreeningHit>> {
        if let Some(r) = self.entries.get(&q) {
            self.hits += 1;
            return r.clone();
        }
        self.misses += 1;
        let r = Arc::new(self.screener.screen(&q));
        if self.entries.len() >= self.capacity {
            self.entries.clear();
        }
        self.entries.insert(q, r.clone());
        r
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}
