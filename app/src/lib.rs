//! Ticklist's Leptos UI: the HTML shell, the routes, pages and components. Pages are rendered on the
//! server (feature `ssr`); only the interactive parts, the *islands* (`#[island]`: the sign-in and
//! sign-up forms, the task board, the sign-out and theme buttons), are hydrated in the browser (feature
//! `hydrate`). The rest never ships as WASM, which keeps the bundle small; moving between pages is a
//! plain page load.
#![recursion_limit = "256"]
pub mod client;
pub mod components;
pub mod from_server;
pub mod pages;
pub mod server_fns;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

use components::header::Header;
use pages::{
    account::AccountPage, forgot_password::ForgotPasswordPage, not_found::NotFound, reset_password::ResetPasswordPage,
    sign_in::SignInPage, sign_up::SignUpPage, tasks::TasksPage,
};
use server_fns::{FnError, Viewer, current_viewer};

/// The whole HTML document, rendered on the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=components::theme_toggle::chosen_theme()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The signed-in user (by session cookie), shared by the header and the pages while they render.
pub type ViewerResource = Resource<Result<Option<Viewer>, FnError>>;

/// The application: header, routes and the page for unknown paths.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let viewer: ViewerResource = Resource::new(|| (), |_| current_viewer());
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
                    <Route path=StaticSegment("account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("reset-password") view=ResetPasswordPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}
