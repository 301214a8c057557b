//! Switches between light and dark. Without a choice the page follows the system (CSS
//! `prefers-color-scheme`). A choice is set as `data-theme` on `<html>` and kept in a cookie, so that the
//! server renders every later page in it: pages are whole page loads, and none flashes the other theme.
use leptos::prelude::*;

/// The cookie that keeps the chosen theme, `dark` or `light` (a preference, not a secret).
const COOKIE: &str = "ticklist-theme";

/// The theme this browser chose (from the request's cookie), or `None` to follow the system. Only
/// meaningful while a page renders on the server.
pub fn chosen_theme() -> Option<&'static str> {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<http::request::Parts>()?;
        let cookies = parts.headers.get_all(http::header::COOKIE);
        cookies.iter().filter_map(|header| header.to_str().ok()).flat_map(|header| header.split(';')).find_map(|pair| {
            match pair.trim().strip_prefix(COOKIE)?.strip_prefix('=')? {
                "dark" => Some("dark"),
                "light" => Some("light"),
                _ => None,
            }
        })
    }
    #[cfg(not(feature = "ssr"))]
    None
}

/// Whether the theme chosen so far is dark (`None`: the system's): on the server from the cookie, in
/// the browser from the `<html data-theme>` the server wrote from it, so both render the same.
fn chosen_dark() -> Option<bool> {
    #[cfg(feature = "ssr")]
    let theme = chosen_theme().map(str::to_owned);
    #[cfg(not(feature = "ssr"))]
    let theme = document().document_element().and_then(|root| root.get_attribute("data-theme"));
    theme.map(|theme| theme == "dark")
}

#[island]
pub fn ThemeToggle() -> impl IntoView {
    let (dark, set_dark) = signal(chosen_dark());
    let toggle = move |_| {
        let system_dark =
            window().match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|query| query.matches());
        let now_dark = !dark.get_untracked().unwrap_or(system_dark);
        set_dark.set(Some(now_dark));
        let theme = if now_dark { "dark" } else { "light" };
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", theme);
        }
        // `document.cookie = …` (through Reflect: no binding of its own in the bundle).
        let cookie = format!("{COOKIE}={theme}; Path=/; Max-Age=31536000; SameSite=Lax");
        let _ = js_sys::Reflect::set(&document(), &"cookie".into(), &cookie.into());
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
