//! What clients send to create or change a task, and the validation that turns it into something the
//! store may write. Values with rules (priority, dates, tags) arrive as plain JSON types so that every
//! broken rule is reported at once (422) instead of the first bad value aborting the parse (400).
//! Longer than most files: the three bodies (create, replace, patch) and the one set of rules they
//! share, so that a rule cannot differ between them.
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use super::{DESCRIPTION_MAX, FieldError, Priority, TAG_MAX, TAGS_MAX, TITLE_MAX, Task};

/// `POST /api/{user_id}/tasks` body. Kept apart from [`TaskReplace`], which has the same fields and
/// `completed`: a task is created open, and a `completed` sent here is refused as an unknown field
/// (the contract's rule), which one shared type could not express.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTask {
    /// Required; trimmed; 1-200 characters.
    #[cfg_attr(feature = "server", schema(value_type = String, min_length = 1, max_length = 200, pattern = r"\S"))]
    pub title: Option<String>,
    /// At most 1000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 1000))]
    pub description: Option<String>,
    /// `low`, `medium` (default) or `high`.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<Priority>))]
    pub priority: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>, format = Date))]
    pub due_date: Option<String>,
    /// At most 10; each 1-32 characters, trimmed, lower-cased, unique.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<crate::http::openapi::Tags>))]
    pub tags: Option<Vec<String>>,
}

/// `PUT /api/{user_id}/tasks/{id}` body: a full replacement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskReplace {
    #[cfg_attr(feature = "server", schema(value_type = String, min_length = 1, max_length = 200, pattern = r"\S"))]
    pub title: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 1000))]
    pub description: Option<String>,
    #[serde(default)]
    pub completed: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<Priority>))]
    pub priority: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>, format = Date))]
    pub due_date: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<crate::http::openapi::Tags>))]
    pub tags: Option<Vec<String>>,
}

/// `PATCH /api/{user_id}/tasks/{id}` body: any subset of the fields. An absent field is left alone;
/// `null` clears `description`, `due_date` and `tags`, and is refused for the others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskPatch {
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "server",
        schema(value_type = String, required = false, min_length = 1, max_length = 200, pattern = r"\S")
    )]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>, max_length = 1000))]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = bool, required = false))]
    pub completed: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Priority, required = false))]
    pub priority: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>, format = Date))]
    pub due_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<crate::http::openapi::Tags>))]
    pub tags: Option<Option<Vec<String>>>,
}

/// Characters a tag may hold (no control characters), with at least one that is not a space: the
/// OpenAPI document's statement of what `normalize_tag` and the tag rule accept.
#[cfg(feature = "server")]
pub const TAG_PATTERN: &str = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";

/// `PATCH /api/{user_id}/tasks/{id}/complete` body: absent toggles, a value sets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CompleteBody {
    pub completed: Option<bool>,
}

/// A validated, complete set of task fields, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDraft {
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    pub priority: Priority,
    pub due_date: Option<NaiveDate>,
    pub tags: Vec<String>,
}

/// A validated partial update; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskChanges {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub completed: Option<bool>,
    pub priority: Option<Priority>,
    pub due_date: Option<Option<NaiveDate>>,
    pub tags: Option<Vec<String>>,
}

impl NewTask {
    /// Checks every rule; on failure lists every failing field.
    pub fn validate(self) -> Result<TaskDraft, Vec<FieldError>> {
        TaskReplace {
            title: self.title,
            description: self.description,
            completed: None,
            priority: self.priority,
            due_date: self.due_date,
            tags: self.tags,
        }
        .validate()
    }
}

impl TaskReplace {
    /// Checks every rule; on failure lists every failing field.
    pub fn validate(self) -> Result<TaskDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = match self.title {
            Some(title) => check(title_rule(&title), "title", &mut errors),
            None => {
                errors.push(FieldError::new("title", "is required"));
                None
            }
        };
        let description = check(description_rule(self.description), "description", &mut errors);
        let priority = check(priority_rule(self.priority.as_deref()), "priority", &mut errors);
        let due_date = check(due_date_rule(self.due_date.as_deref()), "due_date", &mut errors);
        let tags = tags_rule(self.tags.unwrap_or_default(), &mut errors);
        match (title, description, priority, due_date, errors.is_empty()) {
            (Some(title), Some(description), Some(priority), Some(due_date), true) => Ok(TaskDraft {
                title,
                description,
                completed: self.completed.unwrap_or(false),
                priority: priority.unwrap_or_default(),
                due_date,
                tags: tags.unwrap_or_default(),
            }),
            _ => Err(errors),
        }
    }
}

impl TaskPatch {
    /// Checks every present field; on failure lists every failing field.
    pub fn validate(self) -> Result<TaskChanges, Vec<FieldError>> {
        let mut errors = Vec::new();
        let not_null =
            |field: &str, errors: &mut Vec<FieldError>| errors.push(FieldError::new(field, "must not be null"));
        let title = match self.title {
            Some(Some(title)) => check(title_rule(&title), "title", &mut errors),
            Some(None) => {
                not_null("title", &mut errors);
                None
            }
            None => None,
        };
        let description = self.description.and_then(|value| check(description_rule(value), "description", &mut errors));
        let completed = match self.completed {
            Some(None) => {
                not_null("completed", &mut errors);
                None
            }
            other => other.flatten(),
        };
        let priority = match self.priority {
            Some(Some(value)) => check(priority_rule(Some(&value)), "priority", &mut errors).flatten(),
            Some(None) => {
                not_null("priority", &mut errors);
                None
            }
            None => None,
        };
        let due_date = self.due_date.and_then(|value| check(due_date_rule(value.as_deref()), "due_date", &mut errors));
        let tags = self.tags.and_then(|value| tags_rule(value.unwrap_or_default(), &mut errors));
        if errors.is_empty() {
            Ok(TaskChanges { title, description, completed, priority, due_date, tags })
        } else {
            Err(errors)
        }
    }
}

impl TaskDraft {
    /// Whether writing this draft would leave `task` exactly as it is.
    pub fn same_as(&self, task: &Task) -> bool {
        self.title == task.title
            && self.description == task.description
            && self.completed == task.completed
            && self.priority == task.priority
            && self.due_date == task.due_date
            && self.tags == task.tags
    }
}

impl TaskChanges {
    /// The task's fields with these changes laid over them.
    pub fn apply(self, task: &Task) -> TaskDraft {
        TaskDraft {
            title: self.title.unwrap_or_else(|| task.title.clone()),
            description: self.description.unwrap_or_else(|| task.description.clone()),
            completed: self.completed.unwrap_or(task.completed),
            priority: self.priority.unwrap_or(task.priority),
            due_date: self.due_date.unwrap_or(task.due_date),
            tags: self.tags.unwrap_or_else(|| task.tags.clone()),
        }
    }
}

/// Records a rule's failure under `field`; returns the value when it passed.
fn check<T>(result: Result<T, String>, field: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    result.map_err(|message| errors.push(FieldError::new(field, message))).ok()
}

fn title_rule(title: &str) -> Result<String, String> {
    let title = title.trim();
    let length = title.chars().count();
    if (1..=TITLE_MAX).contains(&length) {
        Ok(title.to_owned())
    } else {
        Err(format!("must be 1-{TITLE_MAX} characters"))
    }
}

fn description_rule(description: Option<String>) -> Result<Option<String>, String> {
    match description {
        Some(text) if text.chars().count() > DESCRIPTION_MAX => {
            Err(format!("must be at most {DESCRIPTION_MAX} characters"))
        }
        Some(text) if text.trim().is_empty() => Ok(None),
        other => Ok(other),
    }
}

fn priority_rule(priority: Option<&str>) -> Result<Option<Priority>, String> {
    match priority {
        None => Ok(None),
        Some(name) => Priority::parse(name).map(Some).ok_or_else(|| Priority::ONE_OF.to_owned()),
    }
}

fn due_date_rule(due_date: Option<&str>) -> Result<Option<NaiveDate>, String> {
    match due_date {
        None => Ok(None),
        Some(text) => super::date::parse(text).map(Some).ok_or_else(|| "must be a calendar date YYYY-MM-DD".to_owned()),
    }
}

/// Normalises one tag the way the store keeps it: trimmed and lower-cased.
pub fn normalize_tag(tag: &str) -> String {
    lowercase(tag.trim())
}

/// Unicode lower case. In the browser, JavaScript's `toLowerCase` does it (the same Unicode mapping),
/// which keeps Rust's case tables, 7 KB of brotli, out of the WASM bundle.
fn lowercase(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    return js_sys::JsString::from(text).to_lower_case().into();
    #[cfg(not(target_arch = "wasm32"))]
    return text.to_lowercase();
}

/// Checks the tag count first and stops there when it is broken, so that the work done on a list of
/// any length is bounded by [`TAGS_MAX`]; then each tag, with duplicates found through a set.
fn tags_rule(tags: Vec<String>, errors: &mut Vec<FieldError>) -> Option<Vec<String>> {
    if tags.len() > TAGS_MAX {
        errors.push(FieldError::new("tags", format!("must be at most {TAGS_MAX} tags")));
        return None;
    }
    let before = errors.len();
    let mut seen = std::collections::BTreeSet::new();
    let mut normalized: Vec<String> = Vec::with_capacity(tags.len());
    for (index, tag) in tags.iter().enumerate() {
        let tag = normalize_tag(tag);
        let length = tag.chars().count();
        if !(1..=TAG_MAX).contains(&length) {
            errors.push(FieldError::new(format!("tags[{index}]"), format!("must be 1-{TAG_MAX} characters")));
        } else if tag.chars().any(char::is_control) {
            errors.push(FieldError::new(format!("tags[{index}]"), "must not contain control characters"));
        } else if !seen.insert(tag.clone()) {
            errors.push(FieldError::new(format!("tags[{index}]"), format!("duplicates the tag \"{tag}\"")));
        }
        normalized.push(tag);
    }
    (errors.len() == before).then_some(normalized)
}

/// Deserializes a field that is present (possibly `null`) as `Some(..)`; absent fields take the
/// `#[serde(default)]` `None`, so PATCH can tell "leave alone" from "clear".
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests;
