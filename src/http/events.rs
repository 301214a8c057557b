//! `GET /api/{user_id}/events`: the user's task changes as Server-Sent Events. Authenticated like
//! every other call (`Authorization: Bearer`); resumable with `Last-Event-ID` (each event's id is the
//! user's change version); a comment every [`HEARTBEAT`] keeps proxies from closing an idle stream;
//! the server ends the stream when the token expires, and the client comes back with a fresh one.
use std::{convert::Infallible, sync::Arc, time::Duration};

use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use super::error::AppError;
use super::tasks::UserPath;
use crate::AppState;
use crate::auth::AuthUser;
use crate::db::{ChangeEvent, ChangeKind};
use crate::live::{Hub, SubscribeError};

/// How often an idle stream sends a comment.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

/// Stream the user's task changes.
#[utoipa::path(get, path = "/api/{user_id}/events", tag = "tasks",
    params(
        ("user_id" = String, Path, description = "The token's user id"),
        ("Last-Event-ID" = Option<i64>, Header, description = "The last event's id (version) seen: missed events are sent first, or one `reset`"),
    ),
    responses(
        (status = 200, content_type = "text/event-stream", description = "Events `ready` {version}, then `created` / `updated` {type, id, task, version}, `deleted` {type, id, version}, `bulk` and `reset` {type, version} (fetch the list again); ids are versions"),
        (status = 401, description = "No valid token", body = crate::model::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another user's path", body = crate::model::Problem, content_type = "application/problem+json"),
        (status = 429, description = "The user has too many streams open (`Retry-After`)", body = crate::model::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn events(
    State(state): State<AppState>,
    user: AuthUser,
    UserPath(user_id): UserPath,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    user.require(&user_id)?;
    let last_seen =
        headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<i64>().ok());
    let subscription = state.hub.subscribe(&state.store, &user_id, last_seen).await.map_err(|error| match error {
        SubscribeError::TooMany => AppError::TooManyStreams,
        SubscribeError::Store(error) => error.into(),
    })?;
    let now = u64::try_from(crate::clock::now().timestamp()).unwrap_or(0);
    let until = tokio::time::Instant::now() + Duration::from_secs(user.expires_at.saturating_sub(now));
    let version = subscription.version;
    let ready = Event::default().event("ready").id(version.to_string()).data(format!("{{\"version\":{version}}}"));
    let events = EventStream {
        hub: state.hub.clone(),
        user_id,
        first: subscription.first.into(),
        live: subscription.live,
        last: last_seen.unwrap_or(subscription.version).max(subscription.version),
        until,
    };
    let body = stream::once(async move { Ok::<_, Infallible>(ready) }).chain(events.into_stream());
    let mut response = Sse::new(body).keep_alive(KeepAlive::new().interval(HEARTBEAT)).into_response();
    let out = response.headers_mut();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, no-store"));
    // nginx: pass events on as they come.
    out.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

/// The state of one open stream.
struct EventStream {
    hub: Arc<Hub>,
    user_id: String,
    first: std::collections::VecDeque<Arc<ChangeEvent>>,
    live: tokio::sync::broadcast::Receiver<Arc<ChangeEvent>>,
    /// The version of the last event sent; older live events are dropped.
    last: i64,
    /// When the token expires.
    until: tokio::time::Instant,
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.hub.closed(&self.user_id);
    }
}

impl EventStream {
    fn into_stream(self) -> impl Stream<Item = Result<Event, Infallible>> + Send {
        stream::unfold(self, |mut state| async move {
            if let Some(event) = state.first.pop_front() {
                state.last = state.last.max(event.version);
                return Some((Ok(sse(&event)), state));
            }
            loop {
                tokio::select! {
                    () = tokio::time::sleep_until(state.until) => return None,
                    received = state.live.recv() => match received {
                        Ok(event) if event.kind != ChangeKind::Reset && event.version <= state.last => continue,
                        Ok(event) => {
                            state.last = state.last.max(event.version);
                            return Some((Ok(sse(&event)), state));
                        }
                        // Too slow to keep up: start over.
                        Err(RecvError::Lagged(_)) => {
                            let reset = ChangeEvent { kind: ChangeKind::Reset, id: None, task: None, version: state.last };
                            return Some((Ok(sse(&reset)), state));
                        }
                        Err(RecvError::Closed) => return None,
                    },
                }
            }
        })
    }
}

fn sse(event: &ChangeEvent) -> Event {
    let name = match event.kind {
        ChangeKind::Created => "created",
        ChangeKind::Updated => "updated",
        ChangeKind::Deleted => "deleted",
        ChangeKind::Bulk => "bulk",
        ChangeKind::Reset => "reset",
    };
    let data = serde_json::to_string(event).expect("an event serializes");
    Event::default().event(name).id(event.version.to_string()).data(data)
}
