//! Better Auth's ids: `generateId(32)`, 32 characters drawn uniformly from `[a-zA-Z0-9]`.
use rand::{Rng, distributions::Alphanumeric, rngs::OsRng};

/// A new random id (users, sessions, session tokens, accounts, keys).
pub fn generate_id() -> String {
    OsRng.sample_iter(&Alphanumeric).take(32).map(char::from).collect()
}
