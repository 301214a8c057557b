//! `AuthUser`: the one way a request proves who it is, by `Authorization: Bearer <jwt>`. Used by the
//! REST handlers and by the UI's server functions alike.
use std::sync::Arc;

use axum::{
    extract::{FromRef, FromRequestParts},
    http::{header::AUTHORIZATION, request::Parts},
};

use super::rejection::AuthRejection;
use super::verifier::{TokenError, TokenVerifier};

/// The user a verified token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    /// The token's `sub`.
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// When the token expires (seconds since the epoch).
    pub expires_at: u64,
}

impl AuthUser {
    /// Refuses (403) when the path names another user than the token's.
    pub fn require(&self, path_user_id: &str) -> Result<(), AuthRejection> {
        if crate::auth::constant_time_eq(self.id.as_bytes(), path_user_id.as_bytes()) {
            Ok(())
        } else {
            Err(AuthRejection::Forbidden)
        }
    }
}

/// The token in an `Authorization` header: exactly one header, scheme `Bearer`, one token.
/// `Ok(None)` when no bearer token was sent at all.
pub fn bearer_token(parts: &Parts) -> Result<Option<&str>, TokenError> {
    let mut values = parts.headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else { return Ok(None) };
    if values.next().is_some() {
        return Err(TokenError::Malformed);
    }
    let value = value.to_str().map_err(|_| TokenError::Malformed)?;
    let Some((scheme, token)) = value.split_once(' ') else {
        return if value.eq_ignore_ascii_case("bearer") { Err(TokenError::Malformed) } else { Ok(None) };
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    let token = token.trim();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(TokenError::Malformed);
    }
    Ok(Some(token))
}

impl<S> FromRequestParts<S> for AuthUser
where
    Arc<TokenVerifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts)?.ok_or(AuthRejection::MissingToken)?;
        let verifier = Arc::<TokenVerifier>::from_ref(state);
        let claims = verifier.verify(token).await?;
        Ok(AuthUser { id: claims.sub, name: claims.name, email: claims.email, expires_at: claims.exp })
    }
}
