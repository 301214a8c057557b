//! The site header: the app's name, and the place where sign-in and the user's name go.
use leptos::prelude::*;

use super::theme_toggle::ThemeToggle;

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"✓"</span>
                <span>"Ticklist"</span>
            </a>
            <nav class="site-nav" aria-label="Account">
                <ThemeToggle />
                <a class="button button-quiet" href="/sign-in" data-testid="nav-sign-in">"Sign in"</a>
            </nav>
        </header>
    }
}
