//! Session cookies and the origin (CSRF) rules: remember-me, sign-out, trusted origins, callback URLs.
use serde_json::{Value, json};

use super::*;
use crate::common::Backend;
use crate::helpers::TestApp;

#[tokio::test]
async fn remember_me_false_gives_a_browser_session_cookie() {
    let app = TestApp::spawn().await;
    let address = email();
    app.sign_up(&address, "password123").await;
    let response = app
        .auth_post("/sign-in/email", json!({"email": address, "password": "password123", "rememberMe": false}))
        .await;
    let cookies = set_cookies(response.headers());
    assert_eq!(cookies.len(), 2);
    assert!(
        cookies[0].starts_with("better-auth.session_token=")
            && cookies[0].ends_with("; Path=/; HttpOnly; SameSite=Lax")
    );
    assert!(!cookies[0].contains("Max-Age"));
    assert!(cookies[1].starts_with("better-auth.dont_remember=true."));
    let token = response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let (session, _) = app.state.store.session_by_token(&token).await.unwrap().unwrap();
    let lifetime = session.expires_at - session.created_at;
    assert_eq!(lifetime.num_hours(), 24);
}

#[tokio::test]
async fn callback_urls_must_be_relative_or_trusted() {
    let app = TestApp::spawn().await;
    let address = email();
    app.sign_up(&address, "password123").await;
    let relative = app
        .auth_post("/sign-in/email", json!({"email": address, "password": "password123", "callbackURL": "/dashboard"}))
        .await;
    assert_eq!(relative.status(), 200);
    assert_eq!(relative.headers()["location"], "/dashboard");
    let body: Value = relative.json().await.unwrap();
    assert_eq!((body["redirect"].clone(), body["url"].clone()), (json!(true), json!("/dashboard")));
    let evil = app
        .auth_post(
            "/sign-in/email",
            json!({"email": address, "password": "password123", "callbackURL": "https://evil.example/x"}),
        )
        .await;
    let (status, body) = error_of(evil).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (403, "INVALID_CALLBACK_URL"));
}

#[tokio::test]
async fn bad_or_absent_cookies_give_null_without_set_cookie() {
    let app = TestApp::spawn().await;
    let cookie = session_cookie(&app.sign_up(&email(), "password123").await);
    let tampered = cookie.replacen("session_token=", "session_token=X", 1);
    for value in ["", "better-auth.session_token=garbage", tampered.as_str()] {
        let response = app.get_session(value).await;
        assert_eq!(response.status(), 200);
        assert!(response.headers().get("set-cookie").is_none());
        assert!(response.headers().get("set-auth-jwt").is_none());
        assert_eq!(response.text().await.unwrap(), "null");
    }
    let token = app.client.get(app.url("/api/auth/token")).header("cookie", tampered).send().await.unwrap();
    let (status, body) = error_of(token).await;
    assert_eq!((status, body), (401, json!({"message": "Unauthorized", "code": "UNAUTHORIZED"})));
}

#[tokio::test]
async fn sign_out_needs_a_trusted_origin_then_ends_the_session() {
    let app = TestApp::spawn().await;
    let cookie = session_cookie(&app.sign_up(&email(), "password123").await);
    let url = app.url("/api/auth/sign-out");
    let missing = app.client.post(&url).header("cookie", &cookie).send().await.unwrap();
    let (status, body) = error_of(missing).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (403, "MISSING_OR_NULL_ORIGIN"));
    let evil =
        app.client.post(&url).header("cookie", &cookie).header("origin", "http://evil.example").send().await.unwrap();
    let (status, body) = error_of(evil).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (403, "INVALID_ORIGIN"));
    assert!(app.get_session(&cookie).await.headers().get("set-auth-jwt").is_some(), "still signed in");

    let ok = app.client.post(&url).header("cookie", &cookie).header("origin", ORIGIN).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(set_cookies(ok.headers()).len(), 3);
    assert_eq!(ok.json::<Value>().await.unwrap(), json!({"success": true}));
    let after = app.get_session(&cookie).await;
    let clearing = set_cookies(after.headers());
    assert_eq!(
        clearing,
        [
            "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
            "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
            "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
        ]
    );
    assert_eq!(after.text().await.unwrap(), "null");
}

#[tokio::test]
async fn browsers_must_send_a_trusted_origin_to_sign_in() {
    let app = TestApp::spawn().await;
    let url = app.url("/api/auth/sign-in/email");
    let body = json!({"email": email(), "password": "password123"});
    let no_origin = app.client.post(&url).header("sec-fetch-mode", "cors").json(&body).send().await.unwrap();
    assert_eq!(error_of(no_origin).await.1["code"], "MISSING_OR_NULL_ORIGIN");
    let navigation = app
        .client
        .post(&url)
        .header("sec-fetch-site", "cross-site")
        .header("sec-fetch-mode", "navigate")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(navigation).await.1["code"], "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED");
    let evil = app.client.post(&url).header("origin", "http://evil.example").json(&body).send().await.unwrap();
    assert_eq!(error_of(evil).await.1["code"], "INVALID_ORIGIN");
}

#[tokio::test]
async fn a_session_not_remembered_keeps_its_one_day_lifetime() {
    let app = TestApp::spawn().await;
    let address = email();
    app.sign_up(&address, "password123").await;
    let response = app
        .auth_post("/sign-in/email", json!({"email": address, "password": "password123", "rememberMe": false}))
        .await;
    let cookies: Vec<String> =
        set_cookies(response.headers()).iter().map(|c| c.split(';').next().unwrap().to_owned()).collect();
    let token = response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let (before, _) = app.state.store.session_by_token(&token).await.unwrap().unwrap();

    let session = app.get_session(&cookies.join("; ")).await;
    assert_eq!(session.status(), 200);
    assert!(set_cookies(session.headers()).is_empty(), "no refreshed cookie");
    let (after, _) = app.state.store.session_by_token(&token).await.unwrap().unwrap();
    assert_eq!(after.expires_at, before.expires_at, "not slid forward to 7 days");
    assert_eq!((after.expires_at - after.created_at).num_hours(), 24);
}

#[tokio::test]
async fn callback_urls_that_a_browser_reads_as_another_site_are_refused() {
    let app = TestApp::spawn().await;
    let address = email();
    app.sign_up(&address, "password123").await;
    for callback in ["/\t/evil.example", "/\\evil.example", "\\\\evil.example", "/\n/evil.example", " //evil.example"] {
        let response = app
            .auth_post("/sign-in/email", json!({"email": address, "password": "password123", "callbackURL": callback}))
            .await;
        let (status, body) = error_of(response).await;
        assert_eq!((status, body["code"].as_str().unwrap()), (403, "INVALID_CALLBACK_URL"), "{callback:?}");
    }
}

#[tokio::test]
async fn the_no_javascript_form_never_redirects_off_the_site() {
    let app = TestApp::spawn().await;
    let address = email();
    app.sign_up(&address, "password123").await;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for (next, expected) in
        [("/\t/evil.example", "/"), ("/\\evil.example", "/"), ("/?status=pending", "/?status=pending")]
    {
        let response = browser
            .post(app.url("/sign-in"))
            .header("origin", ORIGIN)
            .form(&[("email", address.as_str()), ("password", "password123"), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], expected, "{next:?}");
    }
}

#[tokio::test]
async fn a_wildcard_trusted_origin_matches_only_the_host_a_browser_would_use() {
    let app =
        TestApp::spawn_with(Backend::Sqlite, |config| config.trusted_origins = vec!["https://*.tick.dev".into()]).await;
    let sign_in = |origin: &'static str| {
        app.client
            .post(app.url("/api/auth/sign-in/email"))
            .header("origin", origin)
            .header("sec-fetch-mode", "cors")
            .json(&json!({"email": email(), "password": "password123"}))
            .send()
    };
    let (status, body) = error_of(sign_in("https://evil.example\\.tick.dev").await.unwrap()).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (403, "INVALID_ORIGIN"));
    let trusted = sign_in("https://app.tick.dev").await.unwrap();
    assert_eq!(trusted.status(), 401, "a trusted origin reaches the credential check");
}
