//! `GET /v1/lists`, `POST /v1/lists/{list}` (upload a new version), versions and diffs.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use interdict_store::{AuditEvent, ListDiff, ListVersion, Role, now_ms};
use serde::{Deserialize, Serialize};

use crate::auth::{Principal, header_purpose};
use crate::extract::{QueryParams, RawBody};
use crate::{ApiError, AppState};

const READERS: &[Role] = &[Role::Analyst, Role::Admin, Role::Ingest, Role::Auditor];
const WRITERS: &[Role] = &[Role::Admin, Role::Ingest];

fn check_list_name(name: &str) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "list name {name:?}: use 1-64 letters, digits, _ or -"
        )))
    }
}

/// The active version of every list of the caller's organisation.
#[utoipa::path(get, path = "/v1/lists", tag = "lists",
    responses((status = 200, body = [ListVersion]), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn lists(
    who: Principal,
    State(state): State<AppState>,
) -> Result<Json<Vec<ListVersion>>, ApiError> {
    who.require(READERS)?;
    Ok(Json(state.store.lists(who.org_id())?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImportParams {
    /// Refuse the whole file when any record has a problem (default: import what can be read, report the rest).
    #[serde(default)]
    pub strict: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportResponse {
    pub version: ListVersion,
    /// Problems found in the file (record, field, message); those records or fields were skipped.
    pub problems: Vec<String>,
}

/// Upload a complete new version of a list (UN SC XML, OFAC SDN CSV, FollowTheMoney JSON lines or watchlist
/// CSV; the format is detected from the content). The new version is written in full, then swapped in
/// atomically; if anything fails the previous version stays in force.
#[utoipa::path(post, path = "/v1/lists/{list}", tag = "lists",
    params(("list" = String, Path, description = "List name"), ImportParams),
    request_body(content = String, content_type = "application/octet-stream", description = "The list file"),
    responses((status = 200, body = ImportResponse), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn import(
    who: Principal,
    State(state): State<AppState>,
    Path(list): Path<String>,
    QueryParams(params): QueryParams<ImportParams>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<ImportResponse>, ApiError> {
    who.require(WRITERS)?;
    check_list_name(&list)?;
    let purpose = header_purpose(&headers).unwrap_or_else(|| "list maintenance".to_string());
    let store = Arc::clone(&state.store);
    let org_id = who.org_id();
    let actor = who.actor();
    let list_name = list.clone();
    let (version, problems) = tokio::task::spawn_blocking(move || -> Result<(ListVersion, Vec<String>), ApiError> {
        let parsed = interdict_lists::read_list_bytes(&body, &list_name).map_err(|e| ApiError::ImportFailed(e.to_string()))?;
        let problems: Vec<String> = parsed.problems.iter().map(|p| p.to_string()).collect();
        if params.strict && !problems.is_empty() {
            return Err(ApiError::ImportFailed(format!("{} problem(s), first: {}", problems.len(), problems[0])));
        }
        if parsed.entities.is_empty() {
            return Err(ApiError::ImportFailed("the file holds no entities".into()));
        }
        let event = AuditEvent {
            at: now_ms(),
            org_id: Some(org_id),
            actor,
            purpose,
            action: "list.import".into(),
            detail: serde_json::json!({
                "list": list_name, "format": parsed.format.as_str(), "entities": parsed.entities.len(),
                "problems": problems.len(),
            }),
            returned: Vec::new(),
        };
        let mut entities = parsed.entities.into_iter().map(Ok);
        let version = store.import_list(org_id, &list_name, parsed.format.as_str(), &mut entities, &event)?;
        Ok((version, problems))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("import task: {e}")))??;
    let store = Arc::clone(&state.store);
    let indexes = Arc::clone(&state.indexes);
    tokio::task::spawn_blocking(move || indexes.rebuild(store.as_ref(), org_id))
        .await
        .map_err(|e| ApiError::Internal(format!("index task: {e}")))??;
    Ok(Json(ImportResponse { version, problems }))
}

/// Every version of a list, oldest first.
#[utoipa::path(get, path = "/v1/lists/{list}/versions", tag = "lists",
    params(("list" = String, Path, description = "List name")),
    responses((status = 200, body = [ListVersion]), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn versions(
    who: Principal,
    State(state): State<AppState>,
    Path(list): Path<String>,
) -> Result<Json<Vec<ListVersion>>, ApiError> {
    who.require(READERS)?;
    Ok(Json(state.store.list_versions(who.org_id(), &list)?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DiffParams {
    pub from: i64,
    pub to: i64,
}

/// Entries added, removed and changed between two versions of a list.
#[utoipa::path(get, path = "/v1/lists/{list}/diff", tag = "lists",
    params(("list" = String, Path, description = "List name"), DiffParams),
    responses((status = 200, body = ListDiff), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn diff(
    who: Principal,
    State(state): State<AppState>,
    Path(list): Path<String>,
    QueryParams(p): QueryParams<DiffParams>,
) -> Result<Json<ListDiff>, ApiError> {
    who.require(READERS)?;
    Ok(Json(state.store.list_diff(
        who.org_id(),
        &list,
        p.from,
        p.to,
    )?))
}
