//! `POST /v1/finance/transactions`: transactions in (the documented CSV layout, IBM AMLSim CSV or ISO 20022
//! pacs.008, detected from the content), the monitoring rule pack run over them, an alert in the review queue for
//! every rule that fires (with the rule id and version, the values it read and the transactions it counted).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use interdict_finance::{CsvOptions, Monitor, RulePack, read_transactions};
use interdict_store::{AuditEvent, NewAlert, Role, now_ms};
use serde::Serialize;

use crate::auth::{Principal, require_purpose};
use crate::extract::RawBody;
use crate::{ApiError, AppState};

/// The example pack bundled with Interdict (French cash thresholds, FATF terrorist-financing red flags).
pub const DEFAULT_RULE_PACK: &str = include_str!("../../../../samples/finance/rules-fr-tf.toml");

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FinanceResponse {
    /// Transactions read.
    pub transactions: usize,
    /// Records that could not be read (the rest were monitored).
    pub problems: Vec<String>,
    pub pack: String,
    /// The alerts: rule, values read, transactions counted.
    pub alerts: Vec<serde_json::Value>,
    /// Their ids in the review queue.
    pub alert_ids: Vec<i64>,
}

/// Monitor a batch of transactions with the rule pack; alerts go to the review queue. Windows (monthly cash,
/// structuring) span the transactions of the request.
#[utoipa::path(post, path = "/v1/finance/transactions", tag = "finance",
    params(("X-Purpose" = Option<String>, Header, description = "Why the transactions are monitored")),
    request_body(content = String, content_type = "text/csv", description = "Transactions (CSV layout, AMLSim or pacs.008)"),
    responses((status = 200, body = FinanceResponse), (status = "4XX", body = crate::ErrorBody)),
    security(("api_key" = [])))]
pub async fn transactions(
    who: Principal,
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<FinanceResponse>, ApiError> {
    who.require(&[Role::Ingest, Role::Analyst, Role::Admin])?;
    let purpose = require_purpose(&headers, None)?;
    let pack = RulePack::from_toml_str(DEFAULT_RULE_PACK)
        .map_err(|e| ApiError::Internal(format!("bundled rule pack: {e}")))?;
    let pack_name = format!("{} {}", pack.id, pack.version);
    let (count, problems, alerts) = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let reader = read_transactions(&body[..], "request body", &CsvOptions::default())
            .map_err(|e| ApiError::invalid(format!("transactions: {e}")))?;
        let mut monitor = Monitor::new(Arc::new(pack));
        let (mut count, mut problems, mut alerts) = (0usize, Vec::new(), Vec::new());
        for tx in reader {
            match tx {
                Ok(tx) => {
                    count += 1;
                    alerts.extend(monitor.process(tx));
                }
                Err(e) => problems.push(e.to_string()),
            }
        }
        Ok((count, problems, alerts))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("monitor task: {e}")))??;
    if count == 0 {
        return Err(ApiError::invalid(format!(
            "no transaction could be read{}",
            problems
                .first()
                .map(|p| format!(": {p}"))
                .unwrap_or_default()
        )));
    }
    let alert_values: Vec<serde_json::Value> = alerts
        .iter()
        .map(|a| serde_json::to_value(a).unwrap_or_default())
        .collect();
    let new_alerts: Vec<NewAlert> = alerts
        .iter()
        .zip(&alert_values)
        .map(|(a, v)| NewAlert {
            query_id: a.id.clone(),
            query: serde_json::to_value(&a.subject).unwrap_or_default(),
            entity_id: format!("{} v{}", a.rule_id, a.rule_version),
            caption: a.title.clone(),
            score: 1.0,
            explanation: v.clone(),
        })
        .collect();
    let event = AuditEvent {
        at: now_ms(),
        org_id: Some(who.org_id()),
        actor: who.actor(),
        purpose,
        action: "finance.monitor".into(),
        detail: serde_json::json!({"transactions": count, "problems": problems.len(), "pack": pack_name}),
        returned: alerts.iter().map(|a| a.id.clone()).collect(),
    };
    let alert_ids =
        state
            .store
            .record_screening(who.org_id(), &who.actor(), &new_alerts, &event)?;
    Ok(Json(FinanceResponse {
        transactions: count,
        problems,
        pack: pack_name,
        alerts: alert_values,
        alert_ids,
    }))
}
