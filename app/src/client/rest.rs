//! The tasks REST API from the browser (gloo-net), every call with `Authorization: Bearer`. A 401
//! refreshes the token once and retries (the token may have expired, or be signed with a key the
//! server is only now fetching); the user is signed out only when the session itself is gone.
use gloo_net::http::{Method, Request, RequestBuilder, Response};
use serde::Serialize;
use ticklist::model::{NewTask, Problem, Task, TaskPatch};

use super::{ClientError, token};

fn problem_of(status: u16) -> Problem {
    Problem::new(status, "Error", None)
}

/// Sends `body` (JSON) to `/api/<user>/tasks<path>`. Not generic over the body: one copy of this
/// function in the WASM bundle, not one per body type.
async fn send(method: Method, path: &str, body: Option<String>) -> Result<Response, ClientError> {
    let mut access = token::access_token().await?;
    for attempt in 0..2 {
        let url = format!("/api/{}/tasks{path}", access.user_id);
        let builder = RequestBuilder::new(&url)
            .method(method.clone())
            .header("Authorization", &format!("Bearer {}", access.token));
        let request: Request = match &body {
            Some(json) => builder.header("Content-Type", "application/json").body(json.as_str()),
            None => builder.build(),
        }
        .map_err(|_| ClientError::Network)?;
        let response = request.send().await.map_err(|_| ClientError::Network)?;
        if response.status() == 401 && attempt == 0 {
            access = token::refresh().await?;
            continue;
        }
        if response.status() == 401 {
            // The refresh above worked, so the session lives: not a reason to sign the user out.
            return Err(super::token_refused());
        }
        if !response.ok() {
            let status = response.status();
            return Err(ClientError::Problem(response.json().await.unwrap_or_else(|_| problem_of(status))));
        }
        return Ok(response);
    }
    Err(ClientError::SignedOut)
}

fn json(body: &impl Serialize) -> Result<String, ClientError> {
    serde_json::to_string(body).map_err(|_| ClientError::Network)
}

async fn task(response: Response) -> Result<Task, ClientError> {
    response.json().await.map_err(|_| ClientError::Network)
}

pub async fn create(input: &NewTask) -> Result<Task, ClientError> {
    task(send(Method::POST, "", Some(json(input)?)).await?).await
}

pub async fn update(id: i64, patch: &TaskPatch) -> Result<Task, ClientError> {
    task(send(Method::PATCH, &format!("/{id}"), Some(json(patch)?)).await?).await
}

pub async fn set_completed(id: i64, completed: bool) -> Result<Task, ClientError> {
    #[derive(Serialize)]
    struct Completion {
        completed: bool,
    }
    task(send(Method::PATCH, &format!("/{id}/complete"), Some(json(&Completion { completed })?)).await?).await
}

pub async fn delete(id: i64) -> Result<(), ClientError> {
    send(Method::DELETE, &format!("/{id}"), None).await.map(drop)
}
