//! `GET /v1/audit` (the organisation's own records) and `GET /v1/audit/verify` (the whole chain), for auditors.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use interdict_store::{AuditRecord, AuditVerification, Role};
use serde::Deserialize;

use crate::auth::Principal;
use crate::extract::QueryParams;
use crate::routes::alerts::log_read;
use crate::{ApiError, AppState};

const AUDITORS: &[Role] = &[Role::Auditor, Role::DataProtection];

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Only records with a larger sequence number (paging).
    #[serde(default)]
    pub after: i64,
    /// At most this many (default 100, at most 10000).
    pub limit: Option<usize>,
}

/// The audit records of the caller's organisation, oldest first. Reading the log is itself logged.
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = [AuditRecord]), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn records(
    who: Principal,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<AuditQuery>,
    headers: HeaderMap,
) -> Result<Json<Vec<AuditRecord>>, ApiError> {
    who.require(AUDITORS)?;
    let records = state
        .store
        .audit_records(Some(who.org_id()), q.after, q.limit.unwrap_or(100))?;
    let seqs = records.iter().map(|r| format!("audit:{}", r.seq)).collect();
    log_read(
        &state,
        &who,
        &headers,
        "audit.read",
        serde_json::json!({"after": q.after}),
        seqs,
    )?;
    Ok(Json(records))
}

/// Checks the whole hash chain and names the first broken record.
#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit",
    responses((status = 200, body = AuditVerification), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn verify(
    who: Principal,
    State(state): State<AppState>,
) -> Result<Json<AuditVerification>, ApiError> {
    who.require(AUDITORS)?;
    let store = std::sync::Arc::clone(&state.store);
    let v = tokio::task::spawn_blocking(move || store.verify_audit())
        .await
        .map_err(|e| ApiError::Internal(format!("verify task: {e}")))??;
    Ok(Json(v))
}
