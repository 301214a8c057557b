//! Errors of the `/api/auth` endpoints, in Better Auth's shape: `{"message", "code"}` with
//! `content-type: application/json` (not problem+json: the Better Auth client reads these).
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::db::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    pub status: StatusCode,
    pub message: String,
    pub code: Option<&'static str>,
}

impl AuthError {
    pub fn new(status: StatusCode, message: impl Into<String>, code: &'static str) -> Self {
        Self { status, message: message.into(), code: Some(code) }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message, "VALIDATION_ERROR")
    }

    pub fn invalid_credentials() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Invalid email or password", "INVALID_EMAIL_OR_PASSWORD")
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", "UNAUTHORIZED")
    }

    pub fn user_exists() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "User already exists. Use another email.",
            "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
        )
    }

    pub fn password_too_long() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Password too long", "PASSWORD_TOO_LONG")
    }

    /// A wrong current password on an account endpoint (400, unlike sign-in's 401).
    pub fn invalid_password() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Invalid password", "INVALID_PASSWORD")
    }

    pub fn invalid_token() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Invalid token", "INVALID_TOKEN")
    }

    pub fn invalid_callback_url() -> Self {
        Self::new(StatusCode::FORBIDDEN, "Invalid callbackURL", "INVALID_CALLBACK_URL")
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error", "INTERNAL_SERVER_ERROR")
    }

    pub fn unavailable() -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "Service temporarily unavailable", "SERVICE_UNAVAILABLE")
    }
}

impl From<crate::auth::session::password::Busy> for AuthError {
    fn from(_: crate::auth::session::password::Busy) -> Self {
        AuthError::unavailable()
    }
}

impl From<StoreError> for AuthError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                AuthError::unavailable()
            }
            other => {
                tracing::error!(cause = %other, "auth request failed");
                AuthError::internal()
            }
        }
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let body = match self.code {
            Some(code) => json!({"message": self.message, "code": code}),
            None => json!({"message": self.message}),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}
