//! Reading the bodies of the Better Auth endpoints: JSON or a form, fields checked with the error
//! messages Better Auth's (zod) schemas give.
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value};

use crate::AppState;
use crate::auth::AuthError;
use crate::auth::session::user_fields;

/// The body of sign-in and sign-up: JSON or a form, as an object.
pub fn read_body(headers: &HeaderMap, bytes: &[u8]) -> Result<Map<String, Value>, AuthError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let undefined = || AuthError::validation("[body] Invalid input: expected object, received undefined");
    if bytes.iter().all(u8::is_ascii_whitespace) && (essence.is_empty() || essence == "application/json") {
        return Err(undefined());
    }
    match essence.as_str() {
        "application/json" => match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(other) => Err(AuthError::validation(format!(
                "[body] Invalid input: expected object, received {}",
                kind(Some(&other))
            ))),
            Err(_) => Err(AuthError::new(StatusCode::BAD_REQUEST, "Invalid JSON in request body", "BAD_REQUEST")),
        },
        "application/x-www-form-urlencoded" => {
            Ok(form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), Value::String(v.into_owned()))).collect())
        }
        "" => Err(undefined()),
        other => Err(AuthError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "Content-Type \"{other}\" is not allowed. Allowed types: application/x-www-form-urlencoded, application/json"
            ),
            "UNSUPPORTED_MEDIA_TYPE",
        )),
    }
}

/// Zod's name for a JSON value's type.
fn kind(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

pub fn required_string(body: &Map<String, Value>, field: &str) -> Result<String, AuthError> {
    match body.get(field) {
        Some(Value::String(text)) => Ok(text.clone()),
        other => Err(AuthError::validation(format!(
            "[body.{field}] Invalid input: expected string, received {}",
            kind(other)
        ))),
    }
}

pub fn optional_string(body: &Map<String, Value>, field: &str) -> Result<Option<String>, AuthError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        other => Err(AuthError::validation(format!(
            "[body.{field}] Invalid input: expected string, received {}",
            kind(other)
        ))),
    }
}

/// An optional boolean field (`true`/`false`, also as form text).
pub fn optional_bool(body: &Map<String, Value>, field: &str) -> Result<Option<bool>, AuthError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(value)) => Ok(Some(*value)),
        Some(Value::String(text)) if text == "true" || text == "on" => Ok(Some(true)),
        Some(Value::String(text)) if text == "false" => Ok(Some(false)),
        other => Err(AuthError::validation(format!(
            "[body.{field}] Invalid input: expected boolean, received {}",
            kind(other)
        ))),
    }
}

pub fn remember_me(body: &Map<String, Value>) -> Result<bool, AuthError> {
    match body.get("rememberMe") {
        None | Some(Value::Null) => Ok(true),
        Some(Value::Bool(value)) => Ok(*value),
        Some(Value::String(text)) if text == "true" || text == "false" => Ok(text == "true"),
        other => Err(AuthError::validation(format!(
            "[body.rememberMe] Invalid input: expected boolean, received {}",
            kind(other)
        ))),
    }
}

pub fn email_field(body: &Map<String, Value>) -> Result<String, AuthError> {
    let email = required_string(body, "email")?;
    user_fields::email(&email)?;
    Ok(email)
}

/// `callbackURL`, when present: a local path (as a browser reads it) or a URL on a trusted origin.
pub fn callback_url(state: &AppState, body: &Map<String, Value>) -> Result<Option<String>, AuthError> {
    match optional_string(body, "callbackURL")? {
        Some(url) => state.auth.trusted.callback(&url).map(Some).ok_or_else(AuthError::invalid_callback_url),
        None => Ok(None),
    }
}
