//! External mode: `/api/auth/*` is forwarded to a real Better Auth server, so the browser stays on one
//! origin. Method, path, query, body (streamed) and headers (`Origin`, `Cookie`, `Set-Cookie`, ...) pass
//! through; hop-by-hop headers do not. An unreachable upstream is a 502 problem.
use std::{net::SocketAddr, time::Duration};

use axum::{
    Router,
    body::Body,
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, header},
    response::{IntoResponse, Response},
};

use crate::http::error::problem_response;
use crate::model::Problem;

#[derive(Clone)]
struct Upstream {
    base: String,
    client: reqwest::Client,
}

/// Headers that describe one connection, not the message, and must not be forwarded.
fn hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "host"
    )
}

fn copy_headers(from: &HeaderMap, to: &mut HeaderMap) {
    for (name, value) in from {
        if !hop_by_hop(name) {
            to.append(name.clone(), value.clone());
        }
    }
}

/// A router (to be nested at `/api/auth`) forwarding everything to `base` (e.g. `http://127.0.0.1:3005`).
pub fn router<S: Clone + Send + Sync + 'static>(base: &str) -> Router<S> {
    let client = super::upstream::client(Duration::from_secs(30));
    Router::new().fallback(forward).with_state(Upstream { base: base.trim_end_matches('/').to_owned(), client })
}

async fn forward(State(upstream): State<Upstream>, request: Request) -> Response {
    // Nested routers see the path without their prefix; the original URI has all of it.
    let uri = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map(|o| o.0.clone())
        .unwrap_or_else(|| request.uri().clone());
    let path_and_query = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
    let url = format!("{}{path_and_query}", upstream.base);
    let client_ip = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let (parts, body) = request.into_parts();
    let mut headers = HeaderMap::new();
    copy_headers(&parts.headers, &mut headers);
    if let (Some(ip), false) = (client_ip, headers.contains_key("x-forwarded-for"))
        && let Ok(value) = HeaderValue::from_str(&ip.to_string())
    {
        headers.insert("x-forwarded-for", value);
    }
    let outgoing = upstream
        .client
        .request(parts.method, &url)
        .headers(headers)
        .body(reqwest::Body::wrap_stream(body.into_data_stream()));
    match outgoing.send().await {
        Ok(reply) => {
            let mut response = Response::builder().status(reply.status().as_u16());
            if let Some(out) = response.headers_mut() {
                copy_headers(reply.headers(), out);
            }
            response.body(Body::from_stream(reply.bytes_stream())).unwrap_or_else(|_| bad_gateway())
        }
        Err(error) => {
            tracing::warn!(%error, "the Better Auth upstream did not answer");
            bad_gateway()
        }
    }
}

fn bad_gateway() -> Response {
    let mut response = problem_response(&Problem::new(
        502,
        "Bad Gateway",
        Some("the authentication server is unreachable".to_owned()),
    ));
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response.into_response()
}
