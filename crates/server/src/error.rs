//! The server's one error type, mapped by one table ([`ApiError::spec`]) to an HTTP status, a stable code and a
//! type, and rendered as the JSON body `{"message", "code", "type"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use interdict_store::StoreError;
use serde::Serialize;

/// Every error an API request can end in.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    #[error("missing credentials: send `Authorization: Bearer <api key>`")]
    MissingCredentials,
    #[error("invalid or revoked API key")]
    InvalidCredentials,
    #[error("this action needs one of the roles: {0}")]
    Forbidden(String),
    #[error("a stated purpose is required: send the `X-Purpose` header (or a `purpose` field)")]
    PurposeRequired,
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error("list import failed: {0}; the previous version stays in force")]
    ImportFailed(String),
    #[error("request body too large (limit {limit} bytes)")]
    PayloadTooLarge { limit: usize },
    #[error("request timed out after {seconds} s")]
    Timeout { seconds: u64 },
    #[error("not ready: {0}")]
    Unavailable(String),
    #[error("no route for {0}")]
    NoRoute(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person.
    pub message: String,
    /// Stable machine-readable code (see [`ERROR_CODES`]).
    pub code: &'static str,
    /// `auth`, `invalid_request` or `internal`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// Every error code with its HTTP status and type: the table clients and the OpenAPI document rely on.
pub const ERROR_CODES: &[(&str, u16, &str)] = &[
    ("missing_credentials", 401, "auth"),
    ("invalid_credentials", 401, "auth"),
    ("forbidden", 403, "auth"),
    ("purpose_required", 400, "invalid_request"),
    ("invalid_request", 400, "invalid_request"),
    ("not_found", 404, "invalid_request"),
    ("conflict", 409, "invalid_request"),
    ("import_failed", 422, "invalid_request"),
    ("payload_too_large", 413, "invalid_request"),
    ("timeout", 503, "internal"),
    ("unavailable", 503, "internal"),
    ("no_route", 404, "invalid_request"),
    ("internal", 500, "internal"),
];

impl ApiError {
    /// The stable code of this error (a key of [`ERROR_CODES`]).
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::MissingCredentials => "missing_credentials",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::PurposeRequired => "purpose_required",
            ApiError::InvalidRequest(_) => "invalid_request",
            ApiError::NotFound { .. } => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::ImportFailed(_) => "import_failed",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::Timeout { .. } => "timeout",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::NoRoute(_) => "no_route",
            ApiError::Internal(_) => "internal",
        }
    }

    /// Status, code and type, looked up in [`ERROR_CODES`].
    pub fn spec(&self) -> (StatusCode, &'static str, &'static str) {
        let code = self.code();
        let (_, status, kind) = ERROR_CODES
            .iter()
            .find(|(c, _, _)| *c == code)
            .copied()
            .unwrap_or(("internal", 500, "internal"));
        (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code,
            kind,
        )
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::InvalidRequest(message.into())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound { what, id } => ApiError::NotFound { what, id },
            StoreError::Conflict(m) => ApiError::Conflict(m),
            StoreError::Invalid { .. } => ApiError::InvalidRequest(e.to_string()),
            StoreError::ImportAborted { .. } => ApiError::ImportFailed(e.to_string()),
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::Internal(other.to_string())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, kind) = self.spec();
        let body = ErrorBody {
            message: self.to_string(),
            code,
            kind,
        };
        (status, axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_row_in_the_table() {
        let samples = [
            (ApiError::MissingCredentials, 401),
            (ApiError::InvalidCredentials, 401),
            (ApiError::Forbidden("auditor".into()), 403),
            (ApiError::PurposeRequired, 400),
            (ApiError::invalid("x"), 400),
            (
                ApiError::NotFound {
                    what: "alert",
                    id: "1".into(),
                },
                404,
            ),
            (ApiError::Conflict("x".into()), 409),
            (ApiError::ImportFailed("x".into()), 422),
            (ApiError::PayloadTooLarge { limit: 1 }, 413),
            (ApiError::Timeout { seconds: 1 }, 503),
            (ApiError::Unavailable("x".into()), 503),
            (ApiError::NoRoute("GET /x".into()), 404),
            (ApiError::Internal("x".into()), 500),
        ];
        assert_eq!(samples.len(), ERROR_CODES.len());
        for (e, status) in samples {
            assert!(
                ERROR_CODES.iter().any(|(c, _, _)| *c == e.code()),
                "{} missing from the table",
                e.code()
            );
            assert_eq!(e.spec().0.as_u16(), status, "{}", e.code());
        }
    }
}
