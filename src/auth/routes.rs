//! The embedded Better Auth endpoints under `/api/auth`, speaking the wire protocol of
//! better-auth 1.7.25 with the `jwt()` plugin (see BETTER_AUTH.md): bodies, status codes, error
//! codes, cookies and headers as the real one sends them.
use std::net::SocketAddr;

use axum::{
    Json, Router,
    body::Bytes,
    extract::{ConnectInfo, Query, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::error::AuthError;
use super::origin;
use super::session::{self, ClientMeta, SessionLookup};
use crate::AppState;

/// The `/api/auth` router (to be nested there).
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/sign-up/email", post(sign_up))
        .route("/sign-in/email", post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/get-session", get(get_session).post(get_session_post))
        .route("/token", get(token))
        .route("/jwks", get(jwks))
        .route("/ok", get(|| async { Json(json!({"ok": true})) }))
        // Better Auth answers unknown paths and wrong methods with an empty 404.
        .fallback(|| async { StatusCode::NOT_FOUND })
        .method_not_allowed_fallback(|| async { StatusCode::NOT_FOUND })
        .layer(axum::middleware::from_fn_with_state(state, guard))
}

/// axum adds `Allow` to wrong-method answers; Better Auth's plain 404 has no such header. (Applied
/// around the whole router: axum sets the header outside of route layers.)
pub fn drop_allow_on_404(mut response: Response) -> Response {
    if response.status() == StatusCode::NOT_FOUND {
        response.headers_mut().remove(header::ALLOW);
    }
    response
}

/// Rate limits (when on) and the origin/CSRF rules, before any endpoint runs.
async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let client = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    if let Err(wait) = state.auth.admit(client, &path) {
        let mut response =
            (StatusCode::TOO_MANY_REQUESTS, Json(json!({"message": "Too many requests. Please try again later."})))
                .into_response();
        let wait = HeaderValue::from(wait);
        response.headers_mut().insert("x-retry-after", wait.clone());
        response.headers_mut().insert(header::RETRY_AFTER, wait);
        return response;
    }
    if request.method() == Method::POST {
        let headers = request.headers();
        let checked = if path == "/sign-in/email" || path == "/sign-up/email" {
            origin::check_login_request(headers, &state.auth.trusted)
        } else {
            origin::check_cookie_request(headers, &state.auth.trusted)
        };
        if let Err(error) = checked {
            return error.into_response();
        }
    }
    next.run(request).await
}

/// The body of sign-in and sign-up: JSON or a form, as an object.
fn read_body(headers: &HeaderMap, bytes: &[u8]) -> Result<Map<String, Value>, AuthError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let undefined = || AuthError::validation("[body] Invalid input: expected object, received undefined");
    if bytes.iter().all(u8::is_ascii_whitespace) && (essence.is_empty() || essence == "application/json") {
        return Err(undefined());
    }
    match essence.as_str() {
        "application/json" => match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(other) => Err(AuthError::validation(format!(
                "[body] Invalid input: expected object, received {}",
                kind(Some(&other))
            ))),
            Err(_) => Err(AuthError::new(StatusCode::BAD_REQUEST, "Invalid JSON in request body", "BAD_REQUEST")),
        },
        "application/x-www-form-urlencoded" => {
            Ok(form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), Value::String(v.into_owned()))).collect())
        }
        "" => Err(undefined()),
        other => Err(AuthError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "Content-Type \"{other}\" is not allowed. Allowed types: application/x-www-form-urlencoded, application/json"
            ),
            "UNSUPPORTED_MEDIA_TYPE",
        )),
    }
}

/// Zod's name for a JSON value's type.
fn kind(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

fn required_string(body: &Map<String, Value>, field: &str) -> Result<String, AuthError> {
    match body.get(field) {
        Some(Value::String(text)) => Ok(text.clone()),
        other => Err(AuthError::validation(format!(
            "[body.{field}] Invalid input: expected string, received {}",
            kind(other)
        ))),
    }
}

fn optional_string(body: &Map<String, Value>, field: &str) -> Result<Option<String>, AuthError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        other => Err(AuthError::validation(format!(
            "[body.{field}] Invalid input: expected string, received {}",
            kind(other)
        ))),
    }
}

fn remember_me(body: &Map<String, Value>) -> Result<bool, AuthError> {
    match body.get("rememberMe") {
        None | Some(Value::Null) => Ok(true),
        Some(Value::Bool(value)) => Ok(*value),
        Some(Value::String(text)) if text == "true" || text == "false" => Ok(text == "true"),
        other => Err(AuthError::validation(format!(
            "[body.rememberMe] Invalid input: expected boolean, received {}",
            kind(other)
        ))),
    }
}

/// A deliberately simple email rule: one `@`, something before it, a dotted domain after, no spaces.
fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

fn email_field(body: &Map<String, Value>) -> Result<String, AuthError> {
    let email = required_string(body, "email")?;
    if valid_email(&email) { Ok(email) } else { Err(AuthError::validation("[body.email] Invalid email address")) }
}

fn callback_url(state: &AppState, body: &Map<String, Value>) -> Result<Option<String>, AuthError> {
    let url = optional_string(body, "callbackURL")?;
    match url {
        Some(url) if !state.auth.trusted.allows_callback(&url) => {
            Err(AuthError::new(StatusCode::FORBIDDEN, "Invalid callbackURL", "INVALID_CALLBACK_URL"))
        }
        other => Ok(other),
    }
}

pub(crate) fn session_cookies(state: &AppState, token: &str, remember: bool) -> Vec<String> {
    let secret = state.config.secret.expose();
    let mut cookies = vec![state.auth.cookies.session(token, secret, remember)];
    if !remember {
        cookies.push(state.auth.cookies.dont_remember(secret));
    }
    cookies
}

pub(crate) fn with_cookies(mut response: Response, cookies: impl IntoIterator<Item = String>) -> Response {
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

async fn sign_up(State(state): State<AppState>, headers: HeaderMap, bytes: Bytes) -> Result<Response, AuthError> {
    let body = read_body(&headers, &bytes)?;
    let name = required_string(&body, "name")?;
    let email = email_field(&body)?;
    let password = required_string(&body, "password")?;
    let image = optional_string(&body, "image")?;
    callback_url(&state, &body)?;
    let (session, user) =
        session::sign_up(&state, name, email, password, image, &ClientMeta::from_headers(&headers)).await?;
    let response = Json(json!({"token": session.token, "user": user})).into_response();
    Ok(with_cookies(response, session_cookies(&state, &session.token, true)))
}

async fn sign_in(State(state): State<AppState>, headers: HeaderMap, bytes: Bytes) -> Result<Response, AuthError> {
    let body = read_body(&headers, &bytes)?;
    let email = email_field(&body)?;
    let password = required_string(&body, "password")?;
    let callback = callback_url(&state, &body)?;
    let remember = remember_me(&body)?;
    let (session, user) =
        session::sign_in(&state, email, password, remember, &ClientMeta::from_headers(&headers)).await?;
    let mut response = match &callback {
        Some(url) => Json(json!({"redirect": true, "token": session.token, "url": url, "user": user})).into_response(),
        None => Json(json!({"redirect": false, "token": session.token, "user": user})).into_response(),
    };
    if let Some(location) = callback.and_then(|url| HeaderValue::from_str(&url).ok()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(with_cookies(response, session_cookies(&state, &session.token, remember)))
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AuthError> {
    session::sign_out(&state, &headers).await?;
    Ok(with_cookies(Json(json!({"success": true})).into_response(), state.auth.cookies.clear()))
}

#[derive(Deserialize)]
struct SessionQuery {
    #[serde(rename = "disableRefresh", default)]
    disable_refresh: Option<String>,
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

fn null() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], "null").into_response()
}

async fn get_session(
    State(state): State<AppState>,
    Query(query): Query<SessionQuery>,
    headers: HeaderMap,
) -> Result<Response, AuthError> {
    let allow_refresh = query.disable_refresh.as_deref() != Some("true");
    match session::lookup(&state, &headers, allow_refresh).await? {
        SessionLookup::Absent => Ok(no_store(null())),
        SessionLookup::Dead => Ok(with_cookies(no_store(null()), state.auth.cookies.clear())),
        SessionLookup::Live { session, user, refreshed } => {
            let jwt = state.signer.sign(&(&*user).into()).await.map_err(|error| {
                tracing::error!(%error, "could not sign a JWT");
                AuthError::internal()
            })?;
            let mut response = no_store(Json(json!({"session": session, "user": user})).into_response());
            let headers_out = response.headers_mut();
            headers_out.insert("set-auth-jwt", HeaderValue::from_str(&jwt).map_err(|_| AuthError::internal())?);
            headers_out.insert("access-control-expose-headers", HeaderValue::from_static("set-auth-jwt"));
            if refreshed {
                let remembered = !headers
                    .get_all(header::COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .any(|v| super::cookie::find(v, &state.auth.cookies.dont_remember_name()).is_some());
                let cookie = state.auth.cookies.session(&session.token, state.config.secret.expose(), remembered);
                response = with_cookies(response, [cookie]);
            }
            Ok(response)
        }
    }
}

async fn get_session_post() -> Response {
    no_store(
        AuthError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "POST method requires deferSessionRefresh to be enabled in session config",
            "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
        )
        .into_response(),
    )
}

async fn token(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AuthError> {
    let user = match session::lookup(&state, &headers, false).await? {
        SessionLookup::Live { user, .. } => user,
        SessionLookup::Absent => return Err(AuthError::unauthorized()),
        // A signed cookie for a session that is gone: Better Auth also tells the browser to drop it.
        SessionLookup::Dead => {
            return Ok(with_cookies(AuthError::unauthorized().into_response(), state.auth.cookies.clear()));
        }
    };
    let jwt = state.signer.sign(&(&*user).into()).await.map_err(|error| {
        tracing::error!(%error, "could not sign a JWT");
        AuthError::internal()
    })?;
    Ok(Json(json!({"token": jwt})).into_response())
}

async fn jwks(State(state): State<AppState>) -> Result<Json<Value>, AuthError> {
    state.signer.jwks().await.map(Json).map_err(|error| {
        tracing::error!(%error, "could not build the JWKS");
        AuthError::internal()
    })
}
