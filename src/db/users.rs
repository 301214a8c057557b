//! Better Auth's `user`, `account` and `session` rows, read and written in its schema so that a
//! database can be shared with a real Better Auth.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Dialect, Store, StoreError};
use crate::on_pool;

/// A `user` row; serializes as Better Auth's user object (same keys, same order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct UserRow {
    pub name: String,
    pub email: String,
    #[serde(rename = "emailVerified")]
    #[sqlx(rename = "emailVerified")]
    pub email_verified: bool,
    pub image: Option<String>,
    #[serde(rename = "createdAt", with = "crate::model::timestamp")]
    #[sqlx(rename = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[serde(rename = "updatedAt", with = "crate::model::timestamp")]
    #[sqlx(rename = "updatedAt")]
    pub updated_at: DateTime<Utc>,
    pub id: String,
}

/// A `session` row; serializes as Better Auth's session object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SessionRow {
    #[serde(rename = "expiresAt", serialize_with = "crate::model::timestamp::serialize")]
    #[sqlx(rename = "expiresAt")]
    pub expires_at: DateTime<Utc>,
    pub token: String,
    #[serde(rename = "createdAt", serialize_with = "crate::model::timestamp::serialize")]
    #[sqlx(rename = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[serde(rename = "updatedAt", serialize_with = "crate::model::timestamp::serialize")]
    #[sqlx(rename = "updatedAt")]
    pub updated_at: DateTime<Utc>,
    #[serde(rename = "ipAddress")]
    #[sqlx(rename = "ipAddress")]
    pub ip_address: Option<String>,
    #[serde(rename = "userAgent")]
    #[sqlx(rename = "userAgent")]
    pub user_agent: Option<String>,
    #[serde(rename = "userId")]
    #[sqlx(rename = "userId")]
    pub user_id: String,
    pub id: String,
}

pub(super) const USER_COLUMNS: &str = r#""name", "email", "emailVerified", "image", "createdAt", "updatedAt", "id""#;
pub(super) const SESSION_COLUMNS: &str =
    r#""expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId", "id""#;

impl Store {
    /// Creates a user and their credential account (`providerId = 'credential'`, `accountId = user id`)
    /// in one transaction. A taken email is `StoreError::Conflict`.
    pub async fn create_user(&self, user: &UserRow, account_id: &str, password_hash: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write(&self.feed).await?;
            sqlx::query(&format!(r#"insert into "user" ({USER_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7)"#))
                .bind(&user.name).bind(&user.email).bind(user.email_verified).bind(&user.image)
                .bind(pool.time(user.created_at)).bind(pool.time(user.updated_at)).bind(&user.id)
                .execute(&mut *tx).await?;
            sqlx::query(
                r#"insert into "account" ("id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt")
                   values ($1, $2, 'credential', $2, $3, $4, $4)"#,
            )
            .bind(account_id).bind(&user.id).bind(password_hash).bind(pool.time(user.created_at))
            .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The user with this (already lower-cased) email.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        let sql = format!(r#"select {USER_COLUMNS} from "user" where "email" = $1"#);
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(email).fetch_optional(pool).await?))
    }

    /// The stored password hash of the user's credential account.
    pub async fn credential_password(&self, user_id: &str) -> Result<Option<String>, StoreError> {
        let sql = r#"select "password" from "account" where "userId" = $1 and "providerId" = 'credential'"#;
        let password: Option<Option<String>> =
            on_pool!(self, pool => sqlx::query_scalar(sql).bind(user_id).fetch_optional(pool).await?);
        Ok(password.flatten())
    }

    pub async fn create_session(&self, session: &SessionRow) -> Result<(), StoreError> {
        let sql = format!(r#"insert into "session" ({SESSION_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8)"#);
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(pool.time(session.expires_at)).bind(&session.token).bind(pool.time(session.created_at))
            .bind(pool.time(session.updated_at)).bind(&session.ip_address).bind(&session.user_agent)
            .bind(&session.user_id).bind(&session.id)
            .execute(pool).await.map(drop)?);
        Ok(())
    }

    /// The session with this token and its user.
    pub async fn session_by_token(&self, token: &str) -> Result<Option<(SessionRow, UserRow)>, StoreError> {
        let sql = format!(r#"select {SESSION_COLUMNS} from "session" where "token" = $1"#);
        let session: Option<SessionRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(token).fetch_optional(pool).await?);
        let Some(session) = session else { return Ok(None) };
        let sql = format!(r#"select {USER_COLUMNS} from "user" where "id" = $1"#);
        let user: Option<UserRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(&session.user_id).fetch_optional(pool).await?);
        Ok(user.map(|user| (session, user)))
    }

    /// Moves a session's expiry (the sliding refresh).
    pub async fn extend_session(
        &self,
        id: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql = r#"update "session" set "expiresAt" = $2, "updatedAt" = $3 where "id" = $1"#;
        on_pool!(self, pool => sqlx::query(sql).bind(id).bind(pool.time(expires_at)).bind(pool.time(now)).execute(pool).await.map(drop)?);
        Ok(())
    }

    pub async fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(r#"delete from "session" where "token" = $1"#).bind(token).execute(pool).await.map(drop)?);
        Ok(())
    }
}
