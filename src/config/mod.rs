//! Typed configuration, read once at start-up from the environment (and an optional `.env`).
//! A misconfiguration stops start-up with one line naming the variable.
mod accounts;

use std::{fmt, net::SocketAddr, time::Duration};

pub use accounts::AccountOptions;

use rand::{Rng, distributions::Alphanumeric};

/// Whether the server runs for a developer (lenient) or for users (strict).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// The JWT algorithm the server signs with and accepts (besides keys' own algorithms, see `auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtAlg {
    EdDsa,
    Es256,
    Rs256,
    /// Better Auth's shared-secret mode: HMAC-SHA256 with `BETTER_AUTH_SECRET`.
    Hs256,
}

impl JwtAlg {
    /// The JOSE name (`EdDSA`, `ES256`, `RS256`, `HS256`).
    pub fn as_str(self) -> &'static str {
        match self {
            JwtAlg::EdDsa => "EdDSA",
            JwtAlg::Es256 => "ES256",
            JwtAlg::Rs256 => "RS256",
            JwtAlg::Hs256 => "HS256",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [JwtAlg::EdDsa, JwtAlg::Es256, JwtAlg::Rs256, JwtAlg::Hs256]
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(name))
    }
}

/// The secret behind cookies, key encryption and HS256. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Everything the server needs to know about its surroundings.
#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    /// `LEPTOS_SITE_ADDR`: where to listen.
    pub site_addr: SocketAddr,
    /// `DATABASE_URL`: `sqlite://path` (or a bare path) or `postgres://...`.
    pub database_url: String,
    /// `BETTER_AUTH_SECRET`.
    pub secret: Secret,
    /// Whether `secret` was generated because none was configured (development only).
    pub secret_generated: bool,
    /// `BETTER_AUTH_URL`: the public base URL; its origin is the JWT `iss` and `aud`.
    pub base_url: String,
    /// `JWT_ALG`.
    pub jwt_alg: JwtAlg,
    /// `JWT_EXPIRES_IN`: seconds, or with a unit (`15m`, `1h`).
    pub jwt_expires_in: Duration,
    /// `BETTER_AUTH_JWKS_URL`: verify tokens against this remote JWKS instead of the local `jwks` table.
    pub jwks_url: Option<String>,
    /// `JWKS_REFRESH_INTERVAL`: how often the verification keys (a remote JWKS, or the `jwks` table
    /// shared with other instances) are reloaded in the background; `0` turns that off. Default 5 min.
    /// An unknown `kid` also reloads them at once, at most once a second.
    pub jwks_refresh_interval: Duration,
    /// Overrides the shortest time between two key loads caused by unknown `kid`s (tests only; the
    /// default is the verifier's `REFETCH_GAP`).
    pub jwks_refetch_gap: Option<Duration>,
    /// How long the signer keeps using its key before it looks in the store for a newer one (made by
    /// `ticklist rotate-keys` or another instance). Not read from the environment: 10 s (tests shorten it).
    pub signing_key_recheck: Duration,
    /// `TRUSTED_PROXIES`: addresses or CIDR ranges of the reverse proxies in front of this server. A
    /// request from one of them is attributed to the client its `X-Forwarded-For` names.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `BETTER_AUTH_UPSTREAM`: an external Better Auth server to proxy `/api/auth/*` to.
    pub upstream: Option<String>,
    /// `BETTER_AUTH_TRUSTED_ORIGINS`: extra origins trusted besides `base_url`'s.
    pub trusted_origins: Vec<String>,
    /// `RATE_LIMIT` (`on`/`off`): auth rate limits; on by default outside development.
    pub rate_limit: bool,
    /// `RATE_LIMIT_STORAGE` (`memory`/`database`): where auth rate limits count. Default `database`
    /// on PostgreSQL (instances share the counts), `memory` on SQLite.
    pub rate_limit_storage: RateLimitStorage,
    /// Mail and the account rules.
    pub accounts: AccountOptions,
}

/// Where auth rate limits count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitStorage {
    Memory,
    Database,
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

/// The shortest secret accepted outside development.
pub const SECRET_MIN_BYTES: usize = 32;

impl Config {
    /// Reads the process environment (after loading `.env` when present).
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let error = |variable: &'static str, message: String| ConfigError { variable, message };

        let environment = match get("TICKLIST_ENV").as_deref() {
            None if cfg!(debug_assertions) => Environment::Development,
            None => Environment::Production,
            Some("development" | "dev") => Environment::Development,
            Some("production" | "prod") => Environment::Production,
            Some(other) => {
                return Err(error("TICKLIST_ENV", format!("must be development or production, not {other:?}")));
            }
        };
        let site_addr = get("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let site_addr: SocketAddr = site_addr
            .parse()
            .map_err(|_| error("LEPTOS_SITE_ADDR", format!("{site_addr:?} is not an address like 127.0.0.1:3000")))?;
        let database_url = get("DATABASE_URL").unwrap_or_else(|| "sqlite://ticklist.db".into());

        let (secret, secret_generated) = match get("BETTER_AUTH_SECRET") {
            Some(secret) if secret.len() >= SECRET_MIN_BYTES || environment == Environment::Development => {
                (secret, false)
            }
            Some(_) => return Err(error("BETTER_AUTH_SECRET", format!("must be at least {SECRET_MIN_BYTES} bytes"))),
            None if environment == Environment::Development => {
                (rand::thread_rng().sample_iter(&Alphanumeric).take(48).map(char::from).collect(), true)
            }
            None => {
                return Err(error(
                    "BETTER_AUTH_SECRET",
                    format!(
                        "is required outside development (at least {SECRET_MIN_BYTES} bytes; e.g. `openssl rand -base64 32`)"
                    ),
                ));
            }
        };

        let base_url = get("BETTER_AUTH_URL").unwrap_or_else(|| format!("http://{site_addr}"));
        let base_url = base_url.trim_end_matches('/').to_owned();
        if origin_of(&base_url).is_none() {
            return Err(error("BETTER_AUTH_URL", format!("{base_url:?} is not an http(s) URL")));
        }

        let jwt_alg = match get("JWT_ALG") {
            None => JwtAlg::EdDsa,
            Some(name) => JwtAlg::parse(&name)
                .ok_or_else(|| error("JWT_ALG", format!("must be EdDSA, ES256, RS256 or HS256, not {name:?}")))?,
        };
        let jwt_expires_in = match get("JWT_EXPIRES_IN") {
            None => Duration::from_secs(15 * 60),
            Some(text) => parse_duration(&text)
                .filter(|d| !d.is_zero())
                .ok_or_else(|| error("JWT_EXPIRES_IN", format!("{text:?} is not a duration like 900, 15m or 1h")))?,
        };
        let upstream = get("BETTER_AUTH_UPSTREAM").map(|url| url.trim_end_matches('/').to_owned());
        if let Some(url) = &upstream {
            origin_of(url).ok_or_else(|| error("BETTER_AUTH_UPSTREAM", format!("{url:?} is not an http(s) URL")))?;
        }
        let jwks_url =
            get("BETTER_AUTH_JWKS_URL").or_else(|| upstream.as_ref().map(|url| format!("{url}/api/auth/jwks")));
        let jwks_refresh_interval = match get("JWKS_REFRESH_INTERVAL") {
            None => Duration::from_secs(5 * 60),
            Some(text) => parse_duration(&text)
                .ok_or_else(|| error("JWKS_REFRESH_INTERVAL", format!("{text:?} is not a duration like 30 or 5m")))?,
        };
        let trusted_proxies = match get("TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|entry| !entry.is_empty())
                .map(|entry| {
                    entry
                        .parse::<ipnet::IpNet>()
                        .or_else(|_| entry.parse::<std::net::IpAddr>().map(Into::into))
                        .map_err(|_| error("TRUSTED_PROXIES", format!("{entry:?} is not an IP address or CIDR range")))
                })
                .collect::<Result<_, _>>()?,
        };
        let trusted_origins = get("BETTER_AUTH_TRUSTED_ORIGINS")
            .map(|list| {
                list.split(',').map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty()).collect()
            })
            .unwrap_or_default();
        let rate_limit = accounts::flag(&get, "RATE_LIMIT", environment == Environment::Production)?;
        let host =
            url::Url::parse(&base_url).ok().and_then(|url| url.host_str().map(str::to_owned)).unwrap_or_default();
        let accounts = AccountOptions::from_lookup(&get, environment, &host)?;
        let postgres = database_url.starts_with("postgres://") || database_url.starts_with("postgresql://");
        let rate_limit_storage = match get("RATE_LIMIT_STORAGE").as_deref() {
            None if postgres => RateLimitStorage::Database,
            None | Some("memory") => RateLimitStorage::Memory,
            Some("database") => RateLimitStorage::Database,
            Some(other) => {
                return Err(error("RATE_LIMIT_STORAGE", format!("must be memory or database, not {other:?}")));
            }
        };

        Ok(Self {
            environment,
            site_addr,
            database_url,
            secret: Secret(secret),
            secret_generated,
            base_url,
            jwt_alg,
            jwt_expires_in,
            jwks_url,
            jwks_refresh_interval,
            jwks_refetch_gap: None,
            signing_key_recheck: Duration::from_secs(10),
            trusted_proxies,
            upstream,
            trusted_origins,
            rate_limit,
            rate_limit_storage,
            accounts,
        })
    }

    /// The origin of `BETTER_AUTH_URL` (scheme, host, port): the JWT issuer and audience.
    pub fn origin(&self) -> String {
        origin_of(&self.base_url).unwrap_or_else(|| self.base_url.clone())
    }

    /// A configuration for tests: development-like but with a fixed secret and no rate limits.
    pub fn for_tests(database_url: impl Into<String>) -> Self {
        let database_url = database_url.into();
        Self::from_lookup(|name| match name {
            "TICKLIST_ENV" => Some("production".into()),
            "BETTER_AUTH_SECRET" => Some("test-secret-0123456789abcdefghijklmnopqrstuvwxyz".into()),
            "BETTER_AUTH_URL" => Some("http://127.0.0.1:3000".into()),
            "DATABASE_URL" => Some(database_url.clone()),
            "RATE_LIMIT" => Some("off".into()),
            _ => None,
        })
        .expect("the test configuration is valid")
    }
}

/// `scheme://host[:port]` of an http(s) URL, or `None` when it is not one.
pub fn origin_of(url: &str) -> Option<String> {
    // Parsed as a browser parses it (WHATWG URL rules), so that `https://evil.example\.tick.dev` is
    // read as host `evil.example`, exactly as the browser that follows it would.
    let url = url::Url::parse(url).ok()?;
    let plain = matches!(url.scheme(), "http" | "https") && url.username().is_empty() && url.password().is_none();
    (plain && url.host().is_some()).then(|| url.origin().ascii_serialization())
}

/// `900`, `900s`, `15m`, `1h`, `1d`.
fn parse_duration(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return None,
    };
    number.checked_mul(factor).map(Duration::from_secs)
}

#[cfg(test)]
mod tests;
