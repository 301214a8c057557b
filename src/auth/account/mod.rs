//! Account management under `/api/auth`, as Better Auth 1.7.25 answers it: the signed-in devices
//! (`sessions`), name and image (`profile`), password change and reset (`password`), email
//! verification and change (`email`), and deleting the account (`delete`). Every endpoint that acts
//! on an account reads its session from the database ([`SignedIn`]), never from a cache.
//!
//! Each module holds one function per action, taking the signed-in user and typed inputs; the JSON
//! handlers here and the no-JavaScript forms (`routes::account_forms`) are thin wrappers around them.
use axum::{
    Json, Router,
    extract::FromRequestParts,
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::json;

pub mod delete;
pub mod email;
pub mod password;
pub mod profile;
pub mod sessions;
pub mod verification_token;

pub use email::send_verification_mail;

use super::AuthError;
use super::routes::with_cookies;
use super::session::{self, SessionLookup};
use crate::AppState;
use crate::db::{SessionRow, UserRow};

/// The account routes, merged into the `/api/auth` router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/list-sessions", get(sessions::list))
        .route("/revoke-session", post(sessions::revoke_one))
        .route("/revoke-sessions", post(sessions::revoke_all))
        .route("/revoke-other-sessions", post(sessions::revoke_others))
        .route("/update-user", post(profile::update_user))
        .route("/change-password", post(password::change))
        .route("/request-password-reset", post(password::request_reset))
        .route("/reset-password", post(password::reset))
        .route("/reset-password/{token}", get(password::reset_link))
        .route("/send-verification-email", post(email::send_verification))
        .route("/verify-email", get(email::verify))
        .route("/change-email", post(email::change))
        .route("/delete-user", post(delete::delete_user))
}

/// How long after sign-in a session counts as fresh (Better Auth's `freshAge`): listing sessions and
/// deleting an account without a password need a fresh one.
pub const FRESH_AGE: chrono::Duration = chrono::Duration::days(1);

/// The request's live session and its user, read from the database. No session: 401, and when the
/// cookie is signed but its session is gone, the cookies are cleared as well.
pub struct SignedIn {
    pub session: SessionRow,
    pub user: UserRow,
}

impl SignedIn {
    /// The live session of a request's cookie and its user, or why there is none ([`Absent`]).
    pub async fn of(state: &AppState, headers: &axum::http::HeaderMap) -> Result<Result<Self, Absent>, AuthError> {
        Ok(match session::lookup(state, headers, false).await? {
            SessionLookup::Live { session, user, .. } => Ok(SignedIn { session: *session, user: *user }),
            SessionLookup::Absent => Err(Absent { dead: false }),
            SessionLookup::Dead => Err(Absent { dead: true }),
        })
    }

    /// Whether the session was opened less than [`FRESH_AGE`] ago.
    pub fn is_fresh(&self) -> bool {
        crate::clock::now() - self.session.created_at < FRESH_AGE
    }
}

/// Why a request has no [`SignedIn`]: no session cookie, or (`dead`) a signed one whose session is
/// gone or expired, which the browser should drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Absent {
    pub dead: bool,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match SignedIn::of(state, &parts.headers).await {
            Ok(Ok(signed_in)) => Ok(signed_in),
            Ok(Err(Absent { dead: false })) => Err(AuthError::unauthorized().into_response()),
            Ok(Err(Absent { dead: true })) => {
                Err(with_cookies(AuthError::unauthorized().into_response(), state.auth.cookies.clear()))
            }
            Err(error) => Err(error.into_response()),
        }
    }
}

/// `{"status": true}`, the answer of most account endpoints.
fn status_true() -> Response {
    Json(json!({"status": true})).into_response()
}

/// Better Auth's redirect: `302 Found`, a `Location`, an empty body still labelled JSON.
fn found(location: &str) -> Response {
    match axum::http::HeaderValue::from_str(location) {
        Ok(location) => (
            StatusCode::FOUND,
            [(axum::http::header::LOCATION, location)],
            [(axum::http::header::CONTENT_TYPE, "application/json")],
        )
            .into_response(),
        Err(_) => AuthError::validation("Invalid callbackURL").into_response(),
    }
}

/// `url` with `name=value` added to its query.
fn with_query(url: &str, name: &str, value: &str) -> String {
    let (base, fragment) = url.split_once('#').map_or((url, None), |(base, fragment)| (base, Some(fragment)));
    let separator = if base.contains('?') { '&' } else { '?' };
    let value: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
    match fragment {
        Some(fragment) => format!("{base}{separator}{name}={value}#{fragment}"),
        None => format!("{base}{separator}{name}={value}"),
    }
}

/// `encodeURIComponent`.
fn uri_component(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, super::session::cookie::URI_COMPONENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_appended_before_the_fragment() {
        assert_eq!(with_query("/verified", "error", "INVALID_TOKEN"), "/verified?error=INVALID_TOKEN");
        assert_eq!(with_query("/verified?tab=1", "error", "TOKEN_EXPIRED"), "/verified?tab=1&error=TOKEN_EXPIRED");
        assert_eq!(with_query("/a#top", "token", "x y"), "/a?token=x+y#top");
        assert_eq!(uri_component("/reset-password"), "%2Freset-password");
    }
}
