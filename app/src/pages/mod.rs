//! One module per route.
pub mod auth_form;
pub mod not_found;
pub mod sign_in;
pub mod sign_up;
pub mod tasks;
