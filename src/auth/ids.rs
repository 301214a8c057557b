//! Better Auth's ids: `generateId(n)`, `n` characters drawn uniformly from `[a-zA-Z0-9]`.
use rand::{Rng, distributions::Alphanumeric, rngs::OsRng};

/// A new random id of 32 characters (users, sessions, session tokens, accounts, keys).
pub fn generate_id() -> String {
    generate_id_of(32)
}

/// A new random id of `length` characters (password-reset tokens have 24).
pub fn generate_id_of(length: usize) -> String {
    OsRng.sample_iter(&Alphanumeric).take(length).map(char::from).collect()
}
