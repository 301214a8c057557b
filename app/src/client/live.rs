//! The user's live changes: `GET /api/{user}/events` (Server-Sent Events) read with `fetch`
//! streaming, so the token travels in `Authorization` like on every other call and never in a URL
//! (`EventSource` cannot send headers). The stream is reopened whenever it ends — the server closes
//! it when the token expires, a proxy or the network may drop it — with `Last-Event-ID`, so the server
//! replays what was missed (or says `reset`). A 401 gets a fresh token first; only a session that is
//! gone stops it (a token refused although the session lives is tried again later).
use std::time::Duration;

use gloo_net::http::Request;
use ticklist::model::ChangeEvent;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::{ClientError, token};

/// What the stream tells the page.
pub enum Live {
    /// The stream is open. `resumed`: it carries on from the last event seen, and the server replays
    /// what was missed; otherwise the page must read the list again to be sure it is current.
    Connected { resumed: bool },
    /// The stream is down; it is being reopened.
    Disconnected,
    /// A change to the user's tasks, made here or elsewhere.
    Change(ChangeEvent),
}

/// The wait before reopening a stream that was open.
const RETRY_MIN: Duration = Duration::from_secs(1);
/// The longest wait between two attempts to reopen the stream.
const RETRY_MAX: Duration = Duration::from_secs(15);

/// Follows the user's changes for as long as the page lives; `on` hears every [`Live`] news. Ends only
/// when the session is gone.
pub async fn follow(on: impl Fn(Live) + 'static) {
    let mut last_id: Option<String> = None;
    let mut retry = RETRY_MIN;
    loop {
        let mut opened = false;
        if let Err(ClientError::SignedOut) = stream(&mut last_id, &mut opened, &on).await {
            return;
        }
        on(Live::Disconnected);
        // A stream that was open ended (token expiry, a proxy's timeout, the network): back soon.
        // One that could not be opened: back later and later.
        retry = if opened { RETRY_MIN } else { (retry * 2).min(RETRY_MAX) };
        wait(retry).await;
    }
}

/// Opens the stream once and hands on its events until it ends; `opened` says whether it got that far.
async fn stream(last_id: &mut Option<String>, opened: &mut bool, on: &impl Fn(Live)) -> Result<(), ClientError> {
    let response = open(last_id.as_deref()).await?;
    *opened = true;
    let body = response.body().ok_or(ClientError::Network)?;
    let reader: web_sys::ReadableStreamDefaultReader =
        body.get_reader().dyn_into().map_err(|_| ClientError::Network)?;
    on(Live::Connected { resumed: last_id.is_some() });
    let mut buffer: Vec<u8> = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|_| ClientError::Network)?;
        let done = js_sys::Reflect::get(&chunk, &"done".into()).map(|v| v.is_truthy()).unwrap_or(true);
        if done {
            return Ok(());
        }
        let bytes = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|_| ClientError::Network)?;
        buffer.extend(js_sys::Uint8Array::new(&bytes).to_vec());
        // Events end with a blank line; a chunk may hold several, or part of one.
        while let Some(end) = buffer.windows(2).position(|pair| pair == b"\n\n") {
            let block: Vec<u8> = buffer.drain(..end + 2).collect();
            if let Some(change) = parse(&String::from_utf8_lossy(&block), last_id) {
                on(Live::Change(change));
            }
        }
    }
}

/// The stream's response, with a fresh token when the first one is refused.
async fn open(last_id: Option<&str>) -> Result<gloo_net::http::Response, ClientError> {
    let mut access = token::access_token().await?;
    for attempt in 0..2 {
        let mut request = Request::get(&format!("/api/{}/events", access.user_id))
            .header("Authorization", &format!("Bearer {}", access.token))
            .header("Accept", "text/event-stream");
        if let Some(id) = last_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request.send().await.map_err(|_| ClientError::Network)?;
        match response.status() {
            200 => return Ok(response),
            401 if attempt == 0 => access = token::refresh().await?,
            401 => return Err(super::token_refused()),
            status => return Err(ClientError::Problem(ticklist::model::Problem::new(status, "Error", None))),
        }
    }
    Err(super::token_refused())
}

/// One event block: its `id:` is remembered for `Last-Event-ID`; a change's `data:` is parsed
/// (`ready` carries only the version, and comments — the heartbeat — nothing).
fn parse(block: &str, last_id: &mut Option<String>) -> Option<ChangeEvent> {
    let (mut name, mut data) = ("message", String::new());
    for line in block.lines() {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => name = value,
            "data" => data.push_str(value),
            "id" => *last_id = Some(value.to_owned()),
            _ => {}
        }
    }
    if name == "ready" || data.is_empty() {
        return None;
    }
    serde_json::from_str(&data).ok()
}

/// Waits `duration`, or less when the browser comes back online. A promise rather than a channel and
/// a listener to remove: the timer and `ononline` (which only this stream uses) both resolve it.
async fn wait(duration: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Some(window) = web_sys::window() else { return };
        window.set_ononline(Some(&resolve));
        let millis = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis);
    });
    let _ = JsFuture::from(promise).await;
}
