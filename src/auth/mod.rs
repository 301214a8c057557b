//! Better Auth-compatible authentication, by concern:
//!
//! - `jwt`: signing keys, issuing and verifying tokens, the `AuthUser` extractor;
//! - `session`: users' sessions, the signed session cookie, password hashes;
//! - `account`: managing an account (devices, password change and reset, email, profile, deletion);
//! - `routes`: the `/api/auth/*` endpoints, their origin (CSRF) rules and rate limits;
//! - `client`: who a request comes from (through trusted reverse proxies);
//! - `external`: external mode, where a real Better Auth server holds the sessions.
pub mod account;
pub mod client;
mod error;
pub mod external;
pub mod ids;
pub mod jwt;
pub mod provider;
pub mod routes;
pub mod session;
mod settings;

pub use error::AuthError;
pub use external::UpstreamSessions;
pub use jwt::{
    ASYMMETRIC, AuthRejection, AuthUser, Claims, JwtSigner, KeySource, MAX_TOKEN_BYTES, SignError, TokenError,
    TokenUser, TokenVerifier, bearer_token, keys,
};
pub use settings::AuthSettings;

/// The signed-in user of a request, by its session cookie (wherever sessions live).
pub async fn current_user(state: &crate::AppState, headers: &axum::http::HeaderMap) -> Option<crate::db::UserRow> {
    state.auth.provider.current_user(state, headers).await
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
