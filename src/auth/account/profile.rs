//! `POST /update-user`: the user's name and image. Better Auth takes any value here; Ticklist holds
//! them to the same bounds as sign-up (they travel in every JWT).
use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde_json::Value;

use super::{SignedIn, status_true};
use crate::AppState;
use crate::auth::AuthError;
use crate::auth::routes::{body, with_cookies};
use crate::auth::session::{self, user_fields};
use crate::db::ProfileChange;

/// Changes the user's name and/or image, each within [`user_fields`]' bounds; nothing to change is an
/// error, as in Better Auth.
pub async fn update(state: &AppState, signed_in: &SignedIn, change: ProfileChange) -> Result<(), AuthError> {
    if let Some(name) = &change.name {
        user_fields::name(name)?;
    }
    if let Some(image) = &change.image {
        user_fields::image(image.as_deref())?;
    }
    if change == ProfileChange::default() {
        return Err(AuthError { status: StatusCode::BAD_REQUEST, message: "No fields to update".into(), code: None });
    }
    state.store.update_profile(&signed_in.user.id, &change, crate::clock::now()).await?;
    Ok(())
}

/// `POST /update-user {name?, image?}`.
pub async fn update_user(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AuthError> {
    let body = body::read_body(&headers, &bytes)?;
    let truthy = |value: &Value| !matches!(value, Value::Null | Value::Bool(false)) && value != "" && value != 0;
    if body.get("email").is_some_and(truthy) {
        return Err(AuthError::new(StatusCode::BAD_REQUEST, "Email can not be updated", "EMAIL_CAN_NOT_BE_UPDATED"));
    }
    let name = body::optional_string(&body, "name")?;
    let image = match body.get("image") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(_) => Some(body::optional_string(&body, "image")?),
    };
    update(&state, &signed_in, ProfileChange { name, image }).await?;
    // Better Auth sends the session cookie again (the same value) with every profile change.
    let remember = !session::not_remembered(&headers, &state.auth, state.config.secret.expose());
    let cookie = state.auth.cookies.session(&signed_in.session.token, state.config.secret.expose(), remember);
    Ok(with_cookies(status_true(), [cookie]))
}
