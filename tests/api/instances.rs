//! Several instances on one database, as behind a load balancer: what one instance does to the shared
//! state (a new signing key) the others see without a restart.
use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde_json::Value;

use crate::common::Backend;
use crate::helpers::TestApp;

/// The `kid` in a token's header.
fn kid(token: &str) -> String {
    let header: Value = serde_json::from_slice(&B64.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    header["kid"].as_str().expect("a kid").to_owned()
}

async fn status(app: &TestApp, user_id: &str, token: &str) -> u16 {
    let url = app.url(&format!("/api/{user_id}/tasks"));
    app.client.get(url).bearer_auth(token).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_key_rotated_on_one_instance_is_accepted_by_another_at_once_and_used_by_it_soon() {
    let recheck = Duration::from_millis(300);
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let first = TestApp::spawn_with(backend, |config| config.signing_key_recheck = recheck).await;
        let second = first.sibling(|config| config.signing_key_recheck = recheck).await;
        let user = second.user().await;
        assert_eq!(status(&first, &user.id, &user.token).await, 200, "{backend:?}: a key made by the other instance");

        let new_kid = first.state.signer.rotate().await.unwrap();
        let fresh = first.token_for(&user.id).await;
        assert_eq!(kid(&fresh), new_kid);
        assert_eq!(status(&second, &user.id, &fresh).await, 200, "{backend:?}: the new key's first token");

        assert_ne!(kid(&second.token_for(&user.id).await), new_kid, "{backend:?}: within the recheck time");
        tokio::time::sleep(recheck + Duration::from_millis(100)).await;
        let from_second = second.token_for(&user.id).await;
        assert_eq!(kid(&from_second), new_kid, "{backend:?}: after the recheck time");
        for token in [&user.token, &fresh, &from_second] {
            assert_eq!(status(&first, &user.id, token).await, 200, "{backend:?}");
            assert_eq!(status(&second, &user.id, token).await, 200, "{backend:?}");
        }
    }
}

#[tokio::test]
async fn sign_in_limits_count_the_attempts_made_on_every_instance() {
    let first = TestApp::spawn_with(Backend::Postgres, |config| config.rate_limit = true).await;
    let second = first.sibling(|config| config.rate_limit = true).await;
    let attempt = |app: &TestApp| {
        let body = serde_json::json!({"email": "nobody@example.com", "password": "wrong-password"});
        app.client.post(app.url("/api/auth/sign-in/email")).header("origin", "http://127.0.0.1:3000").json(&body).send()
    };
    assert_eq!(attempt(&first).await.unwrap().status(), 401);
    assert_eq!(attempt(&second).await.unwrap().status(), 401);
    assert_eq!(attempt(&first).await.unwrap().status(), 401);
    let fourth = attempt(&second).await.unwrap();
    assert_eq!(fourth.status(), 429, "the fourth attempt, wherever it lands");
    let wait: u64 = fourth.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&wait), "{wait}");
    assert_eq!(attempt(&first).await.unwrap().status(), 429);
}

#[tokio::test]
async fn on_sqlite_rate_limits_count_in_memory_unless_told_otherwise() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| config.rate_limit = true).await;
    assert_eq!(app.state.config.rate_limit_storage, ticklist::config::RateLimitStorage::Memory);
    let app = TestApp::spawn_with(Backend::Postgres, |_| {}).await;
    assert_eq!(app.state.config.rate_limit_storage, ticklist::config::RateLimitStorage::Database);
}

#[tokio::test]
async fn database_rate_limits_also_work_on_sqlite() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.rate_limit = true;
        config.rate_limit_storage = ticklist::config::RateLimitStorage::Database;
    })
    .await;
    let body = serde_json::json!({"email": "nobody@example.com", "password": "wrong-password"});
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let request = app.client.post(app.url("/api/auth/sign-in/email")).header("origin", "http://127.0.0.1:3000");
        statuses.push(request.json(&body).send().await.unwrap().status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429]);
}
