//! First run: the first organisation and admin (whose key is printed once), and the bundled fictional demo data.

use interdict_store::{AuditEvent, NewPassengerRecord, Role, Store, now_ms};

use crate::auth::{KeyHashing, issue_api_key};
use crate::{ApiError, AppState};

/// The fictional demo watchlist bundled in the binary (the one `samples/lists/README.md` documents).
pub const DEMO_WATCHLIST: &str = include_str!("../../../samples/lists/demo_watchlist.csv");
/// Fictional passenger records of a fictional flight.
pub const DEMO_PASSENGERS: &str = include_str!("../../../samples/demo/passengers.json");

/// What a fresh database was given.
#[derive(Debug, Clone)]
pub struct FirstRun {
    pub organisation: String,
    pub org_id: i64,
    pub admin_key: String,
    pub analyst_key: String,
}

/// On a database without organisations, creates `organisation` with an `admin` and an `analyst` user and
/// returns their keys (shown once). Returns `None` when the database is already set up.
///
/// # Errors
/// Store failures.
pub fn ensure_first_admin(
    store: &dyn Store,
    organisation: &str,
    hashing: KeyHashing,
) -> Result<Option<FirstRun>, ApiError> {
    if !store.organisations()?.is_empty() {
        return Ok(None);
    }
    let org = store.create_organisation(organisation, now_ms())?;
    let admin = store.create_user(org.id, "admin", Role::Admin, now_ms())?;
    let analyst = store.create_user(org.id, "analyst", Role::Analyst, now_ms())?;
    let admin_key = issue_api_key(store, &admin, hashing)?;
    let analyst_key = issue_api_key(store, &analyst, hashing)?;
    store.append_audit(&AuditEvent {
        at: now_ms(),
        org_id: Some(org.id),
        actor: "system:bootstrap".into(),
        purpose: "first run".into(),
        action: "organisation.create".into(),
        detail: serde_json::json!({"organisation": organisation, "users": ["admin", "analyst"]}),
        returned: vec![],
    })?;
    Ok(Some(FirstRun {
        organisation: organisation.into(),
        org_id: org.id,
        admin_key,
        analyst_key,
    }))
}

/// Loads the bundled demo watchlist (as list `demo_watchlist`) and passenger records into `org_id`, unless the
/// organisation already has that list.
///
/// # Errors
/// Store failures; a demo file that does not parse.
pub fn load_demo(state: &AppState, org_id: i64) -> Result<bool, ApiError> {
    let store = state.store.as_ref();
    if store
        .lists(org_id)?
        .iter()
        .any(|l| l.list == "demo_watchlist")
    {
        return Ok(false);
    }
    let parsed = interdict_lists::read_list_bytes(DEMO_WATCHLIST.as_bytes(), "demo_watchlist.csv")
        .map_err(|e| ApiError::Internal(format!("bundled demo watchlist: {e}")))?;
    let event = AuditEvent {
        at: now_ms(),
        org_id: Some(org_id),
        actor: "system:demo".into(),
        purpose: "demo data".into(),
        action: "list.import".into(),
        detail: serde_json::json!({"list": "demo_watchlist", "entities": parsed.entities.len()}),
        returned: vec![],
    };
    let mut entities = parsed.entities.into_iter().map(Ok);
    store.import_list(
        org_id,
        "demo_watchlist",
        parsed.format.as_str(),
        &mut entities,
        &event,
    )?;
    let mut records: Vec<NewPassengerRecord> = serde_json::from_str(DEMO_PASSENGERS)
        .map_err(|e| ApiError::Internal(format!("bundled demo passengers: {e}")))?;
    // Dates in the demo file are ages in days: make them relative to now so retention has something to do.
    let now = now_ms();
    for r in &mut records {
        r.received_at = now - r.received_at * 86_400_000;
    }
    store.add_passenger_records(
        org_id,
        &records,
        &AuditEvent {
            action: "passenger.collect".into(),
            detail: serde_json::json!({"records": records.len()}),
            ..event
        },
    )?;
    state.indexes.rebuild(store, org_id)?;
    Ok(true)
}
