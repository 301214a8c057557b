//! Where sessions live: in this server's database (the embedded Better Auth) or in an external Better
//! Auth server (`BETTER_AUTH_UPSTREAM`). This is the one place that makes that choice; the `/api/auth`
//! service, the no-JavaScript forms and server-side rendering all ask it.
use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderMap, header},
};
use serde_json::json;

use super::AuthError;
use super::client::ClientAddr;
use super::external::{UpstreamSessions, proxy};
use super::routes::{self, session_cookies};
use super::session::{self, ClientMeta, SessionLookup};
use crate::AppState;
use crate::db::UserRow;

/// The largest body an auth endpoint reads (the same as the REST API's).
pub const BODY_LIMIT: usize = 64 * 1024;

pub enum Provider {
    /// Users and sessions in this server's own database.
    Embedded,
    /// Users and sessions in the Better Auth server at this base URL.
    External(UpstreamSessions),
}

impl Provider {
    /// The external provider when `upstream` (a base URL) is set, else the embedded one.
    pub fn new(upstream: Option<&str>) -> Self {
        upstream.map_or(Provider::Embedded, |base| Provider::External(UpstreamSessions::new(base)))
    }

    /// The service for `/api/auth/*`: the embedded endpoints, or a proxy to the upstream.
    pub fn service(&self, state: &AppState) -> Router {
        match (self, &state.config.upstream) {
            (Provider::External(_), Some(base)) => proxy::router(base, state.clone()),
            _ => {
                let endpoints =
                    routes::router(state.clone()).layer(DefaultBodyLimit::max(BODY_LIMIT)).with_state(state.clone());
                Router::new().fallback_service(
                    tower::ServiceBuilder::new().map_response(routes::drop_allow_on_404).service(endpoints),
                )
            }
        }
    }

    /// The signed-in user of a request, by its session cookie (server-side rendering, forms).
    pub async fn current_user(&self, state: &AppState, headers: &HeaderMap) -> Option<UserRow> {
        match self {
            Provider::External(upstream) => upstream.user(headers).await,
            Provider::Embedded => match session::lookup(state, headers, false).await {
                Ok(SessionLookup::Live { user, .. }) => Some(*user),
                _ => None,
            },
        }
    }

    /// Signs in with a password; the `Set-Cookie` lines for the browser.
    pub async fn sign_in(
        &self,
        state: &AppState,
        client: ClientAddr,
        headers: &HeaderMap,
        email: &str,
        password: String,
        remember: bool,
    ) -> Result<Vec<String>, AuthError> {
        if let Provider::External(upstream) = self {
            let body = json!({"email": email, "password": password, "rememberMe": remember});
            return upstream.post("/sign-in/email", None, &state.config.origin(), &body).await;
        }
        let meta = ClientMeta::new(client, headers);
        let (session, _) = session::sign_in(state, email.to_owned(), password, remember, &meta).await?;
        Ok(session_cookies(state, &session.token, remember))
    }

    /// Creates an account and signs it in; the `Set-Cookie` lines for the browser.
    pub async fn sign_up(
        &self,
        state: &AppState,
        client: ClientAddr,
        headers: &HeaderMap,
        name: &str,
        email: &str,
        password: String,
    ) -> Result<Vec<String>, AuthError> {
        if let Provider::External(upstream) = self {
            let body = json!({"name": name, "email": email, "password": password});
            return upstream.post("/sign-up/email", None, &state.config.origin(), &body).await;
        }
        let meta = ClientMeta::new(client, headers);
        let (session, _) = session::sign_up(state, name.to_owned(), email.to_owned(), password, None, &meta).await?;
        // No session (and no cookies) while the email awaits verification.
        Ok(session.map(|session| session_cookies(state, &session.token, true)).unwrap_or_default())
    }

    /// Ends the request's session; the `Set-Cookie` lines that clear the browser's cookies.
    pub async fn sign_out(&self, state: &AppState, headers: &HeaderMap) -> Result<Vec<String>, AuthError> {
        if let Provider::External(upstream) = self {
            let cookie = headers.get(header::COOKIE);
            let cleared = upstream.post("/sign-out", cookie, &state.config.origin(), &json!({})).await;
            // Whatever the upstream says, this browser is signed out.
            return Ok(cleared.unwrap_or_else(|_| state.auth.cookies.clear().into()));
        }
        session::sign_out(state, headers).await?;
        Ok(state.auth.cookies.clear().into())
    }
}
