//! Ticklist's Leptos UI: the HTML shell, the routes, pages and components. Rendered on the server
//! (feature `ssr`) and hydrated in the browser (feature `hydrate`).
pub mod components;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
};

use components::header::Header;
use pages::{home::HomePage, not_found::NotFound};

/// The whole HTML document, rendered on the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: header, routes and the page for unknown paths.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    view! {
        <Stylesheet id="leptos" href="/pkg/ticklist.css" />
        <Link rel="icon" href="/favicon.ico" />
        <Meta name="description" content="Ticklist: your tasks, fast and private." />
        <Title formatter=|page: String| if page.is_empty() { "Ticklist".to_owned() } else { format!("{page} · Ticklist") } />
        <Router>
            <Header />
            <main id="main" class="main">
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage />
                </Routes>
            </main>
        </Router>
    }
}

/// Sets `data-hydrated="true"` on `<body>` once the WASM has taken over (effects run only in the
/// browser), so tests and styles can tell a live page from server-rendered HTML.
fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
