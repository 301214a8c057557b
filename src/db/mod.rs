//! The store: SQLite or PostgreSQL behind one concrete type. Queries are written once with `$1`
//! placeholders (which sqlx's SQLite driver also understands) and run on whichever pool is configured.
//! Longer than most files: the two backends' `Dialect` implementations stand next to each other, so
//! that what differs between them is seen in one place.
/// The columns of a task row, in its struct's order; a macro so that statements can be put together
/// with `concat!`.
macro_rules! task_columns {
    () => {
        "id, user_id, title, description, completed, priority, due_date, tags, created_at, updated_at"
    };
}

mod accounts;
pub(crate) mod batch;
mod deletions;
mod error;
pub mod feed;
mod group;
mod jwks;
mod outbox;
mod rate_limits;
mod reads;
mod tasks;
#[cfg(test)]
mod test_postgres;
mod users;

use std::{str::FromStr, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use sqlx::{
    PgPool, Postgres, Sqlite, SqlitePool, Transaction,
    pool::PoolConnection,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

pub use accounts::{ProfileChange, VerificationRow};
use batch::{Arg, Queued, WriteBatch, bind_all};
pub use error::StoreError;
pub use feed::{ChangeEvent, ChangeKind, Feed, FeedMessage};
pub use jwks::JwkRow;
pub use outbox::OutboxMail;
pub use reads::TRUSTED_FOR as READS_TRUSTED_FOR;
pub use tasks::{TaskCounts, TaskPage};
pub use users::{SessionRow, UserRow};

/// The store: a connection pool on one of the two supported databases, and the feed of task changes
/// its writes publish (see [`feed`]).
#[derive(Debug, Clone)]
pub struct Store {
    pub pool: Pool,
    pub feed: Arc<Feed>,
}

/// A connection pool on one of the two supported databases.
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Which database a [`Store`] talks to, for the few statements whose SQL differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `$body` with `$pool` bound to whichever pool `$store` holds. The body is compiled once per
/// backend, so generic sqlx calls type-check against each database.
#[macro_export]
#[doc(hidden)]
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::db::Pool::Sqlite($pool) => $body,
            $crate::db::Pool::Postgres($pool) => $body,
        }
    };
}

/// How long a request waits for a free connection before the database counts as unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

impl Store {
    fn new(pool: Pool) -> Self {
        // Only this process writes an SQLite file it serves; PostgreSQL may have other writers.
        let trusted_for = match pool {
            Pool::Sqlite(_) => reads::TRUSTED_FOR,
            Pool::Postgres(_) => Duration::ZERO,
        };
        Self { pool, feed: Arc::new(Feed::new(trusted_for)) }
    }

    /// Opens a pool for `url`: `postgres://` / `postgresql://`, else SQLite (`sqlite://path`,
    /// `sqlite:path` or a bare path; the file is created when missing). Does not wait for a
    /// PostgreSQL server to answer: the first query does, so start-up survives a database that is down.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .min_connections(0)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_lazy(url)?;
            return Ok(Store::new(Pool::Postgres(pool)));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            // A file of this process cannot hang up: testing it would cost a hand-off to its thread
            // on every acquire (inside the write lock, for a write).
            .test_before_acquire(false)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        Ok(Store::new(Pool::Sqlite(pool)))
    }

    /// Applies the pending migrations of this backend (`migrations/sqlite` or `migrations/postgres`).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                let migrator = sqlx::migrate!("./migrations/sqlite");
                accept_reworded(pool, &migrator, REWORDED_SQLITE).await?;
                migrator.run(pool).await?
            }
            Pool::Postgres(pool) => {
                let migrator = sqlx::migrate!("./migrations/postgres");
                accept_reworded(pool, &migrator, REWORDED_POSTGRES).await?;
                migrator.run(pool).await?
            }
        }
        Ok(())
    }

    /// Answers whether the database responds to a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("select 1").execute(pool).await.map(drop)?);
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match &self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        self.feed.groups.sqlite.release_connection();
        self.feed.groups.postgres.release_connection();
        on_pool!(self, pool => pool.close().await)
    }
}

/// Migrations whose text changed after they shipped without changing what they do (only a comment
/// was reworded), with the SHA-384 of the text as first shipped: sqlx refuses to start on a database
/// whose applied migration has another checksum, so such a database is told the new one.
const REWORDED_SQLITE: &[(i64, &str)] = &[(
    20261125000001,
    "b1b52b9a4d3907b0de6963e37fd6fe27cb41134bcb05aabd4079c1252a21352e2782df5fa49fb3e7fda3cc3ca7be96b7",
)];
const REWORDED_POSTGRES: &[(i64, &str)] = &[(
    20261125000001,
    "a68af1dedfa8c08f37d8b9981a061643ec95704b54eae82353b2b966d2b593ee7a871b7077013df67f6ef4dfaa3db547",
)];

/// Records the current checksum of each `reworded` migration that a database applied under its old
/// text (and only then: any other difference still stops start-up). A database without sqlx's
/// migration table yet has nothing to update.
async fn accept_reworded<DB>(
    pool: &sqlx::Pool<DB>,
    migrator: &sqlx::migrate::Migrator,
    reworded: &[(i64, &str)],
) -> Result<(), sqlx::Error>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> Vec<u8>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut connection = pool.acquire().await?;
    for &(version, old) in reworded {
        let Some(migration) = migrator.iter().find(|migration| migration.version == version) else { continue };
        let Ok(old) = hex::decode(old) else { continue };
        let updated = sqlx::query("update _sqlx_migrations set checksum = $1 where version = $2 and checksum = $3")
            .bind(migration.checksum.to_vec())
            .bind(version)
            .bind(old)
            .execute(&mut *connection)
            .await;
        match updated {
            Ok(_) => {}
            // No migration table: a new database.
            Err(sqlx::Error::Database(error)) if error.message().contains("_sqlx_migrations") => return Ok(()),
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// The few things the two backends spell differently; implemented by both pool types so that code
/// inside [`on_pool!`] can ask its pool.
pub(crate) trait Dialect {
    type Db: sqlx::Database;
    /// How a timestamp is bound.
    type Time;
    /// Appended to a `select` that is followed by a write of the same row.
    const LOCK_ROW: &'static str;
    /// Makes text order bytewise (code point order) on both backends.
    const BYTEWISE: &'static str;
    /// A `select` turning the page `{page}` (an ordered, limited subquery of task rows) into the JSON
    /// array the API returns, built by the database itself. Both databases aggregate the rows of an
    /// ordered subquery in its order; the store tests check it for every sort.
    const PAGE_AS_JSON: &'static str;
    /// Starts a transaction that holds the write lock from its first statement, so concurrent
    /// read-modify-write transactions queue instead of failing (on SQLite, at `feed`'s write gate).
    async fn begin_write(&self, feed: &Feed) -> Result<WriteTx<Self::Db>, sqlx::Error>;
    /// Starts a write of `user_id`'s tasks as [`Dialect::begin_write`] does. On PostgreSQL it first
    /// locks the user's change-count row ([`LOCK_USER`]), as a group commit does ([`group`]), so
    /// that every writer of a user's tasks takes its locks in the same order.
    async fn begin_tasks_write(&self, feed: &Feed, user_id: &str) -> Result<WriteTx<Self::Db>, sqlx::Error>;
    /// What a [`WriteBatch`] holds: a pooled connection on SQLite (the writes go as one script at
    /// commit), the open transaction on PostgreSQL.
    type Held: std::ops::DerefMut<Target = <Self::Db as sqlx::Database>::Connection> + Send;
    /// A new task with its tags and counts in one statement, where the backend can (PostgreSQL, with
    /// data-modifying CTEs): user `$1`, then the task's values as `tasks::INSERT_TASK` takes them
    /// (`$7` the tags as a JSON array); returns the new `id` and the new `version`. SQLite has none:
    /// its three statements go in one group script anyway.
    const CREATE_TASK: Option<&'static str>;
    /// Tags task `$1` of user `$2` with each tag of the JSON array `$3`.
    const TAG_TASK: &'static str;
    /// Starts a write of `user_id`'s tasks whose reads run at once and whose writes wait for
    /// [`Dialect::commit_batch`]; it holds the write lock as [`Dialect::begin_tasks_write`] does.
    async fn begin_batch(&self, feed: &Feed, user_id: &str) -> Result<WriteBatch<Self::Held>, sqlx::Error>;
    /// Runs the batch's queued writes and commits them, announcing the event that `finish` makes of
    /// the rows they returned (in order) as [`Dialect::commit_change`] does; returns what else
    /// `finish` made. Once called it runs to its end even if its caller stops waiting, so a write is
    /// never left half-sent nor committed unannounced.
    async fn commit_batch<T: Send + 'static>(
        &self,
        batch: WriteBatch<Self::Held>,
        feed: &Arc<Feed>,
        user_id: &str,
        finish: impl FnOnce(&[<Self::Db as sqlx::Database>::Row]) -> Result<(Option<ChangeEvent>, T), sqlx::Error>
        + Send
        + 'static,
    ) -> Result<T, sqlx::Error>;
    /// Sets task `$1` of user `$2` completed as `$3` says (flips it when `$3` is null) at time `$4`,
    /// unless it already is; returns the task's new row, then (in the last row) the new `version`.
    /// Nothing when the task is not there or did not change.
    const SET_COMPLETED: &'static [&'static str];
    /// Deletes task `$1` of user `$2` with its counts; returns the new `version` (nothing when there
    /// was no such task).
    const DELETE_TASK: &'static [&'static str];
    /// A timestamp as this backend stores it, as a bind value.
    fn time_arg(&self, at: DateTime<Utc>) -> Arg;
    /// A timestamp as this backend stores it. On SQLite that is the text Better Auth writes
    /// (`2026-11-24T00:34:20.205Z`), which also sorts correctly as text.
    fn time(&self, at: DateTime<Utc>) -> Self::Time;
    /// Commits `tx` and announces `event` of `user_id`: on PostgreSQL by a `NOTIFY` inside the
    /// transaction (sent on commit, to every instance, in commit order); on SQLite by publishing on
    /// `feed` right after the commit, in commit order.
    async fn commit_change(
        &self,
        tx: WriteTx<Self::Db>,
        feed: &Feed,
        user_id: &str,
        event: ChangeEvent,
    ) -> Result<(), sqlx::Error>;
}

/// A write transaction (from [`Dialect::begin_write`]), used like the connection it runs on; on
/// SQLite it holds the write gate until it is committed or dropped.
pub(crate) struct WriteTx<DB: sqlx::Database> {
    tx: Transaction<'static, DB>,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl<DB: sqlx::Database> WriteTx<DB> {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl<DB: sqlx::Database> std::ops::Deref for WriteTx<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.tx
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for WriteTx<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.tx
    }
}

impl Dialect for SqlitePool {
    type Db = Sqlite;
    type Time = String;
    const LOCK_ROW: &'static str = "";
    const BYTEWISE: &'static str = "";
    // Timestamps are stored as the API shows them; dates as YYYY-MM-DD; tags as a JSON array.
    const PAGE_AS_JSON: &'static str = "select {total}, coalesce(json_group_array(json(json_object(\
        'id', id, 'user_id', user_id, 'title', title, 'description', description, \
        'completed', json(case when completed then 'true' else 'false' end), \
        'priority', case priority when 0 then 'low' when 2 then 'high' else 'medium' end, \
        'due_date', due_date, 'tags', json(tags), 'created_at', created_at, 'updated_at', updated_at))), '[]') \
        from ({page})";
    async fn begin_write(&self, feed: &Feed) -> Result<WriteTx<Sqlite>, sqlx::Error> {
        let gate = feed.write_gate.clone().lock_owned().await;
        Ok(WriteTx { tx: self.begin_with("BEGIN IMMEDIATE").await?, _gate: Some(gate) })
    }
    type Held = PoolConnection<Sqlite>;
    const CREATE_TASK: Option<&'static str> = None;
    const TAG_TASK: &'static str =
        "insert into task_tag (task_id, user_id, tag) select $1, $2, tag.value from json_each($3) as tag";
    async fn begin_tasks_write(&self, feed: &Feed, _user_id: &str) -> Result<WriteTx<Sqlite>, sqlx::Error> {
        // The write gate holds every other writer back.
        self.begin_write(feed).await
    }
    async fn begin_batch(&self, feed: &Feed, _user_id: &str) -> Result<WriteBatch<Self::Held>, sqlx::Error> {
        let gate = feed.write_gate.clone().lock_owned().await;
        Ok(WriteBatch { held: self.acquire().await?, queued: Vec::new(), gate: Some(gate) })
    }
    async fn commit_batch<T: Send + 'static>(
        &self,
        batch: WriteBatch<Self::Held>,
        feed: &Arc<Feed>,
        user_id: &str,
        finish: impl FnOnce(&[sqlx::sqlite::SqliteRow]) -> Result<(Option<ChangeEvent>, T), sqlx::Error> + Send + 'static,
    ) -> Result<T, sqlx::Error> {
        let WriteBatch { held: mut connection, queued, gate } = batch;
        let (feed, user_id) = (feed.clone(), Arc::<str>::from(user_id));
        // On a task of its own, so that a caller who stops waiting (a client gone) cannot stop it
        // between the script's statements and leave its transaction open.
        let written = tokio::spawn(async move {
            let (sql, args) = batch::sqlite_script(queued);
            let rows = match bind_all!(sqlx::query(&sql), args).fetch_all(&mut *connection).await {
                Ok(rows) => rows,
                Err(error) => {
                    // A statement failed and the script stopped inside its transaction: closing
                    // the connection rolls it back, and the pool opens a new one.
                    let _ = connection.close().await;
                    return Err(error);
                }
            };
            let (event, value) = finish(&rows)?;
            // Published before the gate opens for the next writer: events leave in commit order.
            if let Some(event) = event {
                feed.publish(FeedMessage::Change { user_id, event: Arc::new(event) });
            }
            drop(gate);
            Ok(value)
        });
        match written.await {
            Ok(result) => result,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            // The runtime is shutting down.
            Err(_) => Err(sqlx::Error::PoolClosed),
        }
    }
    const SET_COMPLETED: &'static [&'static str] = &[
        concat!(
            "update task set completed = coalesce($3, not completed), updated_at = $4 \
             where id = $1 and user_id = $2 and ($3 is null or completed <> $3) returning ",
            task_columns!()
        ),
        // `changes()`: the rows the statement before changed (none: nothing to count).
        "update task_count set completed = completed + \
         (select case when completed then 1 else -1 end from task where id = $1 and user_id = $2), \
         version = version + 1 where user_id = $2 and changes() > 0 returning version",
    ];
    const DELETE_TASK: &'static [&'static str] = &[
        "update task_count set total = total - 1, \
         completed = completed - (select completed from task where id = $1 and user_id = $2), version = version + 1 \
         where user_id = $2 and exists (select 1 from task where id = $1 and user_id = $2) returning version",
        "delete from task where id = $1 and user_id = $2",
    ];
    fn time_arg(&self, at: DateTime<Utc>) -> Arg {
        Arg::Text(self.time(at))
    }
    fn time(&self, at: DateTime<Utc>) -> String {
        crate::model::timestamp::format(&at)
    }
    async fn commit_change(
        &self,
        tx: WriteTx<Sqlite>,
        feed: &Feed,
        user_id: &str,
        event: ChangeEvent,
    ) -> Result<(), sqlx::Error> {
        // Published before the gate opens for the next writer: events leave in commit order.
        let WriteTx { tx, _gate } = tx;
        tx.commit().await?;
        feed.publish(FeedMessage::Change { user_id: user_id.into(), event: Arc::new(event) });
        Ok(())
    }
}

impl Dialect for PgPool {
    type Db = Postgres;
    type Time = DateTime<Utc>;
    const LOCK_ROW: &'static str = " FOR UPDATE";
    const BYTEWISE: &'static str = r#" COLLATE "C""#;
    const PAGE_AS_JSON: &'static str = r#"select {total}, coalesce(json_agg(json_build_object(
        'id', id, 'user_id', user_id, 'title', title, 'description', description, 'completed', completed,
        'priority', case priority when 0 then 'low' when 2 then 'high' else 'medium' end,
        'due_date', to_char(due_date, 'YYYY-MM-DD'), 'tags', tags::json,
        'created_at', to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'updated_at', to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))), '[]')::text
        from ({page}) as page"#;
    async fn begin_write(&self, _feed: &Feed) -> Result<WriteTx<Postgres>, sqlx::Error> {
        Ok(WriteTx { tx: self.begin().await?, _gate: None })
    }
    type Held = Transaction<'static, Postgres>;
    // The sub-statements see the same snapshot and none sees another's rows, hence the tag rows and
    // the counts are made from `new_task`'s output; the tag rows' foreign key is checked at the end of
    // the statement, when the task is there.
    const CREATE_TASK: Option<&'static str> = Some(
        "with new_task as (insert into task (user_id, title, description, completed, priority, due_date, tags, search, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning id, completed), \
         tagged as (insert into task_tag (task_id, user_id, tag) \
         select new_task.id, $1, tag from new_task, json_array_elements_text($7::text::json) as tag), \
         counted as (insert into task_count (user_id, total, completed, version) \
         select $1, 1, new_task.completed::int, 1 from new_task on conflict (user_id) do update set \
         total = task_count.total + 1, completed = task_count.completed + excluded.completed, \
         version = task_count.version + 1 returning version) \
         select new_task.id, counted.version from new_task, counted",
    );
    const TAG_TASK: &'static str = "insert into task_tag (task_id, user_id, tag) select $1, $2, tag from json_array_elements_text($3::json) as tag";
    async fn begin_tasks_write(&self, _feed: &Feed, user_id: &str) -> Result<WriteTx<Postgres>, sqlx::Error> {
        let mut tx = self.begin().await?;
        sqlx::query(LOCK_USER).bind(user_id).execute(&mut *tx).await?;
        Ok(WriteTx { tx, _gate: None })
    }
    async fn begin_batch(&self, feed: &Feed, user_id: &str) -> Result<WriteBatch<Self::Held>, sqlx::Error> {
        let WriteTx { tx, .. } = self.begin_tasks_write(feed, user_id).await?;
        Ok(WriteBatch { held: tx, queued: Vec::new(), gate: None })
    }
    async fn commit_batch<T: Send + 'static>(
        &self,
        batch: WriteBatch<Self::Held>,
        _feed: &Arc<Feed>,
        user_id: &str,
        finish: impl FnOnce(&[sqlx::postgres::PgRow]) -> Result<(Option<ChangeEvent>, T), sqlx::Error> + Send + 'static,
    ) -> Result<T, sqlx::Error> {
        // A caller who stops waiting drops the transaction, which rolls it back with its notice.
        let WriteBatch { held: mut tx, queued, .. } = batch;
        let mut rows = Vec::new();
        for Queued { sql, args } in queued {
            rows.extend(bind_all!(sqlx::query(sql), args).fetch_all(&mut *tx).await?);
        }
        let (event, value) = finish(&rows)?;
        if let Some(event) = event {
            notify(&mut tx, user_id, &event).await?;
        }
        tx.commit().await?;
        Ok(value)
    }
    // One statement each: the task's row is locked by the change itself, so concurrent changes of one
    // task queue there and each counts from the row as the one before left it.
    const SET_COMPLETED: &'static [&'static str] = &[concat!(
        "with changed as (update task set completed = coalesce($3::boolean, not completed), updated_at = $4 \
         where id = $1 and user_id = $2 and ($3::boolean is null or completed <> $3::boolean) returning ",
        task_columns!(),
        "), counted as (update task_count set completed = task_count.completed + \
         (select case when completed then 1 else -1 end from changed), version = task_count.version + 1 \
         where user_id = $2 and exists (select 1 from changed) returning version) \
         select changed.*, counted.version from changed, counted"
    )];
    const DELETE_TASK: &'static [&'static str] =
        &["with gone as (delete from task where id = $1 and user_id = $2 returning completed) \
         update task_count set total = task_count.total - 1, \
         completed = task_count.completed - (select count(*) from gone where completed), \
         version = task_count.version + 1 where user_id = $2 and exists (select 1 from gone) returning version"];
    fn time_arg(&self, at: DateTime<Utc>) -> Arg {
        Arg::Time(at)
    }
    fn time(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        at
    }
    async fn commit_change(
        &self,
        mut tx: WriteTx<Postgres>,
        _feed: &Feed,
        user_id: &str,
        event: ChangeEvent,
    ) -> Result<(), sqlx::Error> {
        notify(&mut tx, user_id, &event).await?;
        tx.commit().await
    }
}

/// Locks the change-count row of user `$1` on PostgreSQL (a user without one has no tasks yet).
const LOCK_USER: &str = "select 1 from task_count where user_id = $1 for update";

/// Sends `event` of `user_id` to every instance when the transaction `tx` commits (see [`feed`]).
async fn notify(tx: &mut sqlx::PgConnection, user_id: &str, event: &ChangeEvent) -> Result<(), sqlx::Error> {
    sqlx::query("select pg_notify($1, $2)")
        .bind(feed::CHANNEL)
        .bind(feed::Notice::payload(user_id, event))
        .execute(tx)
        .await
        .map(drop)
}

pub(crate) fn lock_row<P: Dialect>(_: &P) -> &'static str {
    P::LOCK_ROW
}

pub(crate) fn bytewise<P: Dialect>(_: &P) -> &'static str {
    P::BYTEWISE
}

pub(crate) fn page_as_json<P: Dialect>(_: &P) -> &'static str {
    P::PAGE_AS_JSON
}

pub(crate) fn create_task<P: Dialect>(_: &P) -> Option<&'static str> {
    P::CREATE_TASK
}

pub(crate) fn tag_task<P: Dialect>(_: &P) -> &'static str {
    P::TAG_TASK
}

pub(crate) fn set_completed<P: Dialect>(_: &P) -> &'static [&'static str] {
    P::SET_COMPLETED
}

pub(crate) fn delete_task<P: Dialect>(_: &P) -> &'static [&'static str] {
    P::DELETE_TASK
}
