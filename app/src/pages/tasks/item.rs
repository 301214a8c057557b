//! One task in the list: toggle, edit in place (double-click or Edit; Enter saves, Escape cancels),
//! delete (with undo). Overdue and due-today tasks are marked in words, not only in colour.
use leptos::{ev::KeyboardEvent, html, prelude::*};
use ticklist::model::{Priority, TaskQuery};

use super::draft::{Draft, edit_key, field};
use super::state::ListState;
use super::toolbar::href;

/// The row of the task `id` in the list's state (which it reads, so that edits and toggles show).
#[component]
pub fn TaskItem(id: i64) -> impl IntoView {
    let state = expect_context::<ListState>();
    // The task as it is now (edits, toggles). Only the list's signals are read (they outlive this row):
    // once the task has left the list, closures that still run one last time find nothing and render nothing.
    let current = move || state.tasks.with(|tasks| tasks.iter().find(|t| t.id == id).cloned());
    let title = move || current().map(|t| t.title).unwrap_or_default();
    let (editing, set_editing) = signal(false);
    let title_input = NodeRef::<html::Input>::new();
    // What is typed into the editor; also kept in session storage from Save until the server has it.
    let draft = RwSignal::new(Draft::default());

    let open_editor = move || {
        set_editing.set(true);
        request_animation_frame(move || {
            // `try_`: the row may be gone by the next frame (say, the session ended and the page changed).
            if let Some(Some(input)) = title_input.try_get_untracked() {
                let _ = input.focus();
                input.select();
            }
        });
    };
    // An edit that was refused, or cut short by an expired session, comes back as it was typed.
    Effect::new(move |_| {
        if let Some(unsaved) = Draft::load(&edit_key(id)) {
            draft.set(unsaved);
            open_editor();
        }
    });
    let start_edit = move || {
        if id < 0 {
            return; // not saved yet
        }
        let Some(task) = current() else { return };
        draft.set(Draft::of_task(&task));
        open_editor();
    };
    let cancel = move || {
        Draft::forget(&edit_key(id));
        set_editing.set(false);
    };
    // Made here, with the row as its owner: the editor (and whatever is made in it) is gone while saving.
    let reopen = Callback::new(move |_| open_editor());
    let save = move || {
        let Some(before) = current() else { return };
        let typed = draft.get_untracked();
        if typed.title.trim().is_empty() {
            return; // an empty title is refused; keep editing
        }
        typed.store(&edit_key(id));
        set_editing.set(false);
        state.save(id, typed.to_patch(), typed.preview(before), reopen);
    };
    let on_key = move |event: KeyboardEvent| match event.key().as_str() {
        "Enter" => {
            event.prevent_default();
            save();
        }
        "Escape" => cancel(),
        _ => {}
    };

    let due_label = move || {
        let task = current()?;
        let today = state.today.get();
        let date = task.due_date?;
        let (class, text) = if task.is_overdue(today) {
            ("due due-overdue", format!("Overdue · {date}"))
        } else if task.is_due_today(today) {
            ("due due-today", "Due today".to_owned())
        } else {
            ("due", format!("Due {date}"))
        };
        Some(view! { <span class=class data-testid="due">{text}</span> })
    };
    let tag_link = move |tag: String| {
        let label = format!("#{tag}");
        let target = move || {
            let mut query: TaskQuery = state.query.get();
            if !query.tags.contains(&tag) {
                query.tags.push(tag.clone());
            }
            href(&TaskQuery { offset: 0, ..query })
        };
        view! { <a class="chip" href=target>{label}</a> }
    };

    view! {
        <li class="task" class:task-done=move || current().is_some_and(|t| t.completed) class:task-pending=move || id < 0
            class:task-overdue=move || current().is_some_and(|t| t.is_overdue(state.today.get())) data-testid="task">
            <Show when=move || !editing.get() fallback=move || {
                let (edit_title, on_title) = field(draft, |d| &d.title, |d, v| d.title = v);
                let (edit_description, on_description) = field(draft, |d| &d.description, |d, v| d.description = v);
                let (edit_priority, on_priority) = field(draft, |d| &d.priority, |d, v| d.priority = v);
                let (edit_due, on_due) = field(draft, |d| &d.due_date, |d, v| d.due_date = v);
                let (edit_tags, on_tags) = field(draft, |d| &d.tags, |d, v| d.tags = v);
                view! {
                    <div class="task-edit" on:keydown=on_key>
                        <label class="visually-hidden" for=format!("edit-title-{id}")>"Title"</label>
                        <input id=format!("edit-title-{id}") class="edit-title" type="text" maxlength="200" node_ref=title_input
                            data-testid="edit-title" prop:value=edit_title on:input=on_title />
                        <div class="task-edit-grid">
                            <label>"Description"<textarea rows="2" maxlength="1000" data-testid="edit-description" prop:value=edit_description on:input=on_description></textarea></label>
                            <label>"Priority"
                                <select data-testid="edit-priority" prop:value=edit_priority on:change=on_priority>
                                    <option value="low">"Low"</option>
                                    <option value="medium">"Medium"</option>
                                    <option value="high">"High"</option>
                                </select>
                            </label>
                            <label>"Due date"<input type="date" data-testid="edit-due" prop:value=edit_due on:input=on_due /></label>
                            <label>"Tags"<input type="text" data-testid="edit-tags" prop:value=edit_tags on:input=on_tags /></label>
                        </div>
                        <div class="task-actions">
                            <button type="button" class="button button-small" data-testid="save-edit" on:click=move |_| save()>"Save"</button>
                            <button type="button" class="button button-quiet button-small" on:click=move |_| cancel()>"Cancel"</button>
                        </div>
                    </div>
            }}>
                <div class="task-row">
                    <input type="checkbox" class="task-toggle" id=format!("toggle-{id}") data-testid="toggle"
                        prop:checked=move || current().is_some_and(|t| t.completed) disabled=move || id < 0
                        on:change=move |_| state.toggle(id) />
                    <label class="visually-hidden" for=format!("toggle-{id}")>
                        {move || current().map(|t| format!("Mark “{}” {}", t.title, if t.completed { "not done" } else { "done" }))}
                    </label>
                    <div class="task-body" on:dblclick=move |_| start_edit()>
                        <span class="task-title" data-testid="task-title">{title}</span>
                        {move || current().and_then(|t| t.description).map(|d| view! { <p class="task-description">{d}</p> })}
                        <div class="task-meta">
                            {move || current().map(|t| t.priority).filter(|p| *p != Priority::Medium).map(|priority| view! {
                                <span class=format!("priority priority-{}", priority.as_str()) data-testid="priority">
                                    {format!("{} priority", capitalized(priority.as_str()))}
                                </span>
                            })}
                            {due_label}
                            {move || current().map(|t| t.tags).unwrap_or_default().into_iter().map(tag_link).collect_view()}
                        </div>
                    </div>
                    <div class="task-actions">
                        <button type="button" class="button button-quiet button-small" data-testid="edit" disabled=move || id < 0
                            aria-label=move || format!("Edit “{}”", title()) on:click=move |_| start_edit()>"Edit"</button>
                        <button type="button" class="button button-quiet button-small button-danger" data-testid="delete" disabled=move || id < 0
                            aria-label=move || format!("Delete “{}”", title()) on:click=move |_| state.delete(id)>"Delete"</button>
                    </div>
                </div>
            </Show>
        </li>
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
