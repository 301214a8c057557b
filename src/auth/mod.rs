//! Better Auth-compatible authentication: key formats, JWT signing and verification, and the
//! `AuthUser` extractor.
pub mod cookie;
mod error;
mod extractor;
pub mod ids;
pub mod keys;
pub mod origin;
pub mod password;
pub mod proxy;
pub mod rate_limit;
pub mod routes;
pub mod session;
mod signer;
mod upstream;
mod verifier;

pub use error::AuthError;
pub use extractor::{AuthUser, bearer_token};
pub use session::AuthSettings;
pub use signer::{JwtSigner, SignError, TokenUser};
pub use upstream::UpstreamSessions;
pub use verifier::{ASYMMETRIC, Claims, KeySource, MAX_TOKEN_BYTES, TokenError, TokenVerifier};

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
