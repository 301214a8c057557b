//! Better Auth's endpoints from the browser: only sign-out (signing in and up are plain form posts,
//! and the first access token comes from `/api/auth/token` with the session cookie).
use gloo_net::http::Request;

use super::token;

/// Ends the session and forgets the token.
pub async fn sign_out() {
    let _ = Request::post("/api/auth/sign-out").send().await;
    token::signed_out();
}
