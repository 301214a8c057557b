//! HTTP tests: the real router, on a real port, over a fresh database per test.
#[path = "../common/mod.rs"]
mod common;
mod helpers;

mod accounts;
mod auth;
mod crud;
mod errors;
mod instances;
mod isolation;
mod limits;
mod listing;
mod live;
mod remote_jwks;
mod resilience;
mod tokens;
