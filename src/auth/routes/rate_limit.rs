//! Better Auth's production rate limits, per client (IPv6: per /64) and fixed 10-second window:
//! sign-in and sign-up 3 requests, every other auth endpoint 100.
use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

pub const WINDOW: Duration = Duration::from_secs(10);
pub const LOGIN_MAX: u32 = 3;
pub const DEFAULT_MAX: u32 = 100;

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
    pub fn check(&self, client: Option<IpAddr>, bucket: &'static str, max: u32) -> Result<(), u64> {
        let now = Instant::now();
        let mut windows = self.windows.lock().expect("rate limiter lock");
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let client = client.map(crate::auth::client::rate_key);
        let (start, count) = windows.entry((client, bucket)).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= max {
            let wait = WINDOW.saturating_sub(now.duration_since(*start));
            return Err(wait.as_secs().max(1));
        }
        *count += 1;
        Ok(())
    }
}

/// The bucket and limit of an auth path (relative to `/api/auth`).
pub fn rule(path: &str) -> (&'static str, u32) {
    if path.starts_with("/sign-in") || path.starts_with("/sign-up") {
        ("login", LOGIN_MAX)
    } else {
        ("default", DEFAULT_MAX)
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
        for _ in 0..3 {
            assert!(limiter.check(a, "login", 3).is_ok());
        }
        let wait = limiter.check(a, "login", 3).unwrap_err();
        assert!((1..=10).contains(&wait));
        assert!(limiter.check(b, "login", 3).is_ok(), "another client has its own window");
        assert!(limiter.check(a, "default", 100).is_ok(), "another bucket has its own window");
    }
}
