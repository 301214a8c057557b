//! `/`: the task list (for now a welcome until sign-in exists).
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <section class="panel">
            <h1>"Ticklist"</h1>
            <p class="lede">"Your tasks, fast and private. Sign in to see your list."</p>
        </section>
    }
}
