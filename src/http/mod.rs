//! The HTTP API: REST routes for tasks, health probes, the OpenAPI document, and the middleware
//! every response passes through.
pub mod error;
mod events;
mod forms;
mod health;
pub mod json;
pub(crate) mod middleware;
pub mod openapi;
pub mod page_cache;
pub mod security;
mod tasks;

use std::time::Duration;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, patch},
};
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, limit::RequestBodyLimitLayer, timeout::TimeoutLayer,
};

use crate::AppState;
pub use error::AppError;

/// Largest body any route accepts (REST, auth, forms, server functions).
pub const BODY_LIMIT: usize = crate::auth::provider::BODY_LIMIT;
/// Longest a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// `/api/{user_id}/tasks...`, `/api/openapi.json`, `/healthz` and `/readyz`. No fallback: the
/// caller decides what unknown paths get (see [`api_not_found`]).
pub fn api_router(state: AppState) -> Router {
    Router::new()
        .route("/api/{user_id}/tasks", get(tasks::list).post(tasks::create))
        .route(
            "/api/{user_id}/tasks/{id}",
            get(tasks::get).put(tasks::replace).patch(tasks::patch).delete(tasks::delete),
        )
        .route("/api/{user_id}/tasks/{id}/complete", patch(tasks::complete))
        .route("/api/{user_id}/events", get(events::events))
        .route("/api/openapi.json", get(openapi::document))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(middleware::problem_bodies))
        .nest_service("/api/auth", state.auth.provider.service(&state))
        .merge(
            forms::router()
                .merge(crate::auth::routes::forms::router())
                .merge(crate::auth::routes::account_forms::router())
                .layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .with_state(state)
}

/// Wraps a whole app (API and UI) in the shared middleware (innermost first): panic recovery,
/// requests that run to completion even if the client leaves, the size limits of bodies and query
/// strings, compression, a request timeout, request logging and, outermost, the security headers.
pub fn with_middleware(app: Router) -> Router {
    let app = app
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(axum::middleware::from_fn(middleware::run_to_completion))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn(middleware::request_limits))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(axum::middleware::from_fn(middleware::log_request));
    security::with_security_headers(app)
}

/// The 404 problem for a path no route serves.
pub async fn api_not_found() -> Response {
    crate::model::Problem::new(404, "Not Found", Some("no such resource".to_owned())).into_response()
}

/// The API alone with its middleware and a 404 problem for anything else: what the HTTP tests drive.
pub fn app(state: AppState) -> Router {
    with_middleware(api_router(state).fallback(api_not_found))
}
