//! REST handlers for `/api/{user_id}/tasks`: thin adapters from HTTP to the task service.
use axum::{
    extract::{FromRequestParts, Path, RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::IntoResponse,
};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use super::error::AppError;
use super::json::{AppJson, MaybeJson};
use super::openapi::{ChangeFailures, CompleteFailures, CreateFailures, ListFailures, ListParams, TaskFailures};
use crate::auth::AuthUser;
use crate::model::{CompleteBody, NewTask, Task, TaskPatch, TaskQuery, TaskReplace};
use crate::{AppState, tasks};

/// `{user_id}` of a collection path.
#[derive(Deserialize, FromRequestParts)]
#[from_request(via(Path), rejection(AppError))]
pub struct UserPath(pub String);

/// `{user_id}` and `{id}` of a task path.
#[derive(Deserialize, FromRequestParts)]
#[from_request(via(Path), rejection(AppError))]
pub struct TaskPath(pub String, pub i64);

fn location(user_id: &str, id: i64) -> HeaderValue {
    let user = utf8_percent_encode(user_id, NON_ALPHANUMERIC);
    HeaderValue::from_str(&format!("/api/{user}/tasks/{id}")).expect("an encoded path is a valid header")
}

/// List tasks, filtered, searched, sorted and paged.
#[utoipa::path(get, path = "/api/{user_id}/tasks", tag = "tasks",
    params(
        ("user_id" = String, Path, description = "The token's user id"),
        ListParams,
    ),
    responses(
        (status = 200, description = "The page of tasks", body = [Task],
            headers(("X-Total-Count" = u64, description = "Matching tasks before limit/offset"))),
        ListFailures,
    ),
    security(("bearer" = [])))]
pub async fn list(
    user: AuthUser,
    State(state): State<AppState>,
    UserPath(user_id): UserPath,
    RawQuery(raw): RawQuery,
) -> Result<impl IntoResponse, AppError> {
    user.require(&user_id)?;
    let query = TaskQuery::parse(raw.as_deref().unwrap_or_default())
        .map_err(|errors| AppError::BadRequest("invalid query parameters".into(), errors))?;
    let (json, total) = tasks::list_json(&state.store, &user.id, &query).await?;
    let mut headers = HeaderMap::new();
    headers.insert("x-total-count", HeaderValue::from(total));
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok((headers, json))
}

/// Create a task.
#[utoipa::path(post, path = "/api/{user_id}/tasks", tag = "tasks",
    params(("user_id" = String, Path, description = "The token's user id")),
    request_body = NewTask,
    responses(
        (status = 201, description = "Created", body = Task, headers(("Location" = String, description = "The task's URL"))),
        CreateFailures,
    ),
    security(("bearer" = [])))]
pub async fn create(
    user: AuthUser,
    State(state): State<AppState>,
    UserPath(user_id): UserPath,
    AppJson(input): AppJson<NewTask>,
) -> Result<impl IntoResponse, AppError> {
    user.require(&user_id)?;
    let task = tasks::create(&state.store, &user.id, input).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, location(&user_id, task.id))], AppJson(task)))
}

/// Get one task.
#[utoipa::path(get, path = "/api/{user_id}/tasks/{id}", tag = "tasks",
    params(("user_id" = String, Path, description = "The token's user id"), ("id" = i64, Path, description = "Task id")),
    responses(
        (status = 200, description = "The task", body = Task),
        TaskFailures,
    ),
    security(("bearer" = [])))]
pub async fn get(
    user: AuthUser,
    State(state): State<AppState>,
    TaskPath(user_id, id): TaskPath,
) -> Result<AppJson<Task>, AppError> {
    user.require(&user_id)?;
    Ok(AppJson(tasks::get(&state.store, &user.id, id).await?))
}

/// Replace a task (fields left out take their defaults).
#[utoipa::path(put, path = "/api/{user_id}/tasks/{id}", tag = "tasks",
    params(("user_id" = String, Path, description = "The token's user id"), ("id" = i64, Path, description = "Task id")),
    request_body = TaskReplace,
    responses(
        (status = 200, description = "The replaced task", body = Task),
        ChangeFailures,
    ),
    security(("bearer" = [])))]
pub async fn replace(
    user: AuthUser,
    State(state): State<AppState>,
    TaskPath(user_id, id): TaskPath,
    AppJson(input): AppJson<TaskReplace>,
) -> Result<AppJson<Task>, AppError> {
    user.require(&user_id)?;
    Ok(AppJson(tasks::replace(&state.store, &user.id, id, input).await?))
}

/// Change some fields of a task.
#[utoipa::path(patch, path = "/api/{user_id}/tasks/{id}", tag = "tasks",
    params(("user_id" = String, Path, description = "The token's user id"), ("id" = i64, Path, description = "Task id")),
    request_body = TaskPatch,
    responses(
        (status = 200, description = "The updated task", body = Task),
        ChangeFailures,
    ),
    security(("bearer" = [])))]
pub async fn patch(
    user: AuthUser,
    State(state): State<AppState>,
    TaskPath(user_id, id): TaskPath,
    AppJson(input): AppJson<TaskPatch>,
) -> Result<AppJson<Task>, AppError> {
    user.require(&user_id)?;
    Ok(AppJson(tasks::patch(&state.store, &user.id, id, input).await?))
}

/// Delete a task.
#[utoipa::path(delete, path = "/api/{user_id}/tasks/{id}", tag = "tasks",
    params(("user_id" = String, Path, description = "The token's user id"), ("id" = i64, Path, description = "Task id")),
    responses(
        (status = 204, description = "Deleted"),
        TaskFailures,
    ),
    security(("bearer" = [])))]
pub async fn delete(
    user: AuthUser,
    State(state): State<AppState>,
    TaskPath(user_id, id): TaskPath,
) -> Result<StatusCode, AppError> {
    user.require(&user_id)?;
    tasks::delete(&state.store, &user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Toggle completion (no body) or set it (`{"completed": bool}`).
#[utoipa::path(patch, path = "/api/{user_id}/tasks/{id}/complete", tag = "tasks",
    params(("user_id" = String, Path, description = "The token's user id"), ("id" = i64, Path, description = "Task id")),
    request_body(content = Option<CompleteBody>, description = "Absent (or null): toggle. Present: set."),
    responses(
        (status = 200, description = "The updated task", body = Task),
        CompleteFailures,
    ),
    security(("bearer" = [])))]
pub async fn complete(
    user: AuthUser,
    State(state): State<AppState>,
    TaskPath(user_id, id): TaskPath,
    MaybeJson(body): MaybeJson<CompleteBody>,
) -> Result<AppJson<Task>, AppError> {
    user.require(&user_id)?;
    let completed = body.and_then(|body| body.completed);
    Ok(AppJson(tasks::complete(&state.store, &user.id, id, completed).await?))
}
