//! Switches between light and dark. Without a choice the page follows the system (CSS
//! `prefers-color-scheme`); the choice is set as `data-theme` on `<html>`. An island: works once hydrated.
use leptos::prelude::*;

#[island]
pub fn ThemeToggle() -> impl IntoView {
    let (dark, set_dark) = signal(None::<bool>);
    let toggle = move |_| {
        let root = document().document_element();
        let system_dark =
            window().match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|query| query.matches());
        let now_dark = !dark.get_untracked().unwrap_or(system_dark);
        set_dark.set(Some(now_dark));
        if let Some(root) = root {
            let _ = root.set_attribute("data-theme", if now_dark { "dark" } else { "light" });
        }
    };
    view! {
        <button
            type="button"
            class="button button-quiet theme-toggle"
            data-testid="theme-toggle"
            aria-pressed=move || dark.get().map(|d| d.to_string()).unwrap_or_else(|| "mixed".into())
            on:click=toggle
        >
            <span aria-hidden="true">"◐"</span>
            <span class="visually-hidden">"Switch light or dark theme"</span>
        </button>
    }
}
