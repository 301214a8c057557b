//! The embedded Better Auth endpoints under `/api/auth`, speaking the wire protocol of
//! better-auth 1.7.25 with the `jwt()` plugin (see docs/better-auth-compat.md): bodies, status codes, error
//! codes, cookies and headers as the real one sends them.
use axum::{
    Json, Router,
    body::Bytes,
    extract::{Query, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

pub mod account_forms;
pub(crate) mod body;
pub mod forms;
pub mod origin;
pub mod rate_limit;
mod recovery_forms;

use super::AuthError;
use super::client::ClientAddr;
use super::session::{self, ClientMeta, SessionLookup};
use crate::AppState;
use body::{callback_url, email_field, optional_string, read_body, remember_me, required_string};

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
        .merge(super::account::routes())
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

/// Better Auth's 429: `Retry-After` (and its own `X-Retry-After`) in seconds.
pub fn too_many_requests(wait: u64) -> Response {
    let mut response =
        (StatusCode::TOO_MANY_REQUESTS, Json(json!({"message": "Too many requests. Please try again later."})))
            .into_response();
    let wait = HeaderValue::from(wait);
    response.headers_mut().insert("x-retry-after", wait.clone());
    response.headers_mut().insert(header::RETRY_AFTER, wait);
    response
}

/// Rate limits (when on) and the origin/CSRF rules, before any endpoint runs.
async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let client = ClientAddr::of(request.extensions(), request.headers(), &state.auth.proxies);
    if let Err(wait) = state.auth.admit(client, &path).await {
        return too_many_requests(wait);
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

async fn sign_up(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AuthError> {
    let body = read_body(&headers, &bytes)?;
    let name = required_string(&body, "name")?;
    let email = email_field(&body)?;
    let password = required_string(&body, "password")?;
    let image = optional_string(&body, "image")?;
    callback_url(&state, &body)?;
    let (session, user) =
        session::sign_up(&state, name, email, password, image, &ClientMeta::new(client, &headers)).await?;
    let Some(session) = session else {
        // Email verification is required: no session until the address is confirmed.
        return Ok(Json(json!({"token": null, "user": user})).into_response());
    };
    let response = Json(json!({"token": session.token, "user": user})).into_response();
    Ok(with_cookies(response, session_cookies(&state, &session.token, true)))
}

async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AuthError> {
    let body = read_body(&headers, &bytes)?;
    let email = email_field(&body)?;
    let password = required_string(&body, "password")?;
    let callback = callback_url(&state, &body)?;
    let remember = remember_me(&body)?;
    let (session, user) =
        session::sign_in(&state, email, password, remember, &ClientMeta::new(client, &headers)).await?;
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
                // Only remembered sessions are refreshed (see `session::lookup`).
                let cookie = state.auth.cookies.session(&session.token, state.config.secret.expose(), true);
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
