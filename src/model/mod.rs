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
