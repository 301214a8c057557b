//! The list page's state: the loaded tasks and counts, and every change to them, applied at once on
//! screen (optimistically) and rolled back with a visible error when the server refuses. Changes made
//! elsewhere (another tab or device) arrive from the live stream and bring the view up to date (`sync`).
//! Longer than most files: each change's optimistic step and its rollback sit side by side, so that
//! what a refused change puts back is checked in one read.
mod sync;

use std::time::Duration;

use chrono::NaiveDate;
use leptos::{prelude::*, task::spawn_local};
use ticklist::model::{NewTask, StatusFilter, Task, TaskPatch, TaskQuery, normalize_tag};

use super::draft::{Draft, NEW_TASK_KEY, edit_key};
use super::notices::Notices;
use crate::client::{ClientError, fn_failed, fn_failed_again, rest, token};
use crate::server_fns::{FnError, TaskListing, clear_completed, list_tasks, set_all_completed};

/// How long a deleted task can be brought back before it is really deleted.
pub const UNDO_WINDOW: Duration = Duration::from_secs(5);

/// A task whose deletion waits out the undo window: hidden, and no longer counted, but still on the server.
#[derive(Clone, Copy)]
struct PendingDelete {
    id: i64,
    completed: bool,
}

#[derive(Clone, Copy)]
pub struct ListState {
    pub tasks: RwSignal<Vec<Task>>,
    pub total: RwSignal<u64>,
    pub remaining: RwSignal<u64>,
    pub all: RwSignal<u64>,
    pub today: RwSignal<NaiveDate>,
    /// The view shown (filters, search, sort), as in the URL.
    pub query: RwSignal<TaskQuery>,
    /// A view is being read from the server.
    pub loading: RwSignal<bool>,
    /// Why the view could not be read (shown instead of the list, with "Try again").
    pub failure: RwSignal<Option<String>>,
    /// Counts reads of the view, so that only the answer to the latest one is shown.
    reads: StoredValue<u64>,
    pub loading_more: RwSignal<bool>,
    notices: Notices,
    /// Tasks whose deletion waits out the undo window (hidden meanwhile).
    deleting: RwSignal<Vec<PendingDelete>>,
    next_temp_id: StoredValue<i64>,
    /// Tasks whose edit is on its way to the server.
    saving: StoredValue<Vec<i64>>,
    /// Tasks open in the editor: changes from elsewhere do not replace them under the user's hands.
    editing: StoredValue<Vec<i64>>,
    /// Tasks open in the editor that were changed (or deleted) elsewhere meanwhile.
    pub changed_elsewhere: RwSignal<Vec<i64>>,
    /// Writes of this page on their way to the server: catching up waits for them, so that a read
    /// of the list never overtakes the page's own changes.
    writes: StoredValue<u32>,
    /// A catch-up is due (scheduled, or waiting for the writes).
    catch_up_due: StoredValue<bool>,
    /// Whether the live stream is open now.
    connected: StoredValue<bool>,
    /// The live stream has been down for a while (shown as "reconnecting").
    pub live_down: RwSignal<bool>,
}

impl ListState {
    pub fn new(query: TaskQuery, notices: Notices) -> Self {
        Self {
            tasks: RwSignal::new(Vec::new()),
            total: RwSignal::new(0),
            remaining: RwSignal::new(0),
            all: RwSignal::new(0),
            today: RwSignal::new(NaiveDate::default()),
            query: RwSignal::new(query),
            loading: RwSignal::new(false),
            failure: RwSignal::new(None),
            reads: StoredValue::new(0),
            loading_more: RwSignal::new(false),
            notices,
            deleting: RwSignal::new(Vec::new()),
            next_temp_id: StoredValue::new(-1),
            saving: StoredValue::new(Vec::new()),
            editing: StoredValue::new(Vec::new()),
            changed_elsewhere: RwSignal::new(Vec::new()),
            writes: StoredValue::new(0),
            catch_up_due: StoredValue::new(false),
            connected: StoredValue::new(true),
            live_down: RwSignal::new(false),
        }
    }

    /// Takes a freshly loaded page.
    pub fn load(&self, listing: TaskListing) {
        // The server still counts the tasks waiting out their undo window; this page does not.
        let (mut all, mut remaining, mut total) = (listing.all, listing.remaining, listing.total);
        for pending in self.deleting.get_untracked() {
            all = all.saturating_sub(1);
            remaining = remaining.saturating_sub(u64::from(!pending.completed));
            total = total.saturating_sub(u64::from(listing.tasks.iter().any(|task| task.id == pending.id)));
        }
        let tasks = self.keep_local(listing.tasks);
        // First: rows are keyed by the day too (overdue marks), and made when the tasks change.
        self.today.set(listing.today);
        self.tasks.set(tasks);
        self.total.set(total);
        self.remaining.set(remaining);
        self.all.set(all);
    }

    /// Shows another view of the list and records it in the browser's history (and so in the URL).
    pub fn navigate(&self, query: TaskQuery) {
        let url = super::href(&query);
        // The same view again (say, its tab clicked twice) is read again, but not recorded twice.
        if url != super::current_url()
            && let Ok(history) = window().history()
        {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
        self.show(query);
    }

    /// Shows another view of the list (the URL already says which).
    pub fn show(&self, query: TaskQuery) {
        self.query.set(query);
        self.fetch();
    }

    /// Reads the current view from the server; meanwhile the list shown so far stays (marked busy).
    pub fn fetch(&self) {
        self.read(self.query.get_untracked());
    }

    fn read(&self, query: TaskQuery) {
        let read = self.reads.get_value() + 1;
        self.reads.set_value(read);
        self.loading.set(true);
        let state = *self;
        spawn_local(async move {
            let result = match list_tasks(query.clone()).await {
                // Refused although the session may live (say, a signing key the server has yet to
                // fetch): once more with a fresh token; a session that is gone signs the user out.
                Err(FnError::Unauthorized) => match token::refresh().await {
                    Ok(_) => list_tasks(query).await.map_err(fn_failed_again),
                    Err(error) => Err(error),
                },
                result => result.map_err(ClientError::from),
            };
            if state.reads.get_value() != read {
                return; // a newer view was asked for meanwhile
            }
            state.loading.set(false);
            match result {
                Ok(page) => {
                    state.load(page);
                    // Only when there was one: setting it makes the list below it anew.
                    if state.failure.with_untracked(Option::is_some) {
                        state.failure.set(None);
                    }
                }
                Err(ClientError::SignedOut) => state.notices.failed(ClientError::SignedOut),
                Err(error) => state.failure.set(Some(error.message())),
            }
        });
    }

    /// The tasks to show: loaded, not being deleted, and still matching the status filter.
    pub fn visible(&self) -> Vec<Task> {
        let deleting = self.deleting.get();
        let status = self.query.get().status;
        self.tasks
            .get()
            .into_iter()
            .filter(|task| !deleting.iter().any(|pending| pending.id == task.id))
            .filter(|task| match status {
                StatusFilter::All => true,
                StatusFilter::Pending => !task.completed,
                StatusFilter::Completed => task.completed,
            })
            .collect()
    }

    fn replace(&self, id: i64, task: Task) {
        self.tasks.update(|tasks| {
            if let Some(slot) = tasks.iter_mut().find(|t| t.id == id) {
                *slot = task;
            }
        });
    }

    fn find(&self, id: i64) -> Option<Task> {
        self.tasks.with_untracked(|tasks| tasks.iter().find(|t| t.id == id).cloned())
    }

    /// Adds a task: shown at once (marked pending), confirmed or removed when the server answers.
    /// `restore` gets the input back when the server refuses it.
    pub fn create(&self, input: NewTask, restore: Callback<NewTask>) {
        let temp_id = self.next_temp_id.get_value();
        self.next_temp_id.set_value(temp_id - 1);
        let now = chrono::Utc::now();
        let placeholder = Task {
            id: temp_id,
            user_id: String::new(),
            title: input.title.clone().unwrap_or_default().trim().to_owned(),
            description: input.description.clone(),
            completed: false,
            priority: input.priority.as_deref().and_then(ticklist::model::Priority::parse).unwrap_or_default(),
            due_date: input.due_date.as_deref().and_then(ticklist::model::date::parse),
            tags: input.tags.clone().unwrap_or_default().iter().map(|t| normalize_tag(t)).collect(),
            created_at: now,
            updated_at: now,
        };
        self.tasks.update(|tasks| tasks.insert(0, placeholder));
        self.adjust_counts(1, 1);
        let state = *self;
        self.write(Box::pin(async move {
            match rest::create(&input).await {
                Ok(task) => state.replace(temp_id, task),
                Err(error) => {
                    state.tasks.update(|tasks| tasks.retain(|t| t.id != temp_id));
                    state.adjust_counts(-1, -1);
                    // The form may be gone by now; then storage brings the input back next time.
                    if restore.try_run(input.clone()).is_none() {
                        Draft::of_input(&input).store(NEW_TASK_KEY);
                    }
                    state.notices.failed(error);
                }
            }
        }));
    }

    fn adjust_counts(&self, all: i64, remaining: i64) {
        let add = |signal: RwSignal<u64>, delta: i64| signal.update(|n| *n = n.saturating_add_signed(delta));
        add(self.all, all);
        add(self.total, all);
        add(self.remaining, remaining);
    }

    /// Flips a task's completion.
    pub fn toggle(&self, id: i64) {
        let Some(before) = self.find(id) else { return };
        let completed = !before.completed;
        self.replace(id, Task { completed, ..before.clone() });
        self.adjust_counts(0, if completed { -1 } else { 1 });
        let state = *self;
        self.write(Box::pin(async move {
            match rest::set_completed(id, completed).await {
                Ok(task) => state.replace(id, task),
                Err(error) => {
                    state.replace(id, before);
                    state.adjust_counts(0, if completed { 1 } else { -1 });
                    state.notices.failed(error);
                }
            }
        }));
    }

    /// Saves an edit (the draft kept under [`edit_key`] until the server has it). The row shows
    /// `preview` meanwhile; when the server refuses, the task comes back as it was and its row, new,
    /// reopens the editor from storage, still holding what was typed.
    pub fn save(&self, id: i64, patch: TaskPatch, preview: Task) {
        let Some(before) = self.find(id) else { return };
        self.saving.update_value(|ids| ids.push(id));
        // A new `updated_at` gives the row a new key, so that it shows the preview.
        self.replace(id, Task { updated_at: chrono::Utc::now(), ..preview });
        let state = *self;
        self.write(Box::pin(async move {
            let result = rest::update(id, &patch).await;
            state.saving.update_value(|ids| ids.retain(|saving| *saving != id));
            match result {
                Ok(task) => {
                    Draft::forget(&edit_key(id));
                    state.replace(id, task);
                }
                Err(error) => {
                    state.replace(id, before);
                    state.notices.failed(error);
                }
            }
        }));
    }

    /// Whether an edit of the task is on its way to the server (its draft is kept meanwhile, but is
    /// not to be reopened).
    pub fn is_saving(&self, id: i64) -> bool {
        self.saving.with_value(|ids| ids.contains(&id))
    }

    /// Hides a task and offers to undo; deletes it for real when the undo window closes.
    pub fn delete(&self, id: i64) {
        let Some(task) = self.find(id) else { return };
        self.deleting.update(|pending| pending.push(PendingDelete { id, completed: task.completed }));
        self.adjust_counts(-1, if task.completed { 0 } else { -1 });
        let state = *self;
        // Plain shared state, not reactive values: the row that started this is gone by now.
        let undone = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let undo: super::notices::Undo = {
            let undone = undone.clone();
            let completed = task.completed;
            std::sync::Arc::new(move || {
                undone.store(true, std::sync::atomic::Ordering::SeqCst);
                state.deleting.update(|pending| pending.retain(|p| p.id != id));
                state.adjust_counts(1, if completed { 0 } else { 1 });
            })
        };
        let title = self.find(id).map(|t| t.title).unwrap_or_default();
        let notice = self.notices.undo(format!("Deleted “{title}”."), undo);
        set_timeout(
            move || {
                state.notices.dismiss(notice);
                if undone.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                state.write(Box::pin(async move {
                    let result = rest::delete(id).await;
                    state.deleting.update(|pending| pending.retain(|p| p.id != id));
                    match result {
                        Ok(()) => state.tasks.update(|tasks| tasks.retain(|t| t.id != id)),
                        Err(error) => {
                            state.adjust_counts(1, if task.completed { 0 } else { 1 });
                            state.notices.failed(error);
                        }
                    }
                }));
            },
            UNDO_WINDOW,
        );
    }

    /// Loads the next page and appends it.
    pub fn load_more(&self) {
        let state = *self;
        let mut query = self.query.get_untracked();
        query.offset = self.tasks.with_untracked(|tasks| tasks.iter().filter(|t| t.id > 0).count()) as u64;
        self.loading_more.set(true);
        spawn_local(async move {
            match list_tasks(query).await {
                Ok(page) => state.tasks.update(|tasks| {
                    let known: Vec<i64> = tasks.iter().map(|t| t.id).collect();
                    tasks.extend(page.tasks.into_iter().filter(|t| !known.contains(&t.id)));
                }),
                Err(error) => state.notices.failed(fn_failed(error).await),
            }
            state.loading_more.set(false);
        });
    }

    /// Marks every task completed, or every task open when all are completed; then reloads.
    pub fn toggle_all(&self) {
        let completed = self.remaining.get_untracked() > 0;
        let before = self.tasks.get_untracked();
        self.tasks.update(|tasks| tasks.iter_mut().for_each(|t| t.completed = completed));
        let state = *self;
        self.write(Box::pin(async move {
            match set_all_completed(completed).await {
                Ok(_) => state.fetch(),
                Err(error) => {
                    state.tasks.set(before);
                    state.notices.failed(fn_failed(error).await);
                }
            }
        }));
    }

    /// Deletes every completed task; then reloads.
    pub fn clear_completed(&self) {
        let before = self.tasks.get_untracked();
        self.tasks.update(|tasks| tasks.retain(|t| !t.completed));
        let state = *self;
        self.write(Box::pin(async move {
            match clear_completed().await {
                Ok(_) => state.fetch(),
                Err(error) => {
                    state.tasks.set(before);
                    state.notices.failed(fn_failed(error).await);
                }
            }
        }));
    }
}
