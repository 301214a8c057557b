//! The WASM entry point: hydrates the islands of the server-rendered page.
#![recursion_limit = "256"]
use leptos::prelude::{document, set_timeout};

// The islands live in `app`; naming the crate links their `#[wasm_bindgen]` hydration functions in.
extern crate app;

/// Called by Leptos's island script once the module has loaded; it then hydrates each island.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    mark_hydrated();
}

/// Sets `data-hydrated="true"` on `<body>` once the islands are live, so tests and styles can tell a
/// live page from server-rendered HTML. The script hydrates the islands right after this call returns,
/// in the same task; a zero timeout runs after that task.
fn mark_hydrated() {
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
