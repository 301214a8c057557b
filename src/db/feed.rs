//! The change feed: every write to a user's tasks produces one [`ChangeEvent`] for that user, with
//! the user's new change `version` (raised in the write's transaction, so it only grows). On SQLite
//! events are published in-process, in commit order. On PostgreSQL they travel by `NOTIFY` inside
//! the write's transaction (so only committed changes are announced, in commit order, to every
//! instance), and each instance's listener publishes what it hears; see [`start_pg_listener`].
use std::{sync::Arc, time::Duration};

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::broadcast;

use super::reads::ReadCache;

pub use crate::model::{ChangeEvent, ChangeKind};

/// The `NOTIFY` channel.
pub const CHANNEL: &str = "ticklist_changes";
/// `NOTIFY` refuses payloads of 8000 bytes or more; an event whose task would not fit is sent
/// without it and the receiving instance reads the task from the database.
pub const NOTIFY_MAX_BYTES: usize = 7900;
/// Messages buffered for slow subscribers before they must start over (they get a `reset`).
const CAPACITY: usize = 4096;

/// What the feed carries.
#[derive(Debug, Clone)]
pub enum FeedMessage {
    /// A change of `user_id`'s tasks.
    Change { user_id: Arc<str>, event: Arc<ChangeEvent> },
    /// The feed itself lost messages (the PostgreSQL listener reconnected): every stream resets.
    Lost,
}

/// One instance's feed of changes.
#[derive(Debug)]
pub struct Feed {
    sender: broadcast::Sender<FeedMessage>,
    /// SQLite's write gate: a write transaction of this process holds it from `BEGIN IMMEDIATE` to
    /// its commit and the event's publication. Writers queue here in order (a fair async lock)
    /// instead of each sleeping in SQLite's busy handler and retrying, which made a long tail
    /// (hundreds of ms) under load; and events leave in commit order.
    pub(crate) write_gate: Arc<tokio::sync::Mutex<()>>,
    /// The writes waiting for their group commit, on each backend (see [`super::group`]).
    pub(crate) groups: super::group::Queues,
    /// The read cache, which hears every change published here as it is published.
    pub(crate) reads: ReadCache,
}

impl Feed {
    /// A feed whose read cache trusts a version it heard for `trusted_for` (see [`ReadCache`]).
    pub(crate) fn new(trusted_for: Duration) -> Self {
        let write_gate = Arc::new(tokio::sync::Mutex::new(()));
        let groups = super::group::Queues {
            // SQLite's groups go under the write gate; PostgreSQL's have a gate of their own.
            sqlite: super::group::Queue::new(write_gate.clone()),
            postgres: super::group::Queue::new(Arc::default()),
        };
        Self { sender: broadcast::channel(CAPACITY).0, write_gate, groups, reads: ReadCache::new(trusted_for) }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<FeedMessage> {
        self.sender.subscribe()
    }

    pub fn publish(&self, message: FeedMessage) {
        if let FeedMessage::Change { user_id, event } = &message {
            self.reads.raise(user_id, event.version);
        }
        // No subscriber: nobody to tell.
        let _ = self.sender.send(message);
    }
}

/// The `NOTIFY` payload: the user and the event.
#[derive(Serialize, Deserialize)]
pub struct Notice {
    pub user_id: String,
    pub event: ChangeEvent,
}

impl Notice {
    /// The payload, without the task when it would not fit.
    pub fn payload(user_id: &str, event: &ChangeEvent) -> String {
        let notice = Notice { user_id: user_id.to_owned(), event: event.clone() };
        let full = serde_json::to_string(&notice).expect("an event serializes");
        if full.len() < NOTIFY_MAX_BYTES {
            return full;
        }
        let slim = Notice { user_id: user_id.to_owned(), event: ChangeEvent { task: None, ..event.clone() } };
        serde_json::to_string(&slim).expect("an event serializes")
    }
}

/// How long start-up waits for the listener's first `LISTEN` (see [`start_pg_listener`]).
const LISTENER_READY_WAIT: Duration = Duration::from_secs(5);

/// Listens for `NOTIFY`s of every instance and publishes them, reading from the database the tasks
/// that were too large to travel along. When the connection drops, sqlx reconnects; the streams are
/// told to reset, since notices sent meanwhile are lost.
///
/// Returns once the first `LISTEN` is in place, or after [`LISTENER_READY_WAIT`] (a database that is
/// down does not stop start-up): a stream opened before it would miss changes and then be reset by it.
pub async fn start_pg_listener(pool: PgPool, store: super::Store) {
    let (ready, listening) = tokio::sync::oneshot::channel::<()>();
    let mut ready = Some(ready);
    let feed = store.feed.clone();
    tokio::spawn(async move {
        let mut wait = Duration::from_millis(250);
        loop {
            let mut listener = match PgListener::connect_with(&pool).await {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "change feed: cannot connect to PostgreSQL; retrying");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                    continue;
                }
            };
            if let Err(error) = listener.listen(CHANNEL).await {
                tracing::warn!(%error, "change feed: LISTEN failed; retrying");
                tokio::time::sleep(wait).await;
                continue;
            }
            wait = Duration::from_millis(250);
            // Anything may have been missed while there was no listener.
            feed.publish(FeedMessage::Lost);
            if let Some(ready) = ready.take() {
                let _ = ready.send(());
            }
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => {
                        let Ok(notice) = serde_json::from_str::<Notice>(notification.payload()) else {
                            tracing::warn!("change feed: an unreadable notice");
                            continue;
                        };
                        let mut event = notice.event;
                        let needs_task = matches!(event.kind, ChangeKind::Created | ChangeKind::Updated);
                        if needs_task && event.task.is_none() {
                            let id = event.id.unwrap_or_default();
                            match store.get_task(&notice.user_id, id).await {
                                Ok(Some(task)) => event.task = Some(task),
                                // Gone or unreadable meanwhile: the clients refetch.
                                _ => event = ChangeEvent { kind: ChangeKind::Reset, id: None, task: None, ..event },
                            }
                        }
                        feed.publish(FeedMessage::Change { user_id: notice.user_id.into(), event: Arc::new(event) });
                    }
                    // The connection was lost; sqlx reconnects on the next call.
                    Ok(None) => {
                        tracing::warn!("change feed: connection to PostgreSQL lost; reconnecting");
                        feed.publish(FeedMessage::Lost);
                    }
                    Err(error) => {
                        tracing::warn!(%error, "change feed: listener failed; starting again");
                        feed.publish(FeedMessage::Lost);
                        tokio::time::sleep(wait).await;
                        break;
                    }
                }
            }
        }
    });
    if tokio::time::timeout(LISTENER_READY_WAIT, listening).await.is_err() {
        tracing::warn!("change feed: not listening yet; streams opened meanwhile will be told to reset");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Task;

    #[test]
    fn a_notice_too_large_for_notify_travels_without_its_task() {
        let task = Task {
            id: 7,
            user_id: "u".into(),
            title: "t".into(),
            description: Some("d".repeat(9000)),
            completed: false,
            priority: Default::default(),
            due_date: None,
            tags: vec![],
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        };
        let event = ChangeEvent { kind: ChangeKind::Updated, id: Some(7), task: Some(task), version: 3 };
        let payload = Notice::payload("u", &event);
        assert!(payload.len() < NOTIFY_MAX_BYTES);
        let notice: Notice = serde_json::from_str(&payload).unwrap();
        assert_eq!((notice.event.task, notice.event.id, notice.event.version), (None, Some(7), 3));
    }
}
