//! The embedded Better Auth endpoints: every status and error code of BETTER_AUTH.md, cookies,
//! sessions (expiry, refresh, sign-out), origin rules, rate limits, key rotation, races.
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use reqwest::{Response, header::HeaderMap};
use serde_json::{Value, json};

use crate::common::Backend;
use crate::helpers::TestApp;

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

#[tokio::test]
async fn sign_up_creates_the_user_an_account_and_a_session() {
    let app = TestApp::spawn().await;
    let address = email().to_uppercase();
    let response = app.sign_up(&address, "correct horse battery staple").await;
    assert_eq!(response.status(), 200);
    let cookies = set_cookies(response.headers());
    assert_eq!(cookies.len(), 1);
    assert!(cookies[0].ends_with("; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"), "{}", cookies[0]);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token"].as_str().unwrap().len(), 32);
    let user = &body["user"];
    let keys: Vec<&str> = user.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["name", "email", "emailVerified", "image", "createdAt", "updatedAt", "id"]);
    assert_eq!(user["email"], address.to_lowercase());
    assert_eq!(user["emailVerified"], false);
    assert_eq!(user["image"], Value::Null);
    let stored = app.state.store.credential_password(user["id"].as_str().unwrap()).await.unwrap().unwrap();
    assert_eq!(stored.len(), 161);
    assert!(ticklist::auth::session::password::verify_blocking("correct horse battery staple", &stored));
}

#[tokio::test]
async fn sign_up_errors_have_better_auths_codes() {
    let app = TestApp::spawn().await;
    let taken = email();
    assert_eq!(app.sign_up(&taken, "password123").await.status(), 200);
    let cases = [
        (app.sign_up(&taken.to_uppercase(), "password123").await, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"),
        (app.sign_up(&email(), "short").await, 400, "PASSWORD_TOO_SHORT"),
        (app.sign_up(&email(), &"x".repeat(129)).await, 400, "PASSWORD_TOO_LONG"),
        (app.sign_up("not-an-email", "password123").await, 400, "VALIDATION_ERROR"),
        (app.auth_post("/sign-up/email", json!({"name": "n", "email": email()})).await, 400, "VALIDATION_ERROR"),
    ];
    for (response, status, code) in cases {
        let (got, body) = error_of(response).await;
        assert_eq!((got, body["code"].as_str().unwrap()), (status, code), "{body}");
    }
    let (_, body) = error_of(app.sign_up("not-an-email", "password123").await).await;
    assert_eq!(body["message"], "[body.email] Invalid email address");
    let (_, body) = error_of(app.auth_post("/sign-up/email", json!({"name": "n", "email": email()})).await).await;
    assert_eq!(body["message"], "[body.password] Invalid input: expected string, received undefined");
}

#[tokio::test]
async fn malformed_bodies_and_media_types_are_refused_like_better_auth() {
    let app = TestApp::spawn().await;
    let url = app.url("/api/auth/sign-in/email");
    let empty = app.client.post(&url).send().await.unwrap();
    let (status, body) = error_of(empty).await;
    assert_eq!(
        (status, body["message"].as_str().unwrap()),
        (400, "[body] Invalid input: expected object, received undefined")
    );
    let broken =
        app.client.post(&url).header("content-type", "application/json").body("{\"email\":").send().await.unwrap();
    let (status, body) = error_of(broken).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (400, "BAD_REQUEST"));
    assert_eq!(body["message"], "Invalid JSON in request body");
    let plain = app.client.post(&url).header("content-type", "text/plain").body("x").send().await.unwrap();
    let (status, body) = error_of(plain).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (415, "UNSUPPORTED_MEDIA_TYPE"));
    assert_eq!(
        body["message"],
        "Content-Type \"text/plain\" is not allowed. Allowed types: application/x-www-form-urlencoded, application/json"
    );
}

#[tokio::test]
async fn sign_in_works_with_json_and_forms_and_refuses_bad_credentials_alike() {
    let app = TestApp::spawn().await;
    let address = email();
    app.sign_up(&address, "password123").await;
    let ok = app.auth_post("/sign-in/email", json!({"email": address, "password": "password123"})).await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["redirect"], false);
    assert_eq!(body["user"]["email"], address);
    let form = app
        .client
        .post(app.url("/api/auth/sign-in/email"))
        .header("origin", ORIGIN)
        .form(&[("email", address.as_str()), ("password", "password123")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let wrong =
        error_of(app.auth_post("/sign-in/email", json!({"email": address, "password": "nope-nope"})).await).await;
    let unknown =
        error_of(app.auth_post("/sign-in/email", json!({"email": email(), "password": "password123"})).await).await;
    assert_eq!(wrong, unknown, "an unknown email looks exactly like a wrong password");
    assert_eq!(wrong.0, 401);
    assert_eq!(wrong.1, json!({"message": "Invalid email or password", "code": "INVALID_EMAIL_OR_PASSWORD"}));
}

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
async fn get_session_returns_the_session_and_a_jwt_that_the_api_accepts() {
    let app = TestApp::spawn().await;
    let response = app.sign_up(&email(), "password123").await;
    let cookie = session_cookie(&response);
    let user_id = response.json::<Value>().await.unwrap()["user"]["id"].as_str().unwrap().to_owned();
    let session = app.get_session(&cookie).await;
    assert_eq!(session.status(), 200);
    assert_eq!(session.headers()["cache-control"], "no-store");
    assert_eq!(session.headers()["access-control-expose-headers"], "set-auth-jwt");
    let jwt = session.headers()["set-auth-jwt"].to_str().unwrap().to_owned();
    let body: Value = session.json().await.unwrap();
    let keys: Vec<&str> = body["session"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId", "id"]);
    assert_eq!(body["user"]["id"], user_id.as_str());

    let header: Value = serde_json::from_slice(&B64.decode(jwt.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header.as_object().unwrap().keys().collect::<Vec<_>>(), ["alg", "kid"], "no typ");
    assert_eq!(header["alg"], "EdDSA");
    let claims: Value = serde_json::from_slice(&B64.decode(jwt.split('.').nth(1).unwrap()).unwrap()).unwrap();
    let names: Vec<&str> = claims.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["iat", "name", "email", "emailVerified", "image", "createdAt", "updatedAt", "id", "sub", "exp", "iss", "aud"]
    );
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 900);
    assert_eq!((claims["iss"].as_str(), claims["aud"].as_str()), (Some(ORIGIN), Some(ORIGIN)));

    let tasks = app.client.get(app.url(&format!("/api/{user_id}/tasks"))).bearer_auth(&jwt).send().await.unwrap();
    assert_eq!(tasks.status(), 200);
    let token = app.client.get(app.url("/api/auth/token")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(token.status(), 200);
    let token: Value = token.json().await.unwrap();
    let via_token =
        app.client.get(app.url(&format!("/api/{user_id}/tasks"))).bearer_auth(token["token"].as_str().unwrap());
    assert_eq!(via_token.send().await.unwrap().status(), 200);
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

/// Sets a session's `expiresAt` directly in the database.
async fn force_expiry(app: &TestApp, token: &str, expires_at: chrono::DateTime<chrono::Utc>) {
    let (session, _) = app.state.store.session_by_token(token).await.unwrap().unwrap();
    app.state.store.extend_session(&session.id, expires_at, session.updated_at).await.unwrap();
}

#[tokio::test]
async fn an_expired_session_is_null_cleared_and_deleted() {
    let app = TestApp::spawn().await;
    let response = app.sign_up(&email(), "password123").await;
    let cookie = session_cookie(&response);
    let token = response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    force_expiry(&app, &token, chrono::Utc::now() - chrono::Duration::seconds(1)).await;
    let after = app.get_session(&cookie).await;
    assert_eq!(set_cookies(after.headers()).len(), 3);
    assert_eq!(after.text().await.unwrap(), "null");
    assert!(app.state.store.session_by_token(&token).await.unwrap().is_none(), "the row is gone");
}

#[tokio::test]
async fn a_day_old_session_slides_forward_unless_refresh_is_disabled() {
    let app = TestApp::spawn().await;
    let response = app.sign_up(&email(), "password123").await;
    let cookie = session_cookie(&response);
    let token = response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let fresh = app.get_session(&cookie).await;
    assert!(set_cookies(fresh.headers()).is_empty(), "a new session is not refreshed");
    let day_old = chrono::Utc::now() + chrono::Duration::days(6) - chrono::Duration::minutes(1);
    force_expiry(&app, &token, day_old).await;
    let disabled = app
        .client
        .get(app.url("/api/auth/get-session?disableRefresh=true"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert!(set_cookies(disabled.headers()).is_empty());
    let (session, _) = app.state.store.session_by_token(&token).await.unwrap().unwrap();
    assert!(session.expires_at < chrono::Utc::now() + chrono::Duration::days(6));
    let refreshed = app.get_session(&cookie).await;
    let cookies = set_cookies(refreshed.headers());
    assert_eq!(cookies.len(), 1);
    assert!(cookies[0].starts_with(&cookie) && cookies[0].contains("Max-Age=604800"), "the same signed value again");
    let (session, _) = app.state.store.session_by_token(&token).await.unwrap().unwrap();
    assert!(session.expires_at > chrono::Utc::now() + chrono::Duration::days(6));
}

#[tokio::test]
async fn post_get_session_and_unknown_routes_answer_like_better_auth() {
    let app = TestApp::spawn().await;
    let post = app.client.post(app.url("/api/auth/get-session")).send().await.unwrap();
    let (status, body) = error_of(post).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (405, "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED"));
    assert_eq!(post_headers_no_store(&app).await, "no-store");
    for response in [
        app.client.get(app.url("/api/auth/sign-in/email")).send().await.unwrap(),
        app.client.get(app.url("/api/auth/nope")).send().await.unwrap(),
        app.client.request(reqwest::Method::OPTIONS, app.url("/api/auth/sign-in/email")).send().await.unwrap(),
    ] {
        assert_eq!(response.status(), 404);
        assert!(response.headers().get("allow").is_none());
        assert!(response.text().await.unwrap().is_empty());
    }
    let ok: Value = app.client.get(app.url("/api/auth/ok")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ok, json!({"ok": true}));
}

async fn post_headers_no_store(app: &TestApp) -> String {
    let response = app.client.post(app.url("/api/auth/get-session")).send().await.unwrap();
    response.headers()["cache-control"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn token_with_a_dead_session_is_401_and_clears_the_cookies() {
    let app = TestApp::spawn().await;
    let cookie = session_cookie(&app.sign_up(&email(), "password123").await);
    let signed_out = app.client.post(app.url("/api/auth/sign-out")).header("cookie", &cookie).header("origin", ORIGIN);
    assert_eq!(signed_out.send().await.unwrap().status(), 200);
    let token = app.client.get(app.url("/api/auth/token")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(set_cookies(token.headers()).len(), 3);
    let (status, body) = error_of(token).await;
    assert_eq!((status, body), (401, json!({"message": "Unauthorized", "code": "UNAUTHORIZED"})));
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
async fn the_jwks_publishes_the_signing_key_without_private_parts() {
    let app = TestApp::spawn().await;
    let jwks: Value = app.client.get(app.url("/api/auth/jwks")).send().await.unwrap().json().await.unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "created on first use");
    let names: Vec<&str> = keys[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(names, ["alg", "crv", "x", "kty", "kid"]);
    assert_eq!((keys[0]["alg"].as_str(), keys[0]["crv"].as_str()), (Some("EdDSA"), Some("Ed25519")));
    let row = app.state.store.public_keys().await.unwrap().remove(0);
    assert!(row.private_key.starts_with('"'), "stored encrypted");
    assert_eq!(
        row.private_key.len(),
        2 + 2 * (24 + 16) + 2 * r#"{"crv":"Ed25519","d":"","x":"","kty":"OKP"}"#.len() + 4 * 43
    );
}

#[tokio::test]
async fn rotating_keys_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_key() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let old_kid = app.state.store.public_keys().await.unwrap()[0].id.clone();
    let new_kid = app.state.signer.rotate().await.unwrap();
    assert_ne!(old_kid, new_kid);
    let fresh = app.token_for(&user.id).await;
    let header: Value = serde_json::from_slice(&B64.decode(fresh.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["kid"], new_kid.as_str());
    for token in [&user.token, &fresh] {
        let response =
            app.client.get(app.url(&format!("/api/{}/tasks", user.id))).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    let jwks: Value = app.client.get(app.url("/api/auth/jwks")).send().await.unwrap().json().await.unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn concurrent_sign_ups_of_one_email_have_exactly_one_winner() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::spawn_with(backend, |_| {}).await;
        let address = email();
        let attempts = (0..6).map(|_| app.sign_up(&address, "password123"));
        let statuses: Vec<u16> = futures_statuses(attempts).await;
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{backend:?}: {statuses:?}");
        assert!(statuses.iter().all(|s| *s == 200 || *s == 422), "{backend:?}: {statuses:?}");
    }
}

async fn futures_statuses(attempts: impl Iterator<Item = impl std::future::Future<Output = Response>>) -> Vec<u16> {
    let handles: Vec<_> = attempts.collect();
    let mut statuses = Vec::new();
    for response in join_all(handles).await {
        statuses.push(response.status().as_u16());
    }
    statuses
}

async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}

#[tokio::test]
async fn the_fourth_sign_in_within_ten_seconds_is_rate_limited() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| config.rate_limit = true).await;
    for _ in 0..3 {
        let response = app.auth_post("/sign-in/email", json!({"email": email(), "password": "password123"})).await;
        assert_eq!(response.status(), 401);
    }
    let limited = app.auth_post("/sign-in/email", json!({"email": email(), "password": "password123"})).await;
    assert_eq!(limited.status(), 429);
    let wait: u64 = limited.headers()["x-retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&wait));
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        limited.json::<Value>().await.unwrap(),
        json!({"message": "Too many requests. Please try again later."})
    );
    assert_eq!(
        app.client.get(app.url("/api/auth/ok")).send().await.unwrap().status(),
        200,
        "other endpoints have their own budget"
    );
}

#[tokio::test]
async fn server_side_rendering_resolves_the_user_from_the_session_cookie() {
    let app = TestApp::spawn().await;
    let cookie = session_cookie(&app.sign_up(&email(), "password123").await);
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("cookie", cookie.parse().unwrap());
    let user = ticklist::auth::session::current_user(&app.state, &headers).await.expect("signed in");
    assert_eq!(user.name, "Flow User");
    headers.insert(
        "cookie",
        "better-auth.session_token=forged.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".parse().unwrap(),
    );
    assert!(ticklist::auth::session::current_user(&app.state, &headers).await.is_none());
}

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

    let user = ticklist::auth::session::current_user(&app.state, &headers).await.expect("signed in upstream");
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
    assert!(ticklist::auth::session::current_user(&app.state, &headers).await.is_none(), "signed out upstream");
    assert!(ticklist::auth::session::current_user(&app.state, &axum::http::HeaderMap::new()).await.is_none());
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
            ticklist::auth::session::current_user(&state, &headers).await
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
