//! The embedded Better Auth: sign-up, sign-in and sign-out with every status and error code of the
//! protocol, sessions (expiry, refresh), the JWT and JWKS, key rotation, races and rate limits.
//! Longer than most files: one test per status and error code of the protocol's core endpoints, in
//! the order the protocol lists them.
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde_json::{Value, json};

use super::*;
use crate::common::Backend;
use crate::helpers::TestApp;

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
    let user = ticklist::auth::current_user(&app.state, &headers).await.expect("signed in");
    assert_eq!(user.name, "Flow User");
    headers.insert(
        "cookie",
        "better-auth.session_token=forged.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".parse().unwrap(),
    );
    assert!(ticklist::auth::current_user(&app.state, &headers).await.is_none());
}

#[tokio::test]
async fn profile_fields_are_bounded_so_no_user_can_outgrow_their_token() {
    let app = TestApp::spawn().await;
    let sign_up = |body: Value| app.auth_post("/sign-up/email", body);
    let (status, body) =
        error_of(sign_up(json!({"name": "n".repeat(60_000), "email": email(), "password": "password123"})).await).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (400, "VALIDATION_ERROR"));
    assert!(body["message"].as_str().unwrap().starts_with("[body.name]"));
    for image in ["javascript:alert(1)", "data:text/html,x"] {
        let response = sign_up(json!({"name": "A", "email": email(), "password": "password123", "image": image})).await;
        let (status, body) = error_of(response).await;
        assert_eq!((status, body["code"].as_str().unwrap()), (400, "VALIDATION_ERROR"), "{image}");
    }
    // The largest profile the rules allow still gives a token the API accepts.
    let largest = sign_up(json!({
        "name": "é".repeat(ticklist::model::NAME_MAX),
        "email": format!("{}@example.com", "a".repeat(200)),
        "password": "password123",
        "image": format!("https://cdn.example/{}", "i".repeat(2000)),
    }))
    .await;
    assert_eq!(largest.status(), 200);
    let cookie = session_cookie(&largest);
    let session = app.get_session(&cookie).await;
    let jwt = session.headers()["set-auth-jwt"].to_str().unwrap().to_owned();
    let user_id = session.json::<Value>().await.unwrap()["user"]["id"].as_str().unwrap().to_owned();
    assert!(jwt.len() <= ticklist::auth::MAX_TOKEN_BYTES);
    let tasks = app.client.get(app.url(&format!("/api/{user_id}/tasks"))).bearer_auth(&jwt).send().await.unwrap();
    assert_eq!(tasks.status(), 200);
}

#[tokio::test]
async fn the_no_javascript_sign_up_form_validates_the_email_like_the_json_route() {
    let app = TestApp::spawn().await;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = browser
        .post(app.url("/sign-up"))
        .header("origin", ORIGIN)
        .form(&[("name", "Form User"), ("email", "not an email"), ("password", "password123")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    // The form shows the message next to the field it names.
    assert!(location.starts_with("/sign-up?error=VALIDATION_ERROR&field=email&"), "{location}");
    assert!(app.state.store.user_by_email("not an email").await.unwrap().is_none());
}

#[tokio::test]
async fn an_overlong_password_is_refused_at_sign_in_without_hashing() {
    let app = TestApp::spawn().await;
    let address = email();
    app.sign_up(&address, "password123").await;
    let response = app.auth_post("/sign-in/email", json!({"email": address, "password": "p".repeat(60_000)})).await;
    let (status, body) = error_of(response).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (401, "INVALID_EMAIL_OR_PASSWORD"));
}

#[tokio::test]
async fn a_flood_of_sign_ins_beyond_the_hash_queue_gets_503_with_retry_after() {
    let app = TestApp::spawn().await;
    let attempts =
        (0..150).map(|_| app.auth_post("/sign-in/email", json!({"email": email(), "password": "password123"})));
    let responses = join_all(attempts.collect()).await;
    let busy: Vec<&Response> = responses.iter().filter(|r| r.status() == 503).collect();
    assert!(!busy.is_empty(), "a full queue refuses at once");
    assert!(busy.iter().all(|r| r.headers().contains_key("retry-after")));
    assert!(responses.iter().any(|r| r.status() == 401), "the queued ones were checked");
    assert!(responses.iter().all(|r| matches!(r.status().as_u16(), 401 | 503)));
}

#[tokio::test]
async fn behind_trusted_proxies_rate_limits_count_each_forwarded_client() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.rate_limit = true;
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let sign_in = |client: &'static str| {
        app.client
            .post(app.url("/api/auth/sign-in/email"))
            .header("x-forwarded-for", client)
            .json(&json!({"email": email(), "password": "password123"}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(sign_in("198.51.100.1").await.unwrap().status(), 401);
    }
    assert_eq!(sign_in("198.51.100.1").await.unwrap().status(), 429, "the same client, over its limit");
    assert_eq!(sign_in("198.51.100.2").await.unwrap().status(), 401, "another client behind the same proxy");
    assert_eq!(sign_in("6.6.6.6, 198.51.100.1").await.unwrap().status(), 429, "a spoofed left-most hop is ignored");
    for _ in 0..3 {
        sign_in("2001:db8:1:2::1").await.unwrap();
    }
    assert_eq!(sign_in("2001:db8:1:2::ffff").await.unwrap().status(), 429, "IPv6 counted per /64");
}

#[tokio::test]
async fn without_trusted_proxies_a_forwarded_for_header_changes_nothing() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| config.rate_limit = true).await;
    let post = |path: &'static str, client: &'static str, body: Value| {
        app.client.post(app.url(path)).header("x-forwarded-for", client).json(&body).send()
    };
    let body = json!({"name": "A", "email": email(), "password": "password123"});
    let signed_up = post("/api/auth/sign-up/email", "198.51.100.1", body).await.unwrap();
    let token = signed_up.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let (session, _) = app.state.store.session_by_token(&token).await.unwrap().unwrap();
    assert_eq!(session.ip_address.as_deref(), Some("127.0.0.1"), "ipAddress is the peer, not a claim");
    // Sign-in has its own window (Better Auth counts per client and path).
    for client in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        let response = post("/api/auth/sign-in/email", client, json!({"email": email(), "password": "x-password"}));
        assert_eq!(response.await.unwrap().status(), 401);
    }
    let fourth = post("/api/auth/sign-in/email", "198.51.100.4", json!({"email": email(), "password": "x-password"}));
    assert_eq!(fourth.await.unwrap().status(), 429, "the socket address is the client");
}
