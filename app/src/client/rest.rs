//! The tasks REST API from the browser (gloo-net), every call with `Authorization: Bearer`. A 401
//! refreshes the token once and retries; a second refusal means the session is over.
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use ticklist::model::{NewTask, Problem, Task, TaskPatch};

use super::{ClientError, token};

fn problem_of(status: u16) -> Problem {
    Problem::new(status, "Error", None)
}

async fn send<B: Serialize>(method: &str, path: &str, body: Option<&B>) -> Result<Response, ClientError> {
    let mut access = token::access_token().await?;
    for attempt in 0..2 {
        let url = format!("/api/{}/tasks{path}", access.user_id);
        let builder = RequestBuilder::new(&url)
            .method(method.parse().expect("a valid method"))
            .header("Authorization", &format!("Bearer {}", access.token));
        let request: Request = match body {
            Some(body) => builder.json(body).map_err(|_| ClientError::Network)?,
            None => builder.build().map_err(|_| ClientError::Network)?,
        };
        let response = request.send().await.map_err(|_| ClientError::Network)?;
        if response.status() == 401 && attempt == 0 {
            access = token::refresh().await?;
            continue;
        }
        if response.status() == 401 {
            token::forget();
            return Err(ClientError::SignedOut);
        }
        if !response.ok() {
            let status = response.status();
            return Err(ClientError::Problem(response.json().await.unwrap_or_else(|_| problem_of(status))));
        }
        return Ok(response);
    }
    Err(ClientError::SignedOut)
}

async fn task(response: Response) -> Result<Task, ClientError> {
    response.json().await.map_err(|_| ClientError::Network)
}

pub async fn create(input: &NewTask) -> Result<Task, ClientError> {
    task(send("POST", "", Some(input)).await?).await
}

pub async fn update(id: i64, patch: &TaskPatch) -> Result<Task, ClientError> {
    task(send("PATCH", &format!("/{id}"), Some(patch)).await?).await
}

pub async fn set_completed(id: i64, completed: bool) -> Result<Task, ClientError> {
    #[derive(Serialize)]
    struct Completion {
        completed: bool,
    }
    task(send("PATCH", &format!("/{id}/complete"), Some(&Completion { completed })).await?).await
}

pub async fn delete(id: i64) -> Result<(), ClientError> {
    send::<()>("DELETE", &format!("/{id}"), None).await.map(drop)
}
