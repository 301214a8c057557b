//! Better Auth's session cookie: `encodeURIComponent(token "." base64(HMAC-SHA256(secret, token)))`,
//! named `better-auth.session_token` (`__Secure-` prefixed on https), and the `Set-Cookie` lines in
//! better-call's attribute order.
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::Sha256;

/// The characters `encodeURIComponent` escapes.
pub(crate) const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Session lifetime: 7 days.
pub const SESSION_MAX_AGE: i64 = 7 * 24 * 3600;

/// Cookie names and attributes for one deployment.
#[derive(Debug, Clone)]
pub struct CookieConfig {
    secure: bool,
}

fn signature(token: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(token.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

/// The cookie value for a session token.
pub fn sign(token: &str, secret: &str) -> String {
    utf8_percent_encode(&format!("{token}.{}", signature(token, secret)), URI_COMPONENT).to_string()
}

/// The session token inside a signed cookie value, when its signature verifies.
pub fn verify(value: &str, secret: &str) -> Option<String> {
    let value = value.trim_matches('"');
    let decoded = percent_decode_str(value).decode_utf8().ok()?;
    let (token, given) = decoded.rsplit_once('.')?;
    if given.len() != 44 || !given.ends_with('=') {
        return None;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(token.as_bytes());
    let given = B64.decode(given).ok()?;
    mac.verify_slice(&given).ok()?;
    Some(token.to_owned())
}

/// The first value of cookie `name` in a `Cookie` header (the first occurrence wins).
pub fn find<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| key.trim() == name)
        .map(|(_, value)| value.trim())
}

impl CookieConfig {
    /// `secure` when the base URL is https.
    pub fn new(base_url: &str) -> Self {
        Self { secure: base_url.starts_with("https://") }
    }

    fn prefix(&self) -> &'static str {
        if self.secure { "__Secure-better-auth" } else { "better-auth" }
    }

    /// `better-auth.session_token` or `__Secure-better-auth.session_token`.
    pub fn session_name(&self) -> String {
        format!("{}.session_token", self.prefix())
    }

    pub fn dont_remember_name(&self) -> String {
        format!("{}.dont_remember", self.prefix())
    }

    fn line(&self, name: &str, value: &str, max_age: Option<i64>) -> String {
        let mut line = format!("{name}={value}");
        if let Some(max_age) = max_age {
            line.push_str(&format!("; Max-Age={max_age}"));
        }
        line.push_str("; Path=/; HttpOnly");
        if self.secure {
            line.push_str("; Secure");
        }
        line.push_str("; SameSite=Lax");
        line
    }

    /// `Set-Cookie` for a session; without `Max-Age` (a browser-session cookie) when not remembered.
    pub fn session(&self, token: &str, secret: &str, remember: bool) -> String {
        self.line(&self.session_name(), &sign(token, secret), remember.then_some(SESSION_MAX_AGE))
    }

    /// `Set-Cookie` for `dont_remember=true`, signed like the session cookie.
    pub fn dont_remember(&self, secret: &str) -> String {
        self.line(&self.dont_remember_name(), &sign("true", secret), None)
    }

    /// The three clearing `Set-Cookie` lines Better Auth sends on sign-out and dead sessions.
    pub fn clear(&self) -> [String; 3] {
        ["session_token", "session_data", "dont_remember"]
            .map(|suffix| self.line(&format!("{}.{suffix}", self.prefix()), "", Some(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "peer-test-secret-0123456789abcdefghijklmnopqrstuvwxyz";

    #[test]
    fn the_captured_cookie_signature_matches() {
        let value = sign("51xrHgs9Y29sSoRLM5xnCql4rS43xx5G", SECRET);
        assert_eq!(value, "51xrHgs9Y29sSoRLM5xnCql4rS43xx5G.Ur0HoI%2FrjAybdXcYr74lXpe8PrrtsTg4WP4ASskpH%2BQ%3D");
        assert_eq!(verify(&value, SECRET).as_deref(), Some("51xrHgs9Y29sSoRLM5xnCql4rS43xx5G"));
        let raw = "51xrHgs9Y29sSoRLM5xnCql4rS43xx5G.Ur0HoI/rjAybdXcYr74lXpe8PrrtsTg4WP4ASskpH+Q=";
        assert!(verify(raw, SECRET).is_some(), "unencoded values are accepted too");
    }

    #[test]
    fn tampered_or_foreign_cookies_do_not_verify() {
        let value = sign("51xrHgs9Y29sSoRLM5xnCql4rS43xx5G", SECRET);
        assert_eq!(verify(&value.replacen('5', "6", 1), SECRET), None);
        assert_eq!(verify(&value, "another secret"), None);
        assert_eq!(verify("garbage", SECRET), None);
        assert_eq!(verify("", SECRET), None);
    }

    #[test]
    fn set_cookie_lines_follow_better_calls_order() {
        let cookies = CookieConfig::new("http://127.0.0.1:3000");
        assert_eq!(
            cookies.session("t", SECRET, true),
            format!("better-auth.session_token={}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax", sign("t", SECRET))
        );
        assert_eq!(cookies.clear()[0], "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
        let secure = CookieConfig::new("https://tick.example");
        assert!(secure.session("t", SECRET, false).starts_with("__Secure-better-auth.session_token="));
        assert!(secure.session("t", SECRET, false).ends_with("; Path=/; HttpOnly; Secure; SameSite=Lax"));
    }

    #[test]
    fn the_first_cookie_of_a_name_wins() {
        assert_eq!(
            find("a=1; better-auth.session_token=x; better-auth.session_token=y", "better-auth.session_token"),
            Some("x")
        );
        assert_eq!(find("a=1", "b"), None);
    }
}
