//! `/`: the signed-in user's tasks. Signed-out visitors are sent to `/sign-in` and come back after.
//! Reads go through a server function (so the first paint is server-rendered), single-task changes
//! through the REST API, bulk changes through server functions.
mod draft;
mod item;
mod new_task;
mod notices;
mod state;
mod toolbar;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_location};
use ticklist::model::TaskQuery;

use crate::ViewerResource;
use crate::server_fns::list_tasks;
use item::TaskItem;
use new_task::NewTaskForm;
use notices::{NoticeArea, Notices};
use state::ListState;
use toolbar::{Toolbar, href};

#[component]
pub fn TasksPage() -> impl IntoView {
    let viewer = expect_context::<ViewerResource>();
    let location = use_location();
    view! {
        <Title text="Tasks" />
        <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(_)) => view! { <Board /> }.into_any(),
                    _ => {
                        let search = location.search.get_untracked();
                        let search = search.trim_start_matches('?');
                        let here = if search.is_empty() {
                            location.pathname.get_untracked()
                        } else {
                            format!("{}?{search}", location.pathname.get_untracked())
                        };
                        let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
                        view! { <Redirect path=format!("/sign-in?next={next}") /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The query in the URL; empty values (from a plain GET form) count as absent, and an invalid query
/// falls back to the default view rather than an error page.
fn parse_query(search: &str) -> TaskQuery {
    let pairs = form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
        .filter(|(_, value)| !value.is_empty())
        .map(|(k, v)| (k.into_owned(), v.into_owned()));
    TaskQuery::from_pairs(pairs).unwrap_or_default()
}

#[component]
fn Board() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| parse_query(&location.search.get()));
    let listing = Resource::new(move || query.get().to_query_string(), list_tasks);
    let notices = Notices::new();
    provide_context(notices);
    let state = ListState::new(query, notices);
    provide_context(state);
    let reload = Callback::new(move |_| listing.refetch());

    view! {
        <section class="board" aria-labelledby="board-title">
            <h1 id="board-title" class="board-title">"Your tasks"</h1>
            <NewTaskForm />
            <Toolbar query />
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading tasks…"</p> }>
                {move || Suspend::new(async move {
                    match listing.await {
                        Ok(page) => {
                            state.load(page);
                            view! { <TaskList reload /> }.into_any()
                        }
                        Err(error) => {
                            let message = crate::client::ClientError::from(error);
                            if message == crate::client::ClientError::SignedOut {
                                notices.failed(message);
                                ().into_any()
                            } else {
                                view! {
                                    <div class="empty" role="alert">
                                        <p>{message.message()}</p>
                                        <button class="button" type="button" on:click=move |_| listing.refetch()>"Try again"</button>
                                    </div>
                                }.into_any()
                            }
                        }
                    }
                })}
            </Transition>
            <NoticeArea />
        </section>
    }
}

#[component]
fn TaskList(reload: Callback<()>) -> impl IntoView {
    let state = expect_context::<ListState>();
    let query = state.query;
    let filtered = move || {
        let q = query.get();
        q.q.is_some() || !q.tags.is_empty() || q.priority.is_some() || q.due_before.is_some() || q.due_after.is_some()
    };
    let remaining = move || state.remaining.get();
    let completed = move || state.all.get().saturating_sub(state.remaining.get());
    view! {
        <div class="list-head">
            <Show when=move || { state.all.get() > 0 }>
                <button type="button" class="button button-quiet button-small" data-testid="toggle-all"
                    on:click=move |_| state.toggle_all(reload)>
                    {move || if remaining() > 0 { "Mark all done" } else { "Mark all not done" }}
                </button>
            </Show>
            <p class="count" data-testid="items-left" aria-live="polite">
                {move || match remaining() { 1 => "1 item left".to_owned(), n => format!("{n} items left") }}
            </p>
            <Show when=move || { completed() > 0 }>
                <button type="button" class="button button-quiet button-small" data-testid="clear-completed"
                    on:click=move |_| state.clear_completed(reload)>
                    {move || format!("Clear completed ({})", completed())}
                </button>
            </Show>
        </div>
        <Show when=move || !state.visible().is_empty() fallback=move || view! {
            <div class="empty" data-testid="empty">
                {move || if state.all.get() == 0 {
                    view! { <p>"Nothing to do yet. Add your first task above."</p> }.into_any()
                } else if filtered() || query.get().status != ticklist::model::StatusFilter::All {
                    view! { <p>"No tasks match this view. " <a href="/">"Show all tasks"</a></p> }.into_any()
                } else {
                    view! { <p>"All clear."</p> }.into_any()
                }}
            </div>
        }>
            <ul class="tasks" aria-label="Tasks">
                <For each=move || state.visible() key=|task| (task.id, task.updated_at, task.completed) let:task>
                    <TaskItem id=task.id />
                </For>
            </ul>
        </Show>
        <Show when=move || { (state.tasks.with(|t| t.iter().filter(|t| t.id > 0).count()) as u64) < state.total.get() }>
            <div class="load-more">
                <button type="button" class="button button-quiet" data-testid="load-more" disabled=move || state.loading_more.get()
                    on:click=move |_| state.load_more()>
                    {move || if state.loading_more.get() { "Loading…".to_owned() } else {
                        format!("Load more ({} of {} shown)", state.tasks.with(|t| t.len()), state.total.get())
                    }}
                </button>
            </div>
        </Show>
        <p class="visually-hidden"><a href=move || href(&query.get())>"Link to this view"</a></p>
    }
}
