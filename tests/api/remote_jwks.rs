//! A remote JWKS served by a real HTTP server started inside the test: keys are fetched, a new `kid`
//! is picked up after a refetch, refetches are rate-limited, and cached keys outlive an outage.
use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, AtomicUsize, Ordering},
};
use std::time::Duration;

use axum::{Json, Router, extract::State, routing::get};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use ticklist::{auth::keys, config::JwtAlg};
use tokio::task::JoinHandle;

use crate::common::Backend;
use crate::helpers::TestApp;

#[derive(Clone, Default)]
struct JwksServer {
    keys: Arc<Mutex<Vec<Value>>>,
    hits: Arc<AtomicUsize>,
    /// When set, the endpoint answers 503 (the remote Better Auth is down).
    down: Arc<AtomicBool>,
}

/// A key the "remote Better Auth" signs with.
struct RemoteKey {
    kid: String,
    public: Value,
    key: EncodingKey,
}

fn remote_key(kid: &str) -> RemoteKey {
    let generated = keys::generate(JwtAlg::EdDsa).unwrap();
    let mut public: Value = serde_json::from_str(&generated.public_jwk).unwrap();
    public["alg"] = json!("EdDSA");
    public["kid"] = json!(kid);
    RemoteKey { kid: kid.into(), public, key: keys::encoding_key(&generated.private_jwk, Algorithm::EdDSA).unwrap() }
}

async fn serve(server: JwksServer, listener: tokio::net::TcpListener) -> JoinHandle<()> {
    let router = Router::new()
        .route(
            "/api/auth/jwks",
            get(|State(server): State<JwksServer>| async move {
                server.hits.fetch_add(1, Ordering::SeqCst);
                if server.down.load(Ordering::SeqCst) {
                    return Err(axum::http::StatusCode::SERVICE_UNAVAILABLE);
                }
                Ok(Json(json!({"keys": *server.keys.lock().unwrap()})))
            }),
        )
        .with_state(server);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() })
}

async fn setup(refresh: Duration) -> (TestApp, JwksServer, JoinHandle<()>, std::net::SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = JwksServer::default();
    let handle = serve(server.clone(), listener).await;
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.jwks_url = Some(format!("http://{address}/api/auth/jwks"));
        config.jwks_refresh_interval = refresh;
    })
    .await;
    (app, server, handle, address)
}

fn sign(app: &TestApp, key: &RemoteKey, sub: &str) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = None;
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, &app.claims(sub), &key.key).unwrap()
}

async fn status(app: &TestApp, token: &str, sub: &str) -> u16 {
    app.client.get(app.url(&format!("/api/{sub}/tasks"))).bearer_auth(token).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn tokens_signed_by_a_published_remote_key_are_accepted() {
    let (app, server, _handle, _) = setup(Duration::from_secs(30)).await;
    let key = remote_key("k1");
    server.keys.lock().unwrap().push(key.public.clone());
    assert_eq!(status(&app, &sign(&app, &key, "u1"), "u1").await, 200);
    let stranger = remote_key("k1");
    assert_eq!(status(&app, &sign(&app, &stranger, "u1"), "u1").await, 401, "same kid, other instance's key");
}

#[tokio::test]
async fn a_rotated_key_is_accepted_after_a_refetch() {
    let (app, server, _handle, _) = setup(Duration::from_millis(300)).await;
    let old = remote_key("old");
    server.keys.lock().unwrap().push(old.public.clone());
    assert_eq!(status(&app, &sign(&app, &old, "u1"), "u1").await, 200);
    let new = remote_key("new");
    server.keys.lock().unwrap().push(new.public.clone());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(status(&app, &sign(&app, &new, "u1"), "u1").await, 200, "new kid after refetch");
    assert_eq!(status(&app, &sign(&app, &old, "u1"), "u1").await, 200, "old kid still published");
}

#[tokio::test]
async fn unknown_kids_refetch_at_most_once_per_interval() {
    let (app, server, _handle, _) = setup(Duration::from_secs(30)).await;
    let key = remote_key("k1");
    server.keys.lock().unwrap().push(key.public.clone());
    assert_eq!(status(&app, &sign(&app, &key, "u1"), "u1").await, 200);
    let fetches = server.hits.load(Ordering::SeqCst);
    for i in 0..20 {
        let unknown = remote_key(&format!("spam-{i}"));
        assert_eq!(status(&app, &sign(&app, &unknown, "u1"), "u1").await, 401);
    }
    assert_eq!(server.hits.load(Ordering::SeqCst), fetches, "no refetch within the interval");
}

#[tokio::test]
async fn cached_keys_keep_verifying_while_the_remote_is_down() {
    let (app, server, _handle, _) = setup(Duration::from_millis(100)).await;
    let key = remote_key("k1");
    server.keys.lock().unwrap().push(key.public.clone());
    assert_eq!(status(&app, &sign(&app, &key, "u1"), "u1").await, 200);
    server.down.store(true, Ordering::SeqCst);
    let fetches = server.hits.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(200)).await;
    // An unknown kid forces a refetch that fails; the cache must survive it.
    assert_eq!(status(&app, &sign(&app, &remote_key("other"), "u1"), "u1").await, 401);
    assert!(server.hits.load(Ordering::SeqCst) > fetches, "a refetch was attempted");
    assert_eq!(status(&app, &sign(&app, &key, "u1"), "u1").await, 200);
}
