//! Plain HTML form posts, so that signing in, signing up, signing out and adding a task work with
//! JavaScript disabled. They use the same auth and task services as everything else, authenticate by
//! the session cookie (with Better Auth's origin rules against CSRF), and answer with 303 redirects.
use axum::{
    Form, Router,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::auth::{
    AuthError,
    client::ClientAddr,
    routes::{self, origin},
    session,
};
use crate::model::NewTask;

/// The form routes (merged at the root).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", post(sign_in))
        .route("/sign-up", post(sign_up))
        .route("/sign-out", post(sign_out))
        .route("/tasks/new", post(new_task))
}

fn see_other(location: &str, cookies: impl IntoIterator<Item = String>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    routes::with_cookies(response, cookies)
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A local path to go to next (never another site).
fn local(next: Option<&str>) -> String {
    crate::redirect::next_or_home(next)
}

/// Back to the form with an error code (and what was typed, except the password).
fn back(page: &str, error: &AuthError, email: &str, next: &str) -> Response {
    let code =
        if error.status == StatusCode::TOO_MANY_REQUESTS { "RATE_LIMITED" } else { error.code.unwrap_or("ERROR") };
    see_other(&format!("{page}?error={code}&email={}&next={}", encode(email), encode(next)), [])
}

/// The `/sign-in` rate limit, shared with the JSON endpoint (a form post counts as a sign-in attempt).
fn limited(state: &AppState, client: ClientAddr) -> Result<(), AuthError> {
    state.auth.admit(client, "/sign-in").map_err(|_| AuthError {
        status: StatusCode::TOO_MANY_REQUESTS,
        message: String::new(),
        code: None,
    })
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    #[serde(rename = "rememberMe", default)]
    remember_me: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let next = local(form.next.as_deref());
    let result = async {
        origin::check_login_request(&headers, &state.auth.trusted)?;
        limited(&state, client)?;
        let remember = form.remember_me.is_some();
        if let Some(upstream) = &state.auth.upstream {
            let body = json!({"email": form.email, "password": form.password, "rememberMe": remember});
            return upstream.post("/sign-in/email", None, &state.config.origin(), &body).await;
        }
        let meta = session::ClientMeta::new(client, &headers);
        let (session, _) = session::sign_in(&state, form.email.clone(), form.password, remember, &meta).await?;
        Ok(routes::session_cookies(&state, &session.token, remember))
    }
    .await;
    match result {
        Ok(cookies) => see_other(&next, cookies),
        Err(error) => back("/sign-in", &error, &form.email, &next),
    }
}

#[derive(Deserialize)]
struct SignUpForm {
    name: String,
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn sign_up(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignUpForm>,
) -> Response {
    let next = local(form.next.as_deref());
    let result = async {
        origin::check_login_request(&headers, &state.auth.trusted)?;
        limited(&state, client)?;
        if form.name.trim().is_empty() {
            return Err(AuthError::validation("[body.name] Invalid input"));
        }
        if let Some(upstream) = &state.auth.upstream {
            let body = json!({"name": form.name.trim(), "email": form.email, "password": form.password});
            return upstream.post("/sign-up/email", None, &state.config.origin(), &body).await;
        }
        let meta = session::ClientMeta::new(client, &headers);
        let (session, _) =
            session::sign_up(&state, form.name.trim().to_owned(), form.email.clone(), form.password, None, &meta)
                .await?;
        Ok(routes::session_cookies(&state, &session.token, true))
    }
    .await;
    match result {
        Ok(cookies) => see_other(&next, cookies),
        Err(error) => back("/sign-up", &error, &form.email, &next),
    }
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(error) = origin::check_cookie_request(&headers, &state.auth.trusted) {
        return error.into_response();
    }
    if let Some(upstream) = &state.auth.upstream {
        let cookie = headers.get(header::COOKIE);
        let cleared = upstream.post("/sign-out", cookie, &state.config.origin(), &json!({})).await;
        // Whatever the upstream says, this browser is signed out.
        return see_other("/sign-in", cleared.unwrap_or_else(|_| state.auth.cookies.clear().into()));
    }
    if let Err(error) = session::sign_out(&state, &headers).await {
        return error.into_response();
    }
    see_other("/sign-in", state.auth.cookies.clear())
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
    let Some(user) = session::current_user(&state, &headers).await else {
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
            let message = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
            (StatusCode::UNPROCESSABLE_ENTITY, format!("The task was not added: {message}. Go back to fix it."))
                .into_response()
        }
        Err(error) => super::AppError::from(error).into_response(),
    }
}
