//! External mode: `/api/auth/*` proxied to an upstream Better Auth, its tokens verified through its
//! JWKS, server-side rendering and the no-JavaScript forms resolved through it.
use serde_json::{Value, json};

use super::*;
use crate::common::Backend;
use crate::helpers::TestApp;

/// An app in external mode (`BETTER_AUTH_UPSTREAM` and its JWKS) in front of an upstream Better Auth
/// speaker: our embedded one (the real better-auth package is exercised the same way by the end2end
/// interop tests). Returns the upstream and the app.
async fn external_mode_app() -> (TestApp, TestApp) {
    let upstream = TestApp::spawn().await;
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.upstream = Some(upstream.address.clone());
        config.jwks_url = Some(format!("{}/api/auth/jwks", upstream.address));
    })
    .await;
    (upstream, app)
}

#[tokio::test]
async fn external_mode_proxies_auth_and_accepts_the_upstreams_tokens() {
    let (upstream, app) = external_mode_app().await;
    let response = app.sign_up(&email(), "password123").await;
    assert_eq!(response.status(), 200, "proxied sign-up");
    let cookie = session_cookie(&response);
    let session = app.get_session(&cookie).await;
    let jwt = session.headers()["set-auth-jwt"].to_str().unwrap().to_owned();
    let user_id = session.json::<Value>().await.unwrap()["user"]["id"].as_str().unwrap().to_owned();
    let tasks = app.client.get(app.url(&format!("/api/{user_id}/tasks"))).bearer_auth(&jwt).send().await.unwrap();
    assert_eq!(tasks.status(), 200);
    assert!(app.state.store.public_keys().await.unwrap().is_empty(), "no keys of its own");
    let own_user = upstream.user().await; // signed by the upstream too: accepted
    let other_instance = TestApp::spawn().await.user().await; // another instance's keys: refused
    for (token, user_id, status) in
        [(&own_user.token, &own_user.id, 200), (&other_instance.token, &other_instance.id, 401)]
    {
        let response =
            app.client.get(app.url(&format!("/api/{user_id}/tasks"))).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), status);
    }
}

#[tokio::test]
async fn external_mode_resolves_the_session_cookie_through_the_upstream() {
    let (_upstream, app) = external_mode_app().await;
    let address = email();
    let cookie = session_cookie(&app.sign_up(&address, "password123").await);
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("cookie", cookie.parse().unwrap());

    let user = ticklist::auth::current_user(&app.state, &headers).await.expect("signed in upstream");
    assert_eq!((user.name.as_str(), user.email.as_str()), ("Flow User", address.as_str()));
    assert!(app.state.store.user_by_email(&address).await.unwrap().is_none(), "no local copy of the user");

    let signed_out = app
        .client
        .post(app.url("/api/auth/sign-out"))
        .header("cookie", &cookie)
        .header("origin", app.state.config.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 200);
    assert!(ticklist::auth::current_user(&app.state, &headers).await.is_none(), "signed out upstream");
    assert!(ticklist::auth::current_user(&app.state, &axum::http::HeaderMap::new()).await.is_none());
}

#[tokio::test]
async fn external_mode_no_javascript_forms_sign_up_sign_out_and_sign_in_on_the_upstream() {
    let (upstream, app) = external_mode_app().await;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let origin = app.state.config.origin();
    let post = |path: &str, form: &[(&str, &str)], cookie: Option<&str>| {
        let mut request = browser.post(app.url(path)).header("origin", &origin).form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let user_for = |cookie: String| {
        let state = app.state.clone();
        async move {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert("cookie", cookie.parse().unwrap());
            ticklist::auth::current_user(&state, &headers).await
        }
    };
    let address = email();

    let signed_up = post("/sign-up", &[("name", "Form User"), ("email", &address), ("password", "password123")], None)
        .await
        .unwrap();
    assert_eq!(signed_up.status(), 303);
    assert_eq!(signed_up.headers()["location"], "/");
    let cookie = session_cookie(&signed_up);
    assert_eq!(user_for(cookie.clone()).await.expect("signed in upstream").email, address);
    assert!(upstream.state.store.user_by_email(&address).await.unwrap().is_some(), "the user lives upstream");

    let signed_out = post("/sign-out", &[], Some(&cookie)).await.unwrap();
    assert_eq!(signed_out.status(), 303);
    assert!(set_cookies(signed_out.headers()).iter().any(|c| c.starts_with("better-auth.session_token=;")));
    assert!(user_for(cookie).await.is_none(), "the session ended upstream");

    let refused = post("/sign-in", &[("email", &address), ("password", "wrong-password")], None).await.unwrap();
    assert_eq!(refused.status(), 303);
    let location = refused.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/sign-in?error=INVALID_EMAIL_OR_PASSWORD&email="), "{location}");

    let signed_in =
        post("/sign-in", &[("email", &address), ("password", "password123"), ("next", "/?status=pending")], None)
            .await
            .unwrap();
    assert_eq!(signed_in.status(), 303);
    assert_eq!(signed_in.headers()["location"], "/?status=pending");
    assert_eq!(user_for(session_cookie(&signed_in)).await.expect("signed in again").email, address);
}

#[tokio::test]
async fn external_mode_answers_502_when_the_upstream_is_down() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| config.upstream = Some("http://127.0.0.1:9".into())).await;
    let response = app.client.get(app.url("/api/auth/get-session")).send().await.unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

/// A stand-in upstream that records the path and headers of every request it gets and answers `{}`.
#[derive(Clone, Default)]
struct Recorder {
    seen: std::sync::Arc<std::sync::Mutex<Vec<(String, axum::http::HeaderMap)>>>,
}

impl Recorder {
    async fn spawn() -> (Recorder, String) {
        let recorder = Recorder::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let router = axum::Router::new().fallback({
            let recorder = recorder.clone();
            move |request: axum::extract::Request| async move {
                let path = request.uri().path_and_query().map(|pq| pq.to_string()).unwrap_or_default();
                recorder.seen.lock().unwrap().push((path, request.headers().clone()));
                axum::Json(json!({}))
            }
        });
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        (recorder, address)
    }

    fn paths(&self) -> Vec<String> {
        self.seen.lock().unwrap().iter().map(|(path, _)| path.clone()).collect()
    }
}

/// Sends `head` (request line and headers, without the final blank line) over a raw connection, so
/// that paths reach the server exactly as written (HTTP clients normalize `..` away); the status.
async fn raw_status(app: &TestApp, head: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(format!("{head}\r\nHost: {address}\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer.split(' ').nth(1).and_then(|status| status.parse().ok()).expect("an HTTP status line")
}

async fn app_in_front_of(upstream: &str, configure: impl FnOnce(&mut ticklist::config::Config)) -> TestApp {
    let upstream = upstream.to_owned();
    TestApp::spawn_with(Backend::Sqlite, move |config| {
        config.upstream = Some(upstream.clone());
        config.jwks_url = Some(format!("{upstream}/api/auth/jwks"));
        configure(config);
    })
    .await
}

#[tokio::test]
async fn external_mode_forwards_only_normalized_paths_under_api_auth() {
    let (recorder, upstream) = Recorder::spawn().await;
    let app = app_in_front_of(&upstream, |_| {}).await;
    for path in [
        "/api/auth/../../internal/admin",
        "/api/auth/%2e%2e/%2e%2e/internal/admin",
        "/api/auth/%2E%2E/%2e./internal/admin",
        "/api/auth/..%2f..%2finternal/admin",
        "/api/auth/./get-session",
    ] {
        assert_eq!(raw_status(&app, &format!("GET {path} HTTP/1.1")).await, 404, "{path}");
    }
    assert_eq!(raw_status(&app, "GET /api/auth/get-session?x=1 HTTP/1.1").await, 200);
    assert_eq!(recorder.paths(), ["/api/auth/get-session?x=1"], "nothing else reached the upstream");
}

#[tokio::test]
async fn external_mode_sets_forwarded_for_itself_and_drops_connection_headers() {
    let (recorder, upstream) = Recorder::spawn().await;
    let app = app_in_front_of(&upstream, |_| {}).await;
    let head = "GET /api/auth/get-session HTTP/1.1\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Host: evil.example\r\n\
                Forwarded: for=6.6.6.6\r\nX-Secret-Hop: 1\r\nConnection: close, X-Secret-Hop";
    assert_eq!(raw_status(&app, head).await, 200);
    let (_, headers) = recorder.seen.lock().unwrap()[0].clone();
    assert_eq!(headers["x-forwarded-for"], "127.0.0.1", "the peer, not the client's claim");
    for dropped in ["x-forwarded-host", "forwarded", "x-secret-hop"] {
        assert!(!headers.contains_key(dropped), "{dropped} was forwarded");
    }
}

#[tokio::test]
async fn external_mode_applies_the_local_rate_limits_to_proxied_sign_ins() {
    let (recorder, upstream) = Recorder::spawn().await;
    let app = app_in_front_of(&upstream, |config| config.rate_limit = true).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(app.auth_post("/sign-in/email", json!({"email": email(), "password": "x"})).await.status());
    }
    assert_eq!(statuses, [200, 200, 200, 429]);
    assert_eq!(recorder.paths().len(), 3, "the fourth never reached the upstream");
}
