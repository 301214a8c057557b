//! Changing a password (signed in, knowing the current one) and resetting a forgotten one by email:
//! a single-use token in the `verification` table (`reset-password:<token>`, one hour), sent in the
//! same transaction as the message that carries it.
use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::{SignedIn, found, status_true, uri_component, with_query};
use crate::AppState;
use crate::auth::AuthError;
use crate::auth::client::ClientAddr;
use crate::auth::ids::{generate_id, generate_id_of};
use crate::auth::routes::{body, session_cookies, with_cookies};
use crate::auth::session::{self, ClientMeta};
use crate::db::{SessionRow, VerificationRow};

/// How long a reset link works.
const RESET_TOKEN_LIFETIME: chrono::Duration = chrono::Duration::hours(1);
/// Where a reset link leads when the request named no `redirectTo`: Ticklist's own page. (Better
/// Auth sends `callbackURL=` empty then, and its link always fails; see docs/better-auth-compat.md.)
pub const RESET_PAGE: &str = "/reset-password";
const RESET_PREFIX: &str = "reset-password:";

/// Sets a new password for the signed-in user, who knows the current one. With `revoke_others`
/// every session of the account ends, this one too (as Better Auth does), and this browser gets the
/// new session returned.
pub async fn change_password(
    state: &AppState,
    signed_in: &SignedIn,
    current: String,
    new_password: String,
    revoke_others: bool,
    meta: &ClientMeta,
) -> Result<Option<SessionRow>, AuthError> {
    session::check_new_password(&new_password)?;
    if current.chars().count() > crate::model::PASSWORD_MAX {
        return Err(AuthError::password_too_long());
    }
    let user = &signed_in.user;
    let Some(stored) = state.store.credential_password(&user.id).await? else {
        return Err(AuthError::new(
            StatusCode::BAD_REQUEST,
            "Credential account not found",
            "CREDENTIAL_ACCOUNT_NOT_FOUND",
        ));
    };
    if !state.auth.hashes.verify(current, Some(stored)).await? {
        return Err(AuthError::invalid_password());
    }
    let hash = state.auth.hashes.hash(new_password).await?;
    state.store.set_password(&user.id, &hash, crate::clock::now()).await?;
    if !revoke_others {
        return Ok(None);
    }
    state.store.delete_sessions_of_user(&user.id, None).await?;
    Ok(Some(session::new_session(state, &user.id, true, meta).await?))
}

/// `POST /change-password {currentPassword, newPassword, revokeOtherSessions?}`.
pub async fn change(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: ClientAddr,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AuthError> {
    let body = body::read_body(&headers, &bytes)?;
    let new_password = body::required_string(&body, "newPassword")?;
    let current = body::required_string(&body, "currentPassword")?;
    let revoke_others = body::optional_bool(&body, "revokeOtherSessions")?.unwrap_or(false);
    let meta = ClientMeta::new(client, &headers);
    let user = &signed_in.user;
    match change_password(&state, &signed_in, current, new_password, revoke_others, &meta).await? {
        None => Ok(Json(json!({"token": null, "user": user})).into_response()),
        Some(fresh) => {
            let response = Json(json!({"token": fresh.token, "user": user})).into_response();
            Ok(with_cookies(response, session_cookies(&state, &fresh.token, true)))
        }
    }
}

/// Sends a reset link to `email` when it has an account, leading to `redirect_to` (already checked
/// against the trusted origins; default [`RESET_PAGE`]). Nothing tells whether it has one.
pub async fn send_reset_link(state: &AppState, email: &str, redirect_to: Option<&str>) -> Result<(), AuthError> {
    if !state.mail.postman.is_on() {
        return Err(AuthError::new(StatusCode::BAD_REQUEST, "Reset password isn't enabled", "RESET_PASSWORD_DISABLED"));
    }
    let email = email.to_lowercase();
    if let Some(user) = state.store.user_by_email(&email).await? {
        let token = generate_id_of(24);
        let now = crate::clock::now();
        let row = VerificationRow {
            id: generate_id(),
            identifier: format!("{RESET_PREFIX}{token}"),
            value: user.id.clone(),
            expires_at: now + RESET_TOKEN_LIFETIME,
            created_at: now,
            updated_at: now,
        };
        let callback = redirect_to.unwrap_or(RESET_PAGE);
        let link = format!(
            "{}/api/auth/reset-password/{token}?callbackURL={}",
            state.config.base_url,
            uri_component(callback)
        );
        let mail = crate::mail::templates::reset_password(&user.email, &link);
        state.store.insert_verification(&row, Some(&mail)).await?;
        state.mail.outbox.poke();
    } else {
        // Roughly the same work as for a real account, so the answer's timing tells little.
        let _ = state.store.verification(&format!("{RESET_PREFIX}{}", generate_id_of(24)), crate::clock::now()).await?;
    }
    Ok(())
}

/// `POST /request-password-reset {email, redirectTo?}`: the same answer whether or not the address
/// has an account; a message with a link only when it has.
pub async fn request_reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AuthError> {
    let body = body::read_body(&headers, &bytes)?;
    let email = body::email_field(&body)?;
    let redirect_to =
        match body::optional_string(&body, "redirectTo")? {
            Some(url) => {
                Some(state.auth.trusted.callback(&url).ok_or_else(|| {
                    AuthError::new(StatusCode::FORBIDDEN, "Invalid redirectURL", "INVALID_REDIRECT_URL")
                })?)
            }
            None => None,
        };
    send_reset_link(&state, &email, redirect_to.as_deref()).await?;
    Ok(Json(json!({
        "status": true,
        "message": "If this email exists in our system, check your email for the reset link"
    }))
    .into_response())
}

#[derive(Deserialize)]
pub struct LinkQuery {
    #[serde(rename = "callbackURL")]
    callback_url: Option<String>,
}

/// `GET /reset-password/{token}?callbackURL=…`: the link in the message. Never uses the token up:
/// redirects to the page (made absolute on this site) with `token=…`, or `error=INVALID_TOKEN`.
pub async fn reset_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<LinkQuery>,
) -> Result<Response, AuthError> {
    let Some(callback) = query.callback_url else {
        return Err(AuthError::validation("[query.callbackURL] Invalid input: expected string, received undefined"));
    };
    let callback = if callback.is_empty() { RESET_PAGE.to_owned() } else { callback };
    let callback = state.auth.trusted.callback(&callback).ok_or_else(AuthError::invalid_callback_url)?;
    let absolute = url::Url::parse(&state.config.base_url)
        .and_then(|base| base.join(&callback))
        .map(String::from)
        .map_err(|_| AuthError::invalid_callback_url())?;
    let valid = token.len() <= 64
        && state.store.verification(&format!("{RESET_PREFIX}{token}"), crate::clock::now()).await?.is_some();
    Ok(if valid {
        found(&with_query(&absolute, "token", &token))
    } else {
        found(&with_query(&absolute, "error", "INVALID_TOKEN"))
    })
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// Sets a forgotten password with the token from a reset link, once per token, and by default
/// (`REVOKE_SESSIONS_ON_PASSWORD_RESET`) signs out every session of the account.
pub async fn reset_password(state: &AppState, token: &str, new_password: String) -> Result<(), AuthError> {
    if token.is_empty() {
        return Err(AuthError::invalid_token());
    }
    session::check_new_password(&new_password)?;
    let now = crate::clock::now();
    let row = match token.len() <= 64 {
        true => state.store.verification(&format!("{RESET_PREFIX}{token}"), now).await?,
        false => None,
    };
    let Some(row) = row else { return Err(AuthError::invalid_token()) };
    if state.store.user_by_id(&row.value).await?.is_none() {
        return Err(AuthError::new(StatusCode::BAD_REQUEST, "User not found", "USER_NOT_FOUND"));
    }
    let hash = state.auth.hashes.hash(new_password).await?;
    // Used once: of two requests racing with one token, only the one that deletes the row goes on.
    if !state.store.consume_verification(&row.id).await? {
        return Err(AuthError::invalid_token());
    }
    state.store.set_password(&row.value, &hash, now).await?;
    if state.config.accounts.revoke_sessions_on_password_reset {
        state.store.delete_sessions_of_user(&row.value, None).await?;
    }
    Ok(())
}

/// `POST /reset-password {newPassword, token?}` (or `?token=`).
pub async fn reset(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AuthError> {
    let body = body::read_body(&headers, &bytes)?;
    let new_password = body::required_string(&body, "newPassword")?;
    let token = body::optional_string(&body, "token")?.or(query.token).filter(|token| !token.is_empty());
    let Some(token) = token else { return Err(AuthError::invalid_token()) };
    reset_password(&state, &token, new_password).await?;
    Ok(status_true())
}
