//! The database going away: 503 with Retry-After while it is gone, recovery without a restart when it
//! comes back. PostgreSQL is reached through a TCP proxy the test can cut.
use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};

use serde_json::json;
use tokio::{net::TcpListener, task::JoinHandle};

use crate::common::Backend;
use crate::helpers::{TestApp, assert_problem};

/// Forwards connections to PostgreSQL while enabled; when cut, drops every open and new connection.
struct Proxy {
    port: u16,
    enabled: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let enabled = Arc::new(AtomicBool::new(true));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let (on, conns) = (enabled.clone(), connections.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else { continue };
                if !on.load(Ordering::SeqCst) {
                    continue; // dropping the socket closes it
                }
                let upstream = upstream.clone();
                conns.lock().unwrap().push(tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                }));
            }
        });
        Proxy { port, enabled, connections }
    }

    fn cut(&self) {
        self.enabled.store(false, Ordering::SeqCst);
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    fn restore(&self) {
        self.enabled.store(true, Ordering::SeqCst);
    }
}

/// `postgres://user:pass@host:port/db` with host:port replaced by the proxy's.
fn through_proxy(url: &str, port: u16) -> (String, String) {
    let (scheme_auth, rest) = url.split_once('@').unwrap();
    let (host_port, db) = rest.split_once('/').unwrap();
    (format!("{scheme_auth}@127.0.0.1:{port}/{db}"), host_port.to_owned())
}

#[tokio::test]
async fn an_unreachable_database_is_503_with_retry_after_and_recovers_without_restart() {
    let direct = crate::common::TestDb::new(Backend::Postgres).await;
    // Find the upstream host:port from the test database URL, then route the app through the proxy.
    let (_, upstream) = through_proxy(&direct.url, 0);
    let proxy = Proxy::start(upstream).await;
    let (proxied_url, _) = through_proxy(&direct.url, proxy.port);
    let app = TestApp::spawn_with(Backend::Sqlite, |_| {}).await;
    // Same code path as start-up, on the proxied PostgreSQL database.
    let config = ticklist::config::Config::for_tests(proxied_url);
    let state = ticklist::AppState::new(config).await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let router = ticklist::http::app(state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let user_id = "resilient-user";
    let token = {
        let now = chrono::Utc::now();
        state
            .signer
            .sign(&ticklist::auth::TokenUser {
                id: user_id.into(),
                name: "R".into(),
                email: "r@example.com".into(),
                email_verified: false,
                image: None,
                created_at: now,
                updated_at: now,
            })
            .await
            .unwrap()
    };
    let client = &app.client;
    let tasks_url = format!("{address}/api/{user_id}/tasks");
    let created = client.post(&tasks_url).bearer_auth(&token).json(&json!({"title": "before"})).send().await.unwrap();
    assert_eq!(created.status(), 201);

    proxy.cut();
    assert_eq!(client.get(format!("{address}/readyz")).send().await.unwrap().status(), 503);
    let response = client.post(&tasks_url).bearer_auth(&token).json(&json!({"title": "during"})).send().await.unwrap();
    assert_eq!(response.headers()["retry-after"], "5");
    let problem = assert_problem(response, 503).await;
    assert!(!problem.to_string().contains("127.0.0.1"), "no internals: {problem}");
    let list = client.get(&tasks_url).bearer_auth(&token).send().await.unwrap();
    assert_problem(list, 503).await;

    proxy.restore();
    assert_eq!(client.get(format!("{address}/readyz")).send().await.unwrap().status(), 200);
    let list = client.get(&tasks_url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(list.status(), 200);
    let titles: Vec<serde_json::Value> = list.json().await.unwrap();
    assert_eq!(titles.len(), 1, "the write during the outage did not land");
    assert_eq!(titles[0]["title"], "before");
    drop(direct);
}
