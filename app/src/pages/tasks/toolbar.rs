//! Filters, search and sort. Everything lives in the URL query, so a reload or a shared link shows
//! the same view; the controls are a plain GET form (works without JavaScript) whose changes show
//! at once when hydrated.
use leptos::{ev::SubmitEvent, prelude::*};
use ticklist::model::{Order, Priority, SortKey, StatusFilter, TaskQuery};

use super::state::ListState;
use crate::components::priority_options::PriorityOptions;

/// `/?<query>` for a query (defaults left out).
pub fn href(query: &TaskQuery) -> String {
    let text = query.to_query_string();
    if text.is_empty() { "/".into() } else { format!("/?{text}") }
}

#[component]
pub fn Toolbar() -> impl IntoView {
    let state = expect_context::<ListState>();
    let query = state.query;
    let go = move |query: TaskQuery| state.navigate(TaskQuery { offset: 0, ..query });
    let status_link = move |status: StatusFilter, label: &'static str| {
        let target = move || href(&TaskQuery { status, offset: 0, ..query.get() });
        let current = move || (query.get().status == status).then_some("page");
        view! { <a href=target aria-current=current class="tab" data-testid=format!("filter-{}", status.as_str())>{label}</a> }
    };
    let (search, set_search) = signal(query.get_untracked().q.unwrap_or_default());
    Effect::new(move |_| set_search.set(query.get().q.unwrap_or_default()));

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let q = search.get_untracked().trim().to_owned();
        go(TaskQuery { q: (!q.is_empty()).then_some(q), ..query.get_untracked() });
    };
    let on_priority = move |event| {
        let value = event_target_value(&event);
        go(TaskQuery { priority: Priority::parse(&value), ..query.get_untracked() });
    };
    let on_sort = move |event| {
        let sort = SortKey::parse(&event_target_value(&event)).unwrap_or_default();
        // Titles read best A-Z and due dates soonest first; dates and priority newest/highest first.
        let order = if matches!(sort, SortKey::Title | SortKey::DueDate) { Order::Asc } else { Order::Desc };
        go(TaskQuery { sort, order, ..query.get_untracked() });
    };
    let on_order = move |event| {
        go(TaskQuery { order: Order::parse(&event_target_value(&event)).unwrap_or_default(), ..query.get_untracked() })
    };
    let priority_value = move || query.get().priority.map(|p| p.as_str().to_owned()).unwrap_or_default();

    view! {
        <div class="toolbar">
            <nav class="tabs" aria-label="Show">
                {status_link(StatusFilter::All, "All")}
                {status_link(StatusFilter::Pending, "Active")}
                {status_link(StatusFilter::Completed, "Completed")}
            </nav>
            <form class="filters" method="get" action="/" role="search" on:submit=on_submit>
                <input type="hidden" name="status" prop:value=move || query.get().status.as_str() />
                {move || query.get().tags.into_iter().map(|tag| view! { <input type="hidden" name="tag" value=tag /> }).collect_view()}
                <div class="field field-search">
                    <label for="search">"Search"</label>
                    <input id="search" name="q" type="search" placeholder="Search tasks" data-testid="search"
                        prop:value=search on:input=move |event| set_search.set(event_target_value(&event)) />
                </div>
                <div class="field">
                    <label for="priority-filter">"Priority"</label>
                    <select id="priority-filter" name="priority" data-testid="priority-filter" prop:value=priority_value on:change=on_priority>
                        <PriorityOptions blank="Any" />
                    </select>
                </div>
                <div class="field">
                    <label for="sort">"Sort by"</label>
                    <select id="sort" name="sort" data-testid="sort" prop:value=move || query.get().sort.as_str() on:change=on_sort>
                        <option value="created_at">"Created"</option>
                        <option value="updated_at">"Last changed"</option>
                        <option value="due_date">"Due date"</option>
                        <option value="priority">"Priority"</option>
                        <option value="title">"Title"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="order">"Order"</label>
                    <select id="order" name="order" data-testid="order" prop:value=move || query.get().order.as_str() on:change=on_order>
                        <option value="desc">"Descending"</option>
                        <option value="asc">"Ascending"</option>
                    </select>
                </div>
                <button class="button button-quiet" type="submit">"Apply"</button>
            </form>
            <Show when=move || !query.get().tags.is_empty()>
                <p class="active-tags">
                    "Tagged: "
                    {move || {
                        let query = query.get();
                        query.tags.iter().map(|tag| {
                            let without = TaskQuery { tags: query.tags.iter().filter(|t| *t != tag).cloned().collect(), ..query.clone() };
                            view! { <a class="chip chip-active" href=href(&without) aria-label=format!("Remove tag filter {tag}")>{format!("#{tag} ✕")}</a> }
                        }).collect_view()
                    }}
                </p>
            </Show>
        </div>
    }
}
