//! External mode: sessions live in the upstream Better Auth, so the user behind a request's session
//! cookie (for server-side rendering and the no-token server-function path) is asked of it, with
//! `GET /api/auth/get-session` and the browser's cookies, as its own client would.
use std::time::Duration;

use axum::http::{HeaderMap, header};
use serde::Deserialize;

use crate::db::UserRow;

pub struct UpstreamSessions {
    get_session: String,
    client: reqwest::Client,
}

/// What `get-session` answers for a live session (`null` otherwise).
#[derive(Deserialize)]
struct SessionBody {
    user: UserRow,
}

impl UpstreamSessions {
    /// Sessions of the Better Auth at `base` (e.g. `http://127.0.0.1:3005`).
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()
            .expect("a reqwest client builds");
        Self { get_session: format!("{}/api/auth/get-session", base.trim_end_matches('/')), client }
    }

    /// The signed-in user, or `None` when there is no live session or the upstream cannot say.
    pub async fn user(&self, headers: &HeaderMap) -> Option<UserRow> {
        let cookie = headers.get(header::COOKIE)?;
        let response = match self.client.get(&self.get_session).header(header::COOKIE, cookie).send().await {
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
