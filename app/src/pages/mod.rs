//! One module per route.
pub mod account;
pub mod auth_form;
pub mod forgot_password;
pub mod not_found;
pub mod reset_password;
pub mod sign_in;
pub mod sign_up;
pub mod tasks;
