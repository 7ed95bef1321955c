//! The store's one error type.

/// Everything that can go wrong in a store operation. Each variant names what was being done and on which record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database itself failed (I/O, locking, corruption) while doing `context`.
    #[error("database error while {context}: {source}")]
    Database {
        context: String,
        #[source]
        source: rusqlite::Error,
    },
    /// A record does not exist, or belongs to another organisation (the two are not distinguished on purpose).
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// The operation conflicts with the current state (duplicate name, approving one's own request, ...).
    #[error("{0}")]
    Conflict(String),
    /// A value supplied by the caller is not acceptable.
    #[error("invalid {field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// A list import was abandoned at `record` (1-based): the previous version stays in force.
    #[error("list import abandoned at record {record}: {message}")]
    ImportAborted { record: usize, message: String },
    /// A stored value could not be decoded (table, row id, column).
    #[error("corrupt stored value in {table} row {row} column {column}: {message}")]
    Corrupt {
        table: &'static str,
        row: String,
        column: &'static str,
        message: String,
    },
    /// Sealed (encrypted) passenger data cannot be sealed or opened: no key, the wrong key, or altered data.
    #[error("sealed data: {0}")]
    Sealing(String),
    /// The database file was written by a newer version of Interdict.
    #[error("database schema version {found} is newer than this build supports ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },
}

impl StoreError {
    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> StoreError {
        let context = context.into();
        move |source| StoreError::Database { context, source }
    }
}

/// Shorthand for results of store operations.
pub type StoreResult<T> = Result<T, StoreError>;
