//! Live sync: the event stream of a user's task changes (`GET /api/{user_id}/events`).
use std::time::Duration;

use futures_util::StreamExt;
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::{Value, json};

use crate::common::Backend;
use crate::helpers::{TestApp, TestUser};

const WAIT: Duration = Duration::from_secs(5);

/// One Server-Sent Event.
#[derive(Debug, Clone)]
struct Sse {
    event: String,
    id: Option<i64>,
    data: Value,
}

/// An open event stream, read event by event.
struct Events {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl Events {
    async fn open(app: &TestApp, user: &TestUser, last_event_id: Option<i64>) -> Self {
        let mut request = app.client.get(app.url(&format!("/api/{}/events", user.id))).bearer_auth(&user.token);
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self { body: Box::pin(response.bytes_stream()), buffer: String::new() }
    }

    /// The next event, or `None` when the stream ended; panics after `WAIT` without one.
    async fn next(&mut self) -> Option<Sse> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut sse = Sse { event: String::new(), id: None, data: Value::Null };
                for line in block.lines() {
                    if let Some(event) = line.strip_prefix("event: ") {
                        sse.event = event.to_owned();
                    } else if let Some(id) = line.strip_prefix("id: ") {
                        sse.id = id.parse().ok();
                    } else if let Some(data) = line.strip_prefix("data: ") {
                        sse.data = serde_json::from_str(data).unwrap();
                    }
                }
                if sse.event.is_empty() {
                    continue; // a heartbeat comment
                }
                return Some(sse);
            }
            match tokio::time::timeout(WAIT, self.body.next()).await.expect("an event within the wait") {
                Some(chunk) => self.buffer.push_str(&String::from_utf8_lossy(&chunk.unwrap())),
                None => return None,
            }
        }
    }

    /// Whether an event arrives within `within`.
    async fn quiet_for(&mut self, within: Duration) -> bool {
        tokio::time::timeout(within, self.next()).await.is_err()
    }
}

async fn task_id(app: &TestApp, user: &TestUser, title: &str) -> i64 {
    app.create(user, json!({"title": title})).await["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_stream_starts_ready_and_carries_each_kind_of_change_in_order() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::spawn_with(backend, |_| {}).await;
        let user = app.user().await;
        let mut events = Events::open(&app, &user, None).await;
        let ready = events.next().await.unwrap();
        assert_eq!((ready.event.as_str(), ready.data["version"].as_i64()), ("ready", Some(0)), "{backend:?}");

        let id = task_id(&app, &user, "first").await;
        let created = events.next().await.unwrap();
        assert_eq!((created.event.as_str(), created.id), ("created", Some(1)), "{backend:?}");
        assert_eq!((created.data["task"]["title"].as_str(), created.data["id"].as_i64()), (Some("first"), Some(id)));
        app.request(reqwest::Method::PATCH, &format!("/api/{}/tasks/{id}/complete", user.id), &user)
            .send()
            .await
            .unwrap();
        let updated = events.next().await.unwrap();
        assert_eq!((updated.event.as_str(), updated.data["task"]["completed"].as_bool()), ("updated", Some(true)));
        app.client
            .post(app.url(&format!("/api/{}/tasks", user.id)))
            .bearer_auth(&user.token)
            .json(&json!({"title": "second"}))
            .send()
            .await
            .unwrap();
        assert_eq!(events.next().await.unwrap().event, "created");
        app.request(reqwest::Method::DELETE, &format!("/api/{}/tasks/{id}", user.id), &user).send().await.unwrap();
        let deleted = events.next().await.unwrap();
        assert_eq!(
            (deleted.event.as_str(), deleted.data, deleted.id),
            ("deleted", json!({"type": "deleted", "id": id, "version": 4}), Some(4))
        );
        ticklist::tasks::set_all_completed(&app.state.store, &user.id, true).await.unwrap();
        let bulk = events.next().await.unwrap();
        assert_eq!((bulk.event.as_str(), bulk.id), ("bulk", Some(5)), "{backend:?}");
    }
}

#[tokio::test]
async fn events_never_reach_another_users_stream() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::spawn_with(backend, |_| {}).await;
        let mut users = Vec::new();
        for _ in 0..4 {
            let user = app.user().await;
            let mut events = Events::open(&app, &user, None).await;
            events.next().await.unwrap();
            users.push((user, events));
        }
        let mut rng = StdRng::seed_from_u64(7);
        let mut expected = vec![0usize; users.len()];
        for step in 0..40 {
            let who = rng.gen_range(0..users.len());
            app.create(&users[who].0, json!({"title": format!("{who}-{step}")})).await;
            expected[who] += 1;
        }
        for (index, (user, events)) in users.iter_mut().enumerate() {
            for seen in 0..expected[index] {
                let event = events.next().await.unwrap();
                assert_eq!(
                    event.data["task"]["user_id"],
                    user.id.as_str(),
                    "{backend:?}: event {seen} of user {index}"
                );
                assert!(event.data["task"]["title"].as_str().unwrap().starts_with(&format!("{index}-")));
                assert_eq!(event.id, Some(seen as i64 + 1), "{backend:?}: versions count this user's changes only");
            }
            assert!(events.quiet_for(Duration::from_millis(300)).await, "{backend:?}: nothing more for user {index}");
        }
    }
}

#[tokio::test]
async fn a_stream_is_only_for_its_own_user_with_a_valid_token() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.user().await, app.user().await);
    let response =
        app.client.get(app.url(&format!("/api/{}/events", bob.id))).bearer_auth(&alice.token).send().await.unwrap();
    assert_eq!(response.status(), 403);
    let response = app.client.get(app.url(&format!("/api/{}/events", bob.id))).send().await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_client_that_reconnects_gets_what_it_missed_or_one_reset() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::spawn_with(backend, |_| {}).await;
        let user = app.user().await;
        let mut events = Events::open(&app, &user, None).await;
        events.next().await.unwrap();
        task_id(&app, &user, "seen").await;
        assert_eq!(events.next().await.unwrap().id, Some(1));
        drop(events);
        // Another of the user's streams sees the two changes arrive (on PostgreSQL they reach this
        // instance through NOTIFY, a moment after the writes are answered; a client reconnecting
        // before that gets a `reset`, which is also right).
        let mut observer = Events::open(&app, &user, None).await;
        observer.next().await.unwrap();
        for title in ["missed 1", "missed 2"] {
            task_id(&app, &user, title).await;
        }
        observer.next().await.unwrap();
        observer.next().await.unwrap();
        let mut resumed = Events::open(&app, &user, Some(1)).await;
        assert_eq!(resumed.next().await.unwrap().event, "ready");
        let (a, b) = (resumed.next().await.unwrap(), resumed.next().await.unwrap());
        assert_eq!((a.id, b.id), (Some(2), Some(3)), "{backend:?}");
        assert_eq!(b.data["task"]["title"], "missed 2");

        // A sibling instance never saw those events: it cannot replay them, so it says reset.
        if backend == Backend::Postgres {
            let sibling = app.sibling(|_| {}).await;
            let mut elsewhere = Events::open(&sibling, &user, Some(1)).await;
            assert_eq!(elsewhere.next().await.unwrap().event, "ready");
            let reset = elsewhere.next().await.unwrap();
            assert_eq!((reset.event.as_str(), reset.id), ("reset", Some(3)));
        }
        let mut current = Events::open(&app, &user, Some(3)).await;
        current.next().await.unwrap();
        assert!(current.quiet_for(Duration::from_millis(300)).await, "{backend:?}: nothing was missed");
    }
}

#[tokio::test]
async fn a_change_through_one_instance_reaches_streams_on_another() {
    let first = TestApp::spawn_with(Backend::Postgres, |_| {}).await;
    let second = first.sibling(|_| {}).await;
    let user = first.user().await;
    let mut events = Events::open(&second, &user, None).await;
    events.next().await.unwrap();
    let id = task_id(&first, &user, "from the first instance").await;
    let created = events.next().await.unwrap();
    assert_eq!((created.event.as_str(), created.data["id"].as_i64()), ("created", Some(id)));
}

#[tokio::test]
async fn streams_reset_when_the_listener_loses_postgresql() {
    let app = TestApp::spawn_with(Backend::Postgres, |_| {}).await;
    let user = app.user().await;
    let mut events = Events::open(&app, &user, None).await;
    events.next().await.unwrap();
    task_id(&app, &user, "before").await;
    events.next().await.unwrap();
    let ticklist::db::Pool::Postgres(pool) = &app.state.store.pool else { unreachable!() };
    let killed: Vec<bool> = sqlx::query_scalar(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(!killed.is_empty(), "the listener's connection was found");
    let reset = events.next().await.unwrap();
    assert_eq!((reset.event.as_str(), reset.data["version"].as_i64()), ("reset", Some(1)));
    // And the feed works again afterwards.
    let mut seen = None;
    for attempt in 0..20 {
        task_id(&app, &user, &format!("after {attempt}")).await;
        let event = events.next().await.unwrap();
        if event.event == "created" {
            seen = Some(event);
            break;
        }
    }
    assert!(seen.is_some(), "events flow again after the reconnect");
}

#[tokio::test]
async fn the_stream_ends_when_its_token_expires() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| config.jwt_expires_in = Duration::from_secs(2)).await;
    let user = app.user().await;
    let mut events = Events::open(&app, &user, None).await;
    events.next().await.unwrap();
    let started = std::time::Instant::now();
    assert!(events.next().await.is_none(), "the server closes the stream");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn one_user_cannot_open_streams_without_end() {
    let app = TestApp::spawn_with(Backend::Sqlite, |_| {}).await;
    let user = app.user().await;
    let other = app.user().await;
    let mut open = Vec::new();
    for _ in 0..ticklist::live::STREAMS_PER_USER_MAX {
        open.push(Events::open(&app, &user, None).await);
    }
    let refused =
        app.client.get(app.url(&format!("/api/{}/events", user.id))).bearer_auth(&user.token).send().await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["status"], 429);
    // Another user is not affected, and a closed stream makes room again.
    Events::open(&app, &other, None).await;
    drop(open.pop());
    let reopened = async {
        loop {
            let response = app
                .client
                .get(app.url(&format!("/api/{}/events", user.id)))
                .bearer_auth(&user.token)
                .send()
                .await
                .unwrap();
            if response.status() == 200 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(WAIT, reopened).await.expect("room for a stream once one closed");
}
