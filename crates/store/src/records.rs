//! The records the store keeps, as plain values shared by every backend.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::StoreError;

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// The current time in milliseconds since the Unix epoch.
pub fn now_ms() -> Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable text form stored and shown in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl FromStr for $name {
            type Err = StoreError;
            fn from_str(s: &str) -> Result<Self, StoreError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(StoreError::Invalid {
                        field: stringify!($name),
                        message: format!("unknown value {other:?}"),
                    }),
                }
            }
        }
    };
}

string_enum!(
    /// What a user may do. One role per user; a person needing two roles has two users.
    Role {
        Admin => "admin",
        Analyst => "analyst",
        Auditor => "auditor",
        Ingest => "ingest",
        DataProtection => "data_protection",
    }
);

string_enum!(
    /// The state of an alert: open until an analyst decides.
    AlertStatus { Open => "open", Confirmed => "confirmed", Dismissed => "dismissed", Escalated => "escalated" }
);

string_enum!(
    /// An analyst's decision on an alert.
    DecisionKind { Confirm => "confirm", Dismiss => "dismiss", Escalate => "escalate" }
);

string_enum!(
    /// Kinds of passenger data, each with its own retention period.
    PassengerDataKind { Pnr => "pnr", Api => "api" }
);

impl DecisionKind {
    /// The alert status a decision leads to.
    pub fn status(self) -> AlertStatus {
        match self {
            DecisionKind::Confirm => AlertStatus::Confirmed,
            DecisionKind::Dismiss => AlertStatus::Dismissed,
            DecisionKind::Escalate => AlertStatus::Escalated,
        }
    }
}

/// An agency (tenant). Everything but lists' shared format is scoped to one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub created_at: Millis,
}

/// A user of one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: Millis,
}

/// A stored API key: the public key id and the argon2 hash (PHC string) of its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub key_id: String,
    pub user_id: i64,
    pub secret_hash: String,
    pub created_at: Millis,
    pub revoked_at: Option<Millis>,
}

/// One version of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListVersion {
    pub id: i64,
    pub org_id: i64,
    pub list: String,
    pub version: i64,
    pub format: String,
    pub entity_count: i64,
    pub created_at: Millis,
    pub created_by: String,
    pub active: bool,
}

/// What changed between two versions of a list, by entity id (each sorted).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListDiff {
    pub from_version: i64,
    pub to_version: i64,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

/// An alert about to be stored: a screening result that reached the match threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAlert {
    pub query_id: String,
    pub query: serde_json::Value,
    pub entity_id: String,
    pub caption: String,
    pub score: f64,
    pub explanation: serde_json::Value,
}

/// One screening request to store: the alerts it raised and its audit event ([`crate::Store::record_screenings`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ScreeningRecord {
    pub org_id: i64,
    /// How the alerts name who raised them (the audit actor).
    pub created_by: String,
    pub alerts: Vec<NewAlert>,
    pub audit: crate::AuditEvent,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    pub id: i64,
    pub org_id: i64,
    pub created_at: Millis,
    pub created_by: String,
    pub query_id: String,
    pub query: serde_json::Value,
    pub entity_id: String,
    pub caption: String,
    pub score: f64,
    pub explanation: serde_json::Value,
    pub status: AlertStatus,
    pub case_id: Option<i64>,
}

/// A recorded decision on an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub id: i64,
    pub alert_id: i64,
    pub org_id: i64,
    pub user_id: i64,
    pub decision: DecisionKind,
    pub reason: String,
    pub decided_at: Millis,
}

/// A case grouping alerts for investigation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    pub status: String,
    pub created_at: Millis,
    pub created_by: i64,
    pub alert_ids: Vec<i64>,
}

/// A passenger record (PNR or API) about to be stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPassengerRecord {
    pub kind: PassengerDataKind,
    pub received_at: Millis,
    pub flight: String,
    /// Personal fields (names, contacts, payment, frequent flyer, document data): masked after the retention age.
    pub personal: serde_json::Value,
    /// Everything else (itinerary, booking dates, seat): kept until deletion.
    pub other: serde_json::Value,
}

/// A stored passenger record as the API shows it: after masking, `personal` holds masked values only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PassengerRecord {
    pub id: i64,
    pub org_id: i64,
    pub kind: PassengerDataKind,
    pub received_at: Millis,
    pub flight: String,
    pub personal: serde_json::Value,
    pub masked_at: Option<Millis>,
    pub other: serde_json::Value,
}

/// A request to see the personal fields of a masked record; usable once a second user approved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepersonalisationRequest {
    pub id: i64,
    pub org_id: i64,
    pub record_id: i64,
    pub requested_by: i64,
    pub reason: String,
    pub requested_at: Millis,
    pub approved_by: Option<i64>,
    pub approved_at: Option<Millis>,
}

/// What a retention run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionOutcome {
    pub masked: u64,
    pub deleted: u64,
}

/// What one run of alert retention deleted (alerts older than the configured age, across organisations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertRetentionOutcome {
    /// Alerts deleted (with their screened query and matched entity).
    pub alerts: u64,
    /// Decisions on those alerts deleted with them.
    pub decisions: u64,
    /// Cases that lost alerts (the case rows themselves are kept).
    pub cases: u64,
}

/// A stored hash bank: its CSV as uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HashBank {
    pub bank: String,
    pub entries: i64,
    pub body: String,
    pub updated_at: Millis,
}
