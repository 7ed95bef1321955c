//! Traveller screening: every traveller of a message through the [`WatchlistIndex`] (name, birth date,
//! nationality, document), the lost/stolen document list, a document-validity check and the targeting rules.
//! Every hit carries its explanation: the list entry and score parts, or the rule id and version with the
//! values that made it fire. A person decides: hits are raised, never acted on here.

use crate::country_codes::country_from_code;
use crate::cusres::HitType;
use crate::dates::days_from_iso;
use crate::lost_stolen::LostStolenList;
use crate::message::{ParsedMessage, TravelMessage};
use crate::pnrgov::Booking;
use crate::rules::{RuleContext, RuleSet};
use crate::traveller::{DocumentClass, Flight, Traveller};
use interdict_model::{
    DateOfBirth, Document, DocumentKind, Entity, Gender, Name, NameKind, PartialDate, Schema,
};
use interdict_screen::{ScreenOptions, WatchlistIndex};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

/// One hit on one traveller.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TravellerHit {
    #[serde(rename = "type")]
    pub hit_type: HitType,
    /// The list entry id (`QDi.325`), the lost/stolen reference, or the rule id.
    pub reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    pub caption: String,
    /// Watchlist explanation, lost/stolen entry, document problem or rule conditions.
    pub explanation: serde_json::Value,
}

/// The screening of one traveller.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TravellerScreening {
    pub index: usize,
    pub surname: String,
    pub given_names: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traveller_reference: Option<String>,
    pub hits: Vec<TravellerHit>,
}

impl TravellerScreening {
    pub fn hit_types(&self) -> Vec<HitType> {
        self.hits.iter().map(|h| h.hit_type).collect()
    }
}

/// The screening of one message's travellers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageScreening {
    pub message_type: String,
    pub flight: Flight,
    pub travellers: Vec<TravellerScreening>,
}

impl MessageScreening {
    pub fn hit_count(&self) -> usize {
        self.travellers.iter().map(|t| t.hits.len()).sum()
    }
}

/// Screens travellers. Immutable once built; share it as `Arc` across threads.
#[derive(Debug, Clone)]
pub struct TravellerScreener {
    index: Arc<WatchlistIndex>,
    lost_stolen: LostStolenList,
    rules: RuleSet,
    options: ScreenOptions,
}

/// The watchlist query for a traveller: names, birth date, nationality, gender and travel document.
pub fn traveller_query(t: &Traveller, id: &str) -> Entity {
    let mut e = Entity::new(id, Schema::Person);
    let full = format!("{} {}", t.given_names, t.surname)
        .trim()
        .to_string();
    let mut name = Name::new(full, NameKind::Primary);
    name.given = t
        .given_names
        .split_whitespace()
        .map(str::to_string)
        .collect();
    name.family = Some(t.surname.clone()).filter(|s| !s.is_empty());
    e.names.push(name);
    if let Some(d) = t
        .birth_date
        .as_deref()
        .and_then(|d| d.parse::<PartialDate>().ok())
    {
        e.birth_dates.push(DateOfBirth::Exact(d));
    }
    if let Some(c) = t.nationality.as_deref().and_then(country_from_code) {
        e.nationalities.push(c);
    }
    e.gender = match t.gender.as_deref().map(|g| g.trim().to_ascii_uppercase()) {
        Some(g) if g.starts_with('M') => Some(Gender::Male),
        Some(g) if g.starts_with('F') => Some(Gender::Female),
        _ => None,
    };
    for d in &t.documents {
        if d.class == DocumentClass::Visa || d.number.is_empty() {
            continue;
        }
        e.documents.push(Document {
            kind: match d.class {
                DocumentClass::Passport => DocumentKind::Passport,
                DocumentClass::IdentityCard => DocumentKind::NationalId,
                _ => DocumentKind::Other(d.code.clone()),
            },
            number: d.number.clone(),
            country: d.issuing_state.as_deref().and_then(country_from_code),
            note: None,
        });
    }
    e
}

impl TravellerScreener {
    pub fn new(
        index: Arc<WatchlistIndex>,
        lost_stolen: LostStolenList,
        rules: RuleSet,
        options: ScreenOptions,
    ) -> Self {
        TravellerScreener {
            index,
            lost_stolen,
            rules,
            options,
        }
    }

    /// Watchlist, lost/stolen and document hits of one traveller (no rules).
    pub fn screen_traveller(
        &self,
        t: &Traveller,
        flight: &Flight,
        index: usize,
    ) -> Vec<TravellerHit> {
        let mut hits = Vec::new();
        let query = traveller_query(t, &format!("traveller-{index}"));
        if !t.surname.is_empty() {
            for m in self.index.screen(&query, &self.options) {
                hits.push(TravellerHit {
                    hit_type: if m.is_match {
                        HitType::WatchlistMatch
                    } else {
                        HitType::WatchlistPossible
                    },
                    reference: m.id.clone(),
                    score: Some(m.score),
                    caption: format!("{} ({})", m.caption, m.datasets.join(", ")),
                    explanation: serde_json::to_value(&m.explanation)
                        .unwrap_or(serde_json::Value::Null),
                });
            }
        }
        for d in &t.documents {
            if d.class == DocumentClass::Visa || d.number.is_empty() {
                continue;
            }
            if let Some(entry) = self
                .lost_stolen
                .lookup(&d.number, d.issuing_state.as_deref())
            {
                hits.push(TravellerHit {
                    hit_type: HitType::LostStolenDocument,
                    reference: if entry.reference.is_empty() {
                        format!("record {}", entry.record)
                    } else {
                        entry.reference.clone()
                    },
                    score: None,
                    caption: format!(
                        "document {} ({}) is listed as lost or stolen",
                        d.number,
                        d.issuing_state.as_deref().unwrap_or("state not given")
                    ),
                    explanation: serde_json::json!({
                        "document_number": d.number,
                        "issuing_state": d.issuing_state,
                        "list_entry": entry,
                    }),
                });
            }
        }
        if let Some(doc) = t.travel_document() {
            let departure = flight
                .legs
                .first()
                .and_then(|l| l.departure_time.as_deref())
                .or(flight.departure_time.as_deref());
            if let (Some(exp), Some(dep)) = (
                doc.expiry_date.as_deref().and_then(days_from_iso),
                departure.and_then(days_from_iso),
            ) && exp < dep
            {
                hits.push(TravellerHit {
                    hit_type: HitType::DocumentCheck,
                    reference: "document_expired".into(),
                    score: None,
                    caption: format!(
                        "document {} expired on {}",
                        doc.number,
                        doc.expiry_date.as_deref().unwrap_or("")
                    ),
                    explanation: serde_json::json!({
                        "check": "expiry before departure",
                        "expiry_date": doc.expiry_date,
                        "departure": departure,
                    }),
                });
            }
        }
        hits
    }

    /// Screens every traveller of a message, then applies the rules (with co-travellers of hits known).
    pub fn screen_message(&self, parsed: &ParsedMessage) -> MessageScreening {
        let message = &parsed.message;
        let flight = message.flight();
        let travellers = message.travellers();
        let bookings: &[Booking] = match message {
            TravelMessage::Pnrgov(m) => &m.bookings,
            _ => &[],
        };
        // Travellers are screened in parallel (rayon); results keep the message's order.
        let mut results: Vec<TravellerScreening> = travellers
            .par_iter()
            .enumerate()
            .map(|(i, t)| TravellerScreening {
                index: i,
                surname: t.surname.clone(),
                given_names: t.given_names.clone(),
                birth_date: t.birth_date.clone(),
                nationality: t.nationality.clone(),
                document_number: t.document_number.clone(),
                booking_reference: t.booking_reference.clone(),
                traveller_reference: t.traveller_reference.clone(),
                hits: self.screen_traveller(t, &flight, i),
            })
            .collect();
        // Bookings whose travellers have a confirmed-type hit: their co-travellers are flagged for the rules.
        let flagged: Vec<&str> = results
            .iter()
            .zip(travellers)
            .filter(|(r, _)| {
                r.hits.iter().any(|h| {
                    matches!(
                        h.hit_type,
                        HitType::WatchlistMatch | HitType::LostStolenDocument
                    )
                })
            })
            .filter_map(|(_, t)| t.booking_reference.as_deref())
            .collect();
        for (i, t) in travellers.iter().enumerate() {
            let own_hit = results[i].hits.iter().any(|h| {
                matches!(
                    h.hit_type,
                    HitType::WatchlistMatch | HitType::LostStolenDocument
                )
            });
            let co = !own_hit
                && t.booking_reference
                    .as_deref()
                    .is_some_and(|b| flagged.contains(&b));
            let booking = bookings.iter().find(|b| b.travellers.contains(&i));
            let ctx = RuleContext {
                traveller: t,
                booking,
                flight: &flight,
                co_traveller_of_hit: co,
            };
            for h in self.rules.evaluate(&ctx) {
                results[i].hits.push(TravellerHit {
                    hit_type: HitType::TargetingRule,
                    reference: format!("{} v{}", h.rule_id, h.rule_version),
                    score: None,
                    caption: h.title.clone(),
                    explanation: serde_json::to_value(&h).unwrap_or(serde_json::Value::Null),
                });
            }
        }
        MessageScreening {
            message_type: message.message_type().to_string(),
            flight,
            travellers: results,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screener_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<TravellerScreener>();
    }

    #[test]
    fn queries_carry_every_field() {
        let mut t = Traveller::new(crate::TravellerRole::Passenger, 0);
        t.surname = "DOE".into();
        t.given_names = "JANE MARY".into();
        t.birth_date = Some("1990-01-02".into());
        t.nationality = Some("NLD".into());
        t.gender = Some("F".into());
        t.documents.push(crate::TravelDocument {
            class: DocumentClass::Passport,
            code: "P".into(),
            number: "NX1234567".into(),
            issuing_state: Some("NLD".into()),
            expiry_date: None,
            issue_date: None,
            place_of_issue: None,
        });
        let q = traveller_query(&t, "q");
        assert_eq!(q.names[0].text, "JANE MARY DOE");
        assert_eq!(q.names[0].family.as_deref(), Some("DOE"));
        assert_eq!(q.nationalities[0].code(), "nl");
        assert_eq!(q.documents[0].number, "NX1234567");
        assert_eq!(q.gender, Some(Gender::Female));
    }
}
