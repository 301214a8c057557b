//! Messages for the person using the list: errors (announced assertively) and undo offers, in one
//! live region. A dead session sends them to sign in instead, keeping what they typed.
use leptos::prelude::*;

use crate::client::ClientError;

/// What Undo runs.
pub type Undo = std::sync::Arc<dyn Fn() + Send + Sync>;

#[derive(Clone)]
pub struct Notice {
    pub id: u64,
    pub text: String,
    pub error: bool,
    /// Plain (not reactive) so it survives the row that offered it.
    pub undo: Option<Undo>,
}

/// The notices of the list page (a context).
#[derive(Clone, Copy)]
pub struct Notices {
    items: RwSignal<Vec<Notice>>,
    next_id: StoredValue<u64>,
}

impl Notices {
    pub fn new() -> Self {
        Self { items: RwSignal::new(Vec::new()), next_id: StoredValue::new(0) }
    }

    fn push(&self, text: String, error: bool, undo: Option<Undo>) -> u64 {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        self.items.update(|items| {
            items.push(Notice { id, text, error, undo });
            // Keep the last few; older messages have been read or are moot.
            let excess = items.len().saturating_sub(5);
            items.drain(..excess);
        });
        id
    }

    pub fn error(&self, text: impl Into<String>) {
        self.push(text.into(), true, None);
    }

    /// An offer to undo; returns its id so that it can be withdrawn when the time is up.
    pub fn undo(&self, text: impl Into<String>, undo: Undo) -> u64 {
        self.push(text.into(), false, Some(undo))
    }

    pub fn dismiss(&self, id: u64) {
        self.items.update(|items| items.retain(|n| n.id != id));
    }

    /// Shows a failed call's message; a dead session goes to sign-in (drafts are kept in session storage).
    pub fn failed(&self, error: ClientError) {
        if error == ClientError::SignedOut {
            let next: String = form_urlencoded::byte_serialize(super::current_url().as_bytes()).collect();
            let _ = window().location().assign(&format!("/sign-in?reason=expired&next={next}"));
        } else {
            self.error(error.message());
        }
    }
}

impl Default for Notices {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn NoticeArea() -> impl IntoView {
    let notices = expect_context::<Notices>();
    view! {
        <div class="notices" role="status" aria-live="polite" data-testid="notices">
            <For each=move || notices.items.get() key=|notice| notice.id let:notice>
                <div class="notice-item" class:notice-error=notice.error role=if notice.error { "alert" } else { "status" }>
                    <span>{notice.text.clone()}</span>
                    {notice.undo.map(|undo| view! {
                        <button type="button" class="button button-small" data-testid="undo"
                            on:click=move |_| { undo(); notices.dismiss(notice.id); }>"Undo"</button>
                    })}
                    <button type="button" class="button button-quiet button-small" aria-label="Dismiss"
                        on:click=move |_| notices.dismiss(notice.id)>"✕"</button>
                </div>
            </For>
        </div>
    }
}
