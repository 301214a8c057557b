//! What account management reads and writes in Better Auth's tables: a user's sessions, profile,
//! password and email, `verification` rows (single-use tokens, written with the email that carries
//! them), and deleting an account with everything it owns.
use chrono::{DateTime, Utc};

use super::outbox::{OutboxMail, insert_mail};
use super::users::{SESSION_COLUMNS, USER_COLUMNS};
use super::{Dialect, SessionRow, Store, StoreError, UserRow};
use crate::on_pool;

/// A `verification` row: `identifier` names the token (`reset-password:<token>`), `value` is the
/// user id it acts for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VerificationRow {
    pub id: String,
    pub identifier: String,
    pub value: String,
    #[sqlx(rename = "expiresAt")]
    pub expires_at: DateTime<Utc>,
    #[sqlx(rename = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[sqlx(rename = "updatedAt")]
    pub updated_at: DateTime<Utc>,
}

const VERIFICATION_COLUMNS: &str = r#""id", "identifier", "value", "expiresAt", "createdAt", "updatedAt""#;

/// What a profile update changes (`None`: leave as is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChange {
    pub name: Option<String>,
    /// `Some(None)` clears the image.
    pub image: Option<Option<String>>,
}

impl Store {
    pub async fn user_by_id(&self, id: &str) -> Result<Option<UserRow>, StoreError> {
        let sql = format!(r#"select {USER_COLUMNS} from "user" where "id" = $1"#);
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?))
    }

    /// Whether a user with this id exists.
    pub async fn user_exists(&self, id: &str) -> Result<bool, StoreError> {
        let sql = r#"select count(*) from "user" where "id" = $1"#;
        let count: i64 = on_pool!(self, pool => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await?);
        Ok(count > 0)
    }

    /// The user's unexpired sessions, oldest first.
    pub async fn sessions_of_user(&self, user_id: &str, now: DateTime<Utc>) -> Result<Vec<SessionRow>, StoreError> {
        let sql = format!(
            r#"select {SESSION_COLUMNS} from "session" where "userId" = $1 and "expiresAt" > $2 order by "createdAt", "id""#
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).bind(pool.time(now)).fetch_all(pool).await?))
    }

    /// Deletes the session with this token if it belongs to `user_id`; whether one was deleted.
    pub async fn delete_session_of_user(&self, user_id: &str, token: &str) -> Result<bool, StoreError> {
        let sql = r#"delete from "session" where "token" = $1 and "userId" = $2"#;
        let done =
            on_pool!(self, pool => sqlx::query(sql).bind(token).bind(user_id).execute(pool).await?.rows_affected());
        Ok(done > 0)
    }

    /// Deletes every session of the user except the one with token `keep`.
    pub async fn delete_sessions_of_user(&self, user_id: &str, keep: Option<&str>) -> Result<u64, StoreError> {
        let sql = r#"delete from "session" where "userId" = $1 and "token" <> $2"#;
        let keep = keep.unwrap_or("");
        Ok(on_pool!(self, pool => sqlx::query(sql).bind(user_id).bind(keep).execute(pool).await?.rows_affected()))
    }

    /// Changes the user's name and/or image.
    pub async fn update_profile(
        &self,
        user_id: &str,
        change: &ProfileChange,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql = r#"update "user" set "name" = coalesce($2, "name"), "image" = case when $3 then $4 else "image" end,
                     "updatedAt" = $5 where "id" = $1"#;
        let clear_or_set = change.image.is_some();
        let image = change.image.clone().flatten();
        on_pool!(self, pool => sqlx::query(sql)
            .bind(user_id).bind(&change.name).bind(clear_or_set).bind(image).bind(pool.time(now))
            .execute(pool).await.map(drop)?);
        Ok(())
    }

    /// Replaces the password hash of the user's credential account.
    pub async fn set_password(&self, user_id: &str, hash: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let sql = r#"update "account" set "password" = $2, "updatedAt" = $3 where "userId" = $1 and "providerId" = 'credential'"#;
        on_pool!(self, pool => sqlx::query(sql).bind(user_id).bind(hash).bind(pool.time(now)).execute(pool).await.map(drop)?);
        Ok(())
    }

    /// Marks the user's email verified.
    pub async fn set_email_verified(&self, user_id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let sql = r#"update "user" set "emailVerified" = $2, "updatedAt" = $3 where "id" = $1"#;
        on_pool!(self, pool => sqlx::query(sql).bind(user_id).bind(true).bind(pool.time(now)).execute(pool).await.map(drop)?);
        Ok(())
    }

    /// Changes the user's email (already lower-cased); `StoreError::Conflict` when another user has it.
    pub async fn set_email(
        &self,
        user_id: &str,
        email: &str,
        verified: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql = r#"update "user" set "email" = $2, "emailVerified" = $3, "updatedAt" = $4 where "id" = $1"#;
        on_pool!(self, pool => sqlx::query(sql).bind(user_id).bind(email).bind(verified).bind(pool.time(now)).execute(pool).await.map(drop)?);
        Ok(())
    }

    /// Stores a verification row and, in the same transaction, the email that carries its token: the
    /// token exists only if its message will be sent.
    pub async fn insert_verification(
        &self,
        row: &VerificationRow,
        mail: Option<&OutboxMail>,
    ) -> Result<(), StoreError> {
        let sql = format!(r#"insert into "verification" ({VERIFICATION_COLUMNS}) values ($1, $2, $3, $4, $5, $6)"#);
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(&sql)
                .bind(&row.id).bind(&row.identifier).bind(&row.value).bind(pool.time(row.expires_at))
                .bind(pool.time(row.created_at)).bind(pool.time(row.updated_at))
                .execute(&mut *tx).await?;
            if let Some(mail) = mail {
                insert_mail!(pool, tx, mail)?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The unexpired verification row named `identifier`.
    pub async fn verification(
        &self,
        identifier: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<VerificationRow>, StoreError> {
        let sql = format!(
            r#"select {VERIFICATION_COLUMNS} from "verification" where "identifier" = $1 and "expiresAt" > $2 order by "createdAt" desc limit 1"#
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as(&sql).bind(identifier).bind(pool.time(now)).fetch_optional(pool).await?),
        )
    }

    /// Deletes a verification row; whether this call deleted it (so a token is used once, even when
    /// two requests race with it).
    pub async fn consume_verification(&self, id: &str) -> Result<bool, StoreError> {
        let done = on_pool!(self, pool => sqlx::query(r#"delete from "verification" where "id" = $1"#).bind(id).execute(pool).await?.rows_affected());
        Ok(done > 0)
    }

    /// Deletes the user, their sessions and accounts, and all their tasks, in one transaction, and
    /// records the deletion (see `deletions`). Whether the user existed.
    pub async fn delete_user(&self, user_id: &str) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write(&self.feed).await?;
            // Tasks have no foreign key to `user` (users may live elsewhere in external mode). The
            // change-count row goes first: every writer of a user's tasks locks it first.
            for table in ["task_count", "task_tag", "task"] {
                sqlx::query(&format!("delete from {table} where user_id = $1")).bind(user_id).execute(&mut *tx).await?;
            }
            sqlx::query(r#"delete from "session" where "userId" = $1"#).bind(user_id).execute(&mut *tx).await?;
            sqlx::query(r#"delete from "account" where "userId" = $1"#).bind(user_id).execute(&mut *tx).await?;
            let deleted = sqlx::query(r#"delete from "user" where "id" = $1"#).bind(user_id).execute(&mut *tx).await?.rows_affected();
            let record = r#"insert into "account_deletion" ("user_id", "deleted_at") values ($1, $2)
                            on conflict ("user_id") do update set "deleted_at" = excluded."deleted_at""#;
            sqlx::query(record).bind(user_id).bind(pool.time(crate::clock::now())).execute(&mut *tx).await?;
            tx.commit().await?;
            self.feed.reads.forget(user_id);
            Ok(deleted > 0)
        })
    }
}
