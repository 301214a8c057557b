//! The task service: the one place that reads and writes tasks. Every function takes the
//! authenticated user's id and scopes everything by it; the REST handlers and the UI's server
//! functions both call these.
use crate::clock::now;
use crate::db::{Store, StoreError, TaskCounts, TaskPage};
use crate::model::{FieldError, NewTask, Task, TaskPatch, TaskQuery, TaskReplace};

/// Why a task operation failed.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// No such task for this user (whether it exists for someone else is not revealed).
    #[error("task not found")]
    NotFound,
    /// The input broke these rules.
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

type Result<T> = std::result::Result<T, TaskError>;

#[tracing::instrument(skip_all)]
pub async fn list(store: &Store, user_id: &str, query: &TaskQuery) -> Result<TaskPage> {
    Ok(store.list_tasks(user_id, query).await?)
}

/// How many tasks the user has, and how many of them are completed, whatever the filters.
#[tracing::instrument(skip_all)]
pub async fn counts(store: &Store, user_id: &str) -> Result<TaskCounts> {
    Ok(store.task_counts(user_id).await?)
}

/// The same page as [`list`], serialized to the API's JSON by the database, and the total.
#[tracing::instrument(skip_all)]
pub async fn list_json(store: &Store, user_id: &str, query: &TaskQuery) -> Result<(bytes::Bytes, u64)> {
    Ok(store.list_tasks_json(user_id, query).await?)
}

#[tracing::instrument(skip_all)]
pub async fn create(store: &Store, user_id: &str, input: NewTask) -> Result<Task> {
    let draft = input.validate().map_err(TaskError::Invalid)?;
    Ok(store.insert_task(user_id, &draft, now()).await?)
}

#[tracing::instrument(skip_all)]
pub async fn get(store: &Store, user_id: &str, id: i64) -> Result<Task> {
    store.get_task(user_id, id).await?.ok_or(TaskError::NotFound)
}

/// Replaces every field (PUT). Fields left out take their defaults.
#[tracing::instrument(skip_all)]
pub async fn replace(store: &Store, user_id: &str, id: i64, input: TaskReplace) -> Result<Task> {
    let draft = input.validate().map_err(TaskError::Invalid)?;
    store.update_task(user_id, id, now(), |_| draft).await?.ok_or(TaskError::NotFound)
}

/// Changes the fields present in `input` (PATCH).
#[tracing::instrument(skip_all)]
pub async fn patch(store: &Store, user_id: &str, id: i64, input: TaskPatch) -> Result<Task> {
    let changes = input.validate().map_err(TaskError::Invalid)?;
    store.update_task(user_id, id, now(), |task| changes.apply(task)).await?.ok_or(TaskError::NotFound)
}

/// Sets `completed`, or flips it when `completed` is `None`.
#[tracing::instrument(skip_all)]
pub async fn complete(store: &Store, user_id: &str, id: i64, completed: Option<bool>) -> Result<Task> {
    store.set_completed(user_id, id, completed, now()).await?.ok_or(TaskError::NotFound)
}

#[tracing::instrument(skip_all)]
pub async fn delete(store: &Store, user_id: &str, id: i64) -> Result<()> {
    if store.delete_task(user_id, id).await? { Ok(()) } else { Err(TaskError::NotFound) }
}

/// Marks all of the user's tasks completed (or all open); returns how many changed.
#[tracing::instrument(skip_all)]
pub async fn set_all_completed(store: &Store, user_id: &str, completed: bool) -> Result<u64> {
    Ok(store.set_all_completed(user_id, completed, now()).await?)
}

/// Deletes all of the user's completed tasks; returns how many.
#[tracing::instrument(skip_all)]
pub async fn clear_completed(store: &Store, user_id: &str) -> Result<u64> {
    Ok(store.delete_completed(user_id).await?)
}
