//! The `account_deletion` table: ids of accounts deleted lately, which every instance reads so that
//! the JWTs those users still hold are refused everywhere.
use chrono::{DateTime, Utc};

use super::{Dialect, Store, StoreError};
use crate::on_pool;

impl Store {
    /// The users deleted since `since`.
    pub async fn deleted_accounts_since(&self, since: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
        let sql = r#"select "user_id" from "account_deletion" where "deleted_at" >= $1"#;
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql).bind(pool.time(since)).fetch_all(pool).await?))
    }

    /// Forgets deletions older than `before` (their users' tokens have all expired).
    pub async fn prune_account_deletions(&self, before: DateTime<Utc>) -> Result<(), StoreError> {
        let sql = r#"delete from "account_deletion" where "deleted_at" < $1"#;
        on_pool!(self, pool => sqlx::query(sql).bind(pool.time(before)).execute(pool).await.map(drop)?);
        Ok(())
    }
}
