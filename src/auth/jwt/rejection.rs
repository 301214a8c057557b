//! Why a request was not let through by its bearer token: no token, a refused token, or a token whose
//! user may not act on the path's user. Answered as problem+json, with `WWW-Authenticate` on a 401.
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::TokenError;
use crate::model::Problem;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthRejection {
    /// No bearer token was sent.
    #[error("authentication required")]
    MissingToken,
    /// A bearer token was sent but is not acceptable.
    #[error("invalid token: {0}")]
    InvalidToken(#[from] TokenError),
    /// The token's user may not act on this path's user.
    #[error("forbidden")]
    Forbidden,
}

impl AuthRejection {
    pub fn status(&self) -> StatusCode {
        match self {
            AuthRejection::MissingToken | AuthRejection::InvalidToken(_) => StatusCode::UNAUTHORIZED,
            AuthRejection::Forbidden => StatusCode::FORBIDDEN,
        }
    }

    /// The problem body sent to the client (never the reason a token was refused).
    pub fn problem(&self) -> Problem {
        let detail = match self {
            AuthRejection::MissingToken => "an Authorization: Bearer token is required",
            AuthRejection::InvalidToken(TokenError::Expired) => "the access token has expired",
            AuthRejection::InvalidToken(_) => "the access token is invalid",
            AuthRejection::Forbidden => "this token's user may not access this user's tasks",
        };
        let status = self.status();
        Problem::new(status.as_u16(), status.canonical_reason().unwrap_or("Error"), Some(detail.to_owned()))
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        if let AuthRejection::InvalidToken(reason) = &self {
            tracing::debug!(%reason, "token refused");
        }
        let challenge = match &self {
            AuthRejection::MissingToken => Some("Bearer"),
            AuthRejection::InvalidToken(_) => Some(r#"Bearer error="invalid_token""#),
            AuthRejection::Forbidden => None,
        };
        let mut response = self.problem().into_response();
        if let Some(challenge) = challenge {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}
