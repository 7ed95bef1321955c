//! Interdict's HTTP API (axum): screening (`POST /v1/screen`, yente-compatible `POST /match/{dataset}`), list
//! versions and diffs, the review queue (alerts, decisions with reasons, cases), the audit log, passenger data
//! retention with second-approver re-personalisation, users and API keys, probes and metrics.
//!
//! Every route but `/healthz` and `/readyz` requires an API key (`Authorization: Bearer idk_...`); everything is
//! scoped to the caller's organisation; searches require a stated purpose; every search, read of personal data,
//! decision and disclosure is appended to the hash-chained audit log. Errors have one shape,
//! `{"message", "code", "type"}` ([`ApiError`]).
//!
//! ```
//! use std::sync::Arc;
//! use interdict_server::{AppState, ServerConfig, router};
//! use interdict_store::SqliteStore;
//!
//! let store = Arc::new(SqliteStore::open_in_memory().unwrap());
//! let state = AppState::new(store, ServerConfig::default());
//! let app: axum::Router = router(state); // serve with axum::serve
//! # let _ = app;
//! ```

pub mod auth;
pub mod bootstrap;
pub mod config;
mod error;
pub mod extract;
pub mod hash_banks;
pub mod metrics;
pub mod openapi;
pub mod recorder;
pub mod retention;
pub mod routes;
pub mod screening;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use interdict_store::Store;

pub use auth::{KeyHashing, Principal};
pub use config::{RetentionConfig, ScreeningDefaults, ServerConfig};
pub use error::{ApiError, ERROR_CODES, ErrorBody};

/// Shared state of the server: cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub indexes: Arc<screening::IndexRegistry>,
    pub hashes: Arc<hash_banks::HashRegistry>,
    pub keys: Arc<auth::KeyCache>,
    pub metrics: Arc<metrics::Metrics>,
    pub config: Arc<ServerConfig>,
    /// The writer thread that stores screening outcomes in group commits.
    pub recorder: Arc<recorder::ScreeningRecorder>,
}

impl AppState {
    /// The state over `store`; starts the screening recorder's writer thread (it ends when the last clone of
    /// the state is dropped).
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> AppState {
        AppState {
            recorder: Arc::new(recorder::ScreeningRecorder::start(Arc::clone(&store))),
            store,
            indexes: Arc::default(),
            hashes: Arc::default(),
            keys: Arc::default(),
            metrics: Arc::default(),
            config: Arc::new(config),
        }
    }
}

async fn observe(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(none)".into());
    req.extensions_mut()
        .insert(extract::BodyLimit(state.config.body_limit_bytes));
    let seconds = state.config.request_timeout_secs;
    let response = match tokio::time::timeout(Duration::from_secs(seconds), next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::Timeout { seconds }.into_response(),
    };
    state.metrics.record(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

async fn no_route(req: Request) -> ApiError {
    ApiError::NoRoute(format!("{} {}", req.method(), req.uri().path()))
}

/// The application: every route, the error fallback, body limit, timeout and metrics.
pub fn router(state: AppState) -> Router {
    use routes::*;
    let limit = state.config.body_limit_bytes;
    Router::new()
        .route("/v1/screen", post(screening::screen_batch))
        .route("/match/{dataset}", post(screening::yente_match))
        .route("/v1/lists", get(lists::lists))
        .route("/v1/lists/{list}", post(lists::import))
        .route("/v1/lists/{list}/versions", get(lists::versions))
        .route("/v1/lists/{list}/diff", get(lists::diff))
        .route("/v1/alerts", get(alerts::list_alerts))
        .route("/v1/alerts/{id}", get(alerts::get_alert))
        .route("/v1/alerts/{id}/decision", post(alerts::decide))
        .route(
            "/v1/cases",
            get(alerts::list_cases).post(alerts::create_case),
        )
        .route("/v1/cases/{id}", get(alerts::get_case))
        .route("/v1/audit", get(audit::records))
        .route("/v1/audit/verify", get(audit::verify))
        .route("/v1/audit/anchor", get(audit::anchor))
        .route("/v1/passengers", post(passengers::add))
        .route("/v1/passengers/{id}", get(passengers::get))
        .route(
            "/v1/passengers/{id}/repersonalisation",
            post(passengers::request),
        )
        .route(
            "/v1/repersonalisations/{id}/approve",
            post(passengers::approve),
        )
        .route(
            "/v1/repersonalisations/{id}/record",
            get(passengers::record),
        )
        .route("/v1/retention/run", post(passengers::run_retention))
        .route("/v1/travel/messages", post(travel::messages))
        .route("/v1/finance/transactions", post(finance::transactions))
        .route("/v1/hashes/banks", get(hashes::banks))
        .route("/v1/hashes/banks/{bank}", post(hashes::import_bank))
        .route("/v1/hashes/match", post(hashes::match_hashes))
        .route("/v1/hashes/match-image", post(hashes::match_image))
        .route("/v1/users", get(admin::users).post(admin::create_user))
        .route("/v1/keys/{key_id}", delete(admin::revoke_key))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// Serves `state` on `listener` until `shutdown` completes, with the retention job running in the background.
///
/// # Errors
/// I/O errors of the listener.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    retention::spawn_background(state.clone());
    state
        .indexes
        .spawn_refresh(Arc::clone(&state.store), state.config.index_refresh_secs);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
