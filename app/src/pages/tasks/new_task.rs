//! The form that adds a task: title, and optionally description, priority, due date and tags. A real
//! form (posts to `/tasks/new` without JavaScript); hydrated, it adds the task at once and keeps what
//! was typed in session storage until the server has it.
use leptos::{ev::SubmitEvent, prelude::*};
use ticklist::model::{DESCRIPTION_MAX, FieldError, NewTask, TITLE_MAX};

use super::draft::{Draft, NEW_TASK_KEY, field};
use super::state::ListState;
use crate::components::priority_options::PriorityOptions;

#[component]
pub fn NewTaskForm() -> impl IntoView {
    let state = expect_context::<ListState>();
    let draft = RwSignal::new(Draft::default());
    let (problem, set_problem) = signal(None::<String>);
    let (more, set_more) = signal(false);
    let title_input = NodeRef::<leptos::html::Input>::new();

    // Restore a draft left by an expired session or a failed save (browser only).
    Effect::new(move |_| {
        if let Some(saved) = Draft::load(NEW_TASK_KEY) {
            let has_details = !(saved.description.is_empty() && saved.due_date.is_empty() && saved.tags.is_empty());
            draft.set(saved);
            set_more.set(has_details);
        }
    });
    Effect::new(move |previous: Option<()>| {
        let current = draft.get();
        if previous.is_some() {
            current.store(NEW_TASK_KEY);
        }
    });

    let restore = Callback::new(move |input: NewTask| {
        draft.set(Draft::of_input(&input));
        set_more.set(true);
    });

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let current = draft.get_untracked();
        let input = current.to_input();
        if let Err(errors) = input.clone().validate() {
            set_problem.set(Some(FieldError::describe(&errors)));
            return;
        }
        set_problem.set(None);
        draft.set(Draft::default());
        state.create(input, restore);
        if let Some(input) = title_input.get() {
            let _ = input.focus();
        }
    };

    let (title, on_title) = field(draft, |d| &d.title, |d, v| d.title = v);
    let (description, on_description) = field(draft, |d| &d.description, |d, v| d.description = v);
    let (priority, on_priority) = field(draft, |d| &d.priority, |d, v| d.priority = v);
    let (due_date, on_due_date) = field(draft, |d| &d.due_date, |d, v| d.due_date = v);
    let (tags, on_tags) = field(draft, |d| &d.tags, |d, v| d.tags = v);

    view! {
        <form class="new-task panel" method="post" action="/tasks/new" on:submit=submit aria-label="Add a task">
            <div class="new-task-row">
                <label for="new-title" class="visually-hidden">"New task"</label>
                <input id="new-title" name="title" class="new-title" type="text" placeholder="What needs doing?"
                    autocomplete="off" maxlength=TITLE_MAX required node_ref=title_input data-testid="new-title"
                    prop:value=title on:input=on_title aria-describedby="new-task-error" />
                <button class="button" type="submit" data-testid="add-task">"Add"</button>
            </div>
            <details class="new-task-details" prop:open=more on:toggle=move |event| {
                set_more.set(event_target::<web_sys::HtmlDetailsElement>(&event).open())
            }>
                <summary>"Details: description, priority, due date, tags"</summary>
                <div class="new-task-grid">
                    <div class="field field-wide">
                        <label for="new-description">"Description"</label>
                        <textarea id="new-description" name="description" rows="2" maxlength=DESCRIPTION_MAX data-testid="new-description"
                            prop:value=description on:input=on_description></textarea>
                    </div>
                    <div class="field">
                        <label for="new-priority">"Priority"</label>
                        <select id="new-priority" name="priority" data-testid="new-priority" prop:value=priority on:change=on_priority>
                            <PriorityOptions blank="Medium (default)" />
                        </select>
                    </div>
                    <div class="field">
                        <label for="new-due">"Due date"</label>
                        <input id="new-due" name="due_date" type="date" data-testid="new-due" prop:value=due_date on:input=on_due_date />
                    </div>
                    <div class="field field-wide">
                        <label for="new-tags">"Tags"</label>
                        <input id="new-tags" name="tags" type="text" placeholder="home, errands" data-testid="new-tags"
                            aria-describedby="new-tags-hint" prop:value=tags on:input=on_tags />
                        <p id="new-tags-hint" class="hint">"Separate tags with commas (up to 10)."</p>
                    </div>
                </div>
            </details>
            <p id="new-task-error" class="field-error" role="alert" aria-live="assertive">{problem}</p>
        </form>
    }
}
