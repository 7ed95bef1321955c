//! The crate's error type: every variant names the file or source, the record and the field.

/// Errors of the travel crate. Message parsing itself does not fail (problems are warnings); these are for
/// configuration, rules, lists and unreadable input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TravelError {
    #[error("{source_name}, line {line}: {message}")]
    Config {
        source_name: String,
        line: usize,
        message: String,
    },
    #[error("rules file: rule {rule_id}: {message}")]
    Rule { rule_id: String, message: String },
    #[error(
        "rules file: rule {rule_id}: condition \"{condition}\" uses the forbidden attribute \"{attribute}\" ({reason})"
    )]
    ForbiddenAttribute {
        rule_id: String,
        condition: String,
        attribute: String,
        reason: String,
    },
    #[error("rules file: {0}")]
    RuleSyntax(String),
    #[error("{source_name}, record {record}: field {field}: {message}")]
    Record {
        source_name: String,
        record: usize,
        field: String,
        message: String,
    },
    #[error("{0}: not a PAXLST, PNRGOV or CUSRES message (no UNH found)")]
    UnknownMessage(String),
    #[error("policy: {0}")]
    Policy(String),
}
