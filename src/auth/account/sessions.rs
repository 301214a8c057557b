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
use crate::db::SessionRow;

/// The user's unexpired sessions, oldest first (whatever the session's age: the account page shows
/// them to their owner; the JSON endpoint adds Better Auth's fresh-session rule).
pub async fn devices(state: &AppState, signed_in: &SignedIn) -> Result<Vec<SessionRow>, AuthError> {
    Ok(state.store.sessions_of_user(&signed_in.user.id, crate::clock::now()).await?)
}

/// Ends the user's session named by `token` (another user's is left alone). `true` when it was the
/// current one, whose browser must then drop its cookies.
pub async fn sign_out_session(state: &AppState, signed_in: &SignedIn, token: &str) -> Result<bool, AuthError> {
    state.store.delete_session_of_user(&signed_in.user.id, token).await?;
    Ok(crate::auth::constant_time_eq(token.as_bytes(), signed_in.session.token.as_bytes()))
}

/// Ends the user's session with the id `session_id` (what the account page shows: ids, never tokens),
/// looked up among the user's own sessions only. `Ok(None)`: no such session of this user;
/// `Ok(Some(current))` as [`sign_out_session`].
pub async fn sign_out_device(
    state: &AppState,
    signed_in: &SignedIn,
    session_id: &str,
) -> Result<Option<bool>, AuthError> {
    let sessions = devices(state, signed_in).await?;
    let Some(session) = sessions.iter().find(|session| session.id == session_id) else { return Ok(None) };
    sign_out_session(state, signed_in, &session.token).await.map(Some)
}

/// Ends every session of the user but the current one.
pub async fn sign_out_others(state: &AppState, signed_in: &SignedIn) -> Result<(), AuthError> {
    state.store.delete_sessions_of_user(&signed_in.user.id, Some(&signed_in.session.token)).await?;
    Ok(())
}

/// `GET /list-sessions`: the user's unexpired sessions, oldest first (fresh session only).
pub async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, AuthError> {
    if !signed_in.is_fresh() {
        return Err(AuthError::new(StatusCode::FORBIDDEN, "Session is not fresh", "SESSION_NOT_FRESH"));
    }
    Ok(Json(devices(&state, &signed_in).await?).into_response())
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
    if sign_out_session(&state, &signed_in, &token).await? {
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
    sign_out_others(&state, &signed_in).await?;
    Ok(status_true())
}
