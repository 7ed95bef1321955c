//! `GET /v1/audit` (the organisation's own records), `GET /v1/audit/verify` (the whole chain, optionally against
//! an external anchor) and `GET /v1/audit/anchor` (the head to publish elsewhere), for auditors.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use interdict_store::{AuditAnchor, AuditRecord, AuditVerification, Role};
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

/// An external anchor to verify against (both or neither).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AnchorQuery {
    /// Sequence number of the anchored record.
    pub seq: Option<i64>,
    /// Its hash (64 hex digits), as `GET /v1/audit/anchor` or `interdict audit anchor` gave it.
    pub hash: Option<String>,
}

async fn verify_chain(
    state: &AppState,
    anchor: Option<AuditAnchor>,
) -> Result<AuditVerification, ApiError> {
    let store = std::sync::Arc::clone(&state.store);
    tokio::task::spawn_blocking(move || store.verify_audit_against(anchor.as_ref()))
        .await
        .map_err(|e| ApiError::Internal(format!("verify task: {e}")))?
        .map_err(ApiError::from)
}

/// Checks the whole hash chain and names the first broken record. With `seq` and `hash` (an anchor kept
/// outside the database) it also checks that the chain still holds that record unchanged, which detects a
/// deleted tail even when the stored head was rewritten.
#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit", params(AnchorQuery),
    responses((status = 200, body = AuditVerification), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn verify(
    who: Principal,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<AnchorQuery>,
    headers: HeaderMap,
) -> Result<Json<AuditVerification>, ApiError> {
    who.require(AUDITORS)?;
    let anchor = match (q.seq, q.hash) {
        (None, None) => None,
        (Some(seq), Some(hash)) if seq >= 0 && hash.len() == 64 => Some(AuditAnchor { seq, hash }),
        _ => {
            return Err(ApiError::invalid(
                "an anchor needs both seq (>= 0) and hash (64 hex digits)",
            ));
        }
    };
    let v = verify_chain(&state, anchor.clone()).await?;
    log_read(
        &state,
        &who,
        &headers,
        "audit.verify",
        serde_json::json!({"anchor": anchor, "intact": v.is_intact(), "head_seq": v.head_seq}),
        Vec::new(),
    )?;
    Ok(Json(v))
}

/// The anchor of the verified chain (the newest record's sequence number and hash), to publish or keep outside
/// the database; a broken chain is not anchored (`conflict`, naming the first broken record).
#[utoipa::path(get, path = "/v1/audit/anchor", tag = "audit",
    responses((status = 200, body = AuditAnchor), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn anchor(
    who: Principal,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<AuditAnchor>, ApiError> {
    who.require(AUDITORS)?;
    let v = verify_chain(&state, None).await?;
    log_read(
        &state,
        &who,
        &headers,
        "audit.anchor",
        serde_json::json!({"anchor": v.anchor(), "intact": v.is_intact()}),
        Vec::new(),
    )?;
    match (v.anchor(), v.first_broken) {
        (Some(a), _) => Ok(Json(a)),
        (None, b) => Err(ApiError::Conflict(format!(
            "the audit chain is broken{}; not anchored",
            b.map(|b| format!(" at record {}: {}", b.seq, b.reason))
                .unwrap_or_default()
        ))),
    }
}
