//! Cross-cutting request handling: one log line per request, panics as 500 problems, timeouts, and
//! problem bodies for the errors axum and tower raise themselves.
use std::{any::Any, time::Instant};

use axum::{
    body::Body,
    extract::Request,
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::model::Problem;

/// Logs method, path, status and latency; never headers, query strings or bodies (tokens, cookies).
pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::warn!(%method, %path, status, latency_ms, "request");
    } else {
        tracing::info!(%method, %path, status, latency_ms, "request");
    }
    response
}

/// Gives a problem+json body to error responses that have no body type of their own (axum's 404
/// and 405, the body-limit 413, the timeout 408).
pub async fn problem_bodies(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    let detail = match status {
        StatusCode::NOT_FOUND => "no such resource",
        StatusCode::METHOD_NOT_ALLOWED => "this method is not allowed on this resource",
        StatusCode::PAYLOAD_TOO_LARGE => PAYLOAD_TOO_LARGE,
        StatusCode::REQUEST_TIMEOUT => "the request took too long",
        _ => status.canonical_reason().unwrap_or("error"),
    };
    let (parts, _) = response.into_parts();
    let mut problem =
        Problem::new(status.as_u16(), status.canonical_reason().unwrap_or("Error"), Some(detail.to_owned()))
            .into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}

/// Refuses a query string longer than any list query can be (414) before any handler parses it, and
/// turns the body-limit layer's plain-text 413 into a problem (every route reads at most
/// [`super::BODY_LIMIT`]: REST, auth, forms and server functions alike).
pub async fn request_limits(request: Request, next: Next) -> Response {
    if request.uri().query().is_some_and(|query| query.len() > crate::model::QUERY_MAX_BYTES) {
        let detail = format!("the query string is longer than {} bytes", crate::model::QUERY_MAX_BYTES);
        return Problem::new(414, "URI Too Long", Some(detail)).into_response();
    }
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > super::BODY_LIMIT as u64) {
        return refuse_large_body(request).await;
    }
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE
        && response.headers().get(header::CONTENT_TYPE).is_none_or(|value| value.as_bytes().starts_with(b"text/plain"))
    {
        return Problem::new(413, "Payload Too Large", Some(PAYLOAD_TOO_LARGE.to_owned())).into_response();
    }
    response
}

/// The 413 for a body declared larger than the limit. The body is read and thrown away first (up to
/// [`DISCARD_MAX`] bytes, for at most [`DISCARD_TIME`]): a server that answers and closes while the
/// client is still sending makes the client's socket fail with a reset before it reads the answer.
async fn refuse_large_body(request: Request) -> Response {
    use http_body_util::BodyExt as _;
    let mut body = request.into_body();
    let discard = async {
        let mut read = 0usize;
        while let Some(Ok(frame)) = body.frame().await {
            read += frame.data_ref().map_or(0, |data| data.len());
            if read > DISCARD_MAX {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DISCARD_TIME, discard).await;
    let mut response = Problem::new(413, "Payload Too Large", Some(PAYLOAD_TOO_LARGE.to_owned())).into_response();
    response.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    response
}

/// How much of a too-large body is read before answering 413 (the rest is cut off with the connection).
const DISCARD_MAX: usize = 16 * 1024 * 1024;
/// How long a too-large body is read before answering 413.
const DISCARD_TIME: std::time::Duration = std::time::Duration::from_secs(5);

/// The detail of every 413.
pub const PAYLOAD_TOO_LARGE: &str = "the body is larger than 64 KiB";

/// Runs the rest of the stack in its own task, so a client that disconnects does not cancel a request
/// half-way: a database transaction dropped in mid-flight could otherwise leave its pooled connection
/// unusable, and a write the client already sent should finish either way.
pub async fn run_to_completion(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(error) if error.is_panic() => panic_response(error.into_panic()),
        Err(_) => Problem::new(500, "Internal Server Error", None).into_response(),
    }
}

/// Turns a handler panic into a 500 problem instead of a dropped connection.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = message, "handler panicked");
    Problem::new(500, "Internal Server Error", None).into_response()
}
