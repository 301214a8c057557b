//! The Ticklist binary: configuration, store, routers (REST API + Leptos SSR), graceful shutdown.
//! With arguments it runs a maintenance command instead (see `cli`).
#![recursion_limit = "256"]
mod cli;

use std::process::ExitCode;

use app::{App, shell};
use axum::{
    Router,
    extract::{Request, State},
    http::Uri,
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use ticklist::{AppState, config::Config, http};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ticklist: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    if config.secret_generated {
        tracing::warn!(
            "BETTER_AUTH_SECRET is not set: using a random secret for this development run; \
             sessions and signing keys will not survive a restart"
        );
    }
    let addr = config.site_addr;
    let state = AppState::new(config).await.map_err(|e| format!("database: {e}"))?;

    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some((command, rest)) = args.split_first() {
        return if cli::run(&state, command, rest).await? {
            Ok(())
        } else {
            Err(format!(
                "unknown command {command:?} (commands: rotate-keys, token <user-id>, seed-tasks <user-id> <count>)"
            ))
        };
    }

    let mut leptos_options = get_configuration(None).map_err(|e| e.to_string())?.leptos_options;
    leptos_options.site_addr = addr;
    let routes = generate_route_list(App);
    let site = Router::new()
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            {
                let state = state.clone();
                move || provide_page_context(&state)
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback({
            // Unknown /api paths get a problem body; anything else is a static file or the UI's 404 page.
            let files_and_pages = leptos_axum::file_and_error_handler_with_context(
                {
                    let state = state.clone();
                    move || provide_page_context(&state)
                },
                shell,
            );
            move |uri: Uri, state: State<LeptosOptions>, request: Request| async move {
                if uri.path().starts_with("/api/") {
                    http::api_not_found().await
                } else {
                    files_and_pages(uri, state, request).await
                }
            }
        })
        .with_state(leptos_options)
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::page_cache::serve_board))
        .layer(axum::middleware::from_fn(http::security::page_policy));
    let app = http::with_middleware(http::api_router(state.clone()).merge(site));

    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    state.store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// What pages and server functions find in context: the app state, and for a page the nonce that
/// [`http::security::page_policy`] names in its Content-Security-Policy (replacing the random one
/// leptos_axum provides, so that the page's scripts and its policy agree).
fn provide_page_context(state: &AppState) {
    provide_context(state.clone());
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<http::security::PageNonce>().cloned());
    if let Some(http::security::PageNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// Resolves on SIGINT or SIGTERM; in-flight requests then finish before the server exits.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
