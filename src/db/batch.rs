//! Write batches: the task writes' transactions. A batch's reads run at once, under the write lock;
//! its writes are queued and sent together when it commits. On SQLite they go as one script
//! (`BEGIN IMMEDIATE; …; COMMIT`) that the connection's thread runs in a single hand-off, where a
//! transaction of statements sent one by one costs a hand-off to that thread and back for each
//! (with both cores busy, each hand-off waits to be scheduled). On PostgreSQL they run one after
//! another in the transaction the batch began.
use chrono::{DateTime, NaiveDate, Utc};
use std::fmt::Write as _;

/// A bind value of a statement built at run time or queued in a batch.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    Bool(bool),
    OptBool(Option<bool>),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
    /// A timestamp as PostgreSQL stores it (SQLite's are text: [`super::Dialect::time_arg`]).
    Time(DateTime<Utc>),
}

/// Binds `$args` in order onto a sqlx query of either backend.
macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                $crate::db::batch::Arg::Text(value) => query.bind(value),
                $crate::db::batch::Arg::OptText(value) => query.bind(value),
                $crate::db::batch::Arg::Int(value) => query.bind(value),
                $crate::db::batch::Arg::Bool(value) => query.bind(value),
                $crate::db::batch::Arg::OptBool(value) => query.bind(value),
                $crate::db::batch::Arg::Date(value) => query.bind(value),
                $crate::db::batch::Arg::OptDate(value) => query.bind(value),
                $crate::db::batch::Arg::Time(value) => query.bind(value),
            };
        }
        query
    }};
}
pub(crate) use bind_all;

/// A statement waiting in a batch: its SQL (placeholders `$1`… of its own) and its values.
#[derive(Debug, Clone)]
pub(crate) struct Queued {
    pub sql: &'static str,
    pub args: Vec<Arg>,
}

/// A write transaction whose writes are queued (from [`super::Dialect::begin_batch`]); it reads like
/// the connection it holds (`&mut *batch`). On SQLite it holds the write gate until its commit has
/// been announced, or until it is dropped (then nothing of it was written).
pub(crate) struct WriteBatch<Held> {
    pub(super) held: Held,
    pub(super) queued: Vec<Queued>,
    pub(super) gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl<Held> WriteBatch<Held> {
    /// Adds a write, run at commit after those queued before it.
    pub(crate) fn queue(&mut self, sql: &'static str, args: Vec<Arg>) {
        self.queued.push(Queued { sql, args });
    }
}

impl<Held: std::ops::Deref> std::ops::Deref for WriteBatch<Held> {
    type Target = Held::Target;
    fn deref(&self) -> &Held::Target {
        &self.held
    }
}

impl<Held: std::ops::DerefMut> std::ops::DerefMut for WriteBatch<Held> {
    fn deref_mut(&mut self) -> &mut Held::Target {
        &mut self.held
    }
}

/// The queued statements as one SQLite transaction script and its values: each statement's
/// placeholders renumbered after the values of the statements before it.
pub(super) fn sqlite_script(queued: Vec<Queued>) -> (String, Vec<Arg>) {
    let mut sql = String::from("BEGIN IMMEDIATE;\n");
    let mut args = Vec::new();
    for statement in queued {
        push_renumbered(&mut sql, statement.sql, args.len());
        sql.push_str(";\n");
        args.extend(statement.args);
    }
    sql.push_str("COMMIT");
    (sql, args)
}

/// Appends `statement` to `sql` with each placeholder `$n` written as `$(n + offset)`. The statements
/// queued in batches are this module's constants: a `$` in them is always a placeholder.
fn push_renumbered(sql: &mut String, statement: &str, offset: usize) {
    let mut rest = statement;
    while let Some(at) = rest.find('$') {
        sql.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => write!(sql, "{}", n + offset).expect("writing to a String"),
            Err(_) => sql.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    sql.push_str(rest);
}

/// The `i64` in the first column of the `n`th row a batch returned.
pub(crate) fn nth_i64<R>(rows: &[R], n: usize) -> Result<i64, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    rows.get(n).ok_or(sqlx::Error::RowNotFound)?.try_get(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_numbers_each_statements_placeholders_after_the_ones_before() {
        let queued = vec![
            Queued { sql: "insert into t values ($1, $2, $2)", args: vec![Arg::Int(1), Arg::Int(2)] },
            Queued { sql: "update u set a = $2 where b = $1", args: vec![Arg::Int(3), Arg::Int(4)] },
            Queued { sql: "delete from v", args: vec![] },
        ];
        let (sql, args) = sqlite_script(queued);
        assert_eq!(
            sql,
            "BEGIN IMMEDIATE;\ninsert into t values ($1, $2, $2);\nupdate u set a = $4 where b = $3;\ndelete from v;\nCOMMIT"
        );
        assert_eq!(args.len(), 4);
    }

    /// A statement failing inside an SQLite script leaves its transaction open on that connection:
    /// what the statements before it wrote must not stay, nor may the connection serve again inside
    /// that transaction.
    #[tokio::test]
    async fn a_failed_sqlite_batch_writes_nothing_and_the_next_writes_commit() {
        use super::super::{Dialect, Pool, Store};
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&dir.path().join("batch.db").display().to_string()).await.unwrap();
        store.migrate().await.unwrap();
        let Pool::Sqlite(pool) = &store.pool else { unreachable!("an SQLite path opens SQLite") };

        let mut batch = pool.begin_batch(&store.feed, "u").await.unwrap();
        let insert = "insert into task_count (user_id, total, completed, version) values ($1, 0, 0, 7)";
        batch.queue(insert, vec![Arg::Text("u".into())]);
        // The same primary key again: this statement fails.
        batch.queue(insert, vec![Arg::Text("u".into())]);
        let failed = pool
            .commit_batch(batch, &store.feed, "u", |_| -> Result<(Option<super::super::ChangeEvent>, ()), _> {
                unreachable!("a failed batch makes no event")
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(store.change_version("u").await.unwrap(), 0, "the first insert was rolled back");

        let draft = crate::model::TaskDraft {
            title: "after".into(),
            description: None,
            completed: false,
            priority: crate::model::Priority::Medium,
            due_date: None,
            tags: vec!["a".into()],
        };
        // More writes than the pool has connections: none of them may land in a transaction left open.
        for _ in 0..10 {
            store.insert_task("u", &draft, chrono::Utc::now()).await.unwrap();
        }
        let reopened = Store::connect(&dir.path().join("batch.db").display().to_string()).await.unwrap();
        assert_eq!(reopened.change_version("u").await.unwrap(), 10);
    }

    #[test]
    fn a_dollar_without_digits_is_left_as_it_is() {
        let mut sql = String::new();
        push_renumbered(&mut sql, "select '$' || $1", 10);
        assert_eq!(sql, "select '$' || $11");
    }
}
