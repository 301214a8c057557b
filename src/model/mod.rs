//! The task domain as it travels over the wire: shared by the server and the WASM UI, so it never
//! depends on anything server-only.
mod change;
pub mod date;
mod input;
mod problem;
mod query;
mod task;
pub mod timestamp;
mod words;

pub use change::{ChangeEvent, ChangeKind};
#[cfg(feature = "server")]
pub use input::TAG_PATTERN;
pub use input::{CompleteBody, NewTask, TaskChanges, TaskDraft, TaskPatch, TaskReplace, normalize_tag};
pub use problem::{AuthErrorBody, FieldError, Problem};
pub use query::{Order, PARAMETERS_MAX, QUERY_MAX_BYTES, SortKey, StatusFilter, TaskQuery};
pub use task::{Priority, Task};

/// Longest name of a user, in characters. Better Auth leaves it unbounded; Ticklist bounds it, as every
/// field travels in each JWT and a token larger than the verifier accepts would lock its user out.
pub const NAME_MAX: usize = 128;
/// Longest email address (RFC 5321's path limit).
pub const EMAIL_MAX: usize = 254;
/// Shortest password, in characters (Better Auth's default).
pub const PASSWORD_MIN: usize = 8;
/// Longest password, in characters (Better Auth's default); longer ones are refused before hashing.
pub const PASSWORD_MAX: usize = 128;
/// Largest number of characters in a title.
pub const TITLE_MAX: usize = 200;
/// Largest number of characters in a description.
pub const DESCRIPTION_MAX: usize = 1000;
/// Largest number of tags on one task.
pub const TAGS_MAX: usize = 10;
/// Largest number of characters in one tag.
pub const TAG_MAX: usize = 32;
/// Largest page a list may ask for.
pub const LIMIT_MAX: u32 = 500;
/// The page size when a list does not ask for one.
pub const LIMIT_DEFAULT: u32 = 100;
