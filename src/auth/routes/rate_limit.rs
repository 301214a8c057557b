//! Better Auth's production rate limits, per client (IPv6: per /64) and endpoint, in fixed windows:
//! sign-in, sign-up, change-password and change-email 3 per 10 s; asking for a reset link or a
//! verification email 3 per 60 s; every other auth endpoint 100 per 10 s.
use crate::db::Store;
use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// One rate-limit rule: the endpoint it counts (a bucket name), its window and how many requests a
/// client may make in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub bucket: &'static str,
    pub window: Duration,
    pub max: u32,
}

const SHORT: Duration = Duration::from_secs(10);
const LONG: Duration = Duration::from_secs(60);
/// The strict rules, first match wins: (path prefix or exact path, exact?, window, max).
const STRICT: [(&str, bool, Duration, u32); 6] = [
    ("/sign-in", false, SHORT, 3),
    ("/sign-up", false, SHORT, 3),
    ("/change-password", false, SHORT, 3),
    ("/change-email", false, SHORT, 3),
    ("/request-password-reset", true, LONG, 3),
    ("/send-verification-email", true, LONG, 3),
];
/// Every other auth endpoint.
pub const DEFAULT_RULE: Rule = Rule { bucket: "default", window: SHORT, max: 100 };

/// The rule of an auth path (relative to `/api/auth`).
pub fn rule(path: &str) -> Rule {
    STRICT
        .iter()
        .find(|(prefix, exact, _, _)| if *exact { path == *prefix } else { path.starts_with(prefix) })
        .map_or(DEFAULT_RULE, |&(bucket, _, window, max)| Rule { bucket, window, max })
}

/// Where the counts live: in this process, or in the database shared by every instance (Better
/// Auth's `rateLimit.storage: "database"`), so that N instances do not allow N times the attempts.
pub enum RateLimits {
    Memory(RateLimiter),
    /// The database's `rateLimit` table; this process's own counts stand in while it is unreachable.
    Database {
        store: Store,
        fallback: RateLimiter,
    },
}

impl RateLimits {
    /// Records one request of `client` under `rule`; `Err(seconds)` to wait when over the limit.
    pub async fn check(&self, client: Option<IpAddr>, rule: Rule) -> Result<(), u64> {
        let (store, fallback) = match self {
            RateLimits::Memory(limiter) => return limiter.check(client, rule),
            RateLimits::Database { store, fallback } => (store, fallback),
        };
        let client = client.map(crate::auth::client::rate_key);
        let key = match client {
            Some(ip) => format!("{ip}|{}", rule.bucket),
            None => format!("no-trusted-ip|{}", rule.bucket),
        };
        let now = crate::clock::now().timestamp_millis();
        let window = i64::try_from(rule.window.as_millis()).unwrap_or(i64::MAX);
        match store.count_request(&key, now, window).await {
            Ok((count, started)) if count > i64::from(rule.max) => {
                let left_ms = (started + window - now).max(0);
                Err(u64::try_from((left_ms + 999) / 1000).unwrap_or(1).max(1))
            }
            Ok(_) => Ok(()),
            Err(error) => {
                tracing::warn!(%error, "rate limits: the database is unreachable; counting in memory meanwhile");
                fallback.check(client, rule)
            }
        }
    }
}

/// A client address (when known) and a bucket name.
type Key = (Option<IpAddr>, &'static str);
/// When the current window began and how many requests it has seen.
type Window = (Instant, u32);

/// Counts requests per (client, bucket) in fixed windows.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<Key, Window>>,
}

impl RateLimiter {
    /// Records one request; `Err(seconds)` to wait when over the limit.
    pub fn check(&self, client: Option<IpAddr>, rule: Rule) -> Result<(), u64> {
        let now = Instant::now();
        let mut windows = self.windows.lock().expect("rate limiter lock");
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < LONG);
        }
        let client = client.map(crate::auth::client::rate_key);
        let (start, count) = windows.entry((client, rule.bucket)).or_insert((now, 0));
        if now.duration_since(*start) >= rule.window {
            *start = now;
            *count = 0;
        }
        if *count >= rule.max {
            let wait = rule.window.saturating_sub(now.duration_since(*start));
            return Err(wait.as_secs().max(1));
        }
        *count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fourth_login_in_a_window_is_refused_per_client() {
        let limiter = RateLimiter::default();
        let a = Some("10.0.0.1".parse().unwrap());
        let b = Some("10.0.0.2".parse().unwrap());
        let sign_in = rule("/sign-in/email");
        for _ in 0..3 {
            assert!(limiter.check(a, sign_in).is_ok());
        }
        let wait = limiter.check(a, sign_in).unwrap_err();
        assert!((1..=10).contains(&wait));
        assert!(limiter.check(b, sign_in).is_ok(), "another client has its own window");
        assert!(limiter.check(a, rule("/sign-up/email")).is_ok(), "another endpoint has its own window");
        assert!(limiter.check(a, DEFAULT_RULE).is_ok(), "another bucket has its own window");
    }

    #[test]
    fn each_endpoint_has_better_auths_rule() {
        assert_eq!(rule("/change-password"), Rule { bucket: "/change-password", window: SHORT, max: 3 });
        assert_eq!(rule("/request-password-reset").window, LONG);
        assert_eq!(rule("/send-verification-email").max, 3);
        assert_eq!(rule("/request-password-reset/x"), DEFAULT_RULE, "exact paths only");
        assert_eq!(rule("/reset-password"), DEFAULT_RULE);
        assert_eq!(rule("/list-sessions"), DEFAULT_RULE);
    }
}
