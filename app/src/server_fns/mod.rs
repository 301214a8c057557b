//! Server functions: thin wrappers over the same task service and auth rules as the REST API.
//! Called over HTTP they require `Authorization: Bearer` (the [`BearerClient`] sends it); during
//! server-side rendering of a page they resolve the user from the session cookie.
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use ticklist::model::{Task, TaskQuery};

use crate::client::server_fn_client::BearerClient;

mod error;
mod query_form;

pub use codec::JsonText;
pub use error::FnError;
use query_form::QueryForm;

/// How server functions answer: JSON, in a `POST`.
pub type JsonAnswer = server_fn::codec::Post<JsonText>;

mod codec {
    use serde::{Serialize, de::DeserializeOwned};
    use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

    /// JSON like server_fn's own `Json`, but read with `serde_json::from_str`. The browser reads every
    /// other JSON that way (island props, gloo-net, session storage); one reader instead of two keeps
    /// a second copy of every deserializer out of the WASM bundle.
    pub struct JsonText;

    impl ContentType for JsonText {
        const CONTENT_TYPE: &'static str = "application/json";
    }

    impl FormatType for JsonText {
        const FORMAT_TYPE: Format = Format::Text;
    }

    impl<T: Serialize> Encodes<T> for JsonText {
        type Error = serde_json::Error;

        fn encode(output: &T) -> Result<Bytes, Self::Error> {
            serde_json::to_vec(output).map(Bytes::from)
        }
    }

    impl<T: DeserializeOwned> Decodes<T> for JsonText {
        type Error = serde_json::Error;

        fn decode(bytes: Bytes) -> Result<T, Self::Error> {
            let text = std::str::from_utf8(&bytes).map_err(<serde_json::Error as serde::de::Error>::custom)?;
            serde_json::from_str(text)
        }
    }
}

/// One page of the list plus what the page shows around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskListing {
    pub tasks: Vec<Task>,
    /// Tasks matching the filters, before paging.
    pub total: u64,
    /// Open tasks of the user, whatever the filters ("N items left").
    pub remaining: u64,
    /// All tasks of the user, whatever the filters.
    pub all: u64,
    /// The server's date, so overdue and due-today marks agree between server and browser.
    #[serde(with = "ticklist::model::date")]
    pub today: NaiveDate,
}

/// The signed-in user, as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub id: String,
    pub name: String,
    pub email: String,
}

#[cfg(feature = "ssr")]
mod server {
    use axum::extract::FromRequestParts;
    use leptos::prelude::*;
    use ticklist::{AppState, auth::AuthUser, http::error::AppError, model::TaskQuery, tasks::TaskError};

    use super::{FnError, TaskListing, Viewer};

    /// Answers with `error`'s status, as REST would (the framework's default is 500).
    fn fail(error: FnError) -> FnError {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            let status = http::StatusCode::from_u16(error.problem().status);
            response.set_status(status.unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
        }
        error
    }

    /// Who is calling. A call from the browser (`/api/fn/…`) is identified by its Bearer token, like
    /// REST (no token, or a refused one: nobody); while a page renders on the server, by the browser's
    /// session cookie.
    pub async fn viewer(state: &AppState) -> Result<Option<Viewer>, FnError> {
        let mut parts: http::request::Parts = leptos_axum::extract().await?;
        if parts.uri.path().starts_with("/api/fn/") {
            let user = AuthUser::from_request_parts(&mut parts, state).await.ok();
            Ok(user.map(|user| Viewer {
                name: user.name.or_else(|| user.email.clone()).unwrap_or_default(),
                email: user.email.unwrap_or_default(),
                id: user.id,
            }))
        } else {
            let user = ticklist::auth::current_user(state, &parts.headers).await;
            Ok(user.map(|user| Viewer { id: user.id, name: user.name, email: user.email }))
        }
    }

    /// The app state and the id of the user this call acts for; 401 when nobody is signed in.
    pub async fn caller() -> Result<(AppState, String), FnError> {
        let state = expect_context::<AppState>();
        let viewer = viewer(&state).await?.ok_or_else(|| fail(FnError::Unauthorized))?;
        Ok((state, viewer.id))
    }

    /// A page of `user_id`'s tasks for `query`, with the counts the board shows around it.
    pub async fn listing(state: &AppState, user_id: &str, query: &TaskQuery) -> Result<TaskListing, FnError> {
        let page = ticklist::tasks::list(&state.store, user_id, query).await.map_err(task_error)?;
        let counts = ticklist::tasks::counts(&state.store, user_id).await.map_err(task_error)?;
        Ok(TaskListing {
            tasks: page.tasks,
            total: page.total,
            remaining: counts.pending(),
            all: counts.total,
            today: chrono::Utc::now().date_naive(),
        })
    }

    /// A list query that does not parse: 400 with every bad parameter, as REST answers it.
    pub fn invalid_query(errors: Vec<ticklist::model::FieldError>) -> FnError {
        fail(FnError::from(AppError::BadRequest("invalid query parameters".into(), errors).report()))
    }

    /// A task service error as the problem REST answers for it (logged the same way too).
    pub fn task_error(error: TaskError) -> FnError {
        fail(FnError::from(AppError::from(error).report()))
    }
}

/// A page of the caller's tasks for `query`. It travels as the list query string ([`QueryForm`]):
/// one that does not parse is refused with 400 and every bad parameter, as REST refuses it.
#[server(prefix = "/api/fn", client = BearerClient, input = QueryForm, output = JsonAnswer)]
pub async fn list_tasks(query: TaskQuery) -> Result<TaskListing, FnError> {
    let (state, user_id) = server::caller().await?;
    server::listing(&state, &user_id, &query).await
}

/// The first page of `viewer`'s board for `query`. While a page renders on the server the viewer is
/// already known (from the session cookie), so this reads the tasks directly rather than through
/// [`list_tasks`], which would look the session up a second time. In the browser it is [`list_tasks`].
pub async fn first_page(viewer: &Viewer, query: &TaskQuery) -> Result<TaskListing, FnError> {
    #[cfg(feature = "ssr")]
    return server::listing(&expect_context::<ticklist::AppState>(), &viewer.id, query).await;
    #[cfg(not(feature = "ssr"))]
    {
        let _ = viewer; // the token says who
        list_tasks(query.clone()).await
    }
}

/// Marks all of the caller's tasks completed (or all open).
#[server(prefix = "/api/fn", client = BearerClient, output = JsonAnswer)]
pub async fn set_all_completed(completed: bool) -> Result<u64, FnError> {
    let (state, user_id) = server::caller().await?;
    ticklist::tasks::set_all_completed(&state.store, &user_id, completed).await.map_err(server::task_error)
}

/// Deletes the caller's completed tasks.
#[server(prefix = "/api/fn", client = BearerClient, output = JsonAnswer)]
pub async fn clear_completed() -> Result<u64, FnError> {
    let (state, user_id) = server::caller().await?;
    ticklist::tasks::clear_completed(&state.store, &user_id).await.map_err(server::task_error)
}

/// Who is signed in, for the header; `None` when nobody is.
#[server(prefix = "/api/fn", client = BearerClient, output = JsonAnswer)]
pub async fn current_viewer() -> Result<Option<Viewer>, FnError> {
    server::viewer(&expect_context::<ticklist::AppState>()).await
}
