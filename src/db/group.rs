//! Group commit: the writes that need no read first (a new task, a task's completion, a delete)
//! wait in one queue per instance, and whoever next holds the queue's gate sends every write
//! waiting — its own and the others' — in one transaction with one commit. Under load a commit (one
//! fsync), and on PostgreSQL one `NOTIFY` lock, then serve a whole group instead of one write; when
//! writes are rare a group is one write, committed at once.
//!
//! - On SQLite the gate is the feed's write gate, and a group goes as one script (each write's rows
//!   are told apart by a marker row between them), which the connection's thread runs in one
//!   hand-off. Events are published in the group's order once it has committed, before the gate
//!   opens again: in commit order.
//! - On PostgreSQL a group first locks the change-count row of each of its users, in one order
//!   (every other write of a user's tasks also locks that row first, so writers never wait for each
//!   other in a circle), then runs each write's statements, then sends the events by `NOTIFY`
//!   and commits. A PostgreSQL commit that notifies holds a lock shared by the whole database until
//!   its commit record is on disk: one group takes it once.
//!
//! If a statement of a group fails, nothing of the group stays (the connection is closed, which
//! rolls the transaction back) and each of its writes runs again alone, so only the write at fault
//! fails. Groups run on one kept connection, whose prepared statements stay warm.
use std::future::Future;
use std::sync::{Arc, Mutex};

use sqlx::{Column as _, Database, PgConnection, Pool, Postgres, Row as _, Sqlite, SqliteConnection};
use sqlx::{pool::PoolConnection, postgres::PgRow, sqlite::SqliteRow};
use tokio::sync::oneshot;

use super::ChangeEvent;
use super::batch::{Queued, bind_all, sqlite_script};
use super::feed::{self, Feed, FeedMessage, Notice};

/// The most writes sent in one group; the rest wait for the next.
const MAX_GROUP: usize = 32;

/// What a write makes of the rows its statements returned: the event to announce, if anything
/// changed. Whatever else the caller wants of the rows it sends to the caller itself.
pub(crate) type Announce<DB> =
    Box<dyn FnOnce(&[<DB as Database>::Row]) -> Result<Option<ChangeEvent>, sqlx::Error> + Send>;

/// A write's statements, and whose tasks they change.
#[derive(Clone)]
pub(crate) struct Write {
    user_id: Arc<str>,
    queued: Vec<Queued>,
}

/// A write waiting for its group.
pub(crate) struct Waiting<DB: Database> {
    write: Write,
    announce: Announce<DB>,
    done: oneshot::Sender<Result<(), sqlx::Error>>,
}

/// The writes waiting, in the order they came, the gate a group is sent under, and the connection
/// groups are sent on.
pub(crate) struct Queue<DB: Database> {
    waiting: Mutex<Vec<Waiting<DB>>>,
    gate: Arc<tokio::sync::Mutex<()>>,
    /// Kept between groups (taken by the gate's holder only): its prepared statements, and on
    /// SQLite its page cache, stay warm.
    connection: Mutex<Option<PoolConnection<DB>>>,
}

impl<DB: Database> std::fmt::Debug for Queue<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue").field("waiting", &lock(&self.waiting).len()).finish()
    }
}

/// Locks `mutex`; its holders only push, drain or swap, so a panic elsewhere cannot leave it
/// half-changed.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<DB: Database> Queue<DB> {
    /// A queue whose groups are sent under `gate`.
    pub(crate) fn new(gate: Arc<tokio::sync::Mutex<()>>) -> Self {
        Self { waiting: Mutex::default(), gate, connection: Mutex::default() }
    }

    /// The first writes waiting, taken out of the queue: at most [`MAX_GROUP`], and on SQLite as
    /// many as the largest power of two at most the number waiting (groups of a few sizes only make
    /// scripts of a few shapes under a steady load, each prepared once).
    fn take_group(&self, powers_of_two: bool) -> Vec<Waiting<DB>> {
        let mut waiting = lock(&self.waiting);
        let n = waiting.len().min(MAX_GROUP);
        let n = if n == 0 || !powers_of_two { n } else { 1 << n.ilog2() };
        waiting.drain(..n).collect()
    }

    /// Gives the kept connection back to its pool (before the pool closes, which waits for it).
    pub(crate) fn release_connection(&self) {
        lock(&self.connection).take();
    }
}

/// Each backend's queue, in the feed.
#[derive(Debug)]
pub(crate) struct Queues {
    pub(crate) sqlite: Queue<Sqlite>,
    pub(crate) postgres: Queue<Postgres>,
}

/// How a backend sends a group.
pub(crate) trait Grouped: Database {
    /// Whether groups come in sizes that are powers of two (see [`Queue::take_group`]).
    const POWERS_OF_TWO: bool;
    fn queue(feed: &Feed) -> &Queue<Self>;
    /// Runs `writes` in one transaction on `connection`; the rows of each, in order. SQLite commits
    /// here; on PostgreSQL the transaction stays open for [`Grouped::seal`].
    fn run(
        connection: &mut Self::Connection,
        writes: Vec<Write>,
    ) -> impl Future<Output = Result<Vec<Vec<Self::Row>>, sqlx::Error>> + Send;
    /// Makes the group's `events` known, in order, and the group durable.
    fn seal(
        connection: &mut Self::Connection,
        feed: &Feed,
        events: Vec<(Arc<str>, ChangeEvent)>,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
}

/// Runs `queued`, a write of `user_id` that reads nothing before it, in the next group, and returns
/// what `finish` makes of its rows once the group has committed; announces the event `finish` makes
/// (nothing when it makes none).
pub(crate) async fn write_batch<DB: Grouped, T: Send + 'static>(
    pool: &Pool<DB>,
    feed: &Arc<Feed>,
    user_id: &str,
    queued: Vec<Queued>,
    finish: impl FnOnce(&[DB::Row]) -> Result<(Option<ChangeEvent>, T), sqlx::Error> + Send + 'static,
) -> Result<T, sqlx::Error> {
    let (value_sender, value) = oneshot::channel();
    let announce: Announce<DB> = Box::new(move |rows| {
        let (event, value) = finish(rows)?;
        let _ = value_sender.send(value);
        Ok(event)
    });
    write(pool, feed, Write { user_id: user_id.into(), queued }, announce).await?;
    value.await.map_err(|_| sqlx::Error::PoolClosed)
}

/// Queues `write` and returns once its group has been committed (or has failed) and announced.
/// Runs on a task of its own: a caller who stops waiting cannot stop a group half-sent.
async fn write<DB: Grouped>(
    pool: &Pool<DB>,
    feed: &Arc<Feed>,
    write: Write,
    announce: Announce<DB>,
) -> Result<(), sqlx::Error> {
    let (done, mut answer) = oneshot::channel();
    lock(&DB::queue(feed).waiting).push(Waiting { write, announce, done });
    let (pool, feed) = (pool.clone(), feed.clone());
    let written = tokio::spawn(async move {
        let queue = DB::queue(&feed);
        loop {
            tokio::select! {
                biased;
                answer = &mut answer => return answer.unwrap_or(Err(sqlx::Error::PoolClosed)),
                gate = queue.gate.clone().lock_owned() => {
                    // Whoever held the gate before has answered every write it took; this write is
                    // still waiting or has been answered.
                    let group = queue.take_group(DB::POWERS_OF_TWO);
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

/// Sends `group` as one transaction and answers each of its writes; when a statement fails, each
/// alone.
async fn commit<DB: Grouped>(pool: &Pool<DB>, feed: &Feed, group: Vec<Waiting<DB>>) {
    let queue = DB::queue(feed);
    let writes = group.iter().map(|waiting| waiting.write.clone()).collect();
    let (mut connection, rows) = match run(pool, queue, writes).await {
        Ok(sent) => sent,
        Err(error) if group.len() == 1 => {
            let waiting = group.into_iter().next().expect("a group of one");
            let _ = waiting.done.send(Err(error));
            return;
        }
        Err(_) => {
            for waiting in group {
                Box::pin(commit(pool, feed, vec![waiting])).await;
            }
            return;
        }
    };
    let mut events = Vec::new();
    let mut answers = Vec::new();
    for (waiting, rows) in group.into_iter().zip(rows) {
        let Waiting { write, announce, done } = waiting;
        let answer = announce(&rows).map(|event| events.extend(event.map(|event| (write.user_id, event))));
        answers.push((done, answer));
    }
    match DB::seal(&mut connection, feed, events).await {
        Ok(()) => {
            *lock(&queue.connection) = Some(connection);
            for (done, answer) in answers {
                let _ = done.send(answer);
            }
        }
        Err(error) => {
            // Whether a commit that failed took effect is not known: the writes are not run again.
            let _ = connection.close().await;
            let reason = error.to_string();
            for (done, _) in answers {
                let failed = std::io::Error::other(format!("the group's commit failed: {reason}"));
                let _ = done.send(Err(sqlx::Error::Io(failed)));
            }
        }
    }
}

/// Runs `writes` on the kept connection (or one from the pool); on a failure the connection is
/// closed, which rolls its transaction back.
async fn run<DB: Grouped>(
    pool: &Pool<DB>,
    queue: &Queue<DB>,
    writes: Vec<Write>,
) -> Result<(PoolConnection<DB>, Vec<Vec<DB::Row>>), sqlx::Error> {
    let kept = lock(&queue.connection).take();
    let mut connection = match kept {
        Some(connection) => connection,
        None => pool.acquire().await?,
    };
    match DB::run(&mut connection, writes).await {
        Ok(rows) => Ok((connection, rows)),
        Err(error) => {
            let _ = connection.close().await;
            Err(error)
        }
    }
}

/// Ends each write's statements in an SQLite group's script: its one row marks where the next
/// write's rows begin.
const END_OF_WRITE: &str = "select 1 as end_of_write";

impl Grouped for Sqlite {
    const POWERS_OF_TWO: bool = true;

    fn queue(feed: &Feed) -> &Queue<Self> {
        &feed.groups.sqlite
    }

    async fn run(connection: &mut SqliteConnection, writes: Vec<Write>) -> Result<Vec<Vec<SqliteRow>>, sqlx::Error> {
        let mut queued = Vec::new();
        for write in writes {
            queued.extend(write.queued);
            queued.push(Queued { sql: END_OF_WRITE, args: Vec::new() });
        }
        let (sql, args) = sqlite_script(queued);
        let rows = bind_all!(sqlx::query(&sql), args).fetch_all(&mut *connection).await?;
        // The rows of each write, cut at the marker rows.
        let mut writes = vec![Vec::new()];
        for row in rows {
            if row.columns().first().is_some_and(|column| column.name() == "end_of_write") {
                writes.push(Vec::new());
            } else if let Some(rows) = writes.last_mut() {
                rows.push(row);
            }
        }
        Ok(writes)
    }

    async fn seal(
        _: &mut SqliteConnection,
        feed: &Feed,
        events: Vec<(Arc<str>, ChangeEvent)>,
    ) -> Result<(), sqlx::Error> {
        for (user_id, event) in events {
            feed.publish(FeedMessage::Change { user_id, event: Arc::new(event) });
        }
        Ok(())
    }
}

/// Locks the change-count row of each user of a group (`$1`, sorted, without repeats), in that
/// order, creating the rows missing: an update that changes nothing still locks its row.
const LOCK_USERS: &str = "insert into task_count (user_id, total, completed, version) \
     select user_id, 0, 0, 0 from unnest($1::text[]) with ordinality as users (user_id, position) order by position \
     on conflict (user_id) do update set version = task_count.version";

/// Sends the notices `$2` on channel `$1`, in order.
const NOTIFY_ALL: &str = "select pg_notify($1, notice) from unnest($2::text[]) with ordinality as notices (notice, position) \
     order by position";

impl Grouped for Postgres {
    const POWERS_OF_TWO: bool = false;

    fn queue(feed: &Feed) -> &Queue<Self> {
        &feed.groups.postgres
    }

    async fn run(connection: &mut PgConnection, writes: Vec<Write>) -> Result<Vec<Vec<PgRow>>, sqlx::Error> {
        let mut users: Vec<&str> = writes.iter().map(|write| &*write.user_id).collect();
        users.sort_unstable();
        users.dedup();
        sqlx::query("begin").execute(&mut *connection).await?;
        sqlx::query(LOCK_USERS).bind(users).execute(&mut *connection).await?;
        let mut rows_of = Vec::with_capacity(writes.len());
        for write in writes {
            let mut rows = Vec::new();
            for Queued { sql, args } in write.queued {
                rows.extend(bind_all!(sqlx::query(sql), args).fetch_all(&mut *connection).await?);
            }
            rows_of.push(rows);
        }
        Ok(rows_of)
    }

    async fn seal(
        connection: &mut PgConnection,
        _: &Feed,
        events: Vec<(Arc<str>, ChangeEvent)>,
    ) -> Result<(), sqlx::Error> {
        if !events.is_empty() {
            let notices: Vec<String> = events.iter().map(|(user_id, event)| Notice::payload(user_id, event)).collect();
            sqlx::query(NOTIFY_ALL).bind(feed::CHANNEL).bind(notices).execute(&mut *connection).await?;
        }
        sqlx::query("commit").execute(&mut *connection).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Pool, Store};
    use super::*;
    use crate::db::batch::Arg;
    use crate::on_pool;

    /// A write of one rate-limit row with key `$1`, returning its `lastRequest` (`$2`); announces
    /// nothing. A key already there makes it fail.
    fn insert(key: &str, n: i64) -> Vec<Queued> {
        let sql = r#"insert into "rateLimit" ("id", "key", "count", "lastRequest") values ($1, $1, 0, $2) returning "lastRequest""#;
        vec![Queued { sql, args: vec![Arg::Text(key.into()), Arg::Int(n)] }]
    }

    fn key(n: i64) -> String {
        if n == 4 { "taken".to_owned() } else { format!("k{n}") }
    }

    fn queue_of(store: &Store) -> (Arc<tokio::sync::Mutex<()>>, Box<dyn Fn() -> usize + Send>) {
        let feed = store.feed.clone();
        match store.pool {
            Pool::Sqlite(_) => {
                (feed.groups.sqlite.gate.clone(), Box::new(move || lock(&feed.groups.sqlite.waiting).len()))
            }
            Pool::Postgres(_) => {
                (feed.groups.postgres.gate.clone(), Box::new(move || lock(&feed.groups.postgres.waiting).len()))
            }
        }
    }

    /// Ten writes held at the gate go as groups; the one that fails (a key already taken) fails
    /// alone, and the other nine are on disk, as seen from a new store.
    async fn one_write_that_fails_fails_alone(url: &str) {
        let store = Store::connect(url).await.unwrap();
        store.migrate().await.unwrap();
        on_pool!(store, pool => sqlx::query(r#"insert into "rateLimit" ("id", "key", "count", "lastRequest") values ('taken', 'taken', 0, 0)"#)
            .execute(pool).await.map(drop).unwrap());

        // While the gate is held, every write below waits; the first to get it sends them all.
        let (gate, waiting) = queue_of(&store);
        let held = gate.lock_owned().await;
        let mut writes = Vec::new();
        for n in 0..10_i64 {
            let store = store.clone();
            writes.push(tokio::spawn(async move {
                on_pool!(store, pool => write_batch(pool, &store.feed, "user", insert(&key(n), n + 100), move |rows| {
                    assert_eq!(rows.len(), 1, "each write sees its own row only");
                    Ok((None, rows[0].try_get::<i64, _>(0)?))
                }).await)
            }));
            tokio::task::yield_now().await;
        }
        while waiting() < 10 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        drop(held);
        for (n, write) in (0_i64..).zip(writes) {
            let result = write.await.unwrap();
            match result {
                Ok(returned) => assert!(n != 4 && returned == n + 100, "write {n}: {returned}"),
                Err(error) => assert_eq!(n, 4, "write {n}: {error}"),
            }
        }
        store.close().await;
        let reopened = Store::connect(url).await.unwrap();
        for n in 0..10 {
            let sql = r#"select "lastRequest" from "rateLimit" where "key" = $1"#;
            let stored: i64 =
                on_pool!(reopened, pool => sqlx::query_scalar(sql).bind(key(n)).fetch_one(pool).await.unwrap());
            assert_eq!(stored, if n == 4 { 0 } else { n + 100 }, "{}", key(n));
        }
        reopened.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite_writes_waiting_together_commit_as_groups_and_one_that_fails_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        one_write_that_fails_fails_alone(&dir.path().join("group.db").display().to_string()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_writes_waiting_together_commit_as_groups_and_one_that_fails_fails_alone() {
        let database = crate::db::test_postgres::Database::new().await;
        one_write_that_fails_fails_alone(&database.url).await;
        database.drop().await;
    }
}
