//! Email addresses: sending and following verification links, and changing the address (confirmed
//! by a link to the new address, or at once for an unverified user when so configured).
use std::time::Duration;

use axum::{
    Json,
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::verification_token::{CHANGE_EMAIL_VERIFICATION, VerificationClaims, VerificationTokenError};
use super::{SignedIn, found, status_true, uri_component, with_query};
use crate::AppState;
use crate::auth::AuthError;
use crate::auth::routes::{body, with_cookies};
use crate::auth::session::{self, SessionLookup, user_fields};
use crate::db::{StoreError, UserRow};

/// The least time an anonymous `send-verification-email` takes, whatever the address: the answer
/// does not tell whether an account exists.
const ANONYMOUS_FLOOR: Duration = Duration::from_millis(500);

fn not_enabled() -> AuthError {
    AuthError::new(StatusCode::BAD_REQUEST, "Verification email isn't enabled", "VERIFICATION_EMAIL_NOT_ENABLED")
}

/// The verification link for `claims`, leading to `callback` (default `/`) once followed.
fn link(state: &AppState, claims: &VerificationClaims, callback: Option<&str>) -> String {
    let token = claims.sign(state.config.secret.expose());
    let callback = uri_component(callback.unwrap_or("/"));
    format!("{}/api/auth/verify-email?token={token}&callbackURL={callback}", state.config.base_url)
}

/// Queues the "confirm your email" message for `user` (sign-up, resend).
pub async fn send_verification_mail(
    state: &AppState,
    user: &UserRow,
    callback: Option<&str>,
) -> Result<(), StoreError> {
    let link = link(state, &VerificationClaims::new(&user.email, &user.id), callback);
    state.store.enqueue_mail(&crate::mail::templates::verify_email(&user.email, &link)).await?;
    state.mail.outbox.poke();
    Ok(())
}

/// Sends the signed-in `user` a new link to verify their address, leading to `callback` once followed.
pub async fn resend_verification(state: &AppState, user: &UserRow, callback: Option<&str>) -> Result<(), AuthError> {
    if !state.mail.postman.is_on() {
        return Err(not_enabled());
    }
    if user.email_verified {
        return Err(AuthError::new(StatusCode::BAD_REQUEST, "Email is already verified", "EMAIL_ALREADY_VERIFIED"));
    }
    Ok(send_verification_mail(state, user, callback).await?)
}

/// `POST /send-verification-email {email, callbackURL?}`. Signed in: for the session's own, unverified
/// address. Anonymous: always `{"status":true}` after the same delay; sent only to an unverified account.
pub async fn send_verification(
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AuthError> {
    let started = tokio::time::Instant::now();
    let body = body::read_body(&headers, &bytes)?;
    let email = body::email_field(&body)?.to_lowercase();
    let callback = body::callback_url(&state, &body)?;
    if !state.mail.postman.is_on() {
        return Err(not_enabled());
    }
    if let SessionLookup::Live { user, .. } = session::lookup(&state, &headers, false).await? {
        if !user.email.eq_ignore_ascii_case(&email) {
            return Err(AuthError::new(StatusCode::BAD_REQUEST, "Email mismatch", "EMAIL_MISMATCH"));
        }
        resend_verification(&state, &user, callback.as_deref()).await?;
        return Ok(status_true());
    }
    if let Some(user) = state.store.user_by_email(&email).await?.filter(|user| !user.email_verified) {
        send_verification_mail(&state, &user, callback.as_deref()).await?;
    }
    tokio::time::sleep_until(started + ANONYMOUS_FLOOR).await;
    Ok(status_true())
}

#[derive(Deserialize)]
pub struct VerifyQuery {
    token: Option<String>,
    #[serde(rename = "callbackURL")]
    callback_url: Option<String>,
}

/// `GET /verify-email?token=…&callbackURL=…`: marks the address verified, or (a change-of-email
/// token) moves the account to the new address. With a `callbackURL` the answer is a redirect there,
/// with `error=<CODE>` when the token is refused.
pub async fn verify(
    State(state): State<AppState>,
    Query(query): Query<VerifyQuery>,
    headers: HeaderMap,
) -> Result<Response, AuthError> {
    let Some(token) = query.token else {
        return Err(AuthError::validation("[query.token] Invalid input: expected string, received undefined"));
    };
    let callback = match query.callback_url {
        Some(url) => Some(state.auth.trusted.callback(&url).ok_or_else(AuthError::invalid_callback_url)?),
        None => None,
    };
    let refuse = |error: AuthError| match &callback {
        Some(url) => Ok(found(&with_query(url, "error", error.code.unwrap_or("INVALID_TOKEN")))),
        None => Err(error),
    };
    let claims = match VerificationClaims::verify(&token, state.config.secret.expose()) {
        Ok(claims) => claims,
        Err(VerificationTokenError::Expired) => {
            return refuse(AuthError::new(StatusCode::UNAUTHORIZED, "Token expired", "TOKEN_EXPIRED"));
        }
        Err(VerificationTokenError::Invalid) => {
            return refuse(AuthError::new(StatusCode::UNAUTHORIZED, "Invalid token", "INVALID_TOKEN"));
        }
    };
    let user_not_found = || AuthError::new(StatusCode::UNAUTHORIZED, "User not found", "USER_NOT_FOUND");
    let invalid_token = || AuthError::new(StatusCode::UNAUTHORIZED, "Invalid token", "INVALID_TOKEN");
    let now = crate::clock::now();
    if let Some(new_email) =
        claims.update_to.as_deref().filter(|_| claims.request_type.as_deref() == Some(CHANGE_EMAIL_VERIFICATION))
    {
        // Better Auth's checks, in its order: the token names its account, which still has the address
        // the token was made for (so a link is spent once the address changed, by it or a later change),
        // and a signed-in caller is that account.
        if claims.user_id.is_empty() {
            return refuse(invalid_token());
        }
        let Some(user) = state.store.user_by_id(&claims.user_id).await? else { return refuse(user_not_found()) };
        if user.email.to_lowercase() != claims.email {
            return refuse(invalid_token());
        }
        let session = session::lookup(&state, &headers, false).await?;
        if let SessionLookup::Live { user: signed_in, .. } = &session
            && signed_in.id != user.id
        {
            return refuse(AuthError::new(StatusCode::UNAUTHORIZED, "Invalid user", "INVALID_USER"));
        }
        match state.store.set_email(&user.id, new_email, user.email_verified, now).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                return refuse(AuthError::new(
                    StatusCode::BAD_REQUEST,
                    "User already exists. Use another email.",
                    "USER_ALREADY_EXISTS",
                ));
            }
            Err(other) => return Err(other.into()),
        }
        let updated = state.store.user_by_id(&user.id).await?.ok_or_else(user_not_found)?;
        let mut response = match &callback {
            Some(url) => found(url),
            None => Json(json!({"status": true, "user": updated})).into_response(),
        };
        if let SessionLookup::Live { session, .. } = session {
            let cookie = state.auth.cookies.session(&session.token, state.config.secret.expose(), true);
            response = with_cookies(response, [cookie]);
        }
        return Ok(response);
    }
    let Some(user) = state.store.user_by_email(&claims.email).await? else { return refuse(user_not_found()) };
    // A token made for another account that had this address before is not this account's.
    if !claims.user_id.is_empty() && claims.user_id != user.id {
        return refuse(invalid_token());
    }
    if !user.email_verified {
        state.store.set_email_verified(&user.id, now).await?;
    }
    Ok(match callback {
        Some(url) => found(&url),
        None => Json(json!({"status": true, "user": null})).into_response(),
    })
}

/// What a change of email did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailChange {
    /// The account moved to the new (unverified) address at once.
    Changed,
    /// A confirmation link went to the new address (or, when another account has it, nothing
    /// happened: the same answer, so that it does not tell).
    LinkSent,
}

/// Moves the signed-in user to `new_email` (checked and lowercased here): at once for an unverified
/// user when `CHANGE_EMAIL_WITHOUT_VERIFICATION` allows it, otherwise through a link to the new
/// address leading to `callback`.
pub async fn change_email(
    state: &AppState,
    signed_in: &SignedIn,
    new_email: &str,
    callback: Option<&str>,
) -> Result<EmailChange, AuthError> {
    user_fields::email_in("newEmail", new_email)?;
    let new_email = new_email.to_lowercase();
    let user = &signed_in.user;
    if new_email == user.email {
        return Err(AuthError { status: StatusCode::BAD_REQUEST, message: "Email is the same".into(), code: None });
    }
    // Taken by another account: the same answer as success, and nothing happens.
    if state.store.user_by_email(&new_email).await?.is_some() {
        return Ok(EmailChange::LinkSent);
    }
    if state.config.accounts.change_email_without_verification && !user.email_verified {
        match state.store.set_email(&user.id, &new_email, false, crate::clock::now()).await {
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(other) => return Err(other.into()),
        }
        if state.mail.postman.is_on() {
            let moved = UserRow { email: new_email, ..user.clone() };
            send_verification_mail(state, &moved, callback).await?;
        }
        return Ok(EmailChange::Changed);
    }
    if !state.mail.postman.is_on() {
        return Err(AuthError {
            status: StatusCode::BAD_REQUEST,
            message: "Verification email isn't enabled".into(),
            code: None,
        });
    }
    let mut claims = VerificationClaims::new(&user.email, &user.id);
    claims.update_to = Some(new_email.clone());
    claims.request_type = Some(CHANGE_EMAIL_VERIFICATION.to_owned());
    let link = link(state, &claims, callback);
    state.store.enqueue_mail(&crate::mail::templates::change_email(&new_email, &link)).await?;
    state.mail.outbox.poke();
    Ok(EmailChange::LinkSent)
}

/// `POST /change-email {newEmail, callbackURL?}`.
pub async fn change(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AuthError> {
    let body = body::read_body(&headers, &bytes)?;
    let new_email = body::required_string(&body, "newEmail")?;
    let callback = body::callback_url(&state, &body)?;
    match change_email(&state, &signed_in, &new_email, callback.as_deref()).await? {
        EmailChange::LinkSent => Ok(status_true()),
        EmailChange::Changed => {
            let cookie = state.auth.cookies.session(&signed_in.session.token, state.config.secret.expose(), true);
            Ok(with_cookies(status_true(), [cookie]))
        }
    }
}
