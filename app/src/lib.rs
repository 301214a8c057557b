//! Ticklist's Leptos UI: the HTML shell, the routes, pages and components. Rendered on the server
//! (feature `ssr`) and hydrated in the browser (feature `hydrate`).
#![recursion_limit = "256"]
pub mod client;
pub mod components;
pub mod pages;
pub mod server_fns;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

use components::header::Header;
use pages::{not_found::NotFound, sign_in::SignInPage, sign_up::SignUpPage, tasks::TasksPage};
use server_fns::{Viewer, current_viewer};

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

/// Bumped after sign-in and sign-out so that everything showing the user reloads it.
#[derive(Debug, Clone, Copy)]
pub struct ViewerVersion(RwSignal<u32>);

impl ViewerVersion {
    pub fn bump(&self) {
        self.0.update(|version| *version += 1);
    }
}

/// The signed-in user (by session cookie), shared by the header and the pages.
pub type ViewerResource = Resource<Result<Option<Viewer>, ServerFnError>>;

/// The application: header, routes and the page for unknown paths.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    let version = ViewerVersion(RwSignal::new(0));
    provide_context(version);
    let viewer: ViewerResource = Resource::new(move || version.0.get(), |_| current_viewer());
    provide_context(viewer);
    view! {
        <Stylesheet id="leptos" href="/pkg/ticklist.css" />
        <Link rel="icon" href="/favicon.ico" />
        <Meta name="description" content="Ticklist: your tasks, fast and private." />
        <Title formatter=|page: String| if page.is_empty() { "Ticklist".to_owned() } else { format!("{page} · Ticklist") } />
        <Router>
            <Header />
            <main id="main" class="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=TasksPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("sign-up") view=SignUpPage ssr=SsrMode::Async />
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
