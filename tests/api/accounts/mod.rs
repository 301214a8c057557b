//! Account management (issue 13's server side): devices and sessions, password change and reset by
//! email, email verification and change, profile, and deleting an account. Mail goes to a real SMTP
//! server on loopback (`common::smtp`) and its links are followed.
use std::{sync::Arc, time::Duration};

use reqwest::{Response, redirect::Policy};
use serde_json::{Value, json};
use ticklist::config::Config;

use crate::common::{Backend, smtp::SmtpSink};
use crate::helpers::TestApp;

mod delete;
mod email;
mod password;
mod sessions;

/// The origin the tests' `BETTER_AUTH_URL` names, sent on every POST.
const ORIGIN: &str = "http://127.0.0.1:3000";
/// How long a test waits for a message.
pub const MAIL_WAIT: Duration = Duration::from_secs(10);

/// An app whose mail goes to a loopback SMTP server, and a client that does not follow redirects.
pub struct MailApp {
    pub app: TestApp,
    pub smtp: Arc<SmtpSink>,
    pub client: reqwest::Client,
}

impl MailApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let smtp = SmtpSink::start().await;
        let url = smtp.url();
        let app = TestApp::spawn_with(backend, |config| {
            config.accounts.smtp_url = Some(ticklist::config::Secret::new(url));
            configure(config);
        })
        .await;
        let client = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        Self { app, smtp, client }
    }

    /// A link from a message, pointed at this test server instead of `BETTER_AUTH_URL`.
    pub fn local(&self, link: &str) -> String {
        link.replacen(ORIGIN, &self.app.address, 1)
    }

    pub async fn post(&self, path: &str, cookie: Option<&str>, body: Value) -> Response {
        let mut request =
            self.client.post(self.app.url(&format!("/api/auth{path}"))).header("origin", ORIGIN).json(&body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut request = self.client.get(self.app.url(&format!("/api/auth{path}")));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    /// Signs up `email` and returns the session cookie (`name=value`).
    pub async fn sign_up(&self, email: &str, password: &str) -> String {
        let response = self
            .post("/sign-up/email", None, json!({"name": "Account User", "email": email, "password": password}))
            .await;
        assert_eq!(response.status(), 200, "sign-up of {email}");
        session_cookie(&response).expect("a session cookie")
    }

    /// Signs in (as another device, by user agent) and returns the session cookie.
    pub async fn sign_in(&self, email: &str, password: &str, device: &str) -> Response {
        self.client
            .post(self.app.url("/api/auth/sign-in/email"))
            .header("origin", ORIGIN)
            .header("user-agent", device)
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// Whether `cookie` still opens a session.
    pub async fn is_signed_in(&self, cookie: &str) -> bool {
        let body: Value = self.get("/get-session", Some(cookie)).await.json().await.unwrap();
        !body.is_null()
    }

    /// A JWT for the session `cookie`.
    pub async fn jwt(&self, cookie: &str) -> String {
        let body: Value = self.get("/token", Some(cookie)).await.json().await.unwrap();
        body["token"].as_str().expect("a token").to_owned()
    }
}

/// The `name=value` of the session cookie a response set, if it set one with a value.
pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("better-auth.session_token=") && !c.starts_with("better-auth.session_token=;"))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

/// Whether a response clears the session cookie.
pub fn clears_cookies(response: &Response) -> bool {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().starts_with("better-auth.session_token=;"))
}

/// Status and body of a Better Auth answer.
pub async fn answer(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() })
}

pub fn unique_email(tag: &str) -> String {
    format!("{tag}-{}@example.com", rand::random::<u32>())
}

pub const BOTH: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
