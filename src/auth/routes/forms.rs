//! The sign-in, sign-up and sign-out forms of the UI: plain HTML form posts answered with 303
//! redirects, through the same [`Provider`](crate::auth::provider::Provider) as everything else, with
//! Better Auth's origin rules against CSRF and the sign-in rate limit.
use axum::{
    Form, Router,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use serde::Deserialize;

use super::{origin, with_cookies};
use crate::AppState;
use crate::auth::{AuthError, client::ClientAddr};

/// The form routes (merged at the root).
pub fn router() -> Router<AppState> {
    Router::new().route("/sign-in", post(sign_in)).route("/sign-up", post(sign_up)).route("/sign-out", post(sign_out))
}

/// A 303 to `location` that sets `cookies`.
pub fn see_other(location: &str, cookies: impl IntoIterator<Item = String>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    with_cookies(response, cookies)
}

/// `text` as a query-string value.
pub(super) fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The code a form post comes back with: Better Auth's, `RATE_LIMITED`, or for Better Auth's few
/// answers without a code, one of Ticklist's own.
pub(super) fn code_of(error: &AuthError) -> &'static str {
    if error.status == StatusCode::TOO_MANY_REQUESTS {
        return "RATE_LIMITED";
    }
    match (error.code, error.message.as_str()) {
        (Some(code), _) => code,
        (None, "Email is the same") => "EMAIL_IS_THE_SAME",
        (None, "No fields to update") => "NO_FIELDS_TO_UPDATE",
        (None, "Verification email isn't enabled") => "VERIFICATION_EMAIL_NOT_ENABLED",
        (None, _) => "ERROR",
    }
}

/// The refusal of a form post over its rate limit (told to the form as `RATE_LIMITED`).
pub(super) fn rate_limited() -> AuthError {
    AuthError { status: StatusCode::TOO_MANY_REQUESTS, message: String::new(), code: None }
}

/// Back to the form with an error code, the field it is about (`field=email` for a validation error
/// on `[body.email]`) and what was typed, except the password.
fn back(page: &str, error: &AuthError, email: &str, next: &str) -> Response {
    let code = code_of(error);
    let field = field_of(&error.message).map(|field| format!("&field={field}")).unwrap_or_default();
    see_other(&format!("{page}?error={code}{field}&email={}&next={}", encode(email), encode(next)), [])
}

/// The form field a validation message is about: `[body.email] …` → `email`.
fn field_of(message: &str) -> Option<&'static str> {
    let field = message.strip_prefix("[body.")?.split(']').next()?;
    ["name", "email", "password"].into_iter().find(|known| *known == field)
}

/// The checks every sign-in and sign-up post passes first: the origin rules, then the `/sign-in`
/// rate limit shared with the JSON endpoint (a form post counts as a sign-in attempt).
async fn admit(state: &AppState, client: ClientAddr, headers: &HeaderMap) -> Result<(), AuthError> {
    origin::check_login_request(headers, &state.auth.trusted)?;
    state.auth.admit(client, "/sign-in").await.map_err(|_| rate_limited())
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    #[serde(rename = "rememberMe", default)]
    remember_me: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let next = crate::redirect::next_or_home(form.next.as_deref());
    let remember = form.remember_me.is_some();
    let result = match admit(&state, client, &headers).await {
        Ok(()) => state.auth.provider.sign_in(&state, client, &headers, &form.email, form.password, remember).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(cookies) => see_other(&next, cookies),
        Err(error) => back("/sign-in", &error, &form.email, &next),
    }
}

#[derive(Deserialize)]
struct SignUpForm {
    name: String,
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn sign_up(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignUpForm>,
) -> Response {
    let next = crate::redirect::next_or_home(form.next.as_deref());
    let name = form.name.trim();
    let result = match admit(&state, client, &headers).await {
        Ok(()) if name.is_empty() => Err(AuthError::validation("[body.name] Invalid input")),
        Ok(()) => state.auth.provider.sign_up(&state, client, &headers, name, &form.email, form.password).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(cookies) => see_other(&next, cookies),
        Err(error) => back("/sign-up", &error, &form.email, &next),
    }
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(error) = origin::check_cookie_request(&headers, &state.auth.trusted) {
        return error.into_response();
    }
    match state.auth.provider.sign_out(&state, &headers).await {
        Ok(cleared) => see_other("/sign-in", cleared),
        Err(error) => error.into_response(),
    }
}
