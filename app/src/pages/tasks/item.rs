//! One task in the list: toggle, edit in place (double-click or Edit; Enter saves, Escape cancels),
//! delete (with undo). Overdue and due-today tasks are marked in words, not only in colour.
use leptos::{either::Either, ev::KeyboardEvent, html, prelude::*};
use ticklist::model::{DESCRIPTION_MAX, Priority, TITLE_MAX, Task, TaskQuery};

use super::draft::{Draft, edit_key, field};
use super::state::ListState;
use super::toolbar::href;
use crate::components::priority_options::PriorityOptions;

/// The row of one task. Rows are keyed by the task's id, `updated_at` and completion (see
/// [`super::TaskList`]): any change to the task makes a new row, so what a row shows is plain values,
/// not reactive ones (each of those would cost the WASM bundle its own update code).
#[component]
pub fn TaskItem(task: Task) -> impl IntoView {
    let state = expect_context::<ListState>();
    let id = task.id;
    let task = StoredValue::new(task);
    let (editing, set_editing) = signal(false);
    let title_input = NodeRef::<html::Input>::new();
    // What is typed into the editor; also kept in session storage from Save until the server has it.
    let draft = RwSignal::new(Draft::default());

    let open_editor = move || {
        state.begin_edit(id);
        set_editing.set(true);
        request_animation_frame(move || {
            // `try_`: the row may be gone by the next frame (say, the session ended and the page changed).
            if let Some(Some(input)) = title_input.try_get_untracked() {
                let _ = input.focus();
                input.select();
            }
        });
    };
    // An edit that was refused, or cut short by an expired session, comes back as it was typed (not
    // one still on its way: this row may be its preview).
    Effect::new(move |_| {
        if state.is_saving(id) {
            return;
        }
        if let Some(unsaved) = Draft::load(&edit_key(id)) {
            draft.set(unsaved);
            open_editor();
        }
    });
    let start_edit = move || {
        if id < 0 {
            return; // not saved yet
        }
        draft.set(Draft::of_task(&task.read_value()));
        open_editor();
    };
    let cancel = move || {
        Draft::forget(&edit_key(id));
        set_editing.set(false);
        state.end_edit(id);
    };
    let save = move || {
        let typed = draft.get_untracked();
        if typed.title.trim().is_empty() {
            return; // an empty title is refused; keep editing
        }
        typed.store(&edit_key(id));
        set_editing.set(false);
        state.end_edit(id);
        // The row is replaced by the preview's; if the server refuses, the row that comes back with the
        // task as it was reopens the editor from storage.
        state.save(id, typed.to_patch(), typed.preview(task.get_value()));
    };
    let on_key = move |event: KeyboardEvent| match event.key().as_str() {
        "Enter" => {
            event.prevent_default();
            save();
        }
        "Escape" => cancel(),
        _ => {}
    };

    let editor = move || {
        let (edit_title, on_title) = field(draft, |d| &d.title, |d, v| d.title = v);
        let (edit_description, on_description) = field(draft, |d| &d.description, |d, v| d.description = v);
        let (edit_priority, on_priority) = field(draft, |d| &d.priority, |d, v| d.priority = v);
        let (edit_due, on_due) = field(draft, |d| &d.due_date, |d, v| d.due_date = v);
        let (edit_tags, on_tags) = field(draft, |d| &d.tags, |d, v| d.tags = v);
        view! {
            <div class="task-edit" on:keydown=on_key>
                <p class="notice edit-conflict" role="status" data-testid="changed-elsewhere"
                    hidden=move || !state.changed_elsewhere.with(|ids| ids.contains(&id))>
                    "This task was changed elsewhere. Save keeps your version; Cancel shows the other one."
                </p>
                <label class="visually-hidden" for=format!("edit-title-{id}")>"Title"</label>
                <input id=format!("edit-title-{id}") class="edit-title" type="text" maxlength=TITLE_MAX node_ref=title_input
                    data-testid="edit-title" prop:value=edit_title on:input=on_title />
                <div class="task-edit-grid">
                    <label>"Description"<textarea rows="2" maxlength=DESCRIPTION_MAX data-testid="edit-description" prop:value=edit_description on:input=on_description></textarea></label>
                    <label>"Priority"
                        <select data-testid="edit-priority" prop:value=edit_priority on:change=on_priority>
                            <PriorityOptions />
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
        }
    };
    let row = move || {
        let task = task.get_value();
        let pending = id < 0;
        let today = state.today.get_untracked();
        let overdue = task.is_overdue(today);
        let due_label = task.due_date.map(|date| {
            let (class, text) = if overdue {
                ("due due-overdue", format!("Overdue · {date}"))
            } else if task.is_due_today(today) {
                ("due due-today", "Due today".to_owned())
            } else {
                ("due", format!("Due {date}"))
            };
            view! { <span class=class data-testid="due">{text}</span> }
        });
        let priority_label = match task.priority {
            Priority::High => Some(("priority priority-high", "High priority")),
            Priority::Medium => None,
            Priority::Low => Some(("priority priority-low", "Low priority")),
        }
        .map(|(class, text)| view! { <span class=class data-testid="priority">{text}</span> });
        let query = state.query.get_untracked();
        let tag_links = task
            .tags
            .into_iter()
            .map(|tag| {
                let label = format!("#{tag}");
                let mut with_tag = TaskQuery { offset: 0, ..query.clone() };
                if !with_tag.tags.contains(&tag) {
                    with_tag.tags.push(tag);
                }
                view! { <a class="chip" href=href(&with_tag)>{label}</a> }
            })
            .collect_view();
        let title = task.title;
        let toggle_label = format!("Mark “{title}” {}", if task.completed { "not done" } else { "done" });
        view! {
            <div class="task-row">
                <input type="checkbox" class="task-toggle" id=format!("toggle-{id}") data-testid="toggle"
                    checked=task.completed disabled=pending on:change=move |_| state.toggle(id) />
                <label class="visually-hidden" for=format!("toggle-{id}")>{toggle_label}</label>
                <div class="task-body" on:dblclick=move |_| start_edit()>
                    <span class="task-title" data-testid="task-title">{title.clone()}</span>
                    {task.description.map(|d| view! { <p class="task-description">{d}</p> })}
                    <div class="task-meta">{priority_label}{due_label}{tag_links}</div>
                </div>
                <div class="task-actions">
                    <button type="button" class="button button-quiet button-small" data-testid="edit" disabled=pending
                        aria-label=format!("Edit “{title}”") on:click=move |_| start_edit()>"Edit"</button>
                    <button type="button" class="button button-quiet button-small button-danger" data-testid="delete" disabled=pending
                        aria-label=format!("Delete “{title}”") on:click=move |_| state.delete(id)>"Delete"</button>
                </div>
            </div>
        }
    };

    let classes = task.with_value(|task| {
        let marks = [
            (task.completed, " task-done"),
            (id < 0, " task-pending"),
            (task.is_overdue(state.today.get_untracked()), " task-overdue"),
        ];
        marks.iter().filter(|(on, _)| *on).fold(String::from("task"), |classes, (_, class)| classes + class)
    });
    view! {
        <li class=classes data-testid="task">
            {move || if editing.get() { Either::Left(editor()) } else { Either::Right(row()) }}
        </li>
    }
}
