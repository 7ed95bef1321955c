//! Party screening through `interdict-screen`'s [`WatchlistIndex`]: a [`PartyQuery`] becomes a query
//! [`Entity`] (a person, an organisation for companies, non-profits and banks, or an unspecified legal entity),
//! with the party's country and identifier, and the index's matches become [`ScreeningHit`]s with their
//! explanation.

use crate::PartyKind;
use crate::screening::{PartyQuery, PartyScreener, ScreeningHit};
use interdict_model::{Document, DocumentKind, Entity, Name, NameKind, Schema};
use interdict_screen::{ScreenOptions, WatchlistIndex};
use std::sync::Arc;

/// A [`PartyScreener`] over a shared [`WatchlistIndex`].
#[derive(Debug, Clone)]
pub struct WatchlistScreener {
    index: Arc<WatchlistIndex>,
    options: ScreenOptions,
}

impl WatchlistScreener {
    pub fn new(index: Arc<WatchlistIndex>, options: ScreenOptions) -> Self {
        WatchlistScreener { index, options }
    }

    /// The query entity screened for a party.
    pub fn query_entity(q: &PartyQuery) -> Entity {
        let schema = match (q.is_bank, q.kind) {
            (true, _) => Schema::Organization,
            (false, PartyKind::Person) => Schema::Person,
            (false, PartyKind::Organization | PartyKind::Npo) => Schema::Organization,
            (false, PartyKind::Unknown) => Schema::LegalEntity,
        };
        let mut e = Entity::new("party", schema);
        e.names.push(Name::new(q.name.clone(), NameKind::Primary));
        if let Some(c) = q.country {
            if schema == Schema::Person {
                e.nationalities.push(c);
            }
            e.countries.push(c);
        }
        if !q.identifier.trim().is_empty() {
            e.documents.push(Document {
                kind: DocumentKind::Other(if q.is_bank {
                    "BIC".into()
                } else {
                    "identifier".into()
                }),
                number: q.identifier.clone(),
                country: q.country,
                note: None,
            });
        }
        e
    }
}

impl PartyScreener for WatchlistScreener {
    fn screen(&self, query: &PartyQuery) -> Vec<ScreeningHit> {
        let entity = WatchlistScreener::query_entity(query);
        self.index
            .screen(&entity, &self.options)
            .into_iter()
            .map(|m| ScreeningHit {
                entry_id: m.id,
                score: m.score,
                is_match: m.is_match,
                caption: m.caption,
                datasets: m.datasets,
                explanation: serde_json::to_value(&m.explanation)
                    .unwrap_or(serde_json::Value::Null),
            })
            .collect()
    }
}
