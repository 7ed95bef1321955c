//! The retention job: masks personal fields of passenger data after the configured age and deletes records
//! after the maximum, per data type, and deletes alerts (with their decisions) after `alert_delete_days`,
//! appending an audit record per step. Audit log records are never deleted.

use std::time::Duration;

use interdict_store::{AlertRetentionOutcome, Millis, PassengerDataKind};

use crate::routes::passengers::RetentionRun;
use crate::{ApiError, AppState};

const DAY_MS: i64 = 86_400_000;

/// Applies the configured policy as of `now`.
///
/// # Errors
/// Store failures.
pub fn apply(state: &AppState, now: Millis) -> Result<RetentionRun, ApiError> {
    let r = state.config.retention;
    let pnr = state.store.apply_retention(
        PassengerDataKind::Pnr,
        now - r.pnr_mask_days * DAY_MS,
        now - r.pnr_delete_days * DAY_MS,
        now,
    )?;
    let api = state.store.apply_retention(
        PassengerDataKind::Api,
        now - r.api_mask_days * DAY_MS,
        now - r.api_delete_days * DAY_MS,
        now,
    )?;
    let alerts = if r.alert_delete_days > 0 {
        state
            .store
            .delete_alerts_before(now - r.alert_delete_days * DAY_MS, now)?
    } else {
        AlertRetentionOutcome::default()
    };
    Ok(RetentionRun { pnr, api, alerts })
}

/// Runs [`apply`] every `interval_secs` until the process ends (a no-op when the interval is 0).
pub fn spawn_background(state: AppState) {
    let secs = state.config.retention.interval_secs;
    if secs == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(secs));
        loop {
            tick.tick().await;
            let st = state.clone();
            match tokio::task::spawn_blocking(move || apply(&st, interdict_store::now_ms())).await {
                Ok(Ok(run)) => tracing::info!(
                    pnr_masked = run.pnr.masked,
                    pnr_deleted = run.pnr.deleted,
                    api_masked = run.api.masked,
                    api_deleted = run.api.deleted,
                    alerts_deleted = run.alerts.alerts,
                    "retention applied"
                ),
                Ok(Err(e)) => tracing::error!(error = %e, "retention run failed"),
                Err(e) => tracing::error!(error = %e, "retention task failed"),
            }
        }
    });
}
