//! Group commit on SQLite: the writes that need no read first (a new task, a task's completion, a
//! delete) wait in one queue, and whoever next holds the write gate sends every write waiting — its
//! own and the others' — as one script in one transaction with one commit. Under load a commit and
//! a hand-off to the connection's thread then serve a whole group instead of one write; when writes
//! are rare a group is one write, committed at once.
//!
//! Each write's statements are its own: a write's rows are told apart from the next one's by a
//! marker row between them. If any statement of a group fails, nothing of the group stays
//! (the connection is closed, which rolls the transaction back) and each of its writes runs again
//! alone, so only the write at fault fails. Events are published in the group's order, before the
//! gate opens again: in commit order.
use std::sync::{Arc, Mutex};

use sqlx::{Column as _, Row as _, Sqlite, SqlitePool, pool::PoolConnection, sqlite::SqliteRow};
use tokio::sync::oneshot;

use super::ChangeEvent;
use super::batch::{Queued, bind_all, sqlite_script};
use super::feed::{Feed, FeedMessage};

/// The most writes sent in one group; the rest wait for the next.
const MAX_GROUP: usize = 32;

/// What a write makes of the rows its statements returned: the event to announce, if anything
/// changed. Whatever else the caller wants of the rows it sends to the caller itself.
pub(crate) type Announce = Box<dyn FnOnce(&[SqliteRow]) -> Result<Option<ChangeEvent>, sqlx::Error> + Send>;

/// A write waiting for its group.
pub(crate) struct Waiting {
    queued: Vec<Queued>,
    user_id: Arc<str>,
    announce: Announce,
    done: oneshot::Sender<Result<(), sqlx::Error>>,
}

/// The writes waiting, in the order they came, and the connection groups are sent on.
#[derive(Default)]
pub(crate) struct Queue {
    waiting: Mutex<Vec<Waiting>>,
    /// Kept between groups (taken by the gate's holder only): its prepared scripts and its page
    /// cache stay warm, where a connection from the pool would have seen other connections' writes.
    connection: Mutex<Option<PoolConnection<Sqlite>>>,
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue").field("waiting", &self.lock().len()).finish()
    }
}

/// Locks `mutex`; its holders only push, drain or swap, so a panic elsewhere cannot leave it
/// half-changed.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Queue {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        lock(&self.waiting)
    }

    fn push(&self, waiting: Waiting) {
        self.lock().push(waiting);
    }

    /// The first writes waiting, taken out of the queue: as many as the largest power of two that
    /// is at most [`MAX_GROUP`] and the number waiting. Groups of a few sizes only make scripts of
    /// a few shapes under a steady load, each prepared once.
    fn take_group(&self) -> Vec<Waiting> {
        let mut waiting = self.lock();
        let n = waiting.len().min(MAX_GROUP);
        let n = if n == 0 { 0 } else { 1 << n.ilog2() };
        waiting.drain(..n).collect()
    }

    /// Gives the kept connection back to its pool (before the pool closes, which waits for it).
    pub(crate) fn release_connection(&self) {
        lock(&self.connection).take();
    }
}

/// Queues the write `queued` of `user_id` and returns once its group has been committed (or has
/// failed) and announced. Runs on a task of its own: a caller who stops waiting cannot stop a group
/// half-sent.
pub(crate) async fn write(
    pool: &SqlitePool,
    feed: &Arc<Feed>,
    user_id: &str,
    queued: Vec<Queued>,
    announce: Announce,
) -> Result<(), sqlx::Error> {
    let (done, mut answer) = oneshot::channel();
    feed.waiting.push(Waiting { queued, user_id: user_id.into(), announce, done });
    let (pool, feed) = (pool.clone(), feed.clone());
    let written = tokio::spawn(async move {
        loop {
            tokio::select! {
                biased;
                answer = &mut answer => return answer.unwrap_or(Err(sqlx::Error::PoolClosed)),
                gate = feed.write_gate.clone().lock_owned() => {
                    // Whoever held the gate before has answered every write it took; this write is
                    // still waiting or has been answered.
                    let group = feed.waiting.take_group();
                    if !group.is_empty() {
                        commit(&pool, &feed, group).await;
                    }
                    drop(gate);
                }
            }
        }
    });
    match written.await {
        Ok(result) => result,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        // The runtime is shutting down.
        Err(_) => Err(sqlx::Error::PoolClosed),
    }
}

/// Sends `group` as one transaction and answers each of its writes; on a failure, each alone.
async fn commit(pool: &SqlitePool, feed: &Feed, group: Vec<Waiting>) {
    let mut queued = Vec::new();
    for waiting in &group {
        queued.extend(waiting.queued.iter().cloned());
        queued.push(Queued { sql: END_OF_WRITE, args: Vec::new() });
    }
    match send(pool, &feed.waiting, queued).await {
        Ok(rows) => {
            for (waiting, rows) in group.into_iter().zip(split(rows)) {
                let answer = (waiting.announce)(&rows).map(|event| {
                    if let Some(event) = event {
                        feed.publish(FeedMessage::Change { user_id: waiting.user_id, event: Arc::new(event) });
                    }
                });
                let _ = waiting.done.send(answer);
            }
        }
        Err(error) if group.len() == 1 => {
            let waiting = group.into_iter().next().expect("a group of one");
            let _ = waiting.done.send(Err(error));
        }
        Err(_) => {
            for waiting in group {
                Box::pin(commit(pool, feed, vec![waiting])).await;
            }
        }
    }
}

/// Ends each write's statements in a group's script: its one row marks where the next write's
/// rows begin.
const END_OF_WRITE: &str = "select 1 as end_of_write";

/// Runs `queued` as one script in one transaction on the kept connection; the rows it returned.
async fn send(pool: &SqlitePool, queue: &Queue, queued: Vec<Queued>) -> Result<Vec<SqliteRow>, sqlx::Error> {
    let kept = lock(&queue.connection).take();
    let mut connection = match kept {
        Some(connection) => connection,
        None => pool.acquire().await?,
    };
    let (sql, args) = sqlite_script(queued);
    match bind_all!(sqlx::query(&sql), args).fetch_all(&mut *connection).await {
        Ok(rows) => {
            *lock(&queue.connection) = Some(connection);
            Ok(rows)
        }
        Err(error) => {
            // The script stopped inside its transaction: closing the connection rolls it back, and
            // the next group takes a new one from the pool.
            let _ = connection.close().await;
            Err(error)
        }
    }
}

/// The rows of each write, cut at the [`END_OF_WRITE`] rows.
fn split(rows: Vec<SqliteRow>) -> Vec<Vec<SqliteRow>> {
    let mut writes = vec![Vec::new()];
    for row in rows {
        if row.columns().first().is_some_and(|column| column.name() == "end_of_write") {
            writes.push(Vec::new());
        } else if let Some(rows) = writes.last_mut() {
            rows.push(row);
        }
    }
    writes
}

#[cfg(test)]
mod tests {
    use super::super::{Pool, Store};
    use super::*;
    use crate::db::batch::Arg;

    /// Writes of one row into `task_count` (user `$1`, version `$2`), announcing nothing.
    fn insert(user: &str, version: i64) -> Vec<Queued> {
        let sql = "insert into task_count (user_id, total, completed, version) values ($1, 0, 0, $2) returning version";
        vec![Queued { sql, args: vec![Arg::Text(user.into()), Arg::Int(version)] }]
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_waiting_together_commit_as_one_group_and_one_that_fails_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("group.db").display().to_string();
        let store = Store::connect(&path).await.unwrap();
        store.migrate().await.unwrap();
        let Pool::Sqlite(pool) = &store.pool else { unreachable!("an SQLite path opens SQLite") };
        // A row for user "taken" already: writing it again fails.
        sqlx::query("insert into task_count (user_id, total, completed, version) values ('taken', 0, 0, 0)")
            .execute(pool)
            .await
            .unwrap();

        // While the gate is held, every write below waits; the first to get it sends them all.
        let gate = store.feed.write_gate.clone().lock_owned().await;
        let mut writes = Vec::new();
        for n in 0..10_i64 {
            let user = if n == 4 { "taken".to_owned() } else { format!("u{n}") };
            let (pool, feed) = (pool.clone(), store.feed.clone());
            writes.push(tokio::spawn(async move {
                let announce: Announce = Box::new(move |rows: &[SqliteRow]| {
                    assert_eq!(rows.len(), 1, "each write sees its own row only");
                    assert_eq!(rows[0].try_get::<i64, _>(0)?, n + 100);
                    Ok(None)
                });
                write(&pool, &feed, &user, insert(&user, n + 100), announce).await
            }));
            tokio::task::yield_now().await;
        }
        while store.feed.waiting.lock().len() < 10 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        drop(gate);
        for (n, write) in writes.into_iter().enumerate() {
            let result = write.await.unwrap();
            assert_eq!(result.is_err(), n == 4, "write {n}: {result:?}");
        }
        let reopened = Store::connect(&path).await.unwrap();
        for n in 0..10 {
            let expected = if n == 4 { 0 } else { n + 100 };
            let user = if n == 4 { "taken".to_owned() } else { format!("u{n}") };
            assert_eq!(reopened.change_version(&user).await.unwrap(), expected, "{user}");
        }
    }
}
