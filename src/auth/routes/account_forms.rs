//! The account page's forms without JavaScript: plain HTML form posts answered with a 303 back to the
//! page, `?done=WHAT` or `?error=CODE` (with `&form=SECTION#SECTION`, so the page shows the error in
//! place). Each acts through the same function as its JSON endpoint (`auth::account`), after the same
//! checks: that endpoint's rate-limit bucket, Better Auth's origin rule for cookie-bearing posts, and
//! for the signed-in forms the session, read from the database. Sessions are named by their id here,
//! never by their token, and only the signed-in user's own are found. The signed-out forms (forgot
//! and reset password) are in `recovery_forms`.
use axum::{
    Form, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::post,
};
use serde::Deserialize;

use super::forms::{code_of, encode, rate_limited, see_other};
use super::{origin, session_cookies};
use crate::AppState;
use crate::auth::account::{self, Absent, SignedIn, email::EmailChange};
use crate::auth::provider::Provider;
use crate::auth::session::ClientMeta;
use crate::auth::{AuthError, client::ClientAddr};
use crate::db::ProfileChange;

/// The account page, where the signed-in forms lead back to.
pub const ACCOUNT_PAGE: &str = "/account";

/// The account form routes (merged at the root).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/name", post(name))
        .route("/account/email", post(email))
        .route("/account/verify-email", post(verify_email))
        .route("/account/password", post(password))
        .route("/account/sessions/revoke", post(revoke))
        .route("/account/sessions/revoke-others", post(revoke_others))
        .route("/account/delete", post(delete))
        .merge(super::recovery_forms::router())
}

/// A validation error (a field out of bounds) told as the form's own `code`; others unchanged.
pub(super) fn validation_as(code: &'static str) -> impl FnOnce(AuthError) -> AuthError {
    move |error| match error.code {
        Some("VALIDATION_ERROR") => AuthError { code: Some(code), ..error },
        _ => error,
    }
}

/// Back to the account page: `?done=what`, or the error shown in the form `section`.
fn account_answer(result: Result<&str, AuthError>, section: &str) -> Response {
    match result {
        Ok(what) => see_other(&format!("{ACCOUNT_PAGE}?done={what}"), []),
        Err(error) => see_other(&format!("{ACCOUNT_PAGE}?error={}&form={section}#{section}", code_of(&error)), []),
    }
}

/// The checks every account form passes first, in the order of the `/api/auth` guard: the rate
/// limit of the JSON endpoint it stands for (`endpoint`, e.g. `/change-password`: one bucket for
/// both), then the origin rule; and accounts must live here (not in an external Better Auth).
pub(super) async fn admit(
    state: &AppState,
    client: ClientAddr,
    headers: &HeaderMap,
    endpoint: &str,
) -> Result<(), AuthError> {
    state.auth.admit(client, endpoint).await.map_err(|_| rate_limited())?;
    origin::check_cookie_request(headers, &state.auth.trusted)?;
    match state.auth.provider {
        Provider::Embedded => Ok(()),
        Provider::External(_) => Err(AuthError::new(
            StatusCode::NOT_IMPLEMENTED,
            "Accounts are managed by the external Better Auth server",
            "EXTERNAL_ACCOUNTS",
        )),
    }
}

/// [`admit`], then the signed-in user. `Err` is the answer, returned as is by the handlers (`?`):
/// back to the form with the error, or to the sign-in page (clearing a dead session's cookies) when
/// nobody is signed in.
async fn gate(
    state: &AppState,
    client: ClientAddr,
    headers: &HeaderMap,
    endpoint: &str,
    section: &str,
) -> Result<SignedIn, Response> {
    admit(state, client, headers, endpoint).await.map_err(|error| account_answer(Err(error), section))?;
    match SignedIn::of(state, headers).await {
        Ok(Ok(signed_in)) => Ok(signed_in),
        Ok(Err(Absent { dead })) => {
            let cleared = if dead { state.auth.cookies.clear().into() } else { Vec::new() };
            Err(see_other(&format!("/sign-in?next={}", encode(ACCOUNT_PAGE)), cleared))
        }
        Err(error) => Err(account_answer(Err(error), section)),
    }
}

#[derive(Deserialize)]
struct NameForm {
    #[serde(default)]
    name: String,
}

/// `POST /account/name {name}` (as `/update-user`).
async fn name(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<NameForm>,
) -> Result<Response, Response> {
    let signed_in = gate(&state, client, &headers, "/update-user", "profile").await?;
    let name = form.name.trim();
    let result = if name.is_empty() {
        Err(AuthError::new(StatusCode::BAD_REQUEST, "Name is required", "NAME_REQUIRED"))
    } else {
        let change = ProfileChange { name: Some(name.to_owned()), image: None };
        account::profile::update(&state, &signed_in, change).await.map_err(validation_as("NAME_TOO_LONG"))
    };
    Ok(account_answer(result.map(|()| "name"), "profile"))
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(rename = "newEmail", default)]
    new_email: String,
}

/// `POST /account/email {newEmail}` (as `/change-email`); the link in the message leads back to the
/// account page.
async fn email(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> Result<Response, Response> {
    let signed_in = gate(&state, client, &headers, "/change-email", "email").await?;
    let callback = format!("{ACCOUNT_PAGE}?done=email-changed");
    let result = account::email::change_email(&state, &signed_in, form.new_email.trim(), Some(&callback))
        .await
        .map_err(validation_as("INVALID_EMAIL"));
    let done = result.map(|change| match change {
        EmailChange::Changed => "email-changed",
        EmailChange::LinkSent => "email-sent",
    });
    Ok(account_answer(done, "email"))
}

/// `POST /account/verify-email` (as `/send-verification-email`, for the user's own address); the
/// link leads back to the account page.
async fn verify_email(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let signed_in = gate(&state, client, &headers, "/send-verification-email", "profile").await?;
    let callback = format!("{ACCOUNT_PAGE}?done=verified");
    let result = account::email::resend_verification(&state, &signed_in.user, Some(&callback)).await;
    Ok(account_answer(result.map(|()| "verification-sent"), "profile"))
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(rename = "currentPassword", default)]
    current: String,
    #[serde(rename = "newPassword", default)]
    new: String,
    /// A checkbox: present (any value) when checked.
    #[serde(rename = "revokeOtherSessions", default)]
    revoke_others: Option<String>,
}

/// `POST /account/password {currentPassword, newPassword, revokeOtherSessions?}` (as
/// `/change-password`). Signing out the other devices gives this browser a new session.
async fn password(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Response> {
    let signed_in = gate(&state, client, &headers, "/change-password", "password").await?;
    let meta = ClientMeta::new(client, &headers);
    let revoke = form.revoke_others.is_some();
    Ok(match account::password::change_password(&state, &signed_in, form.current, form.new, revoke, &meta).await {
        Ok(None) => account_answer(Ok("password"), "password"),
        Ok(Some(fresh)) => {
            see_other(&format!("{ACCOUNT_PAGE}?done=password-everywhere"), session_cookies(&state, &fresh.token, true))
        }
        Err(error) => account_answer(Err(error), "password"),
    })
}

#[derive(Deserialize)]
struct RevokeForm {
    /// The session's id (as the account page lists it).
    #[serde(default)]
    id: String,
}

/// `POST /account/sessions/revoke {id}` (as `/revoke-session`): signs out one of the user's devices.
/// Signing out this very device goes on to the sign-in page.
async fn revoke(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<RevokeForm>,
) -> Result<Response, Response> {
    let signed_in = gate(&state, client, &headers, "/revoke-session", "devices").await?;
    Ok(match account::sessions::sign_out_device(&state, &signed_in, &form.id).await {
        Ok(Some(true)) => see_other("/sign-in", state.auth.cookies.clear()),
        Ok(Some(false)) => account_answer(Ok("signed-out-device"), "devices"),
        Ok(None) => account_answer(
            Err(AuthError::new(StatusCode::NOT_FOUND, "Session not found", "SESSION_NOT_FOUND")),
            "devices",
        ),
        Err(error) => account_answer(Err(error), "devices"),
    })
}

/// `POST /account/sessions/revoke-others` (as `/revoke-other-sessions`).
async fn revoke_others(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let signed_in = gate(&state, client, &headers, "/revoke-other-sessions", "devices").await?;
    let result = account::sessions::sign_out_others(&state, &signed_in).await;
    Ok(account_answer(result.map(|()| "signed-out-others"), "devices"))
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(default)]
    password: String,
}

/// `POST /account/delete {password}` (as `/delete-user`, but the password is always required here):
/// deletes the account and its tasks, then to the sign-in page with the cookies cleared.
async fn delete(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<DeleteForm>,
) -> Result<Response, Response> {
    let signed_in = gate(&state, client, &headers, "/delete-user", "delete").await?;
    Ok(match account::delete::delete_account(&state, &signed_in, Some(form.password)).await {
        Ok(()) => see_other("/sign-in?deleted=1", state.auth.cookies.clear()),
        Err(error) => account_answer(Err(error), "delete"),
    })
}
