//! `AuthSettings`: what the auth endpoints need besides the store and the signer.
use super::client::{ClientAddr, TrustedProxies};
use super::provider::Provider;
use super::routes::origin::TrustedOrigins;
use super::routes::rate_limit::RateLimits;
use super::session::cookie::CookieConfig;
use super::session::password::HashQueue;

/// What the embedded Better Auth needs besides the store and the signer.
pub struct AuthSettings {
    pub cookies: CookieConfig,
    pub trusted: TrustedOrigins,
    pub limiter: RateLimits,
    pub rate_limit: bool,
    /// The password-hashing budget of this server.
    pub hashes: HashQueue,
    /// The reverse proxies whose `X-Forwarded-For` names the client.
    pub proxies: TrustedProxies,
    /// Where sessions live: here, or in an external Better Auth.
    pub provider: Provider,
}

impl AuthSettings {
    /// Counts a request from `client` to the auth endpoint `path` against that endpoint's limit (when
    /// limits are on). `Err` carries the seconds to wait.
    pub async fn admit(&self, client: ClientAddr, path: &str) -> Result<(), u64> {
        if !self.rate_limit {
            return Ok(());
        }
        self.limiter.check(client.0, super::routes::rate_limit::rule(path)).await
    }
}
