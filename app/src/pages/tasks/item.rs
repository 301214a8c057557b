//! One task in the list: toggle, edit in place (double-click or Edit; Enter saves, Escape cancels),
//! delete (with undo). Overdue and due-today tasks are marked in words, not only in colour.
use leptos::{ev::KeyboardEvent, html, prelude::*};
use ticklist::model::{Priority, Task, TaskPatch, TaskQuery};

use super::state::ListState;
use super::toolbar::href;

#[component]
pub fn TaskItem(task: Task) -> impl IntoView {
    let state = expect_context::<ListState>();
    let id = task.id;
    // The task as it is now (edits, toggles). Only the list's signals are read (they outlive this row):
    // once the task has left the list, closures that still run one last time find nothing and render nothing.
    let current = move || state.tasks.with(|tasks| tasks.iter().find(|t| t.id == id).cloned());
    let title = move || current().map(|t| t.title).unwrap_or_default();
    let (editing, set_editing) = signal(false);
    let title_input = NodeRef::<html::Input>::new();
    let edit_title = RwSignal::new(String::new());
    let edit_description = RwSignal::new(String::new());
    let edit_priority = RwSignal::new(String::new());
    let edit_due = RwSignal::new(String::new());
    let edit_tags = RwSignal::new(String::new());

    let start_edit = move || {
        if id < 0 {
            return; // not saved yet
        }
        let Some(task) = current() else { return };
        edit_title.set(task.title.clone());
        edit_description.set(task.description.clone().unwrap_or_default());
        edit_priority.set(task.priority.as_str().to_owned());
        edit_due.set(task.due_date.map(|d| d.to_string()).unwrap_or_default());
        edit_tags.set(task.tags.join(", "));
        set_editing.set(true);
        request_animation_frame(move || {
            if let Some(input) = title_input.get() {
                let _ = input.focus();
                input.select();
            }
        });
    };
    let save = move || {
        let Some(before) = current() else { return };
        let title = edit_title.get_untracked().trim().to_owned();
        if title.is_empty() {
            return; // an empty title is refused; keep editing
        }
        let description = Some(edit_description.get_untracked().trim().to_owned()).filter(|d| !d.is_empty());
        let due_date = Some(edit_due.get_untracked()).filter(|d| !d.is_empty());
        let tags: Vec<String> =
            edit_tags.get_untracked().split(',').map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect();
        let priority = edit_priority.get_untracked();
        let patch = TaskPatch {
            title: Some(Some(title.clone())),
            description: Some(description.clone()),
            priority: Some(Some(priority.clone())),
            due_date: Some(due_date.clone()),
            tags: Some(Some(tags.clone())),
            completed: None,
        };
        let preview = Task {
            title,
            description,
            priority: Priority::parse(&priority).unwrap_or(before.priority),
            due_date: due_date.and_then(|d| d.parse().ok()),
            tags,
            ..before
        };
        set_editing.set(false);
        state.save(id, patch, preview);
    };
    let on_key = move |event: KeyboardEvent| match event.key().as_str() {
        "Enter" => {
            event.prevent_default();
            save();
        }
        "Escape" => set_editing.set(false),
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
            <Show when=move || !editing.get() fallback=move || view! {
                <div class="task-edit" on:keydown=on_key>
                    <label class="visually-hidden" for=format!("edit-title-{id}")>"Title"</label>
                    <input id=format!("edit-title-{id}") class="edit-title" type="text" maxlength="200" node_ref=title_input
                        data-testid="edit-title" bind:value=edit_title />
                    <div class="task-edit-grid">
                        <label>"Description"<textarea rows="2" maxlength="1000" data-testid="edit-description" bind:value=edit_description></textarea></label>
                        <label>"Priority"
                            <select data-testid="edit-priority" prop:value=move || edit_priority.get()
                                on:change=move |e| edit_priority.set(event_target_value(&e))>
                                <option value="low">"Low"</option>
                                <option value="medium">"Medium"</option>
                                <option value="high">"High"</option>
                            </select>
                        </label>
                        <label>"Due date"<input type="date" data-testid="edit-due" bind:value=edit_due /></label>
                        <label>"Tags"<input type="text" data-testid="edit-tags" bind:value=edit_tags /></label>
                    </div>
                    <div class="task-actions">
                        <button type="button" class="button button-small" data-testid="save-edit" on:click=move |_| save()>"Save"</button>
                        <button type="button" class="button button-quiet button-small" on:click=move |_| set_editing.set(false)>"Cancel"</button>
                    </div>
                </div>
            }>
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
