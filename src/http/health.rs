//! Liveness and readiness probes (no auth).
use axum::{extract::State, http::StatusCode};

use crate::AppState;

/// 200 while the process serves requests.
pub async fn healthz() -> &'static str {
    "ok"
}

/// 200 when the database answers, 503 otherwise.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
