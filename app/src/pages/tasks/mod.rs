//! `/`: the signed-in user's tasks. Signed-out visitors are sent to `/sign-in` and come back after.
//! Reads go through a server function (called directly while the page renders on the server, so the
//! first paint has the tasks; over HTTP when the view changes), single-task changes through the REST
//! API, bulk changes through server functions; changes made elsewhere arrive on the live stream. The
//! board is an island: the page around it is static.
mod draft;
mod item;
mod new_task;
mod notices;
mod state;
mod toolbar;

use leptos::{ev::MouseEvent, prelude::*};
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_location};
use ticklist::model::TaskQuery;
use wasm_bindgen::JsCast;

use crate::ViewerResource;
use crate::client::ClientError;
use crate::from_server::FromServer;
use crate::server_fns::{TaskListing, first_page};
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
                    Ok(Some(viewer)) => {
                        // The first page of tasks is read here, on the server, and handed to the island.
                        let search = location.search.get_untracked();
                        let listing = first_page(&viewer, &TaskQuery::from_address(&search))
                            .await
                            .map_err(|error| ClientError::from(error).message());
                        view! { <Board listing=FromServer(listing) search user=viewer.id /> }.into_any()
                    }
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

/// The page's path and query as the browser shows it now (`/?status=pending`).
fn current_url() -> String {
    let location = window().location();
    format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
}

/// The board: the new-task form, the filters and the list, live in the browser. `listing` is the first
/// page as the server read it (or why it could not); `search` the URL's query it was read for; `user`
/// whose board it is.
#[island]
fn Board(listing: FromServer<Result<TaskListing, String>>, search: String, user: String) -> impl IntoView {
    let notices = Notices::new();
    provide_context(notices);
    let state = ListState::new(TaskQuery::from_address(&search), notices);
    provide_context(state);
    match listing.0 {
        Ok(page) => state.load(page),
        Err(message) => state.failure.set(Some(message)),
    }
    // In the browser only (an effect), once: no token cached for someone else is ever sent, then
    // changes made in other tabs and on other devices arrive as they happen.
    Effect::new(move |_| {
        crate::client::token::expect_user(&user);
        leptos::task::spawn_local(crate::client::live::follow(move |news| state.hear(news)));
    });
    // Back and Forward move between views of the board without leaving the page.
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        state.show(TaskQuery::from_address(&window().location().search().unwrap_or_default()));
    });

    view! {
        <section class="board" aria-labelledby="board-title" on:click=move |event| follow_board_link(state, event)>
            <h1 id="board-title" class="board-title">"Your tasks"</h1>
            // `hidden` rather than `<Show>`: one attribute to update, no second view in the bundle.
            <p class="notice live-down" role="status" data-testid="live-down" hidden=move || !state.live_down.get()>
                "Offline: reconnecting… Changes made elsewhere will show up when the connection is back."
            </p>
            <NewTaskForm />
            <Toolbar />
            {move || match state.failure.get() {
                None => view! { <TaskList /> }.into_any(),
                Some(message) => view! {
                    <div class="empty" role="alert">
                        <p>{message}</p>
                        <button class="button" type="button" on:click=move |_| state.fetch()>"Try again"</button>
                    </div>
                }.into_any(),
            }}
            <NoticeArea />
        </section>
    }
}

/// A click on a link to another view of the board (a filter tab, a tag, "Show all tasks") changes the
/// view in place, like a client-side router would: no page load, and pending deletes keep their undo.
fn follow_board_link(state: ListState, event: MouseEvent) {
    let plain_click =
        event.button() == 0 && !(event.ctrl_key() || event.meta_key() || event.shift_key() || event.alt_key());
    if event.default_prevented() || !plain_click {
        return;
    }
    let link = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|element| element.closest("a[href]").ok().flatten());
    let Some(link) = link.and_then(|link| link.dyn_into::<web_sys::HtmlAnchorElement>().ok()) else { return };
    let same_page = link.origin() == window().location().origin().unwrap_or_default() && link.pathname() == "/";
    if same_page && link.target().is_empty() {
        event.prevent_default();
        state.navigate(TaskQuery::from_address(&link.search()));
    }
}

#[component]
fn TaskList() -> impl IntoView {
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
                    on:click=move |_| state.toggle_all()>
                    {move || if remaining() > 0 { "Mark all done" } else { "Mark all not done" }}
                </button>
            </Show>
            <p class="count" data-testid="items-left" aria-live="polite">
                {move || match remaining() { 1 => "1 item left".to_owned(), n => format!("{n} items left") }}
            </p>
            <Show when=move || { completed() > 0 }>
                <button type="button" class="button button-quiet button-small" data-testid="clear-completed"
                    on:click=move |_| state.clear_completed()>
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
            <ul class="tasks" aria-label="Tasks" aria-busy=move || state.loading.get().to_string()>
                // Any change to a task (or a new day) makes a new row: rows show plain values.
                <For each=move || state.visible() key=move |task| (task.id, task.updated_at, task.completed, state.today.get_untracked()) let:task>
                    <TaskItem task />
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
