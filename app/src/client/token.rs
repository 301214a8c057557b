//! The access token: a Better Auth JWT, kept in memory and cached in `sessionStorage` (never
//! `localStorage`), refreshed from `/api/auth/token` shortly before it expires.
use std::cell::{Cell, RefCell};

use gloo_storage::{SessionStorage, Storage};
use serde::Deserialize;

use super::ClientError;

const STORAGE_KEY: &str = "ticklist.access_token";

/// A token and what the UI needs to know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessToken {
    pub token: String,
    /// The user the token speaks for (`sub`).
    pub user_id: String,
    /// When (Unix seconds) to fetch a new one: a little before `exp`.
    pub refresh_at: f64,
}

thread_local! {
    static CURRENT: RefCell<Option<AccessToken>> = const { RefCell::new(None) };
    /// This tab signed out: there is no session to ask a token of until the next sign-in.
    static SIGNED_OUT: Cell<bool> = const { Cell::new(false) };
}

fn now_secs() -> f64 {
    js_sys::Date::now() / 1000.0
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    exp: f64,
    #[serde(default)]
    iat: Option<f64>,
}

/// The JSON text of a JWT's payload (base64url, unpadded), decoded by the browser's `atob`.
fn payload_json(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let mut base64: String = payload
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !base64.len().is_multiple_of(4) {
        base64.push('=');
    }
    let binary = web_sys::window()?.atob(&base64).ok()?;
    // One char per byte; the bytes are UTF-8.
    String::from_utf8(binary.chars().map(|c| c as u8).collect()).ok()
}

/// Reads `sub` and the refresh time from a JWT (the signature is the server's business).
fn parse(token: &str) -> Option<AccessToken> {
    let claims: Claims = serde_json::from_str(&payload_json(token)?).ok()?;
    let lifetime = claims.exp - claims.iat.unwrap_or(claims.exp - 900.0);
    // Refresh 30 s early, or a third of the lifetime early for very short-lived tokens.
    let margin = (lifetime / 3.0).min(30.0);
    Some(AccessToken { token: token.to_owned(), user_id: claims.sub, refresh_at: claims.exp - margin })
}

/// Keeps a token that just arrived from `/api/auth/token` (the JWT itself is stored: its claims say
/// the rest).
fn remember(token: &str) -> Option<AccessToken> {
    let parsed = parse(token)?;
    SIGNED_OUT.set(false);
    CURRENT.with(|current| *current.borrow_mut() = Some(parsed.clone()));
    let _ = SessionStorage::set(STORAGE_KEY, token);
    Some(parsed)
}

/// The page is `user_id`'s (the server says so): a token cached for someone else — this tab's
/// previous user, whose session ended elsewhere — is dropped before anything is sent with it.
pub fn expect_user(user_id: &str) {
    if cached().is_some_and(|token| token.user_id != user_id) {
        forget();
    }
}

/// Drops the token after signing out; no token is asked for until the next sign-in (the server would
/// only refuse, and the browser would log the refusal).
pub fn signed_out() {
    forget();
    SIGNED_OUT.set(true);
}

/// Drops the token (on sign-out or a dead session).
pub fn forget() {
    CURRENT.with(|current| *current.borrow_mut() = None);
    SessionStorage::delete(STORAGE_KEY);
}

fn cached() -> Option<AccessToken> {
    CURRENT.with(|current| current.borrow().clone()).or_else(|| {
        let stored = parse(&SessionStorage::get::<String>(STORAGE_KEY).ok()?)?;
        CURRENT.with(|current| *current.borrow_mut() = Some(stored.clone()));
        Some(stored)
    })
}

/// A token that is not about to expire: the cached one, or a fresh one.
pub async fn access_token() -> Result<AccessToken, ClientError> {
    if SIGNED_OUT.get() {
        return Err(ClientError::SignedOut);
    }
    match cached() {
        Some(token) if now_secs() < token.refresh_at => Ok(token),
        _ => refresh().await,
    }
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
}

/// Fetches a new token with the session cookie. A 401 means the session is over.
pub async fn refresh() -> Result<AccessToken, ClientError> {
    let response = gloo_net::http::Request::get("/api/auth/token").send().await.map_err(|_| ClientError::Network)?;
    match response.status() {
        200 => {
            let body: TokenBody = response.json().await.map_err(|_| ClientError::Network)?;
            remember(&body.token).ok_or(ClientError::Network)
        }
        401 => {
            forget();
            Err(ClientError::SignedOut)
        }
        status => Err(ClientError::Problem(ticklist::model::Problem::new(status, "Error", None))),
    }
}
