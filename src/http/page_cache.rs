//! The board page's cache: the server-rendered board (`/` with any query) as last rendered for a
//! signed-in user, served again while nothing it shows has changed. Rendering the page is the most
//! expensive thing the server does per request; a reload, a second tab or a back-navigation usually
//! asks for the same page again.
//!
//! A kept page is labelled with everything it was rendered from besides the address: the user's
//! change version (raised by every write to their tasks, on every instance: see
//! [`crate::db::Store::current_version`]), their profile as the session shows it (name, email and
//! when it last changed) and the server's date (overdue marks). It is served only when the label
//! read for the request equals it, so no page outlives a write, and pages are keyed by user, so none
//! reaches another. The label is read *before* a page renders: a page is never labelled newer than
//! what it shows.
//!
//! Each response still carries a nonce of its own: a page is kept cut at its nonce, and joined with
//! the request's. Only complete `200` HTML responses that set no cookie are kept.
use std::sync::Arc;

use axum::{
    body::Body,
    extract::{Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use bytes::{Bytes, BytesMut};
use chrono::{DateTime, NaiveDate, Utc};
use http_body_util::BodyExt as _;
use quick_cache::{Weighter, sync::Cache};

use super::security::PageNonce;
use crate::AppState;

/// The path of the board page, the one page kept.
const BOARD_PATH: &str = "/";
/// The most bytes (approximately) of pages kept.
const MAX_BYTES: u64 = 8 * 1024 * 1024;
/// A page larger than this is served but not kept.
const MAX_PAGE_BYTES: usize = 512 * 1024;

/// Whose page, at which address (path and query).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PageKey {
    user: Arc<str>,
    address: String,
}

/// What a page was rendered from, besides its address.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Label {
    version: i64,
    name: String,
    email: String,
    profile_changed: DateTime<Utc>,
    today: NaiveDate,
}

/// A kept page: its label, its headers, and its body cut where its nonce was.
#[derive(Debug)]
struct Kept {
    label: Label,
    headers: axum::http::HeaderMap,
    pieces: Vec<Bytes>,
}

impl Kept {
    fn weight(&self) -> u64 {
        (256 + self.pieces.iter().map(Bytes::len).sum::<usize>()) as u64
    }

    /// The page again, with `nonce` wherever the kept one had its own.
    fn response(&self, nonce: &str) -> Response {
        let mut body = BytesMut::with_capacity(self.weight() as usize);
        for (n, piece) in self.pieces.iter().enumerate() {
            if n > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(piece);
        }
        let mut response = Response::new(Body::from(body.freeze()));
        *response.headers_mut() = self.headers.clone();
        response
    }
}

#[derive(Debug, Clone, Copy)]
struct ByBytes;

impl Weighter<PageKey, Arc<Kept>> for ByBytes {
    fn weight(&self, key: &PageKey, kept: &Arc<Kept>) -> u64 {
        (key.user.len() + key.address.len()) as u64 + kept.weight()
    }
}

/// See the module documentation.
#[derive(Debug)]
pub struct PageCache {
    pages: Cache<PageKey, Arc<Kept>, ByBytes>,
}

impl Default for PageCache {
    fn default() -> Self {
        Self { pages: Cache::with_weighter(1024, MAX_BYTES, ByBytes) }
    }
}

/// Middleware for the server-rendered pages, inside [`super::security::page_policy`] (whose nonce it
/// reads): answers a signed-in user's board from the cache when the kept page is current, and keeps
/// what the page renders otherwise.
pub async fn serve_board(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET || request.uri().path() != BOARD_PATH {
        return next.run(request).await;
    }
    let Some(PageNonce(nonce)) = request.extensions().get::<PageNonce>().cloned() else {
        return next.run(request).await;
    };
    // Nobody signed in (the page sends them to sign in), or the database not answering: rendered.
    let Some(user) = crate::auth::current_user(&state, request.headers()).await else {
        return next.run(request).await;
    };
    let Ok(version) = state.store.current_version(&user.id).await else {
        return next.run(request).await;
    };
    let label = Label {
        version,
        name: user.name,
        email: user.email,
        profile_changed: user.updated_at,
        today: Utc::now().date_naive(),
    };
    let address = request.uri().path_and_query().map_or(BOARD_PATH, |address| address.as_str()).to_owned();
    let key = PageKey { user: user.id.into(), address };
    let cache = &state.pages.pages;
    if let Some(kept) = cache.get(&key).filter(|kept| kept.label == label) {
        return kept.response(&nonce);
    }

    let response = next.run(request).await;
    let keepable = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && response.headers().get(header::CONTENT_TYPE).is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    if !keepable {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        // The page failed while it streamed; so does this response.
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if body.len() <= MAX_PAGE_BYTES {
        let kept = Kept { label, headers: parts.headers.clone(), pieces: cut_at(&body, nonce.as_bytes()) };
        cache.insert(key, Arc::new(kept));
    }
    Response::from_parts(parts, Body::from(body))
}

/// `body` cut at each occurrence of `nonce` (which is not kept).
fn cut_at(body: &Bytes, nonce: &[u8]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for found in memchr::memmem::find_iter(body, nonce) {
        pieces.push(body.slice(start..found));
        start = found + nonce.len();
    }
    pieces.push(body.slice(start..));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_page_cut_at_its_nonce_joins_again_with_another() {
        let body = Bytes::from_static(b"<script nonce=\"N1\">a</script><link crossorigin=\"N1\">N");
        let pieces = cut_at(&body, b"N1");
        assert_eq!(pieces.len(), 3);
        let kept = Kept {
            label: Label {
                version: 0,
                name: String::new(),
                email: String::new(),
                profile_changed: DateTime::UNIX_EPOCH,
                today: NaiveDate::MIN,
            },
            headers: axum::http::HeaderMap::new(),
            pieces,
        };
        let response = kept.response("N2");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&body[..], b"<script nonce=\"N2\">a</script><link crossorigin=\"N2\">N");
    }
}
