//! `POST /v1/travel/messages`: a carrier's PAXLST or PNRGOV file in; every traveller screened against the
//! organisation's lists (watchlist, document and targeting-rule hits), alerts raised for hits, the passenger data
//! stored under retention, and for PAXLST the iAPI answer (CUSRES) to send back.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use interdict_store::{AuditEvent, NewAlert, NewPassengerRecord, PassengerDataKind, Role, now_ms};
use interdict_travel::cusres::{CusresHeader, write_cusres};
use interdict_travel::{
    HitType, IapiPolicy, LostStolenList, RuleSet, SensitiveDataFilter, TravelMessage,
    TravellerScreener, read_travel_file,
};
use serde::{Deserialize, Serialize};

use crate::auth::{Principal, require_purpose};
use crate::extract::{QueryParams, RawBody};
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TravelParams {
    /// Our sender id in the CUSRES answer (default `INTERDICT`).
    pub sender: Option<String>,
}

/// The outcome for one message of the file.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TravelMessageResult {
    pub message_type: String,
    /// Flight and travellers with their hits and explanations.
    pub screening: serde_json::Value,
    /// Problems found reading the message, with positions.
    pub warnings: serde_json::Value,
    /// For PAXLST: the CUSRES answer (board / do not board per traveller under the default policy).
    pub cusres: Option<String>,
    pub alert_ids: Vec<i64>,
    /// The stored passenger records (masked after the retention age).
    pub passenger_record_ids: Vec<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TravelResponse {
    pub messages: Vec<TravelMessageResult>,
    pub warnings: serde_json::Value,
}

fn alert_worthy(h: HitType) -> bool {
    h != HitType::WatchlistPossible
}

/// Screen a PAXLST or PNRGOV file (UN/EDIFACT) and answer iAPI requests.
#[utoipa::path(post, path = "/v1/travel/messages", tag = "travel", params(TravelParams,
        ("X-Purpose" = Option<String>, Header, description = "Why the travellers are screened")),
    request_body(content = String, content_type = "application/edifact", description = "PAXLST or PNRGOV interchange"),
    responses((status = 200, body = TravelResponse), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn messages(
    who: Principal,
    State(state): State<AppState>,
    QueryParams(params): QueryParams<TravelParams>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<TravelResponse>, ApiError> {
    who.require(&[Role::Ingest, Role::Analyst, Role::Admin])?;
    let purpose = require_purpose(&headers, None)?;
    let st = state.clone();
    let response = tokio::task::spawn_blocking(move || run(&st, &who, purpose, params, &body))
        .await
        .map_err(|e| ApiError::Internal(format!("travel task: {e}")))??;
    Ok(Json(response))
}

fn run(
    state: &AppState,
    who: &Principal,
    purpose: String,
    params: TravelParams,
    body: &[u8],
) -> Result<TravelResponse, ApiError> {
    let today = interdict_travel::dates::today_utc();
    let file = read_travel_file(body, &SensitiveDataFilter::default(), today);
    if file.messages.is_empty() {
        return Err(ApiError::invalid(format!(
            "no PAXLST or PNRGOV message found ({} problem(s): {})",
            file.warnings.len(),
            file.warnings
                .first()
                .map(|w| w.message.as_str())
                .unwrap_or("empty body")
        )));
    }
    let index = state.indexes.get(state.store.as_ref(), who.org_id())?;
    let options = interdict_screen::ScreenOptions {
        limit: state.config.screening.limit,
        cutoff: state.config.screening.cutoff,
        threshold: state.config.screening.threshold,
    };
    let screener = TravellerScreener::new(
        index.index.clone(),
        LostStolenList::default(),
        RuleSet::default(),
        options,
    );
    let policy = IapiPolicy::default();
    let sender = params.sender.unwrap_or_else(|| "INTERDICT".into());
    let mut out = Vec::new();
    for m in &file.messages {
        if matches!(m.message, TravelMessage::Cusres(_)) {
            continue;
        }
        let s = screener.screen_message(m);
        let flight_label = serde_json::to_value(&s.flight).unwrap_or_default();
        let flight_text = [
            s.flight.carrier.as_deref(),
            s.flight.number.as_deref(),
            s.flight.departure_airport.as_deref(),
            s.flight.arrival_airport.as_deref(),
            s.flight.departure_time.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let mut alerts = Vec::new();
        let mut returned = Vec::new();
        for t in &s.travellers {
            for h in &t.hits {
                returned.push(h.reference.clone());
                if alert_worthy(h.hit_type) {
                    alerts.push(NewAlert {
                        query_id: format!("traveller-{}", t.index),
                        query: serde_json::to_value(t).unwrap_or_default(),
                        entity_id: h.reference.clone(),
                        caption: format!("{} ({})", h.caption, h.hit_type.as_str()),
                        score: h.score.unwrap_or(1.0),
                        explanation: h.explanation.clone(),
                    });
                }
            }
        }
        let event = AuditEvent {
            at: now_ms(),
            org_id: Some(who.org_id()),
            actor: who.actor(),
            purpose: purpose.clone(),
            action: "travel.screen".into(),
            detail: serde_json::json!({"message_type": s.message_type, "flight": flight_label, "travellers": s.travellers.len()}),
            returned,
        };
        let alert_ids =
            state
                .store
                .record_screening(who.org_id(), &who.actor(), &alerts, &event)?;
        let kind = if s.message_type == "PNRGOV" {
            PassengerDataKind::Pnr
        } else {
            PassengerDataKind::Api
        };
        let received_at = now_ms();
        let records: Vec<NewPassengerRecord> = m
            .message
            .travellers()
            .iter()
            .map(|t| NewPassengerRecord {
                kind,
                received_at,
                flight: flight_text.clone(),
                personal: serde_json::to_value(t).unwrap_or_default(),
                other: serde_json::json!({"message_type": s.message_type, "flight": flight_label}),
            })
            .collect();
        let collect = AuditEvent {
            action: "passenger.collect".into(),
            detail: serde_json::json!({"message_type": s.message_type, "records": records.len(), "flight": flight_text}),
            returned: Vec::new(),
            ..event
        };
        let passenger_record_ids = if records.is_empty() {
            Vec::new()
        } else {
            state
                .store
                .add_passenger_records(who.org_id(), &records, &collect)?
        };
        let cusres = match &m.message {
            TravelMessage::Paxlst(p) => {
                let answers = policy.answers(&s);
                let (y, mo, d) = today;
                let header = CusresHeader {
                    sender: sender.clone(),
                    recipient: m.sender.clone(),
                    date: format!("{:02}{mo:02}{d:02}", y % 100),
                    time: "0000".into(),
                    interchange_reference: format!("R{}", p.reference),
                    message_reference: p.reference.clone(),
                    transaction_reference: p.transaction_reference.clone(),
                    flight: p.flight.legs.last().cloned().unwrap_or_default(),
                };
                Some(write_cusres(&header, &answers, &policy))
            }
            _ => None,
        };
        out.push(TravelMessageResult {
            message_type: s.message_type.clone(),
            screening: serde_json::to_value(&s).unwrap_or_default(),
            warnings: serde_json::to_value(&m.warnings).unwrap_or_default(),
            cusres,
            alert_ids,
            passenger_record_ids,
        });
    }
    Ok(TravelResponse {
        messages: out,
        warnings: serde_json::to_value(&file.warnings).unwrap_or_default(),
    })
}
