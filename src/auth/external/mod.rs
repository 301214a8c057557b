//! External mode (`BETTER_AUTH_UPSTREAM`): sessions live in a real Better Auth server; `/api/auth/*`
//! is proxied to it (`proxy`) and the server side asks it who a session cookie belongs to (`upstream`).
pub mod proxy;
mod upstream;

pub use upstream::{UpstreamSessions, client};
