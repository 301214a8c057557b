//! The site header: the app's name, and the signed-in user with a sign-out button (or links to sign in).
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;

use super::theme_toggle::ThemeToggle;
use crate::{ViewerResource, ViewerVersion, client::auth_api};

#[component]
pub fn Header() -> impl IntoView {
    let viewer = expect_context::<ViewerResource>();
    let version = expect_context::<ViewerVersion>();
    let navigate = use_navigate();
    let sign_out = move |event: SubmitEvent| {
        event.prevent_default();
        let navigate = navigate.clone();
        spawn_local(async move {
            auth_api::sign_out().await;
            version.bump();
            navigate("/sign-in", Default::default());
        });
    };
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"✓"</span>
                <span>"Ticklist"</span>
            </a>
            <nav class="site-nav" aria-label="Account">
                <ThemeToggle />
                <Transition fallback=|| ()>
                    {move || {
                        let sign_out = sign_out.clone();
                        Suspend::new(async move {
                        match viewer.await {
                            Ok(Some(user)) => view! {
                                <span class="user-name" data-testid="user-name" title=user.email.clone()>{user.name.clone()}</span>
                                <form method="post" action="/sign-out" on:submit=sign_out>
                                    <button class="button button-quiet" type="submit" data-testid="sign-out">"Sign out"</button>
                                </form>
                            }.into_any(),
                            _ => view! {
                                <a class="button button-quiet" href="/sign-in" data-testid="nav-sign-in">"Sign in"</a>
                                <a class="button" href="/sign-up" data-testid="nav-sign-up">"Sign up"</a>
                            }.into_any(),
                        }
                    })}}
                </Transition>
            </nav>
        </header>
    }
}
