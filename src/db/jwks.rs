//! Rows of Better Auth's `jwks` table: the signing keys, public and (encrypted) private halves.
use chrono::{DateTime, Utc};

use super::{Dialect, Store, StoreError};
use crate::on_pool;

/// One `jwks` row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JwkRow {
    pub id: String,
    #[sqlx(rename = "publicKey")]
    pub public_key: String,
    #[sqlx(rename = "privateKey")]
    pub private_key: String,
    #[sqlx(rename = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[sqlx(rename = "expiresAt")]
    pub expires_at: Option<DateTime<Utc>>,
    pub alg: Option<String>,
    pub crv: Option<String>,
}

const COLUMNS: &str = r#""id", "publicKey", "privateKey", "createdAt", "expiresAt", "alg", "crv""#;

impl Store {
    /// Every key, newest first.
    pub async fn public_keys(&self) -> Result<Vec<JwkRow>, StoreError> {
        let sql = format!(r#"select {COLUMNS} from "jwks" order by "createdAt" desc"#);
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?))
    }

    /// Stores a new key.
    pub async fn insert_jwk(&self, row: &JwkRow) -> Result<(), StoreError> {
        let sql = format!(r#"insert into "jwks" ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7)"#);
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&row.id).bind(&row.public_key).bind(&row.private_key).bind(pool.time(row.created_at))
            .bind(row.expires_at.map(|at| pool.time(at))).bind(&row.alg).bind(&row.crv)
            .execute(pool).await.map(drop)?);
        Ok(())
    }
}
