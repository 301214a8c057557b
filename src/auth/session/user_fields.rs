//! The rules for a user's profile fields, the same for the JSON endpoints and the no-JavaScript forms.
//! Better Auth's own schema leaves `name` and `image` unbounded; Ticklist bounds them, because every
//! field travels in each JWT and a token larger than the verifier accepts would lock its user out.
use super::super::AuthError;

use crate::model::{EMAIL_MAX, NAME_MAX};
/// Longest image URL, in bytes.
pub const IMAGE_MAX: usize = 2048;

/// A deliberately simple email rule: one `@`, something before it, a dotted domain after, no spaces,
/// at most [`EMAIL_MAX`] characters.
pub fn is_email(email: &str) -> bool {
    email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !email.chars().any(char::is_whitespace)
        && email.chars().count() <= EMAIL_MAX
}

/// [`is_email`] for the body field `email`.
pub fn email(email: &str) -> Result<(), AuthError> {
    email_in("email", email)
}

/// [`is_email`] for the body field `field`.
pub fn email_in(field: &str, email: &str) -> Result<(), AuthError> {
    if is_email(email) { Ok(()) } else { Err(AuthError::validation(format!("[body.{field}] Invalid email address"))) }
}

/// At most [`NAME_MAX`] characters.
pub fn name(name: &str) -> Result<(), AuthError> {
    if name.chars().count() <= NAME_MAX {
        Ok(())
    } else {
        Err(AuthError::validation(format!("[body.name] Too big: expected string to have <={NAME_MAX} characters")))
    }
}

/// An absolute `https:` or `http:` URL of at most [`IMAGE_MAX`] bytes (never `javascript:`, `data:`, …).
pub fn image(image: Option<&str>) -> Result<(), AuthError> {
    let Some(image) = image else { return Ok(()) };
    if image.len() > IMAGE_MAX {
        return Err(AuthError::validation(format!(
            "[body.image] Too big: expected string to have <={IMAGE_MAX} characters"
        )));
    }
    match url::Url::parse(image) {
        Ok(url) if matches!(url.scheme(), "https" | "http") && url.host().is_some() => Ok(()),
        _ => Err(AuthError::validation("[body.image] Invalid URL: expected an http(s) URL")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_images_and_emails_are_bounded() {
        assert!(name(&"n".repeat(NAME_MAX)).is_ok());
        assert!(name(&"n".repeat(NAME_MAX + 1)).is_err());
        assert!(image(None).is_ok());
        assert!(image(Some("https://cdn.example/a.png")).is_ok());
        for bad in ["javascript:alert(1)", "data:image/png;base64,AAAA", "/relative.png", "https://"] {
            assert!(image(Some(bad)).is_err(), "{bad}");
        }
        assert!(image(Some(&format!("https://cdn.example/{}", "a".repeat(IMAGE_MAX)))).is_err());
        assert!(email("a@b.co").is_ok());
        assert!(email(&format!("{}@b.co", "a".repeat(EMAIL_MAX))).is_err());
        assert!(email("a b@c.de").is_err());
    }
}
