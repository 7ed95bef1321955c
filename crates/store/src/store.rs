//! The [`Store`] trait: every backend (SQLite now, PostgreSQL later) implements it and passes the same
//! conformance suite ([`crate::conformance`]).

use interdict_model::Entity;

use crate::{
    Alert, AlertRetentionOutcome, AlertStatus, ApiKeyRecord, AuditAnchor, AuditEvent, AuditRecord,
    AuditVerification, Case, Decision, DecisionKind, HashBank, ListDiff, ListVersion, Millis,
    NewAlert, NewPassengerRecord, Organisation, PassengerDataKind, PassengerRecord,
    RepersonalisationRequest, RetentionOutcome, Role, ScreeningRecord, StoreResult, User,
};

/// Persistent state of an Interdict deployment. Every method scoped by `org_id` refuses (with
/// [`crate::StoreError::NotFound`]) records of another organisation. Methods that change state and take an
/// [`AuditEvent`] append it in the same transaction: either both are stored or neither.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Checks that the store answers (for the readiness probe).
    fn ready(&self) -> StoreResult<()>;

    // Organisations, users, API keys.
    fn create_organisation(&self, name: &str, at: Millis) -> StoreResult<Organisation>;
    fn organisations(&self) -> StoreResult<Vec<Organisation>>;
    fn create_user(&self, org_id: i64, name: &str, role: Role, at: Millis) -> StoreResult<User>;
    fn user(&self, user_id: i64) -> StoreResult<Option<User>>;
    fn users(&self, org_id: i64) -> StoreResult<Vec<User>>;
    fn add_api_key(&self, key: &ApiKeyRecord) -> StoreResult<()>;
    fn api_key(&self, key_id: &str) -> StoreResult<Option<ApiKeyRecord>>;
    fn revoke_api_key(&self, key_id: &str, at: Millis) -> StoreResult<()>;

    // Lists.
    /// Imports a complete new version of `list`: every entity is written, then the version is made active in the
    /// same transaction. An `Err` item (or any failure) abandons the import and leaves the previous version in force.
    fn import_list(
        &self,
        org_id: i64,
        list: &str,
        format: &str,
        entities: &mut dyn Iterator<Item = Result<Entity, String>>,
        audit: &AuditEvent,
    ) -> StoreResult<ListVersion>;
    /// The active version of each list of the organisation.
    fn lists(&self, org_id: i64) -> StoreResult<Vec<ListVersion>>;
    /// Every version of one list, oldest first.
    fn list_versions(&self, org_id: i64, list: &str) -> StoreResult<Vec<ListVersion>>;
    /// The entities of one version of a list, by id.
    fn list_entities(&self, org_id: i64, list: &str, version: i64) -> StoreResult<Vec<Entity>>;
    /// The entities of the active version of every list of the organisation (what screening runs against).
    fn active_entities(&self, org_id: i64) -> StoreResult<Vec<Entity>>;
    /// Added, removed and changed entity ids between two versions of a list.
    fn list_diff(&self, org_id: i64, list: &str, from: i64, to: i64) -> StoreResult<ListDiff>;

    // Screening outcomes, decisions, cases.
    /// Stores the alerts raised by one screening request together with its audit record; returns the alert ids.
    fn record_screening(
        &self,
        org_id: i64,
        created_by: &str,
        alerts: &[NewAlert],
        audit: &AuditEvent,
    ) -> StoreResult<Vec<i64>> {
        let record = ScreeningRecord {
            org_id,
            created_by: created_by.to_string(),
            alerts: alerts.to_vec(),
            audit: audit.clone(),
        };
        let mut ids = self.record_screenings(std::slice::from_ref(&record))?;
        Ok(ids.pop().unwrap_or_default())
    }
    /// Group commit: stores many screening requests (their alerts and audit records) in one transaction, the
    /// audit records chained in `batch` order. All or nothing. Returns each request's alert ids, in order.
    fn record_screenings(&self, batch: &[ScreeningRecord]) -> StoreResult<Vec<Vec<i64>>>;
    /// Alerts of the organisation with id > `after_id`, oldest first, optionally of one status.
    fn alerts(
        &self,
        org_id: i64,
        status: Option<AlertStatus>,
        after_id: i64,
        limit: usize,
    ) -> StoreResult<Vec<Alert>>;
    fn alert(&self, org_id: i64, alert_id: i64) -> StoreResult<Alert>;
    /// Records a decision (reason required) and moves the alert to the matching status.
    #[allow(clippy::too_many_arguments)]
    fn decide(
        &self,
        org_id: i64,
        alert_id: i64,
        user_id: i64,
        decision: DecisionKind,
        reason: &str,
        at: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<Decision>;
    fn decisions(&self, org_id: i64, alert_id: i64) -> StoreResult<Vec<Decision>>;
    fn create_case(
        &self,
        org_id: i64,
        user_id: i64,
        title: &str,
        alert_ids: &[i64],
        at: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<Case>;
    fn cases(&self, org_id: i64) -> StoreResult<Vec<Case>>;
    fn case(&self, org_id: i64, case_id: i64) -> StoreResult<Case>;

    // Passenger data, retention, re-personalisation.
    fn add_passenger_records(
        &self,
        org_id: i64,
        records: &[NewPassengerRecord],
        audit: &AuditEvent,
    ) -> StoreResult<Vec<i64>>;
    /// A passenger record as stored now (masked personal fields once masked).
    fn passenger_record(&self, org_id: i64, record_id: i64) -> StoreResult<PassengerRecord>;
    /// Masks the personal fields of `kind` records received before `mask_before` and deletes those received before
    /// `delete_before`, appending one audit record (`retention.apply`) naming them.
    fn apply_retention(
        &self,
        kind: PassengerDataKind,
        mask_before: Millis,
        delete_before: Millis,
        at: Millis,
    ) -> StoreResult<RetentionOutcome>;
    /// Alert retention, across all organisations: deletes the alerts created before `before` (each holds the
    /// screened query, i.e. the person's name and details, and the matched list entity), the decisions on them,
    /// and removes them from their cases (the case rows are kept). Appends one audit record
    /// (`retention.alerts_delete`) with the counts and the cut-off only, no personal data. The audit log records
    /// themselves are never deleted or changed: they are the legally required log of access and processing (and
    /// the hash chain must keep verifying).
    fn delete_alerts_before(
        &self,
        before: Millis,
        at: Millis,
    ) -> StoreResult<AlertRetentionOutcome>;
    fn request_repersonalisation(
        &self,
        org_id: i64,
        record_id: i64,
        user_id: i64,
        reason: &str,
        at: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<RepersonalisationRequest>;
    /// Approves a request. The approver must be another user of the same organisation with the
    /// [`Role::DataProtection`] role.
    fn approve_repersonalisation(
        &self,
        org_id: i64,
        request_id: i64,
        approver_id: i64,
        at: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<RepersonalisationRequest>;
    /// The record with its original personal fields, for an approved request.
    fn repersonalised_record(
        &self,
        org_id: i64,
        request_id: i64,
        audit: &AuditEvent,
    ) -> StoreResult<PassengerRecord>;

    // Hash banks.
    /// Replaces (or creates) a hash bank of the organisation with `body` (the bank's CSV) in one transaction.
    fn put_hash_bank(
        &self,
        org_id: i64,
        bank: &str,
        body: &str,
        entries: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// The organisation's hash banks, by name.
    fn hash_banks(&self, org_id: i64) -> StoreResult<Vec<HashBank>>;

    // Audit.
    fn append_audit(&self, event: &AuditEvent) -> StoreResult<AuditRecord>;
    /// Audit records with seq > `after_seq`, oldest first; one organisation's, or all (`None`).
    fn audit_records(
        &self,
        org_id: Option<i64>,
        after_seq: i64,
        limit: usize,
    ) -> StoreResult<Vec<AuditRecord>>;
    /// Checks the whole chain and names the first broken record.
    fn verify_audit(&self) -> StoreResult<AuditVerification> {
        self.verify_audit_against(None)
    }
    /// Checks the whole chain and, with an external anchor, that the chain still holds the anchored record with
    /// its hash (so a truncated or rewritten tail is detected even when the stored head was rewritten too).
    fn verify_audit_against(&self, anchor: Option<&AuditAnchor>) -> StoreResult<AuditVerification>;
}
