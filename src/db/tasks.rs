//! Task rows: every statement is scoped by `user_id`, and every multi-statement write runs in one
//! transaction together with the per-user counts (`task_count`). Longer than most files on purpose:
//! every statement on task rows is here, so that the `user_id` scoping of each is checked in one read.
use super::batch::Queued;
use super::batch::{Arg, bind_all, nth_i64};
use super::group;
use super::{
    ChangeEvent, ChangeKind, Dialect, Store, StoreError, bytewise, create_task, delete_task, lock_row, page_as_json,
    set_completed, tag_task,
};
use crate::model::{Order, Priority, SortKey, StatusFilter, Task, TaskDraft, TaskQuery};
use crate::on_pool;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow as _, Row as _};

/// One page of a list and the number of tasks matching the query before paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    pub total: u64,
}

/// A user's task counts, whatever the filters (kept up to date by every write, in `task_count`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskCounts {
    pub total: u64,
    pub completed: u64,
}

impl TaskCounts {
    /// Open tasks ("N items left").
    pub fn pending(&self) -> u64 {
        self.total.saturating_sub(self.completed)
    }

    /// How many tasks a status filter lets through.
    pub fn with_status(&self, status: StatusFilter) -> u64 {
        match status {
            StatusFilter::All => self.total,
            StatusFilter::Pending => self.pending(),
            StatusFilter::Completed => self.completed,
        }
    }
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    user_id: String,
    title: String,
    description: Option<String>,
    completed: bool,
    priority: i32,
    due_date: Option<NaiveDate>,
    tags: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<TaskRow> for Task {
    fn from(row: TaskRow) -> Self {
        Task {
            id: row.id,
            user_id: row.user_id,
            title: row.title,
            description: row.description,
            completed: row.completed,
            priority: Priority::from_rank(row.priority),
            due_date: row.due_date,
            // Written only by this module from a Vec<String>; an unreadable value reads as no tags.
            tags: serde_json::from_str(&row.tags).unwrap_or_default(),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

const COLUMNS: &str = task_columns!();

/// What the `search` column holds for a title and description.
fn search_text(title: &str, description: Option<&str>) -> String {
    format!("{}\n{}", title.to_lowercase(), description.unwrap_or_default().to_lowercase())
}

/// `%text%` with LIKE's wildcards escaped (`ESCAPE '\'`).
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).expect("a list of strings serializes")
}

/// What [`INSERT_TASK`] (after the user) and [`UPDATE_TASK`] (after the id and user) store of a
/// draft, in their placeholders' order: title, description, completed, priority, due date, tags,
/// search text, and the time (created and updated, or updated).
fn draft_values(draft: &TaskDraft, tags: &str, time: Arg) -> [Arg; 8] {
    [
        Arg::Text(draft.title.clone()),
        Arg::OptText(draft.description.clone()),
        Arg::Bool(draft.completed),
        Arg::Int(draft.priority.rank().into()),
        Arg::OptDate(draft.due_date),
        Arg::Text(tags.to_owned()),
        Arg::Text(search_text(&draft.title, draft.description.as_deref())),
        time,
    ]
}

const INSERT_TASK: &str = "insert into task (user_id, title, description, completed, priority, due_date, tags, search, \
     created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning id";

/// Tags the task inserted just before it in the same transaction, of user `$1`, with each tag of the
/// JSON array `$2` (on SQLite: PostgreSQL's create is one statement, [`super::Dialect::CREATE_TASK`]).
/// `last_insert_rowid()` changes with each tag row inserted: the CTE reads it once, before.
const TAG_NEW_TASK: &str = "with new_task (id) as materialized (select last_insert_rowid()) \
     insert into task_tag (task_id, user_id, tag) select new_task.id, $1, tag.value from new_task, json_each($2) as tag";

/// Rewrites task `$1` of user `$2` (its tags' rows are rewritten apart).
const UPDATE_TASK: &str = "update task set title = $3, description = $4, completed = $5, priority = $6, due_date = $7, \
     tags = $8, search = $9, updated_at = $10 where id = $1 and user_id = $2";

/// Adds to a user's counts and raises their change version, creating the row on the user's first
/// task; returns the new version.
const BUMP_COUNTS: &str = "insert into task_count (user_id, total, completed, version) values ($1, $2, $3, 1) \
     on conflict (user_id) do update set total = task_count.total + excluded.total, \
     completed = task_count.completed + excluded.completed, version = task_count.version + 1 returning version";

/// An event of `kind` about the task `id` (and its new state), at `version`.
fn event_of(kind: ChangeKind, id: i64, task: Option<&Task>, version: i64) -> ChangeEvent {
    ChangeEvent { kind, id: Some(id), task: task.cloned(), version }
}

impl Store {
    /// Stores a new task for `user_id`.
    pub async fn insert_task(&self, user_id: &str, draft: &TaskDraft, now: DateTime<Utc>) -> Result<Task, StoreError> {
        let tags = tags_json(&draft.tags);
        let mut task = Task {
            id: 0,
            user_id: user_id.to_owned(),
            title: draft.title.clone(),
            description: draft.description.clone(),
            completed: draft.completed,
            priority: draft.priority,
            due_date: draft.due_date,
            tags: draft.tags.clone(),
            created_at: now,
            updated_at: now,
        };
        let task = on_pool!(self, pool => {
            let mut args = vec![Arg::Text(user_id.to_owned())];
            args.extend(draft_values(draft, &tags, pool.time_arg(now)));
            let queued = match create_task(pool) {
                Some(sql) => vec![Queued { sql, args }],
                None => {
                    let mut queued = vec![Queued { sql: INSERT_TASK, args }];
                    if !draft.tags.is_empty() {
                        queued.push(Queued { sql: TAG_NEW_TASK, args: vec![Arg::Text(user_id.to_owned()), Arg::Text(tags)] });
                    }
                    let counts = vec![Arg::Text(user_id.to_owned()), Arg::Int(1), Arg::Int(draft.completed.into())];
                    queued.push(Queued { sql: BUMP_COUNTS, args: counts });
                    queued
                }
            };
            group::write_batch(pool, &self.feed, user_id, queued, move |rows| {
                task.id = nth_i64(rows, 0)?;
                let version: i64 = rows.last().ok_or(sqlx::Error::RowNotFound)?.try_get("version")?;
                Ok((Some(event_of(ChangeKind::Created, task.id, Some(&task), version)), task))
            }).await?
        });
        Ok(task)
    }

    /// The task `id` when it belongs to `user_id` (read through the cache: [`Store::get_task`]).
    pub(super) async fn fetch_task(&self, user_id: &str, id: i64) -> Result<Option<Task>, StoreError> {
        let sql = format!("select {COLUMNS} from task where id = $1 and user_id = $2");
        let row: Option<TaskRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).bind(user_id).fetch_optional(pool).await?);
        Ok(row.map(Task::from))
    }

    /// Rewrites task `id` of `user_id` with what `change` makes of it, atomically; a draft equal to the
    /// task leaves it (and its `updated_at`) as it is. `Ok(None)` when there is no such task.
    pub async fn update_task(
        &self,
        user_id: &str,
        id: i64,
        now: DateTime<Utc>,
        change: impl FnOnce(&Task) -> TaskDraft,
    ) -> Result<Option<Task>, StoreError> {
        on_pool!(self, pool => {
            let mut batch = pool.begin_batch(&self.feed, user_id).await?;
            let sql = format!("select {COLUMNS} from task where id = $1 and user_id = $2{}", lock_row(pool));
            let row: Option<TaskRow> = sqlx::query_as(&sql).bind(id).bind(user_id).fetch_optional(&mut *batch).await?;
            let Some(old) = row.map(Task::from) else { return Ok(None) };
            let draft = change(&old);
            if draft.same_as(&old) {
                return Ok(Some(old));
            }
            let tags = tags_json(&draft.tags);
            let mut args = vec![Arg::Int(id), Arg::Text(user_id.to_owned())];
            args.extend(draft_values(&draft, &tags, pool.time_arg(now)));
            batch.queue(UPDATE_TASK, args);
            if draft.tags != old.tags {
                batch.queue("delete from task_tag where task_id = $1", vec![Arg::Int(id)]);
                if !draft.tags.is_empty() {
                    batch.queue(tag_task(pool), vec![Arg::Int(id), Arg::Text(user_id.to_owned()), Arg::Text(tags)]);
                }
            }
            let delta = match (old.completed, draft.completed) {
                (false, true) => 1_i64,
                (true, false) => -1,
                _ => 0,
            };
            batch.queue(BUMP_COUNTS, vec![Arg::Text(user_id.to_owned()), Arg::Int(0), Arg::Int(delta)]);
            let task = Task {
                title: draft.title,
                description: draft.description,
                completed: draft.completed,
                priority: draft.priority,
                due_date: draft.due_date,
                tags: draft.tags,
                updated_at: now,
                ..old
            };
            let task = pool.commit_batch(batch, &self.feed, user_id, move |rows| {
                let version = nth_i64(rows, 0)?;
                Ok((Some(event_of(ChangeKind::Updated, id, Some(&task), version)), task))
            }).await?;
            Ok(Some(task))
        })
    }

    /// Sets task `id` of `user_id` completed as `completed` says, or flips it when `None`; a task
    /// already as asked is left as it is (and its `updated_at`). `Ok(None)` when there is no such task.
    pub async fn set_completed(
        &self,
        user_id: &str,
        id: i64,
        completed: Option<bool>,
        now: DateTime<Utc>,
    ) -> Result<Option<Task>, StoreError> {
        let changed = on_pool!(self, pool => {
            let args = vec![Arg::Int(id), Arg::Text(user_id.to_owned()), Arg::OptBool(completed), pool.time_arg(now)];
            let queued = set_completed(pool).iter().map(|sql| Queued { sql, args: args.clone() }).collect();
            group::write_batch(pool, &self.feed, user_id, queued, move |rows| {
                let (Some(row), Some(last)) = (rows.first(), rows.last()) else { return Ok((None, None)) };
                let task = Task::from(TaskRow::from_row(row)?);
                let version: i64 = last.try_get("version")?;
                Ok((Some(event_of(ChangeKind::Updated, id, Some(&task), version)), Some(task)))
            }).await?
        });
        match changed {
            Some(task) => Ok(Some(task)),
            // Not there, or already as asked.
            None => self.fetch_task(user_id, id).await,
        }
    }

    /// Deletes task `id` of `user_id`; `false` when there was no such task.
    pub async fn delete_task(&self, user_id: &str, id: i64) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let args = vec![Arg::Int(id), Arg::Text(user_id.to_owned())];
            let queued = delete_task(pool).iter().map(|sql| Queued { sql, args: args.clone() }).collect();
            Ok(group::write_batch(pool, &self.feed, user_id, queued, move |rows| {
                let Some(row) = rows.first() else { return Ok((None, false)) };
                Ok((Some(event_of(ChangeKind::Deleted, id, None, row.try_get("version")?)), true))
            }).await?)
        })
    }

    /// Marks every task of `user_id` completed (or open); returns how many changed.
    pub async fn set_all_completed(
        &self,
        user_id: &str,
        completed: bool,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_tasks_write(&self.feed, user_id).await?;
            let changed = sqlx::query("update task set completed = $2, updated_at = $3 where user_id = $1 and completed <> $2")
                .bind(user_id).bind(completed).bind(pool.time(now)).execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Ok(0);
            }
            let version: i64 = sqlx::query_scalar(
                "update task_count set completed = case when $2 then total else 0 end, version = version + 1 \
                 where user_id = $1 returning version",
            )
            .bind(user_id).bind(completed).fetch_one(&mut *tx).await?;
            let event = ChangeEvent { kind: ChangeKind::Bulk, id: None, task: None, version };
            pool.commit_change(tx, &self.feed, user_id, event).await?;
            Ok(changed)
        })
    }

    /// Deletes every completed task of `user_id`; returns how many.
    pub async fn delete_completed(&self, user_id: &str) -> Result<u64, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_tasks_write(&self.feed, user_id).await?;
            let deleted = sqlx::query("delete from task where user_id = $1 and completed = $2")
                .bind(user_id).bind(true).execute(&mut *tx).await?.rows_affected();
            if deleted == 0 {
                return Ok(0);
            }
            let version: i64 = sqlx::query_scalar(
                "update task_count set total = total - completed, completed = 0, version = version + 1 \
                 where user_id = $1 returning version",
            )
            .bind(user_id).fetch_one(&mut *tx).await?;
            let event = ChangeEvent { kind: ChangeKind::Bulk, id: None, task: None, version };
            pool.commit_change(tx, &self.feed, user_id, event).await?;
            Ok(deleted)
        })
    }

    /// One page of `user_id`'s tasks matching `query`, filtered, sorted and paged in SQL (read through
    /// the cache: [`Store::list_tasks`]).
    pub(super) async fn fetch_page(&self, user_id: &str, query: &TaskQuery) -> Result<TaskPage, StoreError> {
        let (filter, args) = where_clause(user_id, query);
        let rows: Vec<TaskRow> = on_pool!(self, pool => {
            let (order, paging) = page_clause(query, args.len(), bytewise(pool));
            let sql = format!("select {COLUMNS} from task where {filter} order by {order} {paging}");
            bind_all!(sqlx::query_as(&sql), page_args(&args, query)).fetch_all(pool).await?
        });
        let total = self.count_tasks(user_id, query, &filter, args).await?;
        Ok(TaskPage { tasks: rows.into_iter().map(Task::from).collect(), total })
    }

    /// The same page as [`Store::fetch_page`], already serialized as the API's JSON array by the
    /// database, and the total: one statement and one row, however many tasks the page holds (read
    /// through the cache: [`Store::list_tasks_json`]).
    pub(super) async fn fetch_page_json(&self, user_id: &str, query: &TaskQuery) -> Result<(String, u64), StoreError> {
        let (filter, args) = where_clause(user_id, query);
        let total = total_expression(query, &filter);
        let (total, json): (i64, String) = on_pool!(self, pool => {
            let (order, paging) = page_clause(query, args.len(), bytewise(pool));
            let page = format!("select * from task where {filter} order by {order} {paging}");
            let sql = page_as_json(pool).replace("{total}", &total).replace("{page}", &page);
            bind_all!(sqlx::query_as(&sql), page_args(&args, query)).fetch_one(pool).await?
        });
        Ok((json, u64::try_from(total).unwrap_or(0)))
    }

    /// How many tasks match; read from `task_count` when only the status is filtered.
    async fn count_tasks(
        &self,
        user_id: &str,
        query: &TaskQuery,
        filter: &str,
        args: Vec<Arg>,
    ) -> Result<u64, StoreError> {
        if filters_only_status(query) {
            return Ok(self.fetch_counts(user_id).await?.with_status(query.status));
        }
        let sql = format!("select count(*) from task where {filter}");
        let count: i64 = on_pool!(self, pool => bind_all!(sqlx::query_scalar(&sql), args).fetch_one(pool).await?);
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// The user's change version: how many writes their tasks have seen (0 before the first).
    pub async fn change_version(&self, user_id: &str) -> Result<i64, StoreError> {
        let version: Option<i64> = on_pool!(self, pool =>
            sqlx::query_scalar("select version from task_count where user_id = $1").bind(user_id).fetch_optional(pool).await?);
        Ok(version.unwrap_or(0))
    }

    /// `user_id`'s task counts: one row read (read through the cache: [`Store::task_counts`]).
    pub(super) async fn fetch_counts(&self, user_id: &str) -> Result<TaskCounts, StoreError> {
        let counts: Option<(i64, i64)> = on_pool!(self, pool =>
            sqlx::query_as("select total, completed from task_count where user_id = $1").bind(user_id).fetch_optional(pool).await?);
        let (total, completed) = counts.unwrap_or_default();
        Ok(TaskCounts { total: u64::try_from(total).unwrap_or(0), completed: u64::try_from(completed).unwrap_or(0) })
    }
}

/// Whether `query` filters by status alone, so that its count is in the kept `task_count` row.
fn filters_only_status(query: &TaskQuery) -> bool {
    let only_status = TaskQuery {
        status: query.status,
        sort: query.sort,
        order: query.order,
        limit: query.limit,
        offset: query.offset,
        ..TaskQuery::default()
    };
    *query == only_status
}

/// A scalar SQL expression for how many tasks match `filter` (whose placeholders it shares): the kept
/// `task_count` row when only the status is filtered, otherwise a `count(*)`.
fn total_expression(query: &TaskQuery, filter: &str) -> String {
    if filters_only_status(query) {
        let column = match query.status {
            StatusFilter::All => "total",
            StatusFilter::Pending => "total - completed",
            StatusFilter::Completed => "completed",
        };
        format!("coalesce((select {column} from task_count where user_id = $1), 0)")
    } else {
        format!("(select count(*) from task where {filter})")
    }
}

/// The `order by` terms (with `id` as the tie-breaker, so pages neither repeat nor skip) and the
/// `limit`/`offset` clause, its placeholders numbered after the filter's `arg_count` values.
fn page_clause(query: &TaskQuery, arg_count: usize, bytewise: &str) -> (String, String) {
    let direction = match query.order {
        Order::Asc => "asc",
        Order::Desc => "desc",
    };
    let order = match query.sort {
        SortKey::CreatedAt => format!("created_at {direction}, id {direction}"),
        SortKey::UpdatedAt => format!("updated_at {direction}, id {direction}"),
        SortKey::Title => format!("search{bytewise} {direction}, id {direction}"),
        // Tasks without a due date come last in either direction.
        SortKey::DueDate => format!("(due_date is null), due_date {direction}, id {direction}"),
        SortKey::Priority => format!("priority {direction}, id {direction}"),
    };
    (order, format!("limit ${} offset ${}", arg_count + 1, arg_count + 2))
}

/// The filter's values followed by limit and offset.
fn page_args<'a>(args: &'a [Arg], query: &TaskQuery) -> impl Iterator<Item = Arg> + 'a {
    let paging = [Arg::Int(i64::from(query.limit)), Arg::Int(i64::try_from(query.offset).unwrap_or(i64::MAX))];
    args.iter().cloned().chain(paging)
}

/// The `where` clause of a list query and its bind values (`$1` is always the user id).
fn where_clause(user_id: &str, query: &TaskQuery) -> (String, Vec<Arg>) {
    let mut sql = String::from("user_id = $1");
    let mut args = vec![Arg::Text(user_id.to_owned())];
    let mut push = |condition: &str, arg: Arg, sql: &mut String| {
        args.push(arg);
        sql.push_str(&condition.replace("$?", &format!("${}", args.len())));
    };
    match query.status {
        StatusFilter::All => {}
        StatusFilter::Pending => push(" and completed = $?", Arg::Bool(false), &mut sql),
        StatusFilter::Completed => push(" and completed = $?", Arg::Bool(true), &mut sql),
    }
    if let Some(q) = &query.q {
        push(r" and search like $? escape '\'", Arg::Text(like_pattern(q)), &mut sql);
    }
    if let Some(priority) = query.priority {
        push(" and priority = $?", Arg::Int(priority.rank().into()), &mut sql);
    }
    if let Some(date) = query.due_before {
        push(" and due_date <= $?", Arg::Date(date), &mut sql);
    }
    if let Some(date) = query.due_after {
        push(" and due_date >= $?", Arg::Date(date), &mut sql);
    }
    for tag in &query.tags {
        push(
            " and exists (select 1 from task_tag where task_tag.task_id = task.id and task_tag.tag = $?)",
            Arg::Text(tag.clone()),
            &mut sql,
        );
    }
    (sql, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards_and_lower_case() {
        assert_eq!(like_pattern("50%_OFF\\"), r"%50\%\_off\\%");
    }

    #[test]
    fn the_where_clause_numbers_its_placeholders_in_order() {
        let query = TaskQuery::parse("status=pending&q=x&tag=a&tag=b&priority=low").unwrap();
        let (sql, args) = where_clause("u", &query);
        assert_eq!(args.len(), 6);
        for n in 1..=6 {
            assert!(sql.contains(&format!("${n}")), "{sql}");
        }
    }
}
