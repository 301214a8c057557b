//! The error body of every failed request: RFC 9457 problem details.
use serde::{Deserialize, Serialize};

/// One field that broke its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }

    /// Field errors as one line for a person: `due date: must be …; title: must be …` (a field's
    /// underscores read as spaces). Every place that shows field errors as text says them this way.
    pub fn describe(errors: &[FieldError]) -> String {
        let described: Vec<String> =
            errors.iter().map(|error| format!("{}: {}", error.field.replace('_', " "), error.message)).collect();
        described.join("; ")
    }
}

/// `application/problem+json` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// A problem of type `about:blank` whose title is the status's reason phrase.
    pub fn new(status: u16, title: impl Into<String>, detail: impl Into<Option<String>>) -> Self {
        Self { kind: "about:blank".into(), title: title.into(), status, detail: detail.into(), errors: vec![] }
    }

    /// The message to show a person: the detail, else the title, with field errors appended.
    pub fn message(&self) -> String {
        let text = self.detail.clone().unwrap_or_else(|| self.title.clone());
        if self.errors.is_empty() { text } else { format!("{text}; {}", FieldError::describe(&self.errors)) }
    }
}

/// A problem as an HTTP response: its status and an `application/problem+json` body.
#[cfg(feature = "server")]
impl axum::response::IntoResponse for Problem {
    fn into_response(self) -> axum::response::Response {
        use axum::http::{HeaderValue, StatusCode, header};
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).expect("a problem serializes");
        (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"))], body).into_response()
    }
}

/// The error body of Better Auth's endpoints (`/api/auth/*`): `{"message", "code"}`, not a problem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AuthErrorBody {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub code: Option<String>,
}
