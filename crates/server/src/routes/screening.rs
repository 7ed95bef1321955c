//! `POST /v1/screen` and the yente-compatible `POST /match/{dataset}`.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use interdict_model::Entity;
use interdict_screen::{Explanation, ScreenMatch};
use interdict_store::{AuditEvent, NewAlert, Role, ScreeningRecord, now_ms};
use serde::{Deserialize, Serialize};

use crate::auth::{Principal, require_purpose};
use crate::extract::{JsonBody, QueryParams};
use crate::screening::{ListRef, ScreenParams, query_id, read_query, screen};
use crate::{ApiError, AppState};

const SCREENERS: &[Role] = &[Role::Analyst, Role::Admin, Role::Ingest];

/// A batch of FollowTheMoney-style queries.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ScreenRequest {
    /// Why these people are screened (required here or in the `X-Purpose` header).
    #[serde(default)]
    pub purpose: Option<String>,
    /// `{"id":"q1","schema":"Person","properties":{"name":["..."],"birthDate":["1977"]}}` objects.
    pub queries: Vec<serde_json::Value>,
    pub limit: Option<usize>,
    pub cutoff: Option<f64>,
    pub threshold: Option<f64>,
}

/// One result: a list entry, its score and why.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScreenResult {
    pub id: String,
    pub score: f64,
    #[serde(rename = "match")]
    pub is_match: bool,
    pub caption: String,
    pub datasets: Vec<String>,
    /// Why the entry scored what it did: the name parts aligned and how, and the evidence for and against.
    #[schema(value_type = Value)]
    pub explanation: Explanation,
}

/// The results of one query, and the alerts raised for its matches.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueryResults {
    pub id: String,
    pub results: Vec<ScreenResult>,
    pub alert_ids: Vec<i64>,
    /// Fields of the query that could not be read and were left out of matching (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// Why the query could not be screened at all (absent when it was): not a JSON object of a known schema.
    /// The other queries of the batch are screened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScreenResponse {
    pub results: Vec<QueryResults>,
    /// The list versions screened against.
    pub lists: Vec<ListRef>,
}

fn to_result(m: ScreenMatch) -> ScreenResult {
    ScreenResult {
        id: m.id,
        score: m.score,
        is_match: m.is_match,
        caption: m.caption,
        datasets: m.datasets,
        explanation: m.explanation,
    }
}

/// One query of a batch, screened or not.
struct ScreenedQuery {
    id: String,
    /// The query as sent.
    value: serde_json::Value,
    matches: Vec<ScreenMatch>,
    /// Fields that could not be read and were left out of matching.
    problems: Vec<String>,
    /// Why the query could not be screened at all (then it has no matches).
    error: Option<String>,
}

struct Screened {
    queries: Vec<ScreenedQuery>,
    alert_ids: Vec<Vec<i64>>,
    lists: Vec<ListRef>,
    index: std::sync::Arc<crate::screening::OrgIndex>,
}

/// Screened queries whose alerts and audit record are not stored yet.
struct Unrecorded {
    queries: Vec<ScreenedQuery>,
    /// The query (by position) each alert of `record` belongs to.
    alert_queries: Vec<usize>,
    record: ScreeningRecord,
    lists: Vec<ListRef>,
    index: std::sync::Arc<crate::screening::OrgIndex>,
}

/// Batches up to this size are screened on the request's task; larger ones on the blocking pool, so that a big
/// batch does not stall the runtime's worker threads.
const INLINE_QUERIES: usize = 4;

/// Screens, then stores the alerts for matches and the audit record through the recorder (group commit); the
/// results are returned only once both are committed.
async fn screen_off_runtime(
    state: &AppState,
    who: &Principal,
    purpose: String,
    endpoint: String,
    raw: Vec<serde_json::Value>,
    params: ScreenParams,
    dataset: Option<String>,
) -> Result<Screened, ApiError> {
    let screened = if raw.len() <= INLINE_QUERIES {
        screen_queries(
            state,
            who,
            purpose,
            &endpoint,
            raw,
            params,
            dataset.as_deref(),
        )?
    } else {
        let (state, who) = (state.clone(), who.clone());
        tokio::task::spawn_blocking(move || {
            screen_queries(
                &state,
                &who,
                purpose,
                &endpoint,
                raw,
                params,
                dataset.as_deref(),
            )
        })
        .await
        .map_err(|e| ApiError::Internal(format!("screening task: {e}")))??
    };
    let Unrecorded {
        queries,
        alert_queries,
        record,
        lists,
        index,
    } = screened;
    let raised = record.alerts.len() as u64;
    let ids = state.recorder.record(record).await?;
    let mut alert_ids = vec![Vec::new(); queries.len()];
    for (q, id) in alert_queries.into_iter().zip(ids) {
        alert_ids[q].push(id);
    }
    // A query that could not be read was not screened.
    let screened_count = queries.iter().filter(|q| q.error.is_none()).count();
    state
        .metrics
        .screened_queries
        .fetch_add(screened_count as u64, Ordering::Relaxed);
    state
        .metrics
        .alerts_raised
        .fetch_add(raised, Ordering::Relaxed);
    Ok(Screened {
        queries,
        alert_ids,
        lists,
        index,
    })
}

/// Screens the queries and prepares the alerts for matches and the audit record (stored by the caller).
fn screen_queries(
    state: &AppState,
    who: &Principal,
    purpose: String,
    endpoint: &str,
    raw: Vec<serde_json::Value>,
    params: ScreenParams,
    dataset: Option<&str>,
) -> Result<Unrecorded, ApiError> {
    if raw.is_empty() {
        return Err(ApiError::invalid("queries must not be empty"));
    }
    if raw.len() > 1000 {
        return Err(ApiError::invalid(format!(
            "at most 1000 queries per request, not {}",
            raw.len()
        )));
    }
    // A query that cannot be read is reported in its place; the request fails only when none can be.
    let entities: Vec<Result<(Entity, Vec<String>), String>> = raw
        .iter()
        .enumerate()
        .map(|(i, q)| read_query(i + 1, q))
        .collect();
    if let Some(Err(first)) = entities.first()
        && entities.iter().all(Result::is_err)
    {
        return Err(ApiError::invalid(first.clone()));
    }
    let index = state.indexes.get(state.store.as_ref(), who.org_id())?;
    // A dataset filter (yente's `/match/{dataset}`): a list name keeps the whole index, else entity datasets.
    let whole_list = dataset.is_none_or(|d| index.lists.iter().any(|l| l.list == d));
    let keep =
        |m: &ScreenMatch| whole_list || dataset.is_some_and(|d| m.datasets.iter().any(|x| x == d));
    let mut queries = Vec::with_capacity(raw.len());
    let mut alerts = Vec::new();
    let mut alert_queries = Vec::new();
    let mut returned = Vec::new();
    for (i, (value, read)) in raw.into_iter().zip(entities).enumerate() {
        let id = query_id(i + 1, &value);
        let (entity, problems) = match read {
            Ok(read) => read,
            Err(error) => {
                queries.push(ScreenedQuery {
                    id,
                    value,
                    matches: Vec::new(),
                    problems: Vec::new(),
                    error: Some(error),
                });
                continue;
            }
        };
        let matches: Vec<ScreenMatch> = screen(&index, &entity, &params)
            .into_iter()
            .filter(|m| keep(m))
            .collect();
        for m in &matches {
            returned.push(m.id.clone());
            if m.is_match {
                alert_queries.push(i);
                alerts.push(NewAlert {
                    query_id: id.clone(),
                    query: value.clone(),
                    entity_id: m.id.clone(),
                    caption: m.caption.clone(),
                    score: m.score,
                    explanation: serde_json::to_value(&m.explanation).unwrap_or_default(),
                });
            }
        }
        queries.push(ScreenedQuery {
            id,
            value,
            matches,
            problems,
            error: None,
        });
    }
    let actor = who.actor();
    let event = AuditEvent {
        at: now_ms(),
        org_id: Some(who.org_id()),
        actor: actor.clone(),
        purpose,
        action: "screen".into(),
        detail: serde_json::json!({
            "endpoint": endpoint,
            "queries": queries.iter().map(|q| q.value.clone()).collect::<Vec<_>>(),
            "lists": index.lists,
        }),
        returned,
    };
    Ok(Unrecorded {
        queries,
        alert_queries,
        record: ScreeningRecord {
            org_id: who.org_id(),
            created_by: actor,
            alerts,
            audit: event,
        },
        lists: index.lists.clone(),
        index,
    })
}

/// Screen queries against the organisation's lists.
///
/// Every request is audited (who, purpose, queries, returned ids); each match at or above the threshold
/// raises an alert for an analyst to decide.
#[utoipa::path(post, path = "/v1/screen", tag = "screening", request_body = ScreenRequest,
    params(("X-Purpose" = Option<String>, Header, description = "Why the search is made (or the `purpose` field)")),
    responses((status = 200, body = ScreenResponse), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn screen_batch(
    who: Principal,
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<ScreenRequest>,
) -> Result<Json<ScreenResponse>, ApiError> {
    who.require(SCREENERS)?;
    let purpose = require_purpose(&headers, req.purpose.as_deref())?;
    let params = ScreenParams::new(state.config.screening, req.limit, req.cutoff, req.threshold)?;
    let s = screen_off_runtime(
        &state,
        &who,
        purpose,
        "/v1/screen".into(),
        req.queries,
        params,
        None,
    )
    .await?;
    let mut results = Vec::with_capacity(s.queries.len());
    for (q, alert_ids) in s.queries.into_iter().zip(s.alert_ids) {
        results.push(QueryResults {
            id: q.id,
            results: q.matches.into_iter().map(to_result).collect(),
            alert_ids,
            problems: q.problems,
            error: q.error,
        });
    }
    Ok(Json(ScreenResponse {
        results,
        lists: s.lists,
    }))
}

/// yente's match request: queries by key.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MatchRequest {
    pub queries: BTreeMap<String, serde_json::Value>,
    /// Accepted for compatibility; Interdict's scorer has its own weights.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MatchParams {
    pub limit: Option<usize>,
    pub threshold: Option<f64>,
    pub cutoff: Option<f64>,
    /// Accepted for compatibility and ignored.
    pub algorithm: Option<String>,
    /// The stated purpose, for clients that cannot send the `X-Purpose` header.
    pub purpose: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TotalSpec {
    pub value: usize,
    pub relation: &'static str,
}

/// A scored entity, as yente returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct YenteResult {
    pub id: String,
    pub caption: String,
    pub schema: String,
    pub properties: BTreeMap<String, Vec<String>>,
    pub datasets: Vec<String>,
    pub referents: Vec<String>,
    pub target: bool,
    pub score: f64,
    #[serde(rename = "match")]
    pub is_match: bool,
    pub features: BTreeMap<String, f64>,
    /// Interdict's readable explanation (extra to yente's fields).
    pub explanation: serde_json::Value,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntityMatches {
    pub status: u16,
    pub results: Vec<YenteResult>,
    pub total: TotalSpec,
    pub query: serde_json::Value,
    /// Fields of the query that could not be read and were left out of matching, or why it could not be
    /// screened at all (then `status` is 400); absent when none (extra to yente's fields).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchResponse {
    pub responses: BTreeMap<String, EntityMatches>,
    pub matcher: serde_json::Value,
    pub limit: usize,
}

/// FollowTheMoney-style properties of a list entry.
fn ftm_properties(e: &Entity) -> BTreeMap<String, Vec<String>> {
    let mut p: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, n) in e.names.iter().enumerate() {
        let key = if i == 0 { "name" } else { "alias" };
        p.entry(key.into()).or_default().push(n.text.clone());
    }
    for d in &e.birth_dates {
        if let Ok(serde_json::Value::String(s)) = serde_json::to_value(d) {
            p.entry("birthDate".into()).or_default().push(s);
        }
    }
    for c in &e.nationalities {
        if let Ok(serde_json::Value::String(s)) = serde_json::to_value(c) {
            p.entry("nationality".into()).or_default().push(s);
        }
    }
    for c in &e.countries {
        if let Ok(serde_json::Value::String(s)) = serde_json::to_value(c) {
            p.entry("country".into()).or_default().push(s);
        }
    }
    for d in &e.documents {
        p.entry("idNumber".into())
            .or_default()
            .push(d.number.clone());
    }
    for (k, v) in &e.properties {
        p.entry(k.clone()).or_default().extend(v.iter().cloned());
    }
    p
}

/// Match entities, yente-compatible: existing OpenSanctions clients work unchanged (send the API key as
/// `Authorization: ApiKey <key>` and the purpose as `X-Purpose` or `?purpose=`). `dataset` is `default` for all
/// lists, or a list or dataset name.
#[utoipa::path(post, path = "/match/{dataset}", tag = "screening", request_body = MatchRequest,
    params(("dataset" = String, Path, description = "`default`, or a list or dataset name"), MatchParams,
           ("X-Purpose" = Option<String>, Header, description = "Why the search is made")),
    responses((status = 200, body = MatchResponse), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn yente_match(
    who: Principal,
    State(state): State<AppState>,
    Path(dataset): Path<String>,
    QueryParams(q): QueryParams<MatchParams>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<MatchRequest>,
) -> Result<Json<MatchResponse>, ApiError> {
    who.require(SCREENERS)?;
    let purpose = require_purpose(&headers, q.purpose.as_deref())?;
    let params = ScreenParams::new(state.config.screening, q.limit, q.cutoff, q.threshold)?;
    let keys: Vec<String> = req.queries.keys().cloned().collect();
    let raw: Vec<serde_json::Value> = req
        .queries
        .into_iter()
        .map(|(k, mut v)| {
            if let Some(obj) = v.as_object_mut() {
                obj.entry("id").or_insert(serde_json::Value::String(k));
            }
            v
        })
        .collect();
    let endpoint = format!("/match/{dataset}");
    let filter = (dataset != "default").then_some(dataset);
    let s = screen_off_runtime(&state, &who, purpose, endpoint, raw, params, filter).await?;
    let index = std::sync::Arc::clone(&s.index);
    let mut responses = BTreeMap::new();
    for (key, q) in keys.into_iter().zip(s.queries) {
        let mut results = Vec::with_capacity(q.matches.len());
        for m in &q.matches {
            let entity = index.index.get(&m.id);
            results.push(YenteResult {
                id: m.id.clone(),
                caption: m.caption.clone(),
                schema: entity
                    .map(|e| e.schema.as_str().to_string())
                    .unwrap_or_else(|| "LegalEntity".into()),
                properties: entity.map(ftm_properties).unwrap_or_default(),
                datasets: m.datasets.clone(),
                referents: Vec::new(),
                target: true,
                score: m.score,
                is_match: m.is_match,
                features: BTreeMap::from([("interdict_score".to_string(), m.score)]),
                explanation: serde_json::to_value(&m.explanation).unwrap_or_default(),
            });
        }
        let total = TotalSpec {
            value: results.len(),
            relation: "eq",
        };
        responses.insert(
            key,
            EntityMatches {
                // yente answers each query with its own status.
                status: if q.error.is_some() { 400 } else { 200 },
                results,
                total,
                query: q.value,
                problems: q.problems.into_iter().chain(q.error).collect(),
            },
        );
    }
    Ok(Json(MatchResponse {
        responses,
        matcher: serde_json::json!({"interdict_score": {"description": "Interdict's explainable name, date, country and document score", "coefficient": 1.0, "url": ""}}),
        limit: params.limit,
    }))
}
