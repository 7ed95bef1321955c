//! The one error type of the finance crate. Every variant names where the problem is: the record (line or
//! transaction number) and field for ingestion, the rule id and position for rule packs, the element for goAML.

/// An error from reading transactions, loading a rule pack or a goAML profile, or writing/reading goAML XML.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FinanceError {
    /// A transaction record could not be read. `record` is the 1-based data record number (CSV: the line number).
    #[error("{source_name}: record {record}, field `{field}`: {message}")]
    Record {
        source_name: String,
        record: u64,
        field: String,
        message: String,
    },

    /// The input as a whole is unusable (missing header, unreadable file, XML not well formed).
    #[error("{source_name}: {message}")]
    Input {
        source_name: String,
        message: String,
    },

    /// A rule pack problem: `rule` is the rule or aggregate id (or `pack`), `position` the byte offset in the
    /// expression when the problem is inside one.
    #[error("rule pack: {rule}: {message}{}", position.map(|p| format!(" (at character {p})")).unwrap_or_default())]
    Rule {
        rule: String,
        position: Option<usize>,
        message: String,
    },

    /// A goAML profile, build or read problem, naming the element or setting.
    #[error("goAML: {element}: {message}")]
    Goaml { element: String, message: String },
}

impl FinanceError {
    pub(crate) fn record(
        source_name: &str,
        record: u64,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        FinanceError::Record {
            source_name: source_name.to_string(),
            record,
            field: field.to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn input(source_name: &str, message: impl Into<String>) -> Self {
        FinanceError::Input {
            source_name: source_name.to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn rule(rule: &str, position: Option<usize>, message: impl Into<String>) -> Self {
        FinanceError::Rule {
            rule: rule.to_string(),
            position,
            message: message.into(),
        }
    }

    pub(crate) fn goaml(element: &str, message: impl Into<String>) -> Self {
        FinanceError::Goaml {
            element: element.to_string(),
            message: message.into(),
        }
    }
}
