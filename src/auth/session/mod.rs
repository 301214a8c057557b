//! Sign-up, sign-in, sessions and sign-out as Better Auth does them: sessions are `session` rows
//! named by a random token that travels in a signed cookie, live 7 days (1 day when not remembered),
//! slide forward when a day old, and are deleted on sign-out or when found expired.
use axum::http::HeaderMap;
use chrono::Duration;

pub mod cookie;
pub mod password;
pub mod user_fields;

use cookie::SESSION_MAX_AGE;

use super::AuthSettings;
use super::client::ClientAddr;
use super::error::AuthError;
use super::ids::generate_id;
use super::jwt::TokenUser;
use crate::AppState;
use crate::db::{SessionRow, StoreError, UserRow};

/// How often a live session's expiry slides forward (`updateAge`).
const UPDATE_AGE: i64 = 24 * 3600;
/// Lifetime of a session whose user chose not to be remembered.
const SHORT_SESSION: i64 = 24 * 3600;

/// Where a request comes from, as recorded on its session.
#[derive(Debug, Clone, Default)]
pub struct ClientMeta {
    pub ip_address: String,
    pub user_agent: Option<String>,
}

impl ClientMeta {
    /// `ipAddress` is the client's address as resolved through the trusted proxies (never what a
    /// client claims in `X-Forwarded-For`; empty when unknown), and the user agent.
    pub fn new(client: ClientAddr, headers: &HeaderMap) -> Self {
        let ip_address = client.0.map(|ip| ip.to_string()).unwrap_or_default();
        let user_agent = headers.get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_owned);
        Self { ip_address, user_agent }
    }
}

/// What a request's session cookie leads to.
pub enum SessionLookup {
    /// No cookie, or one whose signature does not verify.
    Absent,
    /// A correctly signed cookie whose session is gone or expired: the client should drop it.
    Dead,
    /// A live session; `refreshed` when its expiry was just moved forward.
    Live { session: Box<SessionRow>, user: Box<UserRow>, refreshed: bool },
}

impl From<&UserRow> for TokenUser {
    fn from(user: &UserRow) -> Self {
        TokenUser {
            id: user.id.clone(),
            name: user.name.clone(),
            email: user.email.clone(),
            email_verified: user.email_verified,
            image: user.image.clone(),
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

pub(crate) async fn new_session(
    state: &AppState,
    user_id: &str,
    remember: bool,
    meta: &ClientMeta,
) -> Result<SessionRow, AuthError> {
    let now = crate::clock::now();
    let lifetime = if remember { SESSION_MAX_AGE } else { SHORT_SESSION };
    let session = SessionRow {
        expires_at: now + Duration::seconds(lifetime),
        token: generate_id(),
        created_at: now,
        updated_at: now,
        ip_address: Some(meta.ip_address.clone()),
        user_agent: meta.user_agent.clone(),
        user_id: user_id.to_owned(),
        id: generate_id(),
    };
    state.store.create_session(&session).await?;
    Ok(session)
}

/// The length rule for a new password: 8 to 128 characters.
pub fn check_new_password(password: &str) -> Result<(), AuthError> {
    let length = password.chars().count();
    if length < crate::model::PASSWORD_MIN {
        return Err(AuthError::new(axum::http::StatusCode::BAD_REQUEST, "Password too short", "PASSWORD_TOO_SHORT"));
    }
    if length > crate::model::PASSWORD_MAX {
        return Err(AuthError::password_too_long());
    }
    Ok(())
}

/// Creates a user with a password and signs them in, or, when email verification is required,
/// sends the verification message and opens no session (`None`). Then an address already taken gets
/// the same answer with a made-up user, so that sign-up does not tell which addresses have accounts.
pub async fn sign_up(
    state: &AppState,
    name: String,
    email: String,
    password: String,
    image: Option<String>,
    meta: &ClientMeta,
) -> Result<(Option<SessionRow>, UserRow), AuthError> {
    user_fields::email(&email)?;
    user_fields::name(&name)?;
    user_fields::image(image.as_deref())?;
    let email = email.to_lowercase();
    check_new_password(&password)?;
    let require_verification = state.config.accounts.require_email_verification;
    let now = crate::clock::now();
    let user =
        UserRow { name, email, email_verified: false, image, created_at: now, updated_at: now, id: generate_id() };
    if state.store.user_by_email(&user.email).await?.is_some() {
        return if require_verification { Ok((None, user)) } else { Err(AuthError::user_exists()) };
    }
    let hash = state.auth.hashes.hash(password).await?;
    match state.store.create_user(&user, &generate_id(), &hash).await {
        Ok(()) => {}
        // Two sign-ups raced for the email: the database's unique rule picked the winner.
        Err(StoreError::Conflict(_)) if require_verification => return Ok((None, user)),
        Err(StoreError::Conflict(_)) => return Err(AuthError::user_exists()),
        Err(other) => return Err(other.into()),
    }
    if state.mail.postman.is_on() {
        crate::auth::account::send_verification_mail(state, &user, None).await?;
    }
    if require_verification {
        return Ok((None, user));
    }
    let session = new_session(state, &user.id, true, meta).await?;
    Ok((Some(session), user))
}

/// Checks an email and password and opens a new session.
pub async fn sign_in(
    state: &AppState,
    email: String,
    password: String,
    remember: bool,
    meta: &ClientMeta,
) -> Result<(SessionRow, UserRow), AuthError> {
    // Longer than any password can be: refused before any hashing work.
    if password.chars().count() > crate::model::PASSWORD_MAX {
        return Err(AuthError::invalid_credentials());
    }
    let email = email.to_lowercase();
    let user = state.store.user_by_email(&email).await?;
    let stored = match &user {
        Some(user) => state.store.credential_password(&user.id).await?,
        None => None,
    };
    // Always one hash, whether or not the account exists.
    let valid = state.auth.hashes.verify(password, stored).await?;
    let Some(user) = user.filter(|_| valid) else { return Err(AuthError::invalid_credentials()) };
    if state.config.accounts.require_email_verification && !user.email_verified {
        return Err(AuthError::new(axum::http::StatusCode::FORBIDDEN, "Email not verified", "EMAIL_NOT_VERIFIED"));
    }
    let session = new_session(state, &user.id, remember, meta).await?;
    Ok((session, user))
}

/// The value of the request's signed cookie `name`, if its signature verifies.
fn signed_cookie(headers: &HeaderMap, name: &str, secret: &str) -> Option<String> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|header| cookie::find(header, name))
        .and_then(|value| cookie::verify(value, secret))
}

/// The session token in the request's signed cookie, if the signature verifies.
pub fn session_token(headers: &HeaderMap, settings: &AuthSettings, secret: &str) -> Option<String> {
    signed_cookie(headers, &settings.cookies.session_name(), secret)
}

/// Whether the browser signed in with "remember me" off (Better Auth's signed `dont_remember`
/// cookie): such a session keeps its one-day lifetime and is never slid forward.
pub fn not_remembered(headers: &HeaderMap, settings: &AuthSettings, secret: &str) -> bool {
    signed_cookie(headers, &settings.cookies.dont_remember_name(), secret).as_deref() == Some("true")
}

/// Resolves the request's session; deletes it when expired and slides it forward when due.
pub async fn lookup(state: &AppState, headers: &HeaderMap, allow_refresh: bool) -> Result<SessionLookup, AuthError> {
    let Some(token) = session_token(headers, &state.auth, state.config.secret.expose()) else {
        return Ok(SessionLookup::Absent);
    };
    let Some((session, user)) = state.store.session_by_token(&token).await? else { return Ok(SessionLookup::Dead) };
    let now = crate::clock::now();
    if session.expires_at <= now {
        state.store.delete_session(&token).await?;
        return Ok(SessionLookup::Dead);
    }
    let due = session.expires_at - Duration::seconds(SESSION_MAX_AGE) + Duration::seconds(UPDATE_AGE) <= now;
    let remembered = !not_remembered(headers, &state.auth, state.config.secret.expose());
    if allow_refresh && due && remembered {
        let expires_at = now + Duration::seconds(SESSION_MAX_AGE);
        state.store.extend_session(&session.id, expires_at, now).await?;
        let session = SessionRow { expires_at, updated_at: now, ..session };
        return Ok(SessionLookup::Live { session: Box::new(session), user: Box::new(user), refreshed: true });
    }
    Ok(SessionLookup::Live { session: Box::new(session), user: Box::new(user), refreshed: false })
}

/// Ends the request's session (if any).
pub async fn sign_out(state: &AppState, headers: &HeaderMap) -> Result<(), AuthError> {
    if let Some(token) = session_token(headers, &state.auth, state.config.secret.expose()) {
        state.store.delete_session(&token).await?;
    }
    Ok(())
}
