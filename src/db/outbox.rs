//! The `mail_outbox` table: emails waiting to be sent. Written with the token they carry (see
//! [`Store::insert_verification`]), leased by one sender at a time, deleted once delivered.
use chrono::{DateTime, Utc};

use super::{Dialect, Store, StoreError};
use crate::on_pool;

/// Inserts the [`OutboxMail`] `$mail`, due at once, inside the transaction `$tx` of `$pool` (a macro
/// because the statement is compiled once per backend inside [`on_pool!`]).
macro_rules! insert_mail {
    ($pool:expr, $tx:expr, $mail:expr) => {{
        let now = $pool.time($crate::clock::now());
        sqlx::query(
            r#"insert into "mail_outbox" ("id", "recipient", "subject", "text_body", "html_body", "attempts", "next_attempt_at", "created_at")
               values ($1, $2, $3, $4, $5, 0, $6, $6)"#,
        )
        .bind(&$mail.id).bind(&$mail.recipient).bind(&$mail.subject).bind(&$mail.text_body).bind(&$mail.html_body)
        .bind(now)
        .execute(&mut *$tx)
        .await
    }};
}
pub(super) use insert_mail;

/// One message waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// Failed deliveries so far.
    pub attempts: i32,
}

const COLUMNS: &str = r#""id", "recipient", "subject", "text_body", "html_body", "attempts""#;

impl Store {
    /// Adds a message, due at once.
    pub async fn enqueue_mail(&self, mail: &OutboxMail) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            insert_mail!(pool, tx, mail)?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Takes up to `limit` messages that are due, leasing them until `lease_until` so that no other
    /// sender (on this or another instance) takes them meanwhile. A message whose sender died is due
    /// again when its lease runs out.
    pub async fn lease_due_mail(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxMail>, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write(&self.feed).await?;
            let skip_locked = if matches!(self.pool, super::Pool::Postgres(_)) { " for update skip locked" } else { "" };
            let sql = format!(
                r#"select {COLUMNS} from "mail_outbox" where "next_attempt_at" <= $1 order by "next_attempt_at" limit $2{skip_locked}"#
            );
            let due: Vec<OutboxMail> = sqlx::query_as(&sql).bind(pool.time(now)).bind(limit).fetch_all(&mut *tx).await?;
            for mail in &due {
                sqlx::query(r#"update "mail_outbox" set "next_attempt_at" = $2 where "id" = $1"#)
                    .bind(&mail.id).bind(pool.time(lease_until)).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(due)
        })
    }

    /// Removes a delivered message.
    pub async fn mail_delivered(&self, id: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(r#"delete from "mail_outbox" where "id" = $1"#).bind(id).execute(pool).await.map(drop)?);
        Ok(())
    }

    /// Records a failed delivery and when to try again.
    pub async fn mail_failed(&self, id: &str, next_attempt_at: DateTime<Utc>, error: &str) -> Result<(), StoreError> {
        let sql = r#"update "mail_outbox" set "attempts" = "attempts" + 1, "next_attempt_at" = $2, "last_error" = $3 where "id" = $1"#;
        on_pool!(self, pool => sqlx::query(sql).bind(id).bind(pool.time(next_attempt_at)).bind(error).execute(pool).await.map(drop)?);
        Ok(())
    }

    /// How many messages are waiting (delivered ones are gone).
    pub async fn pending_mail(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(r#"select count(*) from "mail_outbox""#).fetch_one(pool).await?))
    }
}
