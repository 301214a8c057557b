//! The signed-out account forms without JavaScript: asking for a password-reset link and choosing the
//! new password. Plain form posts answered with a 303 back to their page (`?done=sent`, or
//! `?error=CODE`), after the same checks as the account forms (`account_forms::admit`).
use axum::{Form, Router, extract::State, http::HeaderMap, response::Response, routing::post};
use serde::Deserialize;

use super::account_forms::{admit, validation_as};
use super::forms::{code_of, encode, see_other};
use crate::AppState;
use crate::auth::account;
use crate::auth::client::ClientAddr;

const FORGOT_PAGE: &str = "/forgot-password";
const RESET_PAGE: &str = account::password::RESET_PAGE;

/// The recovery form routes (merged at the root).
pub fn router() -> Router<AppState> {
    Router::new().route("/forgot-password", post(forgot_password)).route("/reset-password", post(reset_password))
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// `POST /forgot-password {email}` (as `/request-password-reset`): the same answer whether or not the
/// address has an account. The link in the message leads to the `/reset-password` page.
async fn forgot_password(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<ForgotForm>,
) -> Response {
    let email = form.email.trim();
    let result = async {
        admit(&state, client, &headers, "/request-password-reset").await?;
        crate::auth::session::user_fields::email(email)?;
        account::password::send_reset_link(&state, email, None).await
    }
    .await;
    match result.map_err(validation_as("INVALID_EMAIL")) {
        Ok(()) => see_other(&format!("{FORGOT_PAGE}?done=sent"), []),
        Err(error) => see_other(&format!("{FORGOT_PAGE}?error={}&email={}", code_of(&error), encode(email)), []),
    }
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(rename = "newPassword", default)]
    new_password: String,
}

/// `POST /reset-password {token, newPassword}` (as `/api/auth/reset-password`): on to the sign-in
/// page. A used or expired token goes back to the page without it, which then says so.
async fn reset_password(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<ResetForm>,
) -> Response {
    let result = async {
        admit(&state, client, &headers, "/reset-password").await?;
        account::password::reset_password(&state, &form.token, form.new_password).await
    }
    .await;
    match result {
        Ok(()) => see_other("/sign-in?reset=1", []),
        Err(error) if error.code == Some("INVALID_TOKEN") => {
            see_other(&format!("{RESET_PAGE}?error=INVALID_TOKEN"), [])
        }
        Err(error) => see_other(&format!("{RESET_PAGE}?token={}&error={}", encode(&form.token), code_of(&error)), []),
    }
}
