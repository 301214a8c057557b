//! Keeping the board in step with changes made elsewhere (other tabs, other devices): news from the
//! live stream, catching up with one read of the list, and an open editor that is never overwritten
//! under the user's hands. Apart from the page's own changes (in `state`) so that each stays short.
use std::time::Duration;

use leptos::{prelude::*, task::spawn_local};
use ticklist::model::{ChangeEvent, ChangeKind, LIMIT_MAX, Task};

use super::ListState;
use crate::client::live::Live;

/// Changes from elsewhere arriving within this time are caught up with one read of the list.
const CATCH_UP_DELAY: Duration = Duration::from_millis(100);
/// How long the live stream may be down before the page says so (it reconnects every time a token
/// expires, which should go unnoticed).
const DOWN_NOTICE_DELAY: Duration = Duration::from_secs(3);

impl ListState {
    /// A page read from the server, with what only this page knows kept: tasks still being created
    /// (on top), and tasks open in the editor as they were when editing began (marked when the
    /// server's version differs).
    pub(super) fn keep_local(&self, mut fresh: Vec<Task>) -> Vec<Task> {
        let local = self.tasks.get_untracked();
        for id in self.editing.get_value() {
            let Some(mine) = local.iter().find(|task| task.id == id) else { continue };
            match fresh.iter_mut().find(|task| task.id == id) {
                Some(theirs) if theirs.updated_at == mine.updated_at => {}
                Some(theirs) => {
                    *theirs = mine.clone();
                    self.mark_changed_elsewhere(id);
                }
                None => {
                    let at = local.iter().position(|task| task.id == id).unwrap_or(0).min(fresh.len());
                    fresh.insert(at, mine.clone());
                    self.mark_changed_elsewhere(id);
                }
            }
        }
        let creating = local.into_iter().filter(|task| task.id < 0);
        creating.chain(fresh).collect()
    }

    fn mark_changed_elsewhere(&self, id: i64) {
        if !self.changed_elsewhere.with_untracked(|ids| ids.contains(&id)) {
            self.changed_elsewhere.update(|ids| ids.push(id));
        }
    }

    /// The editor of a task opened.
    pub fn begin_edit(&self, id: i64) {
        self.editing.update_value(|ids| ids.push(id));
    }

    /// The editor of a task closed; if the task changed elsewhere meanwhile, the view catches up.
    pub fn end_edit(&self, id: i64) {
        self.editing.update_value(|ids| ids.retain(|editing| *editing != id));
        if self.changed_elsewhere.with_untracked(|ids| ids.contains(&id)) {
            self.changed_elsewhere.update(|ids| ids.retain(|changed| *changed != id));
            self.catch_up();
        }
    }

    /// News from the live stream.
    pub fn hear(&self, news: Live) {
        match news {
            Live::Connected { resumed } => {
                self.connected.set_value(true);
                self.live_down.set(false);
                // A new stream does not replay what happened before it: read the list once.
                if !resumed {
                    self.catch_up();
                }
            }
            Live::Disconnected => {
                self.connected.set_value(false);
                let state = *self;
                set_timeout(
                    move || {
                        if !state.connected.get_value() {
                            state.live_down.set(true);
                        }
                    },
                    DOWN_NOTICE_DELAY,
                );
            }
            Live::Change(change) => {
                if !self.already_shows(&change) {
                    self.catch_up();
                }
            }
        }
    }

    /// Whether the page shows a change already (it made it itself, and the server's answer is in).
    fn already_shows(&self, change: &ChangeEvent) -> bool {
        match (change.kind, &change.task, change.id) {
            (ChangeKind::Created | ChangeKind::Updated, Some(task), _) => self
                .find(task.id)
                .is_some_and(|shown| shown.updated_at == task.updated_at && shown.completed == task.completed),
            (ChangeKind::Deleted, _, Some(id)) => {
                self.deleting.with_untracked(|pending| pending.iter().any(|p| p.id == id))
            }
            _ => false,
        }
    }

    /// Brings the view up to date with the server soon: once for a burst of changes, and only after
    /// this page's own writes have been answered.
    fn catch_up(&self) {
        if self.catch_up_due.get_value() {
            return;
        }
        self.catch_up_due.set_value(true);
        let state = *self;
        set_timeout(
            move || {
                if state.writes.get_value() == 0 {
                    state.catch_up_now();
                }
            },
            CATCH_UP_DELAY,
        );
    }

    fn catch_up_now(&self) {
        self.catch_up_due.set_value(false);
        // As many tasks as are shown now: "Load more" pages stay loaded.
        let shown = self.tasks.with_untracked(|tasks| tasks.iter().filter(|t| t.id > 0).count());
        let mut query = self.query.get_untracked();
        query.limit = query.limit.max(u32::try_from(shown).unwrap_or(LIMIT_MAX)).min(LIMIT_MAX);
        self.read(query);
    }

    /// Runs one of the page's writes; a catch-up that came due meanwhile runs after it. (Boxed: one
    /// copy of this in the bundle, not one per kind of write.)
    pub(super) fn write(&self, work: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>) {
        self.writes.update_value(|n| *n += 1);
        let state = *self;
        spawn_local(async move {
            work.await;
            state.writes.update_value(|n| *n -= 1);
            if state.writes.get_value() == 0 && state.catch_up_due.get_value() {
                state.catch_up_now();
            }
        });
    }
}
