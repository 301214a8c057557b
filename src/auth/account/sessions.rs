//! The signed-in devices: list them, sign one out, sign out all, sign out all but this one.
use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

use super::{SignedIn, status_true};
use crate::AppState;
use crate::auth::AuthError;
use crate::auth::routes::{body, with_cookies};

/// `GET /list-sessions`: the user's unexpired sessions, oldest first (fresh session only).
pub async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, AuthError> {
    if !signed_in.is_fresh() {
        return Err(AuthError::new(StatusCode::FORBIDDEN, "Session is not fresh", "SESSION_NOT_FRESH"));
    }
    let sessions = state.store.sessions_of_user(&signed_in.user.id, crate::clock::now()).await?;
    Ok(Json(sessions).into_response())
}

/// `POST /revoke-session {token}`: ends one of the user's sessions. Always `{"status":true}`, also
/// for a token that is unknown or another user's (which is left alone); ending the current session
/// also clears this browser's cookies.
pub async fn revoke_one(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AuthError> {
    let body = body::read_body(&headers, &bytes)?;
    let token = body::required_string(&body, "token")?;
    state.store.delete_session_of_user(&signed_in.user.id, &token).await?;
    if crate::auth::constant_time_eq(token.as_bytes(), signed_in.session.token.as_bytes()) {
        return Ok(with_cookies(status_true(), state.auth.cookies.clear()));
    }
    Ok(status_true())
}

/// `POST /revoke-sessions`: ends every session of the user, this one included.
pub async fn revoke_all(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, AuthError> {
    state.store.delete_sessions_of_user(&signed_in.user.id, None).await?;
    Ok(with_cookies(status_true(), state.auth.cookies.clear()))
}

/// `POST /revoke-other-sessions`: ends every session of the user but this one.
pub async fn revoke_others(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, AuthError> {
    state.store.delete_sessions_of_user(&signed_in.user.id, Some(&signed_in.session.token)).await?;
    Ok(status_true())
}
