//! A change to a user's tasks as the live event stream announces it (`GET /api/{user_id}/events`):
//! written by the server's change feed. It is a wire type like the others here, so a Rust client (the
//! browser's, too) reads the very type the server writes.
use serde::{Deserialize, Serialize};

use super::Task;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A task was created (`task` is it).
    Created,
    /// A task was edited or toggled (`task` is its new state).
    Updated,
    /// A task was deleted (`id`).
    Deleted,
    /// Many tasks changed at once (toggle all, clear completed): fetch the list again.
    Bulk,
    /// Changes were missed: fetch the list again.
    Reset,
}

/// One change, as the event stream sends it: `{type, id?, task?, version}`; `version` is the
/// user's change version after it, which only grows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEvent {
    #[serde(rename = "type")]
    pub kind: ChangeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<Task>,
    pub version: i64,
}
