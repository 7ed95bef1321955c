//! Passenger data (PNR, API) under retention: storing, reading (masked after the configured age),
//! re-personalisation with a second approver, and the retention job.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use interdict_store::{
    AlertRetentionOutcome, AuditEvent, NewPassengerRecord, PassengerRecord,
    RepersonalisationRequest, RetentionOutcome, Role, now_ms,
};
use serde::{Deserialize, Serialize};

use crate::auth::{Principal, header_purpose};
use crate::extract::{JsonBody, parse_id};
use crate::routes::alerts::log_read;
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PassengerBatch {
    pub records: Vec<NewPassengerRecord>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoredIds {
    pub ids: Vec<i64>,
}

fn event(
    who: &Principal,
    headers: &HeaderMap,
    default_purpose: &str,
    action: &str,
    detail: serde_json::Value,
    returned: Vec<String>,
) -> AuditEvent {
    AuditEvent {
        at: now_ms(),
        org_id: Some(who.org_id()),
        actor: who.actor(),
        purpose: header_purpose(headers).unwrap_or_else(|| default_purpose.to_string()),
        action: action.into(),
        detail,
        returned,
    }
}

/// Store passenger records (collection is logged).
#[utoipa::path(post, path = "/v1/passengers", tag = "passengers", request_body = PassengerBatch,
    responses((status = 200, body = StoredIds), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn add(
    who: Principal,
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<PassengerBatch>,
) -> Result<Json<StoredIds>, ApiError> {
    who.require(&[Role::Ingest, Role::Admin])?;
    let flights: Vec<&str> = req.records.iter().map(|r| r.flight.as_str()).collect();
    let e = event(
        &who,
        &headers,
        "passenger data collection",
        "passenger.collect",
        serde_json::json!({"records": req.records.len(), "flights": flights}),
        vec![],
    );
    let ids = state
        .store
        .add_passenger_records(who.org_id(), &req.records, &e)?;
    Ok(Json(StoredIds { ids }))
}

/// One passenger record; personal fields are masked once the record is older than the retention age.
#[utoipa::path(get, path = "/v1/passengers/{id}", tag = "passengers",
    params(("id" = i64, Path, description = "Record id")),
    responses((status = 200, body = PassengerRecord), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn get(
    who: Principal,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<PassengerRecord>, ApiError> {
    who.require(&[Role::Analyst, Role::Admin, Role::DataProtection])?;
    let id = parse_id("passenger record", &id)?;
    let record = state.store.passenger_record(who.org_id(), id)?;
    log_read(
        &state,
        &who,
        &headers,
        "passenger.read",
        serde_json::json!({"record": id, "masked": record.masked_at.is_some()}),
        vec![format!("passenger:{id}")],
    )?;
    Ok(Json(record))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RepersonalisationBody {
    pub reason: String,
}

/// Ask to see the personal fields of a masked record; a second user with the data-protection role must approve.
#[utoipa::path(post, path = "/v1/passengers/{id}/repersonalisation", tag = "passengers",
    params(("id" = i64, Path, description = "Record id")), request_body = RepersonalisationBody,
    responses((status = 200, body = RepersonalisationRequest), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn request(
    who: Principal,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<RepersonalisationBody>,
) -> Result<Json<RepersonalisationRequest>, ApiError> {
    who.require(&[Role::Analyst, Role::Admin])?;
    let id = parse_id("passenger record", &id)?;
    let e = event(
        &who,
        &headers,
        &req.reason,
        "repersonalisation.request",
        serde_json::json!({"record": id, "reason": req.reason}),
        vec![format!("passenger:{id}")],
    );
    Ok(Json(state.store.request_repersonalisation(
        who.org_id(),
        id,
        who.user.id,
        &req.reason,
        e.at,
        &e,
    )?))
}

/// Approve a re-personalisation request (data-protection officer, not the requester).
#[utoipa::path(post, path = "/v1/repersonalisations/{id}/approve", tag = "passengers",
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, body = RepersonalisationRequest), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn approve(
    who: Principal,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<RepersonalisationRequest>, ApiError> {
    who.require(&[Role::DataProtection])?;
    let id = parse_id("request", &id)?;
    let e = event(
        &who,
        &headers,
        "re-personalisation approval",
        "repersonalisation.approve",
        serde_json::json!({"request": id}),
        vec![format!("request:{id}")],
    );
    Ok(Json(state.store.approve_repersonalisation(
        who.org_id(),
        id,
        who.user.id,
        e.at,
        &e,
    )?))
}

/// The record with its original personal fields, once the request is approved (the disclosure is logged).
#[utoipa::path(get, path = "/v1/repersonalisations/{id}/record", tag = "passengers",
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, body = PassengerRecord), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn record(
    who: Principal,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<PassengerRecord>, ApiError> {
    who.require(&[Role::Analyst, Role::Admin])?;
    let id = parse_id("request", &id)?;
    let e = event(
        &who,
        &headers,
        "re-personalised disclosure",
        "repersonalisation.disclose",
        serde_json::json!({"request": id}),
        vec![format!("request:{id}")],
    );
    Ok(Json(state.store.repersonalised_record(
        who.org_id(),
        id,
        &e,
    )?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RetentionRun {
    pub pnr: RetentionOutcome,
    pub api: RetentionOutcome,
    /// Alerts deleted (all zero when `alert_delete_days` is 0).
    pub alerts: AlertRetentionOutcome,
}

/// Apply the retention policy now (it also runs in the background).
#[utoipa::path(post, path = "/v1/retention/run", tag = "passengers",
    responses((status = 200, body = RetentionRun), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn run_retention(
    who: Principal,
    State(state): State<AppState>,
) -> Result<Json<RetentionRun>, ApiError> {
    who.require(&[Role::DataProtection, Role::Admin])?;
    let st = state.clone();
    let run = tokio::task::spawn_blocking(move || crate::retention::apply(&st, now_ms()))
        .await
        .map_err(|e| ApiError::Internal(format!("retention task: {e}")))??;
    Ok(Json(run))
}
