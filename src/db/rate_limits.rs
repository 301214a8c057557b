//! Better Auth's `rateLimit` table: request counts shared by every instance on the database.
use super::{Store, StoreError};
use crate::on_pool;

impl Store {
    /// Counts one request under `key` in a fixed window of `window_ms` that starts with the first
    /// request (`now_ms`, milliseconds since the epoch). Returns the count in the current window,
    /// this request included, and when that window started. One statement: concurrent requests on
    /// any instance are counted exactly.
    pub async fn count_request(&self, key: &str, now_ms: i64, window_ms: i64) -> Result<(i64, i64), StoreError> {
        let sql = r#"insert into "rateLimit" ("id", "key", "count", "lastRequest") values ($1, $2, 1, $3)
            on conflict ("key") do update set
              "count" = case when "rateLimit"."lastRequest" <= $4 then 1 else "rateLimit"."count" + 1 end,
              "lastRequest" = case when "rateLimit"."lastRequest" <= $4 then $3 else "rateLimit"."lastRequest" end
            returning cast("count" as bigint), "lastRequest""#;
        let id = crate::auth::ids::generate_id();
        let row: (i64, i64) = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(&id).bind(key).bind(now_ms).bind(now_ms - window_ms)
            .fetch_one(pool).await?);
        Ok(row)
    }

    /// Forgets windows that ended before `before_ms`.
    pub async fn prune_rate_limits(&self, before_ms: i64) -> Result<(), StoreError> {
        let sql = r#"delete from "rateLimit" where "lastRequest" < $1"#;
        on_pool!(self, pool => sqlx::query(sql).bind(before_ms).execute(pool).await.map(drop)?);
        Ok(())
    }
}
