//! The Better Auth endpoints, by subject: the embedded server (`embedded`), its cookies and origin
//! rules (`cookies_origin`), external mode in front of another Better Auth (`external`), and the
//! account page's no-JavaScript forms (`account_forms`).
use reqwest::{Response, header::HeaderMap};
use serde_json::{Value, json};

use crate::helpers::TestApp;

mod account_forms;
mod cookies_origin;
mod embedded;
mod external;

const ORIGIN: &str = "http://127.0.0.1:3000";

fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

/// The `name=value` part of the session cookie a response set.
fn session_cookie(response: &Response) -> String {
    set_cookies(response.headers())
        .into_iter()
        .find(|c| c.starts_with("better-auth.session_token="))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .expect("a session cookie")
}

async fn error_of(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    assert_eq!(response.headers()["content-type"], "application/json");
    (status, response.json().await.unwrap())
}

impl TestApp {
    async fn auth_post(&self, path: &str, body: Value) -> Response {
        self.client
            .post(self.url(&format!("/api/auth{path}")))
            .header("origin", ORIGIN)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn sign_up(&self, email: &str, password: &str) -> Response {
        self.auth_post("/sign-up/email", json!({"name": "Flow User", "email": email, "password": password})).await
    }

    async fn get_session(&self, cookie: &str) -> Response {
        self.client.get(self.url("/api/auth/get-session")).header("cookie", cookie).send().await.unwrap()
    }
}

fn email() -> String {
    format!("flow-{}@example.com", rand::random::<u32>())
}
