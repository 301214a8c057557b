//! One error type for the HTTP API, turned into RFC 9457 problem details. Server-side failures are
//! logged with their cause and answered without it.
use axum::{
    extract::rejection::PathRejection,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::auth::AuthRejection;
use crate::db::StoreError;
use crate::model::{FieldError, Problem};
use crate::tasks::TaskError;

/// Seconds a client should wait before retrying when the database is unavailable.
const RETRY_AFTER_SECS: &str = "5";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No acceptable bearer token, or one for another user (auth's own rejection and response).
    #[error(transparent)]
    Auth(#[from] AuthRejection),
    #[error("not found")]
    NotFound,
    /// Malformed request: bad JSON, wrong types, bad query or path parameters.
    #[error("bad request: {0}")]
    BadRequest(String, Vec<FieldError>),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    /// Fields broke their rules.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The user has as many event streams open as one user may.
    #[error("too many event streams")]
    TooManyStreams,
    #[error("database unavailable")]
    Unavailable(#[source] StoreError),
    /// Anything unexpected; the cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Auth(rejection) => rejection.status(),
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(..) => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyStreams => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem body sent to the client.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let detail: Option<String> = match self {
            AppError::Auth(rejection) => return rejection.problem(),
            AppError::NotFound => Some("no such task".into()),
            AppError::BadRequest(detail, _) => Some(detail.clone()),
            AppError::UnsupportedMediaType => Some("the body must be JSON (content-type: application/json)".into()),
            AppError::PayloadTooLarge => Some(super::middleware::PAYLOAD_TOO_LARGE.into()),
            AppError::Validation(_) => Some("validation failed".into()),
            AppError::TooManyStreams => Some(format!(
                "at most {} event streams may be open per user; close one and retry",
                crate::live::STREAMS_PER_USER_MAX
            )),
            AppError::Unavailable(_) => Some("the database is unavailable; retry shortly".into()),
            AppError::Internal(_) => None,
        };
        let mut problem = Problem::new(status.as_u16(), status.canonical_reason().unwrap_or("Error"), detail);
        if let AppError::Validation(errors) | AppError::BadRequest(_, errors) = self {
            problem.errors = errors.clone();
        }
        problem
    }

    /// Logs a server-side cause (never sent) and gives the problem to answer with: what a REST
    /// handler sends, and what a server function returns for the same failure.
    pub fn report(&self) -> Problem {
        match self {
            AppError::Internal(cause) => tracing::error!(%cause, "request failed"),
            AppError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            _ => {}
        }
        self.problem()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Auth(rejection) = &self {
            return rejection.clone().into_response();
        }
        let mut response = self.report().into_response();
        if let AppError::Unavailable(_) | AppError::TooManyStreams = &self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECS));
        }
        response
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(_) => AppError::Unavailable(error),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<TaskError> for AppError {
    fn from(error: TaskError) -> Self {
        match error {
            TaskError::NotFound => AppError::NotFound,
            TaskError::Invalid(errors) => AppError::Validation(errors),
            TaskError::Store(error) => error.into(),
        }
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        AppError::BadRequest(format!("invalid path: {}", rejection.body_text()), vec![])
    }
}
