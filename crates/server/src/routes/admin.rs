//! Users and API keys of the caller's organisation (admins only).

use axum::Json;
use axum::extract::{Path, State};
use interdict_store::{AuditEvent, Role, User, now_ms};
use serde::{Deserialize, Serialize};

use crate::auth::{Principal, issue_api_key};
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuedKey {
    pub user: User,
    /// Shown once; only its argon2 hash is stored.
    pub api_key: String,
}

/// The organisation's users.
#[utoipa::path(get, path = "/v1/users", tag = "admin",
    responses((status = 200, body = [User]), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn users(
    who: Principal,
    State(state): State<AppState>,
) -> Result<Json<Vec<User>>, ApiError> {
    who.require(&[Role::Admin])?;
    Ok(Json(state.store.users(who.org_id())?))
}

/// Create a user in the caller's organisation and issue its first API key.
#[utoipa::path(post, path = "/v1/users", tag = "admin", request_body = NewUser,
    responses((status = 200, body = IssuedKey), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn create_user(
    who: Principal,
    State(state): State<AppState>,
    crate::extract::JsonBody(req): crate::extract::JsonBody<NewUser>,
) -> Result<Json<IssuedKey>, ApiError> {
    who.require(&[Role::Admin])?;
    let user = state
        .store
        .create_user(who.org_id(), &req.name, req.role, now_ms())?;
    let store = std::sync::Arc::clone(&state.store);
    let hashing = state.config.key_hashing();
    let u = user.clone();
    let api_key = tokio::task::spawn_blocking(move || issue_api_key(store.as_ref(), &u, hashing))
        .await
        .map_err(|e| ApiError::Internal(format!("key task: {e}")))??;
    state.store.append_audit(&AuditEvent {
        at: now_ms(),
        org_id: Some(who.org_id()),
        actor: who.actor(),
        purpose: "user administration".into(),
        action: "user.create".into(),
        detail: serde_json::json!({"user": user.id, "name": user.name, "role": user.role}),
        returned: vec![format!("user:{}", user.id)],
    })?;
    Ok(Json(IssuedKey { user, api_key }))
}

/// Revoke an API key of the organisation (effective immediately).
#[utoipa::path(delete, path = "/v1/keys/{key_id}", tag = "admin",
    params(("key_id" = String, Path, description = "The key id (the part after `idk_`)")),
    responses((status = 204), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn revoke_key(
    who: Principal,
    State(state): State<AppState>,
    Path(key_id): Path<String>,
) -> Result<axum::http::StatusCode, ApiError> {
    who.require(&[Role::Admin])?;
    let key = state.store.api_key(&key_id)?.ok_or(ApiError::NotFound {
        what: "API key",
        id: key_id.clone(),
    })?;
    let owner = state.store.user(key.user_id)?;
    if owner.map(|u| u.org_id) != Some(who.org_id()) {
        return Err(ApiError::NotFound {
            what: "API key",
            id: key_id,
        });
    }
    state.store.revoke_api_key(&key_id, now_ms())?;
    state.keys.forget(&key_id);
    state.store.append_audit(&AuditEvent {
        at: now_ms(),
        org_id: Some(who.org_id()),
        actor: who.actor(),
        purpose: "user administration".into(),
        action: "key.revoke".into(),
        detail: serde_json::json!({"key": key_id}),
        returned: vec![],
    })?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
