//! The no-JavaScript "add a task" form: a plain HTML form post authenticated by the session cookie
//! (with Better Auth's origin rules against CSRF), through the same task service as everything else,
//! answered with a 303 back to the board. (The sign-in forms belong to `auth::routes::forms`.)
use axum::{
    Form, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use serde::Deserialize;

use crate::AppState;
use crate::auth::routes::{forms::see_other, origin};
use crate::model::NewTask;

/// The task form route (merged at the root).
pub fn router() -> Router<AppState> {
    Router::new().route("/tasks/new", post(new_task))
}

#[derive(Deserialize)]
struct TaskForm {
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    due_date: Option<String>,
    #[serde(default)]
    tags: Option<String>,
}

async fn new_task(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<TaskForm>) -> Response {
    if let Err(error) = origin::check_cookie_request(&headers, &state.auth.trusted) {
        return error.into_response();
    }
    let Some(user) = state.auth.provider.current_user(&state, &headers).await else {
        return see_other("/sign-in?next=%2F", []);
    };
    let present = |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let input = NewTask {
        title: Some(form.title),
        description: present(form.description),
        priority: present(form.priority),
        due_date: present(form.due_date),
        tags: Some(
            form.tags
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
    };
    match crate::tasks::create(&state.store, &user.id, input).await {
        Ok(_) => see_other("/", []),
        Err(crate::tasks::TaskError::Invalid(errors)) => {
            let message = crate::model::FieldError::describe(&errors);
            (StatusCode::UNPROCESSABLE_ENTITY, format!("The task was not added: {message}. Go back to fix it."))
                .into_response()
        }
        Err(error) => super::AppError::from(error).into_response(),
    }
}
