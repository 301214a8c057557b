//! What has been typed into a task form (the new-task form or a row's editor), kept in session storage
//! until the server has it, so that neither a refused save nor an expired session loses it.
use gloo_storage::{SessionStorage, Storage};
use leptos::{ev::Event, prelude::*};
use serde::{Deserialize, Serialize};
use ticklist::model::{NewTask, Priority, Task, TaskPatch, date, normalize_tag};

/// The new-task form's storage key.
pub const NEW_TASK_KEY: &str = "ticklist.new_task_draft";

/// The storage key of an unsaved edit of one task.
pub fn edit_key(task_id: i64) -> String {
    format!("ticklist.edit_draft.{task_id}")
}

/// The fields of a task form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub title: String,
    pub description: String,
    pub priority: String,
    pub due_date: String,
    /// Comma-separated.
    pub tags: String,
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl Draft {
    /// The saved task, ready to be edited.
    pub fn of_task(task: &Task) -> Self {
        Draft {
            title: task.title.clone(),
            description: task.description.clone().unwrap_or_default(),
            priority: task.priority.as_str().to_owned(),
            due_date: task.due_date.map(|d| d.to_string()).unwrap_or_default(),
            tags: task.tags.join(", "),
        }
    }

    fn tag_list(&self) -> Vec<String> {
        self.tags.split(',').map(normalize_tag).filter(|t| !t.is_empty()).collect()
    }

    pub fn to_input(&self) -> NewTask {
        NewTask {
            title: Some(self.title.clone()),
            description: optional(&self.description),
            priority: optional(&self.priority),
            due_date: optional(&self.due_date),
            tags: Some(self.tag_list()),
        }
    }

    pub fn of_input(input: &NewTask) -> Self {
        Draft {
            title: input.title.clone().unwrap_or_default(),
            description: input.description.clone().unwrap_or_default(),
            priority: input.priority.clone().unwrap_or_default(),
            due_date: input.due_date.clone().unwrap_or_default(),
            tags: input.tags.clone().unwrap_or_default().join(", "),
        }
    }

    /// Every field, replacing what the task had (an emptied field clears it).
    pub fn to_patch(&self) -> TaskPatch {
        TaskPatch {
            title: Some(Some(self.title.trim().to_owned())),
            description: Some(optional(&self.description)),
            priority: Some(optional(&self.priority)),
            due_date: Some(optional(&self.due_date)),
            tags: Some(Some(self.tag_list())),
            completed: None,
        }
    }

    /// `task` as it will look once the server has taken this edit (shown meanwhile).
    pub fn preview(&self, task: Task) -> Task {
        Task {
            title: self.title.trim().to_owned(),
            description: optional(&self.description),
            priority: Priority::parse(&self.priority).unwrap_or(task.priority),
            due_date: optional(&self.due_date).and_then(|d| date::parse(&d)),
            tags: self.tag_list(),
            ..task
        }
    }

    pub fn load(key: &str) -> Option<Draft> {
        SessionStorage::get(key).ok()
    }

    /// Keeps the draft; an empty one is forgotten instead.
    pub fn store(&self, key: &str) {
        if *self == Draft::default() {
            Draft::forget(key);
        } else {
            let _ = SessionStorage::set(key, self);
        }
    }

    pub fn forget(key: &str) {
        SessionStorage::delete(key);
    }
}

/// One field of a draft for a form control: its current value, and the handler that takes what is typed.
pub fn field(
    draft: RwSignal<Draft>,
    get: fn(&Draft) -> &String,
    set: fn(&mut Draft, String),
) -> (impl Fn() -> String + Copy, impl Fn(Event) + Copy) {
    (move || get(&draft.read()).clone(), move |event| draft.update(|d| set(d, event_target_value(&event))))
}
