//! Security headers. Every response says `nosniff`, may not be framed, and sends only the origin as
//! referrer to other sites. HTML pages get a Content-Security-Policy that allows exactly what the
//! islands need: scripts from this origin or carrying the page's nonce (Leptos puts it on its inline
//! hydration script), `wasm-unsafe-eval` to instantiate the WASM module, and nothing inline otherwise.
use axum::{
    Router,
    http::{HeaderValue, header},
};
use tower_http::set_header::SetResponseHeaderLayer;

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
