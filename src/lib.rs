//! Ticklist: the task domain shared by server and browser, and, behind feature `server`, everything
//! that runs only on the server: configuration, the store, the task service, auth and the HTTP API.
pub mod model;
pub mod redirect;

#[cfg(feature = "server")]
pub mod auth;
#[cfg(feature = "server")]
pub mod clock;
#[cfg(feature = "server")]
pub mod config;
#[cfg(feature = "server")]
pub mod db;
#[cfg(feature = "server")]
pub mod http;
#[cfg(feature = "server")]
pub mod live;
#[cfg(feature = "server")]
pub mod mail;
#[cfg(feature = "server")]
pub mod state;
#[cfg(feature = "server")]
pub mod tasks;

#[cfg(feature = "server")]
pub use state::AppState;
