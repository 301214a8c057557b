//! Security headers. Every response says `nosniff`, may not be framed, and sends only the origin as
//! referrer to other sites. HTML pages get a Content-Security-Policy that allows exactly what the
//! islands need: scripts from this origin or carrying the page's nonce (Leptos puts it on its inline
//! hydration script), `wasm-unsafe-eval` to instantiate the WASM module, and nothing inline otherwise.
use axum::{
    Router,
    extract::Request,
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};
use base64::Engine as _;
use rand::RngCore as _;
use tower_http::set_header::SetResponseHeaderLayer;

/// The nonce of one page response: made by [`page_policy`] before the page renders, handed to Leptos
/// (which puts it on its inline scripts) through the request's extensions, and named in the page's
/// Content-Security-Policy.
#[derive(Clone, Debug)]
pub struct PageNonce(pub String);

impl PageNonce {
    /// 128 random bits, base64url as CSP nonces are usually written.
    fn new() -> Self {
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// Middleware for the server-rendered pages: gives each request a fresh [`PageNonce`] and each HTML
/// response the policy naming it. Set here rather than by the page itself, so that no HTML response
/// (an error page, a fallback) can leave without its policy.
pub async fn page_policy(mut request: Request, next: Next) -> Response {
    let nonce = PageNonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let is_html =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    if is_html
        && !response.headers().contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(value) = HeaderValue::from_str(&content_security_policy(Some(&nonce.0)))
    {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// The Content-Security-Policy of a page whose inline scripts carry `nonce` (pages without inline
/// scripts get `None`).
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let nonce = nonce.map(|nonce| format!(" 'nonce-{nonce}'")).unwrap_or_default();
    // `cargo leptos watch` reloads pages over a websocket on another port; release builds have none.
    let reload = if cfg!(debug_assertions) { " ws:" } else { "" };
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'{reload}; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Adds the headers every response carries (unless a handler set its own). Server-rendered pages set
/// their own Content-Security-Policy with their nonce (see the app's shell).
pub fn with_security_headers(app: Router) -> Router {
    app.layer(SetResponseHeaderLayer::if_not_present(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    ))
}

#[cfg(test)]
mod tests {
    use super::content_security_policy;

    #[test]
    fn the_policy_allows_no_inline_script_without_the_nonce() {
        let policy = content_security_policy(Some("abc"));
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!content_security_policy(None).contains("nonce"));
    }
}
