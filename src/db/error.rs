//! Store failures, sorted into "the database is unavailable, retry later" and everything else.
use sqlx::error::DatabaseError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or is too busy right now; the request may be retried.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// A uniqueness rule was broken (the constraint's name is kept for the caller to interpret).
    #[error("unique constraint violated: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Other(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                StoreError::Unavailable(error)
            }
            sqlx::Error::Database(db) if is_unavailable(db.as_ref()) => StoreError::Unavailable(error),
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.constraint().unwrap_or_default().to_owned())
            }
            _ => StoreError::Other(error),
        }
    }
}

/// SQLite "busy"/"locked" (5, 6 and their extended codes) and PostgreSQL connection-class (08),
/// shutdown (57P0x) and too-many-connections (53300) errors are passing conditions, not bugs.
fn is_unavailable(error: &dyn DatabaseError) -> bool {
    if let Some(pg) = error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        let code = pg.code();
        return code.starts_with("08") || code.starts_with("57P0") || code == "53300";
    }
    let code = error.code().and_then(|code| code.parse::<i64>().ok());
    code.is_some_and(|code| matches!(code & 0xff, 5 | 6))
}
