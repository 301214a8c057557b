//! `TestApp`: the real router on a real port over a fresh database, plus users and tokens.
use std::sync::Arc;

use jsonwebtoken::{Algorithm, Header};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use ticklist::{
    AppState,
    auth::{TokenUser, keys},
    config::Config,
    http,
};

use crate::common::{Backend, TestDb};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    /// Kept for its `Drop`: the database lives as long as the app (and its siblings).
    pub _db: Arc<TestDb>,
}

/// A user id and a valid token for it.
#[derive(Clone)]
pub struct TestUser {
    pub id: String,
    pub token: String,
}

impl TestApp {
    /// The API on SQLite with the default configuration.
    pub async fn spawn() -> Self {
        Self::spawn_with(Backend::Sqlite, |_| {}).await
    }

    /// The API on `backend`, with `configure` applied to the test configuration.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let db = Arc::new(TestDb::new(backend).await);
        let mut config = Config::for_tests(db.url.clone());
        configure(&mut config);
        Self::serve(config, db).await
    }

    /// Another instance of this app on the same database, with its own state (caches, keys in memory,
    /// rate limits) and port: what runs behind a load balancer.
    pub async fn sibling(&self, configure: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::for_tests(self._db.url.clone());
        configure(&mut config);
        Self::serve(config, self._db.clone()).await
    }

    async fn serve(config: Config, db: Arc<TestDb>) -> Self {
        let state = AppState::new(config).await.expect("the app state starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address = format!("http://{}", listener.local_addr().unwrap());
        let app = http::app(state.clone());
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .await
                .expect("the server runs")
        });
        TestApp { address, client: reqwest::Client::new(), state, _db: db }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A new user (random id) with a token signed by the app's own key.
    pub async fn user(&self) -> TestUser {
        let id = ticklist::auth::ids::generate_id();
        let token = self.token_for(&id).await;
        TestUser { id, token }
    }

    pub async fn token_for(&self, user_id: &str) -> String {
        let now = chrono::Utc::now();
        let user = TokenUser {
            id: user_id.to_owned(),
            name: "Test User".into(),
            email: format!("{user_id}@example.com"),
            email_verified: false,
            image: None,
            created_at: now,
            updated_at: now,
        };
        self.state.signer.sign(&user).await.expect("signing works")
    }

    /// Signs arbitrary claims with the app's current signing key (creating it if needed).
    pub async fn sign_raw(&self, header_edit: impl FnOnce(&mut Header), claims: &Value) -> String {
        let _ = self.token_for("warm-up").await;
        let row = self.state.store.public_keys().await.unwrap().into_iter().next().expect("a signing key");
        let private = keys::decrypt_private_key(&row.private_key, self.state.config.secret.expose()).unwrap();
        let key = keys::encoding_key(&private, Algorithm::EdDSA).unwrap();
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = None;
        header.kid = Some(row.id);
        header_edit(&mut header);
        jsonwebtoken::encode(&header, claims, &key).unwrap()
    }

    /// Claims as Better Auth issues them for `sub`, valid now.
    pub fn claims(&self, sub: &str) -> Value {
        let now = chrono::Utc::now().timestamp();
        let origin = self.state.config.origin();
        json!({"iat": now, "sub": sub, "id": sub, "exp": now + 900, "iss": origin, "aud": origin})
    }

    pub fn request(&self, method: Method, path: &str, user: &TestUser) -> RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(&user.token)
    }

    pub async fn create(&self, user: &TestUser, body: Value) -> Value {
        let response = self.post_task(user, body).await;
        assert_eq!(response.status(), 201, "creating a task");
        response.json().await.unwrap()
    }

    pub async fn post_task(&self, user: &TestUser, body: Value) -> Response {
        self.request(Method::POST, &format!("/api/{}/tasks", user.id), user).json(&body).send().await.unwrap()
    }

    /// `GET /api/{user}/tasks?{query}`: the tasks and X-Total-Count.
    pub async fn list(&self, user: &TestUser, query: &str) -> (Vec<Value>, u64) {
        let response =
            self.request(Method::GET, &format!("/api/{}/tasks?{query}", user.id), user).send().await.unwrap();
        assert_eq!(response.status(), 200, "listing with {query:?}");
        let total = response.headers()["x-total-count"].to_str().unwrap().parse().unwrap();
        (response.json().await.unwrap(), total)
    }

    /// Titles of a list, in order.
    pub async fn titles(&self, user: &TestUser, query: &str) -> Vec<String> {
        self.list(user, query).await.0.iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect()
    }
}

/// Asserts a problem+json response with `status`; returns its body.
pub async fn assert_problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "status");
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert_eq!(body["type"], "about:blank");
    body
}

/// The field names of a problem's `errors`.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|e| e.iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}
