//! JSON Web Tokens: key formats (`keys`), issuing (`signer`), verifying (`verifier`) and the
//! `AuthUser` extractor that turns a request's `Authorization: Bearer` into a user (`extractor`).
mod deleted;
mod extractor;
pub mod keys;
mod rejection;
mod signer;
mod verifier;

pub use deleted::{DELETIONS_POLL, DeletedAccounts};
pub use extractor::{AuthUser, bearer_token};
pub use rejection::AuthRejection;
pub use signer::{JwtSigner, SignError, TokenUser};
pub use verifier::{ASYMMETRIC, Claims, KeySource, LEEWAY_SECS, MAX_TOKEN_BYTES, TokenError, TokenVerifier};
