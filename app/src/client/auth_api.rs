//! Better Auth's endpoints from the browser: sign-up, sign-in, sign-out, and the session (whose
//! `set-auth-jwt` header brings the first access token).
use gloo_net::http::Request;
use serde::Serialize;
use ticklist::model::AuthErrorBody;

use super::token;

/// A refusal from Better Auth, with the field it concerns (for showing it next to that field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFailure {
    /// `email`, `password`, `name`, or `None` for the form as a whole.
    pub field: Option<&'static str>,
    pub message: String,
}

/// Better Auth's error codes in plain words, placed next to the field they are about.
pub fn explain(status: u16, code: Option<&str>, message: &str) -> AuthFailure {
    let (field, text): (Option<&'static str>, String) = match code {
        Some("INVALID_EMAIL_OR_PASSWORD") => {
            (Some("password"), "That email and password don't match an account.".into())
        }
        Some("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") | Some("USER_ALREADY_EXISTS") => {
            (Some("email"), "An account with this email already exists. Sign in instead.".into())
        }
        Some("PASSWORD_TOO_SHORT") => (Some("password"), "Use at least 8 characters.".into()),
        Some("PASSWORD_TOO_LONG") => (Some("password"), "Use at most 128 characters.".into()),
        Some("VALIDATION_ERROR") if message.contains("body.email") => {
            (Some("email"), "Enter a valid email address.".into())
        }
        Some("VALIDATION_ERROR") if message.contains("body.name") => (Some("name"), "Enter your name.".into()),
        Some("VALIDATION_ERROR") if message.contains("body.password") => (Some("password"), "Enter a password.".into()),
        Some("INVALID_ORIGIN") | Some("MISSING_OR_NULL_ORIGIN") => {
            (None, "This page's address isn't allowed to sign in. Open Ticklist from its own address.".into())
        }
        _ if status == 429 => (None, "Too many attempts. Wait a few seconds and try again.".into()),
        _ if status >= 500 => (None, "The server had a problem. Try again in a moment.".into()),
        _ => (None, if message.is_empty() { "Something went wrong. Try again.".into() } else { message.to_owned() }),
    };
    AuthFailure { field, message: text }
}

fn offline() -> AuthFailure {
    AuthFailure { field: None, message: "Can't reach the server. Check your connection and try again.".into() }
}

async fn post(path: &str, body: &impl Serialize) -> Result<(), AuthFailure> {
    let request = Request::post(path).json(body).map_err(|_| offline())?;
    let response = request.send().await.map_err(|_| offline())?;
    if response.ok() {
        return Ok(());
    }
    let error: AuthErrorBody = response.json().await.unwrap_or_default();
    Err(explain(response.status(), error.code.as_deref(), &error.message))
}

/// Signs in; afterwards the session cookie is set and an access token is cached.
pub async fn sign_in(email: &str, password: &str, remember_me: bool) -> Result<(), AuthFailure> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct SignIn<'a> {
        email: &'a str,
        password: &'a str,
        remember_me: bool,
    }
    post("/api/auth/sign-in/email", &SignIn { email, password, remember_me }).await?;
    fetch_session().await.map_err(|_| offline())?;
    Ok(())
}

/// Creates an account and signs in.
pub async fn sign_up(name: &str, email: &str, password: &str) -> Result<(), AuthFailure> {
    #[derive(Serialize)]
    struct SignUp<'a> {
        name: &'a str,
        email: &'a str,
        password: &'a str,
    }
    post("/api/auth/sign-up/email", &SignUp { name, email, password }).await?;
    fetch_session().await.map_err(|_| offline())?;
    Ok(())
}

/// Ends the session and forgets the token.
pub async fn sign_out() {
    let _ = Request::post("/api/auth/sign-out").send().await;
    token::signed_out();
}

/// Reads the session; keeps the JWT from `set-auth-jwt`. `Ok(false)` when signed out.
pub async fn fetch_session() -> Result<bool, gloo_net::Error> {
    let response = Request::get("/api/auth/get-session").send().await?;
    match response.headers().get("set-auth-jwt") {
        Some(jwt) => Ok(token::remember(&jwt).is_some()),
        None => {
            token::forget();
            Ok(false)
        }
    }
}
