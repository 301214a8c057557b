//! External mode: `/api/auth/*` is forwarded to a real Better Auth server, so the browser stays on one
//! origin. Only normalized paths under `/api/auth/` are forwarded (no `..` in any spelling); method,
//! query, body (streamed) and end-to-end headers (`Origin`, `Cookie`, `Set-Cookie`, ...) pass through.
//! Hop-by-hop headers, headers named in `Connection` and the client's own forwarding headers do not:
//! `X-Forwarded-For` is set to the client as this server resolved it (see `auth::client`), so the
//! upstream keys its rate limits and `session.ipAddress` on the real client. The local auth rate limits
//! apply here as in embedded mode. An unreachable upstream is a 502 problem.
use std::time::Duration;

use axum::{
    Router,
    body::Body,
    extract::{OriginalUri, Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, header},
    response::{IntoResponse, Response},
};
use percent_encoding::percent_decode_str;

use crate::AppState;
use crate::auth::client::ClientAddr;
use crate::auth::routes::too_many_requests;
use crate::model::Problem;

/// Where proxied requests go, and how.
#[derive(Clone)]
struct Proxy {
    base: String,
    client: reqwest::Client,
    state: AppState,
}

/// The path prefix that is proxied (and the only one that may be).
const PREFIX: &str = "/api/auth";

/// Headers that describe one connection, not the message, and must not be forwarded.
fn hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "proxy-connection"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "host"
    )
}

/// What a client may claim about the path its request took; this server says that itself.
fn forwarding(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "x-forwarded-for" | "x-forwarded-host" | "x-forwarded-proto" | "x-forwarded-port" | "forwarded" | "x-real-ip"
    )
}

/// The header names a message's `Connection` header lists (they are hop-by-hop too).
fn connection_listed(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The end-to-end headers of `from`, without forwarding claims when `request` is set.
fn copy_headers(from: &HeaderMap, to: &mut HeaderMap, request: bool) {
    let listed = connection_listed(from);
    for (name, value) in from {
        let dropped = hop_by_hop(name) || listed.iter().any(|listed| listed == name.as_str());
        if !(dropped || request && forwarding(name)) {
            to.append(name.clone(), value.clone());
        }
    }
}

/// Whether `path` is a plain path under `/api/auth/`: no segment that is `.` or `..` or that hides a
/// separator, however it is percent-encoded. Anything else is answered here with 404.
pub fn forwardable(path: &str) -> bool {
    let Some(rest) = path.strip_prefix(PREFIX) else { return false };
    if !rest.starts_with('/') {
        return false;
    }
    rest.split('/').skip(1).all(|segment| {
        let decoded = percent_decode_str(segment).collect::<Vec<u8>>();
        decoded != b"." && decoded != b".." && !decoded.iter().any(|b| matches!(b, b'/' | b'\\' | b'\0'))
    })
}

/// A router (to be nested at `/api/auth`) forwarding to `base` (e.g. `http://127.0.0.1:3005`).
pub fn router<S: Clone + Send + Sync + 'static>(base: &str, state: AppState) -> Router<S> {
    let client = super::client(Duration::from_secs(30));
    Router::new().fallback(forward).with_state(Proxy { base: base.trim_end_matches('/').to_owned(), client, state })
}

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    // Nested routers see the path without their prefix; the original URI has all of it.
    let uri = request.extensions().get::<OriginalUri>().map(|o| o.0.clone()).unwrap_or_else(|| request.uri().clone());
    let path = uri.path();
    if !forwardable(path) {
        return problem(404, "Not Found", "no such resource");
    }
    let auth = &proxy.state.auth;
    let client = ClientAddr::of(request.extensions(), request.headers(), &auth.proxies);
    if let Err(wait) = auth.admit(client, &path[PREFIX.len()..]).await {
        return too_many_requests(wait);
    }
    let url = format!("{}{}", proxy.base, uri.path_and_query().map_or(path, |pq| pq.as_str()));
    let (parts, body) = request.into_parts();
    let mut headers = HeaderMap::new();
    copy_headers(&parts.headers, &mut headers, true);
    if let Some(value) = client.0.and_then(|ip| HeaderValue::from_str(&ip.to_string()).ok()) {
        headers.insert("x-forwarded-for", value);
    }
    let outgoing = proxy
        .client
        .request(parts.method, &url)
        .headers(headers)
        .body(reqwest::Body::wrap_stream(body.into_data_stream()));
    match outgoing.send().await {
        Ok(reply) => {
            let mut response = Response::builder().status(reply.status().as_u16());
            if let Some(out) = response.headers_mut() {
                copy_headers(reply.headers(), out, false);
            }
            response.body(Body::from_stream(reply.bytes_stream())).unwrap_or_else(|_| bad_gateway())
        }
        Err(error) => {
            // The path only: a query string may carry a token.
            tracing::warn!(error = %error.without_url(), path, "the Better Auth upstream did not answer");
            bad_gateway()
        }
    }
}

fn problem(status: u16, title: &str, detail: &str) -> Response {
    Problem::new(status, title, Some(detail.to_owned())).into_response()
}

fn bad_gateway() -> Response {
    let mut response = problem(502, "Bad Gateway", "the authentication server is unreachable");
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

#[cfg(test)]
mod tests {
    use super::forwardable;

    #[test]
    fn only_plain_paths_under_the_prefix_are_forwarded() {
        assert!(forwardable("/api/auth/get-session"));
        assert!(forwardable("/api/auth/sign-in/email"));
        for path in [
            "/api/auth/../../internal/admin",
            "/api/auth/%2e%2e/%2E%2E/internal/admin",
            "/api/auth/.%2e/internal",
            "/api/auth/%2e./internal",
            "/api/auth/./get-session",
            "/api/auth/..%2f..%2finternal",
            "/api/auth/..%5cinternal",
            "/api/authx/get-session",
            "/api/internal",
        ] {
            assert!(!forwardable(path), "{path}");
        }
    }
}
