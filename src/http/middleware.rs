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

use super::error::problem_response;
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
        StatusCode::PAYLOAD_TOO_LARGE => "the body is larger than 64 KiB",
        StatusCode::REQUEST_TIMEOUT => "the request took too long",
        _ => status.canonical_reason().unwrap_or("error"),
    };
    let (parts, _) = response.into_parts();
    let mut problem = problem_response(&Problem::new(
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        Some(detail.to_owned()),
    ));
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}

/// Runs the rest of the stack in its own task, so a client that disconnects does not cancel a request
/// half-way: a database transaction dropped in mid-flight could otherwise leave its pooled connection
/// unusable, and a write the client already sent should finish either way.
pub async fn run_to_completion(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(error) if error.is_panic() => panic_response(error.into_panic()),
        Err(_) => problem_response(&Problem::new(500, "Internal Server Error", None)),
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
    problem_response(&Problem::new(500, "Internal Server Error", None)).into_response()
}
