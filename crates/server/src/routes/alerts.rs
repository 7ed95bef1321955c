//! The review queue: alerts, decisions (confirm, dismiss, escalate; reason required) and cases.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use interdict_store::{Alert, AlertStatus, AuditEvent, Case, Decision, DecisionKind, Role, now_ms};
use serde::{Deserialize, Serialize};

use crate::auth::{Principal, header_purpose};
use crate::extract::{JsonBody, QueryParams, parse_id};
use crate::{ApiError, AppState};

const REVIEWERS: &[Role] = &[Role::Analyst, Role::Admin];
const READERS: &[Role] = &[Role::Analyst, Role::Admin, Role::Auditor];

/// Logs a read of personal data (alerts hold the query that was screened).
pub(crate) fn log_read(
    state: &AppState,
    who: &Principal,
    headers: &HeaderMap,
    action: &str,
    detail: serde_json::Value,
    returned: Vec<String>,
) -> Result<(), ApiError> {
    state.store.append_audit(&AuditEvent {
        at: now_ms(),
        org_id: Some(who.org_id()),
        actor: who.actor(),
        purpose: header_purpose(headers).unwrap_or_else(|| "(not stated)".into()),
        action: action.into(),
        detail,
        returned,
    })?;
    Ok(())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AlertQuery {
    /// Only alerts in this state.
    pub status: Option<AlertStatus>,
    /// Only alerts with a larger id (paging).
    #[serde(default)]
    pub after: i64,
    /// At most this many (default 100).
    pub limit: Option<usize>,
}

/// The organisation's alerts, oldest first.
#[utoipa::path(get, path = "/v1/alerts", tag = "review", params(AlertQuery),
    responses((status = 200, body = [Alert]), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn list_alerts(
    who: Principal,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<AlertQuery>,
    headers: HeaderMap,
) -> Result<Json<Vec<Alert>>, ApiError> {
    who.require(READERS)?;
    let alerts = state
        .store
        .alerts(who.org_id(), q.status, q.after, q.limit.unwrap_or(100))?;
    let ids = alerts.iter().map(|a| format!("alert:{}", a.id)).collect();
    log_read(
        &state,
        &who,
        &headers,
        "alert.list",
        serde_json::json!({"status": q.status, "after": q.after}),
        ids,
    )?;
    Ok(Json(alerts))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AlertDetail {
    pub alert: Alert,
    pub decisions: Vec<Decision>,
}

/// One alert with its decision history.
#[utoipa::path(get, path = "/v1/alerts/{id}", tag = "review",
    params(("id" = i64, Path, description = "Alert id")),
    responses((status = 200, body = AlertDetail), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn get_alert(
    who: Principal,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<AlertDetail>, ApiError> {
    who.require(READERS)?;
    let id = parse_id("alert", &id)?;
    let alert = state.store.alert(who.org_id(), id)?;
    let decisions = state.store.decisions(who.org_id(), id)?;
    log_read(
        &state,
        &who,
        &headers,
        "alert.read",
        serde_json::json!({"alert": id}),
        vec![alert.entity_id.clone()],
    )?;
    Ok(Json(AlertDetail { alert, decisions }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DecisionRequest {
    pub decision: DecisionKind,
    /// Why: required, kept with the decision and in the audit log.
    pub reason: String,
}

/// Decide an alert: confirm, dismiss or escalate, with a reason.
#[utoipa::path(post, path = "/v1/alerts/{id}/decision", tag = "review",
    params(("id" = i64, Path, description = "Alert id")), request_body = DecisionRequest,
    responses((status = 200, body = Decision), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn decide(
    who: Principal,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<DecisionRequest>,
) -> Result<Json<Decision>, ApiError> {
    who.require(REVIEWERS)?;
    let id = parse_id("alert", &id)?;
    if req.reason.trim().is_empty() {
        return Err(ApiError::invalid("reason is required"));
    }
    let at = now_ms();
    let event = AuditEvent {
        at,
        org_id: Some(who.org_id()),
        actor: who.actor(),
        purpose: header_purpose(&headers).unwrap_or_else(|| "alert review".into()),
        action: "alert.decide".into(),
        detail: serde_json::json!({"alert": id, "decision": req.decision, "reason": req.reason}),
        returned: vec![format!("alert:{id}")],
    };
    let d = state.store.decide(
        who.org_id(),
        id,
        who.user.id,
        req.decision,
        &req.reason,
        at,
        &event,
    )?;
    Ok(Json(d))
}

/// The organisation's cases.
#[utoipa::path(get, path = "/v1/cases", tag = "review",
    responses((status = 200, body = [Case]), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn list_cases(
    who: Principal,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<Case>>, ApiError> {
    who.require(READERS)?;
    let cases = state.store.cases(who.org_id())?;
    let ids = cases.iter().map(|c| format!("case:{}", c.id)).collect();
    log_read(
        &state,
        &who,
        &headers,
        "case.list",
        serde_json::json!({}),
        ids,
    )?;
    Ok(Json(cases))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CaseRequest {
    pub title: String,
    #[serde(default)]
    pub alert_ids: Vec<i64>,
}

/// Open a case grouping alerts.
#[utoipa::path(post, path = "/v1/cases", tag = "review", request_body = CaseRequest,
    responses((status = 200, body = Case), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn create_case(
    who: Principal,
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<CaseRequest>,
) -> Result<Json<Case>, ApiError> {
    who.require(REVIEWERS)?;
    let at = now_ms();
    let event = AuditEvent {
        at,
        org_id: Some(who.org_id()),
        actor: who.actor(),
        purpose: header_purpose(&headers).unwrap_or_else(|| "case work".into()),
        action: "case.create".into(),
        detail: serde_json::json!({"title": req.title, "alerts": req.alert_ids}),
        returned: req.alert_ids.iter().map(|a| format!("alert:{a}")).collect(),
    };
    Ok(Json(state.store.create_case(
        who.org_id(),
        who.user.id,
        &req.title,
        &req.alert_ids,
        at,
        &event,
    )?))
}

/// One case.
#[utoipa::path(get, path = "/v1/cases/{id}", tag = "review",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = Case), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn get_case(
    who: Principal,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Case>, ApiError> {
    who.require(READERS)?;
    let id = parse_id("case", &id)?;
    let case = state.store.case(who.org_id(), id)?;
    log_read(
        &state,
        &who,
        &headers,
        "case.read",
        serde_json::json!({"case": id}),
        vec![format!("case:{id}")],
    )?;
    Ok(Json(case))
}
