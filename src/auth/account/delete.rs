//! `POST /delete-user {password?}`: deletes the account with all its sessions **and all its tasks**,
//! in one transaction. Confirmed by the password, or without it when the session is fresh. The
//! account's JWTs are refused at once by this instance and within `DELETIONS_POLL` by the others.
use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::SignedIn;
use crate::AppState;
use crate::auth::AuthError;
use crate::auth::routes::{body, with_cookies};

/// Deletes the signed-in user's account with its sessions and tasks, confirmed by `password`, or
/// without one when the session is fresh.
pub async fn delete_account(state: &AppState, signed_in: &SignedIn, password: Option<String>) -> Result<(), AuthError> {
    let user = &signed_in.user;
    match password {
        Some(password) => {
            let stored = state.store.credential_password(&user.id).await?;
            if password.chars().count() > crate::model::PASSWORD_MAX
                || !state.auth.hashes.verify(password, stored).await?
            {
                return Err(AuthError::invalid_password());
            }
        }
        None if !signed_in.is_fresh() => {
            return Err(AuthError::new(
                StatusCode::BAD_REQUEST,
                "Session expired. Re-authenticate to perform this action.",
                "SESSION_EXPIRED",
            ));
        }
        None => {}
    }
    state.store.delete_user(&user.id).await?;
    state.verifier.forget_account(&user.id);
    tracing::info!("an account was deleted with its tasks");
    Ok(())
}

/// `POST /delete-user {password?, callbackURL?}`.
pub async fn delete_user(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AuthError> {
    let body = body::read_body(&headers, &bytes)
        .or_else(|error| if bytes.is_empty() { Ok(Default::default()) } else { Err(error) })?;
    body::callback_url(&state, &body)?;
    delete_account(&state, &signed_in, body::optional_string(&body, "password")?).await?;
    let response = Json(json!({"success": true, "message": "User deleted"})).into_response();
    Ok(with_cookies(response, state.auth.cookies.clear()))
}
