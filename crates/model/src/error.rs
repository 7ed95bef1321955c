//! The one error type of the model crate.

/// A value that cannot be read into the model (a date, a country code, a schema name).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// A date that is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a valid month and day.
    #[error("invalid date {value:?}: {reason}")]
    InvalidDate { value: String, reason: &'static str },
    /// A country that is neither an ISO 3166 alpha-2 code nor a known country name.
    #[error("unknown country {0:?}")]
    UnknownCountry(String),
    /// A schema name that is not Person, Organization, LegalEntity, Company, Vessel or Aircraft.
    #[error(
        "unknown schema {0:?} (expected Person, Organization, LegalEntity, Company, Vessel or Aircraft)"
    )]
    UnknownSchema(String),
}
