//! Better Auth's origin and CSRF rules (`origin-check`): which origins are trusted, and when a POST
//! must carry one.
use axum::http::HeaderMap;

use crate::auth::AuthError;
use crate::config::origin_of;
use axum::http::StatusCode;

/// The origins a request may come from: the base URL's, plus `BETTER_AUTH_TRUSTED_ORIGINS`
/// (wildcards like `*.example.com` and `https://*.example.com` allowed).
#[derive(Debug, Clone)]
pub struct TrustedOrigins {
    patterns: Vec<String>,
}

impl TrustedOrigins {
    pub fn new(base_origin: &str, extra: &[String]) -> Self {
        let canonical = |pattern: &str| match pattern.contains('*') {
            true => pattern.to_ascii_lowercase(),
            false => origin_of(pattern).unwrap_or_else(|| pattern.to_ascii_lowercase()),
        };
        let mut patterns = vec![canonical(base_origin)];
        patterns.extend(extra.iter().map(|o| canonical(o)));
        Self { patterns }
    }

    /// Whether `origin` (`scheme://host[:port]`) is trusted. It is parsed as a browser parses it first,
    /// so wildcards match the host the browser would really use.
    pub fn trusts(&self, origin: &str) -> bool {
        origin_of(origin).is_some_and(|origin| self.patterns.iter().any(|pattern| matches(pattern, &origin)))
    }

    /// Where a callback URL may send the browser: a path on this site (cleaned as a browser reads
    /// it), or an absolute URL on a trusted origin; `None` for anything else.
    pub fn callback(&self, url: &str) -> Option<String> {
        if let Some(path) = crate::redirect::local_path(url) {
            return Some(path);
        }
        let absolute = origin_of(url).is_some_and(|origin| self.trusts(&origin));
        absolute.then(|| url.to_owned())
    }
}

/// Whether a canonical origin matches a pattern (exact, or with one `*` standing for a non-empty run).
fn matches(pattern: &str, origin: &str) -> bool {
    let Some(star) = pattern.find('*') else { return pattern == origin };
    let (prefix, suffix) = (&pattern[..star], &pattern[star + 1..]);
    let host_part = origin.split_once("://").map_or(origin, |(_, host)| host);
    let subject = if prefix.contains("://") { origin } else { host_part };
    subject.len() > prefix.len() + suffix.len() && subject.starts_with(prefix) && subject.ends_with(suffix)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The origin a request claims: `Origin`, else the origin of `Referer`.
fn claimed_origin(headers: &HeaderMap) -> Option<String> {
    match header(headers, "origin") {
        Some(origin) => Some(origin.to_owned()),
        None => header(headers, "referer").and_then(origin_of),
    }
}

fn forbidden(message: &str, code: &'static str) -> AuthError {
    AuthError::new(StatusCode::FORBIDDEN, message, code)
}

/// Checks the claimed origin of a request that must have one.
fn require_trusted_origin(headers: &HeaderMap, trusted: &TrustedOrigins) -> Result<(), AuthError> {
    match claimed_origin(headers).as_deref() {
        None => Err(forbidden("Missing or null Origin", "MISSING_OR_NULL_ORIGIN")),
        Some("null") if header(headers, "sec-fetch-site") == Some("same-origin") => Ok(()),
        Some("null") => Err(forbidden("Missing or null Origin", "MISSING_OR_NULL_ORIGIN")),
        Some(origin) if trusted.trusts(origin) => Ok(()),
        Some(_) => Err(forbidden("Invalid origin", "INVALID_ORIGIN")),
    }
}

/// The global rule for state-changing requests: with a cookie, a trusted origin is required.
pub fn check_cookie_request(headers: &HeaderMap, trusted: &TrustedOrigins) -> Result<(), AuthError> {
    if headers.contains_key("cookie") { require_trusted_origin(headers, trusted) } else { Ok(()) }
}

/// The extra rule on sign-in and sign-up (which usually carry no cookie): browsers and fetch (which
/// send `Sec-Fetch-*`) must send a trusted origin; cross-site navigations are refused outright.
pub fn check_login_request(headers: &HeaderMap, trusted: &TrustedOrigins) -> Result<(), AuthError> {
    if headers.contains_key("cookie") {
        return require_trusted_origin(headers, trusted);
    }
    let fetch_metadata =
        ["sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest"].iter().any(|name| headers.contains_key(*name));
    if fetch_metadata {
        if header(headers, "sec-fetch-site") == Some("cross-site")
            && header(headers, "sec-fetch-mode") == Some("navigate")
        {
            return Err(forbidden(
                "Cross-site navigation login blocked. This request appears to be a CSRF attack.",
                "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
            ));
        }
        return require_trusted_origin(headers, trusted);
    }
    if claimed_origin(headers).is_some() {
        return require_trusted_origin(headers, trusted);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap())).collect()
    }

    #[test]
    fn wildcards_and_exact_origins_are_trusted() {
        let trusted =
            TrustedOrigins::new("http://127.0.0.1:3000", &["*.example.com".into(), "https://*.tick.dev".into()]);
        assert!(trusted.trusts("http://127.0.0.1:3000"));
        assert!(trusted.trusts("https://app.example.com"));
        assert!(trusted.trusts("https://a.tick.dev"));
        assert!(!trusted.trusts("http://a.tick.dev"));
        assert!(!trusted.trusts("https://example.com.evil.net"));
        assert!(!trusted.trusts("http://127.0.0.1:3001"));
        assert_eq!(trusted.callback("/dashboard").as_deref(), Some("/dashboard"));
        assert_eq!(trusted.callback("https://a.tick.dev/x").as_deref(), Some("https://a.tick.dev/x"));
        for refused in ["//evil.net/x", "/\t/evil.net", "/\\evil.net", "https://evil.net/x"] {
            assert_eq!(trusted.callback(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn wildcards_match_the_host_a_browser_would_use() {
        let trusted = TrustedOrigins::new("http://127.0.0.1:3000", &["https://*.tick.dev".into()]);
        assert!(!trusted.trusts("https://evil.example\\.tick.dev"), "a browser reads host evil.example");
        assert!(!trusted.trusts("https://evil.example/.tick.dev"));
        assert!(!trusted.trusts("https://evil.example?.tick.dev"));
        assert!(!trusted.trusts("https://evil.example#.tick.dev"));
        assert!(!trusted.trusts("https://user@evil.example\\.tick.dev"));
        assert!(!trusted.trusts("https://.tick.dev"));
        assert!(trusted.trusts("https://App.Tick.Dev"));
    }

    #[test]
    fn login_rules_follow_better_auth() {
        let trusted = TrustedOrigins::new("http://127.0.0.1:3000", &[]);
        assert!(check_login_request(&headers(&[]), &trusted).is_ok(), "server to server");
        let code =
            |h: &[(&'static str, &'static str)]| check_login_request(&headers(h), &trusted).err().and_then(|e| e.code);
        assert_eq!(code(&[("sec-fetch-mode", "cors")]), Some("MISSING_OR_NULL_ORIGIN"));
        assert_eq!(code(&[("sec-fetch-mode", "cors"), ("origin", "http://evil.net")]), Some("INVALID_ORIGIN"));
        assert_eq!(code(&[("sec-fetch-mode", "cors"), ("origin", "http://127.0.0.1:3000")]), None);
        assert_eq!(
            code(&[("sec-fetch-site", "cross-site"), ("sec-fetch-mode", "navigate")]),
            Some("CROSS_SITE_NAVIGATION_LOGIN_BLOCKED")
        );
        assert_eq!(code(&[("referer", "http://127.0.0.1:3000/sign-in")]), None);
        assert_eq!(code(&[("origin", "null"), ("sec-fetch-site", "same-origin")]), None);
    }
}
