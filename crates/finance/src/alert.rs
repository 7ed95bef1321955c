//! Alerts: what a rule or a screening hit raises. Every alert names the rule, its version, the values that
//! triggered it and carries the transactions involved, so an analyst (and the goAML report) needs nothing else.

use crate::rules::{ReportKind, Side};
use crate::screening::{PartyRole, ScreeningHit};
use crate::{Party, Timestamp, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the alert asks for. `Block` only comes from a pack that says so (`block_on_match = true`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertAction {
    /// An analyst reviews and confirms or dismisses.
    Review,
    /// Hold the funds (asset freeze) pending the analyst's confirmation and the report.
    Block,
}

/// A screening hit that raised an alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreeningFinding {
    pub role: PartyRole,
    pub party_name: String,
    pub hit: ScreeningHit,
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// `<rule id>/<transaction id>/<side>`: unique per run.
    pub id: String,
    pub rule_id: String,
    pub rule_version: u32,
    pub pack_id: String,
    pub pack_version: String,
    pub title: String,
    pub report: ReportKind,
    pub action: AlertAction,
    /// The side of the triggering transaction the rule looked at.
    pub side: Side,
    /// The party on that side (the customer or account the alert is about).
    pub subject: Party,
    pub timestamp: Timestamp,
    /// The condition as written in the pack.
    pub condition: String,
    /// The values the condition read: `amount` and every aggregate, by name, in the pack currency.
    pub values: BTreeMap<String, f64>,
    pub currency: String,
    /// The triggering transaction first, then the others the aggregates counted, oldest first.
    pub transactions: Vec<Arc<Transaction>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub screening: Vec<ScreeningFinding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}
