//! A remote JWKS served by a real HTTP server started inside the test: keys are fetched, a rotated key
//! is accepted on its first token, made-up key ids cannot flood the JWKS endpoint, cached keys outlive
//! an outage, removed keys stop verifying, and keys are refreshed in the background.
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
    /// Extra bytes of padding in the document (a JWKS larger than the verifier reads).
    padding: Arc<AtomicUsize>,
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
                let padding = "x".repeat(server.padding.load(Ordering::SeqCst));
                Ok(Json(json!({"keys": *server.keys.lock().unwrap(), "padding": padding})))
            }),
        )
        .with_state(server);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() })
}

/// An app verifying against a fresh remote JWKS, with this gap between loads for unknown key ids and
/// this background refresh interval (zero: none).
async fn setup(gap: Duration, refresh: Duration) -> (TestApp, JwksServer, JoinHandle<()>, std::net::SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = JwksServer::default();
    let handle = serve(server.clone(), listener).await;
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.jwks_url = Some(format!("http://{address}/api/auth/jwks"));
        config.jwks_refetch_gap = Some(gap);
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

const NO_BACKGROUND: Duration = Duration::ZERO;

#[tokio::test]
async fn tokens_signed_by_a_published_remote_key_are_accepted() {
    let (app, server, _handle, _) = setup(Duration::from_secs(1), NO_BACKGROUND).await;
    let key = remote_key("k1");
    server.keys.lock().unwrap().push(key.public.clone());
    assert_eq!(status(&app, &sign(&app, &key, "u1"), "u1").await, 200);
    let stranger = remote_key("k1");
    assert_eq!(status(&app, &sign(&app, &stranger, "u1"), "u1").await, 401, "same kid, other instance's key");
}

#[tokio::test]
async fn a_rotated_key_is_accepted_on_its_first_token() {
    let (app, server, _handle, _) = setup(Duration::from_secs(1), NO_BACKGROUND).await;
    let old = remote_key("old");
    server.keys.lock().unwrap().push(old.public.clone());
    assert_eq!(status(&app, &sign(&app, &old, "u1"), "u1").await, 200);
    let new = remote_key("new");
    server.keys.lock().unwrap().push(new.public.clone());
    assert_eq!(status(&app, &sign(&app, &new, "u1"), "u1").await, 200, "new kid, first try");
    assert_eq!(status(&app, &sign(&app, &old, "u1"), "u1").await, 200, "old kid still published");
}

#[tokio::test]
async fn a_flood_of_made_up_key_ids_costs_at_most_one_fetch_per_second() {
    let (app, server, _handle, _) = setup(Duration::from_secs(1), NO_BACKGROUND).await;
    let key = remote_key("k1");
    server.keys.lock().unwrap().push(key.public.clone());
    assert_eq!(status(&app, &sign(&app, &key, "u1"), "u1").await, 200);
    let fetches = server.hits.load(Ordering::SeqCst);
    let started = std::time::Instant::now();
    let spam: Vec<String> = (0..200).map(|i| sign(&app, &remote_key(&format!("spam-{i}")), "u1")).collect();
    let statuses = futures_util::future::join_all(spam.iter().map(|token| status(&app, token, "u1"))).await;
    assert!(statuses.iter().all(|s| *s == 401));
    let seconds = started.elapsed().as_secs_f64();
    let extra = server.hits.load(Ordering::SeqCst) - fetches;
    assert!((extra as f64) <= seconds + 1.0, "{extra} fetches in {seconds:.1} s for 200 unknown kids");
    // A kid just found missing is refused from memory, without another fetch.
    let before = server.hits.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(status(&app, &spam[0], "u1").await, 401);
    assert_eq!(server.hits.load(Ordering::SeqCst), before, "remembered miss");
}

#[tokio::test]
async fn cached_keys_keep_verifying_while_the_remote_is_down() {
    let (app, server, _handle, _) = setup(Duration::from_millis(100), NO_BACKGROUND).await;
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

#[tokio::test]
async fn a_key_removed_upstream_stops_verifying_even_for_tokens_seen_before() {
    let (app, server, _handle, _) = setup(Duration::from_millis(50), NO_BACKGROUND).await;
    let key = remote_key("k1");
    server.keys.lock().unwrap().push(key.public.clone());
    let token = sign(&app, &key, "u1");
    assert_eq!(status(&app, &token, "u1").await, 200, "verified and remembered");
    let next = remote_key("k2");
    *server.keys.lock().unwrap() = vec![next.public.clone()];
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(status(&app, &sign(&app, &next, "u1"), "u1").await, 200, "the load that finds k2 drops k1");
    assert_eq!(status(&app, &token, "u1").await, 401, "no longer served from the verified-token cache");
}

#[tokio::test]
async fn keys_are_refreshed_in_the_background() {
    let (app, server, _handle, _) = setup(Duration::from_secs(1), Duration::from_millis(200)).await;
    let key = remote_key("k1");
    server.keys.lock().unwrap().push(key.public.clone());
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(server.hits.load(Ordering::SeqCst) >= 2, "loaded without any request");
    let before = server.hits.load(Ordering::SeqCst);
    assert_eq!(status(&app, &sign(&app, &key, "u1"), "u1").await, 200);
    assert!(server.hits.load(Ordering::SeqCst) - before <= 1);
}

#[tokio::test]
async fn an_oversized_jwks_is_not_read_and_the_keys_in_hand_are_kept() {
    let (app, server, _handle, _) = setup(Duration::from_millis(50), NO_BACKGROUND).await;
    let key = remote_key("k1");
    server.keys.lock().unwrap().push(key.public.clone());
    assert_eq!(status(&app, &sign(&app, &key, "u1"), "u1").await, 200);
    let late = remote_key("late");
    server.keys.lock().unwrap().push(late.public.clone());
    server.padding.store(300 * 1024, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(status(&app, &sign(&app, &late, "u1"), "u1").await, 401, "the oversized set was refused");
    assert_eq!(status(&app, &sign(&app, &key, "u1"), "u1").await, 200, "the old set is kept");
}
