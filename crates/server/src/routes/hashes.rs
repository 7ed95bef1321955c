//! Digital fingerprints of violent extremist content: hash banks (PDQ, MD5, SHA-256) per organisation, and
//! matching of hashes or of an uploaded image.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use interdict_phash::{
    DecodeOptions, HashBanks, PdqHash, PdqHasher, SignalType, decode_bytes, exact_hashes,
};
use interdict_store::{AuditEvent, Role, now_ms};
use serde::{Deserialize, Serialize};

use crate::auth::{Principal, header_purpose, require_purpose};
use crate::extract::{JsonBody, QueryParams, RawBody};
use crate::hash_banks::OrgHashes;
use crate::{ApiError, AppState};

const MATCHERS: &[Role] = &[Role::Analyst, Role::Admin, Role::Ingest];
/// The PDQ match radius the reference recommends.
const DEFAULT_RADIUS: u32 = 31;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BankSummary {
    pub bank: String,
    pub entries: i64,
    pub updated_at: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BankImport {
    pub bank: BankSummary,
    /// Records that could not be read (line, field, reason); the others were imported.
    pub problems: Vec<String>,
}

/// Replace a hash bank with the uploaded CSV (`signal_type,signal[,content_id,labels,organisation,added,handling]`,
/// an `id,pdq` hash list, or ThreatExchange `<type> <signal>` lines).
#[utoipa::path(post, path = "/v1/hashes/banks/{bank}", tag = "hashes",
    params(("bank" = String, Path, description = "Bank name")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = BankImport), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn import_bank(
    who: Principal,
    State(state): State<AppState>,
    Path(bank): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<BankImport>, ApiError> {
    who.require(&[Role::Ingest, Role::Admin])?;
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::ImportFailed("the bank is not UTF-8 text".into()))?;
    let mut banks = HashBanks::new();
    let problems: Vec<String> = banks
        .import_csv(&text, &bank)
        .iter()
        .map(|p| format!("line {}, field {}: {}", p.line, p.field, p.reason))
        .collect();
    if banks.is_empty() {
        return Err(ApiError::ImportFailed(format!(
            "no usable signal{}",
            problems
                .first()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default()
        )));
    }
    let entries = banks.len() as i64;
    let event = AuditEvent {
        at: now_ms(),
        org_id: Some(who.org_id()),
        actor: who.actor(),
        purpose: header_purpose(&headers).unwrap_or_else(|| "hash bank maintenance".into()),
        action: "hashes.import".into(),
        detail: serde_json::json!({"bank": bank, "entries": entries, "problems": problems.len()}),
        returned: Vec::new(),
    };
    state
        .store
        .put_hash_bank(who.org_id(), &bank, &text, entries, &event)?;
    let store = Arc::clone(&state.store);
    let hashes = Arc::clone(&state.hashes);
    let org = who.org_id();
    tokio::task::spawn_blocking(move || hashes.rebuild(store.as_ref(), org))
        .await
        .map_err(|e| ApiError::Internal(format!("hash index task: {e}")))??;
    Ok(Json(BankImport {
        bank: BankSummary {
            bank,
            entries,
            updated_at: event.at,
        },
        problems,
    }))
}

/// The organisation's hash banks.
#[utoipa::path(get, path = "/v1/hashes/banks", tag = "hashes",
    responses((status = 200, body = [BankSummary]), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn banks(
    who: Principal,
    State(state): State<AppState>,
) -> Result<Json<Vec<BankSummary>>, ApiError> {
    who.require(&[Role::Analyst, Role::Admin, Role::Ingest, Role::Auditor])?;
    let banks = state.store.hash_banks(who.org_id())?;
    Ok(Json(
        banks
            .into_iter()
            .map(|b| BankSummary {
                bank: b.bank,
                entries: b.entries,
                updated_at: b.updated_at,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct HashQuery {
    #[serde(default)]
    pub pdq: Vec<String>,
    #[serde(default)]
    pub md5: Vec<String>,
    #[serde(default)]
    pub sha256: Vec<String>,
    /// PDQ Hamming radius (default 31).
    pub radius: Option<u32>,
    pub purpose: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HashMatch {
    pub bank: String,
    pub content_id: String,
    pub signal: String,
    pub labels: Vec<String>,
    pub organisation: String,
    pub handling: String,
    pub distance: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SignalResult {
    pub signal_type: String,
    pub signal: String,
    /// PDQ quality of an uploaded image (0-100; below 50 is unreliable).
    pub quality: Option<u8>,
    pub matches: Vec<HashMatch>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HashMatchResponse {
    pub results: Vec<SignalResult>,
}

fn lookup(
    hashes: &OrgHashes,
    signal_type: SignalType,
    signal: &str,
    radius: u32,
    quality: Option<u8>,
) -> Result<SignalResult, ApiError> {
    let hits = if signal_type == SignalType::Pdq {
        let h = PdqHash::from_hex(signal)
            .map_err(|e| ApiError::invalid(format!("pdq {signal:?}: {e}")))?;
        hashes.match_pdq(&h, radius)?
    } else {
        let normal = signal_type
            .normalise(signal)
            .map_err(|e| ApiError::invalid(format!("{} {signal:?}: {e}", signal_type.name())))?;
        hashes.match_exact(signal_type, &normal)
    };
    Ok(SignalResult {
        signal_type: signal_type.name().to_string(),
        signal: signal.to_ascii_lowercase(),
        quality,
        matches: hits
            .into_iter()
            .map(|h| HashMatch {
                bank: h.bank.to_string(),
                content_id: h.entry.content_id.clone(),
                signal: h.entry.signal.clone(),
                labels: h.entry.labels.clone(),
                organisation: h.entry.organisation.clone(),
                handling: h.entry.handling.clone(),
                distance: h.distance,
            })
            .collect(),
    })
}

fn audit_match(
    state: &AppState,
    who: &Principal,
    purpose: String,
    results: &[SignalResult],
    source: &str,
) -> Result<(), ApiError> {
    let returned = results
        .iter()
        .flat_map(|r| {
            r.matches.iter().map(|m| {
                format!(
                    "{}:{}",
                    m.bank,
                    if m.content_id.is_empty() {
                        &m.signal
                    } else {
                        &m.content_id
                    }
                )
            })
        })
        .collect();
    state.store.append_audit(&AuditEvent {
        at: now_ms(),
        org_id: Some(who.org_id()),
        actor: who.actor(),
        purpose,
        action: "hashes.match".into(),
        detail: serde_json::json!({"source": source, "signals": results.iter().map(|r| format!("{}:{}", r.signal_type, r.signal)).collect::<Vec<_>>()}),
        returned,
    })?;
    Ok(())
}

/// Match PDQ (within a Hamming radius), MD5 and SHA-256 hashes against the organisation's banks.
#[utoipa::path(post, path = "/v1/hashes/match", tag = "hashes", request_body = HashQuery,
    params(("X-Purpose" = Option<String>, Header, description = "Why the content is checked")),
    responses((status = 200, body = HashMatchResponse), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn match_hashes(
    who: Principal,
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(q): JsonBody<HashQuery>,
) -> Result<Json<HashMatchResponse>, ApiError> {
    who.require(MATCHERS)?;
    let purpose = require_purpose(&headers, q.purpose.as_deref())?;
    let radius = q.radius.unwrap_or(DEFAULT_RADIUS);
    if q.pdq.len() + q.md5.len() + q.sha256.len() == 0 {
        return Err(ApiError::invalid(
            "give at least one pdq, md5 or sha256 hash",
        ));
    }
    let hashes = state.hashes.get(state.store.as_ref(), who.org_id())?;
    let mut results = Vec::new();
    for (t, list) in [
        (SignalType::Pdq, &q.pdq),
        (SignalType::Md5, &q.md5),
        (SignalType::Sha256, &q.sha256),
    ] {
        for s in list {
            results.push(lookup(&hashes, t, s, radius, None)?);
        }
    }
    audit_match(&state, &who, purpose, &results, "hashes")?;
    Ok(Json(HashMatchResponse { results }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImageParams {
    /// PDQ Hamming radius (default 31).
    pub radius: Option<u32>,
}

/// Hash an uploaded image (PDQ at full resolution, MD5, SHA-256) and match it against the banks.
#[utoipa::path(post, path = "/v1/hashes/match-image", tag = "hashes", params(ImageParams,
        ("X-Purpose" = Option<String>, Header, description = "Why the content is checked")),
    request_body(content = String, content_type = "application/octet-stream", description = "An image file"),
    responses((status = 200, body = HashMatchResponse), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn match_image(
    who: Principal,
    State(state): State<AppState>,
    QueryParams(p): QueryParams<ImageParams>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<HashMatchResponse>, ApiError> {
    who.require(MATCHERS)?;
    let purpose = require_purpose(&headers, None)?;
    let radius = p.radius.unwrap_or(DEFAULT_RADIUS);
    let (pdq, exact) = tokio::task::spawn_blocking(move || {
        let image = decode_bytes(&body, &DecodeOptions::default())
            .map_err(|e| ApiError::invalid(format!("image: {e}")))?;
        let pdq = PdqHasher::new().hash_rgb(&image.pixels, image.width, image.height);
        Ok::<_, ApiError>((pdq, exact_hashes(&body)))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("hash task: {e}")))??;
    let hashes = state.hashes.get(state.store.as_ref(), who.org_id())?;
    let results = vec![
        lookup(
            &hashes,
            SignalType::Pdq,
            &pdq.hash.to_hex(),
            radius,
            Some(pdq.quality),
        )?,
        lookup(&hashes, SignalType::Md5, &exact.md5, radius, None)?,
        lookup(&hashes, SignalType::Sha256, &exact.sha256, radius, None)?,
    ];
    audit_match(&state, &who, purpose, &results, "image")?;
    Ok(Json(HashMatchResponse { results }))
}
