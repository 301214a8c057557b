//! The site header: the app's name, and the signed-in user with links to their account and a sign-out
//! button (or links to sign in).
//! Rendered on the server; only the two buttons are islands.
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::theme_toggle::ThemeToggle;
use crate::{ViewerResource, client::auth_api};

#[component]
pub fn Header() -> impl IntoView {
    let viewer = expect_context::<ViewerResource>();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"✓"</span>
                <span>"Ticklist"</span>
            </a>
            <nav class="site-nav" aria-label="Account">
                <ThemeToggle />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match viewer.await {
                            Ok(Some(user)) => view! {
                                <span class="user-name" data-testid="user-name" title=user.email>{user.name}</span>
                                <a class="button button-quiet" href="/account" data-testid="nav-account">"Account"</a>
                                <SignOutButton />
                            }.into_any(),
                            _ => view! {
                                <a class="button button-quiet" href="/sign-in" data-testid="nav-sign-in">"Sign in"</a>
                                <a class="button" href="/sign-up" data-testid="nav-sign-up">"Sign up"</a>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </nav>
        </header>
    }
}

/// A real form (posts to `/sign-out` without JavaScript); hydrated, it ends the session through Better
/// Auth, forgets the token and goes to the sign-in page.
#[island]
fn SignOutButton() -> impl IntoView {
    let sign_out = move |event: SubmitEvent| {
        event.prevent_default();
        spawn_local(async move {
            auth_api::sign_out().await;
            let _ = window().location().assign("/sign-in");
        });
    };
    view! {
        <form method="post" action="/sign-out" on:submit=sign_out>
            <button class="button button-quiet" type="submit" data-testid="sign-out">"Sign out"</button>
        </form>
    }
}
