//! External mode: sessions live in the upstream Better Auth, so the user behind a request's session
//! cookie (for server-side rendering and the no-token server-function path) is asked of it, with
//! `GET /api/auth/get-session` and the browser's cookies, as its own client would. The no-JavaScript
//! sign-in, sign-up and sign-out forms post to it the same way and pass its cookies on.
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;

use crate::auth::AuthError;
use crate::db::UserRow;
use crate::model::AuthErrorBody;

/// An HTTP client for the upstream: redirects are passed on, not followed; 5 s to connect.
pub fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(timeout)
        .build()
        .expect("a reqwest client builds")
}

pub struct UpstreamSessions {
    /// `<upstream>/api/auth`
    base: String,
    client: reqwest::Client,
}

/// The error codes the forms explain; others are reported without a code.
const KNOWN_CODES: &[&str] = &[
    "INVALID_EMAIL_OR_PASSWORD",
    "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
    "USER_ALREADY_EXISTS",
    "PASSWORD_TOO_SHORT",
    "PASSWORD_TOO_LONG",
    "VALIDATION_ERROR",
    "INVALID_EMAIL",
    "INVALID_ORIGIN",
    "MISSING_OR_NULL_ORIGIN",
];

/// What `get-session` answers for a live session (`null` otherwise).
#[derive(Deserialize)]
struct SessionBody {
    user: UserRow,
}

impl UpstreamSessions {
    /// Sessions of the Better Auth at `base` (e.g. `http://127.0.0.1:3005`).
    pub fn new(base: &str) -> Self {
        Self { base: format!("{}/api/auth", base.trim_end_matches('/')), client: client(Duration::from_secs(10)) }
    }

    /// Posts `body` to the upstream endpoint `path` (e.g. `/sign-in/email`) for a browser: with its
    /// cookies and `origin` (ours, which the upstream trusts). `Ok` carries the `Set-Cookie` lines to
    /// pass on; a refusal comes back as the upstream's status, message and (known) code.
    pub async fn post(
        &self,
        path: &str,
        cookie: Option<&HeaderValue>,
        origin: &str,
        body: &serde_json::Value,
    ) -> Result<Vec<String>, AuthError> {
        let mut request = self.client.post(format!("{}{path}", self.base)).header(header::ORIGIN, origin).json(body);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = request.send().await.map_err(|error| {
            tracing::warn!(%error, path, "the Better Auth upstream did not answer");
            AuthError::new(StatusCode::BAD_GATEWAY, "Bad Gateway", "UPSTREAM_UNAVAILABLE")
        })?;
        let cookies = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok().map(str::to_owned))
            .collect();
        if response.status().is_success() {
            return Ok(cookies);
        }
        let status = StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        let error: AuthErrorBody = response.json().await.unwrap_or_default();
        let code = error.code.as_deref().and_then(|code| KNOWN_CODES.iter().copied().find(|known| *known == code));
        Err(AuthError { status, message: error.message, code })
    }

    /// The signed-in user, or `None` when there is no live session or the upstream cannot say.
    pub async fn user(&self, headers: &HeaderMap) -> Option<UserRow> {
        let cookie = headers.get(header::COOKIE)?;
        let response =
            match self.client.get(format!("{}/get-session", self.base)).header(header::COOKIE, cookie).send().await {
                Ok(response) => response,
                Err(error) => {
                    tracing::warn!(%error, "the Better Auth upstream did not answer get-session");
                    return None;
                }
            };
        if !response.status().is_success() {
            tracing::warn!(status = %response.status(), "the Better Auth upstream refused get-session");
            return None;
        }
        // `null` (no session) does not parse as a body: signed out.
        response.json::<Option<SessionBody>>().await.ok().flatten().map(|body| body.user)
    }
}
